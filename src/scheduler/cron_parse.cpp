// SPDX-License-Identifier: MIT
// Parsing of cron expressions (no std::regex: a hand-written scanner per field).
#include <array>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "nanoclaw/scheduler/cron.hpp"

namespace nanoclaw::scheduler {
namespace {

enum class Names { none, months, weekdays };

struct FieldSpec {
    const char* name;
    int min;
    int max;
    Names names;
};

constexpr FieldSpec k_second{"second", 0, 59, Names::none};
constexpr FieldSpec k_minute{"minute", 0, 59, Names::none};
constexpr FieldSpec k_hour{"hour", 0, 23, Names::none};
constexpr FieldSpec k_dom{"day-of-month", 1, 31, Names::none};
constexpr FieldSpec k_month{"month", 1, 12, Names::months};
constexpr FieldSpec k_dow{"day-of-week", 0, 7, Names::weekdays};

constexpr std::array<std::string_view, 12> k_month_names{"jan", "feb", "mar", "apr", "may", "jun",
                                                         "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> k_day_names{"sun", "mon", "tue", "wed",
                                                      "thu", "fri", "sat"};

// cron-parser's predefined expressions (all six-field).
struct Alias {
    std::string_view name;
    std::string_view expansion;
};
constexpr std::array<Alias, 11> k_aliases{{{"@yearly", "0 0 0 1 1 *"},
                                           {"@annually", "0 0 0 1 1 *"},
                                           {"@monthly", "0 0 0 1 * *"},
                                           {"@weekly", "0 0 0 * * 0"},
                                           {"@daily", "0 0 0 * * *"},
                                           {"@midnight", "0 0 0 * * *"},
                                           {"@hourly", "0 0 * * * *"},
                                           {"@minutely", "0 * * * * *"},
                                           {"@secondly", "* * * * * *"},
                                           {"@weekdays", "0 0 0 * * 1-5"},
                                           {"@weekends", "0 0 0 * * 0,6"}}};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

std::vector<std::string_view> split_whitespace(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i])) ++i;
        const std::size_t start = i;
        while (i < s.size() && !is_space(s[i])) ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A number or (for month/day-of-week) a three-letter name; range-checked against the field.
tl::expected<int, std::string> parse_value(std::string_view text, const FieldSpec& f) {
    if (text.empty()) return tl::unexpected(fmt::format("{}: missing value", f.name));
    if (std::isdigit(static_cast<unsigned char>(text[0]))) {
        int v = 0;
        for (char c : text) {
            if (!std::isdigit(static_cast<unsigned char>(c)))
                return tl::unexpected(fmt::format("{}: invalid value \"{}\"", f.name, text));
            v = std::min(v * 10 + (c - '0'), 1000); // saturate: anything this big is out of range
        }
        if (v < f.min || v > f.max)
            return tl::unexpected(fmt::format("{}: value {} out of range {}-{}", f.name, text,
                                              f.min, f.max));
        return v;
    }
    const std::string name = lower(text);
    if (f.names == Names::months) {
        for (std::size_t i = 0; i < k_month_names.size(); ++i)
            if (name == k_month_names[i]) return static_cast<int>(i) + 1;
    } else if (f.names == Names::weekdays) {
        for (std::size_t i = 0; i < k_day_names.size(); ++i)
            if (name == k_day_names[i]) return static_cast<int>(i);
    }
    return tl::unexpected(fmt::format("{}: invalid value \"{}\"", f.name, text));
}

// The values one comma-separated atom selects, in [f.min, f.max] (day-of-week may hold 7).
struct Span {
    int first;
    int last;
    int step;
};

tl::expected<Span, std::string> parse_span(std::string_view atom, const FieldSpec& f) {
    const auto parts = split(atom, '/');
    if (parts.size() > 2) return tl::unexpected(fmt::format("{}: invalid step in \"{}\"", f.name, atom));
    Span span{f.min, f.max, 1};
    if (parts.size() == 2) {
        auto step = parse_value(parts[1], FieldSpec{f.name, 1, 1000, Names::none});
        if (!step || parts[1].empty() || !std::isdigit(static_cast<unsigned char>(parts[1][0])))
            return tl::unexpected(fmt::format("{}: step must be a positive integer in \"{}\"",
                                              f.name, atom));
        span.step = *step;
    }
    const std::string_view base = parts[0];
    if (base == "*" || base == "?") return span;
    const auto bounds = split(base, '-');
    if (bounds.size() > 2) return tl::unexpected(fmt::format("{}: invalid range \"{}\"", f.name, base));
    auto lo = parse_value(bounds[0], f);
    if (!lo) return tl::unexpected(lo.error());
    span.first = *lo;
    if (bounds.size() == 1) {
        // "5/15" means 5-max/15 (cron-parser); a plain "5" is just 5.
        span.last = parts.size() == 2 ? f.max : *lo;
        return span;
    }
    auto hi = parse_value(bounds[1], f);
    if (!hi) return tl::unexpected(hi.error());
    if (*lo > *hi)
        return tl::unexpected(fmt::format("{}: invalid range {}-{} (start after end)", f.name, *lo, *hi));
    span.last = *hi;
    return span;
}

// Parses one field into `bits` (bit i = value i). Day-of-week 7 is folded onto Sunday; a
// day-of-week range ending at 7 always includes Sunday, as in cron-parser.
template <std::size_t N>
tl::expected<void, std::string> parse_list(std::string_view text, const FieldSpec& f,
                                           std::bitset<N>& bits) {
    for (std::string_view atom : split(text, ',')) {
        if (atom.empty()) return tl::unexpected(fmt::format("{}: empty list item in \"{}\"", f.name, text));
        auto span = parse_span(atom, f);
        if (!span) return tl::unexpected(span.error());
        const bool dow = f.names == Names::weekdays;
        for (int v = span->first; v <= span->last; v += span->step)
            bits.set(static_cast<std::size_t>(dow ? v % 7 : v));
        if (dow && span->last == 7) bits.set(0);
    }
    return {};
}

// Day-of-month: numbers, ranges, steps and `L` (last day of the month) as list items.
tl::expected<void, std::string> parse_dom(std::string_view text, CronExpr& e) {
    std::string rest;
    for (std::string_view atom : split(text, ',')) {
        if (atom == "L" || atom == "l") {
            e.last_day_of_month = true;
            continue;
        }
        if (!rest.empty()) rest += ',';
        rest += atom;
    }
    e.dom_wildcard = text == "*" || text == "?";
    if (rest.empty() && e.last_day_of_month) return {};
    return parse_list(rest, k_dom, e.days_of_month);
}

// Day-of-week: names, 0-7, ranges, steps, `5L` (last Friday) items, or a lone `1#2` (2nd Monday).
tl::expected<void, std::string> parse_dow(std::string_view text, CronExpr& e) {
    e.dow_wildcard = text == "*" || text == "?";
    if (const auto hash = text.find('#'); hash != std::string_view::npos) {
        const auto day = parse_value(text.substr(0, hash), k_dow);
        const auto nth = parse_value(text.substr(hash + 1), FieldSpec{"day-of-week #", 1, 5, Names::none});
        if (!day) return tl::unexpected(day.error());
        if (!nth) return tl::unexpected(nth.error() + " (the occurrence after # must be 1-5)");
        e.days_of_week.set(static_cast<std::size_t>(*day % 7));
        e.nth_weekday = *nth;
        return {};
    }
    std::string rest;
    for (std::string_view atom : split(text, ',')) {
        if (atom.size() >= 2 && (atom.back() == 'L' || atom.back() == 'l')) {
            const auto day = parse_value(atom.substr(0, atom.size() - 1), k_dow);
            if (!day) return tl::unexpected(day.error() + " (before L)");
            e.last_weekdays.set(static_cast<std::size_t>(*day % 7));
            continue;
        }
        if (!rest.empty()) rest += ',';
        rest += atom;
    }
    if (rest.empty() && e.last_weekdays.any()) return {};
    return parse_list(rest, k_dow, e.days_of_week);
}

std::string_view expand_alias(std::string_view text) {
    for (const auto& alias : k_aliases)
        if (text == alias.name) return alias.expansion;
    return text;
}

} // namespace

tl::expected<CronExpr, std::string> parse_cron(std::string_view text) {
    std::size_t b = 0, e = text.size();
    while (b < e && is_space(text[b])) ++b;
    while (e > b && is_space(text[e - 1])) --e;
    const std::string_view trimmed = text.substr(b, e - b);
    if (trimmed.empty()) return tl::unexpected(std::string("empty cron expression"));
    auto fields = split_whitespace(expand_alias(trimmed));
    if (trimmed.front() == '@' && fields.size() == 1)
        return tl::unexpected(fmt::format("unknown cron alias \"{}\"", trimmed));
    if (fields.size() > 6)
        return tl::unexpected(fmt::format("too many fields ({}): expected 5 or 6", fields.size()));
    if (fields.size() < 5)
        return tl::unexpected(fmt::format("too few fields ({}): expected 5 or 6", fields.size()));
    if (fields.size() == 5) fields.insert(fields.begin(), "0"); // no seconds field: second 0

    CronExpr expr;
    const auto fail = [&](const std::string& why) {
        return tl::unexpected(fmt::format("invalid cron expression \"{}\": {}", trimmed, why));
    };
    if (auto r = parse_list(fields[0], k_second, expr.seconds); !r) return fail(r.error());
    if (auto r = parse_list(fields[1], k_minute, expr.minutes); !r) return fail(r.error());
    if (auto r = parse_list(fields[2], k_hour, expr.hours); !r) return fail(r.error());
    if (auto r = parse_dom(fields[3], expr); !r) return fail(r.error());
    if (auto r = parse_list(fields[4], k_month, expr.months); !r) return fail(r.error());
    if (auto r = parse_dow(fields[5], expr); !r) return fail(r.error());
    return expr;
}

} // namespace nanoclaw::scheduler
