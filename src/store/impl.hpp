// SPDX-License-Identifier: MIT
// Private state of store::Store: the connection, the prepared-statement cache and the helpers the
// query files share. Only src/store includes this (SQLiteCpp stays out of public headers).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <functional>
#include <unordered_map>
#include <utility>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include "nanoclaw/store/store.hpp"
#include "additive_tables.hpp"

namespace nanoclaw::store {

/// The WHERE clause tail that keeps only messages an agent may see, as v1's message queries do:
/// not from the bot, not starting with the "<prefix>:" backstop (bound as `?`), not empty.
inline constexpr const char* k_visible_to_agent =
    " AND is_bot_message = 0 AND content NOT LIKE ? AND content != '' AND content IS NOT NULL";

/// A cached statement borrowed for one use; reset on scope exit so an early return or exception
/// never leaves it mid-step (which would pin a read snapshot and block WAL checkpoints).
class Query {
  public:
    explicit Query(SQLite::Statement& statement) : statement_(statement) {}
    ~Query() { statement_.tryReset(); }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    SQLite::Statement* operator->() { return &statement_; }
    SQLite::Statement& operator*() { return statement_; }

  private:
    SQLite::Statement& statement_;
};

struct Store::Impl {
    Impl(SQLite::Database database, const StoreOptions& options)
        : db(std::move(database)), clock(options.clock), assistant_name(options.assistant_name) {}

    SQLite::Database db;
    const core::Clock& clock;
    std::string assistant_name;

    /// The prepared statement for `sql`, compiled on first use and kept for the Store's life.
    Query query(std::string_view sql);
    /// Canonical ISO text of the clock's now.
    std::string now_iso() const;
    /// router_state[key] = value (inside whatever transaction the caller holds).
    void put_router_state(const std::string& key, const std::string& value);

    /// Creates an additive table (and its indexes) unless this connection already knows it exists.
    void ensure_table(const AdditiveTable& table);
    /// True when the additive table exists (reads of a never-written table return nothing).
    bool has_table(const AdditiveTable& table);

  private:
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    // Keyed by the SQL text; transparent lookup avoids building a std::string per query.
    std::unordered_map<std::string, SQLite::Statement, TextHash, std::equal_to<>> statements_;
    std::set<std::string> known_tables_;
};

/// SQLITE_BUSY, LOCKED, NOMEM, IOERR, FULL (primary codes): conditions that pass.
bool is_transient_sqlite_error(int code);

/// Runs `body`, turning SQLite failures into StoreError("<what>: <sqlite reason>"). `what` is text
/// or a callable producing it, so hot paths only build the description when something failed.
template <typename What, typename Body> decltype(auto) guarded(What&& what, Body&& body) {
    try {
        return std::forward<Body>(body)();
    } catch (const SQLite::Exception& e) {
        const bool transient = is_transient_sqlite_error(e.getErrorCode());
        if constexpr (std::is_invocable_v<What>) {
            throw StoreError(std::string(what()) + ": " + e.what(), transient);
        } else {
            throw StoreError(std::string(what) + ": " + e.what(), transient);
        }
    }
}

/// Binds text or NULL.
void bind_optional(SQLite::Statement& statement, int index,
                   const std::optional<std::string>& value);
/// Reads a column as text, NULL -> nullopt.
std::optional<std::string> optional_text(SQLite::Statement& statement, const char* column);
/// Binds the 11 message columns (id .. reply_to_sender_name) in insert order.
void bind_message(SQLite::Statement& statement, const core::NewMessage& message);
/// A message row (the columns of v1's message queries) as a NewMessage.
core::NewMessage read_message(SQLite::Statement& row);
/// Reads a column as text, NULL -> "".
std::string text(SQLite::Statement& statement, const char* column);

} // namespace nanoclaw::store
