// SPDX-License-Identifier: MIT
// Helpers for the cron tests: next fire times as ISO text from ISO text, in a named zone.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/time_zone.hpp"
#include "nanoclaw/scheduler/cron.hpp"

namespace nanoclaw::scheduler::testing {

/// The next `count` fire times of `expr` after `from` in `zone` (ISO, UTC); "none" when exhausted.
inline std::vector<std::string> next_times(const std::string& expr, const std::string& from,
                                           const std::string& zone = "UTC", int count = 1) {
    const auto parsed = parse_cron(expr);
    EXPECT_TRUE(parsed.has_value()) << expr << ": " << (parsed ? "" : parsed.error());
    std::vector<std::string> out;
    if (!parsed) return out;
    const auto* tz = *core::TimeZone::locate(zone);
    auto at = core::parse_iso(from);
    EXPECT_TRUE(at.has_value()) << from;
    for (int i = 0; i < count && at; ++i) {
        at = parsed->next_after(*at, *tz);
        out.push_back(at ? core::format_iso(*at) : "none");
    }
    return out;
}

/// The single next fire time (see next_times).
inline std::string next_time(const std::string& expr, const std::string& from,
                             const std::string& zone = "UTC") {
    const auto v = next_times(expr, from, zone, 1);
    return v.empty() ? "parse error" : v.front();
}

} // namespace nanoclaw::scheduler::testing
