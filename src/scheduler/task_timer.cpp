// SPDX-License-Identifier: MIT
#include "nanoclaw/scheduler/task_timer.hpp"

#include <algorithm>
#include <exception>

#include <spdlog/spdlog.h>

namespace nanoclaw::scheduler {
namespace {

using std::chrono::milliseconds;

class SteadyWaiter final : public Waiter {
public:
    explicit SteadyWaiter(asio::io_context& io) : timer_(io) {}

    void wait_for(milliseconds delay, std::function<void()> fn) override {
        timer_.expires_after(delay); // cancels the previous wait (operation_aborted)
        timer_.async_wait([fn = std::move(fn)](const boost::system::error_code& ec) {
            if (!ec) fn();
        });
    }

    void cancel() override { timer_.cancel(); }

private:
    asio::steady_timer timer_;
};

milliseconds ceil_ms(core::TimePoint::duration d) { return std::chrono::ceil<milliseconds>(d); }

} // namespace

std::unique_ptr<Waiter> make_steady_waiter(asio::io_context& io) {
    return std::make_unique<SteadyWaiter>(io);
}

TaskTimer::TaskTimer(asio::io_context& io, const core::Clock& clock, TaskTimerCallbacks callbacks,
                     TaskTimerOptions options, std::unique_ptr<Waiter> waiter)
    : io_(io), clock_(clock), callbacks_(std::move(callbacks)), options_(options),
      waiter_(waiter ? std::move(waiter) : make_steady_waiter(io)) {}

TaskTimer::~TaskTimer() { waiter_->cancel(); }

void TaskTimer::start() {
    running_ = true;
    rearm();
}

void TaskTimer::rearm() {
    if (!running_ || rearm_pending_) return;
    rearm_pending_ = true;
    // Posted, so a burst of changes (one IPC file can touch several tasks) costs one pass.
    asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
        if (alive.expired()) return;
        rearm_pending_ = false;
        evaluate(true);
    });
}

void TaskTimer::stop() {
    running_ = false;
    waiter_->cancel();
    armed_wait_.reset();
}

std::optional<core::TimePoint> TaskTimer::query(std::optional<core::TimePoint> after) {
    try {
        return callbacks_.earliest_next_run(after);
    } catch (const std::exception& e) {
        spdlog::error("scheduler: cannot read the next due time: {}", e.what());
        return std::nullopt; // try again after max_sleep
    }
}

void TaskTimer::offer(core::TimePoint now) {
    last_offer_ = now;
    try {
        callbacks_.on_due();
    } catch (const std::exception& e) {
        spdlog::error("scheduler pass failed: {}", e.what());
    }
}

// `forced` (a task changed) offers anything due; a timer wake-up offers only tasks that fell
// due since the last offer, plus everything due once max_sleep has passed (v1's re-offer).
void TaskTimer::evaluate(bool forced) {
    if (!running_) return;
    forced = forced || deferred_force_; // a forced pass postponed by min_offer_gap stays forced
    deferred_force_ = false;
    const auto now = clock_.now();
    if (last_offer_ && *last_offer_ > now) last_offer_.reset(); // the wall clock went back
    const bool reoffer = !last_offer_ || now - *last_offer_ >= options_.max_sleep;
    const auto first = query(forced || reoffer ? std::nullopt : last_offer_);
    if (first && *first <= now) {
        if (last_offer_ && now - *last_offer_ < options_.min_offer_gap) {
            deferred_force_ = forced;
            arm(ceil_ms(*last_offer_ + options_.min_offer_gap - now));
            return;
        }
        offer(now);
    }
    // Sleep until the next task falls due, the re-offer time, or max_sleep, whichever is first.
    // Waits come from the wall clock and are capped, so a clock jump costs at most max_sleep.
    milliseconds wait = options_.max_sleep;
    if (last_offer_ && *last_offer_ + options_.max_sleep > now)
        wait = std::min(wait, ceil_ms(*last_offer_ + options_.max_sleep - now));
    if (const auto next = query(now)) wait = std::min(wait, ceil_ms(*next - now));
    arm(std::max(wait, milliseconds{1}));
}

void TaskTimer::arm(milliseconds wait) {
    armed_wait_ = wait;
    waiter_->wait_for(wait, [this, alive = std::weak_ptr<bool>(alive_)] {
        if (alive.expired()) return;
        evaluate(false);
    });
}

} // namespace nanoclaw::scheduler
