// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/oauth_source.hpp"

#include <gtest/gtest.h>

#include "nanoclaw/core/log.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::proxy {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::string credentials(const std::string& token) {
    return R"({"claudeAiOauth":{"accessToken":")" + token +
           R"(","refreshToken":"r","expiresAt":1}})";
}

TEST(ParseCliCredentialsTest, ExtractsTheAccessToken) {
    EXPECT_EQ(parse_cli_credentials(credentials("sk-ant-oat01-abc")), "sk-ant-oat01-abc");
}

TEST(ParseCliCredentialsTest, RejectsOtherShapes) {
    for (const char* bad : {"", "[]", "{}", R"({"claudeAiOauth":1})",
                            R"({"claudeAiOauth":{"accessToken":""}})",
                            R"({"claudeAiOauth":{"accessToken":5}})", "{broken"}) {
        EXPECT_EQ(parse_cli_credentials(bad), std::nullopt) << bad;
    }
}

TEST(OAuthTokenSourceTest, WithoutAFileTheFixedTokenIsUsed) {
    OAuthTokenSource source(Secret("env-token"), std::nullopt);
    EXPECT_EQ(source.current(SteadyClock::now()).reveal(), "env-token");
    EXPECT_FALSE(source.file_backed());
}

TEST(OAuthTokenSourceTest, FileTokenWinsAndIsReloadedWhenTheFileChanges) {
    testing::TempDir dir;
    const auto file = dir.write(".credentials.json", credentials("token-one-1111"));
    OAuthTokenSource source(Secret("env-token"), file, 1s);
    auto t = SteadyClock::now();
    EXPECT_EQ(source.current(t).reveal(), "token-one-1111");
    EXPECT_EQ(core::redact("x token-one-1111 y"), "x [REDACTED] y");

    dir.write(".credentials.json", credentials("token-two-22222")); // size differs
    EXPECT_EQ(source.current(t + 10ms).reveal(), "token-one-1111") << "rechecks are rate-limited";
    EXPECT_EQ(source.current(t + 2s).reveal(), "token-two-22222");
}

TEST(OAuthTokenSourceTest, BrokenOrMissingFileKeepsTheLastGoodToken) {
    testing::TempDir dir;
    const auto file = dir.write(".credentials.json", credentials("good-token-333"));
    OAuthTokenSource source(Secret("env-token"), file, 1s);
    auto t = SteadyClock::now();
    EXPECT_EQ(source.current(t).reveal(), "good-token-333");
    dir.write(".credentials.json", "{half-written");
    EXPECT_EQ(source.current(t + 2s).reveal(), "good-token-333");
    std::filesystem::remove(file);
    EXPECT_EQ(source.current(t + 4s).reveal(), "good-token-333");
}

TEST(OAuthTokenSourceTest, FileWithoutTokenFallsBackToFixed) {
    testing::TempDir dir;
    OAuthTokenSource source(Secret("env-token"), dir.path() / "missing.json", 1s);
    EXPECT_EQ(source.current(SteadyClock::now()).reveal(), "env-token");
}

} // namespace
} // namespace nanoclaw::proxy
