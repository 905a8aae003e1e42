// SPDX-License-Identifier: MIT
// What IPC requests may do to the rest of the daemon. The orchestrator implements it; tests use
// a fake. Keeping IPC behind this interface keeps the authorisation rules testable in isolation.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::ipc {

/// Fields an update may change; absent = unchanged. `next_run` holds nullopt-inside to clear it.
struct TaskPatch {
    std::optional<std::string> prompt;
    std::optional<std::string> schedule_type;
    std::optional<std::string> schedule_value;
    std::optional<std::optional<std::string>> script;
    std::optional<std::optional<std::string>> next_run;
    std::optional<std::string> status;
    bool empty() const {
        return !prompt && !schedule_type && !schedule_value && !script && !next_run && !status;
    }
};

class IpcDeps {
public:
    virtual ~IpcDeps() = default;

    /// The live registered-group map (JID -> group).
    virtual const std::map<std::string, core::RegisteredGroup>& registered_groups() = 0;
    /// Sends `text` verbatim through the channel owning `jid`; throws when no channel owns it.
    virtual awaitable<void> send_message(std::string jid, std::string text) = 0;
    /// Registers or updates a group (creates its folder); error text when refused.
    virtual tl::expected<void, std::string> register_group(const std::string& jid,
                                                           core::RegisteredGroup group) = 0;
    virtual std::optional<core::ScheduledTask> get_task(const std::string& id) = 0;
    /// Inserts a task; throws on a constraint error (e.g. duplicate id).
    virtual void create_task(const core::ScheduledTask& task) = 0;
    virtual void update_task(const std::string& id, const TaskPatch& patch) = 0;
    /// Deletes a task and its run logs.
    virtual void delete_task(const std::string& id) = 0;
    /// next_run for a schedule (nullopt inside = never runs, e.g. unknown type); error text when
    /// the schedule is invalid.
    virtual tl::expected<std::optional<std::string>, std::string>
    first_run(const std::string& schedule_type, const std::string& schedule_value) = 0;
    /// next_run to set when `task` is resumed, or nullopt to keep the stored one.
    virtual std::optional<std::string> next_run_on_resume(const core::ScheduledTask& task) = 0;
    /// Re-syncs chat metadata and rewrites `folder`'s available-groups snapshot.
    virtual awaitable<void> refresh_groups(std::string folder) = 0;
    /// Called after any successful task change (snapshots, scheduler timer).
    virtual void tasks_changed() = 0;
    /// Canonical ISO "now".
    virtual std::string now_iso() = 0;
};

} // namespace nanoclaw::ipc
