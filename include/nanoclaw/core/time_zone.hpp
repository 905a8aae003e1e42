// SPDX-License-Identifier: MIT
// IANA time zones read straight from the OS's compiled zone files (TZif, RFC 8536), one zone at
// a time and only when first asked for. It replaces the date/tz library's database, whose first
// use parses every file under /usr/share/zoneinfo (~20 ms) and whose shared library pulled
// libstdc++.so into the daemon. Times after a file's last transition follow its POSIX TZ footer,
// so "slim" zone files and dates after 2037 are right too.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <tl/expected.hpp>

namespace nanoclaw::core {

using SysSeconds = date::sys_seconds;
using LocalSeconds = date::local_seconds;

/// One stretch of time with a single UTC offset: [begin, end).
struct ZoneSpan {
    SysSeconds begin;
    SysSeconds end;
    std::chrono::seconds offset{0}; ///< local = UTC + offset
    bool is_dst = false;
    std::string abbrev; ///< "EST", "+03"
};

/// How a wall-clock time maps to instants: once, never (skipped by a spring-forward gap: `first`
/// is the span before the gap, `second` the one after) or twice (repeated by a fall-back overlap:
/// `first` is the earlier occurrence's span).
struct LocalSpan {
    enum Result { unique, nonexistent, ambiguous };
    Result result = unique;
    ZoneSpan first;
    ZoneSpan second; ///< only for nonexistent and ambiguous
};

/// A POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0", "<+03>-3"), the footer of a TZif file.
class PosixRule {
  public:
    /// Parses RFC 8536's dialect (angle-bracket names, hours up to 167); errors say what is wrong.
    static tl::expected<PosixRule, std::string> parse(std::string_view text);

    /// The span containing `t`, clipped so it begins no earlier than `floor`.
    ZoneSpan span_at(SysSeconds t, SysSeconds floor) const;

    bool has_dst() const { return has_dst_; }

  private:
    struct Date {
        enum Kind { julian_no_leap, zero_based, month_week_day } kind = month_week_day;
        int day = 0;   ///< Jn: 1..365, n: 0..365, Mm.w.d: weekday 0..6 (Sunday = 0)
        int month = 0; ///< Mm.w.d only
        int week = 0;  ///< Mm.w.d only, 5 = last
    };
    struct Change {
        SysSeconds at;
        bool to_dst;
    };
    static date::sys_days day_in(const Date& d, int year);
    void changes_in(int year, std::vector<Change>& out) const;

    std::string std_abbrev_, dst_abbrev_;
    std::chrono::seconds std_offset_{0}, dst_offset_{0};
    bool has_dst_ = false;
    Date start_, end_;
    std::chrono::seconds start_time_{7200}, end_time_{7200};
};

/// A zone: its transitions, local time types and footer rule.
class TimeZone {
  public:
    /// The zone called `name` ("UTC", "Europe/London"), loaded from the zoneinfo directory on
    /// first use and kept for the life of the process (so the pointer stays valid). Names that
    /// could leave the directory, the leap-second and POSIX copies (right/, posix/), files that
    /// are not TZif and malformed files are errors that say why. "UTC" works without any files.
    static tl::expected<const TimeZone*, std::string> locate(std::string_view name);

    /// locate(name), or UTC when that fails. The configured TIMEZONE is validated at start-up, so
    /// the fallback covers zone files removed since, and display code that shows UTC for names
    /// it cannot resolve (as v1's Intl does).
    static const TimeZone& locate_or_utc(std::string_view name);

    /// Parses TZif bytes (tests feed crafted files through this).
    static tl::expected<TimeZone, std::string> parse(std::string name, std::string_view tzif);

    const std::string& name() const { return name_; }

    ZoneSpan get_info(SysSeconds t) const;
    LocalSpan get_info(LocalSeconds wall) const;
    LocalSeconds to_local(SysSeconds t) const {
        return LocalSeconds{(t + get_info(t).offset).time_since_epoch()};
    }

  private:
    struct Type {
        std::chrono::seconds offset;
        bool is_dst;
        std::string abbrev;
    };
    TimeZone() = default;

    std::string name_;
    std::vector<std::int64_t> transitions_; ///< seconds since the epoch, ascending
    std::vector<std::uint8_t> transition_type_;
    std::vector<Type> types_; ///< never empty
    std::shared_ptr<const PosixRule> footer_;
};

} // namespace nanoclaw::core
