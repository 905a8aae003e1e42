// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/usage.hpp"

#include <gtest/gtest.h>

namespace nanoclaw::proxy {
namespace {

constexpr std::string_view k_sse =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"model\":\"claude-x\","
    "\"usage\":{\"input_tokens\":25,\"output_tokens\":1,\"cache_creation_input_tokens\":7,"
    "\"cache_read_input_tokens\":3}}}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"message_delta\"}}\n"
    "\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
    "\"usage\":{\"output_tokens\":15}}\n"
    "\n"
    "event: message_stop\n"
    "data: {\"type\":\"message_stop\"}\n"
    "\n";

UsageRecord expected_sse_usage() {
    return UsageRecord{"", "claude-x", 25, 15, 7, 3};
}

TEST(UsageMeterTest, PicksFormatFromContentType) {
    EXPECT_EQ(UsageMeter::format_for("text/event-stream; charset=utf-8"), UsageMeter::Format::sse);
    EXPECT_EQ(UsageMeter::format_for("Application/JSON"), UsageMeter::Format::json);
    EXPECT_EQ(UsageMeter::format_for("text/plain"), UsageMeter::Format::none);
    EXPECT_EQ(UsageMeter::format_for(""), UsageMeter::Format::none);
}

TEST(UsageMeterTest, ReadsSseInOneChunk) {
    UsageMeter meter(UsageMeter::Format::sse);
    meter.feed(k_sse);
    EXPECT_EQ(meter.finish(), expected_sse_usage());
}

TEST(UsageMeterTest, ReadsSseSplitAtEveryByte) {
    UsageMeter meter(UsageMeter::Format::sse);
    for (char c : k_sse) meter.feed(std::string_view(&c, 1));
    EXPECT_EQ(meter.finish(), expected_sse_usage());
}

TEST(UsageMeterTest, AcceptsCrlfLinesAndDataWithoutSpace) {
    UsageMeter meter(UsageMeter::Format::sse);
    meter.feed("data:{\"type\":\"message_start\",\"message\":{\"model\":\"m\",\"usage\":"
               "{\"input_tokens\":2,\"output_tokens\":0}}}\r\n\r\n");
    EXPECT_EQ(meter.finish(), (UsageRecord{"", "m", 2, 0, 0, 0}));
}

TEST(UsageMeterTest, DeltaWithCumulativeInputReplacesStartValues) {
    UsageMeter meter(UsageMeter::Format::sse);
    meter.feed(k_sse.substr(0, k_sse.find("event: content_block_delta")));
    meter.feed("data: {\"type\":\"message_delta\",\"usage\":{\"input_tokens\":30,"
               "\"output_tokens\":9,\"cache_read_input_tokens\":null}}\n\n");
    EXPECT_EQ(meter.finish(), (UsageRecord{"", "claude-x", 30, 9, 7, 3}));
}

TEST(UsageMeterTest, IgnoresMalformedEventsAndOversizedLines) {
    UsageMeter meter(UsageMeter::Format::sse);
    meter.feed("data: {\"type\":\"message_delta\", broken\n\n");
    meter.feed("data: " + std::string(UsageMeter::k_max_line_bytes + 10, 'x') + "\n\n");
    meter.feed("data: [\"message_start\"]\n\n");
    EXPECT_EQ(meter.finish(), std::nullopt);
}

TEST(UsageMeterTest, ReadsJsonBody) {
    UsageMeter meter(UsageMeter::Format::json);
    meter.feed(R"({"id":"m","type":"message","model":"claude-y",)");
    meter.feed(R"("usage":{"input_tokens":11,"output_tokens":22,"cache_read_input_tokens":5}})");
    EXPECT_EQ(meter.finish(), (UsageRecord{"", "claude-y", 11, 22, 0, 5}));
}

TEST(UsageMeterTest, JsonWithoutUsageYieldsNothing) {
    UsageMeter meter(UsageMeter::Format::json);
    meter.feed(R"({"input_tokens":11})");
    EXPECT_EQ(meter.finish(), std::nullopt);
    UsageMeter broken(UsageMeter::Format::json);
    broken.feed(R"({"usage":)");
    EXPECT_EQ(broken.finish(), std::nullopt);
}

TEST(UsageMeterTest, NegativeAndNonIntegerCountsAreIgnored) {
    UsageMeter meter(UsageMeter::Format::json);
    meter.feed(R"({"model":"m","usage":{"input_tokens":-4,"output_tokens":"7"}})");
    EXPECT_EQ(meter.finish(), (UsageRecord{"", "m", 0, 0, 0, 0}));
}

// The meter reads the few fields it needs in one streaming pass (no tree is built); these pin
// the cases where such a pass could read differently from a parsed tree.
TEST(UsageMeterTest, RepeatedKeysTakeTheLastValueAsATreeWould) {
    UsageMeter meter(UsageMeter::Format::json);
    meter.feed(R"({"model":"old","usage":{"input_tokens":1,"output_tokens":2},)"
               R"("usage":{"input_tokens":5,"input_tokens":{"n":1}},"model":"new"})");
    // The second usage object replaces the first whole; its input_tokens ends as an object.
    EXPECT_EQ(meter.finish(), (UsageRecord{"", "new", 0, 0, 0, 0}));
}

TEST(UsageMeterTest, OnlyTopLevelUsageAndModelCount) {
    UsageMeter meter(UsageMeter::Format::json);
    meter.feed(R"({"content":[{"usage":{"input_tokens":99},"model":"inner"}],)"
               R"("meta":{"usage":{"output_tokens":98}},"usage":{"output_tokens":3},"model":"m"})");
    EXPECT_EQ(meter.finish(), (UsageRecord{"", "m", 0, 3, 0, 0}));
}

TEST(UsageMeterTest, UsageThatIsNotAnObjectReportsNothing) {
    for (const char* body : {R"({"model":"m","usage":[1,2]})", R"({"model":"m","usage":7})",
                             R"({"usage":{"input_tokens":1},"usage":null})"}) {
        UsageMeter meter(UsageMeter::Format::json);
        meter.feed(body);
        EXPECT_EQ(meter.finish(), std::nullopt) << body;
    }
}

TEST(UsageMeterTest, CountsBeyondInt64AndNonNumbersAreIgnored) {
    UsageMeter meter(UsageMeter::Format::json);
    meter.feed(R"({"model":7,"usage":{"input_tokens":18446744073709551615,"output_tokens":2.5,)"
               R"("cache_read_input_tokens":true,"cache_creation_input_tokens":9223372036854775807}})");
    EXPECT_EQ(meter.finish(), (UsageRecord{"", "", 0, 0, INT64_MAX, 0}));
}

TEST(UsageMeterTest, InvalidOrNonObjectDocumentsReportNothing) {
    for (const char* body : {R"({"usage":{"input_tokens":1}} trailing)", R"([{"usage":{}}])",
                             R"("usage")", "", R"({"usage":{"input_tokens":1})"}) {
        UsageMeter meter(UsageMeter::Format::json);
        meter.feed(body);
        EXPECT_EQ(meter.finish(), std::nullopt) << body;
    }
}

TEST(UsageMeterTest, SseEventFieldsInAnyOrderAndWrongTypes) {
    UsageMeter meter(UsageMeter::Format::sse);
    // "type" after the message it describes; then events whose type is not a string.
    meter.feed("data: {\"message\":{\"usage\":{\"input_tokens\":4},\"model\":\"m\"},"
               "\"type\":\"message_start\"}\n\n");
    meter.feed("data: {\"type\":1,\"x\":\"message_delta\",\"usage\":{\"output_tokens\":50}}\n\n");
    meter.feed("data: {\"type\":\"message_start\",\"message\":\"message_start\"}\n\n");
    meter.feed("data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":6}}\n\n");
    EXPECT_EQ(meter.finish(), (UsageRecord{"", "m", 4, 6, 0, 0}));
}

TEST(UsageMeterTest, FormatNoneNeverReports) {
    UsageMeter meter(UsageMeter::Format::none);
    meter.feed(k_sse);
    EXPECT_EQ(meter.finish(), std::nullopt);
}

} // namespace
} // namespace nanoclaw::proxy
