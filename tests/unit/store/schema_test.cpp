// SPDX-License-Identifier: MIT
// The schema is v1's, text for text (tests/fixtures/store was generated from the reference's own
// statements by generate_fixtures.py), and a v1-written database opens unchanged.
#include <gmock/gmock.h>

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

class SchemaTest : public ::testing::Test {
  protected:
    TempDir dir_;
    ManualClock clock_;
    std::filesystem::path db_file_ = dir_.path() / "messages.db";
};

TEST_F(SchemaTest, FreshDatabaseHasExactlyV1Schema) {
    { Store::open(db_file_, StoreOptions{clock_}); }
    EXPECT_EQ(schema_text(db_file_), fixture("v1_fresh_schema.txt"));
}

TEST_F(SchemaTest, SchemaStaysV1AfterOrdinaryUse) {
    {
        auto store = Store::open(db_file_, StoreOptions{clock_});
        store.store_chat_metadata("group@g.us", "2024-01-01T00:00:00.000Z", "G");
        store.store_message(message("m1", "group@g.us", "hi", "2024-01-01T00:00:01.000Z"));
        store.usage_by_group(); // reading an additive table must not create it
    }
    EXPECT_EQ(schema_text(db_file_), fixture("v1_fresh_schema.txt"));
}

TEST_F(SchemaTest, BaselineV1DatabaseGainsLaterColumnsAndKeepsData) {
    exec_sql(db_file_, fixture("v1_baseline_db.sql"));
    {
        auto store = Store::open(db_file_, StoreOptions{clock_});
        const auto rows = store.get_messages_since("room@g.us", "", "Andy");
        ASSERT_EQ(rows.size(), 1U);
        EXPECT_EQ(rows[0].content, "hello");
        EXPECT_EQ(rows[0].reply_to_message_id, std::nullopt);
        const auto task = store.get_task_by_id("t1");
        ASSERT_TRUE(task);
        EXPECT_EQ(task->context_mode, "group");
        EXPECT_EQ(task->script, std::nullopt);
        EXPECT_EQ(store.get_session("main"), "session-abc");
        EXPECT_EQ(store.get_last_group_sync(), "2024-01-01T00:00:09.000Z");
        const auto groups = store.get_all_registered_groups();
        ASSERT_EQ(groups.size(), 2U);
        EXPECT_EQ(groups.at("room@g.us").is_main, true);
        EXPECT_EQ(groups.at("tg:100").requires_trigger, false);
        EXPECT_EQ(groups.at("tg:100").container_config->timeout, 60000);
    }
    // The migrated file is indistinguishable from a fresh later-v1 database.
    EXPECT_EQ(schema_text(db_file_), fixture("v1_fresh_schema.txt"));
    // The channel backfill belongs to the run that added the columns: it does not run again.
    EXPECT_EQ(query_text(db_file_, "SELECT is_group FROM chats WHERE jid = 'tg:100'"), "1");
    EXPECT_EQ(query_text(db_file_, "SELECT count(*) FROM task_run_logs"), "1");
}

TEST_F(SchemaTest, AdditiveTableAppearsOnlyAfterFirstWrite) {
    auto store = Store::open(db_file_, StoreOptions{clock_});
    EXPECT_EQ(query_text(db_file_, "SELECT count(*) FROM sqlite_master WHERE name = 'token_usage'"),
              "0");
    store.record_usage(UsageRecord{"", "main", "claude", 1, 2, 3, 4});
    EXPECT_EQ(query_text(db_file_, "SELECT count(*) FROM sqlite_master WHERE name = 'token_usage'"),
              "1");
}

} // namespace
} // namespace nanoclaw::store::testing
