// SPDX-License-Identifier: MIT
// Finding the next fire time. The search runs on wall-clock (local) times, which is what the
// fields describe, then maps each matching wall time to instants with cron-parser's DST rules.
#include "nanoclaw/core/time_zone.hpp"

#include "nanoclaw/scheduler/cron.hpp"

namespace nanoclaw::scheduler {
namespace {

using std::chrono::hours;
using Secs = std::chrono::seconds;
using LocalSeconds = date::local_seconds;
using SysSeconds = date::sys_seconds;

// No real zone moves its clocks by more than this at once (Antarctica/Troll: 2 h), so walls and
// instants more than this far from a transition map monotonically.
constexpr hours k_transition_slack{3};
// A matching day, if there is one, comes within 50 years (leap days skip at most 8 years).
constexpr date::days k_search_days{366 * 50};
// system_clock counts nanoseconds and overflows in 2262: never produce anything near that.
constexpr date::local_days k_search_end{date::year{2200} / 1 / 1};
// Upper bound on candidate wall times examined by one next_after (a seconds-level expression
// within 3 h of a transition needs ~22k); reaching it means "no answer", never a hang.
constexpr int k_max_candidates = 200'000;

template <std::size_t N> int next_bit(const std::bitset<N>& bits, int from) {
    for (int i = from; i < static_cast<int>(N); ++i)
        if (bits.test(static_cast<std::size_t>(i))) return i;
    return -1;
}

// The first matching time of day at or after `tod` on a matching day.
std::optional<Secs> first_time_of_day(const CronExpr& e, Secs tod) {
    const date::hh_mm_ss<Secs> start{tod};
    const int h0 = static_cast<int>(start.hours().count());
    const int m0 = static_cast<int>(start.minutes().count());
    const int s0 = static_cast<int>(start.seconds().count());
    for (int h = next_bit(e.hours, h0); h >= 0; h = next_bit(e.hours, h + 1)) {
        const bool first_hour = h == h0;
        for (int m = next_bit(e.minutes, first_hour ? m0 : 0); m >= 0;
             m = next_bit(e.minutes, m + 1)) {
            const int s = next_bit(e.seconds, first_hour && m == m0 ? s0 : 0);
            if (s >= 0) return hours{h} + std::chrono::minutes{m} + Secs{s};
        }
    }
    return std::nullopt;
}

// The smallest matching wall time >= `from`, or nullopt if none within the search window.
std::optional<LocalSeconds> next_wall_match(const CronExpr& e, LocalSeconds from) {
    auto day = date::floor<date::days>(from);
    Secs tod = from - day;
    const auto end = std::min(day + k_search_days, k_search_end);
    while (day < end) {
        const date::year_month_day ymd{day};
        const unsigned month = static_cast<unsigned>(ymd.month());
        if (!e.months.test(month)) {
            // Skip the rest of the month in one step.
            day = date::local_days{(ymd.year() / ymd.month() / 1) + date::months{1}};
            tod = Secs{0};
            continue;
        }
        const unsigned weekday = date::weekday{day}.c_encoding();
        if (e.matches_day(static_cast<int>(ymd.year()), month, static_cast<unsigned>(ymd.day()),
                          weekday)) {
            if (auto t = first_time_of_day(e, tod)) return day + *t;
        }
        day += date::days{1};
        tod = Secs{0};
    }
    return std::nullopt;
}

bool transition_near(const core::TimeZone& zone, SysSeconds t) {
    const auto info = zone.get_info(t);
    return info.begin > t - k_transition_slack || info.end <= t + k_transition_slack;
}

// Instants for one matching wall time, with cron-parser's DST rules as v1 uses it (a fresh
// parse from "now" each time):
// * skipped by a spring-forward gap: fires shifted forward by the gap (the offset before the
//   transition applies), but only when searching from before the gap; from inside or after
//   it, that day's skipped times are gone;
// * repeated by a fall-back overlap: if the hour field is `*`, both occurrences fire; otherwise
//   the first, unless the search starts inside the repeated hour, where the second one does.
void instants(const CronExpr& e, const core::TimeZone& zone, LocalSeconds wall,
              core::TimePoint after, std::optional<SysSeconds> out[2]) {
    const auto info = zone.get_info(wall);
    const SysSeconds early{wall.time_since_epoch() - info.first.offset};
    out[0].reset();
    out[1].reset();
    switch (info.result) {
    case core::LocalSpan::unique:
        out[0] = early;
        break;
    case core::LocalSpan::nonexistent:
        if (after < info.second.begin) out[0] = early;
        break;
    case core::LocalSpan::ambiguous: {
        const SysSeconds late{wall.time_since_epoch() - info.second.offset};
        if (e.hours.all()) {
            out[0] = early;
            out[1] = late;
        } else {
            out[0] = after >= info.second.begin ? late : early;
        }
        break;
    }
    }
}

} // namespace

bool CronExpr::matches_day(int year, unsigned month, unsigned day, unsigned weekday) const {
    const auto last =
        date::year_month_day_last{date::year{year}, date::month_day_last{date::month{month}}};
    const unsigned last_day = static_cast<unsigned>(last.day());
    const bool dom = days_of_month.test(day) || (last_day_of_month && day == last_day);
    const bool dow =
        days_of_week.test(weekday) || (last_weekdays.test(weekday) && day + 7 > last_day);
    bool match = false;
    if (!dom_wildcard && !dow_wildcard)
        match = dom || dow; // both restricted: either one
    else if (!dow_wildcard)
        match = dow;
    else
        match = dom;
    // `#` narrows every match to the nth week of the month (cron-parser applies it after).
    return match && (nth_weekday == 0 || static_cast<int>((day - 1) / 7 + 1) == nth_weekday);
}

std::optional<core::TimePoint> CronExpr::next_after(core::TimePoint after,
                                                    const core::TimeZone& zone) const {
    const auto after_s = date::floor<Secs>(after);
    const LocalSeconds start = zone.to_local(after_s);
    // Near a transition, a wall time before `after`'s own can still map after it (gap shift).
    LocalSeconds wall =
        transition_near(zone, after_s) ? start - k_transition_slack : start + Secs{1};
    std::optional<SysSeconds> best;
    LocalSeconds best_wall{};
    for (int n = 0; n < k_max_candidates; ++n) {
        const auto match = next_wall_match(*this, wall);
        if (!match || (best && *match > best_wall + k_transition_slack)) break;
        std::optional<SysSeconds> found[2];
        instants(*this, zone, *match, after, found);
        for (const auto& t : found) {
            if (t && core::TimePoint{*t} > after && (!best || *t < *best)) {
                best = t;
                best_wall = *match;
            }
        }
        // Far from any transition later walls map to later instants: the first hit is the answer.
        if (best && !transition_near(zone, *best)) break;
        wall = *match + Secs{1};
    }
    if (!best) return std::nullopt;
    return core::TimePoint{*best};
}

} // namespace nanoclaw::scheduler
