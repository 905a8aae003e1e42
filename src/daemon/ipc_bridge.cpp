// SPDX-License-Identifier: MIT
#include "ipc_bridge.hpp"

#include <spdlog/spdlog.h>

#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/time_zone.hpp"
#include "nanoclaw/scheduler/cron.hpp"
#include "nanoclaw/scheduler/schedule.hpp"

namespace nanoclaw::daemon {

IpcBridge::IpcBridge(store::Store& store, GroupDirectory& groups, Outbound& outbound,
                     AgentLauncher& launcher, TaskRunner& tasks,
                     std::vector<std::unique_ptr<channels::Channel>>& channels,
                     const core::Config& config, const core::Clock& clock)
    : store_(store), groups_(groups), outbound_(outbound), launcher_(launcher), tasks_(tasks),
      channels_(channels), config_(config), clock_(clock) {}

const std::map<std::string, core::RegisteredGroup>& IpcBridge::registered_groups() {
    return groups_.all();
}

awaitable<void> IpcBridge::send_message(std::string jid, std::string text) {
    co_await outbound_.send_or_throw(std::move(jid), std::move(text));
}

tl::expected<void, std::string> IpcBridge::register_group(const std::string& jid,
                                                          core::RegisteredGroup group) {
    return groups_.register_group(jid, std::move(group));
}

std::optional<core::ScheduledTask> IpcBridge::get_task(const std::string& id) {
    return store_.get_task_by_id(id);
}

void IpcBridge::create_task(const core::ScheduledTask& task) {
    store_.create_task(task);
}

void IpcBridge::update_task(const std::string& id, const ipc::TaskPatch& patch) {
    store::TaskUpdate update;
    update.prompt = patch.prompt;
    update.schedule_type = patch.schedule_type;
    update.schedule_value = patch.schedule_value;
    if (patch.script) update.script = patch.script->value_or("");
    update.next_run = patch.next_run;
    update.status = patch.status;
    store_.update_task(id, update);
}

void IpcBridge::delete_task(const std::string& id) {
    store_.delete_task(id);
}

tl::expected<std::optional<std::string>, std::string>
IpcBridge::first_run(const std::string& schedule_type, const std::string& schedule_value) {
    return scheduler::compute_initial_next_run(schedule_type, schedule_value, clock_.now(),
                                               core::TimeZone::locate_or_utc(config_.timezone));
}

std::optional<std::string> IpcBridge::next_run_on_resume(const core::ScheduledTask& task) {
    auto next = scheduler::next_run_on_resume(task, clock_.now(),
                                              core::TimeZone::locate_or_utc(config_.timezone));
    if (!next) {
        spdlog::warn("cannot recompute next_run on resume task={} err={}", task.id, next.error());
        return std::nullopt;
    }
    return *next;
}

awaitable<void> IpcBridge::refresh_groups(std::string folder) {
    for (auto& channel : channels_) {
        try {
            co_await channel->sync_groups(true);
        } catch (const std::exception& e) {
            spdlog::warn("group sync failed channel={} err={}", channel->name(), e.what());
        }
    }
    launcher_.write_groups_snapshot(folder, groups_.is_main_folder(folder));
}

void IpcBridge::tasks_changed() {
    launcher_.refresh_all_task_snapshots();
    tasks_.tasks_changed();
}

std::string IpcBridge::now_iso() {
    return core::format_iso(clock_.now());
}

} // namespace nanoclaw::daemon
