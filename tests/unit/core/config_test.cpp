// SPDX-License-Identifier: MIT
#include "nanoclaw/core/config.hpp"

#include <gtest/gtest.h>

#include "nanoclaw/core/errors.hpp"
#include "temp_dir.hpp"

using nanoclaw::core::Config;
using nanoclaw::core::EnvMap;
using nanoclaw::core::load_config;

class ConfigTest : public ::testing::Test {
  protected:
    Config load(EnvMap env) {
        env.emplace("HOME", (dir_.path() / "home").string());
        return load_config(dir_.path(), env);
    }
    nanoclaw::testing::TempDir dir_;
};

TEST_F(ConfigTest, DefaultsMatchV1) {
    auto c = load({{"TZ", "UTC"}});
    EXPECT_EQ(c.assistant_name, "Andy");
    EXPECT_FALSE(c.assistant_has_own_number);
    EXPECT_EQ(c.container_image, "nanoclaw-agent:latest");
    EXPECT_EQ(c.container_timeout.count(), 1'800'000);
    EXPECT_EQ(c.idle_timeout.count(), 1'800'000);
    EXPECT_EQ(c.container_max_output_size, 10'485'760);
    EXPECT_EQ(c.credential_proxy_port, 3001);
    EXPECT_EQ(c.max_concurrent_containers, 5);
    EXPECT_EQ(c.max_messages_per_prompt, 10);
    EXPECT_TRUE(c.local_channel);
    EXPECT_EQ(c.container_runtime_bin, "docker");
    EXPECT_FALSE(c.container_cpus.has_value());
    EXPECT_TRUE(c.warnings.empty());
}

TEST_F(ConfigTest, DerivesLayoutFromRootAndHome) {
    auto c = load({});
    EXPECT_EQ(c.store_dir, dir_.path() / "store");
    EXPECT_EQ(c.groups_dir, dir_.path() / "groups");
    EXPECT_EQ(c.data_dir, dir_.path() / "data");
    EXPECT_EQ(c.mount_allowlist_path, dir_.path() / "home/.config/nanoclaw/mount-allowlist.json");
    EXPECT_EQ(c.sender_allowlist_path, dir_.path() / "home/.config/nanoclaw/sender-allowlist.json");
}

TEST_F(ConfigTest, AssistantNameFromEnvBeatsDotEnv) {
    dir_.write(".env", "ASSISTANT_NAME=FromFile\n");
    EXPECT_EQ(load({}).assistant_name, "FromFile");
    EXPECT_EQ(load({{"ASSISTANT_NAME", "FromEnv"}}).assistant_name, "FromEnv");
    // An empty env value falls through (JS truthiness).
    EXPECT_EQ(load({{"ASSISTANT_NAME", ""}}).assistant_name, "FromFile");
}

TEST_F(ConfigTest, OwnNumberNeedsExactTrue) {
    EXPECT_TRUE(load({{"ASSISTANT_HAS_OWN_NUMBER", "true"}}).assistant_has_own_number);
    EXPECT_FALSE(load({{"ASSISTANT_HAS_OWN_NUMBER", "TRUE"}}).assistant_has_own_number);
    dir_.write(".env", "ASSISTANT_HAS_OWN_NUMBER=true\n");
    EXPECT_TRUE(load({}).assistant_has_own_number);
}

TEST_F(ConfigTest, TunablesInDotEnvHaveNoEffect) {
    dir_.write(".env", "MAX_CONCURRENT_CONTAINERS=9\nCONTAINER_IMAGE=evil\n");
    auto c = load({});
    EXPECT_EQ(c.max_concurrent_containers, 5);
    EXPECT_EQ(c.container_image, "nanoclaw-agent:latest");
}

TEST_F(ConfigTest, MaxConcurrentContainersRules) {
    EXPECT_EQ(load({{"MAX_CONCURRENT_CONTAINERS", "0"}}).max_concurrent_containers, 5);
    EXPECT_EQ(load({{"MAX_CONCURRENT_CONTAINERS", "-3"}}).max_concurrent_containers, 1);
    EXPECT_EQ(load({{"MAX_CONCURRENT_CONTAINERS", "abc"}}).max_concurrent_containers, 5);
    EXPECT_EQ(load({{"MAX_CONCURRENT_CONTAINERS", "8x"}}).max_concurrent_containers, 8);
}

TEST_F(ConfigTest, IntegerPrefixParsing) {
    auto c = load({{"CONTAINER_TIMEOUT", "60000abc"}, {"CONTAINER_MAX_OUTPUT_SIZE", " 42"}});
    EXPECT_EQ(c.container_timeout.count(), 60000);
    EXPECT_EQ(c.container_max_output_size, 42);
}

TEST_F(ConfigTest, NonNumericTimeoutFallsBackWithWarning) {
    auto c = load({{"IDLE_TIMEOUT", "soon"}, {"CONTAINER_TIMEOUT", "never"}});
    EXPECT_EQ(c.idle_timeout.count(), 1'800'000);
    EXPECT_EQ(c.container_timeout.count(), 1'800'000);
    ASSERT_EQ(c.warnings.size(), 2u);
    EXPECT_NE(c.warnings[0].find("not a number"), std::string::npos);
}

TEST_F(ConfigTest, InvalidTimezoneFallsBackWithWarning) {
    auto c = load({{"TZ", "IST-2"}});
    EXPECT_NE(c.timezone, "IST-2");
    EXPECT_TRUE(nanoclaw::core::is_valid_timezone(c.timezone));
    ASSERT_FALSE(c.warnings.empty());
    EXPECT_NE(c.warnings[0].find("IST-2"), std::string::npos);
}

TEST_F(ConfigTest, TimezoneFromEnvThenDotEnv) {
    EXPECT_EQ(load({{"TZ", "America/New_York"}}).timezone, "America/New_York");
    dir_.write(".env", "TZ=Asia/Tokyo\n");
    EXPECT_EQ(load({}).timezone, "Asia/Tokyo");
    EXPECT_EQ(load({{"TZ", "Europe/Paris"}}).timezone, "Europe/Paris");
    EXPECT_EQ(load({{"TZ", "NotATimezone"}}).timezone, "Asia/Tokyo");
}

TEST_F(ConfigTest, ValidTimezoneNames) {
    using nanoclaw::core::is_valid_timezone;
    EXPECT_TRUE(is_valid_timezone("UTC"));
    EXPECT_TRUE(is_valid_timezone("Europe/London"));
    EXPECT_FALSE(is_valid_timezone(""));
    EXPECT_FALSE(is_valid_timezone("XYZ+3"));
    EXPECT_FALSE(is_valid_timezone("NotATimezone"));
    EXPECT_TRUE(is_valid_timezone("Etc/GMT+3"));
    EXPECT_TRUE(is_valid_timezone("America/Port-au-Prince"));
    EXPECT_TRUE(is_valid_timezone("America/Argentina/Buenos_Aires"));
    // Names that would leave the zone directory, or files there that are not zones.
    EXPECT_FALSE(is_valid_timezone("../../../etc/passwd"));
    EXPECT_FALSE(is_valid_timezone("/usr/share/zoneinfo/UTC"));
    EXPECT_FALSE(is_valid_timezone("Europe/../UTC"));
    EXPECT_FALSE(is_valid_timezone("Europe//London"));
    EXPECT_FALSE(is_valid_timezone("Europe/"));
    EXPECT_FALSE(is_valid_timezone("Europe"));   // a directory
    EXPECT_FALSE(is_valid_timezone("zone.tab")); // a table, not a TZif file
    EXPECT_FALSE(is_valid_timezone("Europe/London "));
    EXPECT_FALSE(is_valid_timezone("posix/Europe/London"));
}

TEST_F(ConfigTest, SystemTimezoneIsAValidName) {
    EXPECT_TRUE(nanoclaw::core::is_valid_timezone(nanoclaw::core::system_timezone()));
}

TEST_F(ConfigTest, RuntimeSelection) {
    auto c = load({{"CONTAINER_RUNTIME", "podman"}});
    EXPECT_EQ(c.container_runtime, nanoclaw::core::RuntimeKind::podman);
    EXPECT_EQ(c.container_runtime_bin, "podman");
    EXPECT_EQ(load({{"CONTAINER_RUNTIME_BIN", "/opt/fake-docker"}}).container_runtime_bin,
              "/opt/fake-docker");
    EXPECT_THROW(load({{"CONTAINER_RUNTIME", "lxc"}}), nanoclaw::core::FatalError);
}

TEST_F(ConfigTest, ProxyPortRange) {
    EXPECT_EQ(load({{"CREDENTIAL_PROXY_PORT", "0"}}).credential_proxy_port, 0);
    EXPECT_THROW(load({{"CREDENTIAL_PROXY_PORT", "70000"}}), nanoclaw::core::FatalError);
}

TEST_F(ConfigTest, LocalChannelSwitch) {
    EXPECT_FALSE(load({{"LOCAL_CHANNEL", "off"}}).local_channel);
    EXPECT_FALSE(load({{"LOCAL_CHANNEL", "0"}}).local_channel);
    EXPECT_TRUE(load({{"LOCAL_CHANNEL", "on"}}).local_channel);
}

TEST_F(ConfigTest, ContainerLimitsArePassedThrough) {
    auto c = load(
        {{"CONTAINER_CPUS", "1.5"}, {"CONTAINER_MEMORY", "512m"}, {"CONTAINER_PIDS_LIMIT", "256"}});
    EXPECT_EQ(c.container_cpus, "1.5");
    EXPECT_EQ(c.container_memory, "512m");
    EXPECT_EQ(c.container_pids_limit, "256");
}

TEST_F(ConfigTest, WarmPoolDefaultsBoundsAndBadValues) {
    auto d = load({});
    EXPECT_EQ(d.warm_pool_size, 1);
    EXPECT_EQ(d.warm_pool_ttl.count(), 1'800'000);
    EXPECT_TRUE(d.warnings.empty());
    auto off = load({{"WARM_POOL_SIZE", "0"}, {"WARM_POOL_TTL", "60000"}});
    EXPECT_EQ(off.warm_pool_size, 0);
    EXPECT_EQ(off.warm_pool_ttl.count(), 60'000);
    for (const char* bad : {"-1", "65", "lots"}) {
        auto c = load({{"WARM_POOL_SIZE", bad}});
        EXPECT_EQ(c.warm_pool_size, 1) << bad;
        ASSERT_EQ(c.warnings.size(), 1u) << bad;
        EXPECT_NE(c.warnings[0].find("WARM_POOL_SIZE"), std::string::npos) << c.warnings[0];
    }
    auto ttl = load({{"WARM_POOL_TTL", "0"}});
    EXPECT_EQ(ttl.warm_pool_ttl.count(), 1'800'000);
    ASSERT_EQ(ttl.warnings.size(), 1u);
}

TEST_F(ConfigTest, WarmPoolGroupsAreValidFoldersInOrderWithoutRepeats) {
    EXPECT_TRUE(load({}).warm_pool_groups.empty());
    auto c = load({{"WARM_POOL_GROUPS", " main, family ,,main,../etc,global"}});
    EXPECT_EQ(c.warm_pool_groups, (std::vector<std::string>{"main", "family"}));
    ASSERT_EQ(c.warnings.size(), 2u);
    EXPECT_NE(c.warnings[0].find("\"../etc\" is not a group folder name"), std::string::npos)
        << c.warnings[0];
    EXPECT_NE(c.warnings[1].find("global"), std::string::npos);
}

TEST_F(ConfigTest, RootResolution) {
    using nanoclaw::core::resolve_root;
    EXPECT_EQ(resolve_root(std::string("/tmp/x/"), {}), std::filesystem::path("/tmp/x"));
    EXPECT_EQ(resolve_root(std::nullopt, {{"NANOCLAW_ROOT", "/srv/nc"}}),
              std::filesystem::path("/srv/nc"));
    EXPECT_EQ(resolve_root(std::nullopt, {}), std::filesystem::current_path());
}

TEST_F(ConfigTest, ShareDirComesFromTheOverrideNotTheRoot) {
    dir_.write("container/agent-runner/src/index.ts", "root copy"); // a root that is a checkout
    dir_.write("share/container/agent-runner/src/index.ts", "shipped");
    const auto share = dir_.path() / "share";
    auto c = load({{"NANOCLAW_SHARE_DIR", share.string()}});
    EXPECT_EQ(c.share_dir, share);
    EXPECT_FALSE(c.share_dir_error.has_value());
}

TEST_F(ConfigTest, ShareDirNotFoundIsKeptAsAReasonNotThrown) {
    const auto nowhere = dir_.path() / "nowhere";
    auto c = load({{"NANOCLAW_SHARE_DIR", nowhere.string()}});
    EXPECT_TRUE(c.share_dir.empty());
    ASSERT_TRUE(c.share_dir_error.has_value());
    EXPECT_NE(c.share_dir_error->find(nowhere.string()), std::string::npos) << *c.share_dir_error;
}
