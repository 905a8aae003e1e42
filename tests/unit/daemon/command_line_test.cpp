// SPDX-License-Identifier: MIT
#include "nanoclaw/daemon/command_line.hpp"

#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace nanoclaw::daemon {
namespace {

using Action = CommandLine::Action;

CommandLine parse(std::vector<const char*> args) {
    args.insert(args.begin(), "nanoclawd");
    return parse_command_line(static_cast<int>(args.size()), args.data());
}

std::string error_of(std::vector<const char*> args) {
    try {
        parse(std::move(args));
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(DaemonCommandLineTest, NoArgumentsRunsWithTheDefaultRoot) {
    const auto line = parse({});
    EXPECT_EQ(line.action, Action::run);
    EXPECT_FALSE(line.root.has_value());
}

TEST(DaemonCommandLineTest, RootAsSeparateOrJoinedValue) {
    EXPECT_EQ(parse({"--root", "/srv/claw"}).root, "/srv/claw");
    EXPECT_EQ(parse({"--root=/srv/claw"}).root, "/srv/claw");
    EXPECT_EQ(parse({"--root", "--odd-but-a-directory"}).root, "--odd-but-a-directory");
}

TEST(DaemonCommandLineTest, HelpAndVersionWinOverEverythingElse) {
    EXPECT_EQ(parse({"--version"}).action, Action::version);
    EXPECT_EQ(parse({"-h"}).action, Action::help);
    EXPECT_EQ(parse({"--root", "/x", "--help"}).action, Action::help);
    EXPECT_EQ(parse({"--version", "--help"}).action, Action::help);
    EXPECT_EQ(parse({"--root=/x", "--version"}).action, Action::version);
}

TEST(DaemonCommandLineTest, BadInputIsAOneLineReason) {
    EXPECT_EQ(error_of({"--root"}), "--root needs a directory");
    EXPECT_EQ(error_of({"--root="}), "--root needs a directory");
    EXPECT_EQ(error_of({"--root", ""}), "--root needs a directory");
    EXPECT_EQ(error_of({"--root", "/a", "--root=/b"}), "--root given more than once");
    EXPECT_EQ(error_of({"--rooot", "/a"}), "unknown option --rooot");
    EXPECT_EQ(error_of({"-v"}), "unknown option -v");
    EXPECT_EQ(error_of({"/srv/claw"}), "unexpected argument /srv/claw");
    // A bad option is reported even next to --help: nothing is silently ignored.
    EXPECT_EQ(error_of({"--help", "--bogus"}), "unknown option --bogus");
}

TEST(DaemonCommandLineTest, UsageNamesEveryOption) {
    const auto text = usage_text();
    for (const char* option : {"--root DIR", "--version", "--help", "NANOCLAW_ROOT"})
        EXPECT_NE(text.find(option), std::string::npos) << option;
    EXPECT_EQ(text.back(), '\n');
}

} // namespace
} // namespace nanoclaw::daemon
