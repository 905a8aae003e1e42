// SPDX-License-Identifier: MIT
// Chat metadata upserts (catalog "storeChatMetadata") and the group sync sentinel.
#include <gmock/gmock.h>

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

using ChatsTest = MemoryStoreTest;

ChatInfo only_chat(Store& store) {
    auto chats = store.get_all_chats();
    EXPECT_EQ(chats.size(), 1U);
    return chats.empty() ? ChatInfo{} : chats.front();
}

TEST_F(ChatsTest, StoresChatWithJidAsDefaultName) {
    store_.store_chat_metadata("group@g.us", "2024-01-01T00:00:00.000Z");
    const auto chat = only_chat(store_);
    EXPECT_EQ(chat.jid, "group@g.us");
    EXPECT_EQ(chat.name, "group@g.us");
}

TEST_F(ChatsTest, StoresChatWithExplicitName) {
    store_.store_chat_metadata("group@g.us", "2024-01-01T00:00:00.000Z", "My Group");
    EXPECT_EQ(only_chat(store_).name, "My Group");
}

TEST_F(ChatsTest, UpdatesNameOnSubsequentCallWithName) {
    store_.store_chat_metadata("group@g.us", "2024-01-01T00:00:00.000Z");
    store_.store_chat_metadata("group@g.us", "2024-01-01T00:00:01.000Z", "Updated Name");
    EXPECT_EQ(only_chat(store_).name, "Updated Name");
}

TEST_F(ChatsTest, CallWithoutNameKeepsExistingName) {
    store_.store_chat_metadata("group@g.us", "2024-01-01T00:00:00.000Z", "Named");
    store_.store_chat_metadata("group@g.us", "2024-01-01T00:00:01.000Z");
    store_.store_chat_metadata("group@g.us", "2024-01-01T00:00:02.000Z", std::string());
    const auto chat = only_chat(store_);
    EXPECT_EQ(chat.name, "Named");
    EXPECT_EQ(chat.last_message_time, "2024-01-01T00:00:02.000Z");
}

TEST_F(ChatsTest, PreservesNewerTimestampOnConflict) {
    store_.store_chat_metadata("group@g.us", "2024-01-01T00:00:05.000Z");
    store_.store_chat_metadata("group@g.us", "2024-01-01T00:00:01.000Z", "Name");
    EXPECT_EQ(only_chat(store_).last_message_time, "2024-01-01T00:00:05.000Z");
}

TEST_F(ChatsTest, ChannelAndKindKeepOldValueWhenAbsent) {
    store_.store_chat_metadata("tg:1", "2024-01-01T00:00:00.000Z", {}, "telegram", false);
    store_.store_chat_metadata("tg:1", "2024-01-01T00:00:01.000Z");
    auto chat = only_chat(store_);
    EXPECT_EQ(chat.channel, "telegram");
    EXPECT_EQ(chat.is_group, 0);
    store_.store_chat_metadata("tg:1", "2024-01-01T00:00:02.000Z", {}, "other", true);
    chat = only_chat(store_);
    EXPECT_EQ(chat.channel, "other");
    EXPECT_EQ(chat.is_group, 1);
}

TEST_F(ChatsTest, UnknownKindIsStoredAsNull) {
    store_.store_chat_metadata("x", "2024-01-01T00:00:00.000Z");
    const auto chat = only_chat(store_);
    EXPECT_EQ(chat.channel, std::nullopt);
    EXPECT_EQ(chat.is_group, std::nullopt);
}

TEST_F(ChatsTest, UpdateChatNameInsertsWithNowOrRenamesOnly) {
    clock_.set(*core::parse_iso("2025-03-04T05:06:07.089Z"));
    store_.update_chat_name("new@g.us", "Fresh");
    auto chat = only_chat(store_);
    EXPECT_EQ(chat.name, "Fresh");
    EXPECT_EQ(chat.last_message_time, "2025-03-04T05:06:07.089Z");
    EXPECT_EQ(chat.is_group, 0); // column default, not NULL
    clock_.advance(std::chrono::hours(1));
    store_.update_chat_name("new@g.us", "Renamed");
    chat = only_chat(store_);
    EXPECT_EQ(chat.name, "Renamed");
    EXPECT_EQ(chat.last_message_time, "2025-03-04T05:06:07.089Z");
}

TEST_F(ChatsTest, ListsChatsNewestFirst) {
    store_.store_chat_metadata("a", "2024-01-01T00:00:01.000Z");
    store_.store_chat_metadata("b", "2024-01-01T00:00:03.000Z");
    store_.store_chat_metadata("c", "2024-01-01T00:00:02.000Z");
    std::vector<std::string> order;
    for (const auto& chat : store_.get_all_chats())
        order.push_back(chat.jid);
    EXPECT_EQ(order, (std::vector<std::string>{"b", "c", "a"}));
}

TEST_F(ChatsTest, GroupSyncSentinelRecordsNow) {
    EXPECT_EQ(store_.get_last_group_sync(), std::nullopt);
    clock_.set(*core::parse_iso("2025-01-02T03:04:05.006Z"));
    store_.set_last_group_sync();
    EXPECT_EQ(store_.get_last_group_sync(), "2025-01-02T03:04:05.006Z");
    clock_.advance(std::chrono::minutes(1));
    store_.set_last_group_sync();
    EXPECT_EQ(store_.get_last_group_sync(), "2025-01-02T03:05:05.006Z");
    const auto chat = only_chat(store_);
    EXPECT_EQ(chat.jid, k_group_sync_jid);
    EXPECT_EQ(chat.name, k_group_sync_jid);
}

} // namespace
} // namespace nanoclaw::store::testing
