// SPDX-License-Identifier: MIT
// One daemon per root: the lock refuses a second holder and tells readers who holds it. Record
// locks belong to a process, so the "other daemon" is a forked child.
#include "nanoclaw/core/daemon_lock.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "nanoclaw/core/errors.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::core {
namespace {

// A child process that holds the lock until release() (or the test's end).
class OtherDaemon {
  public:
    explicit OtherDaemon(const std::filesystem::path& path) {
        int ready[2], hold[2];
        EXPECT_EQ(::pipe(ready), 0);
        EXPECT_EQ(::pipe(hold), 0);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(ready[0]);
            ::close(hold[1]);
            try {
                auto lock = DaemonLock::acquire(path);
                char ok = 'y';
                (void)!::write(ready[1], &ok, 1);
                char c;
                (void)!::read(hold[0], &c, 1); // until the parent closes its end
            } catch (...) {
                ::_exit(3);
            }
            ::_exit(0);
        }
        ::close(ready[1]);
        ::close(hold[0]);
        hold_ = hold[1];
        char c = 0;
        EXPECT_EQ(::read(ready[0], &c, 1), 1) << "the child could not take the lock";
        ::close(ready[0]);
    }
    ~OtherDaemon() { release(); }
    pid_t pid() const { return pid_; }
    void release() {
        if (hold_ < 0) return;
        ::close(hold_);
        hold_ = -1;
        int status = 0;
        ::waitpid(pid_, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

  private:
    pid_t pid_ = -1;
    int hold_ = -1;
};

TEST(DaemonLockTest, NoFileMeansNoDaemon) {
    testing::TempDir dir;
    EXPECT_FALSE(running_daemon_pid(dir.path() / "nanoclawd.pid"));
}

TEST(DaemonLockTest, StalePidFileWithoutLockMeansNoDaemon) {
    testing::TempDir dir;
    const auto path = dir.write("nanoclawd.pid", std::to_string(::getppid()) + "\n");
    EXPECT_FALSE(running_daemon_pid(path)) << "a PID in the file is not proof of a running daemon";
}

TEST(DaemonLockTest, HolderWritesItsPidAndReadersSeeIt) {
    testing::TempDir dir;
    const auto path = daemon_lock_path(dir.path());
    EXPECT_EQ(path, dir.path() / "nanoclawd.pid");
    OtherDaemon other(path);
    EXPECT_EQ(running_daemon_pid(path), other.pid());
    EXPECT_EQ(testing::TempDir::read(path), std::to_string(other.pid()) + "\n");
}

TEST(DaemonLockTest, SecondDaemonIsRefusedWithTheFirstOnesPid) {
    testing::TempDir dir;
    const auto path = daemon_lock_path(dir.path());
    OtherDaemon other(path);
    try {
        auto lock = DaemonLock::acquire(path);
        FAIL() << "a second daemon took the lock";
    } catch (const FatalError& e) {
        EXPECT_NE(std::string(e.what()).find("PID " + std::to_string(other.pid())), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("already running"), std::string::npos) << e.what();
    }
    EXPECT_EQ(testing::TempDir::read(path), std::to_string(other.pid()) + "\n") << "the file was clobbered";
}

TEST(DaemonLockTest, LockIsFreeOnceTheHolderHasGone) {
    testing::TempDir dir;
    const auto path = daemon_lock_path(dir.path());
    {
        OtherDaemon other(path);
        other.release();
    }
    EXPECT_FALSE(running_daemon_pid(path));
    EXPECT_EQ(testing::TempDir::read(path), "") << "a clean exit leaves no PID behind";
    auto lock = DaemonLock::acquire(path);
    EXPECT_EQ(testing::TempDir::read(path), std::to_string(::getpid()) + "\n");
}

TEST(DaemonLockTest, UnopenableLockIsFatal) {
    testing::TempDir dir;
    EXPECT_THROW(DaemonLock::acquire(dir.path() / "missing-dir" / "nanoclawd.pid"), FatalError);
}

} // namespace
} // namespace nanoclaw::core
