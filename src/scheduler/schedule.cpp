// SPDX-License-Identifier: MIT
#include "nanoclaw/scheduler/schedule.hpp"

#include "nanoclaw/core/time_zone.hpp"
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/scheduler/cron.hpp"

namespace nanoclaw::scheduler {
namespace {

using std::chrono::milliseconds;

// Values must stay far from system_clock's 2262 overflow; JS would accept more (to 275760).
constexpr int k_max_year = 2199;
// An interval longer than ~100 years is a typo, and would overflow the arithmetic below.
constexpr long long k_max_interval_ms = 100LL * 366 * 24 * 3600 * 1000;
// v1's fallback for an interval that does not parse at run time (§14.3).
constexpr milliseconds k_invalid_interval_retry{60'000};

long long to_ms(core::TimePoint t) {
    return std::chrono::floor<milliseconds>(t.time_since_epoch()).count();
}

core::TimePoint from_ms(long long ms) { return core::TimePoint{milliseconds{ms}}; }

tl::expected<std::optional<std::string>, std::string> next_cron(std::string_view value,
                                                                core::TimePoint now,
                                                                const core::TimeZone& zone) {
    auto expr = parse_cron(value);
    if (!expr) return tl::unexpected(expr.error());
    const auto next = expr->next_after(now, zone);
    if (!next)
        return tl::unexpected(fmt::format("cron expression \"{}\" never fires", value));
    return core::format_iso(*next);
}

// The smallest anchor + k*ms (k >= 1) strictly after now, by division rather than a loop.
long long next_on_grid(long long anchor, long long ms, long long now) {
    long long k = 1;
    if (now >= anchor) k = (now - anchor) / ms + 1;
    return anchor + k * ms;
}

bool known_type(std::string_view type) {
    return type == "cron" || type == "interval" || type == "once";
}

} // namespace

tl::expected<core::TimePoint, std::string> parse_once(std::string_view value,
                                                      const core::TimeZone& zone) {
    const auto invalid = [&] {
        return tl::unexpected(fmt::format("invalid timestamp \"{}\" for a once schedule", value));
    };
    if (value.size() < 4) return invalid();
    const auto year = core::js_parse_int(value.substr(0, 4));
    if (year && *year > k_max_year)
        return tl::unexpected(fmt::format("timestamp \"{}\" is too far in the future", value));
    if (auto absolute = core::parse_iso(value)) return *absolute;
    // Without an offset the value is a wall time in the configured zone (quirk 9): parse the
    // fields as if UTC, then resolve them in the zone.
    const auto fields = core::parse_iso(std::string(value) + "Z");
    if (!fields) return invalid();
    const date::local_time<core::TimePoint::duration> wall{fields->time_since_epoch()};
    const auto info = zone.get_info(date::floor<std::chrono::seconds>(wall));
    // `first` is the offset in force before a gap and the earlier occurrence in an overlap, so
    // subtracting it gives V8's choices for both.
    return core::TimePoint{wall.time_since_epoch() - info.first.offset};
}

tl::expected<long long, std::string> parse_interval_ms(std::string_view value) {
    const auto ms = core::js_parse_int(value);
    if (!ms || *ms <= 0)
        return tl::unexpected(fmt::format(
            "invalid interval \"{}\": expected a positive number of milliseconds", value));
    if (*ms > k_max_interval_ms)
        return tl::unexpected(fmt::format("interval \"{}\" is too long", value));
    return *ms;
}

tl::expected<std::optional<std::string>, std::string>
compute_initial_next_run(std::string_view type, std::string_view value, core::TimePoint now,
                         const core::TimeZone& zone) {
    if (type == "cron") return next_cron(value, now, zone);
    if (type == "interval") {
        auto ms = parse_interval_ms(value);
        if (!ms) return tl::unexpected(ms.error());
        return core::format_iso(from_ms(to_ms(now) + *ms));
    }
    if (type == "once") {
        auto at = parse_once(value, zone);
        if (!at) return tl::unexpected(at.error());
        return core::format_iso(*at);
    }
    return std::optional<std::string>{}; // v1: stored but never scheduled
}

tl::expected<std::optional<std::string>, std::string>
compute_next_run(const core::ScheduledTask& task, core::TimePoint now, const core::TimeZone& zone) {
    if (task.schedule_type == "cron") return next_cron(task.schedule_value, now, zone);
    if (task.schedule_type != "interval") return std::optional<std::string>{}; // once, unknown
    const auto ms = parse_interval_ms(task.schedule_value);
    if (!ms) {
        spdlog::warn("task {}: {}; retrying in 60 s", task.id, ms.error());
        return core::format_iso(now + k_invalid_interval_retry);
    }
    // Anchor on the scheduled time so runs do not drift; without one, start from now.
    std::optional<core::TimePoint> anchor;
    if (task.next_run) anchor = core::parse_iso(*task.next_run);
    const long long now_ms = to_ms(now);
    const long long anchor_ms = anchor ? to_ms(*anchor) : now_ms;
    return core::format_iso(from_ms(next_on_grid(anchor_ms, *ms, now_ms)));
}

tl::expected<ScheduleUpdate, std::string> plan_schedule_update(const core::ScheduledTask& task,
                                                               const ScheduleChange& change,
                                                               core::TimePoint now,
                                                               const core::TimeZone& zone) {
    ScheduleUpdate out{change.schedule_type.value_or(task.schedule_type),
                       change.schedule_value.value_or(task.schedule_value), task.next_run};
    if (!change.schedule_type && !change.schedule_value) return out;
    if (!known_type(out.schedule_type))
        return tl::unexpected(fmt::format(
            "unknown schedule_type \"{}\": expected cron, interval or once", out.schedule_type));
    auto next = compute_initial_next_run(out.schedule_type, out.schedule_value, now, zone);
    if (!next) return tl::unexpected(next.error());
    out.next_run = *next;
    return out;
}

tl::expected<std::optional<std::string>, std::string>
next_run_on_resume(const core::ScheduledTask& task, core::TimePoint now,
                   const core::TimeZone& zone) {
    const bool recurring = task.schedule_type == "cron" || task.schedule_type == "interval";
    // Text comparison, like every timestamp comparison in the store (§0.2).
    if (!recurring || (task.next_run && *task.next_run > core::format_iso(now)))
        return task.next_run;
    if (task.schedule_type == "cron") return next_cron(task.schedule_value, now, zone);
    if (!task.next_run) return compute_initial_next_run("interval", task.schedule_value, now, zone);
    const auto ms = parse_interval_ms(task.schedule_value);
    if (!ms) return tl::unexpected(ms.error());
    return compute_next_run(task, now, zone); // stay on the task's grid
}

} // namespace nanoclaw::scheduler
