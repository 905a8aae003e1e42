// SPDX-License-Identifier: MIT
// The event-driven heart of the scheduler: sleep until the earliest next_run, offer due tasks,
// re-arm. Replaces v1's fixed 60 s poll while keeping a 60 s safety net (docs/scheduler.md).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::scheduler {

/// How TaskTimer waits. The real one is an asio::steady_timer; tests substitute a fake.
class Waiter {
public:
    virtual ~Waiter() = default;
    /// Runs `fn` on the io_context once `delay` has passed; replaces any pending wait.
    virtual void wait_for(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
    /// Drops the pending wait, if any (its function never runs).
    virtual void cancel() = 0;
};

/// Waiter on a steady_timer: immune to wall-clock jumps, which TaskTimer handles itself.
std::unique_ptr<Waiter> make_steady_waiter(asio::io_context& io);

struct TaskTimerOptions {
    /// Longest sleep, whatever is scheduled: bounds the latency of edits made behind our back
    /// (another tool writing the database) and of wall-clock jumps. v1 polled every 60 s.
    std::chrono::milliseconds max_sleep{60'000};
    /// Minimum spacing of on_due calls, so a burst of rearm() calls cannot become a busy loop.
    std::chrono::milliseconds min_offer_gap{1'000};
};

struct TaskTimerCallbacks {
    /// Earliest next_run of an active task strictly after `after` (nullopt = no lower bound);
    /// the daemon answers from the store. nullopt result = no such task.
    std::function<std::optional<core::TimePoint>(std::optional<core::TimePoint> after)>
        earliest_next_run;
    /// Offers every due task (next_run <= now) to the queue; repeats are harmless (dedup).
    std::function<void()> on_due;
};

/// Calls on_due when a task falls due, when rearm() finds one due, and every max_sleep while
/// one stays due (v1's re-offer cadence). Everything runs on the io_context's thread.
class TaskTimer {
public:
    /// `clock` must outlive the timer. A null `waiter` means make_steady_waiter(io).
    TaskTimer(asio::io_context& io, const core::Clock& clock, TaskTimerCallbacks callbacks,
              TaskTimerOptions options = {}, std::unique_ptr<Waiter> waiter = nullptr);
    ~TaskTimer();
    TaskTimer(const TaskTimer&) = delete;
    TaskTimer& operator=(const TaskTimer&) = delete;

    /// First pass now (v1 polls at start-up), then sleeps as scheduled.
    void start();
    /// A task was created, changed or deleted: re-evaluate soon (calls coalesce into one pass).
    void rearm();
    /// Stops waking up; pending work is dropped.
    void stop();

    /// The wait most recently armed (for tests and diagnostics).
    std::optional<std::chrono::milliseconds> armed_wait() const { return armed_wait_; }

private:
    void evaluate(bool forced);
    void offer(core::TimePoint now);
    void arm(std::chrono::milliseconds wait);
    std::optional<core::TimePoint> query(std::optional<core::TimePoint> after);

    asio::io_context& io_;
    const core::Clock& clock_;
    TaskTimerCallbacks callbacks_;
    TaskTimerOptions options_;
    std::unique_ptr<Waiter> waiter_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); ///< guards posted handlers
    bool running_ = false;
    bool rearm_pending_ = false;
    bool deferred_force_ = false;
    std::optional<core::TimePoint> last_offer_;
    std::optional<std::chrono::milliseconds> armed_wait_;
};

} // namespace nanoclaw::scheduler
