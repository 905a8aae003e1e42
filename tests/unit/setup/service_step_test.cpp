// SPDX-License-Identifier: MIT
// `nanoclaw setup --step service` against stub systemctl/loginctl/systemd-run/docker/launchctl
// (spec 30 §8, §17.4; catalog I 115-126): what is written where, which commands run in which
// order, the block, the exit code; and a daemon started by hand is stopped through its lock.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "nanoclaw/core/daemon_lock.hpp"
#include "nanoclaw/setup/service_files.hpp"
#include "lock_holder.hpp"
#include "step_fixture.hpp"

namespace nanoclaw::setup {
namespace {

namespace fs = std::filesystem;
using testing_support::LockHolder;
using testing_support::StepTest;
using Keys = std::vector<std::string>;

class ServiceStepTest : public StepTest {
  protected:
    ServiceStepTest() {
        platform.systemd = true;
        daemon_bin = base / "prefix/bin/nanoclawd";
        fs::create_directories(daemon_bin.parent_path());
        std::ofstream(daemon_bin) << "#!/bin/sh\n";
        ::chmod(daemon_bin.c_str(), 0755);
        env["NANOCLAW_DAEMON_PATH"] = daemon_bin.string();
        env["NANOCLAW_SYSTEMD_SYSTEM_DIR"] = system_dir().string();
        for (const auto* name : {"systemctl", "loginctl", "systemd-run", "docker", "launchctl"})
            stub(name, "exit 0");
    }
    fs::path system_dir() const { return base / "etc/systemd/system"; }
    fs::path user_unit() const { return config.home_dir / ".config/systemd/user/nanoclaw.service"; }
    ServiceLayout layout() const { return {daemon_bin, config.root, config.home_dir}; }
    // The calls.log lines that start with `prefix`, in order.
    std::vector<std::string> calls_of(const std::string& prefix) const {
        std::vector<std::string> found;
        for (const auto& c : calls())
            if (c.rfind(prefix, 0) == 0) found.push_back(c);
        return found;
    }
    std::ptrdiff_t position(const std::string& call) const {
        const auto all = calls();
        return std::find(all.begin(), all.end(), call) - all.begin();
    }

    fs::path daemon_bin;
};

// Catalog 115.
TEST_F(ServiceStepTest, MacosWritesThePlistUnloadsAndLoadsIt) {
    platform.name = "macos";
    stub("launchctl", "[ \"$1\" = list ] && printf '123\\t0\\tcom.nanoclaw\\n'; exit 0");
    ASSERT_EQ(run("service"), 0) << out.str();
    const auto plist = config.home_dir / "Library/LaunchAgents/com.nanoclaw.plist";
    EXPECT_EQ(read(plist), launchd_plist(layout()));
    EXPECT_EQ(keys(), (Keys{"SERVICE_TYPE", "NODE_PATH", "PROJECT_PATH", "PLIST_PATH",
                            "SERVICE_LOADED", "STATUS", "LOG"}));
    EXPECT_EQ(field("SERVICE_TYPE"), "launchd");
    EXPECT_EQ(field("NODE_PATH"), daemon_bin.string());
    EXPECT_EQ(field("PROJECT_PATH"), config.root.string());
    EXPECT_EQ(field("PLIST_PATH"), plist.string());
    EXPECT_EQ(field("SERVICE_LOADED"), "true");
    EXPECT_EQ(field("STATUS"), "success");
    EXPECT_EQ(calls(), (Keys{"launchctl unload " + plist.string(),
                             "launchctl load " + plist.string(), "launchctl list"}));
    EXPECT_TRUE(fs::is_directory(config.root / "logs"));
}

// Catalog 116.
TEST_F(ServiceStepTest, MacosLoadFailureStillSucceedsButReportsNotLoaded) {
    platform.name = "macos";
    stub("launchctl",
         "[ \"$1\" = load ] && exit 1; [ \"$1\" = list ] && echo '1 0 com.apple.x'; exit 0");
    EXPECT_EQ(run("service"), 0);
    EXPECT_EQ(field("SERVICE_LOADED"), "false");
    EXPECT_EQ(field("STATUS"), "success");
}

// Catalog 117 and 126 (root half): `restart`, not `start`, so a changed unit applies.
TEST_F(ServiceStepTest, RootInstallsTheSystemUnit) {
    platform.root = true;
    ASSERT_EQ(run("service"), 0) << out.str();
    const auto unit = system_dir() / "nanoclaw.service";
    EXPECT_EQ(read(unit), systemd_unit(layout(), {UnitScope::system, true}));
    EXPECT_EQ(calls_of("systemctl"),
              (Keys{"systemctl daemon-reload", "systemctl enable nanoclaw",
                    "systemctl restart nanoclaw", "systemctl is-active nanoclaw"}));
    EXPECT_TRUE(calls_of("systemd-run").empty());
    EXPECT_TRUE(calls_of("loginctl").empty());
    EXPECT_EQ(keys(), (Keys{"SERVICE_TYPE", "NODE_PATH", "PROJECT_PATH", "UNIT_PATH",
                            "SERVICE_LOADED", "LINGER_ENABLED", "STATUS", "LOG"}));
    EXPECT_EQ(field("SERVICE_TYPE"), "systemd-system");
    EXPECT_EQ(field("UNIT_PATH"), unit.string());
    EXPECT_EQ(field("SERVICE_LOADED"), "true");
    EXPECT_EQ(field("LINGER_ENABLED"), "false");
    EXPECT_FALSE(fs::exists(user_unit()));
}

// Catalog 118 and 126 (user half).
TEST_F(ServiceStepTest, UserInstallsTheUserUnitAndEnablesLinger) {
    ASSERT_EQ(run("service"), 0) << out.str();
    EXPECT_EQ(read(user_unit()), systemd_unit(layout(), {UnitScope::user, true}));
    EXPECT_EQ(field("SERVICE_TYPE"), "systemd-user");
    EXPECT_EQ(field("UNIT_PATH"), user_unit().string());
    EXPECT_EQ(field("LINGER_ENABLED"), "true");
    EXPECT_EQ(calls_of("systemctl"),
              (Keys{"systemctl --user daemon-reload", "systemctl --user daemon-reload",
                    "systemctl --user enable nanoclaw", "systemctl --user restart nanoclaw",
                    "systemctl --user is-active nanoclaw"}));
    const auto linger = position("loginctl enable-linger");
    EXPECT_LT(position("systemd-run --user --pipe --wait docker info"), linger);
    EXPECT_LT(linger, position("systemctl --user enable nanoclaw"));
    EXPECT_FALSE(fs::exists(system_dir()));
}

// Catalog 119.
TEST_F(ServiceStepTest, DockerWorkingOnlyOutsideTheUserManagerIsAStaleGroup) {
    stub("systemd-run", "exit 1");
    ASSERT_EQ(run("service"), 0);
    EXPECT_EQ(calls_of("systemd-run"), (Keys{"systemd-run --user --pipe --wait docker info"}));
    EXPECT_EQ(field("DOCKER_GROUP_STALE"), "true");
    EXPECT_EQ(keys(),
              (Keys{"SERVICE_TYPE", "NODE_PATH", "PROJECT_PATH", "UNIT_PATH", "SERVICE_LOADED",
                    "DOCKER_GROUP_STALE", "LINGER_ENABLED", "STATUS", "LOG"}));
}

// Catalog 120.
TEST_F(ServiceStepTest, DockerBrokenEverywhereIsNotAStaleGroup) {
    stub("systemd-run", "exit 1");
    stub("docker", "exit 1");
    ASSERT_EQ(run("service"), 0);
    EXPECT_EQ(field("DOCKER_GROUP_STALE"), "<absent>");
}

// Catalog 121.
TEST_F(ServiceStepTest, NoUserManagerFallsBackToTheScript) {
    stub("systemctl", "[ \"$*\" = '--user daemon-reload' ] && exit 1; exit 0");
    ASSERT_EQ(run("service"), 0);
    const auto script = config.root / "start-nanoclaw.sh";
    EXPECT_EQ(read(script), nohup_script(layout()));
    EXPECT_EQ(fs::status(script).permissions() & fs::perms::all, fs::perms(0755));
    EXPECT_EQ(keys(), (Keys{"SERVICE_TYPE", "NODE_PATH", "PROJECT_PATH", "WRAPPER_PATH",
                            "SERVICE_LOADED", "FALLBACK", "STATUS", "LOG"}));
    EXPECT_EQ(field("SERVICE_TYPE"), "nohup");
    EXPECT_EQ(field("WRAPPER_PATH"), script.string());
    EXPECT_EQ(field("SERVICE_LOADED"), "false");
    EXPECT_EQ(field("FALLBACK"), "wsl_no_systemd");
    EXPECT_EQ(calls(), (Keys{"systemctl --user daemon-reload"}));
    EXPECT_FALSE(fs::exists(user_unit()));
}

// Catalog 122 (and 114's mode).
TEST_F(ServiceStepTest, NoSystemdFallsBackToTheScriptWithoutAskingAnything) {
    platform.systemd = false;
    ASSERT_EQ(run("service"), 0);
    EXPECT_EQ(field("SERVICE_TYPE"), "nohup");
    EXPECT_EQ(field("FALLBACK"), "wsl_no_systemd");
    EXPECT_TRUE(calls().empty());
    EXPECT_EQ(fs::status(config.root / "start-nanoclaw.sh").permissions() & fs::perms::all,
              fs::perms(0755));
}

// Catalog 123.
TEST_F(ServiceStepTest, InactiveUnitIsReportedNotLoaded) {
    stub("systemctl", "[ \"$2\" = is-active ] && exit 3; exit 0");
    EXPECT_EQ(run("service"), 0);
    EXPECT_EQ(field("SERVICE_LOADED"), "false");
    EXPECT_EQ(field("STATUS"), "success");
}

// Catalog 124, as the port has it: no build, the binary must be there and executable.
TEST_F(ServiceStepTest, MissingBinaryFailsBeforeWritingAnything) {
    for (const bool exists : {false, true}) {
        fs::remove(daemon_bin);
        if (exists) std::ofstream(daemon_bin) << "not executable";
        EXPECT_EQ(run("service"), 1);
        EXPECT_EQ(
            out.str(),
            "=== NANOCLAW SETUP: SETUP_SERVICE ===\nSERVICE_TYPE: unknown\nNODE_PATH: " +
                daemon_bin.string() + "\nPROJECT_PATH: " + config.root.string() +
                "\nSTATUS: failed\nERROR: binary_missing\nLOG: logs/setup.log\n=== END ===\n");
    }
    EXPECT_TRUE(calls().empty());
    EXPECT_FALSE(fs::exists(user_unit()));
    EXPECT_NE(read(config.root / "logs/setup.log").find("NANOCLAW_DAEMON_PATH"), std::string::npos);
}

// Catalog 125.
TEST_F(ServiceStepTest, UnsupportedPlatformFails) {
    platform.name = "unknown";
    EXPECT_EQ(run("service"), 1);
    EXPECT_EQ(field("SERVICE_TYPE"), "unknown");
    EXPECT_EQ(field("ERROR"), "unsupported_platform");
    EXPECT_EQ(field("STATUS"), "failed");
}

TEST_F(ServiceStepTest, SystemFlagNeedsRootAndSystemd) {
    EXPECT_EQ(run("service", {"--system"}), 1);
    EXPECT_EQ(field("ERROR"), "needs_root");
    platform.systemd = false;
    platform.root = true;
    EXPECT_EQ(run("service", {"--system"}), 1);
    EXPECT_EQ(field("ERROR"), "no_systemd");
    EXPECT_TRUE(calls().empty());
    platform.systemd = true;
    EXPECT_EQ(run("service", {"--system", "--bogus", "x"}), 0);
    EXPECT_EQ(field("SERVICE_TYPE"), "systemd-system");
}

TEST_F(ServiceStepTest, UnknownFlagsAreIgnored) {
    EXPECT_EQ(run("service", {"--whatever", "--", "x"}), 0);
    EXPECT_EQ(field("SERVICE_TYPE"), "systemd-user");
}

TEST_F(ServiceStepTest, PathWithANewlineIsRefused) {
    config.root = base / "bad\nroot";
    EXPECT_EQ(run("service"), 1);
    EXPECT_EQ(field("ERROR"), "unsupported_path");
    EXPECT_TRUE(calls().empty());
}

TEST_F(ServiceStepTest, PodmanGetsNoSandboxAndNoDockerGroupCheck) {
    config.container_runtime = core::RuntimeKind::podman;
    config.container_runtime_bin = "podman";
    ASSERT_EQ(run("service"), 0);
    EXPECT_EQ(read(user_unit()).find("NoNewPrivileges"), std::string::npos);
    EXPECT_TRUE(calls_of("systemd-run").empty());
}

// §19 #10: no pkill. A daemon_bin started by hand holds the lock; it gets SIGTERM and the step
// waits for it to go before restarting the unit.
TEST_F(ServiceStepTest, StopsADaemonStartedByHandThroughItsLock) {
    platform.root = true;
    LockHolder manual(config.data_dir);
    ASSERT_EQ(run("service"), 0) << out.str();
    const int status = manual.wait_status();
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
    EXPECT_EQ(core::running_daemon_pid(core::daemon_lock_path(config.data_dir)), std::nullopt);
    EXPECT_LT(position("systemctl show --property=MainPID --value nanoclaw"),
              position("systemctl restart nanoclaw"));
    EXPECT_NE(
        read(config.root / "logs/setup.log").find(fmt::format("PID {} stopped", manual.pid())),
        std::string::npos);
}

// The unit's own daemon is left to `systemctl restart`.
TEST_F(ServiceStepTest, LeavesTheUnitsOwnDaemonToTheRestart) {
    LockHolder service(config.data_dir);
    stub("systemctl", fmt::format("[ \"$2\" = show ] && echo {}; exit 0", service.pid()));
    ASSERT_EQ(run("service"), 0);
    EXPECT_TRUE(service.alive());
    EXPECT_EQ(position("systemctl --user restart nanoclaw") + 1,
              position("systemctl --user is-active nanoclaw"));
}

TEST_F(ServiceStepTest, StdoutCarriesOnlyTheBlockAndTheLogTheCommands) {
    ASSERT_EQ(run("service"), 0);
    const auto text = out.str();
    EXPECT_EQ(text.rfind("=== NANOCLAW SETUP: SETUP_SERVICE ===\n", 0), 0u);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 10);
    const auto log = read(config.root / "logs/setup.log");
    EXPECT_NE(log.find("[service] systemctl --user restart nanoclaw: ok"), std::string::npos);
    EXPECT_NE(log.find("[service] wrote " + user_unit().string()), std::string::npos);
}

} // namespace
} // namespace nanoclaw::setup
