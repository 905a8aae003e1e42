// SPDX-License-Identifier: MIT
#include "nanoclaw/router/prompt.hpp"

#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace nanoclaw::router;
using nanoclaw::core::NewMessage;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// The catalog's helper message.
NewMessage message(std::string sender_name = "Alice", std::string content = "hello",
                   std::string timestamp = "2024-01-01T00:00:00.000Z") {
    NewMessage m;
    m.id = "1";
    m.chat_jid = "group@g.us";
    m.sender = "123@s.whatsapp.net";
    m.sender_name = std::move(sender_name);
    m.content = std::move(content);
    m.timestamp = std::move(timestamp);
    return m;
}

NewMessage reply(std::optional<std::string> id, std::optional<std::string> quoted,
                 std::optional<std::string> from) {
    auto m = message("Alice", "Yes, on my way!");
    m.reply_to_message_id = std::move(id);
    m.reply_to_message_content = std::move(quoted);
    m.reply_to_sender_name = std::move(from);
    return m;
}

std::string format_one(const NewMessage& m, std::string_view tz = "UTC") {
    const std::vector<NewMessage> messages{m};
    return format_messages(messages, tz);
}

} // namespace

// --- catalog: formatting › formatMessages ---

TEST(FormatMessagesTest, FormatsSingleMessageExactly) {
    EXPECT_EQ(format_one(message()),
              "<context timezone=\"UTC\" />\n<messages>\n"
              "<message sender=\"Alice\" time=\"Jan 1, 2024, 12:00 AM\">hello</message>\n"
              "</messages>");
}

TEST(FormatMessagesTest, FormatsMultipleMessagesInGivenOrder) {
    const std::vector<NewMessage> messages{message("Alice", "hi"),
                                           message("Bob", "hey", "2024-01-01T01:00:00.000Z")};
    EXPECT_EQ(format_messages(messages, "UTC"),
              "<context timezone=\"UTC\" />\n<messages>\n"
              "<message sender=\"Alice\" time=\"Jan 1, 2024, 12:00 AM\">hi</message>\n"
              "<message sender=\"Bob\" time=\"Jan 1, 2024, 1:00 AM\">hey</message>\n"
              "</messages>");
}

TEST(FormatMessagesTest, EscapesSenderNames) {
    EXPECT_THAT(format_one(message("A & B <Co>")), HasSubstr("sender=\"A &amp; B &lt;Co&gt;\""));
}

TEST(FormatMessagesTest, EscapesContent) {
    EXPECT_THAT(format_one(message("Alice", "<script>alert(\"xss\")</script>")),
                HasSubstr("&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;"));
}

TEST(FormatMessagesTest, EmptyListKeepsTheBlankLine) {
    EXPECT_EQ(format_messages({}, "UTC"),
              "<context timezone=\"UTC\" />\n<messages>\n\n</messages>");
}

TEST(FormatMessagesTest, ConvertsTimesToTheGivenZone) {
    const auto out =
        format_one(message("Alice", "hello", "2024-01-01T18:30:00.000Z"), "America/New_York");
    EXPECT_THAT(out, HasSubstr("<context timezone=\"America/New_York\" />"));
    EXPECT_THAT(out, HasSubstr("time=\"Jan 1, 2024, 1:30 PM\""));
}

TEST(FormatMessagesTest, InvalidZoneIsEchoedButTimesRenderInUtc) {
    const auto out = format_one(message(), "IST-2");
    EXPECT_THAT(out, HasSubstr("<context timezone=\"IST-2\" />"));
    EXPECT_THAT(out, HasSubstr("time=\"Jan 1, 2024, 12:00 AM\""));
}

TEST(FormatMessagesTest, EscapesTheZoneInTheHeader) {
    EXPECT_THAT(format_messages({}, "a\"<b>"),
                HasSubstr("<context timezone=\"a&quot;&lt;b&gt;\" />"));
}

TEST(FormatMessagesTest, UnparseableTimestampRendersInvalidDate) {
    EXPECT_THAT(format_one(message("Alice", "x", "garbage")), HasSubstr("time=\"Invalid Date\""));
}

TEST(FormatMessagesTest, MultiLineContentKeepsRawNewlines) {
    EXPECT_THAT(format_one(message("Alice", "line1\nline2")), HasSubstr(">line1\nline2</message>"));
}

TEST(FormatMessagesTest, RendersOnlySenderNameTimeAndContent) {
    auto m = message();
    m.is_from_me = true;
    const auto out = format_one(m);
    EXPECT_THAT(out, Not(HasSubstr("123@s.whatsapp.net")));
    EXPECT_THAT(out, Not(HasSubstr("group@g.us")));
}

TEST(FormatMessagesTest, InvalidUtf8AndEmptyFieldsDoNotCrash) {
    const auto out = format_one(message("", "\xFF\xC3(\x80", ""));
    EXPECT_EQ(out,
              "<context timezone=\"UTC\" />\n<messages>\n"
              "<message sender=\"\" time=\"Invalid Date\">\xFF\xC3(\x80</message>\n</messages>");
}

// --- catalog: formatting › formatMessages reply context [later v1], spec §16.9 ---

TEST(FormatMessagesTest, RendersReplyContextAsQuotedMessage) {
    EXPECT_EQ(format_message(reply("42", "Are you coming tonight?", "Bob"), "UTC"),
              "<message sender=\"Alice\" time=\"Jan 1, 2024, 12:00 AM\" reply_to=\"42\">"
              "\n  <quoted_message from=\"Bob\">Are you coming tonight?</quoted_message>"
              "Yes, on my way!</message>");
}

TEST(FormatMessagesTest, OmitsReplyMarkupWithoutReplyContext) {
    const auto out = format_one(message());
    EXPECT_THAT(out, Not(HasSubstr("reply_to")));
    EXPECT_THAT(out, Not(HasSubstr("quoted_message")));
}

TEST(FormatMessagesTest, IdWithoutQuotedContentGivesAttributeOnly) {
    const auto out = format_message(reply("42", std::nullopt, "Bob"), "UTC");
    EXPECT_EQ(out, "<message sender=\"Alice\" time=\"Jan 1, 2024, 12:00 AM\" reply_to=\"42\">"
                   "Yes, on my way!</message>");
}

TEST(FormatMessagesTest, QuoteNeedsBothAuthorAndText) {
    EXPECT_THAT(format_message(reply("42", "text", ""), "UTC"), Not(HasSubstr("quoted_message")));
    EXPECT_THAT(format_message(reply("42", "", "Bob"), "UTC"), Not(HasSubstr("quoted_message")));
}

TEST(FormatMessagesTest, EmptyReplyIdIsTreatedAsAbsentButQuoteStillRenders) {
    // v1 checks each field for truthiness independently.
    const auto out = format_message(reply("", "quoted", "Bob"), "UTC");
    EXPECT_THAT(out, Not(HasSubstr("reply_to=")));
    EXPECT_THAT(out, HasSubstr(">\n  <quoted_message from=\"Bob\">quoted</quoted_message>Yes"));
}

TEST(FormatMessagesTest, EscapesReplyContext) {
    const auto out =
        format_message(reply("1\"", "<script>alert(\"xss\")</script>", "A & B"), "UTC");
    EXPECT_THAT(out, HasSubstr("reply_to=\"1&quot;\""));
    EXPECT_THAT(out, HasSubstr("from=\"A &amp; B\""));
    EXPECT_THAT(out, HasSubstr("&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;"));
}
