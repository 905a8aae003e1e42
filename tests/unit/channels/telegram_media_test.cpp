// SPDX-License-Identifier: MIT
// Non-text and unusable updates (spec 30 §14.4-§14.5; catalogue 30 §M 189-200): placeholders,
// captions, and every way an update is ignored without throwing.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nanoclaw/channels/telegram/mapping.hpp"
#include "telegram_fixtures.hpp"

namespace nanoclaw::channels::telegram {
namespace {

using namespace test_fixtures;

struct PlaceholderCase {
    const char* field;
    json value;
    const char* content;
};

TEST(TelegramMediaTest, EveryPlaceholderWithAndWithoutCaption) {
    const std::vector<PlaceholderCase> cases = {
        {"photo", json::array({{{"file_id", "small"}}, {{"file_id", "large_id"}}}), "[Photo]"},
        {"video", {{"file_id", "v"}}, "[Video]"},
        {"voice", {{"file_id", "v"}}, "[Voice message]"},
        {"audio", {{"file_id", "a"}, {"file_name", "song.mp3"}}, "[Audio]"},
        {"document", {{"file_id", "d"}, {"file_name", "report.pdf"}}, "[Document: report.pdf]"},
        {"document", json::object(), "[Document: file]"},
        {"document", {{"file_name", ""}}, "[Document: file]"},
        {"sticker", {{"emoji", "😂"}}, "[Sticker 😂]"},
        {"sticker", json::object(), "[Sticker ]"},
        {"location", {{"latitude", 1.5}, {"longitude", 2.5}}, "[Location]"},
        {"contact", {{"phone_number", "+100"}, {"first_name", "Z"}}, "[Contact]"},
    };
    for (const auto& c : cases) {
        auto u = message_with({{c.field, c.value}});
        auto p = parse(u);
        ASSERT_EQ(p.kind, Kind::media) << c.field << ": " << p.ignore_reason;
        EXPECT_EQ(p.message.content, c.content);
        u["message"]["caption"] = "Look at this";
        p = parse(u);
        EXPECT_EQ(p.message.content, std::string(c.content) + " Look at this");
        u["message"]["caption"] = "";
        EXPECT_EQ(parse(u).message.content, c.content) << "an empty caption adds nothing";
    }
}

TEST(TelegramMediaTest, MediaMessagesMapLikeTextButWithoutAChatName) {
    auto u = message_with({{"photo", json::array({{{"file_id", "x"}}})}, {"message_id", 9}});
    u["message"]["message_thread_id"] = 3;
    const auto p = parse(u);
    ASSERT_EQ(p.kind, Kind::media);
    EXPECT_EQ(p.chat_jid, "tg:100200300");
    EXPECT_EQ(p.message.id, "9");
    EXPECT_EQ(p.message.chat_jid, "tg:100200300");
    EXPECT_EQ(p.message.sender, "99001");
    EXPECT_EQ(p.message.sender_name, "Alice");
    EXPECT_EQ(p.message.timestamp, "2024-01-01T00:00:00.000Z");
    EXPECT_EQ(p.message.thread_id, "3");
    EXPECT_FALSE(p.message.is_from_me);
    EXPECT_EQ(p.metadata.jid, "tg:100200300");
    EXPECT_EQ(p.metadata.timestamp, "2024-01-01T00:00:00.000Z");
    EXPECT_EQ(p.metadata.name, std::nullopt);
    EXPECT_EQ(p.metadata.channel, "telegram");
    EXPECT_EQ(p.metadata.is_group, true);
}

TEST(TelegramMediaTest, CaptionsAreNotTranslatedOrTreatedAsCommands) {
    auto u = message_with({{"photo", json::array({{{"file_id", "x"}}})},
                           {"caption", "@andy_ai_bot look"},
                           {"caption_entities", json::array({mention(0, 12)})}});
    EXPECT_EQ(parse(u).message.content, "[Photo] @andy_ai_bot look");
    u["message"]["caption"] = "/chatid";
    const auto p = parse(u);
    EXPECT_EQ(p.kind, Kind::media);
    EXPECT_EQ(p.message.content, "[Photo] /chatid");
}

TEST(TelegramMediaTest, MediaMessagesHaveNoReplyContext) {
    auto u = message_with({{"video", {{"file_id", "v"}}}});
    u["message"]["reply_to_message"] = {{"message_id", 42}, {"text", "earlier"}};
    EXPECT_EQ(parse(u).message.reply_to_message_id, std::nullopt);
}

TEST(TelegramMediaTest, AnimationsCountAsDocumentsAndVenuesAsLocations) {
    // Telegram sends a GIF with both `animation` and `document`, a venue with `location`.
    auto gif = message_with({{"animation", {{"file_id", "g"}}},
                             {"document", {{"file_id", "g"}, {"file_name", "funny.mp4"}}}});
    EXPECT_EQ(parse(gif).message.content, "[Document: funny.mp4]");
    auto venue = message_with({{"venue", {{"title", "Cafe"}}}, {"location", json::object()}});
    EXPECT_EQ(parse(venue).message.content, "[Location]");
}

TEST(TelegramMediaTest, TextWinsOverAnAttachment) {
    auto u = message_with({{"text", "hello"}, {"photo", json::array()}});
    const auto p = parse(u);
    EXPECT_EQ(p.kind, Kind::text);
    EXPECT_EQ(p.message.content, "hello");
}

// ---- what is ignored ----

void expect_ignored(const json& update, std::int64_t update_id, const std::string& reason_part,
                    bool malformed = true) {
    ParsedUpdate p;
    ASSERT_NO_THROW(p = parse(update)) << update.dump();
    EXPECT_EQ(p.kind, Kind::ignored) << update.dump();
    EXPECT_EQ(p.update_id, update_id) << update.dump();
    EXPECT_NE(p.ignore_reason.find(reason_part), std::string::npos)
        << "reason: " << p.ignore_reason << " for " << update.dump();
    EXPECT_EQ(p.ignore_reason.find("private words"), std::string::npos);
    EXPECT_EQ(p.malformed, malformed) << "reason: " << p.ignore_reason; // warn vs debug log
}

TEST(TelegramIgnoreTest, UnsupportedUpdateKindsAreNamed) {
    const json msg = text_update("private words")["message"];
    expect_ignored({{"update_id", 3}, {"edited_message", msg}}, 3, "edited_message", false);
    expect_ignored({{"update_id", 3}, {"channel_post", msg}}, 3, "channel_post", false);
    expect_ignored({{"update_id", 3}, {"callback_query", {{"id", "1"}}}}, 3, "callback_query", false);
    expect_ignored({{"update_id", 3}, {"my_chat_member", json::object()}}, 3, "my_chat_member", false);
    expect_ignored({{"update_id", 3}}, 3, "without a message", false);
    expect_ignored({{"update_id", 3}, {"message", nullptr}}, 3, "without a message", false);
    expect_ignored({{"update_id", 3}, {"something_new", msg}}, 3, "without a message", false);
}

TEST(TelegramIgnoreTest, ServiceMessagesAndOtherMediaAreIgnored) {
    expect_ignored(message_with({{"new_chat_members", json::array({{{"id", 1}}})}}), 7, "unsupported", false);
    expect_ignored(message_with({{"new_chat_title", "private words"}}), 7, "unsupported", false);
    expect_ignored(message_with({{"poll", {{"question", "private words"}}}}), 7, "unsupported", false);
    expect_ignored(message_with({{"dice", {{"emoji", "🎲"}}}}), 7, "unsupported", false);
    expect_ignored(message_with({{"video_note", {{"file_id", "x"}}}}), 7, "unsupported", false);
}

TEST(TelegramIgnoreTest, MalformedUpdatesNeverThrow) {
    expect_ignored(json::array({1, 2}), 0, "not an object");
    expect_ignored("private words", 0, "not an object");
    expect_ignored(json(), 0, "not an object");
    expect_ignored({{"message", text_update("private words")["message"]}}, 0, "update_id");
    expect_ignored({{"update_id", "7"}}, 0, "update_id");
    expect_ignored({{"update_id", 7.5}}, 0, "update_id");
    expect_ignored({{"update_id", 0}}, 0, "update_id");
    expect_ignored({{"update_id", -4}}, 0, "update_id");
    expect_ignored({{"update_id", std::numeric_limits<std::uint64_t>::max()}}, 0, "update_id");
    expect_ignored({{"update_id", 3}, {"message", "private words"}}, 3, "message is not an object");
    expect_ignored({{"update_id", 3}, {"message", json::array()}}, 3, "message is not an object");
}

TEST(TelegramIgnoreTest, MessagesWithBrokenFieldsAreIgnored) {
    const auto broken = [](const char* path, json value) {
        auto u = text_update("private words");
        u.at(json::json_pointer(path)) = std::move(value);
        return u;
    };
    const auto without = [](const char* parent, const char* key) {
        auto u = text_update("private words");
        u.at(json::json_pointer(parent)).erase(key);
        return u;
    };
    expect_ignored(without("/message", "chat"), 7, "chat");
    expect_ignored(broken("/message/chat", "private words"), 7, "chat");
    expect_ignored(broken("/message/chat", nullptr), 7, "chat");
    expect_ignored(without("/message/chat", "id"), 7, "chat.id");
    expect_ignored(broken("/message/chat/id", "100200300"), 7, "chat.id");
    expect_ignored(broken("/message/chat/id", 1.5), 7, "chat.id");
    expect_ignored(broken("/message/chat/id", std::numeric_limits<std::uint64_t>::max()), 7,
                   "chat.id");
    expect_ignored(without("/message/chat", "type"), 7, "chat.type");
    expect_ignored(broken("/message/chat/type", 1), 7, "chat.type");
    expect_ignored(without("/message", "message_id"), 7, "message_id");
    expect_ignored(broken("/message/message_id", "1"), 7, "message_id");
    expect_ignored(without("/message", "date"), 7, "date");
    expect_ignored(broken("/message/date", "yesterday"), 7, "date");
    expect_ignored(broken("/message/date", -1), 7, "date");
    expect_ignored(broken("/message/date", std::int64_t{1} << 50), 7, "date");
    expect_ignored(broken("/message/from", "private words"), 7, "from");
    expect_ignored(broken("/message/from/id", "99001"), 7, "from");
    expect_ignored(without("/message/from", "id"), 7, "from");
    expect_ignored(broken("/message/text", 12), 7, "text");
    expect_ignored(broken("/message/text", json::array({"private words"})), 7, "text");
}

TEST(TelegramIgnoreTest, OptionalFieldsOfTheWrongTypeCountAsAbsent) {
    auto u = text_update("hi");
    u["message"]["from"]["first_name"] = 5;
    u["message"]["chat"]["title"] = json::array();
    u["message"]["reply_to_message"] = "not a message";
    const auto p = parse(u);
    ASSERT_EQ(p.kind, Kind::text) << p.ignore_reason;
    EXPECT_EQ(p.message.sender_name, "alice_user");
    EXPECT_EQ(p.metadata.name, "tg:100200300");
    EXPECT_EQ(p.message.reply_to_message_id, std::nullopt);
    auto doc = message_with({{"document", "report.pdf"}, {"caption", 3}});
    EXPECT_EQ(parse(doc).message.content, "[Document: file]");
}

TEST(TelegramAllowedUpdatesTest, AsksForExactlyTheHandledKinds) {
    EXPECT_EQ(allowed_updates(), std::vector<std::string>{"message"});
}

} // namespace
} // namespace nanoclaw::channels::telegram
