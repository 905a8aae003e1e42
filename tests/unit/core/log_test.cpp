// SPDX-License-Identifier: MIT
#include "nanoclaw/core/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

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

// stderr redirected to a file while a log file is set: launchd's and the wrapper script's
// nanoclaw.error.log. It gets warnings and errors, not a copy of every line; the journal does.
std::pair<std::string, std::string> log_with_stderr_in_a_file(bool journal) {
    nanoclaw::testing::TempDir dir;
    const auto file = dir.path() / "nanoclaw.log";
    const auto errors = dir.path() / "nanoclaw.error.log";
    const int saved = ::dup(STDERR_FILENO);
    const int fd = ::open(errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    if (journal) ::setenv("JOURNAL_STREAM", "8:12345", 1);
    init_logging("info", file);
    spdlog::info("an ordinary line");
    spdlog::warn("a warning line");
    spdlog::default_logger()->flush();
    init_logging("info", std::nullopt);
    ::unsetenv("JOURNAL_STREAM");
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    return {nanoclaw::testing::TempDir::read(file), nanoclaw::testing::TempDir::read(errors)};
}

TEST(LogTest, RedirectedStderrBesideALogFileGetsOnlyWarnings) {
    const auto [log, errors] = log_with_stderr_in_a_file(false);
    EXPECT_NE(log.find("an ordinary line"), std::string::npos);
    EXPECT_NE(log.find("a warning line"), std::string::npos);
    EXPECT_EQ(errors.find("an ordinary line"), std::string::npos) << errors;
    EXPECT_NE(errors.find("a warning line"), std::string::npos) << errors;
}

TEST(LogTest, TheJournalStillGetsEverything) {
    const auto [log, journal] = log_with_stderr_in_a_file(true);
    EXPECT_NE(journal.find("an ordinary line"), std::string::npos) << journal;
    EXPECT_NE(log.find("an ordinary line"), std::string::npos);
}
