// SPDX-License-Identifier: MIT
#include "nanoclaw/container/settings.hpp"

#include <unistd.h>

#include <array>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nanoclaw/core/errors.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::container {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

// The root is an empty directory, so no `.env` is found unless a test writes one.
const testing::TempDir& root() {
    static const testing::TempDir dir;
    return dir;
}

core::Config config() {
    core::Config c;
    c.root = root().path();
    c.data_dir = "/r/data";
    return c;
}

TEST(SettingsTest, DefaultsMatchTheReference) {
    const auto s = load_settings(config(), {});
    EXPECT_EQ(s.env_shadow_source, "/dev/null");
    EXPECT_FALSE(s.ca_cert_source);
    EXPECT_TRUE(s.proxy_env.empty());
    EXPECT_FALSE(s.verbose_run_logs);
    ASSERT_TRUE(s.host_ids);
    EXPECT_EQ(s.timeout_grace, std::chrono::milliseconds(30'000));
}

TEST(SettingsTest, DockerSandboxUsesEmptyEnvUnderDataUnlessOverridden) {
    EXPECT_EQ(load_settings(config(), {{"NANOCLAW_DOCKER_SANDBOX", "1"}}).env_shadow_source,
              "/r/data/empty-env");
    EXPECT_EQ(load_settings(config(), {{"NANOCLAW_DOCKER_SANDBOX", "1"},
                                       {"NANOCLAW_ENV_SHADOW", "/x/empty"}})
                  .env_shadow_source,
              "/x/empty");
}

TEST(SettingsTest, ProxyVariablesInBothCasesAndCaPreference) {
    const auto s = load_settings(config(), {{"https_proxy", "http://p:1"},
                                            {"HTTP_PROXY", "http://p:2"},
                                            {"NO_PROXY", ""},
                                            {"SSL_CERT_FILE", "/ssl.pem"},
                                            {"NODE_EXTRA_CA_CERTS", "/node.pem"}});
    EXPECT_THAT(s.proxy_env, ElementsAre(Pair("HTTP_PROXY", "http://p:2"),
                                         Pair("https_proxy", "http://p:1"),
                                         Pair("NO_PROXY", "host.docker.internal"),
                                         Pair("no_proxy", "host.docker.internal")));
    EXPECT_EQ(s.ca_cert_source, "/node.pem");
    EXPECT_EQ(load_settings(config(), {{"SSL_CERT_FILE", "/ssl.pem"}}).ca_cert_source, "/ssl.pem");
}

TEST(SettingsTest, DockerSandboxFlagIsAlsoReadFromDotEnv) {
    testing::TempDir dir;
    auto c = config();
    c.root = dir.path();
    dir.write(".env", "ANTHROPIC_API_KEY=proxy-managed\nNANOCLAW_DOCKER_SANDBOX=1\n");
    EXPECT_EQ(load_settings(c, {}).env_shadow_source, "/r/data/empty-env");
    // The process environment wins over `.env`.
    EXPECT_EQ(load_settings(c, {{"NANOCLAW_DOCKER_SANDBOX", "0"}}).env_shadow_source, "/dev/null");
    dir.write(".env", "NANOCLAW_DOCKER_SANDBOX=no\n");
    EXPECT_EQ(load_settings(c, {}).env_shadow_source, "/dev/null");
}

TEST(SettingsTest, ForwardedProxiesLeaveTheCredentialProxyDirect) {
    // Agents reach ANTHROPIC_BASE_URL over plain http: through HTTP_PROXY it would go to the
    // sandbox's proxy, which cannot reach this host.
    const auto s = load_settings(config(), {{"HTTP_PROXY", "http://gw:3128"},
                                            {"NO_PROXY", "localhost,127.0.0.1"},
                                            {"no_proxy", "host.docker.internal 10.0.0.1"}});
    EXPECT_THAT(s.proxy_env,
                ElementsAre(Pair("HTTP_PROXY", "http://gw:3128"),
                            Pair("NO_PROXY", "localhost,127.0.0.1,host.docker.internal"),
                            Pair("no_proxy", "host.docker.internal 10.0.0.1")));
    const auto host_net = load_settings(config(), {{"https_proxy", "http://gw:3128"},
                                                   {"NANOCLAW_CONTAINER_NETWORK", "host"}});
    EXPECT_THAT(host_net.proxy_env, ElementsAre(Pair("https_proxy", "http://gw:3128"),
                                                Pair("NO_PROXY", "127.0.0.1"),
                                                Pair("no_proxy", "127.0.0.1")));
    // NO_PROXY alone forwards nothing new.
    EXPECT_THAT(load_settings(config(), {{"NO_PROXY", "x"}}).proxy_env,
                ElementsAre(Pair("NO_PROXY", "x")));
}

TEST(SettingsTest, OwnHostnameIsKnownForOrphanCleanup) {
    std::array<char, 256> buf{};
    ASSERT_EQ(gethostname(buf.data(), buf.size() - 1), 0);
    EXPECT_EQ(load_settings(config(), {}).hostname, std::string(buf.data()));
    EXPECT_FALSE(load_settings(config(), {}).hostname.empty());
}

TEST(SettingsTest, DebugLevelMakesRunLogsVerbose) {
    auto c = config();
    c.log_level = "trace";
    EXPECT_TRUE(load_settings(c, {}).verbose_run_logs);
}

TEST(SettingsTest, TimeoutGraceIsThirtySecondsUnlessSetToAPositiveNumber) {
    EXPECT_EQ(load_settings(config(), {}).timeout_grace, std::chrono::milliseconds(30'000));
    EXPECT_EQ(load_settings(config(), {{"CONTAINER_TIMEOUT_GRACE_MS", "250"}}).timeout_grace,
              std::chrono::milliseconds(250));
    for (const char* bad : {"0", "-5", "1s", "99999999999999"}) {
        EXPECT_THROW(load_settings(config(), {{"CONTAINER_TIMEOUT_GRACE_MS", bad}}),
                     core::FatalError)
            << bad;
    }
}

} // namespace
} // namespace nanoclaw::container
