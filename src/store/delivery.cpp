// SPDX-License-Identifier: MIT
// Delivery tracking by insertion order instead of timestamps. v1 compares timestamps with a
// strict '>', so a message stored late with an equal or older timestamp was never processed
// (quirk 2). Here positions are rowids: `messages` is a rowid table and rowids only grow, and
// store_message_seq updates an existing (id, chat_jid) row in place so a re-delivered message
// keeps its position instead of looking new.
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "impl.hpp"

namespace nanoclaw::store {
namespace {

// Stored as one JSON value in v1's own router_state table (key below), next to v1's cursors, so
// the schema stays exactly v1's: {"<jid>": {"seq": n, "ts": "<ISO>"}, ...}.
constexpr const char* k_cursor_key = "delivery_cursors";

constexpr const char* k_upsert_delivery = R"SQL(
INSERT INTO messages (id, chat_jid, sender, sender_name, content, timestamp, is_from_me,
  is_bot_message, reply_to_message_id, reply_to_message_content, reply_to_sender_name)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(id, chat_jid) DO UPDATE SET sender = excluded.sender,
  sender_name = excluded.sender_name, content = excluded.content, timestamp = excluded.timestamp,
  is_from_me = excluded.is_from_me, is_bot_message = excluded.is_bot_message,
  reply_to_message_id = excluded.reply_to_message_id,
  reply_to_message_content = excluded.reply_to_message_content,
  reply_to_sender_name = excluded.reply_to_sender_name)SQL";

StoredMessage read_stored(SQLite::Statement& row) {
    return {row.getColumn("rowid").getInt64(), read_message(row)};
}

} // namespace

std::int64_t Store::store_message_seq(const core::NewMessage& m,
                                      const std::optional<StateUpdate>& state) {
    return guarded("storing message " + m.id + " in " + m.chat_jid, [&] {
        SQLite::Transaction transaction(impl_->db);
        auto q = impl_->query(k_upsert_delivery);
        bind_message(*q, m);
        q->exec();
        auto id = impl_->query("SELECT rowid FROM messages WHERE id = ? AND chat_jid = ?");
        id->bind(1, m.id);
        id->bind(2, m.chat_jid);
        id->executeStep();
        const auto seq = id->getColumn(0).getInt64();
        id->reset();
        if (state) impl_->put_router_state(state->key, state->value);
        transaction.commit();
        return seq;
    });
}

std::vector<StoredMessage> Store::get_messages_after_seq(const std::string& chat_jid,
                                                         std::int64_t after,
                                                         const std::string& bot_prefix, int limit) {
    return guarded("reading messages of " + chat_jid, [&] {
        auto q = impl_->query(
            std::string("SELECT rowid, * FROM messages WHERE rowid > ? AND chat_jid = ?") +
            k_visible_to_agent + " ORDER BY rowid LIMIT ?");
        q->bind(1, after);
        q->bind(2, chat_jid);
        q->bind(3, bot_prefix + ":%");
        q->bind(4, limit);
        std::vector<StoredMessage> out;
        while (q->executeStep())
            out.push_back(read_stored(*q));
        return out;
    });
}

std::int64_t Store::last_seq_at_or_before(const std::string& chat_jid,
                                          const std::string& timestamp) {
    return guarded("locating cursor of " + chat_jid, [&] {
        auto q = impl_->query(
            "SELECT COALESCE(MAX(rowid), 0) FROM messages WHERE chat_jid = ? AND timestamp <= ?");
        q->bind(1, chat_jid);
        q->bind(2, timestamp);
        q->executeStep();
        return q->getColumn(0).getInt64();
    });
}

std::int64_t Store::seq_before_newest(const std::string& chat_jid, const std::string& bot_prefix,
                                      int count) {
    return guarded("locating recent messages of " + chat_jid, [&] {
        auto q = impl_->query(std::string("SELECT rowid FROM messages WHERE chat_jid = ?") +
                              k_visible_to_agent + " ORDER BY rowid DESC LIMIT 1 OFFSET ?");
        q->bind(1, chat_jid);
        q->bind(2, bot_prefix + ":%");
        q->bind(3, count);
        return q->executeStep() ? q->getColumn(0).getInt64() : std::int64_t{0};
    });
}

std::map<std::string, DeliveryCursor> Store::get_delivery_cursors() {
    std::map<std::string, DeliveryCursor> out;
    const auto text = get_router_state(k_cursor_key);
    if (!text) return out;
    const auto parsed = nlohmann::json::parse(*text, nullptr, false);
    if (!parsed.is_object()) {
        spdlog::warn("router_state {} is corrupt; delivery positions are recovered", k_cursor_key);
        return out;
    }
    for (const auto& [jid, cursor] : parsed.items()) {
        if (!cursor.is_object() || !cursor.contains("seq") || !cursor["seq"].is_number_integer())
            continue;
        out[jid] = {cursor["seq"].get<std::int64_t>(), cursor.value("ts", std::string())};
    }
    return out;
}

void Store::save_delivery_cursors(const std::map<std::string, DeliveryCursor>& cursors) {
    nlohmann::json all = nlohmann::json::object();
    for (const auto& [jid, c] : cursors)
        all[jid] = {{"seq", c.seq}, {"ts", c.timestamp}};
    set_router_state(k_cursor_key, all.dump());
}

void Store::set_delivery_cursor(const std::string& chat_jid, std::int64_t seq,
                                const std::string& timestamp) {
    auto all = get_delivery_cursors();
    all[chat_jid] = {seq, timestamp};
    save_delivery_cursors(all);
}

} // namespace nanoclaw::store
