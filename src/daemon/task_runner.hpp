// SPDX-License-Identifier: MIT
// Scheduled tasks (spec 10 §14): the event-driven timer offers due tasks to the group queue, and
// each runs as a single-turn agent in its group's context; run history and next_run follow.
#pragma once

#include <memory>

#include "agent_launcher.hpp"
#include "group_directory.hpp"
#include "outbound.hpp"
#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/queue/group_queue.hpp"
#include "nanoclaw/scheduler/task_timer.hpp"
#include "nanoclaw/store/store.hpp"

namespace nanoclaw::daemon {

struct TaskParts {
    asio::io_context& io;
    const core::Config& config;
    const core::Clock& clock;
    store::Store& store;
    GroupDirectory& groups;
    queue::GroupQueue& queue;
    AgentLauncher& launcher;
    Outbound& outbound;
};

class TaskRunner {
  public:
    /// v1's TASK_CLOSE_DELAY_MS: tasks are single-turn, so close soon after their answer.
    static constexpr std::chrono::milliseconds k_close_delay{10'000};

    explicit TaskRunner(TaskParts parts);
    ~TaskRunner();

    /// Starts the timer (first pass at once).
    void start();
    void stop();
    /// A task changed (IPC, run finished): re-evaluate when the next one is due.
    void tasks_changed();
    /// Runs one task now (the queue calls this); never throws for agent failures.
    awaitable<void> run(core::ScheduledTask task);

  private:
    struct RunState;
    void offer_due_tasks();
    std::optional<core::TimePoint> earliest_next_run(std::optional<core::TimePoint> after);
    bool check_runnable(const core::ScheduledTask& task, core::TimePoint started,
                        const core::RegisteredGroup** group);
    void record_failure(const core::ScheduledTask& task, core::TimePoint started,
                        const std::string& error, bool pause);
    awaitable<void> on_output(std::shared_ptr<RunState> state, container::ContainerOutput out);
    void finish(const core::ScheduledTask& task, core::TimePoint started, const RunState& state);

    TaskParts p_;
    std::unique_ptr<scheduler::TaskTimer> timer_;
};

} // namespace nanoclaw::daemon
