// SPDX-License-Identifier: MIT
#include "agent_cursors.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace nanoclaw::daemon {

AgentCursors::AgentCursors(store::Store& store, std::string bot_prefix, int recovery_window)
    : store_(store), bot_prefix_(std::move(bot_prefix)), recovery_window_(recovery_window) {}

void AgentCursors::load(const std::vector<std::string>& jids) {
    v1_cursors_.clear();
    if (auto text = store_.get_router_state("last_agent_timestamp")) {
        try {
            const auto parsed = nlohmann::json::parse(*text); // items() must not outlive it
            if (!parsed.is_object()) throw nlohmann::json::type_error::create(302, "not an object", nullptr);
            for (const auto& [jid, ts] : parsed.items()) {
                if (ts.is_string()) v1_cursors_[jid] = ts.get<std::string>();
            }
        } catch (const nlohmann::json::exception&) {
            spdlog::warn("router_state last_agent_timestamp is corrupt; recovering cursors");
        }
    }
    const auto saved = store_.get_delivery_cursors();
    bool recovered = false;
    for (const auto& jid : jids) {
        Position p;
        if (auto it = saved.find(jid); it != saved.end()) {
            p = {it->second.seq, it->second.timestamp};
        } else {
            p = recover(jid, v1_cursors_);
            recovered = true;
        }
        committed_[jid] = p;
        dispatched_[jid] = p;
    }
    // A recovered position is saved at once: recovery (which may skip an old backlog) must
    // happen once per chat, never again after a crash that left newer messages unanswered.
    if (recovered) save_committed();
}

void AgentCursors::save_committed() {
    std::map<std::string, store::DeliveryCursor> all;
    for (const auto& [jid, p] : committed_) all[jid] = {p.seq, p.ts};
    store_.save_delivery_cursors(all);
}

AgentCursors::Position AgentCursors::recover(const std::string& jid,
                                             const std::map<std::string, std::string>& v1) {
    std::optional<std::string> ts;
    if (auto it = v1.find(jid); it != v1.end() && !it->second.empty()) {
        ts = it->second;
    } else if ((ts = store_.get_last_bot_message_timestamp(jid, bot_prefix_))) {
        spdlog::info("recovered agent cursor from the last bot message jid={} ts={}", jid, *ts);
    }
    if (ts) return {store_.last_seq_at_or_before(jid, *ts), *ts};
    return {store_.seq_before_newest(jid, bot_prefix_, recovery_window_), ""};
}

AgentCursors::Position& AgentCursors::ensure(const std::string& jid) {
    auto it = dispatched_.find(jid);
    if (it != dispatched_.end()) return it->second;
    // A group registered while running: start after whatever it already has in the store, so
    // old chatter is context for later triggers but does not by itself start a run.
    Position p = recover(jid, v1_cursors_);
    committed_[jid] = p;
    save_committed();
    return dispatched_[jid] = p;
}

std::int64_t AgentCursors::dispatched(const std::string& jid) { return ensure(jid).seq; }

std::int64_t AgentCursors::committed(const std::string& jid) {
    ensure(jid);
    return committed_[jid].seq;
}

void AgentCursors::dispatch(const std::string& jid, std::int64_t seq, const std::string& ts) {
    auto& p = ensure(jid);
    if (seq > p.seq) p = {seq, ts};
}

void AgentCursors::rollback(const std::string& jid, const Position& to) { ensure(jid) = to; }

void AgentCursors::commit(const std::string& jid) { commit_to(jid, ensure(jid)); }

void AgentCursors::commit_to(const std::string& jid, const Position& p) {
    ensure(jid);
    auto& c = committed_[jid];
    if (p.seq <= c.seq) return;
    c = p;
    save_committed();
    if (!p.ts.empty()) {
        v1_cursors_[jid] = p.ts;
        save_v1_keys();
    }
}

void AgentCursors::save_v1_keys() {
    // v1 readers of this database keep working: same key, same JSON shape.
    store_.set_router_state("last_agent_timestamp", nlohmann::json(v1_cursors_).dump());
}

} // namespace nanoclaw::daemon
