// SPDX-License-Identifier: MIT
// Message rows (spec 10 §10.5 "Messages", §16.5 reply fields). Every read applies v1's filters:
// bot messages are hidden by flag AND by the "<prefix>:" content backstop (LIKE, so ASCII
// case-insensitive and with '%'/'_' in the prefix acting as wildcards, as in v1), and empty or
// NULL content is never returned. Cursor comparisons are strict '>' on the ISO text.
#include <algorithm>

#include <SQLiteCpp/Transaction.h>

#include "impl.hpp"

namespace nanoclaw::store {
namespace {

constexpr const char* k_insert_message = R"SQL(
INSERT OR REPLACE INTO messages (id, chat_jid, sender, sender_name, content, timestamp, is_from_me,
  is_bot_message, reply_to_message_id, reply_to_message_content, reply_to_sender_name)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))SQL";

constexpr const char* k_columns =
    "id, chat_jid, sender, sender_name, content, timestamp, is_from_me, "
    "reply_to_message_id, reply_to_message_content, reply_to_sender_name";

std::string placeholders(std::size_t count) {
    std::string list;
    for (std::size_t i = 0; i < count; ++i)
        list += i == 0 ? "?" : ",?";
    return list;
}

// The newest `limit` matches, re-sorted ascending (v1's sub-select, kept for identical ties).
std::string newest_first_sql(const std::string& where) {
    return std::string("SELECT * FROM (SELECT ") + k_columns + " FROM messages WHERE " + where +
           k_visible_to_agent + " ORDER BY timestamp DESC LIMIT ?) ORDER BY timestamp";
}

std::string in_jids(std::size_t count) {
    return "timestamp > ? AND chat_jid IN (" + placeholders(count) + ")";
}


std::vector<core::NewMessage> read_all(SQLite::Statement& rows) {
    std::vector<core::NewMessage> out;
    while (rows.executeStep())
        out.push_back(read_message(rows));
    return out;
}

/// Binds since, the jids, the bot pattern, and returns the next free index.
int bind_filters(SQLite::Statement& q, const std::vector<std::string>& jids,
                 const std::string& since, const std::string& bot_prefix) {
    int index = 1;
    q.bind(index++, since);
    for (const auto& jid : jids)
        q.bind(index++, jid);
    q.bind(index++, bot_prefix + ":%");
    return index;
}

std::string greatest_timestamp(std::string start, const std::vector<core::NewMessage>& rows) {
    for (const auto& row : rows)
        start = std::max(start, row.timestamp);
    return start;
}

} // namespace

void Store::store_message(const core::NewMessage& m) {
    guarded([&] { return "storing message " + m.id + " for chat " + m.chat_jid; },
            [&] {
                auto q = impl_->query(k_insert_message);
                bind_message(*q, m);
                q->exec();
            });
}

void Store::store_messages(std::span<const core::NewMessage> messages) {
    guarded("storing a batch of messages", [&] {
        SQLite::Transaction transaction(impl_->db);
        for (const auto& m : messages)
            store_message(m);
        transaction.commit();
    });
}

NewMessagesResult Store::get_new_messages(const std::vector<std::string>& jids,
                                          const std::string& since, const std::string& bot_prefix,
                                          int limit) {
    if (jids.empty()) return {{}, since};
    return guarded("reading new messages", [&] {
        auto q = impl_->query(newest_first_sql(in_jids(jids.size())));
        q->bind(bind_filters(*q, jids, since, bot_prefix), limit);
        NewMessagesResult result{read_all(*q), {}};
        result.new_timestamp = greatest_timestamp(since, result.messages);
        return result;
    });
}

std::vector<core::NewMessage> Store::get_messages_since(const std::string& chat_jid,
                                                        const std::string& since,
                                                        const std::string& bot_prefix, int limit) {
    return guarded("reading messages of " + chat_jid, [&] {
        auto q = impl_->query(newest_first_sql("chat_jid = ? AND timestamp > ?"));
        q->bind(1, chat_jid);
        q->bind(2, since);
        q->bind(3, bot_prefix + ":%");
        q->bind(4, limit);
        return read_all(*q);
    });
}

NewMessagesResult Store::get_new_messages_page(const std::vector<std::string>& jids,
                                               const std::string& since,
                                               const std::string& bot_prefix, int limit) {
    if (jids.empty()) return {{}, since};
    const std::string where =
        std::string(" FROM messages WHERE ") + in_jids(jids.size()) + k_visible_to_agent;
    return guarded("reading a page of new messages", [&] {
        // The page ends at the timestamp of the limit-th oldest match; every row sharing that
        // timestamp is included, so advancing the cursor to it never skips a row.
        std::optional<std::string> boundary;
        {
            auto q =
                impl_->query("SELECT timestamp" + where + " ORDER BY timestamp LIMIT 1 OFFSET ?");
            q->bind(bind_filters(*q, jids, since, bot_prefix), std::max(limit, 1) - 1);
            if (q->executeStep()) boundary = q->getColumn(0).getString();
        }
        auto q = impl_->query(std::string("SELECT ") + k_columns + where +
                              " AND timestamp <= COALESCE(?, timestamp) ORDER BY timestamp");
        bind_optional(*q, bind_filters(*q, jids, since, bot_prefix), boundary);
        NewMessagesResult result{read_all(*q), {}};
        result.new_timestamp = greatest_timestamp(since, result.messages);
        return result;
    });
}

std::optional<std::string> Store::get_last_bot_message_timestamp(const std::string& chat_jid,
                                                                 const std::string& bot_prefix) {
    return guarded("reading last bot message of " + chat_jid, [&]() -> std::optional<std::string> {
        auto q = impl_->query("SELECT MAX(timestamp) AS ts FROM messages WHERE chat_jid = ? "
                              "AND (is_bot_message = 1 OR content LIKE ?)");
        q->bind(1, chat_jid);
        q->bind(2, bot_prefix + ":%");
        if (!q->executeStep()) return std::nullopt;
        return optional_text(*q, "ts");
    });
}

void bind_message(SQLite::Statement& q, const core::NewMessage& m) {
    q.bind(1, m.id);
    q.bind(2, m.chat_jid);
    q.bind(3, m.sender);
    q.bind(4, m.sender_name);
    q.bind(5, m.content);
    q.bind(6, m.timestamp);
    q.bind(7, m.is_from_me ? 1 : 0);
    q.bind(8, m.is_bot_message ? 1 : 0);
    bind_optional(q, 9, m.reply_to_message_id);
    bind_optional(q, 10, m.reply_to_message_content);
    bind_optional(q, 11, m.reply_to_sender_name);
}

core::NewMessage read_message(SQLite::Statement& row) {
    core::NewMessage m;
    m.id = text(row, "id");
    m.chat_jid = text(row, "chat_jid");
    m.sender = text(row, "sender");
    m.sender_name = text(row, "sender_name");
    m.content = text(row, "content");
    m.timestamp = text(row, "timestamp");
    m.is_from_me = row.getColumn("is_from_me").getInt() != 0;
    m.reply_to_message_id = optional_text(row, "reply_to_message_id");
    m.reply_to_message_content = optional_text(row, "reply_to_message_content");
    m.reply_to_sender_name = optional_text(row, "reply_to_sender_name");
    return m;
}

} // namespace nanoclaw::store
