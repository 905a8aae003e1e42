// SPDX-License-Identifier: MIT
// Text updates -> ParsedUpdate (spec 30 §14.3-§14.4, §17.5; catalogue 30 §M): fields, chat names,
// replies, commands, mention translation through parse_update. Fixtures: telegram_fixtures.hpp.
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "nanoclaw/channels/telegram/mapping.hpp"
#include "telegram_fixtures.hpp"

namespace nanoclaw::channels::telegram {
namespace {

using namespace test_fixtures;

TEST(TelegramJidTest, RoundTripsSignedChatIds) {
    EXPECT_EQ(jid_for_chat(100200300), "tg:100200300");
    EXPECT_EQ(jid_for_chat(-1001234567890), "tg:-1001234567890");
    for (const std::int64_t id :
         {std::int64_t{0}, std::int64_t{555}, std::int64_t{-1001234567890},
          std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
        EXPECT_EQ(chat_id_of(jid_for_chat(id)), id);
    }
}

TEST(TelegramJidTest, RejectsAnythingButTheCanonicalForm) {
    for (const char* jid :
         {"tg:", "tg:12x", "tg:1 2", "tg: 1", "tg:+1", "tg:007", "tg:-0", "tg:-",
          "tg:99999999999999999999", "TG:1", "12345@g.us", "local:main", "1", "tg:1.5", ""}) {
        EXPECT_EQ(chat_id_of(jid), std::nullopt) << jid;
    }
}

TEST(TelegramMappingTest, MapsAGroupTextMessage) {
    const auto p = parse(text_update("Hello everyone"));
    ASSERT_EQ(p.kind, Kind::text) << p.ignore_reason;
    EXPECT_EQ(p.update_id, 7);
    EXPECT_EQ(p.chat_jid, "tg:100200300");
    EXPECT_EQ(p.message.id, "1");
    EXPECT_EQ(p.message.chat_jid, "tg:100200300");
    EXPECT_EQ(p.message.sender, "99001");
    EXPECT_EQ(p.message.sender_name, "Alice");
    EXPECT_EQ(p.message.content, "Hello everyone");
    EXPECT_EQ(p.message.timestamp, "2024-01-01T00:00:00.000Z");
    EXPECT_FALSE(p.message.is_from_me);
    EXPECT_FALSE(p.message.is_bot_message);
    EXPECT_EQ(p.message.reply_to_message_id, std::nullopt);
    EXPECT_EQ(p.message.reply_to_message_content, std::nullopt);
    EXPECT_EQ(p.message.reply_to_sender_name, std::nullopt);
    EXPECT_EQ(p.message.thread_id, std::nullopt);
    EXPECT_EQ(p.metadata.jid, "tg:100200300");
    EXPECT_EQ(p.metadata.timestamp, "2024-01-01T00:00:00.000Z");
    EXPECT_EQ(p.metadata.name, "Test Group");
    EXPECT_EQ(p.metadata.channel, "telegram");
    EXPECT_EQ(p.metadata.is_group, true);
    EXPECT_EQ(p.command, Command::none);
    EXPECT_TRUE(p.ignore_reason.empty());
}

TEST(TelegramMappingTest, SenderNameFallsBackToUsernameThenId) {
    auto u = text_update("hi");
    u["message"]["from"]["first_name"] = "Bob";
    EXPECT_EQ(parse(u).message.sender_name, "Bob");
    u["message"]["from"].erase("first_name");
    EXPECT_EQ(parse(u).message.sender_name, "alice_user");
    u["message"]["from"]["first_name"] = ""; // v1 uses `||`: empty counts as missing
    EXPECT_EQ(parse(u).message.sender_name, "alice_user");
    u["message"]["from"] = {{"id", 42}, {"last_name", "Ignored"}};
    EXPECT_EQ(parse(u).message.sender_name, "42");
    EXPECT_EQ(parse(u).message.sender, "42");
}

TEST(TelegramMappingTest, MessageWithoutSenderIsUnknown) {
    auto u = text_update("hi");
    u["message"].erase("from");
    const auto p = parse(u);
    ASSERT_EQ(p.kind, Kind::text) << p.ignore_reason;
    EXPECT_EQ(p.message.sender, "");
    EXPECT_EQ(p.message.sender_name, "Unknown");
}

TEST(TelegramMappingTest, PrivateChatIsNamedAfterTheSender) {
    auto u = text_update("hi");
    u["message"]["chat"] = {{"id", 555}, {"type", "private"}, {"first_name", "Alice"}};
    const auto p = parse(u);
    EXPECT_EQ(p.chat_jid, "tg:555");
    EXPECT_EQ(p.metadata.name, "Alice");
    EXPECT_EQ(p.metadata.is_group, false);
    u["message"]["from"].erase("first_name");
    EXPECT_EQ(parse(u).metadata.name, "alice_user");
}

TEST(TelegramMappingTest, GroupNamesAndGroupDetection) {
    auto u = text_update("hi");
    u["message"]["chat"] = {
        {"id", -1001234567890}, {"type", "supergroup"}, {"title", "Project Team"}};
    auto p = parse(u);
    EXPECT_EQ(p.chat_jid, "tg:-1001234567890");
    EXPECT_EQ(p.metadata.name, "Project Team");
    EXPECT_EQ(p.metadata.is_group, true);

    u["message"]["chat"] = {{"id", 100200300}, {"type", "group"}};
    EXPECT_EQ(parse(u).metadata.name, "tg:100200300");
    u["message"]["chat"]["title"] = "";
    EXPECT_EQ(parse(u).metadata.name, "tg:100200300");

    u["message"]["chat"] = {{"id", -100777}, {"type", "channel"}, {"title", "News"}};
    p = parse(u);
    EXPECT_EQ(p.metadata.name, "News");
    EXPECT_EQ(p.metadata.is_group, false);
}

TEST(TelegramMappingTest, TimestampsComeFromDateInSeconds) {
    auto u = text_update("hi");
    u["message"]["date"] = 0;
    EXPECT_EQ(parse(u).message.timestamp, "1970-01-01T00:00:00.000Z");
    u["message"]["date"] = 1710000000;
    EXPECT_EQ(parse(u).message.timestamp, "2024-03-09T16:00:00.000Z");
    EXPECT_EQ(parse(u).metadata.timestamp, "2024-03-09T16:00:00.000Z");
}

// Found by fuzz/telegram_update_fuzz: a date below the year-9999 limit but after 2262 overflowed
// TimePoint (UBSan) and was stored as a garbage timestamp; it is a malformed update now.
TEST(TelegramMappingTest, DateTimePointCannotHoldIsMalformed) {
    auto u = text_update("hi");
    u["message"]["date"] = 176722565600; // year 7569
    const auto p = parse(u);
    EXPECT_EQ(p.kind, ParsedUpdate::Kind::ignored);
    EXPECT_TRUE(p.malformed);
    EXPECT_EQ(p.ignore_reason, "date missing or not a valid Unix time");
    u["message"]["date"] = 9223372036; // 2262-04-11, the last representable second
    EXPECT_EQ(parse(u).message.timestamp, "2262-04-11T23:47:16.000Z");
}

TEST(TelegramMappingTest, TopicMessagesCarryTheirThreadId) {
    auto u = text_update("hi");
    u["message"]["message_thread_id"] = 7;
    EXPECT_EQ(parse(u).message.thread_id, "7");
    u["message"]["message_thread_id"] = 0; // v1 tests it for truthiness
    EXPECT_EQ(parse(u).message.thread_id, std::nullopt);
    u["message"]["message_thread_id"] = "7"; // not an id: dropped, the message is kept
    EXPECT_EQ(parse(u).message.thread_id, std::nullopt);
}

TEST(TelegramMappingTest, RepliesCarryTheRepliedMessage) {
    auto u = text_update("Yes, on my way!");
    u["message"]["reply_to_message"] = {{"message_id", 42},
                                        {"date", 1704067100},
                                        {"chat", u["message"]["chat"]},
                                        {"from", {{"id", 7}, {"first_name", "Bob"}}},
                                        {"text", "Are you coming tonight?"}};
    auto p = parse(u);
    EXPECT_EQ(p.message.content, "Yes, on my way!");
    EXPECT_EQ(p.message.reply_to_message_id, "42");
    EXPECT_EQ(p.message.reply_to_message_content, "Are you coming tonight?");
    EXPECT_EQ(p.message.reply_to_sender_name, "Bob");

    auto& replied = u["message"]["reply_to_message"];
    replied.erase("text");
    replied["photo"] = json::array({{{"file_id", "x"}}});
    replied["caption"] = "Check this out";
    EXPECT_EQ(parse(u).message.reply_to_message_content, "Check this out");

    replied = {{"message_id", 60}, {"text", "Channel post"}};
    p = parse(u);
    EXPECT_EQ(p.message.reply_to_message_id, "60");
    EXPECT_EQ(p.message.reply_to_message_content, "Channel post");
    EXPECT_EQ(p.message.reply_to_sender_name, "Unknown");

    replied = {{"message_id", 61}, {"from", {{"id", 8}, {"username", "carol"}}}};
    p = parse(u);
    EXPECT_EQ(p.message.reply_to_message_content, std::nullopt);
    EXPECT_EQ(p.message.reply_to_sender_name, "carol");
}

TEST(TelegramMappingTest, TopicCreationIsNotAReply) {
    auto u = text_update("hi");
    u["message"]["message_thread_id"] = 5;
    u["message"]["reply_to_message"] = {{"message_id", 5},
                                        {"from", {{"id", 7}, {"first_name", "Bob"}}},
                                        {"forum_topic_created", {{"name", "Ops"}}}};
    const auto p = parse(u);
    EXPECT_EQ(p.message.thread_id, "5");
    EXPECT_EQ(p.message.reply_to_message_id, std::nullopt);
    EXPECT_EQ(p.message.reply_to_sender_name, std::nullopt);
}

// ---- commands (spec §14.3, §17.5) ----

TEST(TelegramCommandTest, RecognisesOnlyTheChannelsOwnCommands) {
    EXPECT_EQ(parse_command("/chatid", "andy_ai_bot"), Command::chatid);
    EXPECT_EQ(parse_command("/ping", "andy_ai_bot"), Command::ping);
    EXPECT_EQ(parse_command("/chatid@andy_ai_bot", "andy_ai_bot"), Command::chatid);
    EXPECT_EQ(parse_command("/PING@Andy_AI_Bot", "andy_ai_bot"), Command::ping);
    EXPECT_EQ(parse_command("/ChatId please", "andy_ai_bot"), Command::chatid);
    EXPECT_EQ(parse_command("/ping@andy_ai_bot now", "Andy_AI_Bot"), Command::ping);
    EXPECT_EQ(parse_command("/ping\nnow", "andy_ai_bot"), Command::ping);
    EXPECT_EQ(parse_command("/ping@andy_ai_bot, hi", "andy_ai_bot"), Command::ping);
    EXPECT_EQ(parse_command("/chatid@other_bot", "andy_ai_bot"), Command::none);
    EXPECT_EQ(parse_command("/chatid@other_bot andy_ai_bot", "andy_ai_bot"), Command::none);
    EXPECT_EQ(parse_command("/chatid@andy_ai_bot", ""), Command::none);
    EXPECT_EQ(parse_command("/chatid@andy_ai_botx", "andy_ai_bot"), Command::none);
    EXPECT_EQ(parse_command("/chatid@", "andy_ai_bot"), Command::none);
    EXPECT_EQ(parse_command("/chatidx", "andy_ai_bot"), Command::none);
    EXPECT_EQ(parse_command("/start", "andy_ai_bot"), Command::none);
    EXPECT_EQ(parse_command(" /ping", "andy_ai_bot"), Command::none);
    EXPECT_EQ(parse_command("chatid", "andy_ai_bot"), Command::none);
    EXPECT_EQ(parse_command("/", "andy_ai_bot"), Command::none);
    EXPECT_EQ(parse_command("", "andy_ai_bot"), Command::none);
}

TEST(TelegramCommandTest, ChatIdInAGroupWithoutTitle) {
    auto u = text_update("/chatid");
    u["message"]["chat"].erase("title");
    const auto p = parse(u);
    ASSERT_EQ(p.kind, Kind::command) << p.ignore_reason;
    EXPECT_EQ(p.command, Command::chatid);
    EXPECT_EQ(p.chat_jid, "tg:100200300");
    EXPECT_EQ(p.command_reply, "Chat ID: `tg:100200300`\nName: Unknown\nType: group");
    EXPECT_TRUE(p.command_reply_markdown);
}

TEST(TelegramCommandTest, ChatIdInAPrivateChatUsesTheFirstName) {
    auto u = text_update("/chatid");
    u["message"]["chat"] = {{"id", 555}, {"type", "private"}, {"first_name", "Bob"}};
    u["message"]["from"] = {{"id", 555}, {"first_name", "Bob"}, {"username", "bobby"}};
    EXPECT_EQ(parse(u).command_reply, "Chat ID: `tg:555`\nName: Bob\nType: private");
    u["message"]["from"].erase("first_name"); // the username is not used here, unlike sender_name
    EXPECT_EQ(parse(u).command_reply, "Chat ID: `tg:555`\nName: Private\nType: private");
}

TEST(TelegramCommandTest, ChatIdInASupergroupAddressedToTheBot) {
    auto u = text_update("/chatid@andy_ai_bot");
    u["message"]["chat"] = {{"id", -1001234567890}, {"type", "supergroup"}, {"title", "Dev Team"}};
    const auto p = parse(u);
    ASSERT_EQ(p.kind, Kind::command);
    EXPECT_EQ(p.chat_jid, "tg:-1001234567890");
    EXPECT_EQ(p.command_reply, "Chat ID: `tg:-1001234567890`\nName: Dev Team\nType: supergroup");
}

TEST(TelegramCommandTest, PingRepliesInPlainText) {
    for (const char* text : {"/ping", "/PING@andy_ai_bot", "/ping@ANDY_AI_BOT extra words"}) {
        const auto p = parse(text_update(text));
        ASSERT_EQ(p.kind, Kind::command) << text;
        EXPECT_EQ(p.command, Command::ping);
        EXPECT_EQ(p.command_reply, "Andy is online.");
        EXPECT_FALSE(p.command_reply_markdown);
    }
    EXPECT_EQ(parse_update(text_update("/ping"), k_bot, "Luna").command_reply, "Luna is online.");
}

TEST(TelegramCommandTest, OwnCommandsForAnotherBotAreDropped) {
    const auto p = parse(text_update("/chatid@other_bot secret words"));
    EXPECT_EQ(p.kind, Kind::ignored);
    EXPECT_EQ(p.update_id, 7);
    EXPECT_FALSE(p.ignore_reason.empty());
    EXPECT_EQ(p.ignore_reason.find("secret"), std::string::npos);
    EXPECT_EQ(parse(text_update("/ping@other_bot")).kind, Kind::ignored);
}

TEST(TelegramCommandTest, StartIsIgnored) {
    // Telegram sends /start when a person opens a chat with the bot: not a question for the
    // agent (issue 12), nothing is stored or answered.
    for (const char* text : {"/start", "/start@andy_ai_bot", "/START", "/start deep-link-payload"}) {
        const auto p = parse(text_update(text));
        EXPECT_EQ(p.kind, Kind::ignored) << text;
        EXPECT_FALSE(p.malformed);
    }
}

TEST(TelegramCommandTest, OtherSlashTextsAreOrdinaryMessages) {
    for (const char* text : {"/started", "/help me", "/remote-control", "/chatidx", "/pingpong"}) {
        const auto p = parse(text_update(text));
        ASSERT_EQ(p.kind, Kind::text) << text;
        EXPECT_EQ(p.message.content, text);
        EXPECT_EQ(p.metadata.name, "Test Group");
    }
}

// ---- mention -> trigger translation (spec §14.4 step 3) ----

TEST(TelegramMentionTest, PrefixesTheTriggerWhenTheBotIsMentioned) {
    EXPECT_EQ(content_of(text_update("@andy_ai_bot what time is it?", {mention(0, 12)})),
              "@Andy @andy_ai_bot what time is it?");
    EXPECT_EQ(content_of(text_update("hey @andy_ai_bot check this", {mention(4, 12)})),
              "@Andy hey @andy_ai_bot check this");
    EXPECT_EQ(content_of(text_update("@ANDY_AI_BOT hi", {mention(0, 12)})),
              "@Andy @ANDY_AI_BOT hi");
    EXPECT_EQ(content_of(text_update("thanks @andy_ai_bot", {mention(7, 12)})),
              "@Andy thanks @andy_ai_bot");
}

TEST(TelegramMentionTest, LeavesOtherTextsAlone) {
    EXPECT_EQ(content_of(text_update("@Andy @andy_ai_bot hello", {mention(6, 12)})),
              "@Andy @andy_ai_bot hello");
    EXPECT_EQ(content_of(text_update("@andy hi @andy_ai_bot", {mention(9, 12)})),
              "@andy hi @andy_ai_bot");
    EXPECT_EQ(content_of(text_update("@some_other_bot hi", {mention(0, 15)})),
              "@some_other_bot hi");
    EXPECT_EQ(content_of(text_update("plain message")), "plain message");
    EXPECT_EQ(content_of(text_update("check https://example.com", {mention(6, 19, "url")})),
              "check https://example.com");
    // Only `mention` entities count, even when another type covers the bot's name.
    EXPECT_EQ(content_of(text_update("@andy_ai_bot hi", {mention(0, 12, "text_mention")})),
              "@andy_ai_bot hi");
    // A mention entity that covers only part of the name is not the bot.
    EXPECT_EQ(content_of(text_update("@andy_ai_bot hi", {mention(0, 5)})), "@andy_ai_bot hi");
}

TEST(TelegramMentionTest, OffsetsAreUtf16Units) {
    // U+1F600 is 4 UTF-8 bytes but 2 UTF-16 units, so the mention starts at unit 3, byte 5.
    EXPECT_EQ(content_of(text_update("😀 @andy_ai_bot hi", {mention(3, 12)})),
              "@Andy 😀 @andy_ai_bot hi");
    EXPECT_EQ(content_of(text_update("😀 @andy_ai_bot hi", {mention(5, 12)})), "😀 @andy_ai_bot hi");
    // é is 2 bytes but 1 unit; 日本 are 3 bytes each but 1 unit each.
    EXPECT_EQ(content_of(text_update("café 日本 @andy_ai_bot", {mention(8, 12)})),
              "@Andy café 日本 @andy_ai_bot");
    EXPECT_EQ(content_of(text_update("𝕏𝕏@andy_ai_bot", {mention(4, 12)})), "@Andy 𝕏𝕏@andy_ai_bot");
}

TEST(TelegramMentionTest, MalformedEntitiesInAnUpdateKeepTheMessage) {
    auto u = text_update("@andy_ai_bot hi");
    u["message"]["entities"] = "not a list";
    EXPECT_EQ(content_of(u), "@andy_ai_bot hi");
    u["message"]["entities"] = json::array({mention(100, 12)});
    EXPECT_EQ(content_of(u), "@andy_ai_bot hi");
}

TEST(TelegramMentionTest, InvalidUtf8InAnUpdateNeverThrows) {
    // nlohmann's parser rejects such strings, but a json built in code may hold any bytes.
    const std::string text = "\xff\xfe @andy_ai_bot \xf0\x9f";
    ParsedUpdate p;
    EXPECT_NO_THROW(p = parse(text_update(text, {mention(3, 12), mention(15, 2)})));
    EXPECT_EQ(p.message.content, "@Andy " + text);
    EXPECT_NO_THROW(p = parse(text_update("/chatid@\xff\xfe", {})));
    EXPECT_EQ(p.kind, Kind::ignored);
}

} // namespace
} // namespace nanoclaw::channels::telegram
