// SPDX-License-Identifier: MIT
#include "connection.hpp"

#include <algorithm>
#include <system_error>
#include <vector>

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

#include "nanoclaw/core/errors.hpp"
#include "schema.hpp"

namespace nanoclaw::store::connection {
namespace {

constexpr int k_busy_timeout_ms = 5000;

[[noreturn]] void fail(const std::string& label, std::string reason) {
    // One line, always: main prints the message as is.
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    throw core::FatalError("Cannot open database " + label + ": " + reason);
}

void create_parent(const std::filesystem::path& file) {
    const auto parent = file.parent_path();
    if (parent.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) fail(file.string(), "cannot create directory " + parent.string() + ": " + ec.message());
}

// Reading the schema makes SQLite parse the header, and touching each table's root page catches a
// truncated file: a foreign or damaged file fails here, before anything could write to it. This
// costs one page per table, so opening stays fast on a large database. One read transaction
// for all of it: SQLite would otherwise lock and unlock the file around every statement.
void probe_readable(SQLite::Database& db) {
    SQLite::Transaction reading(db);
    std::vector<std::string> tables;
    {
        SQLite::Statement list(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
        while (list.executeStep())
            tables.push_back(list.getColumn(0).getString());
    }
    for (const auto& table : tables) {
        std::string quoted = "\"";
        for (char c : table)
            quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        SQLite::Statement touch(db, "SELECT 1 FROM " + quoted + "\" LIMIT 1");
        touch.executeStep();
    }
    reading.commit();
}

} // namespace

SQLite::Database open_file(const std::filesystem::path& file) {
    create_parent(file);
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) fail(file.string(), "is a directory");
    try {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        probe_readable(db);
        return db;
    } catch (const SQLite::Exception& e) {
        fail(file.string(), e.what());
    }
}

SQLite::Database open_memory() {
    return SQLite::Database(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
}

void initialise(SQLite::Database& db, const std::string& label, const std::string& assistant_name,
                bool use_wal) {
    try {
        db.setBusyTimeout(k_busy_timeout_ms);
        db.exec("PRAGMA foreign_keys = ON");
        {
            // All or nothing: a failing migration leaves the database as it was.
            SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
            schema::apply(db, assistant_name);
            transaction.commit();
        }
        if (!use_wal) return;
        const std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
        if (mode != "wal") {
            spdlog::warn("Database {} stays in journal mode {} (WAL unavailable)", label, mode);
            return;
        }
        // In WAL mode NORMAL never corrupts and keeps every commit across a crash of this
        // process (kill -9); only an OS crash or power loss can drop the latest commits. It saves
        // an fsync per statement, which is what makes storing a message cost microseconds.
        db.exec("PRAGMA synchronous = NORMAL");
    } catch (const SQLite::Exception& e) {
        fail(label, e.what());
    }
}

} // namespace nanoclaw::store::connection
