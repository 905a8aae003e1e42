// SPDX-License-Identifier: MIT
#include "store_test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace nanoclaw::store::testing {

core::NewMessage message(std::string id, std::string chat_jid, std::string content,
                         std::string timestamp, std::string sender_name) {
    core::NewMessage m;
    m.id = std::move(id);
    m.chat_jid = std::move(chat_jid);
    m.sender = "123@s.whatsapp.net";
    m.sender_name = std::move(sender_name);
    m.content = std::move(content);
    m.timestamp = std::move(timestamp);
    return m;
}

std::string schema_text(const std::filesystem::path& db_file) {
    SQLite::Database db(db_file.string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db,
                        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
    std::string out;
    while (q.executeStep()) {
        const auto sql = q.getColumn(3);
        out += q.getColumn(0).getString() + "|" + q.getColumn(1).getString() + "|" +
               q.getColumn(2).getString() + "|" + (sql.isNull() ? "NULL" : sql.getString()) +
               "\n--\n";
    }
    return out;
}

void exec_sql(const std::filesystem::path& db_file, const std::string& sql) {
    SQLite::Database db(db_file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(sql);
}

std::string query_text(const std::filesystem::path& db_file, const std::string& sql) {
    SQLite::Database db(db_file.string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, sql);
    if (!q.executeStep()) return "<no row>";
    return q.getColumn(0).isNull() ? "NULL" : q.getColumn(0).getString();
}

std::string fixture(const std::string& name) {
    const auto text = TempDir::read(std::filesystem::path(NANOCLAW_STORE_FIXTURES) / name);
    if (text.empty()) ADD_FAILURE() << "missing fixture " << name;
    return text;
}

} // namespace nanoclaw::store::testing
