// SPDX-License-Identifier: MIT
// Chat metadata (spec 10 §10.5 "Chats"): every chat a channel has seen, without message content.
#include "impl.hpp"

namespace nanoclaw::store {
namespace {

// SQLite's two-argument MAX is NULL when either side is NULL; v1 relies on that as is.
constexpr const char* k_upsert_named = R"SQL(
INSERT INTO chats (jid, name, last_message_time, channel, is_group) VALUES (?, ?, ?, ?, ?)
ON CONFLICT(jid) DO UPDATE SET
  name = excluded.name,
  last_message_time = MAX(last_message_time, excluded.last_message_time),
  channel = COALESCE(excluded.channel, channel),
  is_group = COALESCE(excluded.is_group, is_group))SQL";

constexpr const char* k_upsert_unnamed = R"SQL(
INSERT INTO chats (jid, name, last_message_time, channel, is_group) VALUES (?, ?, ?, ?, ?)
ON CONFLICT(jid) DO UPDATE SET
  last_message_time = MAX(last_message_time, excluded.last_message_time),
  channel = COALESCE(excluded.channel, channel),
  is_group = COALESCE(excluded.is_group, is_group))SQL";

constexpr const char* k_update_name = R"SQL(
INSERT INTO chats (jid, name, last_message_time) VALUES (?, ?, ?)
ON CONFLICT(jid) DO UPDATE SET name = excluded.name)SQL";

constexpr const char* k_all_chats =
    "SELECT jid, name, last_message_time, channel, is_group FROM chats "
    "ORDER BY last_message_time DESC";

} // namespace

void Store::store_chat_metadata(const std::string& jid, const std::string& timestamp,
                                const std::optional<std::string>& name,
                                const std::optional<std::string>& channel,
                                std::optional<bool> is_group) {
    guarded("storing chat metadata for " + jid, [&] {
        // v1 tests the name for JavaScript truthiness: an empty name counts as absent.
        const bool named = name && !name->empty();
        auto q = impl_->query(named ? k_upsert_named : k_upsert_unnamed);
        q->bind(1, jid);
        q->bind(2, named ? *name : jid);
        q->bind(3, timestamp);
        bind_optional(*q, 4, channel);
        if (is_group) {
            q->bind(5, *is_group ? 1 : 0);
        } else {
            q->bind(5);
        }
        q->exec();
    });
}

void Store::update_chat_name(const std::string& jid, const std::string& name) {
    guarded("updating chat name for " + jid, [&] {
        auto q = impl_->query(k_update_name);
        q->bind(1, jid);
        q->bind(2, name);
        q->bind(3, impl_->now_iso());
        q->exec();
    });
}

std::vector<ChatInfo> Store::get_all_chats() {
    return guarded("listing chats", [&] {
        std::vector<ChatInfo> chats;
        auto q = impl_->query(k_all_chats);
        while (q->executeStep()) {
            ChatInfo chat;
            chat.jid = text(*q, "jid");
            chat.name = optional_text(*q, "name");
            chat.last_message_time = optional_text(*q, "last_message_time");
            chat.channel = optional_text(*q, "channel");
            if (auto kind = q->getColumn("is_group"); !kind.isNull()) chat.is_group = kind.getInt();
            chats.push_back(std::move(chat));
        }
        return chats;
    });
}

std::optional<std::string> Store::get_last_group_sync() {
    return guarded("reading last group sync", [&]() -> std::optional<std::string> {
        auto q = impl_->query("SELECT last_message_time FROM chats WHERE jid = ?");
        q->bind(1, k_group_sync_jid);
        if (!q->executeStep()) return std::nullopt;
        auto time = optional_text(*q, "last_message_time");
        // v1 maps an empty time to "never synced" too.
        if (time && time->empty()) return std::nullopt;
        return time;
    });
}

void Store::set_last_group_sync() {
    guarded("recording group sync", [&] {
        auto q = impl_->query(
            "INSERT OR REPLACE INTO chats (jid, name, last_message_time) VALUES (?, ?, ?)");
        q->bind(1, k_group_sync_jid);
        q->bind(2, k_group_sync_jid);
        q->bind(3, impl_->now_iso());
        q->exec();
    });
}

} // namespace nanoclaw::store
