// SPDX-License-Identifier: MIT
// Shared helpers for the store tests: stores on a ManualClock, message builders, raw SQL access.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "manual_clock.hpp"
#include "nanoclaw/store/store.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::store::testing {

using nanoclaw::testing::ManualClock;
using nanoclaw::testing::TempDir;

/// A message with v1 test defaults (is_from_me false, not a bot message).
core::NewMessage message(std::string id, std::string chat_jid, std::string content,
                         std::string timestamp, std::string sender_name = "Alice");

/// `sqlite_master` as "type|name|tbl_name|sql\n--\n" rows ordered by type, name (NULL sql as
/// "NULL"), the shape of tests/fixtures/store/v1_fresh_schema.txt.
std::string schema_text(const std::filesystem::path& db_file);

/// Runs `sql` (several statements allowed) on the database file with a plain connection.
void exec_sql(const std::filesystem::path& db_file, const std::string& sql);

/// First column of the first row of `sql`, as text ("NULL" for NULL).
std::string query_text(const std::filesystem::path& db_file, const std::string& sql);

/// Reads a fixture from tests/fixtures/store.
std::string fixture(const std::string& name);

/// Fixture for tests that use a fresh in-memory store with the default assistant name.
class MemoryStoreTest : public ::testing::Test {
  protected:
    ManualClock clock_;
    Store store_ = Store::open_in_memory(StoreOptions{clock_});

    /// storeChatMetadata(jid, 2024-01-01T00:00:00.000Z), as v1's tests do before storing.
    void add_chat(const std::string& jid) {
        store_.store_chat_metadata(jid, "2024-01-01T00:00:00.000Z");
    }
};

} // namespace nanoclaw::store::testing
