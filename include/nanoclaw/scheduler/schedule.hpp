// SPDX-License-Identifier: MIT
// Schedule arithmetic shared by IPC (schedule_task, update_task, resume_task) and the scheduler
// (computeNextRun after a run): spec 10 §13.4, §14.3, §14.4, with our fixes for §17 quirks 8, 9.
// Every result is a canonical ISO timestamp (core::format_iso) because the store compares text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::core {
class TimeZone;
}

namespace nanoclaw::scheduler {

/// Parses a `once` value: ISO with `Z`/offset = absolute; without offset = wall time in `zone`
/// (a skipped wall time moves forward by the gap, an ambiguous one takes the earlier instant,
/// like V8); date-only = UTC midnight. Years after 2199 are rejected.
tl::expected<core::TimePoint, std::string> parse_once(std::string_view value,
                                                      const core::TimeZone& zone);

/// Interval milliseconds by JS parseInt rules; NaN, 0, negatives and absurd sizes -> error.
tl::expected<long long, std::string> parse_interval_ms(std::string_view value);

/// next_run for a new task (schedule_task step 3): cron -> next fire after now, interval ->
/// now + ms, once -> the instant (past accepted), any other type -> nullopt (stored, never runs).
/// An invalid value is an error and no task must be created.
tl::expected<std::optional<std::string>, std::string>
compute_initial_next_run(std::string_view type, std::string_view value, core::TimePoint now,
                         const core::TimeZone& zone);

/// next_run after a run (computeNextRun, §14.3): once -> nullopt; cron -> next after now;
/// interval -> the first point of the task's grid (next_run + k*ms, k >= 1) strictly after now,
/// or now + 60 s (logged) when the value is invalid; unknown type -> nullopt. Error only for a
/// cron value that does not parse or never fires (v1 throws there).
tl::expected<std::optional<std::string>, std::string>
compute_next_run(const core::ScheduledTask& task, core::TimePoint now, const core::TimeZone& zone);

/// The schedule fields an update_task request carries (absent = not in the request).
struct ScheduleChange {
    std::optional<std::string> schedule_type;
    std::optional<std::string> schedule_value;
};

/// The schedule part of an accepted update: the merged fields and the next_run to store.
struct ScheduleUpdate {
    std::string schedule_type;
    std::string schedule_value;
    std::optional<std::string> next_run;
};

/// update_task step 3 with quirk 8 fixed: when the request names a schedule field, the merged
/// schedule is validated as a whole and next_run recomputed for every type (once included);
/// invalid or unknown -> error and the caller applies nothing. No schedule field -> task's own.
tl::expected<ScheduleUpdate, std::string> plan_schedule_update(const core::ScheduledTask& task,
                                                               const ScheduleChange& change,
                                                               core::TimePoint now,
                                                               const core::TimeZone& zone);

/// next_run to store when a task is resumed (quirk 8 fix): for cron/interval a missing or
/// not-future next_run is recomputed (no burst of catch-up runs); otherwise it is kept as is.
tl::expected<std::optional<std::string>, std::string>
next_run_on_resume(const core::ScheduledTask& task, core::TimePoint now,
                   const core::TimeZone& zone);

} // namespace nanoclaw::scheduler
