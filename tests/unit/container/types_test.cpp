// SPDX-License-Identifier: MIT
#include "nanoclaw/container/types.hpp"

#include <gtest/gtest.h>

namespace nanoclaw::container {
namespace {

TEST(ContainerInputTest, CompactJsonInV1KeyOrderWithoutAbsentKeys) {
    ContainerInput in{"Hello", std::nullopt, "test-group", "test@g.us", false, std::nullopt,
                      std::nullopt, std::nullopt};
    EXPECT_EQ(to_json_text(in),
              R"({"prompt":"Hello","groupFolder":"test-group","chatJid":"test@g.us","isMain":false})");
    in.session_id = "s1";
    in.is_scheduled_task = true;
    in.assistant_name = "Andy";
    in.script = "echo";
    EXPECT_EQ(to_json_text(in),
              R"({"prompt":"Hello","sessionId":"s1","groupFolder":"test-group","chatJid":)"
              R"("test@g.us","isMain":false,"isScheduledTask":true,"assistantName":"Andy",)"
              R"("script":"echo"})");
}

TEST(ContainerInputTest, InvalidUtf8InPromptDoesNotThrow) {
    ContainerInput in;
    in.prompt = "bad \xFF byte";
    EXPECT_NO_THROW((void)to_json_text(in));
}

TEST(ContainerOutputTest, ParsesFieldsAndIgnoresWrongTypes) {
    const auto out = parse_container_output(
        R"({"status":"error","result":5,"newSessionId":"s","error":"boom","extra":1})");
    ASSERT_TRUE(out);
    EXPECT_EQ(out->status, OutputStatus::error);
    EXPECT_FALSE(out->result);
    EXPECT_EQ(out->new_session_id, "s");
    EXPECT_EQ(out->error, "boom");
    EXPECT_FALSE(parse_container_output("nope"));
    EXPECT_FALSE(parse_container_output("42"));
}

TEST(ContainerOutputTest, RoundTripsThroughJson) {
    const ContainerOutput out{OutputStatus::success, "hi", "s1", std::nullopt, std::nullopt};
    EXPECT_EQ(to_json_text(out), R"({"status":"success","result":"hi","newSessionId":"s1"})");
    EXPECT_EQ(*parse_container_output(to_json_text(out)), out);
}

} // namespace
} // namespace nanoclaw::container
