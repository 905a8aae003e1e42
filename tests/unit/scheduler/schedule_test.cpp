// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "nanoclaw/core/time_zone.hpp"

#include "nanoclaw/scheduler/schedule.hpp"

namespace nanoclaw::scheduler {
namespace {

using std::chrono::milliseconds;

core::TimePoint at(const char* iso) { return *core::parse_iso(iso); }

class ScheduleTest : public ::testing::Test {
protected:
    const core::TimeZone& ny = **core::TimeZone::locate("America/New_York");
    const core::TimeZone& utc = **core::TimeZone::locate("UTC");
    core::TimePoint now = at("2026-01-15T12:00:00.000Z");

    core::ScheduledTask task(std::string type, std::string value,
                             std::optional<std::string> next_run) const {
        core::ScheduledTask t;
        t.id = "task-1";
        t.schedule_type = std::move(type);
        t.schedule_value = std::move(value);
        t.next_run = std::move(next_run);
        return t;
    }
};

TEST_F(ScheduleTest, InitialCronIsNextFireInTheZone) {
    // now is 07:00 EST, so 09:00 New York time is still ahead today.
    EXPECT_EQ(compute_initial_next_run("cron", "0 9 * * *", now, ny).value(),
              "2026-01-15T14:00:00.000Z");
    EXPECT_EQ(compute_initial_next_run("cron", "0 9 * * *", now, utc).value(),
              "2026-01-16T09:00:00.000Z");
    EXPECT_FALSE(compute_initial_next_run("cron", "not a cron", now, ny).has_value());
    const auto never = compute_initial_next_run("cron", "0 0 30 2 *", now, ny);
    ASSERT_FALSE(never.has_value());
    EXPECT_NE(never.error().find("never fires"), std::string::npos);
}

TEST_F(ScheduleTest, InitialIntervalUsesIntegerPrefix) {
    EXPECT_EQ(compute_initial_next_run("interval", "3600000", now, ny).value(),
              "2026-01-15T13:00:00.000Z");
    EXPECT_EQ(compute_initial_next_run("interval", " 60000abc", now, ny).value(),
              "2026-01-15T12:01:00.000Z");
    EXPECT_EQ(compute_initial_next_run("interval", "1e3", now, ny).value(),
              "2026-01-15T12:00:00.001Z");
    for (const char* bad : {"abc", "0", "-5", "", "99999999999999999999"}) {
        EXPECT_FALSE(compute_initial_next_run("interval", bad, now, ny).has_value()) << bad;
    }
}

TEST_F(ScheduleTest, InitialOnceParsesOffsetsAndLocalWallTime) {
    EXPECT_EQ(compute_initial_next_run("once", "2026-06-01T10:00:00Z", now, ny).value(),
              "2026-06-01T10:00:00.000Z");
    EXPECT_EQ(compute_initial_next_run("once", "2026-06-01T10:00:00+02:00", now, ny).value(),
              "2026-06-01T08:00:00.000Z");
    // No offset: wall time in TIMEZONE (EDT in June), minutes-only and fractions accepted.
    EXPECT_EQ(compute_initial_next_run("once", "2026-06-01T10:00:00", now, ny).value(),
              "2026-06-01T14:00:00.000Z");
    EXPECT_EQ(compute_initial_next_run("once", "2026-01-20T10:00", now, ny).value(),
              "2026-01-20T15:00:00.000Z");
    EXPECT_EQ(compute_initial_next_run("once", "2026-01-20T10:00:00.250", now, ny).value(),
              "2026-01-20T15:00:00.250Z");
    // Date-only is UTC midnight, whatever the zone (v1).
    EXPECT_EQ(compute_initial_next_run("once", "2025-06-01", now, ny).value(),
              "2025-06-01T00:00:00.000Z");
    // Past instants are accepted (the task runs at once).
    EXPECT_EQ(compute_initial_next_run("once", "2025-06-01T00:00:00", now, utc).value(),
              "2025-06-01T00:00:00.000Z");
}

TEST_F(ScheduleTest, OnceInDstGapMovesForwardAndOverlapTakesEarlier) {
    EXPECT_EQ(core::format_iso(parse_once("2026-03-08T02:30:00", ny).value()), "2026-03-08T07:30:00.000Z");
    EXPECT_EQ(core::format_iso(parse_once("2026-11-01T01:30:00", ny).value()), "2026-11-01T05:30:00.000Z");
    const auto& london = **core::TimeZone::locate("Europe/London");
    EXPECT_EQ(core::format_iso(parse_once("2026-03-29T01:30", london).value()), "2026-03-29T01:30:00.000Z");
    EXPECT_EQ(core::format_iso(parse_once("2026-10-25T01:30", london).value()), "2026-10-25T00:30:00.000Z");
}

TEST_F(ScheduleTest, InvalidOnceValuesAreRejected) {
    for (const char* bad : {"not-a-date", "", "2026-13-01T00:00:00", "2026-02-30", "June 1, 2026",
                            "2026-06-01T25:00", "2026-06-01T10:00:00+25:00", "9999-01-01T00:00Z"}) {
        EXPECT_FALSE(compute_initial_next_run("once", bad, now, ny).has_value()) << bad;
    }
}

TEST_F(ScheduleTest, UnknownTypeHasNoNextRun) {
    const auto r = compute_initial_next_run("weekly", "whatever", now, ny);
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->has_value());
}

TEST_F(ScheduleTest, NextRunAnchorsIntervalToTheGrid) {
    const auto recent = task("interval", "60000", core::format_iso(now - milliseconds{2000}));
    EXPECT_EQ(compute_next_run(recent, now, ny).value(), "2026-01-15T12:00:58.000Z");
    const auto missed = task("interval", "60000", core::format_iso(now - milliseconds{600'000}));
    const auto next = at(compute_next_run(missed, now, ny)->value().c_str());
    EXPECT_GT(next, now);
    EXPECT_EQ((next - (now - milliseconds{600'000})) % milliseconds{60'000}, milliseconds{0});
    EXPECT_EQ(core::format_iso(next), "2026-01-15T12:01:00.000Z");
    // Exactly on a grid point: strictly after now.
    const auto exact = task("interval", "60000", core::format_iso(now - milliseconds{60'000}));
    EXPECT_EQ(compute_next_run(exact, now, ny).value(), "2026-01-15T12:01:00.000Z");
    const auto future = task("interval", "60000", "2026-01-15T12:30:00.000Z");
    EXPECT_EQ(compute_next_run(future, now, ny).value(), "2026-01-15T12:31:00.000Z");
    const auto unanchored = task("interval", "60000", std::nullopt);
    EXPECT_EQ(compute_next_run(unanchored, now, ny).value(), "2026-01-15T12:01:00.000Z");
}

// Found by fuzz/schedule_fuzz: a stored next_run in year 1169 overflowed inside parse_iso
// (UBSan) and anchored the grid centuries away; an unusable anchor now counts as none.
TEST_F(ScheduleTest, NextRunIgnoresAnAnchorTimePointCannotHold) {
    const auto ancient = task("interval", "1", "1169-01-01T00:00:00.000Z97");
    EXPECT_EQ(compute_next_run(ancient, now, ny).value(), core::format_iso(now + milliseconds{1}));
}

TEST_F(ScheduleTest, NextRunHugeGapUsesDivisionNotALoop) {
    const auto old = task("interval", "1", "2000-01-01T00:00:00.000Z");
    EXPECT_EQ(compute_next_run(old, now, ny).value(), "2026-01-15T12:00:00.001Z");
}

TEST_F(ScheduleTest, NextRunInvalidIntervalRetriesInAMinute) {
    for (const char* bad : {"abc", "0", "-1"}) {
        EXPECT_EQ(compute_next_run(task("interval", bad, "2026-01-15T11:00:00.000Z"), now, ny).value(),
                  "2026-01-15T12:01:00.000Z")
            << bad;
    }
}

TEST_F(ScheduleTest, NextRunOnceAndUnknownAreNullCronIsNextAfterNow) {
    EXPECT_FALSE(compute_next_run(task("once", "2026-01-15T11:00:00", "2026-01-15T11:00:00.000Z"),
                                  now, ny)
                     ->has_value());
    EXPECT_FALSE(compute_next_run(task("bogus", "x", std::nullopt), now, ny)->has_value());
    EXPECT_EQ(compute_next_run(task("cron", "*/5 * * * *", "2026-01-01T00:00:00.000Z"), now, ny)
                  .value(),
              "2026-01-15T12:05:00.000Z");
    EXPECT_FALSE(compute_next_run(task("cron", "bad", std::nullopt), now, ny).has_value());
}

TEST_F(ScheduleTest, UpdateWithoutScheduleFieldsKeepsEverything) {
    const auto t = task("once", "2026-02-01T00:00:00", "2026-02-01T05:00:00.000Z");
    const auto u = plan_schedule_update(t, {}, now, ny).value();
    EXPECT_EQ(u.schedule_type, "once");
    EXPECT_EQ(u.schedule_value, "2026-02-01T00:00:00");
    EXPECT_EQ(u.next_run, t.next_run);
}

TEST_F(ScheduleTest, UpdateOnceValueRecomputesNextRun) {
    const auto t = task("once", "2026-02-01T00:00:00", "2026-02-01T05:00:00.000Z");
    const auto u = plan_schedule_update(t, {std::nullopt, "2026-03-01T09:00:00"}, now, ny).value();
    EXPECT_EQ(u.schedule_value, "2026-03-01T09:00:00");
    EXPECT_EQ(u.next_run, "2026-03-01T14:00:00.000Z");
}

TEST_F(ScheduleTest, UpdateIntervalAndTypeChangeRecompute) {
    const auto t = task("cron", "0 9 * * *", "2026-01-16T14:00:00.000Z");
    const auto u = plan_schedule_update(t, {"interval", "300000"}, now, ny).value();
    EXPECT_EQ(u.schedule_type, "interval");
    EXPECT_EQ(u.next_run, "2026-01-15T12:05:00.000Z");
    const auto c = plan_schedule_update(t, {std::nullopt, "0 10 * * *"}, now, ny).value();
    EXPECT_EQ(c.next_run, "2026-01-15T15:00:00.000Z");
}

TEST_F(ScheduleTest, InvalidUpdatesAreRejectedWhole) {
    const auto t = task("interval", "60000", "2026-01-15T12:01:00.000Z");
    EXPECT_FALSE(plan_schedule_update(t, {std::nullopt, "abc"}, now, ny).has_value());
    EXPECT_FALSE(plan_schedule_update(t, {"cron", std::nullopt}, now, ny).has_value()); // "60000"
    EXPECT_FALSE(plan_schedule_update(t, {"once", "tomorrow"}, now, ny).has_value());
    EXPECT_FALSE(plan_schedule_update(t, {std::nullopt, ""}, now, ny).has_value());
    const auto unknown = plan_schedule_update(t, {"weekly", "1"}, now, ny);
    ASSERT_FALSE(unknown.has_value());
    EXPECT_NE(unknown.error().find("unknown schedule_type"), std::string::npos);
}

TEST_F(ScheduleTest, ResumeRecomputesStaleRecurringNextRun) {
    const auto cron = task("cron", "0 9 * * *", "2026-01-10T14:00:00.000Z");
    EXPECT_EQ(next_run_on_resume(cron, now, ny).value(), "2026-01-15T14:00:00.000Z");
    const auto cron_null = task("cron", "0 9 * * *", std::nullopt);
    EXPECT_EQ(next_run_on_resume(cron_null, now, ny).value(), "2026-01-15T14:00:00.000Z");
    const auto interval = task("interval", "60000", "2026-01-15T11:00:30.000Z");
    EXPECT_EQ(next_run_on_resume(interval, now, ny).value(), "2026-01-15T12:00:30.000Z");
    const auto interval_null = task("interval", "60000", std::nullopt);
    EXPECT_EQ(next_run_on_resume(interval_null, now, ny).value(), "2026-01-15T12:01:00.000Z");
}

TEST_F(ScheduleTest, ResumeKeepsFutureAndOnceNextRuns) {
    const auto future = task("cron", "0 9 * * *", "2026-01-20T14:00:00.000Z");
    EXPECT_EQ(next_run_on_resume(future, now, ny).value(), future.next_run);
    const auto once_past = task("once", "2026-01-01T00:00:00", "2026-01-01T05:00:00.000Z");
    EXPECT_EQ(next_run_on_resume(once_past, now, ny).value(), once_past.next_run);
    const auto completed = task("once", "2026-01-01T00:00:00", std::nullopt);
    EXPECT_FALSE(next_run_on_resume(completed, now, ny)->has_value());
    EXPECT_FALSE(next_run_on_resume(task("cron", "junk", std::nullopt), now, ny).has_value());
}

} // namespace
} // namespace nanoclaw::scheduler
