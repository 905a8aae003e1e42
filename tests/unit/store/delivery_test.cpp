// SPDX-License-Identifier: MIT
// Delivery tracking by insertion order (src/store/delivery.cpp): the sequence numbers the
// daemon's exactly-once cursors are built on.
#include <gmock/gmock.h>

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

using DeliveryTest = MemoryStoreTest;

TEST_F(DeliveryTest, SequenceNumbersGrowAndARedeliveredMessageKeepsItsOwn) {
    add_chat("a@g.us");
    const auto first =
        store_.store_message_seq(message("m1", "a@g.us", "one", "2024-01-01T00:00:01.000Z"));
    const auto second =
        store_.store_message_seq(message("m2", "a@g.us", "two", "2024-01-01T00:00:02.000Z"));
    EXPECT_GT(second, first);
    // Re-delivered with new content: same position, updated in place.
    const auto again = store_.store_message_seq(
        message("m1", "a@g.us", "one, edited", "2024-01-01T00:00:03.000Z"));
    EXPECT_EQ(again, first);
    const auto after = store_.get_messages_after_seq("a@g.us", 0, "Andy", 10);
    ASSERT_EQ(after.size(), 2U);
    EXPECT_EQ(after[0].seq, first);
    EXPECT_EQ(after[0].message.content, "one, edited");
    EXPECT_EQ(after[1].seq, second);
}

TEST_F(DeliveryTest, EqualOrOlderTimestampsAreNotSkipped) {
    add_chat("a@g.us");
    const auto a =
        store_.store_message_seq(message("m1", "a@g.us", "late", "2024-01-01T00:00:05.000Z"));
    store_.store_message_seq(message("m2", "a@g.us", "same", "2024-01-01T00:00:05.000Z"));
    store_.store_message_seq(message("m3", "a@g.us", "older", "2024-01-01T00:00:01.000Z"));
    const auto after = store_.get_messages_after_seq("a@g.us", a, "Andy", 10);
    ASSERT_EQ(after.size(), 2U);
    EXPECT_EQ(after[0].message.content, "same");
    EXPECT_EQ(after[1].message.content, "older");
}

TEST_F(DeliveryTest, StateUpdateIsWrittenWithTheMessage) {
    add_chat("a@g.us");
    store_.store_message_seq(message("m1", "a@g.us", "hi", "2024-01-01T00:00:01.000Z"),
                             Store::StateUpdate{"last_timestamp", "2024-01-01T00:00:01.000Z"});
    EXPECT_EQ(store_.get_router_state("last_timestamp"), "2024-01-01T00:00:01.000Z");
    store_.store_message_seq(message("m2", "a@g.us", "again", "2024-01-01T00:00:02.000Z"));
    EXPECT_EQ(store_.get_router_state("last_timestamp"), "2024-01-01T00:00:01.000Z");
}

TEST_F(DeliveryTest, AFailedStoreLeavesTheStateUntouched) {
    // No chat row: the message violates its foreign key, and the state update rolls back with it.
    store_.set_router_state("last_timestamp", "before");
    EXPECT_ANY_THROW(
        store_.store_message_seq(message("m1", "nobody@g.us", "hi", "2024-01-01T00:00:01.000Z"),
                                 Store::StateUpdate{"last_timestamp", "after"}));
    EXPECT_EQ(store_.get_router_state("last_timestamp"), "before");
    EXPECT_TRUE(store_.get_messages_after_seq("nobody@g.us", 0, "Andy", 10).empty());
}

TEST_F(DeliveryTest, BotMessagesAndEmptyContentAreNotPending) {
    add_chat("a@g.us");
    auto bot = message("m1", "a@g.us", "Andy: hello", "2024-01-01T00:00:01.000Z");
    store_.store_message_seq(bot);
    auto flagged = message("m2", "a@g.us", "reply", "2024-01-01T00:00:02.000Z");
    flagged.is_bot_message = true;
    store_.store_message_seq(flagged);
    store_.store_message_seq(message("m3", "a@g.us", "", "2024-01-01T00:00:03.000Z"));
    store_.store_message_seq(message("m4", "a@g.us", "real", "2024-01-01T00:00:04.000Z"));
    const auto after = store_.get_messages_after_seq("a@g.us", 0, "Andy", 10);
    ASSERT_EQ(after.size(), 1U);
    EXPECT_EQ(after[0].message.content, "real");
}

} // namespace
} // namespace nanoclaw::store::testing
