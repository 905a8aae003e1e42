// SPDX-License-Identifier: MIT
#include "nanoclaw/core/time_zone.hpp"

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::core {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

SysSeconds at(const char* iso) {
    return date::floor<seconds>(*parse_iso(iso));
}
LocalSeconds wall(const char* iso) {
    return LocalSeconds{at(iso).time_since_epoch()};
}
// Beyond system_clock's nanosecond range (2262), so built from days rather than parsed.
const SysSeconds k_far_future{date::sys_days{date::year{9999} / 1 / 1}};
const TimeZone& zone(const char* name) {
    auto z = TimeZone::locate(name);
    EXPECT_TRUE(z.has_value()) << name << ": " << (z ? "" : z.error());
    return **z;
}

// ---- TZif files built byte by byte ----

std::string be(std::int64_t v, int bytes) {
    std::string out;
    for (int i = bytes - 1; i >= 0; --i)
        out += static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xff);
    return out;
}

struct TypeSpec {
    std::int32_t utoff;
    bool dst;
    std::string abbrev;
};

std::string header(char version, std::size_t timecnt, std::size_t typecnt, std::size_t charcnt) {
    return "TZif" + std::string(1, version) + std::string(15, '\0') + be(0, 4) + be(0, 4) +
           be(0, 4) + be(static_cast<std::int64_t>(timecnt), 4) +
           be(static_cast<std::int64_t>(typecnt), 4) + be(static_cast<std::int64_t>(charcnt), 4);
}

// A version-2 file: a minimal 32-bit block (the reader skips it), then the real 64-bit data.
std::string tzif(const std::vector<std::int64_t>& times, const std::vector<int>& index,
                 const std::vector<TypeSpec>& types, const std::string& footer) {
    std::string out =
        header('2', 0, 1, 4) + be(0, 4) + std::string("\0\0", 2) + std::string("UTC\0", 4);
    std::string chars;
    std::string ttinfo;
    for (const auto& t : types) {
        ttinfo += be(t.utoff, 4) + std::string(1, t.dst ? '\1' : '\0') +
                  std::string(1, static_cast<char>(chars.size()));
        chars += t.abbrev + '\0';
    }
    out += header('2', times.size(), types.size(), chars.size());
    for (const auto t : times)
        out += be(t, 8);
    for (const auto i : index)
        out += static_cast<char>(i);
    return out + ttinfo + chars + "\n" + footer + "\n";
}

const std::vector<TypeSpec> k_two_types = {{3600, false, "AAA"}, {7200, true, "BBB"}};

TEST(TimeZoneTest, ReadsTransitionsAndTypes) {
    auto z = TimeZone::parse("Test/Zone", tzif({1000, 2000}, {1, 0}, k_two_types, ""));
    ASSERT_TRUE(z.has_value()) << z.error();
    const auto before = z->get_info(SysSeconds{seconds{999}});
    EXPECT_EQ(before.offset, seconds{3600}); // before the first transition: type 0
    EXPECT_EQ(before.end, SysSeconds{seconds{1000}});
    const auto mid = z->get_info(SysSeconds{seconds{1000}});
    EXPECT_EQ(mid.offset, seconds{7200});
    EXPECT_TRUE(mid.is_dst);
    EXPECT_EQ(mid.abbrev, "BBB");
    EXPECT_EQ(mid.begin, SysSeconds{seconds{1000}});
    EXPECT_EQ(mid.end, SysSeconds{seconds{2000}});
    const auto last = z->get_info(SysSeconds{seconds{5'000'000'000}}); // no footer: type stays
    EXPECT_EQ(last.abbrev, "AAA");
    EXPECT_EQ(last.begin, SysSeconds{seconds{2000}});
    EXPECT_GT(last.end, k_far_future);
}

// From fuzz/tzif_fuzz (a harness assumption, not a defect): in a crafted zone a wall time can
// occur three times; the lookup reports the earliest two occurrences, both holding that time.
TEST(TimeZoneTest, WallTimeOccurringThreeTimesReportsTheFirstTwo) {
    const std::vector<TypeSpec> types = {{21208, false, "AAA"}, {1536, false, "BBB"}, {0, false, "CCC"}};
    auto z = TimeZone::parse("Test/Zone", tzif({-5632, 0, 11008}, {1, 2, 1}, types, ""));
    ASSERT_TRUE(z.has_value()) << z.error();
    const auto wall = z->get_info(LocalSeconds{seconds{1000}});
    EXPECT_EQ(wall.result, LocalSpan::ambiguous);
    EXPECT_EQ(wall.first.offset, seconds{21208});
    EXPECT_EQ(wall.second.offset, seconds{1536});
    EXPECT_EQ(z->get_info(SysSeconds{seconds{1000}}).offset, seconds{0}); // the third
}

TEST(TimeZoneTest, WithoutTransitionsTheFooterRulesAllTime) {
    auto z = TimeZone::parse("Test/Zone", tzif({}, {}, {{0, false, "XXX"}}, "<+03>-3"));
    ASSERT_TRUE(z.has_value()) << z.error();
    EXPECT_EQ(z->get_info(at("1950-06-01T00:00:00Z")).offset, hours{3});
    EXPECT_EQ(z->get_info(at("1950-06-01T00:00:00Z")).abbrev, "+03");
}

TEST(TimeZoneTest, RejectsMalformedFiles) {
    const std::string good = tzif({1000}, {1}, k_two_types, "AAA-1");
    ASSERT_TRUE(TimeZone::parse("z", good).has_value());
    const auto error_of = [](const std::string& bytes) {
        auto z = TimeZone::parse("z", bytes);
        return z ? std::string("parsed") : z.error();
    };
    EXPECT_EQ(error_of(""), "not a TZif file");
    EXPECT_EQ(error_of("TZjf" + good.substr(4)), "not a TZif file");
    for (std::size_t cut : {std::size_t{30}, std::size_t{60}, good.size() - 30, good.size() - 1})
        EXPECT_NE(error_of(good.substr(0, cut)), "parsed") << "cut at " << cut;
    EXPECT_EQ(error_of(tzif({2000, 1000}, {0, 1}, k_two_types, "")),
              "TZif transitions out of order");
    EXPECT_EQ(error_of(tzif({1000}, {2}, k_two_types, "")), "TZif type index out of range");
    // Found by the tzif fuzz harness: a transition near INT64_MAX overflowed span end + offset.
    EXPECT_EQ(error_of(tzif({1000, INT64_MAX - 103}, {0, 1}, k_two_types, "")),
              "TZif transition time out of range");
    EXPECT_EQ(error_of(tzif({INT64_MIN}, {1}, k_two_types, "")),
              "TZif transition time out of range");
    // zic's "big bang" time, -2^59, is a real file's first transition and stays valid.
    EXPECT_EQ(error_of(tzif({-(std::int64_t{1} << 59), 1000}, {0, 1}, k_two_types, "")), "parsed");
    EXPECT_EQ(error_of(tzif({}, {}, {{100000, false, "AAA"}}, "")), "bad TZif local time type");
    EXPECT_NE(error_of(tzif({}, {}, {{0, false, "AAA"}}, "not a rule")).find("bad TZ rule"),
              std::string::npos);
    std::string no_footer = tzif({}, {}, {{0, false, "AAA"}}, "");
    no_footer.resize(no_footer.size() - 2);
    EXPECT_EQ(error_of(no_footer), "bad TZif footer");
    // No type at all: a header count of zero.
    EXPECT_EQ(error_of(header('2', 0, 0, 4) + "UTC"), "bad TZif header counts");
}

TEST(TimeZoneTest, LocateRejectsNamesThatAreNotZones) {
    for (const char* name : {"", "Not/AZone", "../../etc/passwd", "/usr/share/zoneinfo/UTC",
                             "Europe/../UTC", "Europe//London", "Europe/", "Europe", "zone.tab",
                             "Europe/London ", "posix/Europe/London", "right/UTC", ".hidden"}) {
        const auto z = TimeZone::locate(name);
        ASSERT_FALSE(z.has_value()) << name;
        EXPECT_NE(z.error().find("unknown time zone \"" + std::string(name) + "\""),
                  std::string::npos)
            << z.error();
    }
}

TEST(TimeZoneTest, LocateCachesAndKeepsPointersValid) {
    const auto a = TimeZone::locate("Europe/Paris");
    const auto b = TimeZone::locate("Europe/Paris");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    EXPECT_EQ((*a)->name(), "Europe/Paris");
    EXPECT_EQ(zone("UTC").get_info(at("2026-06-01T00:00:00Z")).offset, seconds{0});
    EXPECT_EQ(zone("Etc/GMT+3").get_info(at("2026-06-01T00:00:00Z")).offset, hours{-3});
}

TEST(TimeZoneTest, LocateOrUtcFallsBackToUtcForZonesThatDoNotLoad) {
    EXPECT_EQ(TimeZone::locate_or_utc("Europe/London").name(), "Europe/London");
    EXPECT_EQ(TimeZone::locate_or_utc("Not/AZone").name(), "UTC");
    EXPECT_EQ(TimeZone::locate_or_utc("../../etc/passwd").name(), "UTC");
}

TEST(TimeZoneTest, NewYorkSpringForwardAndFallBack) {
    const auto& ny = zone("America/New_York");
    const auto winter = ny.get_info(at("2026-03-08T06:59:59Z"));
    EXPECT_EQ(winter.offset, hours{-5});
    EXPECT_EQ(winter.abbrev, "EST");
    EXPECT_EQ(winter.end, at("2026-03-08T07:00:00Z"));
    EXPECT_EQ(ny.get_info(at("2026-03-08T07:00:00Z")).abbrev, "EDT");

    const auto gap = ny.get_info(wall("2026-03-08T02:30:00Z"));
    EXPECT_EQ(gap.result, LocalSpan::nonexistent);
    EXPECT_EQ(gap.first.offset, hours{-5});
    EXPECT_EQ(gap.second.offset, hours{-4});
    EXPECT_EQ(gap.second.begin, at("2026-03-08T07:00:00Z"));

    const auto overlap = ny.get_info(wall("2026-11-01T01:30:00Z"));
    EXPECT_EQ(overlap.result, LocalSpan::ambiguous);
    EXPECT_EQ(overlap.first.offset, hours{-4});
    EXPECT_EQ(overlap.second.offset, hours{-5});
    EXPECT_EQ(overlap.second.begin, at("2026-11-01T06:00:00Z"));

    const auto plain = ny.get_info(wall("2026-07-01T12:00:00Z"));
    EXPECT_EQ(plain.result, LocalSpan::unique);
    EXPECT_EQ(plain.first.offset, hours{-4});
    EXPECT_EQ(ny.to_local(at("2026-07-01T16:00:00Z")), wall("2026-07-01T12:00:00Z"));
}

// Expected values from Python's zoneinfo (which also evaluates the footer) on the same tzdata.
TEST(TimeZoneTest, FooterRulesGovernTimesAfterTheTable) {
    const auto& ny = zone("America/New_York");
    const auto summer_2040 = ny.get_info(at("2040-07-01T00:00:00Z"));
    EXPECT_EQ(summer_2040.offset, hours{-4});
    EXPECT_EQ(summer_2040.begin, at("2040-03-11T07:00:00Z"));
    EXPECT_EQ(summer_2040.end, at("2040-11-04T06:00:00Z"));
    EXPECT_EQ(summer_2040.abbrev, "EDT");

    // Southern hemisphere: daylight time spans the new year.
    const auto& sydney = zone("Australia/Sydney");
    const auto summer_2045 = sydney.get_info(at("2045-01-15T00:00:00Z"));
    EXPECT_EQ(summer_2045.offset, hours{11});
    EXPECT_EQ(summer_2045.begin, at("2044-10-01T16:00:00Z"));
    EXPECT_EQ(summer_2045.end, at("2045-04-01T16:00:00Z"));

    // Israel's rule uses hour 26 of a Thursday (RFC 8536's extension).
    const auto& jerusalem = zone("Asia/Jerusalem");
    EXPECT_EQ(jerusalem.get_info(at("2050-06-01T00:00:00Z")).begin, at("2050-03-25T00:00:00Z"));
    EXPECT_EQ(jerusalem.get_info(at("2050-06-01T00:00:00Z")).end, at("2050-10-29T23:00:00Z"));

    const auto& london = zone("Europe/London");
    EXPECT_EQ(london.get_info(at("2100-05-01T00:00:00Z")).begin, at("2100-03-28T01:00:00Z"));
    const auto gap = london.get_info(wall("2100-03-28T01:30:00Z"));
    EXPECT_EQ(gap.result, LocalSpan::nonexistent);
    EXPECT_EQ(gap.second.begin, at("2100-03-28T01:00:00Z"));
}

TEST(PosixRuleTest, ParsesTheRfc8536Dialect) {
    const auto floor = at("2000-01-01T00:00:00Z");
    const auto fixed = PosixRule::parse("<+0530>-5:30");
    ASSERT_TRUE(fixed.has_value()) << fixed.error();
    EXPECT_FALSE(fixed->has_dst());
    EXPECT_EQ(fixed->span_at(at("2030-01-01T00:00:00Z"), floor).offset, seconds{5 * 3600 + 1800});
    EXPECT_EQ(fixed->span_at(at("2030-01-01T00:00:00Z"), floor).abbrev, "+0530");

    // No rule after the daylight name: the US rule.
    const auto us = PosixRule::parse("CST6CDT");
    ASSERT_TRUE(us.has_value());
    EXPECT_EQ(us->span_at(at("2030-07-01T00:00:00Z"), floor).begin, at("2030-03-10T08:00:00Z"));

    // Julian days without Feb 29: J60 is March 1 in every year.
    const auto julian = PosixRule::parse("AAA0BBB,J60/0,J300/0");
    ASSERT_TRUE(julian.has_value());
    EXPECT_EQ(julian->span_at(at("2028-06-01T00:00:00Z"), floor).begin, at("2028-03-01T00:00:00Z"));
    // Zero-based days count Feb 29: day 60 is March 1 in a leap year, March 2 otherwise.
    const auto zero_based = PosixRule::parse("AAA0BBB,60/0,300/0");
    ASSERT_TRUE(zero_based.has_value());
    EXPECT_EQ(zero_based->span_at(at("2028-06-01T00:00:00Z"), floor).begin,
              at("2028-03-01T00:00:00Z"));
    EXPECT_EQ(zero_based->span_at(at("2027-06-01T00:00:00Z"), floor).begin,
              at("2027-03-02T00:00:00Z"));
}

TEST(PosixRuleTest, DaylightTimeAllYearHasNoTransitions) {
    // RFC 8536 §3.3.1's example: the rule's end meets next year's start.
    const auto rule = PosixRule::parse("EST5EDT4,0/0,J365/25");
    ASSERT_TRUE(rule.has_value()) << rule.error();
    const auto floor = at("2000-01-01T00:00:00Z");
    for (const char* t : {"2030-01-01T05:00:00Z", "2030-06-01T00:00:00Z", "2030-12-31T23:00:00Z"}) {
        const auto span = rule->span_at(at(t), floor);
        EXPECT_EQ(span.offset, hours{-4}) << t;
        EXPECT_EQ(span.begin, floor) << t;
        EXPECT_GT(span.end, k_far_future) << t;
    }
}

TEST(PosixRuleTest, RejectsMalformedRules) {
    for (const char* text :
         {"", "E5", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0", "<+03", "<+0@>-3",
          "EST5EDT,M3.2.0,M11.1.0x", "EST5EDT,M3.2.0/168,M11.1.0", "EST5EDT,J0,J365",
          "EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0", "EST25", "EST5:60"}) {
        const auto rule = PosixRule::parse(text);
        EXPECT_FALSE(rule.has_value()) << text;
        if (!rule) {
            EXPECT_NE(rule.error().find("bad TZ rule"), std::string::npos);
        }
    }
}

} // namespace
} // namespace nanoclaw::core
