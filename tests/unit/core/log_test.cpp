// SPDX-License-Identifier: MIT
#include "nanoclaw/core/log.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"

using namespace nanoclaw::core;

TEST(LogTest, ParsesV1LevelNames) {
    EXPECT_EQ(parse_log_level("trace"), spdlog::level::trace);
    EXPECT_EQ(parse_log_level("debug"), spdlog::level::debug);
    EXPECT_EQ(parse_log_level("info"), spdlog::level::info);
    EXPECT_EQ(parse_log_level("warn"), spdlog::level::warn);
    EXPECT_EQ(parse_log_level("error"), spdlog::level::err);
    EXPECT_EQ(parse_log_level("fatal"), spdlog::level::critical);
    EXPECT_FALSE(parse_log_level("loud").has_value());
}

TEST(LogTest, RegisteredSecretsNeverReachTheLogFile) {
    nanoclaw::testing::TempDir dir;
    const auto file = dir.path() / "test.log";
    init_logging("debug", file);
    register_secret("sk-ant-api03-SECRETVALUE");
    spdlog::info("calling upstream with key sk-ant-api03-SECRETVALUE and again sk-ant-api03-SECRETVALUE");
    spdlog::error("error body: {}", "x-api-key: sk-ant-api03-SECRETVALUE");
    spdlog::default_logger()->flush();
    const auto text = nanoclaw::testing::TempDir::read(file);
    EXPECT_EQ(text.find("SECRETVALUE"), std::string::npos) << text;
    EXPECT_NE(text.find("[REDACTED]"), std::string::npos);
    EXPECT_NE(text.find("calling upstream"), std::string::npos);
    init_logging("info", std::nullopt);
}

TEST(LogTest, ShortValuesAreNotTreatedAsSecrets) {
    register_secret("ab");
    EXPECT_EQ(redact("abc"), "abc");
}
