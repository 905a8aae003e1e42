// SPDX-License-Identifier: MIT
// Starting an agent for a group (spec 10 §12.7, §14.2 step 4-6): context snapshots, the group's
// session, the container run, and session bookkeeping (including v1's stale-session recovery).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "group_directory.hpp"
#include "run_health.hpp"
#include "nanoclaw/container/runner.hpp"
#include "nanoclaw/container/snapshots.hpp"
#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/queue/group_queue.hpp"
#include "nanoclaw/store/store.hpp"

namespace nanoclaw::daemon {

class AgentLauncher {
public:
    /// Every reference must outlive the launcher (the daemon owns them all).
    AgentLauncher(store::Store& store, GroupDirectory& groups, container::ContainerRunner& runner,
                  queue::GroupQueue& queue, RunHealth& health, const core::Config& config,
                  const core::Clock& clock);

    /// Loads folder -> session id from the store.
    void load_sessions();
    /// The group's current agent session, if any.
    std::optional<std::string> session(const std::string& folder) const;

    /// Runs one agent for `group` in chat `jid`. Message runs (`keep_session`) store new session
    /// ids as they arrive; task runs do not (v1). Never throws: failures come back as error.
    /// A failure that will repeat (compile error, image missing, rejected key, no DNS) has been
    /// told to the chat once and comes back with `permanent_failure` set: do not retry it.
    awaitable<container::ContainerOutput> run(core::RegisteredGroup group, std::string jid,
                                              container::ContainerInput input,
                                              container::OutputCallback on_output,
                                              bool keep_session);

    /// The ContainerInput of a run of `group` in chat `jid`, without the prompt: the group's
    /// session, identity and the assistant's name.
    container::ContainerInput input_for(const core::RegisteredGroup& group,
                                        const std::string& jid) const;
    /// Starts a warm container for every group of WARM_POOL_GROUPS ("hot": kept warm from now
    /// on); a folder no registered group has is logged and skipped.
    void warm_hot_groups();

    /// Chats the main agent may register (§12.8), most recent first.
    std::vector<container::AvailableGroup> available_groups();
    /// Rewrites current_tasks.json for `folder`.
    void write_tasks_snapshot(const std::string& folder, bool is_main);
    /// Rewrites available_groups.json for `folder`.
    void write_groups_snapshot(const std::string& folder, bool is_main);
    /// Rewrites current_tasks.json for every registered group (after a task change, §16.6).
    void refresh_all_task_snapshots();

private:
    awaitable<void> forward_record(std::string folder, bool keep_session,
                                   container::OutputCallback on_output, container::ContainerOutput out);
    void remember_session(const std::string& folder, const std::optional<std::string>& id);
    void forget_stale_session(const std::string& folder, const container::ContainerOutput& out);
    bool is_hot(const std::string& folder) const;

    store::Store& store_;
    GroupDirectory& groups_;
    container::ContainerRunner& runner_;
    queue::GroupQueue& queue_;
    RunHealth& health_;
    const core::Config& config_;
    const core::Clock& clock_;
    std::map<std::string, std::string> sessions_;
};

} // namespace nanoclaw::daemon
