// SPDX-License-Identifier: MIT
// A cron engine with cron-parser v5 semantics (the library v1 uses): 5 or 6 fields, names,
// `L`, `#`, aliases, the day-of-month/day-of-week "either" rule, evaluated in an IANA zone.
// docs/scheduler.md describes the accepted syntax, the DST rules and the deviations.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::core {
class TimeZone;
}

namespace nanoclaw::scheduler {

/// A parsed cron expression: the set of wall-clock times it matches.
struct CronExpr {
    std::bitset<60> seconds;
    std::bitset<60> minutes;
    std::bitset<24> hours;
    std::bitset<32> days_of_month;  ///< bits 1..31
    std::bitset<13> months;         ///< bits 1..12
    std::bitset<7> days_of_week;    ///< bit 0 = Sunday
    std::bitset<7> last_weekdays;   ///< `5L`: the last Friday of the month
    bool last_day_of_month = false; ///< `L` in the day-of-month field
    int nth_weekday = 0;            ///< `1#2` -> 2 (day of month in days 8..14); 0 = none
    bool dom_wildcard = true;       ///< the field was literally `*` or `?`
    bool dow_wildcard = true;

    /// True iff the calendar date (month 1..12, weekday 0 = Sunday) matches the day fields.
    bool matches_day(int year, unsigned month, unsigned day, unsigned weekday) const;

    /// The first fire time strictly after `after`, evaluated in `zone` (see docs/scheduler.md
    /// for gaps and overlaps). nullopt when nothing matches within 50 years (`0 0 30 2 *`).
    std::optional<core::TimePoint> next_after(core::TimePoint after,
                                              const core::TimeZone& zone) const;
};

/// Parses `text` (surrounding whitespace ignored). The error says which field is wrong and why.
tl::expected<CronExpr, std::string> parse_cron(std::string_view text);

} // namespace nanoclaw::scheduler
