// SPDX-License-Identifier: MIT
// core::TimeZone against Howard Hinnant's tz library (what the daemon used before) on every zone
// the OS ships: every span from 1900 to 2037 and wall times around every transition. After 2037
// the library repeats the last table entry (it does not read the footer), so later years are
// checked against the table itself: the Gregorian calendar repeats every 28 years in this range.
#include <date/tz.h>
#include <gtest/gtest.h>

#include "nanoclaw/core/time_zone.hpp"

namespace nanoclaw::core {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const SysSeconds k_from{date::sys_days{date::year{1900} / 1 / 1}};
const SysSeconds k_until{date::sys_days{date::year{2037} / 1 / 1}};

TEST(TimeZoneCrossCheck, AgreesWithTheTzLibraryOnEveryZone) {
    const auto& db = date::get_tzdb();
    ASSERT_GT(db.zones.size(), 300u);
    std::size_t spans = 0, walls = 0;
    for (const auto& lib : db.zones) {
        const auto ours = TimeZone::locate(lib.name());
        ASSERT_TRUE(ours.has_value()) << ours.error();
        const TimeZone& z = **ours;
        SysSeconds t = k_from;
        while (t < k_until) {
            const auto expected = lib.get_info(t);
            const auto got = z.get_info(t);
            ++spans;
            ASSERT_EQ(got.offset, expected.offset)
                << lib.name() << " at " << date::format("%F %T", t) << " ours "
                << date::format("%F %T", got.begin) << ".." << date::format("%F %T", got.end)
                << " lib " << date::format("%F %T", expected.begin) << ".."
                << date::format("%F %T", expected.end);
            ASSERT_EQ(got.is_dst, expected.save != minutes{0}) << lib.name();
            ASSERT_EQ(got.abbrev, expected.abbrev) << lib.name();
            if (expected.begin > k_from) {
                ASSERT_EQ(got.begin, expected.begin) << lib.name();
            }
            if (expected.end < k_until) {
                ASSERT_EQ(got.end, expected.end)
                    << lib.name() << " at " << date::format("%F %T", t) << " ours "
                    << date::format("%F %T", got.begin) << ".." << date::format("%F %T", got.end)
                    << " lib " << date::format("%F %T", expected.begin) << ".."
                    << date::format("%F %T", expected.end);
            }
            // Wall times around the transition that ends this span.
            const auto local_end = expected.end + expected.offset;
            for (minutes d = -hours{3}; d <= hours{3} && expected.end < k_until; d += minutes{20}) {
                const LocalSeconds w{(local_end + d).time_since_epoch()};
                const auto e = lib.get_info(w);
                const auto g = z.get_info(w);
                ++walls;
                ASSERT_EQ(static_cast<int>(g.result), static_cast<int>(e.result))
                    << lib.name() << " wall " << date::format("%F %T", w);
                ASSERT_EQ(g.first.offset, e.first.offset) << lib.name();
                if (e.result != date::local_info::unique) {
                    ASSERT_EQ(g.second.offset, e.second.offset) << lib.name();
                    ASSERT_EQ(g.second.begin, e.second.begin) << lib.name();
                }
            }
            t = expected.end;
        }
    }
    EXPECT_GT(spans, 30'000u);
    EXPECT_GT(walls, 500'000u);
}

TEST(TimeZoneCrossCheck, FooterRulesContinueTheTable) {
    constexpr date::days k_28_years{10227}; // 28 Gregorian years without a skipped leap day
    for (const auto& lib : date::get_tzdb().zones) {
        // Zones whose table runs past 2037 (Morocco's listed Ramadan changes) have nothing to
        // compare: the footer starts later.
        if (lib.get_info(SysSeconds{date::sys_days{date::year{2040} / 1 / 1}}).end <
            SysSeconds{date::sys_days{date::year{3000} / 1 / 1}}) {
            continue;
        }
        const TimeZone& z = **TimeZone::locate(lib.name());
        for (SysSeconds t{date::sys_days{date::year{2027} / 1 / 1}}; t < k_until; t += hours{101}) {
            const auto table = z.get_info(t);
            const auto rule = z.get_info(t + k_28_years);
            ASSERT_EQ(rule.offset, table.offset)
                << lib.name() << " at " << date::format("%F %T", t + k_28_years);
            ASSERT_EQ(rule.abbrev, table.abbrev) << lib.name();
        }
    }
}

} // namespace
} // namespace nanoclaw::core
