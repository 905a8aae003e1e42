// SPDX-License-Identifier: MIT
// TaskTimer against a ManualClock and a fake Waiter: the test decides when a wait elapses, so
// nothing sleeps. One test drives the real steady_timer with a few milliseconds of real time.
#include <map>

#include <gtest/gtest.h>

#include "manual_clock.hpp"
#include "nanoclaw/scheduler/task_timer.hpp"

namespace nanoclaw::scheduler {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class FakeWaiter final : public Waiter {
public:
    void wait_for(milliseconds delay, std::function<void()> fn) override {
        delay_ = delay;
        fn_ = std::move(fn);
    }
    void cancel() override { fn_ = nullptr; }

    std::optional<milliseconds> delay_;
    std::function<void()> fn_;
};

class TaskTimerTest : public ::testing::Test {
protected:
    TaskTimerTest() {
        auto waiter = std::make_unique<FakeWaiter>();
        waiter_ = waiter.get();
        TaskTimerCallbacks cb;
        cb.earliest_next_run = [this](std::optional<core::TimePoint> after) {
            return earliest(after);
        };
        cb.on_due = [this] { ++due_calls_; };
        timer_ = std::make_unique<TaskTimer>(io_, clock_, std::move(cb), TaskTimerOptions{},
                                             std::move(waiter));
    }

    // The store's answer: the smallest next_run strictly after `after`.
    std::optional<core::TimePoint> earliest(std::optional<core::TimePoint> after) const {
        for (const auto& [t, id] : tasks_)
            if (!after || t > *after) return t;
        return std::nullopt;
    }

    // Lets the armed wait elapse: moves the clock by it and runs the wake-up.
    void elapse() {
        ASSERT_TRUE(waiter_->fn_) << "nothing armed";
        clock_.advance(*waiter_->delay_);
        auto fn = std::move(waiter_->fn_);
        waiter_->fn_ = nullptr;
        fn();
        io_.poll();
    }

    void start() {
        timer_->start();
        io_.poll();
    }

    asio::io_context io_;
    // Keeps poll() usable after the queue drains (an idle io_context otherwise stops).
    asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
    testing::ManualClock clock_;
    std::multimap<core::TimePoint, std::string> tasks_;
    int due_calls_ = 0;
    FakeWaiter* waiter_ = nullptr;
    std::unique_ptr<TaskTimer> timer_;
};

TEST_F(TaskTimerTest, NothingScheduledSleepsTheSafetyPeriodWithoutCallingOnDue) {
    start();
    EXPECT_EQ(due_calls_, 0);
    EXPECT_EQ(waiter_->delay_, milliseconds{60'000});
    elapse();
    elapse();
    EXPECT_EQ(due_calls_, 0);
}

TEST_F(TaskTimerTest, SleepsExactlyUntilTheEarliestTaskThenCallsOnDue) {
    tasks_.emplace(clock_.now() + seconds{5}, "a");
    start();
    EXPECT_EQ(waiter_->delay_, milliseconds{5000});
    EXPECT_EQ(due_calls_, 0);
    elapse();
    EXPECT_EQ(due_calls_, 1);
}

TEST_F(TaskTimerTest, FarTaskIsCappedBySafetyNetAndSeenAfterDirectEdit) {
    tasks_.emplace(clock_.now() + std::chrono::hours{3}, "far");
    start();
    EXPECT_EQ(waiter_->delay_, milliseconds{60'000});
    // Another tool edits the database behind our back; the next safety wake-up notices.
    tasks_.clear();
    tasks_.emplace(clock_.now() + seconds{70}, "edited");
    elapse();
    EXPECT_EQ(due_calls_, 0);
    EXPECT_EQ(waiter_->delay_, milliseconds{10'000});
    elapse();
    EXPECT_EQ(due_calls_, 1);
}

TEST_F(TaskTimerTest, StartCallsOnDueForOverdueTasks) {
    tasks_.emplace(clock_.now() - seconds{30}, "overdue");
    start();
    EXPECT_EQ(due_calls_, 1);
}

TEST_F(TaskTimerTest, StillDueTaskIsReofferedOnlyEverySafetyPeriod) {
    tasks_.emplace(clock_.now() - seconds{1}, "running"); // next_run moves only after the run
    start();
    EXPECT_EQ(due_calls_, 1);
    EXPECT_EQ(waiter_->delay_, milliseconds{60'000});
    elapse();
    EXPECT_EQ(due_calls_, 2);
}

TEST_F(TaskTimerTest, NewlyDueTaskIsNotHiddenBehindARunningOne) {
    tasks_.emplace(clock_.now() - seconds{1}, "running");
    tasks_.emplace(clock_.now() + seconds{20}, "next");
    start();
    EXPECT_EQ(due_calls_, 1);
    EXPECT_EQ(waiter_->delay_, milliseconds{20'000});
    elapse();
    EXPECT_EQ(due_calls_, 2);
}

TEST_F(TaskTimerTest, RearmCoalescesAndRespectsTheMinimumGap) {
    start();
    tasks_.emplace(clock_.now(), "new");
    timer_->rearm();
    timer_->rearm();
    timer_->rearm();
    io_.poll();
    EXPECT_EQ(due_calls_, 1);
    // Another change within a second: wait out the gap instead of calling again at once.
    clock_.advance(milliseconds{200});
    timer_->rearm();
    io_.poll();
    EXPECT_EQ(due_calls_, 1);
    EXPECT_EQ(waiter_->delay_, milliseconds{800});
    elapse();
    EXPECT_EQ(due_calls_, 2);
}

TEST_F(TaskTimerTest, RearmAfterCompletedRunSleepsUntilTheNewNextRun) {
    tasks_.emplace(clock_.now(), "t");
    start();
    EXPECT_EQ(due_calls_, 1);
    clock_.advance(seconds{3});
    tasks_.clear();
    tasks_.emplace(clock_.now() + std::chrono::minutes{1} - seconds{3}, "t"); // run finished
    timer_->rearm();
    io_.poll();
    EXPECT_EQ(due_calls_, 1);
    EXPECT_EQ(waiter_->delay_, milliseconds{57'000});
}

TEST_F(TaskTimerTest, WallClockJumpBackDoesNotFireEarly) {
    tasks_.emplace(clock_.now() + seconds{10}, "a");
    start();
    clock_.advance(-std::chrono::hours{1}); // the steady wait elapses but the wall clock went back
    auto fn = std::move(waiter_->fn_);
    fn();
    EXPECT_EQ(due_calls_, 0);
    EXPECT_EQ(waiter_->delay_, milliseconds{60'000});
}

TEST_F(TaskTimerTest, WallClockJumpForwardFiresAtTheNextWakeUp) {
    tasks_.emplace(clock_.now() + std::chrono::hours{2}, "a");
    start();
    clock_.advance(std::chrono::hours{3});
    auto fn = std::move(waiter_->fn_);
    fn();
    EXPECT_EQ(due_calls_, 1);
}

TEST_F(TaskTimerTest, StopSilencesTheTimer) {
    tasks_.emplace(clock_.now() + seconds{5}, "a");
    start();
    timer_->stop();
    EXPECT_FALSE(waiter_->fn_);
    timer_->rearm();
    io_.poll();
    EXPECT_EQ(due_calls_, 0);
}

TEST_F(TaskTimerTest, ThrowingCallbacksAreContained) {
    TaskTimerCallbacks cb;
    cb.earliest_next_run = [](std::optional<core::TimePoint>) -> std::optional<core::TimePoint> {
        throw std::runtime_error("database is locked");
    };
    cb.on_due = [] {};
    auto waiter = std::make_unique<FakeWaiter>();
    auto* w = waiter.get();
    TaskTimer timer(io_, clock_, std::move(cb), {}, std::move(waiter));
    timer.start();
    io_.poll();
    EXPECT_EQ(w->delay_, milliseconds{60'000});
}

TEST(TaskTimerSteadyTest, RealTimerFiresOnDue) {
    asio::io_context io;
    testing::ManualClock clock;
    const auto due_at = clock.now() + milliseconds{5};
    int calls = 0;
    TaskTimerCallbacks cb;
    cb.earliest_next_run = [&](std::optional<core::TimePoint> after) -> std::optional<core::TimePoint> {
        if (after && *after >= due_at) return std::nullopt;
        return due_at;
    };
    cb.on_due = [&] {
        ++calls;
        io.stop();
    };
    TaskTimer timer(io, clock, std::move(cb));
    timer.start();
    io.run_for(milliseconds{1}); // first pass: not due yet, arms a 5 ms steady wait
    EXPECT_EQ(calls, 0);
    clock.advance(milliseconds{5});
    io.restart();
    io.run_for(seconds{5}); // returns as soon as on_due stops the context
    EXPECT_EQ(calls, 1);
}

} // namespace
} // namespace nanoclaw::scheduler
