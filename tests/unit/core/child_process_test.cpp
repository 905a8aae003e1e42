// SPDX-License-Identifier: MIT
// core::ChildProcess as the WhatsApp bridge uses it: stdin kept open across writes, closed on
// demand (EOF), SIGTERM, a working directory, and variables kept out of the child's environment.
#include "nanoclaw/core/child_process.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "temp_dir.hpp"

namespace nanoclaw::core {
namespace {

using namespace std::chrono_literals;

struct Outcome {
    std::string out;
    std::optional<int> code;
};

awaitable<void> collect(std::shared_ptr<ChildProcess> child, Outcome* result,
                        std::vector<std::string> lines, bool terminate) {
    for (auto& line : lines)
        EXPECT_TRUE(co_await child->write_stdin(std::move(line)));
    char buf[256];
    if (terminate) {
        // After the trap is set (the child says so), not before.
        if (const auto n = co_await child->read_stdout(buf, sizeof buf); n > 0)
            result->out.append(buf, n);
        child->terminate();
    } else {
        child->close_stdin();
    }
    for (std::size_t n; (n = co_await child->read_stdout(buf, sizeof buf)) > 0;)
        result->out.append(buf, n);
    result->code = co_await child->wait_exit();
}

Outcome run(const SpawnOptions& options, std::vector<std::string> lines, bool terminate = false) {
    asio::io_context io;
    auto child = std::make_shared<ChildProcess>(io, options);
    Outcome result;
    asio::co_spawn(io, collect(child, &result, std::move(lines), terminate), asio::detached);
    io.run_for(10s);
    return result;
}

TEST(ChildProcessTest, StdinStaysOpenAcrossWritesUntilClosed) {
    SpawnOptions o;
    o.binary = "/bin/sh";
    o.args = {"-c", "while read l; do echo \"got $l\"; done; echo eof"};
    const auto r = run(o, {"one\n", "two\n"});
    EXPECT_EQ(r.out, "got one\ngot two\neof\n");
    EXPECT_EQ(r.code, 0);
}

TEST(ChildProcessTest, TerminateSendsSigterm) {
    SpawnOptions o;
    o.binary = "/bin/sh";
    o.args = {"-c", "trap 'echo term; exit 7' TERM; echo ready; while :; do sleep 0.05; done"};
    const auto r = run(o, {}, true);
    EXPECT_EQ(r.code, 7);
}

TEST(ChildProcessTest, WorkingDirectoryAndRemovedVariables) {
    testing::TempDir dir;
    ::setenv("NANOCLAW_CHILD_SECRET", "s3cret", 1);
    SpawnOptions o;
    o.binary = "/bin/sh";
    o.args = {"-c", "pwd; echo \"[$NANOCLAW_CHILD_SECRET][$EXTRA]\""};
    o.extra_env = {{"EXTRA", "x"}};
    o.removed_env = {"NANOCLAW_CHILD_SECRET"};
    o.cwd = dir.path();
    const auto r = run(o, {});
    ::unsetenv("NANOCLAW_CHILD_SECRET");
    EXPECT_EQ(r.out, std::filesystem::canonical(dir.path()).string() + "\n[][x]\n");
}

TEST(ChildProcessTest, AProgramMissingFromPathOrDiskIsNamedInTheError) {
    asio::io_context io;
    SpawnOptions by_name;
    by_name.binary = "nanoclaw-no-such-program";
    try {
        ChildProcess child(io, by_name);
        FAIL() << "spawned a program that does not exist";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "spawn nanoclaw-no-such-program ENOENT (no such program on PATH)");
    }
    SpawnOptions by_path;
    by_path.binary = "/nonexistent/nanoclaw-no-such-program";
    try {
        ChildProcess child(io, by_path);
        FAIL() << "spawned a program that does not exist";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "spawn /nonexistent/nanoclaw-no-such-program failed: No such file "
                               "or directory");
    }
}

} // namespace
} // namespace nanoclaw::core
