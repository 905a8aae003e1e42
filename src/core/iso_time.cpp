// SPDX-License-Identifier: MIT
#include "nanoclaw/core/iso_time.hpp"

#include <cctype>
#include <cstdio>

#include <date/date.h>

namespace nanoclaw::core {

std::string format_iso(TimePoint t) {
    const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
    const auto day = std::chrono::floor<date::days>(ms);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<std::chrono::milliseconds> tod{ms - day};
    char buf[64]; // 24 in practice; sized for any int the formatter could see
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                  static_cast<int>(tod.seconds().count()),
                  static_cast<int>(tod.subseconds().count()));
    return buf;
}

namespace {

// Reads exactly `n` digits at `pos`; advances pos on success.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    pos += n;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

} // namespace

std::optional<TimePoint> parse_iso(std::string_view s) {
    std::size_t pos = 0;
    int y = 0, mo = 0, d = 0;
    if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, mo) ||
        !expect(s, pos, '-') || !read_digits(s, pos, 2, d)) {
        return std::nullopt;
    }
    const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                   date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    // TimePoint counts nanoseconds (years 1678-2262): a date outside that range would overflow.
    // Two days of margin keep the time of day and the offset added below in range too.
    constexpr auto k_day_limit =
        std::chrono::duration_cast<date::days>(TimePoint::duration::max()) - date::days{2};
    const auto days = date::sys_days{ymd}.time_since_epoch();
    if (days > k_day_limit || days < -k_day_limit) return std::nullopt;
    const TimePoint midnight{date::sys_days{ymd}};
    if (pos == s.size()) return midnight; // date-only values are UTC (spec 10 §17 quirk 9)
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    int h = 0, mi = 0, sec = 0;
    if (!read_digits(s, pos, 2, h) || !expect(s, pos, ':') || !read_digits(s, pos, 2, mi)) {
        return std::nullopt;
    }
    if (expect(s, pos, ':') && !read_digits(s, pos, 2, sec)) return std::nullopt;
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
    std::chrono::nanoseconds frac{0};
    if (expect(s, pos, '.')) {
        long long scale = 100'000'000;
        std::size_t n = 0;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            frac += std::chrono::nanoseconds((s[pos] - '0') * scale);
            scale /= 10;
            ++pos;
            ++n;
        }
        if (n == 0) return std::nullopt;
    }
    auto t = midnight + std::chrono::hours(h) + std::chrono::minutes(mi) +
             std::chrono::seconds(sec) +
             std::chrono::duration_cast<TimePoint::duration>(frac);
    if (pos == s.size()) return std::nullopt; // no offset: a local time, resolved by the caller
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return t;
    if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!read_digits(s, pos, 2, oh)) return std::nullopt;
    expect(s, pos, ':');
    if (!read_digits(s, pos, 2, om) || pos != s.size() || oh > 23 || om > 59) return std::nullopt;
    return t - sign * (std::chrono::hours(oh) + std::chrono::minutes(om));
}

std::optional<TimePoint> from_unix_seconds(std::int64_t seconds) {
    // Truncation toward zero keeps both limits inside the nanosecond range.
    constexpr auto k_max = std::chrono::duration_cast<std::chrono::seconds>(TimePoint::duration::max());
    constexpr auto k_min = std::chrono::duration_cast<std::chrono::seconds>(TimePoint::duration::min());
    if (seconds > k_max.count() || seconds < k_min.count()) return std::nullopt;
    return TimePoint{std::chrono::seconds{seconds}};
}

} // namespace nanoclaw::core
