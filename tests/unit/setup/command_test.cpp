// SPDX-License-Identifier: MIT
// The setup steps' program runner: PATH lookup in the given environment, output, stdin, cwd,
// exit codes and the time limit.
#include "nanoclaw/setup/command.hpp"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace nanoclaw::setup {
namespace {

using namespace std::chrono_literals;

class CommandTest : public ::testing::Test {
  protected:
    CommandTest() { env["PATH"] = (dir.path() / "bin").string() + ":/usr/bin:/bin"; }
    void script(const std::string& name, const std::string& body) {
        const auto p = dir.write("bin/" + name, "#!/bin/sh\n" + body + "\n");
        ::chmod(p.c_str(), 0755);
    }
    testing::TempDir dir;
    core::EnvMap env;
};

TEST_F(CommandTest, FindsProgramsOnTheGivenPathOnly) {
    script("tool", "exit 0");
    EXPECT_EQ(find_program("tool", env), dir.path() / "bin/tool");
    EXPECT_FALSE(find_program("tool", core::EnvMap{{"PATH", "/nonexistent"}}));
    EXPECT_FALSE(find_program("tool", core::EnvMap{})) << "no PATH, no lookup";
    dir.write("bin/plain", "not executable");
    EXPECT_FALSE(find_program("plain", env));
    EXPECT_EQ(find_program((dir.path() / "bin/tool").string(), core::EnvMap{}), dir.path() / "bin/tool");
}

TEST_F(CommandTest, CapturesOutputExitCodeAndEnvironment) {
    script("tool", "echo \"out $1 $FOO\"; echo err >&2; exit 7");
    env["FOO"] = "bar";
    const auto r = run_program(CommandSpec{{"tool", "x"}, &env, {}, std::nullopt, 10s});
    EXPECT_TRUE(r.started);
    EXPECT_EQ(r.exit_code, 7);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.out, "out x bar\n");
    EXPECT_EQ(r.err, "err\n");
}

TEST_F(CommandTest, FeedsStdinAndRunsInTheDirectory) {
    script("tool", "read -r line; echo \"$line in $(pwd)\"");
    const auto r = run_program(CommandSpec{{"tool"}, &env, dir.path(), std::string("{}\n"), 10s});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.out, "{} in " + dir.path().string() + "\n");
}

TEST_F(CommandTest, AChildThatIgnoresItsInputDoesNotKillUs) {
    script("tool", "exit 0");
    const auto r = run_program(CommandSpec{{"tool"}, &env, {}, std::string(1 << 20, 'x'), 10s});
    EXPECT_TRUE(r.ok());
}

TEST_F(CommandTest, MissingProgramDoesNotStart) {
    const auto r = run_program(CommandSpec{{"no-such-tool"}, &env, {}, std::nullopt, 10s});
    EXPECT_FALSE(r.started);
    EXPECT_FALSE(r.exit_code);
    EXPECT_EQ(r.err, "no-such-tool: command not found");
}

TEST_F(CommandTest, TimeLimitKillsTheWholeGroup) {
    script("tool", "sleep 30 & sleep 30");
    const auto started = std::chrono::steady_clock::now();
    const auto r = run_program(CommandSpec{{"tool"}, &env, {}, std::nullopt, 300ms});
    EXPECT_TRUE(r.timed_out);
    EXPECT_FALSE(r.exit_code);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s) << "a grandchild holding the pipe kept us waiting";
}

} // namespace
} // namespace nanoclaw::setup
