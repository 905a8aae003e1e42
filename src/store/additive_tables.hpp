// SPDX-License-Identifier: MIT
// Tables that are ours, not v1's. They must not appear in a fresh database (the schema has to stay
// byte-identical to v1's), so each is created lazily, on its first write, with IF NOT EXISTS.
// To add one: declare an AdditiveTable here, call Impl::ensure_table before writing and
// Impl::has_table before reading (a missing table reads as empty).
#pragma once

namespace nanoclaw::store {

struct AdditiveTable {
    const char* name;
    /// One or more "IF NOT EXISTS" statements: the table, then its indexes.
    const char* create_sql;
};

inline constexpr AdditiveTable k_token_usage_table{
    "token_usage",
    "CREATE TABLE IF NOT EXISTS token_usage (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  recorded_at TEXT NOT NULL,\n"
    "  group_folder TEXT NOT NULL,\n"
    "  model TEXT,\n"
    "  input_tokens INTEGER NOT NULL DEFAULT 0,\n"
    "  output_tokens INTEGER NOT NULL DEFAULT 0,\n"
    "  cache_creation_input_tokens INTEGER NOT NULL DEFAULT 0,\n"
    "  cache_read_input_tokens INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS idx_token_usage_group ON token_usage(group_folder, recorded_at);"};

inline constexpr AdditiveTable k_outbox_table{
    "outbox",
    "CREATE TABLE IF NOT EXISTS outbox (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  channel TEXT NOT NULL,\n"
    "  jid TEXT NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  sent_parts INTEGER NOT NULL DEFAULT 0,\n"
    "  attempts INTEGER NOT NULL DEFAULT 0,\n"
    "  created_at TEXT NOT NULL,\n"
    "  last_error TEXT\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS idx_outbox_channel ON outbox(channel, id);"};

} // namespace nanoclaw::store
