// SPDX-License-Identifier: MIT
// Opening, the shared Impl helpers, and the lazy additive-table mechanism. Queries live in
// chats.cpp, messages.cpp, tasks.cpp, state.cpp, groups.cpp, usage.cpp; the JSON import in
// json_import.cpp.
#include "impl.hpp"

#include <sqlite3.h>

#include "nanoclaw/core/iso_time.hpp"
#include "connection.hpp"

namespace nanoclaw::store {

Store Store::open(const std::filesystem::path& db_file, const StoreOptions& options) {
    auto db = connection::open_file(db_file);
    connection::initialise(db, db_file.string(), options.assistant_name, /*use_wal=*/true);
    Store store(std::make_unique<Impl>(std::move(db), options));
    if (options.data_dir) store.import_legacy_json(*options.data_dir);
    return store;
}

Store Store::open_in_memory(const StoreOptions& options) {
    auto db = connection::open_memory();
    connection::initialise(db, ":memory:", options.assistant_name, /*use_wal=*/false);
    return Store(std::make_unique<Impl>(std::move(db), options));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Query Store::Impl::query(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        std::string key(sql);
        it = statements_.try_emplace(key, db, key).first;
    }
    return Query(it->second);
}

std::string Store::Impl::now_iso() const {
    return core::format_iso(clock.now());
}

void Store::Impl::put_router_state(const std::string& key, const std::string& value) {
    auto q = query("INSERT OR REPLACE INTO router_state (key, value) VALUES (?, ?)");
    q->bind(1, key);
    q->bind(2, value);
    q->exec();
}

void Store::Impl::ensure_table(const AdditiveTable& table) {
    if (known_tables_.count(table.name) != 0) return;
    db.exec(table.create_sql);
    known_tables_.insert(table.name);
}

bool Store::Impl::has_table(const AdditiveTable& table) {
    if (known_tables_.count(table.name) != 0) return true;
    if (!db.tableExists(table.name)) return false;
    known_tables_.insert(table.name);
    return true;
}

bool is_transient_sqlite_error(int code) {
    switch (code & 0xff) { // the primary code of an extended one
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_IOERR:
    case SQLITE_FULL:
        return true;
    default:
        return false;
    }
}

void bind_optional(SQLite::Statement& statement, int index,
                   const std::optional<std::string>& value) {
    if (value) {
        statement.bind(index, *value);
    } else {
        statement.bind(index);
    }
}

std::optional<std::string> optional_text(SQLite::Statement& statement, const char* column) {
    auto value = statement.getColumn(column);
    if (value.isNull()) return std::nullopt;
    return value.getString();
}

std::string text(SQLite::Statement& statement, const char* column) {
    return statement.getColumn(column).getString();
}

} // namespace nanoclaw::store
