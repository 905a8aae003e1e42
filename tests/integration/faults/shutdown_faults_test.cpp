// SPDX-License-Identifier: MIT
// SIGTERM while a burst of messages is being answered, then a restart: every message is
// answered exactly once across the two daemons.
#include <gtest/gtest.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include "fault_harness.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;

int stored_messages(const std::filesystem::path& root) {
    try {
        SQLite::Database db((root / "store/messages.db").string(), SQLite::OPEN_READWRITE);
        db.setBusyTimeout(1000);
        return db.execAndGet("SELECT COUNT(*) FROM messages WHERE chat_jid = 'local:main'")
            .getInt();
    } catch (const std::exception&) {
        return -1;
    }
}

TEST_F(FaultTest, SigtermDuringABurstThenRestart) {
    MessageTally tally("sigterm-burst");
    // Each run takes 300 ms and answers at most 4 messages, so the burst is mid-way at SIGTERM.
    auto& d = start({{"MAX_MESSAGES_PER_PROMPT", "4"}});
    set_runtime_fault({{"FAKE_RUNTIME_REPLY_DELAY_MS", "300"}});
    constexpr int k_burst = 16;
    {
        ChatWatcher chat(d.socket());
        for (int i = 0; i < k_burst; ++i)
            ASSERT_TRUE(chat.say(tally.next_token()));
        ASSERT_TRUE(eventually([&] { return stored_messages(dir_.path()) == k_burst; }, 10s));
        ASSERT_TRUE(eventually([&] { return !agent_runs().empty(); }, 5s));
        EXPECT_EQ(d.terminate(), 0);
        chat.listen(300ms); // whatever reached the client before the daemon left
        chat.count_into(tally);
        std::printf("sigterm-burst: %zu replies before SIGTERM took effect\n",
                    chat.replies().size());
    }
    EXPECT_TRUE(logged("shutting down")) << "no log line says the daemon is shutting down";
    EXPECT_LT(tally.answered(), k_burst) << "the burst was over before SIGTERM: nothing tested";

    auto& again = start({{"MAX_MESSAGES_PER_PROMPT", "4"}});
    ChatWatcher chat(again.socket());
    settle_and_count(chat, tally, 20s);
    tally.report();
    EXPECT_EQ(again.terminate(), 0);
}

} // namespace
} // namespace nanoclaw::testing
