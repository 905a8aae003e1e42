// SPDX-License-Identifier: MIT
// Runs the real nanoclawd binary against the fake runtime CLI, and talks to it like a user
// would: through the local channel's Unix socket.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "local_client.hpp"

namespace nanoclaw::testing {

/// One nanoclawd process with its own root, HOME and fake-runtime record file.
class DaemonProcess {
  public:
    explicit DaemonProcess(std::filesystem::path root,
                           std::map<std::string, std::string> extra_env = {});
    ~DaemonProcess();

    /// Starts the daemon and waits until its socket accepts connections.
    void start();
    /// SIGTERM and wait; returns the exit status (or -1 on timeout, after SIGKILL).
    int terminate(std::chrono::milliseconds limit = std::chrono::seconds(10));
    /// SIGKILL and reap: a crash at an arbitrary point.
    void kill9();
    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path socket() const { return root_ / "data" / "nanoclawd.sock"; }
    /// argv of every command the fake runtime saw so far, in order.
    std::vector<std::vector<std::string>> commands() const;
    /// argv of every `run` the fake runtime saw so far.
    std::vector<std::vector<std::string>> runs() const;
    /// Daemon stderr so far.
    std::string log() const;

  private:
    std::filesystem::path root_;
    std::map<std::string, std::string> env_;
    pid_t pid_ = -1;
};

/// The local-socket client the tests talk through (shared with the daemon benchmark).
using ChatClient = LocalClient;

/// Path of the fake runtime CLI in the source tree.
std::filesystem::path fake_runtime_path();
/// Writes an IPC request like a container does (temp file + rename).
void write_ipc_request(const std::filesystem::path& root, const std::string& folder,
                       const std::string& kind, const std::string& name, const std::string& json);
/// Polls `done` every few ms until it holds or `limit` passes.
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::seconds(10));

} // namespace nanoclaw::testing
