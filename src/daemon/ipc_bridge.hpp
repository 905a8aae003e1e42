// SPDX-License-Identifier: MIT
// The daemon side of IPC requests: what an authorised request may do, backed by the store, the
// group directory, the channels and the scheduler.
#pragma once

#include "agent_launcher.hpp"
#include "group_directory.hpp"
#include "outbound.hpp"
#include "task_runner.hpp"
#include "nanoclaw/ipc/ipc_deps.hpp"

namespace nanoclaw::daemon {

class IpcBridge final : public ipc::IpcDeps {
  public:
    IpcBridge(store::Store& store, GroupDirectory& groups, Outbound& outbound,
              AgentLauncher& launcher, TaskRunner& tasks,
              std::vector<std::unique_ptr<channels::Channel>>& channels, const core::Config& config,
              const core::Clock& clock);

    const std::map<std::string, core::RegisteredGroup>& registered_groups() override;
    awaitable<void> send_message(std::string jid, std::string text) override;
    tl::expected<void, std::string> register_group(const std::string& jid,
                                                   core::RegisteredGroup group) override;
    std::optional<core::ScheduledTask> get_task(const std::string& id) override;
    void create_task(const core::ScheduledTask& task) override;
    void update_task(const std::string& id, const ipc::TaskPatch& patch) override;
    void delete_task(const std::string& id) override;
    tl::expected<std::optional<std::string>, std::string>
    first_run(const std::string& schedule_type, const std::string& schedule_value) override;
    std::optional<std::string> next_run_on_resume(const core::ScheduledTask& task) override;
    awaitable<void> refresh_groups(std::string folder) override;
    void tasks_changed() override;
    std::string now_iso() override;

  private:
    store::Store& store_;
    GroupDirectory& groups_;
    Outbound& outbound_;
    AgentLauncher& launcher_;
    TaskRunner& tasks_;
    std::vector<std::unique_ptr<channels::Channel>>& channels_;
    const core::Config& config_;
    const core::Clock& clock_;
};

} // namespace nanoclaw::daemon
