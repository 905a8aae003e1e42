// SPDX-License-Identifier: MIT
// `nanoclaw setup --step telegram` against the fake Bot API.
#include <sstream>

#include <gtest/gtest.h>

#include "fake_telegram.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::setup {
namespace {

struct TelegramStepTest : ::testing::Test {
    testing::TempDir dir;
    testing::FakeTelegram bot{"123456:STEP-token"};
    core::Config config;
    core::EnvMap env;
    std::ostringstream out, err;
    TelegramStepTest() {
        config.root = dir.path();
        config.telegram_api_base_url = bot.base_url();
    }
    int run() { return run_setup({"--step", "telegram"}, SetupContext{config, env, out, err}); }
};

TEST_F(TelegramStepTest, AGoodTokenNamesTheBotAndTheNextStep) {
    dir.write(".env", "TELEGRAM_BOT_TOKEN=123456:STEP-token\n");
    EXPECT_EQ(run(), 0);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: SETUP_TELEGRAM ===\n"
                         "BOT_USERNAME: @andy_ai_bot\nBOT_NAME: Andy\nBOT_ID: 12345\n"
                         "NEXT: add the bot to a group (or message it), send /chatid there, then "
                         "register the tg:<id> it answers\n"
                         "STATUS: success\n=== END ===\n");
    ASSERT_EQ(bot.calls_of("getMe").size(), 1u);
    const auto log = testing::TempDir::read(dir.path() / "logs" / "setup.log");
    EXPECT_NE(log.find("[telegram] the token works: bot @andy_ai_bot"), std::string::npos) << log;
}

TEST_F(TelegramStepTest, ARejectedTokenFailsNamingTheVariable) {
    env["TELEGRAM_BOT_TOKEN"] = "999:wrong";
    EXPECT_EQ(run(), 1);
    EXPECT_NE(out.str().find("STATUS: failed\nERROR: the bot token was rejected (401"), std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("TELEGRAM_BOT_TOKEN"), std::string::npos);
    EXPECT_EQ(out.str().find("999:wrong"), std::string::npos); // never echoed
    const auto log = testing::TempDir::read(dir.path() / "logs" / "setup.log");
    EXPECT_NE(log.find("[telegram] failed (failed): the bot token was rejected"), std::string::npos);
    EXPECT_EQ(log.find("999:wrong"), std::string::npos);
}

TEST_F(TelegramStepTest, AnUnreachableApiFailsWithTheHost) {
    env["TELEGRAM_BOT_TOKEN"] = "123456:STEP-token";
    config.telegram_api_base_url = "http://127.0.0.1:1";
    EXPECT_EQ(run(), 1);
    EXPECT_NE(out.str().find("ERROR: cannot reach the Bot API at 127.0.0.1: getMe:"), std::string::npos)
        << out.str();
}

TEST_F(TelegramStepTest, AMalformedTokenIsBadInput) {
    env["TELEGRAM_BOT_TOKEN"] = "not a token";
    EXPECT_EQ(run(), 4);
    EXPECT_NE(out.str().find("STATUS: failed\nERROR: TELEGRAM_BOT_TOKEN does not look like"), std::string::npos);
    EXPECT_TRUE(bot.calls().empty());
}

} // namespace
} // namespace nanoclaw::setup
