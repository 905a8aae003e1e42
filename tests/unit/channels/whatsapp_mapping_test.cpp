// SPDX-License-Identifier: MIT
// WhatsApp messages to stored rows (spec 30 §15.4-§15.7, §17.6; catalogue N 235, 244-257, 261,
// 263-264, 271, 279-280): text fields, skipped messages, senders, bot detection on shared and
// own numbers, the outgoing prefix, LID translation.
#include "nanoclaw/channels/whatsapp/mapping.hpp"

#include <gtest/gtest.h>

#include <set>

namespace nanoclaw::channels::whatsapp {
namespace {

constexpr std::int64_t k_ts = 1767225600; // 2026-01-01T00:00:00Z

MessageEvent message(std::string id, std::string remote, std::string participant = {},
                     std::string text = "Hello Andy") {
    MessageEvent e;
    e.upsert = "notify";
    e.id = std::move(id);
    e.remote_jid = std::move(remote);
    e.participant = std::move(participant);
    e.timestamp = k_ts;
    e.content.conversation = std::move(text);
    return e;
}

struct WhatsAppMappingTest : ::testing::Test {
    std::set<std::string> registered{"registered@g.us"};
    LidTranslator lids;
    MappingOptions options;

    std::optional<InboundMessage> map(const MessageEvent& e) {
        return map_inbound(e, lids, options,
                           [this](const std::string& jid) { return registered.count(jid) > 0; });
    }
    void connect_own() { lids.set_own("1234567890:1@s.whatsapp.net", "9876543210:1@lid"); }
};

TEST_F(WhatsAppMappingTest, RegisteredGroupMessageBecomesARowAfterItsChat) {
    auto e = message("msg-1", "registered@g.us", "5551234@s.whatsapp.net");
    e.push_name = "Alice";
    const auto out = map(e);
    ASSERT_TRUE(out && out->message);
    EXPECT_EQ(out->chat.jid, "registered@g.us");
    EXPECT_EQ(out->chat.timestamp, "2026-01-01T00:00:00.000Z");
    EXPECT_FALSE(out->chat.name);
    EXPECT_EQ(out->chat.channel, "whatsapp");
    EXPECT_EQ(out->chat.is_group, true);
    const auto& m = *out->message;
    EXPECT_EQ(m.id, "msg-1");
    EXPECT_EQ(m.chat_jid, "registered@g.us");
    EXPECT_EQ(m.content, "Hello Andy");
    EXPECT_EQ(m.sender, "5551234@s.whatsapp.net");
    EXPECT_EQ(m.sender_name, "Alice");
    EXPECT_EQ(m.timestamp, "2026-01-01T00:00:00.000Z");
    EXPECT_FALSE(m.is_from_me);
    EXPECT_FALSE(m.is_bot_message);
}

TEST_F(WhatsAppMappingTest, UnregisteredGroupGetsMetadataOnly) {
    const auto out = map(message("m", "unregistered@g.us", "5551234@s.whatsapp.net"));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->chat.jid, "unregistered@g.us");
    EXPECT_EQ(out->chat.is_group, true);
    EXPECT_FALSE(out->message);
    EXPECT_FALSE(out->unmatched_translation); // not translated: no warning
}

TEST_F(WhatsAppMappingTest, StatusBroadcastAndMissingJidAreDroppedOutright) {
    EXPECT_FALSE(map(message("m", "status@broadcast", "5551234@s.whatsapp.net")));
    EXPECT_FALSE(map(message("m", "", "")));
}

TEST_F(WhatsAppMappingTest, TextComesFromConversationExtendedTextOrCaptions) {
    auto extended = message("m", "registered@g.us", "p@s.whatsapp.net", "");
    extended.content.extended_text = "A reply message";
    EXPECT_EQ(map(extended)->message->content, "A reply message");
    auto image = message("m", "registered@g.us", "p@s.whatsapp.net", "");
    image.content.image_caption = "Check this photo";
    EXPECT_EQ(map(image)->message->content, "Check this photo");
    auto video = message("m", "registered@g.us", "p@s.whatsapp.net", "");
    video.content.video_caption = "Watch this";
    EXPECT_EQ(map(video)->message->content, "Watch this");
    auto both = message("m", "registered@g.us", "p@s.whatsapp.net", "first");
    both.content.image_caption = "second";
    EXPECT_EQ(map(both)->message->content, "first");
}

TEST_F(WhatsAppMappingTest, EmptyContentKeepsTheChatButNoRow) {
    // A voice note, sticker or reaction: the bridge sends all text fields empty.
    const auto out = map(message("m", "registered@g.us", "p@s.whatsapp.net", ""));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->chat.jid, "registered@g.us");
    EXPECT_FALSE(out->message);
}

TEST_F(WhatsAppMappingTest, SenderNameFallsBackToTheSendersUserPart) {
    const auto out = map(message("m", "registered@g.us", "5551234@s.whatsapp.net"));
    EXPECT_EQ(out->message->sender_name, "5551234");
}

TEST_F(WhatsAppMappingTest, DirectMessageSenderIsTheUntranslatedRemoteJid) {
    registered.insert("1234567890@s.whatsapp.net");
    connect_own();
    auto e = message("m", "9876543210@lid");
    const auto out = map(e);
    ASSERT_TRUE(out && out->message);
    EXPECT_EQ(out->chat.jid, "1234567890@s.whatsapp.net");
    EXPECT_EQ(out->chat.is_group, false);
    EXPECT_EQ(out->message->sender, "9876543210@lid");
    EXPECT_EQ(out->message->sender_name, "9876543210");
}

TEST_F(WhatsAppMappingTest, SharedNumberRecognisesTheAssistantByItsPrefix) {
    auto own = message("a", "registered@g.us", "p@s.whatsapp.net", "Andy: done");
    own.from_me = true;
    EXPECT_TRUE(map(own)->message->is_from_me);
    EXPECT_TRUE(map(own)->message->is_bot_message);
    auto user = message("b", "registered@g.us", "p@s.whatsapp.net", "hello");
    user.from_me = true;
    EXPECT_TRUE(map(user)->message->is_from_me);
    EXPECT_FALSE(map(user)->message->is_bot_message);
    auto other = message("c", "registered@g.us", "p@s.whatsapp.net", "Andy: hi");
    EXPECT_TRUE(map(other)->message->is_bot_message);
}

TEST_F(WhatsAppMappingTest, OwnNumberTakesEverythingFromMeAsTheAssistant) {
    options.assistant_has_own_number = true;
    auto mine = message("a", "registered@g.us", "p@s.whatsapp.net", "hello");
    mine.from_me = true;
    EXPECT_TRUE(map(mine)->message->is_bot_message);
    auto theirs = message("b", "registered@g.us", "p@s.whatsapp.net", "Andy: x");
    EXPECT_FALSE(map(theirs)->message->is_bot_message);
}

TEST_F(WhatsAppMappingTest, OutgoingTextIsPrefixedOnASharedNumberOnly) {
    EXPECT_EQ(outgoing_text("Hello", options), "Andy: Hello");
    options.assistant_has_own_number = true;
    EXPECT_EQ(outgoing_text("Hi", options), "Hi");
    options = MappingOptions{"Bob", false};
    EXPECT_EQ(outgoing_text("x", options), "Bob: x");
}

TEST_F(WhatsAppMappingTest, OwnsGroupAndPhoneJidsOnly) {
    EXPECT_TRUE(owns_whatsapp_jid("12345@g.us"));
    EXPECT_TRUE(owns_whatsapp_jid("12345@s.whatsapp.net"));
    EXPECT_FALSE(owns_whatsapp_jid("tg:12345"));
    EXPECT_FALSE(owns_whatsapp_jid("random-string"));
    EXPECT_FALSE(owns_whatsapp_jid("123@lid"));
    EXPECT_FALSE(owns_whatsapp_jid("local:main"));
}

TEST_F(WhatsAppMappingTest, LidTranslationFollowsTheSpecExamples) {
    connect_own();
    EXPECT_EQ(lids.translate("9876543210@lid"), "1234567890@s.whatsapp.net");
    EXPECT_EQ(lids.translate("9876543210:7@lid"), "1234567890@s.whatsapp.net");
    EXPECT_EQ(lids.translate("0000000000@lid"), "0000000000@lid");
    EXPECT_EQ(lids.translate("registered@g.us"), "registered@g.us");
    EXPECT_EQ(lids.own_lid_user(), "9876543210");
}

TEST_F(WhatsAppMappingTest, OwnMappingWithoutDeviceStripsTheServerToo) {
    // The reference kept "@lid"/"@s.whatsapp.net" in the key and value here (never matched).
    lids.set_own("1234567890@s.whatsapp.net", "9876543210@lid");
    EXPECT_EQ(lids.translate("9876543210@lid"), "1234567890@s.whatsapp.net");
    EXPECT_EQ(lids.own_lid_user(), "9876543210");
}

TEST_F(WhatsAppMappingTest, UnknownLidKeepsItsJidAndWarnsWhenTranslatedButUnregistered) {
    auto unknown = map(message("m", "0000000000@lid"));
    EXPECT_EQ(unknown->chat.jid, "0000000000@lid");
    EXPECT_EQ(unknown->chat.is_group, false);
    EXPECT_FALSE(unknown->unmatched_translation);
    connect_own(); // translated to the own number, which is not registered
    auto translated = map(message("m", "9876543210@lid"));
    EXPECT_EQ(translated->chat.jid, "1234567890@s.whatsapp.net");
    EXPECT_TRUE(translated->unmatched_translation);
}

TEST_F(WhatsAppMappingTest, BridgeResolvedPhoneIsUsedAndCached) {
    auto e = message("m", "4444@lid");
    e.remote_jid_pn = "5550001111:3@s.whatsapp.net";
    EXPECT_EQ(map(e)->chat.jid, "5550001111@s.whatsapp.net");
    // Later messages without the field still translate (the cache).
    EXPECT_EQ(map(message("n", "4444@lid"))->chat.jid, "5550001111@s.whatsapp.net");
    EXPECT_EQ(lids.size(), 1u);
}

TEST_F(WhatsAppMappingTest, SenderPnIsTheFallbackForAnUnknownLid) {
    registered.insert("14155550000@s.whatsapp.net");
    auto e = message("m", "555@lid");
    e.sender_pn = "14155550000@s.whatsapp.net";
    auto out = map(e);
    EXPECT_EQ(out->chat.jid, "14155550000@s.whatsapp.net");
    EXPECT_TRUE(out->via_sender_pn);
    ASSERT_TRUE(out->message);
    auto bare = message("m2", "556@lid");
    bare.sender_pn = "14155550000"; // no server: @s.whatsapp.net is added
    EXPECT_EQ(map(bare)->chat.jid, "14155550000@s.whatsapp.net");
    EXPECT_EQ(lids.translate("555@lid"), "14155550000@s.whatsapp.net"); // cached
}

TEST_F(WhatsAppMappingTest, LidMappingsAndParticipantPhonesFeedTheCache) {
    EXPECT_TRUE(lids.add("777", "15550007777@s.whatsapp.net"));
    EXPECT_FALSE(lids.add("777", "15550007777@s.whatsapp.net")); // unchanged
    EXPECT_EQ(lids.translate("777@lid"), "15550007777@s.whatsapp.net");
    auto e = message("m", "registered@g.us", "888@lid");
    e.participant_pn = "15550008888@s.whatsapp.net";
    const auto out = map(e);
    EXPECT_EQ(out->message->sender, "888@lid"); // the stored sender stays as WhatsApp sent it
    EXPECT_EQ(lids.translate("888@lid"), "15550008888@s.whatsapp.net");
}

TEST_F(WhatsAppMappingTest, FirstMentionOfTheLinkedAccountBecomesTheTrigger) {
    connect_own();
    auto e =
        message("m", "registered@g.us", "p@s.whatsapp.net", "@9876543210 what's up @9876543210");
    EXPECT_EQ(map(e)->message->content, "@Andy what's up @9876543210");
    auto other = message("m", "registered@g.us", "p@s.whatsapp.net", "@1111 hi");
    EXPECT_EQ(map(other)->message->content, "@1111 hi");
}

TEST_F(WhatsAppMappingTest, JidHelpersStripDeviceAndServer) {
    EXPECT_EQ(jid_user("123:4@s.whatsapp.net"), "123");
    EXPECT_EQ(jid_user("123"), "123");
    EXPECT_EQ(phone_jid("123:4@s.whatsapp.net"), "123@s.whatsapp.net");
    EXPECT_EQ(phone_jid("123"), "123@s.whatsapp.net");
}

} // namespace
} // namespace nanoclaw::channels::whatsapp
