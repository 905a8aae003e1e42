// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "nanoclaw/scheduler/summary.hpp"

namespace nanoclaw::scheduler {
namespace {

TEST(SummaryTest, TruncatesToCodePointsNotBytes) {
    std::string text;
    for (int i = 0; i < 150; ++i) text += "é"; // 2 bytes each
    for (int i = 0; i < 100; ++i) text += "😀"; // 4 bytes each
    const auto cut = truncate_code_points(text);
    EXPECT_EQ(cut.size(), 150u * 2 + 50u * 4);
    EXPECT_EQ(cut.substr(cut.size() - 4), "😀");
}

TEST(SummaryTest, ShortTextIsUnchanged) {
    EXPECT_EQ(truncate_code_points("hello"), "hello");
    EXPECT_EQ(truncate_code_points(std::string(200, 'a')), std::string(200, 'a'));
    EXPECT_EQ(truncate_code_points(std::string(201, 'a')), std::string(200, 'a'));
    EXPECT_EQ(truncate_code_points("", 0), "");
    EXPECT_EQ(truncate_code_points("abc", 0), "");
}

TEST(SummaryTest, StrayContinuationBytesStayWithTheirCharacter) {
    const std::string text = std::string("a\x80\x80") + "b";
    EXPECT_EQ(truncate_code_points(text, 1), "a\x80\x80");
}

TEST(SummaryTest, RunSummaryRules) {
    EXPECT_EQ(run_summary(std::string("boom"), std::string("partial")), "Error: boom");
    EXPECT_EQ(run_summary(std::nullopt, std::string(250, 'x')), std::string(200, 'x'));
    EXPECT_EQ(run_summary(std::nullopt, std::nullopt), "Completed");
    EXPECT_EQ(run_summary(std::nullopt, std::string()), "Completed");
    EXPECT_EQ(run_summary(std::string(), std::string("ok")), "ok");
}

} // namespace
} // namespace nanoclaw::scheduler
