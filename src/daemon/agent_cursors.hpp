// SPDX-License-Identifier: MIT
// Which stored messages each group's agent has been given (dispatched) and has answered
// (committed). Positions are message sequence numbers (SQLite rowids), not timestamps, so a
// late or equal-timestamp message is never skipped (v1 quirk 2). Only the committed position is
// persisted: after a crash, everything dispatched but not answered is run again, and nothing
// answered is (see docs/architecture.md, "exactly once").
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "nanoclaw/store/store.hpp"

namespace nanoclaw::daemon {

class AgentCursors {
public:
    struct Position {
        std::int64_t seq = 0;
        std::string ts;
    };

    /// `store` must outlive the cursors.
    AgentCursors(store::Store& store, std::string bot_prefix, int recovery_window);

    /// Loads the committed positions. A chat with none yet (a v1 database, or a new group) starts
    /// from v1's `last_agent_timestamp`, else its last bot message, else its newest
    /// `recovery_window` messages, so an old backlog is never dumped into one prompt.
    void load(const std::vector<std::string>& jids);
    /// Position the agent has been given up to (inclusive).
    std::int64_t dispatched(const std::string& jid);
    /// Records that messages up to `seq` (timestamp `ts`) were handed to the agent.
    void dispatch(const std::string& jid, std::int64_t seq, const std::string& ts);
    /// Undoes dispatches after a run that failed without answering.
    void rollback(const std::string& jid, const Position& to);
    /// Marks everything dispatched as answered and persists it (also in v1's router_state keys).
    void commit(const std::string& jid);
    /// Marks messages up to `to` as answered (never moves the committed position back).
    void commit_to(const std::string& jid, const Position& to);
    /// Persisted position (for tests and status).
    std::int64_t committed(const std::string& jid);

    /// The dispatched position with its timestamp (to roll back to later).
    Position position(const std::string& jid) { return ensure(jid); }

private:
    Position& ensure(const std::string& jid);
    Position recover(const std::string& jid, const std::map<std::string, std::string>& v1_cursors);
    void save_v1_keys();
    void save_committed();

    store::Store& store_;
    std::string bot_prefix_;
    int recovery_window_;
    std::map<std::string, Position> dispatched_;
    std::map<std::string, Position> committed_;
    std::map<std::string, std::string> v1_cursors_;
};

} // namespace nanoclaw::daemon
