// SPDX-License-Identifier: MIT
// A channel that goes away in the middle of a reply: the local client disconnecting while its
// agent works, and the Telegram Bot API dropping or failing a part of a long reply. The reply
// reaches the chat once, whole.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <thread>

#include "telegram_fault_fixture.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

TEST_F(FaultTest, LocalClientDisconnectsMidReply) {
    MessageTally tally("local-disconnect");
    auto& d = start();
    set_runtime_fault({{"FAKE_RUNTIME_REPLY_DELAY_MS", "600"}});
    {
        // Says two things and leaves while the agent is still working on them.
        LocalClient leaving(d.socket());
        ASSERT_TRUE(leaving.say("main", tally.next_token()));
        ASSERT_TRUE(leaving.say("main", tally.next_token()));
        ASSERT_TRUE(eventually([&] { return !agent_runs().empty(); }, 5s));
    }
    ASSERT_TRUE(eventually([&] { return logged("kept for the next client"); }, 5s))
        << "no log line says the reply waits for a client";
    clear_runtime_fault();
    // The user comes back: the kept reply arrives once, and the conversation goes on.
    ChatWatcher chat(d.socket());
    ASSERT_TRUE(chat.say(tally.next_token()));
    settle_and_count(chat, tally, 10s);
    tally.report();
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(TelegramFaultTest, SendMessageDroppedAndFailedMidReply) {
    MessageTally tally("telegram-send-fails");
    auto& d = start_with_bot();
    const auto fault_at = d.log().size();
    // Each reply echoes a 4,500-character message, so it goes out in two parts. The first part
    // of the first reply has its connection closed unanswered; the next part is refused (500).
    bot_.drop_next("sendMessage");
    bot_.fail_next("sendMessage", 500, "Internal Server Error");
    const std::string padding(4500, 'p');
    for (int i = 0; i < 2; ++i) {
        bot_.push_update(bot_.text_update(k_chat, "private",
                                          "@andy_ai_bot " + padding + " " + tally.next_token()));
        // One reply per message: the second waits for the first run to end.
        ASSERT_TRUE(eventually(
            [&] { return agent_runs().size() == static_cast<std::size_t>(i + 1); }, 20s));
    }
    ASSERT_TRUE(bot_.wait_for(
        [&] {
            MessageTally probe = tally;
            count_sent(probe);
            return probe.all_answered();
        },
        20s));
    std::this_thread::sleep_for(500ms); // a late duplicate part would arrive now
    count_sent(tally);
    count_agent_runs(tally);
    tally.report();
    std::size_t parts = bot_.sent_messages().size();
    EXPECT_EQ(parts, 4u) << "two replies of two parts each, each part sent once";
    EXPECT_TRUE(logged("retry", fault_at)) << "no log line says the send is retried";
    EXPECT_EQ(d.terminate(), 0);
}

} // namespace
} // namespace nanoclaw::testing
