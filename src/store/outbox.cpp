// SPDX-License-Identifier: MIT
// The channel outbox: replies a channel accepted and must deliver, kept until delivered so a crash
// or an outage of the chat's API never loses one. Additive table (see additive_tables.hpp).
#include "impl.hpp"

namespace nanoclaw::store {

std::int64_t Store::outbox_add(const std::string& channel, const std::string& jid,
                               const std::string& text) {
    return guarded("queueing an outbound message for " + jid, [&] {
        impl_->ensure_table(k_outbox_table);
        auto q = impl_->query("INSERT INTO outbox (channel, jid, text, created_at) VALUES (?, ?, ?, ?)");
        q->bind(1, channel);
        q->bind(2, jid);
        q->bind(3, text);
        q->bind(4, impl_->now_iso());
        q->exec();
        return impl_->db.getLastInsertRowid();
    });
}

std::vector<OutboxEntry> Store::outbox_pending(const std::string& channel) {
    return guarded("reading the outbox", [&] {
        std::vector<OutboxEntry> out;
        if (!impl_->has_table(k_outbox_table)) return out;
        auto q = impl_->query("SELECT id, channel, jid, text, sent_parts, attempts, created_at, "
                              "last_error FROM outbox WHERE channel = ? ORDER BY id");
        q->bind(1, channel);
        while (q->executeStep()) {
            OutboxEntry e;
            e.id = q->getColumn(0).getInt64();
            e.channel = q->getColumn(1).getString();
            e.jid = q->getColumn(2).getString();
            e.text = q->getColumn(3).getString();
            e.sent_parts = q->getColumn(4).getInt();
            e.attempts = q->getColumn(5).getInt();
            e.created_at = q->getColumn(6).getString();
            if (!q->getColumn(7).isNull()) e.last_error = q->getColumn(7).getString();
            out.push_back(std::move(e));
        }
        return out;
    });
}

void Store::outbox_progress(std::int64_t id, int sent_parts) {
    guarded("recording outbox progress", [&] {
        if (!impl_->has_table(k_outbox_table)) return;
        auto q = impl_->query("UPDATE outbox SET sent_parts = ? WHERE id = ?");
        q->bind(1, sent_parts);
        q->bind(2, id);
        q->exec();
    });
}

void Store::outbox_failed_attempt(std::int64_t id, const std::string& error) {
    guarded("recording an outbox failure", [&] {
        if (!impl_->has_table(k_outbox_table)) return;
        auto q = impl_->query("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?");
        q->bind(1, error);
        q->bind(2, id);
        q->exec();
    });
}

void Store::outbox_remove(std::int64_t id) {
    guarded("removing an outbox entry", [&] {
        if (!impl_->has_table(k_outbox_table)) return;
        auto q = impl_->query("DELETE FROM outbox WHERE id = ?");
        q->bind(1, id);
        q->exec();
    });
}

} // namespace nanoclaw::store
