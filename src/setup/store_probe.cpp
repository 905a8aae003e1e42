// SPDX-License-Identifier: MIT
#include "store_probe.hpp"

#include <stdexcept>

#include <SQLiteCpp/SQLiteCpp.h>

namespace nanoclaw::setup {
namespace {

// Opened read-only and without creating the file: a root that has none stays without one.
SQLite::Database open_read_only(const std::filesystem::path& db_file) {
    if (!std::filesystem::exists(db_file)) throw std::runtime_error("database not found");
    return SQLite::Database(db_file.string(), SQLite::OPEN_READONLY);
}

} // namespace

std::optional<std::int64_t> registered_group_count(const std::filesystem::path& db_file) {
    try {
        auto db = open_read_only(db_file);
        SQLite::Statement q(db, "SELECT COUNT(*) FROM registered_groups");
        if (q.executeStep()) return q.getColumn(0).getInt64();
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> named_whatsapp_groups(const std::filesystem::path& db_file,
                                                                      std::int64_t limit) {
    auto db = open_read_only(db_file);
    SQLite::Statement q(db, "SELECT jid, name FROM chats WHERE jid LIKE '%@g.us' AND jid <> '__group_sync__' "
                            "AND name <> jid ORDER BY last_message_time DESC LIMIT ?");
    q.bind(1, limit);
    std::vector<std::pair<std::string, std::string>> rows;
    while (q.executeStep())
        rows.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    return rows;
}

std::int64_t whatsapp_group_count(const std::filesystem::path& db_file) {
    try {
        auto db = open_read_only(db_file);
        SQLite::Statement q(db, "SELECT COUNT(*) FROM chats WHERE jid LIKE '%@g.us' AND jid <> '__group_sync__'");
        if (q.executeStep()) return q.getColumn(0).getInt64();
    } catch (const std::exception&) {
    }
    return 0;
}

bool non_empty_directory(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return false;
    return std::filesystem::directory_iterator(dir, ec) != std::filesystem::directory_iterator();
}

} // namespace nanoclaw::setup
