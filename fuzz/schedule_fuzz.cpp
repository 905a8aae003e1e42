// SPDX-License-Identifier: MIT
// Schedule values as IPC requests and the task timer see them: cron (scheduler::parse_cron and
// CronExpr::next_after), interval and once, through compute_initial_next_run and compute_next_run.
// The first byte picks the type and the zone; the rest is "value" or "value\nstored next_run".
// Invariants: an error says why; a fire time lies strictly after "now", on a day the expression
// matches, and is what compute_initial_next_run stores; a once instant survives format+parse;
// intervals are positive; every stored next_run is canonical ISO.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "nanoclaw/core/time_zone.hpp"
#include "nanoclaw/scheduler/cron.hpp"
#include "nanoclaw/scheduler/schedule.hpp"

using namespace nanoclaw;
using namespace std::chrono;

namespace {

// A fixed "now" a few hours before the US spring-forward gap of 2026.
const core::TimePoint k_now = *core::parse_iso("2026-03-08T06:30:00.000Z");

const core::TimeZone& zone_for(std::uint8_t selector) {
    static const char* const names[] = {"UTC", "America/New_York", "Europe/London",
                                        "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia"};
    return core::TimeZone::locate_or_utc(names[selector % std::size(names)]);
}

void check_stored(const std::optional<std::string>& next_run) {
    if (!next_run) return;
    const auto t = core::parse_iso(*next_run);
    FUZZ_CHECK(t && core::format_iso(*t) == *next_run);
}

void check_cron(std::string_view value, const core::TimeZone& zone) {
    const auto expr = scheduler::parse_cron(value);
    if (!expr) {
        FUZZ_CHECK(!expr.error().empty());
        return;
    }
    const auto next = expr->next_after(k_now, zone);
    if (next) {
        FUZZ_CHECK(*next > k_now);
        const auto local = zone.to_local(date::floor<seconds>(*next));
        const date::year_month_day ymd{date::floor<date::days>(local)};
        const date::weekday wd{date::floor<date::days>(local)};
        FUZZ_CHECK(expr->matches_day(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                     static_cast<unsigned>(ymd.day()), wd.c_encoding()));
        if (const auto after = expr->next_after(*next, zone)) FUZZ_CHECK(*after > *next);
    }
    const auto initial = scheduler::compute_initial_next_run("cron", value, k_now, zone);
    FUZZ_CHECK(initial.has_value() == next.has_value());
    if (initial) FUZZ_CHECK(*initial == core::format_iso(*next));
}

void check_interval(std::string_view value, const core::TimeZone& zone) {
    const auto ms = scheduler::parse_interval_ms(value);
    const auto initial = scheduler::compute_initial_next_run("interval", value, k_now, zone);
    FUZZ_CHECK(ms.has_value() == initial.has_value());
    if (!ms) {
        FUZZ_CHECK(!ms.error().empty());
        return;
    }
    FUZZ_CHECK(*ms > 0);
    FUZZ_CHECK(*initial == core::format_iso(k_now + milliseconds(*ms)));
}

void check_once(std::string_view value, const core::TimeZone& zone) {
    const auto at = scheduler::parse_once(value, zone);
    if (!at) {
        FUZZ_CHECK(!at.error().empty());
        return;
    }
    const auto text = core::format_iso(*at);
    const auto again = scheduler::parse_once(text, zone);
    FUZZ_CHECK(again && *again == date::floor<milliseconds>(*at));
    check_stored(*scheduler::compute_initial_next_run("once", value, k_now, zone));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto input = fuzz::as_text(data + 1, size - 1);
    const auto& zone = zone_for(data[0] >> 2);
    const auto nl = input.find('\n');
    const auto value = input.substr(0, nl);
    static const char* const types[] = {"cron", "interval", "once", "weekly"};
    const std::string type = types[data[0] & 3];

    if (type == "cron") check_cron(value, zone);
    if (type == "interval") check_interval(value, zone);
    if (type == "once") check_once(value, zone);

    // The run-completed path, with the stored next_run taken from the input when it has one.
    core::ScheduledTask task;
    task.id = "t";
    task.schedule_type = type;
    task.schedule_value = std::string(value);
    task.next_run = nl == std::string_view::npos ? core::format_iso(k_now - hours(1))
                                                 : std::string(input.substr(nl + 1));
    const auto next = scheduler::compute_next_run(task, k_now, zone);
    if (next) {
        check_stored(*next);
        if (*next && type != "once") FUZZ_CHECK(*core::parse_iso(**next) > k_now);
    } else {
        FUZZ_CHECK(!next.error().empty());
    }
    // A stored next_run still in the future is kept verbatim; anything recomputed is canonical.
    const auto resumed = scheduler::next_run_on_resume(task, k_now, zone);
    if (resumed && *resumed != task.next_run) check_stored(*resumed);
    return 0;
}
