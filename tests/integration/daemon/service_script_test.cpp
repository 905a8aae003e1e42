// SPDX-License-Identifier: MIT
// start-nanoclaw.sh, the service step's fallback where there is no systemd (WSL, containers), run
// for real: it starts the built nanoclawd (with the fake runtime), a second run replaces that
// daemon by its PID files, and a PID that now belongs to another program is left alone.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "daemon_harness.hpp"
#include "temp_dir.hpp"
#include "nanoclaw/core/daemon_lock.hpp"
#include "nanoclaw/setup/service_files.hpp"

namespace nanoclaw::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ServiceScriptTest : public ::testing::Test {
  protected:
    ServiceScriptTest() {
        root = fs::canonical(dir.path());
        fs::create_directories(root / "home");
        script = root / "start-nanoclaw.sh";
        std::ofstream(script) << setup::nohup_script(setup::ServiceLayout{NANOCLAWD_PATH, root, root / "home"});
        ::chmod(script.c_str(), 0755);
    }
    ~ServiceScriptTest() override {
        if (const auto pid = daemon_pid()) ::kill(*pid, SIGKILL);
    }

    // Runs the script as a user would, with the daemon's environment (fake runtime, loopback).
    int run_script() {
        const std::string command =
            "cd '" + root.string() + "' && env -i HOME='" + (root / "home").string() +
            "' PATH=/usr/local/bin:/usr/bin:/bin TZ=UTC CONTAINER_RUNTIME_BIN='" + fake_runtime_path().string() +
            "' FAKE_RUNTIME_RECORD='" + (root / "runtime-record.jsonl").string() + "' FAKE_RUNTIME_STATE='" +
            (root / "runtime-state").string() +
            "' CREDENTIAL_PROXY_PORT=0 CREDENTIAL_PROXY_HOST=127.0.0.1 NANOCLAW_PREFLIGHT=off "
            "SHUTDOWN_GRACE_MS=2000 bash '" + script.string() + "' > '" + (root / "script.out").string() + "' 2>&1";
        fs::create_directories(root / "runtime-state");
        const int status = std::system(command.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::optional<pid_t> daemon_pid() const { return core::running_daemon_pid(core::daemon_lock_path(root / "data")); }
    std::string pid_file() const { return TempDir::read(root / "nanoclaw.pid"); }
    bool serving() const { return eventually([&] { return daemon_pid().has_value() && ChatClient(root / "data/nanoclawd.sock").connected(); }, 15s); }

    TempDir dir;
    fs::path root, script;
};

TEST_F(ServiceScriptTest, StartsTheDaemonAndARerunReplacesIt) {
    ASSERT_EQ(run_script(), 0) << TempDir::read(root / "script.out");
    ASSERT_TRUE(serving()) << TempDir::read(root / "logs/nanoclaw.error.log");
    const pid_t first = *daemon_pid();
    EXPECT_EQ(pid_file(), std::to_string(first) + "\n") << "the wrapper's PID file names the daemon";
    {
        ChatClient client(root / "data/nanoclawd.sock");
        client.say("main", "hello from the script");
        EXPECT_TRUE(client.next_reply(10s));
    }
    EXPECT_NE(TempDir::read(root / "logs/nanoclaw.log").find("ready root=" + root.string()), std::string::npos)
        << "the daemon logs to logs/nanoclaw.log";
    EXPECT_EQ(TempDir::read(root / "logs/nanoclaw.error.log").find("ready root="), std::string::npos)
        << "nanoclaw.error.log repeats every line";

    ASSERT_EQ(run_script(), 0) << TempDir::read(root / "script.out");
    EXPECT_NE(TempDir::read(root / "script.out").find("Stopping existing NanoClaw (PID " + std::to_string(first)),
              std::string::npos);
    ASSERT_TRUE(serving());
    EXPECT_NE(*daemon_pid(), first);
    std::error_code gone;
    const auto exe = fs::read_symlink("/proc/" + std::to_string(first) + "/exe", gone);
    EXPECT_TRUE(gone || exe != fs::canonical(NANOCLAWD_PATH)) << "the first daemon still runs";
    EXPECT_EQ(pid_file(), std::to_string(*daemon_pid()) + "\n");
}

TEST_F(ServiceScriptTest, APidThatNowBelongsToAnotherProgramIsNeverSignalled) {
    const pid_t bystander = ::fork();
    if (bystander == 0) {
        ::execl("/bin/sleep", "sleep", "30", nullptr);
        ::_exit(127);
    }
    std::ofstream(root / "nanoclaw.pid") << bystander << "\n";
    ASSERT_EQ(run_script(), 0) << TempDir::read(root / "script.out");
    ASSERT_TRUE(serving());
    EXPECT_EQ(::waitpid(bystander, nullptr, WNOHANG), 0) << "the script killed a process that is not nanoclawd";
    ::kill(bystander, SIGKILL);
    ::waitpid(bystander, nullptr, 0);
}

} // namespace
} // namespace nanoclaw::testing
