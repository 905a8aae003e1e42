// SPDX-License-Identifier: MIT
// Router cursors and agent sessions (spec 10 §10.5 "Router state and sessions", §16.5).
#include "impl.hpp"

namespace nanoclaw::store {
namespace {

std::optional<std::string> single_text(Query& q) {
    if (!q->executeStep()) return std::nullopt;
    return q->getColumn(0).getString();
}

} // namespace

std::optional<std::string> Store::get_router_state(const std::string& key) {
    return guarded("reading router state " + key, [&] {
        auto q = impl_->query("SELECT value FROM router_state WHERE key = ?");
        q->bind(1, key);
        return single_text(q);
    });
}

void Store::set_router_state(const std::string& key, const std::string& value) {
    guarded("writing router state " + key, [&] { impl_->put_router_state(key, value); });
}

std::optional<std::string> Store::get_session(const std::string& folder) {
    return guarded("reading session of " + folder, [&] {
        auto q = impl_->query("SELECT session_id FROM sessions WHERE group_folder = ?");
        q->bind(1, folder);
        return single_text(q);
    });
}

void Store::set_session(const std::string& folder, const std::string& session_id) {
    guarded("writing session of " + folder, [&] {
        auto q = impl_->query(
            "INSERT OR REPLACE INTO sessions (group_folder, session_id) VALUES (?, ?)");
        q->bind(1, folder);
        q->bind(2, session_id);
        q->exec();
    });
}

void Store::delete_session(const std::string& folder) {
    guarded("deleting session of " + folder, [&] {
        auto q = impl_->query("DELETE FROM sessions WHERE group_folder = ?");
        q->bind(1, folder);
        q->exec();
    });
}

std::map<std::string, std::string> Store::get_all_sessions() {
    return guarded("listing sessions", [&] {
        std::map<std::string, std::string> sessions;
        auto q = impl_->query("SELECT group_folder, session_id FROM sessions");
        while (q->executeStep()) {
            sessions[q->getColumn(0).getString()] = q->getColumn(1).getString();
        }
        return sessions;
    });
}

} // namespace nanoclaw::store
