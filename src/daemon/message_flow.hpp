// SPDX-License-Identifier: MIT
// From a stored chat message to an agent reply (spec 10 §12.3-§12.6), event-driven: a message is
// evaluated the moment it is stored (no 2 s poll). Non-triggering messages stay stored as
// context; a triggering one is piped into the group's running container or queues a run.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "agent_cursors.hpp"
#include "agent_launcher.hpp"
#include "group_directory.hpp"
#include "outbound.hpp"
#include "nanoclaw/core/config.hpp"
#include "nanoclaw/queue/group_queue.hpp"
#include "nanoclaw/router/sender_allowlist.hpp"
#include "nanoclaw/store/store.hpp"

namespace nanoclaw::daemon {

/// Everything MessageFlow works with; all owned by the daemon and outliving the flow.
struct FlowParts {
    asio::io_context& io;
    const core::Config& config;
    store::Store& store;
    GroupDirectory& groups;
    AgentCursors& cursors;
    queue::GroupQueue& queue;
    AgentLauncher& launcher;
    Outbound& outbound;
    router::SenderAllowlistFile& allowlist;
};

class MessageFlow {
public:
    explicit MessageFlow(FlowParts parts);

    /// A channel delivered a message: apply drop-mode filtering, store it, evaluate it.
    /// Throws (after logging) when it cannot be stored, so the channel does not count it taken.
    void on_inbound(core::NewMessage message);
    /// The queue's processing callback: run the agent on everything pending for `jid`.
    /// True = done; false = failed before answering (the queue retries with back-off).
    awaitable<bool> process_group(std::string jid);
    /// Start-up recovery: queue every group with unanswered messages.
    void recover();
    /// Shutdown: messages are still stored, but nothing new is dispatched.
    void stop_dispatch() { dispatching_ = false; }

    /// Messages handed to one agent run at most; the rest follow in later runs.
    static constexpr int k_batch = 200;

private:
    struct RunState;
    void schedule_evaluation(const std::string& jid);
    void evaluate(const std::string& jid);
    bool activates(const core::RegisteredGroup& group, const std::string& jid,
                   const std::vector<store::StoredMessage>& batch);
    bool try_pipe(const std::string& jid);
    awaitable<void> on_output(std::shared_ptr<RunState> state, container::ContainerOutput out);
    void arm_idle_timer(const std::shared_ptr<RunState>& state);
    /// Follow-up files piped into the group's container that it has not read yet.
    std::vector<std::filesystem::path> unread_inputs(const std::string& folder) const;
    /// What a reply now proves answered: everything dispatched, unless piped follow-ups are
    /// still unread (then only what was confirmed before).
    AgentCursors::Position answered_position(const RunState& state);

    FlowParts p_;
    std::string bot_prefix_;
    std::map<std::string, std::int64_t> evaluated_; ///< last seq looked at, per chat
    std::set<std::string> evaluation_pending_;
    std::string last_seen_; ///< v1's seen cursor (router_state last_timestamp)
    bool dispatching_ = true;
};

} // namespace nanoclaw::daemon
