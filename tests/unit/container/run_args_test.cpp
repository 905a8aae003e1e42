// SPDX-License-Identifier: MIT
#include "nanoclaw/container/run_args.hpp"

#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "container_fixture.hpp"

namespace nanoclaw::container {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAreArray;
using ::testing::Not;

class RunArgsTest : public ::testing::Test, protected testing_support::ProjectFixture {
protected:
    std::vector<std::string> args_for(const core::RegisteredGroup& g, bool oauth,
                                      const std::vector<VolumeMount>& extras = {}) {
        RunArgsInput in{"nanoclaw-x-1", "http://host.docker.internal:3001", oauth,
                        prepare_host(config, settings, g, g.main(), extras)};
        return build_run_args(config, settings, in);
    }
    std::string r(const std::string& rel) const { return (root / rel).string(); }
};

TEST_F(RunArgsTest, NonMainLinuxMappedUserApiKeyMatchesSpecExactly) {
    fs::create_directories(config.groups_dir / "global");
    const auto args = args_for(group("telegram_dev-team"), false);
    const std::vector<std::string> expected = {
        "run", "-i", "--rm", "--name", "nanoclaw-x-1", "-e", "TZ=Europe/Berlin", "-e",
        "ANTHROPIC_BASE_URL=http://host.docker.internal:3001", "-e",
        "ANTHROPIC_API_KEY=placeholder", "--add-host=host.docker.internal:host-gateway",
        "--user", "1001:1001", "-e", "HOME=/home/node",
        "-v", r("groups/telegram_dev-team") + ":/workspace/group",
        "-v", r("groups/global") + ":/workspace/global:ro",
        "-v", r("data/sessions/telegram_dev-team/.claude") + ":/home/node/.claude",
        "-v", r("data/ipc/telegram_dev-team") + ":/workspace/ipc",
        "-v", r("data/sessions/telegram_dev-team/agent-runner-src") + ":/app/src",
        "nanoclaw-agent:latest"};
    EXPECT_THAT(args, ElementsAreArray(expected));
}

TEST_F(RunArgsTest, MainOnMacWithEnvFileUsesOauthAndShadowsEnv) {
    settings.host_is_linux = false;
    settings.host_ids = HostIds{501, 20};
    config.timezone = "America/New_York";
    fs::create_directories(config.groups_dir / "global");
    fs::create_directories(root);
    std::ofstream(root / ".env") << "TELEGRAM_BOT_TOKEN=secret\n";
    const auto args = args_for(group("main", true), true);
    const std::vector<std::string> expected = {
        "run", "-i", "--rm", "--name", "nanoclaw-x-1", "-e", "TZ=America/New_York", "-e",
        "ANTHROPIC_BASE_URL=http://host.docker.internal:3001", "-e",
        "CLAUDE_CODE_OAUTH_TOKEN=placeholder", "--user", "501:20", "-e", "HOME=/home/node",
        "-v", root.string() + ":/workspace/project:ro",
        "-v", "/dev/null:/workspace/project/.env:ro",
        "-v", r("groups/main") + ":/workspace/group",
        "-v", r("data/sessions/main/.claude") + ":/home/node/.claude",
        "-v", r("data/ipc/main") + ":/workspace/ipc",
        "-v", r("data/sessions/main/agent-runner-src") + ":/app/src",
        "nanoclaw-agent:latest"};
    EXPECT_THAT(args, ElementsAreArray(expected));
}

TEST_F(RunArgsTest, MainWithoutEnvFileHasNoShadowMount) {
    const auto args = args_for(group("main", true), true);
    EXPECT_THAT(args, Not(Contains("/dev/null:/workspace/project/.env:ro")));
    EXPECT_THAT(args, Contains("CLAUDE_CODE_OAUTH_TOKEN=placeholder"));
}

TEST_F(RunArgsTest, RootAndImageUidGetNoUserMapping) {
    for (unsigned uid : {0u, 1000u}) {
        settings.host_ids = HostIds{uid, uid};
        const auto args = args_for(group("g1"), false);
        EXPECT_THAT(args, Not(Contains("--user"))) << uid;
        EXPECT_THAT(args, Not(Contains("HOME=/home/node"))) << uid;
    }
}

TEST_F(RunArgsTest, NonMainWithoutGlobalDirHasNoGlobalMount) {
    const auto args = args_for(group("g1"), false);
    for (const auto& a : args) EXPECT_EQ(a.find("/workspace/global"), std::string::npos) << a;
}

TEST_F(RunArgsTest, ValidatedExtrasComeAfterAgentRunnerSource) {
    const auto args = args_for(group("g1"), false,
                               {{"/real/x", "/workspace/extra/x", true},
                                {"/real/y", "/workspace/extra/y", false}});
    ASSERT_GE(args.size(), 6u);
    const std::vector<std::string> tail(args.end() - 6, args.end() - 1);
    const std::vector<std::string> expected = {r("data/sessions/g1/agent-runner-src") + ":/app/src",
                                               "-v", "/real/x:/workspace/extra/x:ro", "-v",
                                               "/real/y:/workspace/extra/y"};
    EXPECT_THAT(tail, ElementsAreArray(expected));
}

TEST_F(RunArgsTest, ContainerNameReplacesUnsafeCharactersAndAppendsMillis) {
    const auto name = make_container_name("whatsapp_family-chat", std::chrono::system_clock::now());
    EXPECT_TRUE(std::regex_match(name, std::regex("^nanoclaw-whatsapp-family-chat-\\d{13}$")));
    const auto fixed = make_container_name(
        "a.b_c", std::chrono::system_clock::time_point(std::chrono::milliseconds(1773400000000)));
    EXPECT_EQ(fixed, "nanoclaw-a-b-c-1773400000000");
}

TEST_F(RunArgsTest, ResourceLimitsAreAddedOnlyWhenSet) {
    EXPECT_THAT(args_for(group("g1"), false), Not(Contains("--cpus")));
    config.container_cpus = "1.5";
    config.container_memory = "2g";
    config.container_pids_limit = "256";
    const auto args = args_for(group("g1"), false);
    const auto at = std::find(args.begin(), args.end(), "--cpus");
    ASSERT_NE(at, args.end());
    EXPECT_THAT(std::vector<std::string>(at, at + 6),
                ElementsAreArray({"--cpus", "1.5", "--memory", "2g", "--pids-limit", "256"}));
    EXPECT_EQ(*(at + 6), "-v"); // limits sit between the user mapping and the mounts
}

TEST_F(RunArgsTest, ProxyEnvIsForwardedByNameOnlyAndCaCertIsMounted) {
    settings.proxy_env = {{"HTTPS_PROXY", "http://user:pw@proxy:3128"}, {"no_proxy", "localhost"}};
    settings.ca_cert_source = tmp.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    const auto args = args_for(group("g1"), false);
    EXPECT_THAT(args, Contains("HTTPS_PROXY"));
    EXPECT_THAT(args, Contains("no_proxy"));
    EXPECT_THAT(args, Contains("NODE_EXTRA_CA_CERTS=/workspace/ca-cert/proxy-ca.crt"));
    EXPECT_THAT(args, Contains(r("data/ca-cert") + ":/workspace/ca-cert:ro"));
    for (const auto& a : args) EXPECT_EQ(a.find("pw@proxy"), std::string::npos) << a;
    EXPECT_EQ(nanoclaw::testing::TempDir::read(root / "data/ca-cert/proxy-ca.crt"),
              "-----BEGIN CERTIFICATE-----\n");
}

TEST_F(RunArgsTest, AReplacedCaCertificateIsCopiedAgainEvenWhenItsFileIsOlder) {
    const auto source = tmp.write("ca.pem", "-----BEGIN CERTIFICATE-----\nfirst\n");
    settings.ca_cert_source = source;
    args_for(group("g1"), false);
    const auto copy = root / "data/ca-cert/proxy-ca.crt";
    EXPECT_EQ(std::filesystem::last_write_time(copy), std::filesystem::last_write_time(source));
    // A new CA restored from a backup: different content, an older time than the copy.
    tmp.write("ca.pem", "-----BEGIN CERTIFICATE-----\nsecond, longer\n");
    std::filesystem::last_write_time(source, std::filesystem::last_write_time(copy) - std::chrono::hours(24));
    args_for(group("g1"), false);
    EXPECT_EQ(nanoclaw::testing::TempDir::read(copy), "-----BEGIN CERTIFICATE-----\nsecond, longer\n");
}

TEST_F(RunArgsTest, PodmanKeepsHostUserIdentity) {
    config.container_runtime = core::RuntimeKind::podman;
    const auto args = args_for(group("g1"), false);
    const auto at = std::find(args.begin(), args.end(), "--userns=keep-id");
    ASSERT_NE(at, args.end());
    EXPECT_EQ(*(at + 1), "--user");
}

TEST_F(RunArgsTest, MountArgsFormat) {
    EXPECT_THAT(mount_args({"/host/path", "/container/path", true}),
                ElementsAreArray({"-v", "/host/path:/container/path:ro"}));
    EXPECT_THAT(mount_args({"/h", "/c", false}), ElementsAreArray({"-v", "/h:/c"}));
}

} // namespace
} // namespace nanoclaw::container

namespace nanoclaw::container {
namespace {

TEST(LoggableArgsTest, HidesTheRunTokenAndKeepsEverythingElse) {
    const std::vector<std::string> argv = {
        "docker", "run", "-e",
        "ANTHROPIC_BASE_URL=http://host.docker.internal:3001/r/0123456789abcdefABCDEF/v1", "-e",
        "ANTHROPIC_API_KEY=placeholder", "nanoclaw-agent:latest"};
    EXPECT_EQ(loggable_args(argv),
              "docker run -e ANTHROPIC_BASE_URL=http://host.docker.internal:3001/r/<run token>/v1 "
              "-e ANTHROPIC_API_KEY=placeholder nanoclaw-agent:latest");
}

TEST(LoggableArgsTest, EveryTokenInAnArgumentIsHidden) {
    const std::string token(48, 'e');
    EXPECT_EQ(loggable_args({"a/r/" + token + "/b/r/" + token, "/r/"}),
              "a/r/<run token>/b/r/<run token> /r/");
}

TEST(LoggableArgsTest, PathsWithoutATokenStayAsTheyAre) {
    EXPECT_EQ(loggable_args({"-v", "/srv/r/x:/workspace/group"}), "-v /srv/r/x:/workspace/group");
    EXPECT_EQ(loggable_args({"-v", "/srv/r/cafe/r/:/w"}), "-v /srv/r/cafe/r/:/w");
    EXPECT_EQ(loggable_args({}), "");
}

} // namespace
} // namespace nanoclaw::container
