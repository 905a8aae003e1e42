// SPDX-License-Identifier: MIT
// v1's schema and its additive migrations (spec 10 §10.1, §10.2, §16.5).
#pragma once

#include <string>

#include <SQLiteCpp/Database.h>

namespace nanoclaw::store::schema {

/// Creates every v1 table and index that is missing, then runs v1's migrations in v1's order:
/// each adds its column(s) only when missing and backfills only on the run that added them.
/// The caller wraps this in a transaction; SQLite errors propagate.
void apply(SQLite::Database& db, const std::string& assistant_name);

/// True when `table` has a column named `column` (case-insensitive, like SQLite).
bool has_column(SQLite::Database& db, const std::string& table, const std::string& column);

} // namespace nanoclaw::store::schema
