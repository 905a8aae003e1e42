// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "nanoclaw/scheduler/cron.hpp"

namespace nanoclaw::scheduler {
namespace {

std::string error_of(std::string_view expr) {
    const auto r = parse_cron(expr);
    return r ? std::string("accepted") : r.error();
}

TEST(CronParseTest, FiveFieldsImplySecondZero) {
    const auto e = parse_cron("*/15 9-17 * * 1-5");
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->seconds.count(), 1u);
    EXPECT_TRUE(e->seconds.test(0));
    EXPECT_EQ(e->minutes.count(), 4u);
    EXPECT_TRUE(e->minutes.test(45));
    EXPECT_EQ(e->hours.count(), 9u);
    EXPECT_TRUE(e->dom_wildcard);
    EXPECT_FALSE(e->dow_wildcard);
    EXPECT_EQ(e->days_of_week.to_ulong(), 0b0111110u);
}

TEST(CronParseTest, SixFieldsStartWithSeconds) {
    const auto e = parse_cron("30 */20 * * * *");
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->seconds.count(), 1u);
    EXPECT_TRUE(e->seconds.test(30));
    EXPECT_EQ(e->minutes.count(), 3u);
    EXPECT_TRUE(e->hours.all());
}

TEST(CronParseTest, NamesAreCaseInsensitiveAndSevenIsSunday) {
    const auto e = parse_cron("0 0 * JAN-mar,Dec sun,Wed,7");
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->months.to_ulong(), (1u << 1) | (1u << 2) | (1u << 3) | (1u << 12));
    EXPECT_EQ(e->days_of_week.to_ulong(), (1u << 0) | (1u << 3));
}

TEST(CronParseTest, DayOfWeekRangeEndingAtSevenIncludesSunday) {
    const auto e = parse_cron("0 0 * * 5-7");
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->days_of_week.to_ulong(), (1u << 0) | (1u << 5) | (1u << 6));
    // cron-parser adds Sunday for any range ending at 7, even when the step skips 7.
    EXPECT_EQ(parse_cron("0 0 * * 2-7/2")->days_of_week.to_ulong(),
              (1u << 0) | (1u << 2) | (1u << 4) | (1u << 6));
}

TEST(CronParseTest, StepFromSingleValueRunsToFieldMaximum) {
    const auto e = parse_cron("5/20 * * * *");
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->minutes.count(), 3u);
    EXPECT_TRUE(e->minutes.test(5) && e->minutes.test(25) && e->minutes.test(45));
}

TEST(CronParseTest, QuestionMarkIsAWildcard) {
    const auto e = parse_cron("0 12 ? * MON");
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE(e->dom_wildcard);
    EXPECT_FALSE(e->dow_wildcard);
}

TEST(CronParseTest, StarWithStepIsNotAWildcardForTheDayRule) {
    const auto e = parse_cron("0 0 */1 * 1");
    ASSERT_TRUE(e.has_value());
    EXPECT_FALSE(e->dom_wildcard);
}

TEST(CronParseTest, LastDayAndLastWeekdayAndNth) {
    const auto l = parse_cron("0 0 1,L * *");
    ASSERT_TRUE(l.has_value());
    EXPECT_TRUE(l->last_day_of_month);
    EXPECT_TRUE(l->days_of_month.test(1));
    const auto fl = parse_cron("0 0 * * 5L");
    ASSERT_TRUE(fl.has_value());
    EXPECT_TRUE(fl->last_weekdays.test(5));
    EXPECT_TRUE(fl->days_of_week.none());
    const auto nth = parse_cron("0 0 * * MON#2");
    ASSERT_TRUE(nth.has_value());
    EXPECT_EQ(nth->nth_weekday, 2);
    EXPECT_TRUE(nth->days_of_week.test(1));
}

TEST(CronParseTest, AliasesExpand) {
    for (const char* alias : {"@yearly", "@annually", "@monthly", "@weekly", "@daily",
                              "@midnight", "@hourly", "@minutely", "@secondly", "@weekdays",
                              "@weekends"}) {
        EXPECT_TRUE(parse_cron(alias).has_value()) << alias;
    }
    const auto weekly = parse_cron("@weekly");
    EXPECT_EQ(weekly->days_of_week.to_ulong(), 1u);
    EXPECT_EQ(parse_cron("@hourly")->hours.count(), 24u);
    EXPECT_EQ(parse_cron("@daily")->hours.count(), 1u);
}

TEST(CronParseTest, SurroundingWhitespaceAndTabsAreIgnored) {
    EXPECT_TRUE(parse_cron("  0 9 * * *\n").has_value());
    EXPECT_TRUE(parse_cron("\t0\t9  *  * *").has_value());
    EXPECT_TRUE(parse_cron(" @daily ").has_value());
}

TEST(CronParseTest, FieldCountErrors) {
    EXPECT_NE(error_of("0 0 0 * * * *").find("too many fields (7)"), std::string::npos);
    EXPECT_NE(error_of("not a cron").find("too few fields (3)"), std::string::npos);
    EXPECT_EQ(error_of(""), "empty cron expression");
    EXPECT_EQ(error_of("   "), "empty cron expression");
    EXPECT_NE(error_of("@fortnightly").find("unknown cron alias"), std::string::npos);
}

TEST(CronParseTest, OutOfRangeValuesNameTheField) {
    EXPECT_NE(error_of("60 * * * *").find("minute: value 60 out of range 0-59"), std::string::npos);
    EXPECT_NE(error_of("0 24 * * *").find("hour: value 24 out of range"), std::string::npos);
    EXPECT_NE(error_of("0 0 0 * *").find("day-of-month: value 0"), std::string::npos);
    EXPECT_NE(error_of("0 0 32 * *").find("day-of-month"), std::string::npos);
    EXPECT_NE(error_of("0 0 * 13 *").find("month: value 13"), std::string::npos);
    EXPECT_NE(error_of("0 0 * * 8").find("day-of-week: value 8"), std::string::npos);
    EXPECT_NE(error_of("60 0 0 * * *").find("second: value 60"), std::string::npos);
    EXPECT_NE(error_of("99999999999 * * * *").find("out of range"), std::string::npos);
}

TEST(CronParseTest, MalformedFieldsAreRejected) {
    for (const char* bad :
         {"*/0 * * * *", "*/ * * * *", "*/x * * * *", "1-2-3 * * * *", "5-1 * * * *", "1,,2 * * * *",
          ",1 * * * *", "1- * * * *", "-1 * * * *", "*/5/2 * * * *", "a * * * *", "0 0 * JANUARY *",
          "0 0 * * MON-FUNDAY", "0 0 15L * *", "0 0 * * L", "0 0 * * 1#6", "0 0 * * 1#0",
          "0 0 * * 1-5#2", "0 0 * * 9L", "0 0 * MON *", "0 0 * * JAN", "1.5 * * * *",
          "+1 * * * *", "0 0 H * *", "*-5 * * * *"}) {
        EXPECT_FALSE(parse_cron(bad).has_value()) << bad;
    }
}

TEST(CronParseTest, ErrorMessageQuotesTheExpression) {
    EXPECT_EQ(error_of("0 0 * * 8"),
              "invalid cron expression \"0 0 * * 8\": day-of-week: value 8 out of range 0-7");
}

} // namespace
} // namespace nanoclaw::scheduler
