// SPDX-License-Identifier: MIT
#include "nanoclaw/router/local_time.hpp"

#include <gtest/gtest.h>

using namespace nanoclaw::router;

// --- catalog: timezone › formatLocalTime ---

TEST(FormatLocalTimeTest, ConvertsUtcToNewYorkDisplay) {
    EXPECT_EQ(format_local_time("2026-02-04T18:30:00.000Z", "America/New_York"),
              "Feb 4, 2026, 1:30 PM");
}

TEST(FormatLocalTimeTest, HandlesDifferentZonesIncludingDst) {
    EXPECT_EQ(format_local_time("2026-06-15T12:00:00.000Z", "America/New_York"),
              "Jun 15, 2026, 8:00 AM");
    EXPECT_EQ(format_local_time("2026-06-15T12:00:00.000Z", "Asia/Tokyo"), "Jun 15, 2026, 9:00 PM");
}

TEST(FormatLocalTimeTest, InvalidZoneFallsBackToUtc) {
    EXPECT_EQ(format_local_time("2026-01-01T12:00:00.000Z", "IST-2"), "Jan 1, 2026, 12:00 PM");
    EXPECT_EQ(format_local_time("2026-01-01T12:00:00.000Z", ""), "Jan 1, 2026, 12:00 PM");
    EXPECT_EQ(format_local_time("2026-01-01T12:00:00.000Z", "../../etc/passwd"),
              "Jan 1, 2026, 12:00 PM");
}

// --- spec 10 §6 shape ---

TEST(FormatLocalTimeTest, MidnightIsTwelveAm) {
    EXPECT_EQ(format_local_time("2024-01-01T00:00:00.000Z", "UTC"), "Jan 1, 2024, 12:00 AM");
}

TEST(FormatLocalTimeTest, NoonIsTwelvePmAndMinutesArePadded) {
    EXPECT_EQ(format_local_time("2024-12-31T12:05:59.999Z", "UTC"), "Dec 31, 2024, 12:05 PM");
    EXPECT_EQ(format_local_time("2024-01-01T18:30:00.000Z", "America/New_York"),
              "Jan 1, 2024, 1:30 PM");
}

TEST(FormatLocalTimeTest, ConversionCanChangeTheDate) {
    EXPECT_EQ(format_local_time("2024-01-01T02:00:00.000Z", "America/Los_Angeles"),
              "Dec 31, 2023, 6:00 PM");
    EXPECT_EQ(format_local_time("2024-02-28T20:00:00.000Z", "Asia/Kolkata"),
              "Feb 29, 2024, 1:30 AM");
}

TEST(FormatLocalTimeTest, AcceptsExplicitOffsetsAndDateOnly) {
    EXPECT_EQ(format_local_time("2024-01-01T05:30:00+05:30", "UTC"), "Jan 1, 2024, 12:00 AM");
    EXPECT_EQ(format_local_time("2024-03-05", "UTC"), "Mar 5, 2024, 12:00 AM");
}

TEST(FormatLocalTimeTest, OffsetLessTimeIsWallClockInTheDisplayZone) {
    EXPECT_EQ(format_local_time("2024-07-01T09:15:00", "Europe/Berlin"), "Jul 1, 2024, 9:15 AM");
    EXPECT_EQ(format_local_time("2024-07-01T09:15", "UTC"), "Jul 1, 2024, 9:15 AM");
}

TEST(FormatLocalTimeTest, SkippedWallTimeUsesTheOffsetBeforeTheTransitionLikeJavaScript) {
    // 02:30 does not exist on 2024-03-10 in New York; ECMAScript reads it with EST -> 03:30 EDT.
    EXPECT_EQ(format_local_time("2024-03-10T02:30:00", "America/New_York"),
              "Mar 10, 2024, 3:30 AM");
}

TEST(FormatLocalTimeTest, RepeatedWallTimeTakesTheEarlierInstant) {
    // 01:30 happens twice on 2024-11-03 in New York; both render the same wall time.
    EXPECT_EQ(format_local_time("2024-11-03T01:30:00", "America/New_York"), "Nov 3, 2024, 1:30 AM");
    EXPECT_EQ(format_local_time("2024-11-03T05:30:00.000Z", "America/New_York"),
              "Nov 3, 2024, 1:30 AM");
    EXPECT_EQ(format_local_time("2024-11-03T06:30:00.000Z", "America/New_York"),
              "Nov 3, 2024, 1:30 AM");
}

TEST(FormatLocalTimeTest, UnparseableInputIsInvalidDate) {
    for (const char* bad :
         {"", "not a date", "2024-13-01T00:00:00Z", "2024-02-30", "2024-01-01T25:00Z",
          "2024-01-01T00:00:00.000ZZ", "\xFF\xFE", "1704067200000"}) {
        EXPECT_EQ(format_local_time(bad, "UTC"), "Invalid Date") << bad;
    }
}

TEST(FormatLocalTimeTest, HugeInputIsInvalidDateWithoutCrashing) {
    const std::string huge = "2024-01-01T00:00:00" + std::string(1 << 20, '9') + "Z";
    EXPECT_EQ(format_local_time(huge, "UTC"), "Invalid Date");
    const std::string long_fraction = "2024-01-01T00:00:00." + std::string(1 << 20, '9') + "Z";
    EXPECT_EQ(format_local_time(long_fraction, "UTC"), "Jan 1, 2024, 12:00 AM");
}

// --- catalog: timezone › resolveTimezone ---

TEST(ResolveTimezoneTest, KeepsValidZones) {
    EXPECT_EQ(resolve_timezone("America/New_York"), "America/New_York");
    EXPECT_EQ(resolve_timezone("UTC"), "UTC");
    EXPECT_EQ(resolve_timezone("Asia/Jerusalem"), "Asia/Jerusalem");
}

TEST(ResolveTimezoneTest, FallsBackToUtcForInvalidZones) {
    EXPECT_EQ(resolve_timezone("IST-2"), "UTC");
    EXPECT_EQ(resolve_timezone("XYZ+3"), "UTC");
    EXPECT_EQ(resolve_timezone("NotATimezone"), "UTC");
    EXPECT_EQ(resolve_timezone(""), "UTC");
}
