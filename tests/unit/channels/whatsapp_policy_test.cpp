// SPDX-License-Identifier: MIT
// The WhatsApp channel's pure parts: the reconnect decision (spec 30 §19 #18, the pitfalls), the
// settings (creds.json, WHATSAPP_BRIDGE_COMMAND, the built bridge) and the bridge's line splitter.
#include "nanoclaw/channels/whatsapp/bridge_process.hpp"
#include "nanoclaw/channels/whatsapp/reconnect.hpp"
#include "nanoclaw/channels/whatsapp/settings.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.hpp"

namespace nanoclaw::channels::whatsapp {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

void expect_within(milliseconds value, milliseconds nominal) {
    EXPECT_GE(value.count(), nominal.count() * 8 / 10) << "nominal " << nominal.count();
    EXPECT_LE(value.count(), nominal.count() * 12 / 10) << "nominal " << nominal.count();
}

TEST(WhatsAppReconnectTest, LoggedOutIsFinal) {
    const ReconnectPolicy p;
    for (int attempt : {1, 5})
        EXPECT_EQ(decide_reconnect(401, attempt, 0, p).action, ReconnectAction::stop);
}

TEST(WhatsAppReconnectTest, RestartRequiredReconnectsAtOnce) {
    const auto d = decide_reconnect(515, 4, 0, ReconnectPolicy{});
    EXPECT_EQ(d.action, ReconnectAction::reconnect);
    EXPECT_EQ(d.delay.count(), 0);
}

TEST(WhatsAppReconnectTest, OtherReasonsBackOffDoublingWithJitterUpToTheCap) {
    const ReconnectPolicy p;
    for (int reason : {0, 408, 428, 500}) {
        const auto d = decide_reconnect(reason, 1, 0, p);
        EXPECT_EQ(d.action, ReconnectAction::reconnect);
        EXPECT_FALSE(d.replaced);
        expect_within(d.delay, 1s);
    }
    expect_within(decide_reconnect(428, 2, 0, p).delay, 2s);
    expect_within(decide_reconnect(428, 4, 0, p).delay, 8s);
    expect_within(decide_reconnect(428, 30, 0, p).delay, 60s);
}

TEST(WhatsAppReconnectTest, OneReplacedIsARetryRepeatedMeansAnotherProcess) {
    const ReconnectPolicy p;
    const auto once = decide_reconnect(440, 1, 1, p);
    EXPECT_FALSE(once.replaced);
    expect_within(once.delay, 1s);
    const auto twice = decide_reconnect(440, 2, 2, p);
    EXPECT_TRUE(twice.replaced);
    expect_within(twice.delay, 5min);
    expect_within(decide_reconnect(440, 9, 9, p).delay, 30min);
}

TEST(WhatsAppReconnectTest, BridgeRestartsBackOffToo) {
    const ReconnectPolicy p;
    expect_within(restart_delay(1, p), 1s);
    expect_within(restart_delay(3, p), 4s);
    expect_within(restart_delay(20, p), 60s);
}

struct WhatsAppSettingsTest : ::testing::Test {
    testing::TempDir dir;
    core::Config config = [this] {
        core::Config c;
        c.root = dir.path();
        c.store_dir = dir.path() / "store";
        c.share_dir = dir.path() / "share";
        return c;
    }();
    void link() { dir.write("store/auth/creds.json", "{}"); }
};

TEST_F(WhatsAppSettingsTest, OffUntilLinked) {
    const auto s = load_whatsapp_settings(config, {{"WHATSAPP_BRIDGE_COMMAND", "bridge"}});
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().find("creds.json"), std::string::npos);
    EXPECT_NE(s.error().find("--step whatsapp-auth"), std::string::npos);
}

TEST_F(WhatsAppSettingsTest, CommandFromTheEnvironmentThenDotEnv) {
    link();
    auto s = load_whatsapp_settings(config, {{"WHATSAPP_BRIDGE_COMMAND", " python3  fake.py "}});
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s->bridge_command, (std::vector<std::string>{"python3", "fake.py"}));
    dir.write(".env", "WHATSAPP_BRIDGE_COMMAND=\"node /opt/bridge.js\"\n");
    s = load_whatsapp_settings(config, {});
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s->bridge_command, (std::vector<std::string>{"node", "/opt/bridge.js"}));
    EXPECT_EQ(bridge_argv(*s), (std::vector<std::string>{"node", "/opt/bridge.js", "--auth-dir",
                                                         (dir.path() / "store/auth").string(),
                                                         "--mode", "channel"}));
}

TEST_F(WhatsAppSettingsTest, DefaultBridgeMustBeBuilt) {
    link();
    auto s = load_whatsapp_settings(config, {});
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().find("npm ci && npm run build"), std::string::npos);
    dir.write("share/channels/whatsapp-bridge/dist/bridge.js", "");
    s = load_whatsapp_settings(config, {});
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(
        s->bridge_command,
        (std::vector<std::string>{
            "node", (dir.path() / "share/channels/whatsapp-bridge/dist/bridge.js").string()}));
}

struct Split {
    std::vector<std::string> lines;
    std::vector<std::size_t> oversized;
    void feed(LineSplitter& splitter, std::string_view chunk) {
        splitter.feed(
            chunk, [this](std::string l) { lines.push_back(std::move(l)); },
            [this](std::size_t n) { oversized.push_back(n); });
    }
};

TEST(WhatsAppLineSplitterTest, LinesAcrossChunksAndOverLongOnesDropped) {
    LineSplitter splitter(8);
    Split out;
    out.feed(splitter, "ab");
    out.feed(splitter, "c\nde\n12345");
    out.feed(splitter, "6789012345\nok\n");
    out.feed(splitter, "tail");
    EXPECT_EQ(out.lines, (std::vector<std::string>{"abc", "de", "ok"}));
    EXPECT_EQ(out.oversized, (std::vector<std::size_t>{15}));
    EXPECT_EQ(splitter.finish(), "tail");
    EXPECT_FALSE(splitter.finish());
}

// One rule for every start of the bridge (the daemon's channel and the setup steps).
TEST(WhatsAppBridgeEnvTest, CredentialsAreKeptFromTheBridge) {
    for (const char* name : {"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL",
                             "CLAUDE_CODE_OAUTH_TOKEN", "TELEGRAM_BOT_TOKEN", "SLACK_APP_TOKEN",
                             "OPENAI_API_KEY", "WEBHOOK_SECRET"})
        EXPECT_TRUE(is_secret_env_name(name)) << name;
    for (const char* name : {"PATH", "HOME", "HTTPS_PROXY", "NODE_EXTRA_CA_CERTS", "TOKENS_DIR", "TZ"})
        EXPECT_FALSE(is_secret_env_name(name)) << name;
    const auto names = secret_env_names({{"PATH", "/bin"}, {"ANTHROPIC_API_KEY", "k"}, {"A_TOKEN", "t"}});
    EXPECT_EQ(names, (std::vector<std::string>{"ANTHROPIC_API_KEY", "A_TOKEN"}));
}

} // namespace
} // namespace nanoclaw::channels::whatsapp
