// SPDX-License-Identifier: MIT
#include "nanoclaw/core/daemon_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "nanoclaw/core/errors.hpp"

namespace nanoclaw::core {
namespace {

flock whole_file(short type) {
    flock fl{};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0; // to the end, however long the file grows
    return fl;
}

// F_GETLK asks without taking anything, so a reader can never make a starting daemon fail.
std::optional<pid_t> holder_of(int fd) {
    auto fl = whole_file(F_WRLCK);
    if (::fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK) return std::nullopt;
    return fl.l_pid;
}

} // namespace

std::filesystem::path daemon_lock_path(const std::filesystem::path& data_dir) {
    return data_dir / "nanoclawd.pid";
}

DaemonLock DaemonLock::acquire(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw FatalError("cannot open the daemon lock " + path.string() + ": " + std::strerror(errno));
    }
    auto fl = whole_file(F_WRLCK);
    if (::fcntl(fd, F_SETLK, &fl) != 0) {
        const int err = errno;
        const auto holder = holder_of(fd);
        ::close(fd);
        if (err == EACCES || err == EAGAIN) {
            const std::string pid = holder ? std::to_string(*holder) : std::string("unknown");
            throw FatalError("another nanoclawd (PID " + pid + ") is already running on this root (" +
                             path.parent_path().parent_path().string() +
                             "); stop it first (`systemctl --user stop nanoclaw`, or `kill " + pid +
                             "` if you started it by hand)");
        }
        throw FatalError("cannot lock " + path.string() + ": " + std::strerror(err));
    }
    const std::string text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        const int err = errno;
        ::close(fd);
        throw FatalError("cannot write " + path.string() + ": " + std::strerror(err));
    }
    return DaemonLock(fd, path);
}

DaemonLock::DaemonLock(DaemonLock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
    other.fd_ = -1;
}

DaemonLock::~DaemonLock() {
    if (fd_ < 0) return;
    // Emptied while still locked, so no reader sees our PID after we have gone.
    [[maybe_unused]] const int ignored = ::ftruncate(fd_, 0);
    ::close(fd_);
}

std::optional<pid_t> running_daemon_pid(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    const auto holder = holder_of(fd);
    ::close(fd);
    return holder;
}

} // namespace nanoclaw::core
