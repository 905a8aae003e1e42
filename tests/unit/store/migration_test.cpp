// SPDX-License-Identifier: MIT
// Each v1 migration applied to databases with the OLD table shapes (built here with raw SQL):
// columns appear, backfills run once (only on the run that added the column), data survives.
#include <gmock/gmock.h>

#include "nanoclaw/core/errors.hpp"

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

class MigrationTest : public ::testing::Test {
  protected:
    TempDir dir_;
    ManualClock clock_;
    std::filesystem::path db_file_ = dir_.path() / "store" / "messages.db";

    void legacy(const std::string& sql) {
        std::filesystem::create_directories(db_file_.parent_path());
        exec_sql(db_file_, sql);
    }
    Store open(const std::string& assistant = "Andy") {
        return Store::open(db_file_, StoreOptions{clock_, assistant});
    }
    std::string value(const std::string& sql) { return query_text(db_file_, sql); }
};

// The reference test: a chats table from before channel/is_group existed.
TEST_F(MigrationTest, BackfillsChatChannelsWithTelegramAsDirectMessages) {
    legacy(
        "CREATE TABLE chats (jid TEXT PRIMARY KEY, name TEXT, last_message_time TEXT);"
        "INSERT INTO chats VALUES ('tg:12345', 'Telegram DM', '2024-01-01T00:00:00.000Z');"
        "INSERT INTO chats VALUES ('tg:-10012345', 'Telegram Group', '2024-01-01T00:00:01.000Z');"
        "INSERT INTO chats VALUES ('room@g.us', 'WhatsApp Group', '2024-01-01T00:00:02.000Z');"
        "INSERT INTO chats VALUES ('1@s.whatsapp.net', 'WA DM', '2024-01-01T00:00:03.000Z');"
        "INSERT INTO chats VALUES ('dc:42', 'Discord', '2024-01-01T00:00:04.000Z');"
        "INSERT INTO chats VALUES ('local:x', 'Other', '2024-01-01T00:00:05.000Z');");
    auto store = open();
    std::map<std::string, ChatInfo> by_jid;
    for (auto& chat : store.get_all_chats())
        by_jid[chat.jid] = chat;
    ASSERT_EQ(by_jid.size(), 6U);
    EXPECT_EQ(by_jid["tg:12345"].channel, "telegram");
    EXPECT_EQ(by_jid["tg:12345"].is_group, 0);
    EXPECT_EQ(by_jid["tg:-10012345"].channel, "telegram");
    EXPECT_EQ(by_jid["tg:-10012345"].is_group, 0);
    EXPECT_EQ(by_jid["room@g.us"].channel, "whatsapp");
    EXPECT_EQ(by_jid["room@g.us"].is_group, 1);
    EXPECT_EQ(by_jid["1@s.whatsapp.net"].channel, "whatsapp");
    EXPECT_EQ(by_jid["1@s.whatsapp.net"].is_group, 0);
    EXPECT_EQ(by_jid["dc:42"].channel, "discord");
    EXPECT_EQ(by_jid["dc:42"].is_group, 1);
    EXPECT_EQ(by_jid["local:x"].channel, std::nullopt);
    EXPECT_EQ(by_jid["local:x"].is_group, 0); // the column default
    EXPECT_EQ(by_jid["room@g.us"].name, "WhatsApp Group");
}

TEST_F(MigrationTest, ChatBackfillRunsOnlyOnTheRunThatAddedTheColumns) {
    legacy("CREATE TABLE chats (jid TEXT PRIMARY KEY, name TEXT, last_message_time TEXT);"
           "INSERT INTO chats VALUES ('tg:1', 'T', '2024-01-01T00:00:00.000Z');");
    { open(); }
    exec_sql(db_file_, "UPDATE chats SET is_group = 1, channel = 'mine' WHERE jid = 'tg:1'");
    { open(); }
    EXPECT_EQ(value("SELECT channel || '/' || is_group FROM chats WHERE jid = 'tg:1'"), "mine/1");
}

TEST_F(MigrationTest, AddsBotFlagAndBackfillsFromAssistantPrefix) {
    legacy("CREATE TABLE chats (jid TEXT PRIMARY KEY, name TEXT, last_message_time TEXT);"
           "CREATE TABLE messages (id TEXT, chat_jid TEXT, sender TEXT, sender_name TEXT, "
           "content TEXT, timestamp TEXT, is_from_me INTEGER, PRIMARY KEY (id, chat_jid), "
           "FOREIGN KEY (chat_jid) REFERENCES chats(jid));"
           "INSERT INTO chats VALUES ('g@g.us', 'G', '2024-01-01T00:00:00.000Z');"
           "INSERT INTO messages VALUES ('1', 'g@g.us', 's', 'Claw', 'Claw: reply', "
           "'2024-01-01T00:00:01.000Z', 1);"
           "INSERT INTO messages VALUES ('2', 'g@g.us', 's', 'Bob', 'claw: lower case', "
           "'2024-01-01T00:00:02.000Z', 0);"
           "INSERT INTO messages VALUES ('3', 'g@g.us', 's', 'Bob', 'hello Claw: hi', "
           "'2024-01-01T00:00:03.000Z', 0);");
    { open("Claw"); }
    EXPECT_EQ(value("SELECT group_concat(id || '=' || is_bot_message, ',') FROM "
                    "(SELECT * FROM messages ORDER BY id)"),
              "1=1,2=1,3=0");
    // Reply columns arrived in the same run and read as NULL.
    EXPECT_EQ(value("SELECT count(*) FROM messages WHERE reply_to_message_id IS NULL "
                    "AND reply_to_message_content IS NULL AND reply_to_sender_name IS NULL"),
              "3");
    exec_sql(db_file_, "UPDATE messages SET is_bot_message = 0");
    { open("Claw"); }
    EXPECT_EQ(value("SELECT sum(is_bot_message) FROM messages"), "0");
}

TEST_F(MigrationTest, AddsContextModeAndScriptToOldTasks) {
    legacy(
        "CREATE TABLE scheduled_tasks (id TEXT PRIMARY KEY, group_folder TEXT NOT NULL, "
        "chat_jid TEXT NOT NULL, prompt TEXT NOT NULL, schedule_type TEXT NOT NULL, "
        "schedule_value TEXT NOT NULL, next_run TEXT, last_run TEXT, last_result TEXT, "
        "status TEXT DEFAULT 'active', created_at TEXT NOT NULL);"
        "INSERT INTO scheduled_tasks (id, group_folder, chat_jid, prompt, schedule_type, "
        "schedule_value, next_run, status, created_at) VALUES ('t1', 'main', 'g@g.us', 'p', "
        "'interval', '60000', '2024-01-01T00:01:00.000Z', 'active', '2024-01-01T00:00:00.000Z');");
    auto store = open();
    const auto task = store.get_task_by_id("t1");
    ASSERT_TRUE(task);
    EXPECT_EQ(task->context_mode, "isolated");
    EXPECT_EQ(task->script, std::nullopt);
    EXPECT_EQ(task->next_run, "2024-01-01T00:01:00.000Z");
    EXPECT_EQ(value("SELECT group_concat(name, ',') FROM pragma_table_info('scheduled_tasks')"),
              "id,group_folder,chat_jid,prompt,schedule_type,schedule_value,next_run,last_run,"
              "last_result,status,created_at,context_mode,script");
}

TEST_F(MigrationTest, AddsIsMainAndMarksFolderMainOnce) {
    legacy("CREATE TABLE registered_groups (jid TEXT PRIMARY KEY, name TEXT NOT NULL, "
           "folder TEXT NOT NULL UNIQUE, trigger_pattern TEXT NOT NULL, added_at TEXT NOT NULL, "
           "container_config TEXT, requires_trigger INTEGER DEFAULT 1);"
           "INSERT INTO registered_groups VALUES ('a@g.us', 'A', 'main', '@Andy', 'x', NULL, 1);"
           "INSERT INTO registered_groups VALUES ('b@g.us', 'B', 'family', '@Andy', 'x', NULL, "
           "NULL);");
    {
        auto store = open();
        const auto groups = store.get_all_registered_groups();
        EXPECT_EQ(groups.at("a@g.us").is_main, true);
        EXPECT_EQ(groups.at("b@g.us").is_main, std::nullopt);
        EXPECT_EQ(groups.at("b@g.us").requires_trigger, std::nullopt); // NULL stays "absent"
    }
    exec_sql(db_file_, "UPDATE registered_groups SET is_main = 0");
    auto store = open();
    EXPECT_EQ(store.get_all_registered_groups().at("a@g.us").is_main, std::nullopt);
}

TEST_F(MigrationTest, MissingTablesAreCreatedBesideOldOnes) {
    legacy("CREATE TABLE router_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
           "INSERT INTO router_state VALUES ('last_timestamp', '2024-01-01T00:00:00.000Z');");
    auto store = open();
    EXPECT_EQ(store.get_router_state("last_timestamp"), "2024-01-01T00:00:00.000Z");
    store.set_session("main", "s");
    EXPECT_EQ(store.get_session("main"), "s");
}

TEST_F(MigrationTest, FailedMigrationLeavesDatabaseUnchanged) {
    // A view named like a v1 table makes CREATE TABLE IF NOT EXISTS a no-op and the ALTER fail.
    legacy("CREATE VIEW scheduled_tasks AS SELECT 1 AS id;");
    const auto before = schema_text(db_file_);
    EXPECT_THROW(open(), core::FatalError);
    EXPECT_EQ(schema_text(db_file_), before);
}

} // namespace
} // namespace nanoclaw::store::testing
