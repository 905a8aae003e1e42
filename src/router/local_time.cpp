// SPDX-License-Identifier: MIT
#include "nanoclaw/router/local_time.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <optional>

#include "nanoclaw/core/time_zone.hpp"

#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::router {
namespace {

using Seconds = date::sys_seconds;

constexpr std::array<const char*, 12> k_month_abbreviations = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// JavaScript's Date reads an offset-less date-time as local time; we read it in the display zone.
// For skipped (spring-forward) and repeated (fall-back) wall times ECMAScript uses the offset in
// force before the transition, which is exactly get_info(local).first.
std::optional<Seconds> parse_wall_time(std::string_view iso, const core::TimeZone& zone) {
    std::string with_utc_suffix(iso);
    with_utc_suffix += 'Z';
    const auto as_utc = core::parse_iso(with_utc_suffix);
    if (!as_utc) return std::nullopt;
    const auto utc = std::chrono::floor<std::chrono::seconds>(*as_utc);
    const date::local_seconds wall{utc.time_since_epoch()};
    return utc - zone.get_info(wall).first.offset;
}

std::optional<Seconds> parse_instant(std::string_view iso, const core::TimeZone& zone) {
    if (const auto t = core::parse_iso(iso)) return std::chrono::floor<std::chrono::seconds>(*t);
    return parse_wall_time(iso, zone);
}

std::string format_wall_clock(date::local_seconds wall) {
    const auto day = std::chrono::floor<date::days>(wall);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<std::chrono::seconds> time_of_day{wall - day};
    const auto hour24 = static_cast<int>(time_of_day.hours().count());
    const int hour12 = hour24 % 12 == 0 ? 12 : hour24 % 12;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s %u, %d, %d:%02d %s",
                  k_month_abbreviations[static_cast<unsigned>(ymd.month()) - 1],
                  static_cast<unsigned>(ymd.day()), static_cast<int>(ymd.year()), hour12,
                  static_cast<int>(time_of_day.minutes().count()), hour24 < 12 ? "AM" : "PM");
    return buffer;
}

} // namespace

std::string resolve_timezone(std::string_view timezone) {
    return core::TimeZone::locate_or_utc(timezone).name();
}

std::string format_local_time(std::string_view iso, std::string_view timezone) {
    const auto& zone = core::TimeZone::locate_or_utc(timezone);
    const auto instant = parse_instant(iso, zone);
    if (!instant) return "Invalid Date";
    const auto offset = zone.get_info(*instant).offset;
    return format_wall_clock(date::local_seconds{instant->time_since_epoch() + offset});
}

} // namespace nanoclaw::router
