// SPDX-License-Identifier: MIT
#include "nanoclaw/ops/logs.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace nanoclaw::ops {
namespace {

using testing::TempDir;

TEST(LogsTest, LastLines) {
    EXPECT_EQ(last_lines("a\nb\nc\n", 2), "b\nc\n");
    EXPECT_EQ(last_lines("a\nb\nc", 2), "b\nc");
    EXPECT_EQ(last_lines("a\nb\n", 5), "a\nb\n");
    EXPECT_EQ(last_lines("a\nb\n", 0), "");
    EXPECT_EQ(last_lines("", 3), "");
}

class LogsLocationTest : public ::testing::Test {
  protected:
    core::Config config() {
        return core::load_config(dir_.path(),
                                 core::EnvMap{{"HOME", (dir_.path() / "home").string()}});
    }
    UnitPaths units() const {
        return {dir_.path() / "user.service", dir_.path() / "system.service"};
    }
    TempDir dir_;
};

TEST_F(LogsLocationTest, DefaultsToTheServiceLogFiles) {
    const auto loc = locate_logs(config(), units());
    EXPECT_EQ(loc.kind, LogLocation::Kind::file);
    EXPECT_EQ(loc.file, dir_.path() / "logs/nanoclaw.log");
    EXPECT_EQ(loc.error_file, dir_.path() / "logs/nanoclaw.error.log");
}

TEST_F(LogsLocationTest, LogFileSettingWins) {
    auto c = config();
    c.log_file = dir_.path() / "custom.log";
    dir_.write("user.service", "[Service]\nExecStart=/usr/bin/nanoclawd\n");
    EXPECT_EQ(locate_logs(c, units()).file, dir_.path() / "custom.log");
}

TEST_F(LogsLocationTest, UnitWithoutOutputSettingLogsToTheJournal) {
    dir_.write("user.service", "[Service]\nType=notify\nExecStart=/usr/bin/nanoclawd\n");
    const auto loc = locate_logs(config(), units());
    EXPECT_EQ(loc.kind, LogLocation::Kind::journal);
    EXPECT_EQ(loc.journal_argv,
              (std::vector<std::string>{"journalctl", "--user", "-u", "nanoclaw", "--no-pager"}));

    dir_.write("system.service", "[Service]\nExecStart=/usr/bin/nanoclawd\n");
    EXPECT_EQ(locate_logs(config(), units()).journal_argv.at(1), "-u"); // system: no --user
}

TEST_F(LogsLocationTest, UnitAppendingToAFileIsFollowedThere) {
    dir_.write("user.service", "[Service]\nStandardOutput=append:/srv/nc/logs/nanoclaw.log\n"
                               "StandardError=append:/srv/nc/logs/nanoclaw.error.log\n");
    const auto loc = locate_logs(config(), units());
    EXPECT_EQ(loc.kind, LogLocation::Kind::file);
    EXPECT_EQ(loc.file, "/srv/nc/logs/nanoclaw.log");
    EXPECT_EQ(loc.error_file, "/srv/nc/logs/nanoclaw.error.log");
}

TEST(LogsFollowTest, PrintsTheTailThenWhatIsAppendedAndSurvivesTruncation) {
    TempDir dir;
    const auto file = dir.write("daemon.log", "one\ntwo\nthree\n");
    std::ostringstream out, err;
    int polls = 0;
    LogsOptions options;
    options.follow = true;
    options.lines = 2;
    options.out = &out;
    options.err = &err;
    options.poll = std::chrono::milliseconds(1);
    options.keep_following = [&] {
        ++polls;
        if (polls == 2) dir.write("daemon.log", "one\ntwo\nthree\nfour\n");
        if (polls == 4) dir.write("daemon.log", "new\n"); // rotated: shorter than what was read
        return polls < 6;
    };
    EXPECT_EQ(show_file_log(file, options), 0);
    EXPECT_EQ(out.str(), "two\nthree\nfour\nnew\n");
}

TEST(LogsFollowTest, MissingFileIsExitOne) {
    TempDir dir;
    std::ostringstream out, err;
    LogsOptions options;
    options.out = &out;
    options.err = &err;
    EXPECT_EQ(show_file_log(dir.path() / "none.log", options), 1);
    EXPECT_NE(err.str().find("no log at"), std::string::npos);
}

} // namespace
} // namespace nanoclaw::ops
