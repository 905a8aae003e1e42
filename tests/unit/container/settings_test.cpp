// SPDX-License-Identifier: MIT
#include "nanoclaw/container/settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nanoclaw::container {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

core::Config config() {
    core::Config c;
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
                                         Pair("https_proxy", "http://p:1")));
    EXPECT_EQ(s.ca_cert_source, "/node.pem");
    EXPECT_EQ(load_settings(config(), {{"SSL_CERT_FILE", "/ssl.pem"}}).ca_cert_source, "/ssl.pem");
}

TEST(SettingsTest, DebugLevelMakesRunLogsVerbose) {
    auto c = config();
    c.log_level = "trace";
    EXPECT_TRUE(load_settings(c, {}).verbose_run_logs);
}

} // namespace
} // namespace nanoclaw::container
