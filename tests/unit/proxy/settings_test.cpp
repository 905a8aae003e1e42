// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/settings.hpp"

#include <gtest/gtest.h>

#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/log.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::proxy {
namespace {

class SettingsTest : public ::testing::Test {
protected:
    core::Config config() const {
        core::Config c;
        c.root = dir_.path();
        c.credential_proxy_port = 0;
        return c;
    }
    void write_env(const std::string& text) { dir_.write(".env", text); }
    testing::TempDir dir_;
};

TEST_F(SettingsTest, ApiKeyModeWhenTheKeyIsSet) {
    write_env("ANTHROPIC_API_KEY=sk-ant-settings-key\nCLAUDE_CODE_OAUTH_TOKEN=oauth-x1\n");
    const auto s = load_settings(config(), {});
    EXPECT_EQ(s.auth_mode, AuthMode::api_key);
    EXPECT_EQ(s.api_key.reveal(), "sk-ant-settings-key");
    EXPECT_EQ(s.oauth_token.reveal(), "oauth-x1");
    EXPECT_EQ(to_string(s.auth_mode), "api-key");
    EXPECT_EQ(s.upstream.host, "api.anthropic.com");
    EXPECT_TRUE(s.upstream.tls());
    EXPECT_EQ(s.port, 0);
}

TEST_F(SettingsTest, TheDockerSandboxPlaceholderKeyIsAnApiKeyLikeAnyOther) {
    // Inside a Docker Sandbox the MITM proxy swaps this value for the real key (spec 20 §11.7).
    write_env("ANTHROPIC_API_KEY=proxy-managed\n");
    const auto s = load_settings(config(), {{"HTTPS_PROXY", "http://127.0.0.1:3128"},
                                            {"NODE_EXTRA_CA_CERTS", "/sandbox/proxy-ca.crt"}});
    EXPECT_EQ(s.auth_mode, AuthMode::api_key);
    EXPECT_EQ(s.api_key.reveal(), "proxy-managed");
    ASSERT_TRUE(s.tunnel_via);
    EXPECT_EQ(s.tunnel_via->host, "127.0.0.1");
    EXPECT_EQ(s.tunnel_via->port, 3128);
    EXPECT_EQ(s.extra_ca_file, "/sandbox/proxy-ca.crt");
}

TEST_F(SettingsTest, SecretsAreRegisteredForRedaction) {
    write_env("ANTHROPIC_API_KEY=sk-ant-redact-me-please\n");
    (void)load_settings(config(), {});
    EXPECT_EQ(core::redact("k=sk-ant-redact-me-please"), "k=[REDACTED]");
}

TEST_F(SettingsTest, OauthModeFallsBackToAuthToken) {
    write_env("ANTHROPIC_AUTH_TOKEN=t2-token\n");
    const auto s = load_settings(config(), {});
    EXPECT_EQ(s.auth_mode, AuthMode::oauth);
    EXPECT_EQ(s.oauth_token.reveal(), "t2-token");
    EXPECT_EQ(to_string(s.auth_mode), "oauth");
}

TEST_F(SettingsTest, SecretsComeFromDotEnvNotTheProcessEnvironment) {
    const auto s = load_settings(config(), {{"ANTHROPIC_API_KEY", "from-process"}});
    EXPECT_EQ(s.auth_mode, AuthMode::oauth);
    EXPECT_TRUE(s.api_key.empty());
}

TEST_F(SettingsTest, BaseUrlPathIsKeptOutOfTheOrigin) {
    write_env("ANTHROPIC_BASE_URL=http://127.0.0.1:9999/anthropic\n");
    const auto s = load_settings(config(), {});
    EXPECT_EQ(s.upstream.host_header(), "127.0.0.1:9999");
    EXPECT_FALSE(s.upstream.tls());
}

TEST_F(SettingsTest, UnusableBaseUrlIsFatal) {
    write_env("ANTHROPIC_BASE_URL=not a url\n");
    EXPECT_THROW(load_settings(config(), {}), core::FatalError);
}

TEST_F(SettingsTest, HttpsProxyTunnelsTlsUpstreamsUnlessNoProxyMatches) {
    const core::EnvMap env{{"https_proxy", "http://proxy.local:3128"}};
    auto s = load_settings(config(), env);
    ASSERT_TRUE(s.tunnel_via);
    EXPECT_EQ(s.tunnel_via->authority(), "proxy.local:3128");

    auto upper = env;
    upper["HTTPS_PROXY"] = "http://upper:1";
    EXPECT_EQ(load_settings(config(), upper).tunnel_via->host, "upper");

    auto exempt = env;
    exempt["NO_PROXY"] = ".anthropic.com";
    EXPECT_FALSE(load_settings(config(), exempt).tunnel_via);

    write_env("ANTHROPIC_BASE_URL=http://127.0.0.1:9\n");
    EXPECT_FALSE(load_settings(config(), env).tunnel_via) << "plain upstreams are not tunnelled";
}

TEST_F(SettingsTest, ProxyCredentialsAreRedacted) {
    const auto s = load_settings(config(), {{"HTTPS_PROXY", "http://bob:hunter2-secret@p:3128"}});
    ASSERT_TRUE(s.tunnel_via);
    EXPECT_EQ(core::redact("bob:hunter2-secret"), "[REDACTED]");
}

TEST_F(SettingsTest, ExtraCaFollowsThePreferenceOrder) {
    EXPECT_EQ(load_settings(config(), {{"SSL_CERT_FILE", "/c"}, {"NODE_EXTRA_CA_CERTS", "/b"}})
                  .extra_ca_file, std::filesystem::path("/b"));
    EXPECT_EQ(load_settings(config(), {{"CREDENTIAL_PROXY_CA_FILE", "/a"}, {"NODE_EXTRA_CA_CERTS", "/b"}})
                  .extra_ca_file, std::filesystem::path("/a"));
    EXPECT_FALSE(load_settings(config(), {}).extra_ca_file);
}

TEST_F(SettingsTest, KnobsParseAndRejectGarbage) {
    const auto s = load_settings(config(), {{"CREDENTIAL_PROXY_MAX_BODY_BYTES", "1024"},
                                            {"CREDENTIAL_PROXY_CONNECT_TIMEOUT_MS", "250"},
                                            {"NANOCLAW_OAUTH_CREDENTIALS_FILE", "/x/.credentials.json"}});
    EXPECT_EQ(s.max_body_bytes, 1024u);
    EXPECT_EQ(s.connect_timeout, std::chrono::milliseconds(250));
    EXPECT_EQ(s.oauth_credentials_file, std::filesystem::path("/x/.credentials.json"));
    for (const char* bad : {"0", "-1", "12ms", "abc"}) {
        EXPECT_THROW(load_settings(config(), {{"CREDENTIAL_PROXY_CLIENT_TIMEOUT_MS", bad}}),
                     core::FatalError) << bad;
    }
}

} // namespace
} // namespace nanoclaw::proxy
