// SPDX-License-Identifier: MIT
// The container runtime CLI missing, failing or hanging mid-run, against the whole daemon:
// messages wait or are retried, the chat is told when the user would otherwise wait in
// silence, and once the fault is lifted every message is answered exactly once.
#include <gtest/gtest.h>

#include <algorithm>

#include "fault_harness.hpp"

namespace nanoclaw::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool told_retrying(const ChatWatcher& chat) {
    const auto& s = chat.statuses();
    return std::find(s.begin(), s.end(),
                     "the agent run failed; retrying (details in the daemon log)") != s.end();
}

TEST_F(FaultTest, RuntimeCliMissing) {
    MessageTally tally("runtime-missing");
    const auto bin = dir_.path() / "bin";
    fs::create_directories(bin);
    // The runtime found on PATH, like an installed `docker`. Its own name, so a real docker
    // on this machine's PATH can never be the one run.
    const std::string name = "nanoclaw-fault-runtime";
    const std::map<std::string, std::string> on_path{{"CONTAINER_RUNTIME_BIN", name},
                                                     {"PATH", bin.string() + ":/usr/bin:/bin"}};

    // Missing at start-up, not on PATH or not where CONTAINER_RUNTIME_BIN says: the daemon
    // refuses to start and names the command it tried.
    EXPECT_THROW(start(on_path), std::runtime_error);
    EXPECT_TRUE(logged("Failed to reach container runtime with `" + name + " info`"));
    const auto nowhere = (bin / "no-such-runtime").string();
    EXPECT_THROW(start({{"CONTAINER_RUNTIME_BIN", nowhere}}), std::runtime_error);
    EXPECT_TRUE(logged("Failed to reach container runtime with `" + nowhere + " info`"));
    EXPECT_TRUE(logged("Make sure Docker is installed and running")) << "no fix is named";

    // Present at start-up, then gone mid-run (uninstalled, PATH changed under a service).
    fs::create_symlink(faulty_runtime_path(), bin / name);
    auto& d = start(on_path);
    ChatWatcher chat(d.socket());
    ASSERT_TRUE(chat.say(tally.next_token()));
    chat.listen(10s, [&] { return chat.replies().size() == 1; });
    fs::remove(bin / name);
    const auto fault_at = d.log().size();
    ASSERT_TRUE(chat.say(tally.next_token()));
    ASSERT_TRUE(chat.say(tally.next_token()));
    chat.listen(10s, [&] { return !chat.notices().empty(); });
    ASSERT_FALSE(chat.notices().empty()) << "the chat was not told the runtime is missing";
    EXPECT_NE(chat.notices().front().find("The agent could not start: spawn " + name +
                                          " ENOENT (no such program on PATH)"),
              std::string::npos)
        << chat.notices().front();
    EXPECT_TRUE(
        logged("agent run cannot succeed group=main reason=The agent could not start", fault_at));

    // Back: the next message answers everything still pending, once.
    fs::create_symlink(faulty_runtime_path(), bin / name);
    ASSERT_TRUE(chat.say(tally.next_token()));
    chat.listen(15s, [&] {
        chat.count_into(tally);
        return tally.all_answered();
    });
    chat.listen(500ms); // a late duplicate would arrive now
    chat.count_into(tally);
    count_agent_runs(tally);
    tally.report();
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(FaultTest, RuntimeExitsNonZero) {
    MessageTally tally("runtime-exit");
    auto& d = start();
    ChatWatcher chat(d.socket());
    set_runtime_fault({{"FAKE_RUNTIME_MODE", "exit"},
                       {"FAKE_RUNTIME_EXIT_CODE", "1"},
                       {"FAKE_RUNTIME_STDERR", "Error response from daemon: OCI runtime failed"},
                       {"FAULT_ONCE", "1"}});
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(chat.say(tally.next_token()));
    ASSERT_TRUE(eventually([&] { return logged("retrying message processing"); }, 10s));
    ASSERT_EQ(agent_runs().front().mode, "exit");
    EXPECT_TRUE(logged("Error response from daemon: OCI runtime failed"))
        << "the runtime's own error is not in the log";
    settle_and_count(chat, tally, 15s);
    tally.report();
    EXPECT_TRUE(told_retrying(chat)) << "the chat heard nothing while the run was retried";
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(FaultTest, RuntimeHangsMidRun) {
    MessageTally tally("runtime-hang");
    auto& d = start();
    ChatWatcher chat(d.socket());
    // One run hangs before any output: the hard timeout (1.5 s here) stops it, and the
    // messages are run again.
    set_runtime_fault({{"FAKE_RUNTIME_MODE", "hang"}, {"FAULT_ONCE", "1"}});
    for (int i = 0; i < 2; ++i)
        ASSERT_TRUE(chat.say(tally.next_token()));
    chat.listen(15s, [&] {
        chat.count_into(tally);
        return tally.all_answered();
    });
    EXPECT_TRUE(logged("agent run failed group=main err=Container timed out after 1500ms"))
        << "no log line says the run timed out";
    ASSERT_EQ(agent_runs().front().mode, "hang");
    EXPECT_TRUE(told_retrying(chat)) << "the chat heard nothing while the run was retried";

    // Hangs after answering (output, then nothing): answered once, never re-run.
    set_runtime_fault({{"FAKE_RUNTIME_MODE", "script"},
                       {"FAKE_RUNTIME_SCRIPT",
                        R"([{"marker":{"status":"success","result":"half"}},{"hang":true}])"}});
    const auto half_token = tally.next_token();
    const auto half_at = d.log().size();
    ASSERT_TRUE(chat.say(half_token));
    chat.listen(
        10s, [&] { return std::count(chat.replies().begin(), chat.replies().end(), "half") == 1; });
    ASSERT_TRUE(
        eventually([&] { return logged("Container timeout, stopping gracefully", half_at); }, 10s));
    clear_runtime_fault();
    chat.listen(3s); // the hung run is stopped; a re-run would answer again now
    chat.count_into(tally);
    // The scripted answer does not echo the prompt: count its one delivery by hand.
    tally.chat_heard(std::count(chat.replies().begin(), chat.replies().end(), "half") == 1
                         ? half_token + "<"
                         : "");
    count_agent_runs(tally, {"reply", "script"});
    tally.report();
    EXPECT_EQ(d.terminate(), 0);
}

} // namespace
} // namespace nanoclaw::testing
