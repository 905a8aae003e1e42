// SPDX-License-Identifier: MIT
// The persisted outbox: order per chat, retries with the server's wait, drops with a reason,
// progress across parts, and a restart that resumes where delivery stopped.
#include "nanoclaw/channels/outbox.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nanoclaw/core/clock.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::channels {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using Verdict = DeliveryAttempt::Verdict;

// Scripted deliveries: each call pops the next verdict (delivered when the script is empty).
struct Script {
    std::vector<DeliveryAttempt> verdicts;
    std::vector<std::string> seen; ///< "jid:text@part" per attempt
};

awaitable<DeliveryAttempt> scripted(Script* script, store::OutboxEntry entry,
                                    std::function<void(int)> progress) {
    script->seen.push_back(entry.jid + ":" + entry.text + "@" + std::to_string(entry.sent_parts));
    if (script->verdicts.empty()) {
        progress(entry.sent_parts + 1);
        co_return DeliveryAttempt{};
    }
    auto v = script->verdicts.front();
    script->verdicts.erase(script->verdicts.begin());
    if (v.verdict == Verdict::retry && v.reason == "after one part") progress(1);
    co_return v;
}

struct OutboxTest : ::testing::Test {
    testing::TempDir dir;
    core::SystemClock clock;
    store::Store store = store::Store::open(dir.path() / "messages.db", store::StoreOptions(clock));
    asio::io_context io;
    Script script;

    std::unique_ptr<Outbox> make() {
        return std::make_unique<Outbox>(
            io, store, "test",
            [this](store::OutboxEntry e, std::function<void(int)> p) {
                return scripted(&script, std::move(e), std::move(p));
            },
            OutboxOptions{10ms, 50ms});
    }
    void run() {
        io.restart();
        io.run_for(2s);
    }
};

TEST_F(OutboxTest, DeliversInOrderAndForgetsDelivered) {
    auto box = make();
    box->add("c:1", "a");
    box->add("c:1", "b");
    box->add("c:2", "x");
    EXPECT_EQ(store.outbox_pending("test").size(), 3u); // persisted before any attempt
    run();
    // Each chat in its own order; chats do not wait for each other.
    std::vector<std::string> chat1;
    for (const auto& s : script.seen)
        if (s.rfind("c:1:", 0) == 0) chat1.push_back(s);
    EXPECT_THAT(chat1, ElementsAre("c:1:a@0", "c:1:b@0"));
    EXPECT_EQ(script.seen.size(), 3u);
    EXPECT_TRUE(store.outbox_pending("test").empty());
    EXPECT_EQ(box->pending(), 0u);
}

TEST_F(OutboxTest, ARetryHoldsLaterMessagesOfTheSameChatOnly) {
    script.verdicts = {{Verdict::retry, "HTTP 502", std::nullopt}};
    auto box = make();
    box->add("c:1", "first");
    box->add("c:1", "second");
    box->add("c:2", "other");
    run();
    EXPECT_THAT(script.seen, ElementsAre("c:1:first@0", "c:2:other@0", "c:1:first@0", "c:1:second@0"));
    EXPECT_TRUE(store.outbox_pending("test").empty());
}

TEST_F(OutboxTest, TheServersWaitIsHonoured) {
    script.verdicts = {{Verdict::retry, "429", 200ms}};
    auto box = make();
    const auto t0 = std::chrono::steady_clock::now();
    box->add("c:1", "m");
    run();
    ASSERT_EQ(script.seen.size(), 2u);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 200ms);
}

TEST_F(OutboxTest, ADroppedMessageIsRemovedAndTheNextGoesOn) {
    script.verdicts = {{Verdict::drop, "Forbidden: bot was blocked by the user", std::nullopt}};
    auto box = make();
    box->add("c:1", "lost cause");
    box->add("c:1", "next");
    run();
    EXPECT_THAT(script.seen, ElementsAre("c:1:lost cause@0", "c:1:next@0"));
    EXPECT_TRUE(store.outbox_pending("test").empty());
}

TEST_F(OutboxTest, FailuresAreCountedAndARestartResumesFromTheLastPart) {
    script.verdicts = {{Verdict::retry, "after one part", 10s}}; // long wait: stopped first
    {
        auto box = make();
        box->add("c:1", "three parts");
        io.restart();
        io.run_for(100ms);
        box->stop();
    }
    auto pending = store.outbox_pending("test");
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].sent_parts, 1);
    EXPECT_EQ(pending[0].attempts, 1);
    EXPECT_EQ(pending[0].last_error, "after one part");

    auto box = make(); // the next start
    box->resume();
    run();
    EXPECT_EQ(script.seen.back(), "c:1:three parts@1"); // part 0 is not sent again
    EXPECT_TRUE(store.outbox_pending("test").empty());
}

TEST(OutboxBackoffTest, DoublesWithJitterUpToTheCap) {
    for (int i = 0; i < 20; ++i) {
        const auto first = jittered_backoff(1000ms, 8000ms, 1);
        EXPECT_GE(first, 800ms);
        EXPECT_LE(first, 1200ms);
        const auto third = jittered_backoff(1000ms, 8000ms, 3);
        EXPECT_GE(third, 3200ms);
        EXPECT_LE(third, 4800ms);
        EXPECT_LE(jittered_backoff(1000ms, 8000ms, 30), 9600ms);
    }
}

} // namespace
} // namespace nanoclaw::channels
