// SPDX-License-Identifier: MIT
// One daemon per project root. nanoclawd holds a POSIX record lock on data/nanoclawd.pid for its
// whole life and writes its PID there. A second daemon on the same root refuses to start (two
// daemons would answer every message twice and, with WhatsApp, knock each other off the session);
// `nanoclaw status`, `setup --step service` and `verify` learn the live daemon's PID from the lock
// itself, so a stale file or a reused PID is never mistaken for a running daemon, and nobody has
// to find the daemon by matching process names.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>

namespace nanoclaw::core {

class DaemonLock {
  public:
    /// Takes the lock at `path` (created 0644 if missing) and writes this process's PID into it.
    /// Throws FatalError naming the running daemon's PID when another process holds it, or the
    /// file cannot be opened.
    static DaemonLock acquire(const std::filesystem::path& path);

    DaemonLock(DaemonLock&& other) noexcept;
    DaemonLock& operator=(DaemonLock&&) = delete;
    DaemonLock(const DaemonLock&) = delete;
    /// Releases the lock (closing the file does) and empties the file, so it names no process.
    ~DaemonLock();

  private:
    DaemonLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
    int fd_ = -1;
    std::filesystem::path path_;
};

/// data/nanoclawd.pid under `data_dir`.
std::filesystem::path daemon_lock_path(const std::filesystem::path& data_dir);

/// The PID of the process holding the lock at `path`, or nullopt when none does (no file, or a
/// file left by a daemon that has gone). For other processes only (the CLI): a POSIX record lock
/// is released when its owner closes *any* descriptor of the file, so the daemon itself must
/// never open it again while it runs. (Open-file-description locks would not have that trap,
/// but they do not report their holder's PID.)
std::optional<pid_t> running_daemon_pid(const std::filesystem::path& path);

} // namespace nanoclaw::core
