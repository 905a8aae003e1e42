// SPDX-License-Identifier: MIT
// `setup --step verify` (spec 30 §10; catalogue J 127-138) with stub service managers and docker.
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "nanoclaw/setup/service_state.hpp"
#include "step_fixture.hpp"

namespace nanoclaw::setup {
namespace {

using testing_support::StepTest;
namespace fs = std::filesystem;

class VerifyStepTest : public StepTest {
  protected:
    VerifyStepTest() {
        config.local_channel = false; // v1's channels only, unless a test turns it on
        config.container_runtime_bin = "docker";
        platform.systemd = true;
    }
    void groups(int n) {
        fs::create_directories(config.store_dir);
        SQLite::Database db((config.store_dir / "messages.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE registered_groups (jid TEXT PRIMARY KEY)");
        for (int i = 0; i < n; ++i)
            db.exec("INSERT INTO registered_groups VALUES ('" + std::to_string(i) + "@g.us')");
    }
    void everything_good() {
        stub("systemctl", "[ \"$2\" = is-active ] && exit 0; exit 1");
        stub("docker", "exit 0");
        tmp.write("root/.env", "ANTHROPIC_API_KEY=x\nTELEGRAM_BOT_TOKEN=t\n");
        groups(1);
        tmp.write("home/.config/nanoclaw/mount-allowlist.json", R"({"allowedRoots":[],"blockedPatterns":[],"nonMainReadOnly":true})");
    }
};

TEST_F(VerifyStepTest, EverythingGood) {
    everything_good();
    EXPECT_EQ(run("verify"), 0);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: VERIFY ===\nSERVICE: running\nCONTAINER_RUNTIME: docker\n"
                         "CREDENTIALS: configured\nCONFIGURED_CHANNELS: telegram\n"
                         "CHANNEL_AUTH: {\"telegram\":\"configured\"}\nREGISTERED_GROUPS: 1\n"
                         "MOUNT_ALLOWLIST: configured\nSTATUS: success\nLOG: logs/setup.log\n=== END ===\n");
    EXPECT_EQ(calls().front(), "systemctl --user is-active nanoclaw");
}

TEST_F(VerifyStepTest, RootAsksTheSystemManager) {
    everything_good();
    platform.root = true;
    run("verify");
    EXPECT_EQ(calls().front(), "systemctl is-active nanoclaw");
}

TEST_F(VerifyStepTest, ChannelsInV1Order) {
    everything_good();
    tmp.write("root/store/auth/creds.json", "{}");
    env["SLACK_BOT_TOKEN"] = "b";
    run("verify");
    EXPECT_EQ(field("CONFIGURED_CHANNELS"), "whatsapp,telegram") << "one Slack token is not enough";
    env["SLACK_APP_TOKEN"] = "a";
    env["DISCORD_BOT_TOKEN"] = "d";
    config.local_channel = true;
    run("verify");
    EXPECT_EQ(field("CONFIGURED_CHANNELS"), "whatsapp,telegram,slack,discord,local");
    EXPECT_EQ(field("CHANNEL_AUTH"), R"({"whatsapp":"authenticated","telegram":"configured","slack":"configured","discord":"configured","local":"enabled"})");
}

TEST_F(VerifyStepTest, NoChannelFails) {
    everything_good();
    tmp.write("root/.env", "ANTHROPIC_API_KEY=x\n");
    EXPECT_EQ(run("verify"), 1);
    EXPECT_NE(out.str().find("\nCONFIGURED_CHANNELS: \n"), std::string::npos) << "trailing space kept";
    EXPECT_EQ(field("CHANNEL_AUTH"), "{}");
    EXPECT_EQ(field("STATUS"), "failed");
}

TEST_F(VerifyStepTest, TelegramTokenFromTheProcessEnvironment) {
    everything_good();
    tmp.write("root/.env", "ANTHROPIC_API_KEY=x\n");
    env["TELEGRAM_BOT_TOKEN"] = "t";
    EXPECT_EQ(run("verify"), 0);
    EXPECT_EQ(field("CONFIGURED_CHANNELS"), "telegram");
}

TEST_F(VerifyStepTest, CredentialLinesMustStartTheLine) {
    everything_good();
    for (const std::string dotenv : {"# ANTHROPIC_API_KEY=x\nTELEGRAM_BOT_TOKEN=t\n", "  ANTHROPIC_API_KEY=x\nTELEGRAM_BOT_TOKEN=t\n"}) {
        tmp.write("root/.env", dotenv);
        EXPECT_EQ(run("verify"), 1) << dotenv;
        EXPECT_EQ(field("CREDENTIALS"), "missing") << dotenv;
    }
    for (const std::string dotenv : {"ANTHROPIC_API_KEY=\nTELEGRAM_BOT_TOKEN=t\n", "TELEGRAM_BOT_TOKEN=t\nCLAUDE_CODE_OAUTH_TOKEN=o",
                                     "ONECLI_URL=http://127.0.0.1:10254\nTELEGRAM_BOT_TOKEN=t\n", "ANTHROPIC_API_KEY=proxy-managed\nTELEGRAM_BOT_TOKEN=t"}) {
        tmp.write("root/.env", dotenv);
        EXPECT_EQ(run("verify"), 0) << dotenv;
        EXPECT_EQ(field("CREDENTIALS"), "configured") << dotenv;
    }
}

TEST_F(VerifyStepTest, SystemdStoppedOrUnknown) {
    everything_good();
    stub("systemctl", "[ \"$2\" = list-unit-files ] && echo 'nanoclaw.service disabled enabled'; exit 3");
    EXPECT_EQ(run("verify"), 1);
    EXPECT_EQ(field("SERVICE"), "stopped");
    stub("systemctl", "exit 3");
    run("verify");
    EXPECT_EQ(field("SERVICE"), "not_found");
}

TEST_F(VerifyStepTest, LaunchdListColumns) {
    everything_good();
    platform.name = "macos";
    stub("launchctl", "printf '%s\\t%s\\t%s\\n' 1234 0 com.nanoclaw");
    run("verify");
    EXPECT_EQ(field("SERVICE"), "running");
    stub("launchctl", "printf '%s\\t%s\\t%s\\n' - 78 com.nanoclaw");
    run("verify");
    EXPECT_EQ(field("SERVICE"), "stopped");
    stub("launchctl", "echo 'PID Status Label'");
    run("verify");
    EXPECT_EQ(field("SERVICE"), "not_found");
}

TEST_F(VerifyStepTest, NoServiceManagerReadsTheWrapperPidFile) {
    everything_good();
    platform.systemd = false;
    run("verify");
    EXPECT_EQ(field("SERVICE"), "not_found") << "no PID file";
    tmp.write("root/nanoclaw.pid", std::to_string(::getpid()) + "\n");
    run("verify");
    EXPECT_EQ(field("SERVICE"), "running");
    const pid_t gone = ::fork();
    if (gone == 0) ::_exit(0);
    ::waitpid(gone, nullptr, 0);
    tmp.write("root/nanoclaw.pid", std::to_string(gone));
    run("verify");
    EXPECT_EQ(field("SERVICE"), "stopped");
    tmp.write("root/nanoclaw.pid", "abc");
    run("verify");
    EXPECT_EQ(field("SERVICE"), "not_found");
}

TEST_F(VerifyStepTest, MissingDatabaseAndAllowlist) {
    everything_good();
    fs::remove_all(config.store_dir);
    fs::remove(config.mount_allowlist_path);
    EXPECT_EQ(run("verify"), 1);
    EXPECT_EQ(field("REGISTERED_GROUPS"), "0");
    EXPECT_EQ(field("MOUNT_ALLOWLIST"), "missing");
    groups(1);
    EXPECT_EQ(run("verify"), 0) << "the allowlist does not decide the status";
    tmp.write("home/.config/nanoclaw/mount-allowlist.json", "{oops");
    run("verify");
    EXPECT_EQ(field("MOUNT_ALLOWLIST"), "invalid");
}

TEST_F(VerifyStepTest, RuntimeIsTheConfiguredOne) {
    everything_good();
    stub("container", "exit 0");
    run("verify");
    EXPECT_EQ(field("CONTAINER_RUNTIME"), "docker") << "an installed Apple container CLI is not what the daemon runs";
    stub("docker", "exit 1");
    run("verify");
    EXPECT_EQ(field("CONTAINER_RUNTIME"), "none");
    config.container_runtime = core::RuntimeKind::podman;
    config.container_runtime_bin = "podman";
    stub("podman", "exit 0");
    run("verify");
    EXPECT_EQ(field("CONTAINER_RUNTIME"), "podman");
}

} // namespace
} // namespace nanoclaw::setup
