// SPDX-License-Identifier: MIT
#include "schema.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include <SQLiteCpp/Statement.h>

namespace nanoclaw::store::schema {
namespace {

// v1's CREATE statements, byte for byte including indentation: SQLite stores each statement's
// text in sqlite_master and ALTER TABLE edits that text, so any whitespace difference would make
// our fresh schema differ from v1's (tests compare it with tests/fixtures/store).
constexpr const char* k_create_v1_tables = R"SQL(
    CREATE TABLE IF NOT EXISTS chats (
      jid TEXT PRIMARY KEY,
      name TEXT,
      last_message_time TEXT,
      channel TEXT,
      is_group INTEGER DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS messages (
      id TEXT,
      chat_jid TEXT,
      sender TEXT,
      sender_name TEXT,
      content TEXT,
      timestamp TEXT,
      is_from_me INTEGER,
      is_bot_message INTEGER DEFAULT 0,
      PRIMARY KEY (id, chat_jid),
      FOREIGN KEY (chat_jid) REFERENCES chats(jid)
    );
    CREATE INDEX IF NOT EXISTS idx_timestamp ON messages(timestamp);

    CREATE TABLE IF NOT EXISTS scheduled_tasks (
      id TEXT PRIMARY KEY,
      group_folder TEXT NOT NULL,
      chat_jid TEXT NOT NULL,
      prompt TEXT NOT NULL,
      schedule_type TEXT NOT NULL,
      schedule_value TEXT NOT NULL,
      next_run TEXT,
      last_run TEXT,
      last_result TEXT,
      status TEXT DEFAULT 'active',
      created_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS idx_next_run ON scheduled_tasks(next_run);
    CREATE INDEX IF NOT EXISTS idx_status ON scheduled_tasks(status);

    CREATE TABLE IF NOT EXISTS task_run_logs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      task_id TEXT NOT NULL,
      run_at TEXT NOT NULL,
      duration_ms INTEGER NOT NULL,
      status TEXT NOT NULL,
      result TEXT,
      error TEXT,
      FOREIGN KEY (task_id) REFERENCES scheduled_tasks(id)
    );
    CREATE INDEX IF NOT EXISTS idx_task_run_logs ON task_run_logs(task_id, run_at);

    CREATE TABLE IF NOT EXISTS router_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS sessions (
      group_folder TEXT PRIMARY KEY,
      session_id TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS registered_groups (
      jid TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      folder TEXT NOT NULL UNIQUE,
      trigger_pattern TEXT NOT NULL,
      added_at TEXT NOT NULL,
      container_config TEXT,
      requires_trigger INTEGER DEFAULT 1
    );
)SQL";

struct ColumnAdd {
    const char* table;
    const char* name;
    const char* definition; ///< text after the name, exactly as v1 wrote it
};

bool iequals(const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

/// One v1 migration step: ALTERs in order, stopping at the first column that already exists
/// (v1's failing ALTER aborted the rest of its step). True iff every column was added, which is
/// exactly when v1 ran the step's backfill.
bool add_columns(SQLite::Database& db, std::initializer_list<ColumnAdd> columns) {
    for (const auto& column : columns) {
        if (has_column(db, column.table, column.name)) return false;
        db.exec(std::string("ALTER TABLE ") + column.table + " ADD COLUMN " + column.name + " " +
                column.definition);
    }
    return true;
}

void backfill_bot_messages(SQLite::Database& db, const std::string& assistant_name) {
    SQLite::Statement update(db, "UPDATE messages SET is_bot_message = 1 WHERE content LIKE ?");
    update.bind(1, assistant_name + ":%");
    update.exec();
}

// Chats seen before the channel columns existed: infer channel and kind from the JID shape.
// Telegram chats default to direct messages (later v1 changed this from groups).
void backfill_chat_channels(SQLite::Database& db) {
    db.exec("UPDATE chats SET channel = 'whatsapp', is_group = 1 WHERE jid LIKE '%@g.us'");
    db.exec(
        "UPDATE chats SET channel = 'whatsapp', is_group = 0 WHERE jid LIKE '%@s.whatsapp.net'");
    db.exec("UPDATE chats SET channel = 'discord', is_group = 1 WHERE jid LIKE 'dc:%'");
    db.exec("UPDATE chats SET channel = 'telegram', is_group = 0 WHERE jid LIKE 'tg:%'");
}

} // namespace

bool has_column(SQLite::Database& db, const std::string& table, const std::string& column) {
    SQLite::Statement info(db, "SELECT name FROM pragma_table_info(?)");
    info.bind(1, table);
    while (info.executeStep()) {
        if (iequals(info.getColumn(0).getString(), column)) return true;
    }
    return false;
}

void apply(SQLite::Database& db, const std::string& assistant_name) {
    db.exec(k_create_v1_tables);
    add_columns(db, {{"scheduled_tasks", "context_mode", "TEXT DEFAULT 'isolated'"}});
    add_columns(db, {{"scheduled_tasks", "script", "TEXT"}});
    if (add_columns(db, {{"messages", "is_bot_message", "INTEGER DEFAULT 0"}})) {
        backfill_bot_messages(db, assistant_name);
    }
    if (add_columns(db, {{"registered_groups", "is_main", "INTEGER DEFAULT 0"}})) {
        db.exec("UPDATE registered_groups SET is_main = 1 WHERE folder = 'main'");
    }
    if (add_columns(db,
                    {{"chats", "channel", "TEXT"}, {"chats", "is_group", "INTEGER DEFAULT 0"}})) {
        backfill_chat_channels(db);
    }
    add_columns(db, {{"messages", "reply_to_message_id", "TEXT"},
                     {"messages", "reply_to_message_content", "TEXT"},
                     {"messages", "reply_to_sender_name", "TEXT"}});
}

} // namespace nanoclaw::store::schema
