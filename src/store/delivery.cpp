// SPDX-License-Identifier: MIT
// Delivery tracking by insertion order instead of timestamps. v1 compares timestamps with a
// strict '>', so a message stored late with an equal or older timestamp was never processed
// (quirk 2). Here positions are rowids: `messages` is a rowid table and rowids only grow, and
// store_message_seq updates an existing (id, chat_jid) row in place so a re-delivered message
// keeps its position instead of looking new.
#include "impl.hpp"

namespace nanoclaw::store {
namespace {

inline constexpr AdditiveTable k_delivery_cursors_table{
    "delivery_cursors",
    "CREATE TABLE IF NOT EXISTS delivery_cursors (\n"
    "  chat_jid TEXT PRIMARY KEY,\n"
    "  seq INTEGER NOT NULL,\n"
    "  timestamp TEXT NOT NULL DEFAULT '',\n"
    "  updated_at TEXT NOT NULL\n"
    ");"};

constexpr const char* k_upsert = R"SQL(
INSERT INTO messages (id, chat_jid, sender, sender_name, content, timestamp, is_from_me,
  is_bot_message, reply_to_message_id, reply_to_message_content, reply_to_sender_name)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(id, chat_jid) DO UPDATE SET sender = excluded.sender,
  sender_name = excluded.sender_name, content = excluded.content, timestamp = excluded.timestamp,
  is_from_me = excluded.is_from_me, is_bot_message = excluded.is_bot_message,
  reply_to_message_id = excluded.reply_to_message_id,
  reply_to_message_content = excluded.reply_to_message_content,
  reply_to_sender_name = excluded.reply_to_sender_name)SQL";

// The same visibility rules as v1's message queries (bot flag, "<prefix>:" backstop, non-empty).
constexpr const char* k_visible =
    " AND is_bot_message = 0 AND content NOT LIKE ? AND content != '' AND content IS NOT NULL";

StoredMessage read_stored(SQLite::Statement& row) {
    return {row.getColumn("rowid").getInt64(), read_message(row)};
}

} // namespace

std::int64_t Store::store_message_seq(const core::NewMessage& m) {
    return guarded("storing message " + m.id + " in " + m.chat_jid, [&] {
        auto q = impl_->query(k_upsert);
        q->bind(1, m.id);
        q->bind(2, m.chat_jid);
        q->bind(3, m.sender);
        q->bind(4, m.sender_name);
        q->bind(5, m.content);
        q->bind(6, m.timestamp);
        q->bind(7, m.is_from_me ? 1 : 0);
        q->bind(8, m.is_bot_message ? 1 : 0);
        bind_optional(*q, 9, m.reply_to_message_id);
        bind_optional(*q, 10, m.reply_to_message_content);
        bind_optional(*q, 11, m.reply_to_sender_name);
        q->exec();
        auto id = impl_->query("SELECT rowid FROM messages WHERE id = ? AND chat_jid = ?");
        id->bind(1, m.id);
        id->bind(2, m.chat_jid);
        id->executeStep();
        return id->getColumn(0).getInt64();
    });
}

std::vector<StoredMessage> Store::get_messages_after_seq(const std::string& chat_jid, std::int64_t after,
                                                         const std::string& bot_prefix, int limit) {
    return guarded("reading messages of " + chat_jid, [&] {
        auto q = impl_->query(std::string("SELECT rowid, * FROM messages WHERE rowid > ? AND chat_jid = ?") +
                              k_visible + " ORDER BY rowid LIMIT ?");
        q->bind(1, after);
        q->bind(2, chat_jid);
        q->bind(3, bot_prefix + ":%");
        q->bind(4, limit);
        std::vector<StoredMessage> out;
        while (q->executeStep()) out.push_back(read_stored(*q));
        return out;
    });
}

std::int64_t Store::last_seq_at_or_before(const std::string& chat_jid, const std::string& timestamp) {
    return guarded("locating cursor of " + chat_jid, [&] {
        auto q = impl_->query("SELECT COALESCE(MAX(rowid), 0) FROM messages WHERE chat_jid = ? AND timestamp <= ?");
        q->bind(1, chat_jid);
        q->bind(2, timestamp);
        q->executeStep();
        return q->getColumn(0).getInt64();
    });
}

std::int64_t Store::seq_before_newest(const std::string& chat_jid, const std::string& bot_prefix, int count) {
    return guarded("locating recent messages of " + chat_jid, [&] {
        auto q = impl_->query(std::string("SELECT rowid FROM messages WHERE chat_jid = ?") + k_visible +
                              " ORDER BY rowid DESC LIMIT 1 OFFSET ?");
        q->bind(1, chat_jid);
        q->bind(2, bot_prefix + ":%");
        q->bind(3, count);
        return q->executeStep() ? q->getColumn(0).getInt64() : std::int64_t{0};
    });
}

std::map<std::string, DeliveryCursor> Store::get_delivery_cursors() {
    return guarded("reading delivery cursors", [&] {
        std::map<std::string, DeliveryCursor> out;
        if (!impl_->has_table(k_delivery_cursors_table)) return out;
        auto q = impl_->query("SELECT chat_jid, seq, timestamp FROM delivery_cursors");
        while (q->executeStep()) {
            out[q->getColumn(0).getString()] = {q->getColumn(1).getInt64(), q->getColumn(2).getString()};
        }
        return out;
    });
}

void Store::set_delivery_cursor(const std::string& chat_jid, std::int64_t seq, const std::string& timestamp) {
    guarded("saving delivery cursor of " + chat_jid, [&] {
        impl_->ensure_table(k_delivery_cursors_table);
        auto q = impl_->query(
            "INSERT INTO delivery_cursors (chat_jid, seq, timestamp, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(chat_jid) DO UPDATE SET seq = excluded.seq, timestamp = excluded.timestamp, "
            "updated_at = excluded.updated_at");
        q->bind(1, chat_jid);
        q->bind(2, seq);
        q->bind(3, timestamp);
        q->bind(4, impl_->now_iso());
        q->exec();
    });
}

} // namespace nanoclaw::store
