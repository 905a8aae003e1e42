// SPDX-License-Identifier: MIT
#include "task_runner.hpp"

#include <spdlog/spdlog.h>

#include "nanoclaw/core/group_folder.hpp"
#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/router/text.hpp"
#include "nanoclaw/core/time_zone.hpp"
#include "nanoclaw/scheduler/cron.hpp"
#include "nanoclaw/scheduler/schedule.hpp"
#include "nanoclaw/scheduler/summary.hpp"

namespace nanoclaw::daemon {

struct TaskRunner::RunState {
    RunState(asio::io_context& io, std::string chat) : jid(std::move(chat)), close(io) {}
    std::string jid;
    std::optional<std::string> result;
    std::optional<std::string> error;
    bool close_armed = false;
    asio::steady_timer close;
};

TaskRunner::TaskRunner(TaskParts parts) : p_(parts) {
    scheduler::TaskTimerCallbacks callbacks{
        [this](std::optional<core::TimePoint> after) { return earliest_next_run(after); },
        [this] { offer_due_tasks(); }};
    timer_ = std::make_unique<scheduler::TaskTimer>(p_.io, p_.clock, std::move(callbacks));
}

TaskRunner::~TaskRunner() = default;

void TaskRunner::start() {
    timer_->start();
}
void TaskRunner::stop() {
    timer_->stop();
}
void TaskRunner::tasks_changed() {
    timer_->rearm();
}

std::optional<core::TimePoint> TaskRunner::earliest_next_run(std::optional<core::TimePoint> after) {
    std::optional<core::TimePoint> best;
    for (const auto& task : p_.store.get_all_tasks()) {
        if (task.status != "active" || !task.next_run) continue;
        const auto t = core::parse_iso(*task.next_run);
        if (!t || (after && *t <= *after)) continue;
        if (!best || *t < *best) best = *t;
    }
    return best;
}

void TaskRunner::offer_due_tasks() {
    if (p_.queue.is_shutting_down()) return;
    for (const auto& due : p_.store.get_due_tasks(p_.clock.now())) {
        const auto task = p_.store.get_task_by_id(due.id); // paused or cancelled meanwhile?
        if (!task || task->status != "active") continue;
        p_.queue.enqueue_task(task->chat_jid, task->id, [this, t = *task] { return run(t); });
    }
}

void TaskRunner::record_failure(const core::ScheduledTask& task, core::TimePoint started,
                                const std::string& error, bool pause) {
    spdlog::error("task cannot run task={} reason={}", task.id, error);
    const auto now = p_.clock.now();
    try {
        if (pause)
            p_.store.update_task(task.id, store::TaskUpdate{.status = std::string("paused")});
        p_.store.log_task_run(
            {task.id, core::format_iso(now),
             std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count(), "error",
             std::nullopt, error});
    } catch (const std::exception& e) {
        spdlog::error("cannot record task failure task={} err={}", task.id, e.what());
    }
    tasks_changed();
}

bool TaskRunner::check_runnable(const core::ScheduledTask& task, core::TimePoint started,
                                const core::RegisteredGroup** group) {
    if (!core::is_valid_group_folder(task.group_folder)) {
        record_failure(task, started, "Invalid group folder \"" + task.group_folder + "\"", true);
        return false;
    }
    const auto* entry = p_.groups.find_by_folder(task.group_folder);
    if (entry == nullptr) {
        // v1 retried (and logged) this every minute forever (quirk 7); we pause with a reason.
        record_failure(task, started, "Group not found: " + task.group_folder, true);
        return false;
    }
    *group = &entry->second;
    return true;
}

awaitable<void> TaskRunner::run(core::ScheduledTask task) {
    const auto started = p_.clock.now();
    const core::RegisteredGroup* found = nullptr;
    if (!check_runnable(task, started, &found)) co_return;
    const core::RegisteredGroup group = *found;
    std::error_code ec;
    std::filesystem::create_directories(p_.config.groups_dir / group.folder, ec);

    auto input = p_.launcher.input_for(group, task.chat_jid);
    input.prompt = task.prompt;
    if (task.context_mode != "group") input.session_id.reset(); // isolated: a new session
    input.is_scheduled_task = true;
    input.script = task.script;
    auto state = std::make_shared<RunState>(p_.io, task.chat_jid);
    auto callback = [this, state](container::ContainerOutput out) {
        return on_output(state, std::move(out));
    };
    spdlog::info("running scheduled task task={} group={}", task.id, group.folder);
    const auto out =
        co_await p_.launcher.run(group, task.chat_jid, std::move(input), callback, false);
    state->close.cancel();
    if (out.status == container::OutputStatus::error) {
        state->error = out.error.value_or("Unknown error");
    } else if (out.result) {
        state->result = out.result;
    }
    finish(task, started, *state);
}

awaitable<void> TaskRunner::on_output(std::shared_ptr<RunState> state,
                                      container::ContainerOutput out) {
    const auto schedule_close = [this, &state] {
        if (state->close_armed) return;
        state->close_armed = true;
        state->close.expires_after(k_close_delay);
        state->close.async_wait([this, state](const boost::system::error_code& ec) {
            if (!ec) p_.queue.close_stdin(state->jid);
        });
    };
    if (out.result && !out.result->empty()) {
        state->result = out.result;
        const auto text = router::format_outbound(*out.result);
        if (!text.empty()) co_await p_.outbound.send(state->jid, text);
        schedule_close();
    }
    if (out.status == container::OutputStatus::success) {
        p_.queue.notify_idle(state->jid);
        schedule_close();
    } else {
        state->error = out.error.value_or("Unknown error");
    }
}

void TaskRunner::finish(const core::ScheduledTask& task, core::TimePoint started,
                        const RunState& state) {
    const auto now = p_.clock.now();
    const auto duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count();
    std::optional<std::string> next;
    const auto& zone = core::TimeZone::locate_or_utc(p_.config.timezone);
    if (auto computed = scheduler::compute_next_run(task, now, zone)) {
        next = *computed;
    } else {
        spdlog::error("cannot compute the next run, task completes task={} err={}", task.id,
                      computed.error());
    }
    try {
        p_.store.log_task_run({task.id, core::format_iso(now), duration,
                               state.error ? "error" : "success", state.result, state.error});
        p_.store.update_task_after_run(task.id, next,
                                       scheduler::run_summary(state.error, state.result));
    } catch (const std::exception& e) {
        // Typically: the task was cancelled while it ran (foreign key on the run log).
        spdlog::warn("task result not recorded task={} err={}", task.id, e.what());
    }
    spdlog::info("task finished task={} status={} next_run={}", task.id,
                 state.error ? "error" : "success", next.value_or("none"));
    tasks_changed();
}

} // namespace nanoclaw::daemon
