// SPDX-License-Identifier: MIT
// Telegram settings: where the token comes from, what a usable token looks like, the base URL,
// and the outbound proxy and CA rules shared with the credential proxy.
#include "nanoclaw/channels/telegram/telegram_channel.hpp"

#include <gtest/gtest.h>

#include "nanoclaw/channels/telegram/bot_api.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::channels::telegram {
namespace {

struct TelegramSettingsTest : ::testing::Test {
    testing::TempDir dir;
    core::Config config;
    TelegramSettingsTest() {
        config.root = dir.path();
        config.assistant_name = "Bob";
        config.telegram_api_base_url = "https://api.telegram.org";
    }
};

TEST_F(TelegramSettingsTest, NoTokenMeansNotConfigured) {
    auto s = load_telegram_settings(config, {});
    ASSERT_TRUE(s);
    EXPECT_FALSE(*s);
}

TEST_F(TelegramSettingsTest, TokenFromTheEnvironmentElseDotEnv) {
    dir.write(".env", "TELEGRAM_BOT_TOKEN=111:from-dotenv\n");
    auto from_file = load_telegram_settings(config, {});
    ASSERT_TRUE(from_file && *from_file);
    EXPECT_EQ((*from_file)->token, "111:from-dotenv");
    auto from_env = load_telegram_settings(config, {{"TELEGRAM_BOT_TOKEN", "222:from_env"}});
    ASSERT_TRUE(from_env && *from_env);
    EXPECT_EQ((*from_env)->token, "222:from_env");
    EXPECT_EQ((*from_env)->assistant_name, "Bob");
    EXPECT_EQ((*from_env)->base.host, "api.telegram.org");
    EXPECT_FALSE((*from_env)->tunnel);
}

TEST_F(TelegramSettingsTest, ATokenThatCannotBeOneIsAClearError) {
    for (const char* bad : {"abc:def", "123", "123:", ":abc", "123:a/b", "123:a b", "123:a?x"}) {
        auto s = load_telegram_settings(config, {{"TELEGRAM_BOT_TOKEN", bad}});
        ASSERT_FALSE(s) << bad;
        EXPECT_NE(s.error().find("TELEGRAM_BOT_TOKEN"), std::string::npos);
        EXPECT_EQ(s.error().find(bad), std::string::npos) << "the error must not echo the token";
    }
}

TEST_F(TelegramSettingsTest, ABadBaseUrlIsAClearError) {
    config.telegram_api_base_url = "ftp://nowhere";
    auto s = load_telegram_settings(config, {{"TELEGRAM_BOT_TOKEN", "1:a"}});
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().find("TELEGRAM_API_BASE_URL"), std::string::npos);
}

TEST_F(TelegramSettingsTest, HttpsProxyUnlessNoProxyMatches) {
    const core::EnvMap env{{"TELEGRAM_BOT_TOKEN", "1:a"}, {"HTTPS_PROXY", "http://proxy.local:3128"}};
    auto s = load_telegram_settings(config, env);
    ASSERT_TRUE(s && *s && (*s)->tunnel);
    EXPECT_EQ((*s)->tunnel->host, "proxy.local");
    auto bypass = env;
    bypass["NO_PROXY"] = ".telegram.org";
    auto direct = load_telegram_settings(config, bypass);
    ASSERT_TRUE(direct && *direct);
    EXPECT_FALSE((*direct)->tunnel);
    config.telegram_api_base_url = "http://127.0.0.1:8081"; // plain HTTP is never tunnelled
    auto plain = load_telegram_settings(config, env);
    ASSERT_TRUE(plain && *plain);
    EXPECT_FALSE((*plain)->tunnel);
}

TEST_F(TelegramSettingsTest, AnHttpsProxyUrlIsRefused) {
    auto s = load_telegram_settings(config, {{"TELEGRAM_BOT_TOKEN", "1:a"},
                                             {"https_proxy", "https://proxy.local"}});
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().find("HTTPS_PROXY"), std::string::npos);
}

TEST_F(TelegramSettingsTest, ExtraCaFollowsTheCredentialProxysOrder) {
    auto s = load_telegram_settings(config, {{"TELEGRAM_BOT_TOKEN", "1:a"},
                                             {"NODE_EXTRA_CA_CERTS", "/b.pem"},
                                             {"CREDENTIAL_PROXY_CA_FILE", "/a.pem"}});
    ASSERT_TRUE(s && *s);
    EXPECT_EQ((*s)->extra_ca_file, std::filesystem::path("/a.pem"));
}

TEST(BotApiTargetTest, TheTokenIsOnlyInThePathAndTheBasePathIsKept) {
    auto base = net::parse_url("http://127.0.0.1:9/tg/");
    ASSERT_TRUE(base);
    EXPECT_EQ(method_target(*base, "1:a", "getMe"), "/tg/bot1:a/getMe");
    auto root = net::parse_url("https://api.telegram.org");
    EXPECT_EQ(method_target(*root, "1:a", "sendMessage"), "/bot1:a/sendMessage");
}

} // namespace
} // namespace nanoclaw::channels::telegram
