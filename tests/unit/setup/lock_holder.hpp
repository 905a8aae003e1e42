// SPDX-License-Identifier: MIT
// A child process holding the daemon lock data/nanoclawd.pid, as a running nanoclawd does: a lock
// the test process took itself would not show (POSIX record locks never conflict within one
// process).
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "nanoclaw/core/daemon_lock.hpp"

namespace nanoclaw::setup::testing_support {

namespace fs = std::filesystem;

// A process that holds the daemon lock (as a running nanoclawd does) until a signal ends it.
class LockHolder {
  public:
    explicit LockHolder(const fs::path& data_dir) {
        fs::create_directories(data_dir);
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(fds[0]);
            try {
                auto lock = core::DaemonLock::acquire(core::daemon_lock_path(data_dir));
                (void)!::write(fds[1], "x", 1);
                for (;;)
                    ::pause();
            } catch (...) {
                ::_exit(2);
            }
        }
        ::close(fds[1]);
        char c = 0;
        EXPECT_EQ(::read(fds[0], &c, 1), 1) << "the child could not take the lock";
        ::close(fds[0]);
    }
    ~LockHolder() {
        if (!reaped_) {
            ::kill(pid_, SIGKILL);
            wait_status();
        }
    }
    pid_t pid() const { return pid_; }
    bool alive() const { return ::waitpid(pid_, nullptr, WNOHANG) == 0; }
    int wait_status() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        reaped_ = true;
        return status;
    }

  private:
    pid_t pid_ = -1;
    bool reaped_ = false;
};

} // namespace nanoclaw::setup::testing_support
