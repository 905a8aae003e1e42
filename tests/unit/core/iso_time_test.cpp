// SPDX-License-Identifier: MIT
#include "nanoclaw/core/iso_time.hpp"

#include <gtest/gtest.h>

using namespace nanoclaw::core;
using namespace std::chrono;

TEST(IsoTimeTest, FormatsLikeToIsoString) {
    EXPECT_EQ(format_iso(TimePoint{}), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_iso(TimePoint{milliseconds(1'704'067'200'123)}), "2024-01-01T00:00:00.123Z");
    // Sub-millisecond precision is truncated, never printed.
    EXPECT_EQ(format_iso(TimePoint{microseconds(1'704'067'200'123'999)}), "2024-01-01T00:00:00.123Z");
    EXPECT_EQ(format_iso(TimePoint{}).size(), 24u);
}

TEST(IsoTimeTest, RoundTrips) {
    const std::string s = "2026-06-15T12:34:56.789Z";
    auto t = parse_iso(s);
    ASSERT_TRUE(t);
    EXPECT_EQ(format_iso(*t), s);
}

TEST(IsoTimeTest, ParsesOffsetsAndDateOnly) {
    EXPECT_EQ(format_iso(*parse_iso("2024-01-01T05:00:00+05:00")), "2024-01-01T00:00:00.000Z");
    EXPECT_EQ(format_iso(*parse_iso("2024-01-01T00:00:00-0130")), "2024-01-01T01:30:00.000Z");
    EXPECT_EQ(format_iso(*parse_iso("2024-02-29")), "2024-02-29T00:00:00.000Z");
    EXPECT_EQ(format_iso(*parse_iso("2024-01-01T10:20Z")), "2024-01-01T10:20:00.000Z");
    EXPECT_EQ(format_iso(*parse_iso("2024-01-01T10:20:30.5Z")), "2024-01-01T10:20:30.500Z");
}

TEST(IsoTimeTest, RejectsGarbageAndLocalTimes) {
    for (const char* s : {"", "yesterday", "2024-13-01", "2024-02-30", "2024-01-01T25:00:00Z",
                          "2024-01-01T10:00:00", "2024-01-01T10:00:00Zjunk", "2024-01-01T10:00:00.Z"}) {
        EXPECT_FALSE(parse_iso(s).has_value()) << s;
    }
}

// Found by fuzz/schedule_fuzz: a stored next_run in year 1169 overflowed TimePoint's nanosecond
// count while parse_iso built its midnight (UBSan), and returned a time centuries off.
TEST(IsoTimeTest, RejectsDatesTimePointCannotHold) {
    for (const char* s : {"1169-01-01T00:00:00.000Z97", "1169-01-01T00:00:00.000Z", "0000-01-01",
                          "2263-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "1677-09-21"}) {
        EXPECT_FALSE(parse_iso(s).has_value()) << s;
    }
    EXPECT_EQ(format_iso(*parse_iso("2261-12-31T23:59:59.999Z")), "2261-12-31T23:59:59.999Z");
    EXPECT_EQ(format_iso(*parse_iso("1678-01-01")), "1678-01-01T00:00:00.000Z");
}

TEST(IsoTimeTest, FromUnixSecondsRefusesWhatTimePointCannotHold) {
    EXPECT_EQ(format_iso(*from_unix_seconds(0)), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_iso(*from_unix_seconds(1710000000)), "2024-03-09T16:00:00.000Z");
    EXPECT_EQ(format_iso(*from_unix_seconds(-86400)), "1969-12-31T00:00:00.000Z");
    EXPECT_TRUE(from_unix_seconds(9'223'372'036).has_value()); // 2262-04-11
    EXPECT_FALSE(from_unix_seconds(9'223'372'037).has_value());
    EXPECT_FALSE(from_unix_seconds(-9'223'372'037).has_value());
    EXPECT_FALSE(from_unix_seconds(176'722'565'600).has_value()); // a fuzzer-made Telegram date
}
