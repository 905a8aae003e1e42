// SPDX-License-Identifier: MIT
// Opening a database file safely: nothing is written until the file has been proven to be a
// readable SQLite database, so a corrupt or foreign file is reported and left byte-for-byte intact.
#pragma once

#include <filesystem>
#include <string>

#include <SQLiteCpp/Database.h>

namespace nanoclaw::store::connection {

/// Opens (creating if absent) `file` and checks it can be read as SQLite; throws core::FatalError
/// "Cannot open database <file>: <reason>" otherwise. Creates the parent directory first.
SQLite::Database open_file(const std::filesystem::path& file);

/// A private in-memory database.
SQLite::Database open_memory();

/// Engine settings (foreign keys, busy timeout 5000 ms), then v1 schema + migrations in one
/// transaction, then WAL for file databases. Failures throw core::FatalError naming `label`.
void initialise(SQLite::Database& db, const std::string& label, const std::string& assistant_name,
                bool use_wal);

} // namespace nanoclaw::store::connection
