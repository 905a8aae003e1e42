// SPDX-License-Identifier: MIT
// `setup --step environment` (spec 30 §3; catalogue D 29-41).
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "step_fixture.hpp"

namespace nanoclaw::setup {
namespace {

using testing_support::StepTest;
namespace fs = std::filesystem;

class EnvironmentStepTest : public StepTest {};

TEST_F(EnvironmentStepTest, FreshRootHasNothingYet) {
    EXPECT_EQ(run("environment"), 0);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: CHECK_ENVIRONMENT ===\n"
                         "PLATFORM: linux\nIS_WSL: false\nIS_HEADLESS: false\nAPPLE_CONTAINER: not_found\n"
                         "DOCKER: not_found\nHAS_ENV: false\nHAS_AUTH: false\nHAS_REGISTERED_GROUPS: false\n"
                         "STATUS: success\nLOG: logs/setup.log\n=== END ===\n");
    EXPECT_FALSE(fs::exists(config.store_dir / "messages.db")) << "a read-only step created the database";
}

TEST_F(EnvironmentStepTest, PlatformFlagsComeFromThePlatform) {
    platform.wsl = true;
    platform.headless = true;
    EXPECT_EQ(run("environment"), 0);
    EXPECT_EQ(field("IS_WSL"), "true");
    EXPECT_EQ(field("IS_HEADLESS"), "true");
}

TEST_F(EnvironmentStepTest, DockerRunningInstalledOrMissing) {
    stub("docker", "exit 0");
    run("environment");
    EXPECT_EQ(field("DOCKER"), "running");
    EXPECT_EQ(calls(), std::vector<std::string>{"docker info"});
    stub("docker", "exit 1");
    run("environment");
    EXPECT_EQ(field("DOCKER"), "installed_not_running");
    stub("container", "exit 0");
    run("environment");
    EXPECT_EQ(field("APPLE_CONTAINER"), "installed");
}

TEST_F(EnvironmentStepTest, EnvAndAuthPresence) {
    tmp.write("root/.env", "ASSISTANT_NAME=Andy\n");
    fs::create_directories(config.store_dir / "auth");
    run("environment");
    EXPECT_EQ(field("HAS_ENV"), "true");
    EXPECT_EQ(field("HAS_AUTH"), "false") << "an empty auth directory is no session";
    tmp.write("root/store/auth/creds.json", "{}");
    run("environment");
    EXPECT_EQ(field("HAS_AUTH"), "true");
}

TEST_F(EnvironmentStepTest, LegacyJsonStateCountsWithoutBeingRead) {
    tmp.write("root/data/registered_groups.json", "{}");
    run("environment");
    EXPECT_EQ(field("HAS_REGISTERED_GROUPS"), "true");
}

TEST_F(EnvironmentStepTest, RegisteredGroupsAreCountedInTheDatabase) {
    fs::create_directories(config.store_dir);
    {
        SQLite::Database db((config.store_dir / "messages.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE chats (jid TEXT PRIMARY KEY)");
    }
    run("environment");
    EXPECT_EQ(field("HAS_REGISTERED_GROUPS"), "false") << "a database without the table is no error";
    {
        SQLite::Database db((config.store_dir / "messages.db").string(), SQLite::OPEN_READWRITE);
        db.exec("CREATE TABLE registered_groups (jid TEXT PRIMARY KEY, folder TEXT)");
    }
    run("environment");
    EXPECT_EQ(field("HAS_REGISTERED_GROUPS"), "false");
    {
        SQLite::Database db((config.store_dir / "messages.db").string(), SQLite::OPEN_READWRITE);
        db.exec("INSERT INTO registered_groups VALUES ('123@g.us', 'group-1'), ('456@g.us', 'group-2')");
    }
    run("environment");
    EXPECT_EQ(field("HAS_REGISTERED_GROUPS"), "true");
}

TEST(PlatformTest, WslIsToldByTheKernelVersion) {
    EXPECT_TRUE(is_wsl_kernel("Linux version 5.15.153.1-microsoft-standard-WSL2"));
    EXPECT_FALSE(is_wsl_kernel("Linux version 6.8.0-generic"));
    EXPECT_FALSE(is_wsl_kernel(""));
}

TEST(PlatformTest, DetectionReadsProcAndTheEnvironment) {
    testing::TempDir dir;
    PlatformProbe probe{dir.write("version", "Linux version 5.15-microsoft-standard-WSL2"), dir.write("comm", "systemd\n")};
    const auto p = detect_platform({{"DISPLAY", ":0"}}, probe);
    EXPECT_EQ(p.name, "linux");
    EXPECT_TRUE(p.wsl);
    EXPECT_TRUE(p.systemd);
    EXPECT_FALSE(p.headless);
    EXPECT_EQ(p.service_manager(), ServiceManager::systemd);
    EXPECT_EQ(p.root, ::geteuid() == 0);

    PlatformProbe other{dir.write("v2", "Linux version 6.8.0-generic"), dir.write("c2", "init\n")};
    const auto q = detect_platform({{"WAYLAND_DISPLAY", ""}}, other);
    EXPECT_FALSE(q.wsl);
    EXPECT_FALSE(q.systemd);
    EXPECT_TRUE(q.headless) << "an empty WAYLAND_DISPLAY is no display";
    EXPECT_EQ(q.service_manager(), ServiceManager::none);

    PlatformProbe missing{dir.path() / "nope", dir.path() / "nope2"};
    EXPECT_FALSE(detect_platform({}, missing).systemd) << "unreadable /proc/1/comm";
}

TEST(PlatformTest, ServiceManagerFollowsThePlatform) {
    Platform mac;
    mac.name = "macos";
    EXPECT_EQ(mac.service_manager(), ServiceManager::launchd);
    Platform other;
    other.systemd = true;
    EXPECT_EQ(other.service_manager(), ServiceManager::none) << "unknown platforms have none";
}

} // namespace
} // namespace nanoclaw::setup
