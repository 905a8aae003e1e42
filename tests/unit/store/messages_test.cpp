// SPDX-License-Identifier: MIT
// Message storage and the cursor queries (catalog "storeMessage", "reply context",
// "getMessagesSince", "getNewMessages", "message query LIMIT"), plus batch and paging helpers.
#include <gmock/gmock.h>

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> contents(const std::vector<core::NewMessage>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows)
        out.push_back(row.content);
    return out;
}

std::string ts(int second) {
    return "2024-01-01T00:00:" + std::string(second < 10 ? "0" : "") + std::to_string(second) +
           ".000Z";
}

class MessagesTest : public MemoryStoreTest {
  protected:
    void SetUp() override { add_chat("group@g.us"); }
};

TEST_F(MessagesTest, StoresMessageAndRetrievesIt) {
    store_.store_message(message("msg-1", "group@g.us", "hello world", ts(1)));
    const auto rows = store_.get_messages_since("group@g.us", ts(0), "Andy");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].id, "msg-1");
    EXPECT_EQ(rows[0].sender, "123@s.whatsapp.net");
    EXPECT_EQ(rows[0].sender_name, "Alice");
    EXPECT_EQ(rows[0].content, "hello world");
    EXPECT_EQ(rows[0].timestamp, ts(1));
}

TEST_F(MessagesTest, FiltersOutEmptyContent) {
    store_.store_message(message("msg-2", "group@g.us", "", ts(4)));
    EXPECT_TRUE(store_.get_messages_since("group@g.us", ts(0), "Andy").empty());
}

TEST_F(MessagesTest, StoresIsFromMeFlagWithoutHidingTheMessage) {
    auto m = message("msg-3", "group@g.us", "my message", ts(5));
    m.is_from_me = true;
    store_.store_message(m);
    const auto rows = store_.get_messages_since("group@g.us", ts(0), "Andy");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_TRUE(rows[0].is_from_me);
}

TEST_F(MessagesTest, UpsertsOnDuplicateIdAndChat) {
    store_.store_message(message("msg-dup", "group@g.us", "original", ts(1)));
    store_.store_message(message("msg-dup", "group@g.us", "updated", ts(1)));
    EXPECT_THAT(contents(store_.get_messages_since("group@g.us", ts(0), "Andy")),
                ElementsAre("updated"));
}

TEST_F(MessagesTest, StoresAndReturnsReplyContext) {
    auto m = message("reply-1", "group@g.us", "Yes, on my way!", ts(1));
    m.reply_to_message_id = "42";
    m.reply_to_message_content = "Are you coming tonight?";
    m.reply_to_sender_name = "Bob";
    store_.store_message(m);
    store_.store_message(message("plain", "group@g.us", "Just a normal message", ts(2)));
    const auto rows = store_.get_messages_since("group@g.us", ts(0), "Andy");
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].reply_to_message_id, "42");
    EXPECT_EQ(rows[0].reply_to_message_content, "Are you coming tonight?");
    EXPECT_EQ(rows[0].reply_to_sender_name, "Bob");
    EXPECT_EQ(rows[1].reply_to_message_id, std::nullopt);
    EXPECT_EQ(rows[1].reply_to_message_content, std::nullopt);
    EXPECT_EQ(rows[1].reply_to_sender_name, std::nullopt);
}

TEST_F(MessagesTest, NewMessagesCarryReplyContext) {
    auto m = message("reply-2", "group@g.us", "Agreed", ts(1), "Carol");
    m.reply_to_message_id = "99";
    m.reply_to_message_content = "We should meet";
    m.reply_to_sender_name = "Dave";
    store_.store_message(m);
    const auto result = store_.get_new_messages({"group@g.us"}, ts(0), "Andy");
    ASSERT_EQ(result.messages.size(), 1U);
    EXPECT_EQ(result.messages[0].reply_to_message_id, "99");
    EXPECT_EQ(result.messages[0].reply_to_sender_name, "Dave");
}

TEST_F(MessagesTest, MessageForUnknownChatIsAClearError) {
    try {
        store_.store_message(message("m1", "nobody@g.us", "hi", ts(1)));
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        EXPECT_THAT(e.what(), HasSubstr("FOREIGN KEY constraint failed"));
        EXPECT_THAT(e.what(), HasSubstr("nobody@g.us"));
        EXPECT_FALSE(e.transient()); // fails the same way every time: nobody should wait on it
    }
    // The store stays usable.
    store_.store_message(message("m2", "group@g.us", "fine", ts(2)));
    EXPECT_EQ(store_.get_messages_since("group@g.us", "", "Andy").size(), 1U);
}

class SinceFixture : public MessagesTest {
  protected:
    void SetUp() override {
        MessagesTest::SetUp();
        store_.store_message(message("m1", "group@g.us", "first", ts(1), "Alice"));
        store_.store_message(message("m2", "group@g.us", "second", ts(2), "Bob"));
        auto bot = message("m3", "group@g.us", "bot reply", ts(3), "Bot");
        bot.is_bot_message = true;
        store_.store_message(bot);
        store_.store_message(message("m4", "group@g.us", "third", ts(4), "Carol"));
    }
};

TEST_F(SinceFixture, ReturnsMessagesAfterTheGivenTimestamp) {
    EXPECT_THAT(contents(store_.get_messages_since("group@g.us", ts(2), "Andy")),
                ElementsAre("third"));
}

TEST_F(SinceFixture, ExcludesBotMessagesViaFlag) {
    EXPECT_THAT(contents(store_.get_messages_since("group@g.us", ts(0), "Andy")),
                ElementsAre("first", "second", "third"));
}

TEST_F(SinceFixture, EmptyCursorReturnsAllNonBotMessages) {
    EXPECT_EQ(store_.get_messages_since("group@g.us", "", "Andy").size(), 3U);
}

TEST_F(SinceFixture, FiltersPreMigrationBotMessagesViaContentPrefix) {
    store_.store_message(message("m5", "group@g.us", "Andy: old bot reply", ts(5)));
    store_.store_message(message("m6", "group@g.us", "andy: lower case too", ts(6)));
    EXPECT_TRUE(store_.get_messages_since("group@g.us", ts(4), "Andy").empty());
}

TEST_F(SinceFixture, RecoversCursorFromLastBotReply) {
    for (int i = 1; i <= 50; ++i) {
        const std::string day = (i < 10 ? "0" : "") + std::to_string(i);
        store_.store_message(message("old-" + day, "group@g.us", "old message " + std::to_string(i),
                                     "2023-06-" + day + "T12:00:00.000Z"));
    }
    store_.store_message(
        message("new-1", "group@g.us", "new message after bot reply", "2024-01-02T00:00:00.000Z"));
    const auto cursor = store_.get_last_bot_message_timestamp("group@g.us", "Andy");
    ASSERT_EQ(cursor, ts(3));
    EXPECT_THAT(contents(store_.get_messages_since("group@g.us", *cursor, "Andy", 10)),
                ElementsAre("third", "new message after bot reply"));
}

TEST_F(SinceFixture, CapsToLimitEvenWithRecoveredCursor) {
    for (int i = 1; i <= 30; ++i) {
        const std::string day = (i < 10 ? "0" : "") + std::to_string(i);
        store_.store_message(message("p-" + day, "group@g.us",
                                     "pending message " + std::to_string(i),
                                     "2024-02-" + day + "T12:00:00.000Z"));
    }
    const auto rows = store_.get_messages_since("group@g.us", ts(3), "Andy", 10);
    ASSERT_EQ(rows.size(), 10U);
    EXPECT_EQ(rows.front().content, "pending message 21");
    EXPECT_EQ(rows.back().content, "pending message 30");
}

TEST_F(MessagesTest, NoBotReplyMeansNoRecoveredCursorAndLastNMessages) {
    add_chat("fresh@g.us");
    for (int i = 1; i <= 20; ++i) {
        const std::string day = (i < 10 ? "0" : "") + std::to_string(i);
        store_.store_message(message("f-" + day, "fresh@g.us", "message " + std::to_string(i),
                                     "2024-02-" + day + "T12:00:00.000Z"));
    }
    EXPECT_EQ(store_.get_last_bot_message_timestamp("fresh@g.us", "Andy"), std::nullopt);
    const auto rows = store_.get_messages_since("fresh@g.us", "", "Andy", 10);
    ASSERT_EQ(rows.size(), 10U);
    EXPECT_EQ(rows.front().content, "message 11");
}

TEST_F(MessagesTest, LastBotTimestampCountsPrefixMessagesToo) {
    store_.store_message(message("a", "group@g.us", "Andy: legacy", ts(7)));
    auto flagged = message("b", "group@g.us", "flagged", ts(5));
    flagged.is_bot_message = true;
    store_.store_message(flagged);
    store_.store_message(message("c", "group@g.us", "user", ts(9)));
    EXPECT_EQ(store_.get_last_bot_message_timestamp("group@g.us", "Andy"), ts(7));
}

TEST_F(MessagesTest, BotPrefixWildcardsBehaveLikeV1Like) {
    store_.store_message(message("a", "group@g.us", "AxB: looks like a bot", ts(1)));
    store_.store_message(message("b", "group@g.us", "kept", ts(2)));
    // '_' in the prefix matches any one character, exactly as SQLite LIKE does in v1.
    EXPECT_THAT(contents(store_.get_messages_since("group@g.us", "", "A_B")), ElementsAre("kept"));
}

class NewMessagesFixture : public MemoryStoreTest {
  protected:
    void SetUp() override {
        add_chat("group1@g.us");
        add_chat("group2@g.us");
        store_.store_message(message("a1", "group1@g.us", "g1 msg1", ts(1)));
        store_.store_message(message("a2", "group2@g.us", "g2 msg1", ts(2)));
        auto bot = message("a3", "group1@g.us", "bot reply", ts(3));
        bot.is_bot_message = true;
        store_.store_message(bot);
        store_.store_message(message("a4", "group1@g.us", "g1 msg2", ts(4)));
    }
};

TEST_F(NewMessagesFixture, ReturnsNewMessagesAcrossGroups) {
    const auto result = store_.get_new_messages({"group1@g.us", "group2@g.us"}, ts(0), "Andy");
    EXPECT_THAT(contents(result.messages), ElementsAre("g1 msg1", "g2 msg1", "g1 msg2"));
    EXPECT_EQ(result.new_timestamp, ts(4));
}

TEST_F(NewMessagesFixture, FiltersByTimestamp) {
    const auto result = store_.get_new_messages({"group1@g.us", "group2@g.us"}, ts(2), "Andy");
    EXPECT_THAT(contents(result.messages), ElementsAre("g1 msg2"));
}

TEST_F(NewMessagesFixture, OnlyRequestedChats) {
    const auto result = store_.get_new_messages({"group2@g.us"}, "", "Andy");
    EXPECT_THAT(contents(result.messages), ElementsAre("g2 msg1"));
}

TEST_F(NewMessagesFixture, NoJidsReturnsNothingAndKeepsCursor) {
    const auto result = store_.get_new_messages({}, "", "Andy");
    EXPECT_TRUE(result.messages.empty());
    EXPECT_EQ(result.new_timestamp, "");
}

TEST_F(NewMessagesFixture, CursorStaysWhenNothingIsNew) {
    const auto result = store_.get_new_messages({"group1@g.us"}, ts(9), "Andy");
    EXPECT_TRUE(result.messages.empty());
    EXPECT_EQ(result.new_timestamp, ts(9));
}

class LimitFixture : public MessagesTest {
  protected:
    void SetUp() override {
        MessagesTest::SetUp();
        for (int i = 1; i <= 10; ++i) {
            store_.store_message(message("m" + std::to_string(i), "group@g.us",
                                         "message " + std::to_string(i), ts(i)));
        }
    }
};

TEST_F(LimitFixture, NewMessagesCapsToMostRecentInChronologicalOrder) {
    const auto result = store_.get_new_messages({"group@g.us"}, ts(0), "Andy", 3);
    EXPECT_THAT(contents(result.messages), ElementsAre("message 8", "message 9", "message 10"));
    EXPECT_EQ(result.new_timestamp, ts(10));
}

TEST_F(LimitFixture, MessagesSinceCapsToMostRecentInChronologicalOrder) {
    EXPECT_THAT(contents(store_.get_messages_since("group@g.us", ts(0), "Andy", 3)),
                ElementsAre("message 8", "message 9", "message 10"));
}

TEST_F(LimitFixture, ReturnsAllWhenUnderTheLimit) {
    EXPECT_EQ(store_.get_new_messages({"group@g.us"}, ts(0), "Andy", 50).messages.size(), 10U);
}

TEST_F(LimitFixture, PageReturnsOldestFirstAndCursorNeverSkips) {
    auto page = store_.get_new_messages_page({"group@g.us"}, ts(0), "Andy", 4);
    EXPECT_THAT(contents(page.messages),
                ElementsAre("message 1", "message 2", "message 3", "message 4"));
    EXPECT_EQ(page.new_timestamp, ts(4));
    page = store_.get_new_messages_page({"group@g.us"}, page.new_timestamp, "Andy", 4);
    EXPECT_THAT(contents(page.messages),
                ElementsAre("message 5", "message 6", "message 7", "message 8"));
    page = store_.get_new_messages_page({"group@g.us"}, page.new_timestamp, "Andy", 4);
    EXPECT_THAT(contents(page.messages), ElementsAre("message 9", "message 10"));
    EXPECT_EQ(page.new_timestamp, ts(10));
    page = store_.get_new_messages_page({"group@g.us"}, page.new_timestamp, "Andy", 4);
    EXPECT_TRUE(page.messages.empty());
    EXPECT_EQ(page.new_timestamp, ts(10));
}

TEST_F(MessagesTest, PageNeverSplitsATimestamp) {
    for (const char* id : {"a", "b", "c"})
        store_.store_message(message(id, "group@g.us", id, ts(1)));
    store_.store_message(message("d", "group@g.us", "d", ts(2)));
    const auto page = store_.get_new_messages_page({"group@g.us"}, "", "Andy", 2);
    EXPECT_EQ(page.messages.size(), 3U);
    EXPECT_EQ(page.new_timestamp, ts(1));
}

TEST_F(MessagesTest, BatchInsertStoresEverything) {
    std::vector<core::NewMessage> batch;
    for (int i = 0; i < 100000; ++i) {
        batch.push_back(message("b" + std::to_string(i), "group@g.us", "bulk", ts(i % 60)));
    }
    store_.store_messages(batch);
    EXPECT_EQ(store_.get_messages_since("group@g.us", "", "Andy", 1000000).size(), 100000U);
}

TEST_F(MessagesTest, BatchIsAllOrNothing) {
    std::vector<core::NewMessage> batch{message("ok", "group@g.us", "ok", ts(1)),
                                        message("bad", "unknown@g.us", "bad", ts(2))};
    EXPECT_THROW(store_.store_messages(batch), StoreError);
    EXPECT_TRUE(store_.get_messages_since("group@g.us", "", "Andy").empty());
}

} // namespace
} // namespace nanoclaw::store::testing
