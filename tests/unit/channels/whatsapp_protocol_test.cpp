// SPDX-License-Identifier: MIT
// The bridge's JSON lines (docs/whatsapp-bridge-protocol.md): every event parsed, bad lines refused
// with a reason, commands encoded as one line each.
#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace nanoclaw::channels::whatsapp {
namespace {

template <typename T>
T parsed(std::string_view line) {
    const auto event = parse_bridge_event(line);
    EXPECT_TRUE(event) << line << ": " << (event ? "" : event.error());
    if (!event || !std::holds_alternative<T>(*event)) {
        ADD_FAILURE() << "wrong event type for " << line;
        return T{};
    }
    return std::get<T>(*event);
}

std::string error_of(std::string_view line) {
    const auto event = parse_bridge_event(line);
    EXPECT_FALSE(event) << line;
    return event ? std::string() : event.error();
}

TEST(WhatsAppProtocolTest, LifecycleEvents) {
    const auto started = parsed<StartedEvent>(R"({"type":"started","bridge_version":"1.0.0","baileys_version":"7.0.0-rc14","registered":true})");
    EXPECT_EQ(started.baileys_version, "7.0.0-rc14");
    EXPECT_TRUE(started.registered);
    EXPECT_EQ(parsed<QrEvent>(R"({"type":"qr","data":"2@abc,def"})").data, "2@abc,def");
    EXPECT_EQ(parsed<PairingCodeEvent>(R"({"type":"pairing_code","code":"ABCD1234"})").code, "ABCD1234");
    const auto connected = parsed<ConnectedEvent>(
        R"({"type":"connected","user":{"id":"1234567890:1@s.whatsapp.net","lid":"9876543210:1@lid","name":"Me"}})");
    EXPECT_EQ(connected.id, "1234567890:1@s.whatsapp.net");
    EXPECT_EQ(connected.lid, "9876543210:1@lid");
    EXPECT_EQ(parsed<ConnectedEvent>(R"({"type":"connected"})").id, "") << "user may be absent";
    const auto closed = parsed<DisconnectedEvent>(R"({"type":"disconnected","reason":401,"message":"logged out"})");
    EXPECT_EQ(closed.reason, k_reason_logged_out);
    EXPECT_EQ(parsed<DisconnectedEvent>(R"({"type":"disconnected"})").reason, 0) << "unknown reason";
    parsed<CredsSavedEvent>(R"({"type":"creds_saved"})");
    parsed<LoggedOutEvent>(R"({"type":"logged_out"})");
}

TEST(WhatsAppProtocolTest, MessageWithEveryField) {
    const auto m = parsed<MessageEvent>(
        R"({"type":"message","upsert":"append","id":"3EB0","remote_jid":"123@g.us","participant":"99@lid",)"
        R"("from_me":true,"push_name":"Alice","timestamp":1767225600,"sender_pn":"491@s.whatsapp.net",)"
        R"("remote_jid_pn":"","participant_pn":"4915@s.whatsapp.net",)"
        R"("content":{"conversation":"","extended_text":"hi there","image_caption":"cap","video_caption":""}})");
    EXPECT_EQ(m.upsert, "append");
    EXPECT_EQ(m.id, "3EB0");
    EXPECT_EQ(m.remote_jid, "123@g.us");
    EXPECT_EQ(m.participant, "99@lid");
    EXPECT_TRUE(m.from_me);
    EXPECT_EQ(m.push_name, "Alice");
    EXPECT_EQ(m.timestamp, 1767225600);
    EXPECT_EQ(m.sender_pn, "491@s.whatsapp.net");
    EXPECT_EQ(m.participant_pn, "4915@s.whatsapp.net");
    EXPECT_EQ(m.content.extended_text, "hi there");
    EXPECT_EQ(m.content.image_caption, "cap");
}

TEST(WhatsAppProtocolTest, MinimalMessageTakesDefaults) {
    const auto m = parsed<MessageEvent>(R"({"type":"message","remote_jid":"1@s.whatsapp.net","push_name":null})");
    EXPECT_FALSE(m.from_me);
    EXPECT_EQ(m.timestamp, 0);
    EXPECT_EQ(m.content.conversation, "");
}

TEST(WhatsAppProtocolTest, RequestAnswers) {
    const auto groups = parsed<GroupsEvent>(
        R"({"type":"groups","request_id":7,"groups":[{"jid":"1@g.us","subject":"Family"},{"jid":"2@g.us"}]})");
    EXPECT_EQ(groups.request_id, 7);
    ASSERT_EQ(groups.groups.size(), 2u);
    EXPECT_EQ(groups.groups[0].subject, "Family");
    EXPECT_EQ(groups.groups[1].subject, "");
    const auto sent = parsed<SentEvent>(R"({"type":"sent","request_id":3,"id":"ABC"})");
    EXPECT_EQ(sent.request_id, 3);
    EXPECT_EQ(sent.id, "ABC");
    EXPECT_EQ(parsed<SendFailedEvent>(R"({"type":"send_failed","request_id":4,"error":"not connected"})").error, "not connected");
    EXPECT_EQ(parsed<ErrorEvent>(R"({"type":"error","error":"bad command"})").request_id, 0);
    EXPECT_EQ(parsed<LidMappingEvent>(R"({"type":"lid_mapping","lid":"987","pn":"123@s.whatsapp.net"})").pn, "123@s.whatsapp.net");
    EXPECT_EQ(parsed<ReceiptEvent>(R"({"type":"receipt","id":"A","jid":"1@g.us","status":"read"})").status, "read");
}

TEST(WhatsAppProtocolTest, BadLinesSayWhy) {
    EXPECT_EQ(error_of(""), "not JSON");
    EXPECT_EQ(error_of("{oops"), "not JSON");
    EXPECT_EQ(error_of("[1,2]"), "not a JSON object");
    EXPECT_EQ(error_of(R"({"no":"type"})"), "no type");
    EXPECT_EQ(error_of(R"({"type":5})"), "no type");
    EXPECT_EQ(error_of(R"({"type":"teleport"})"), "unknown type teleport");
    EXPECT_EQ(error_of(R"({"type":"disconnected","reason":"401"})"), "field reason is not an integer");
    EXPECT_EQ(error_of(R"({"type":"message","remote_jid":"1@g.us","from_me":"yes"})"), "field from_me is not a boolean");
    EXPECT_EQ(error_of(R"({"type":"message","id":"x"})"), "field remote_jid is not a non-empty string");
    EXPECT_EQ(error_of(R"({"type":"message","remote_jid":"1@g.us","content":{"conversation":7}})"),
              "content: field conversation is not a string");
    EXPECT_EQ(error_of(R"({"type":"groups","request_id":1})"), "field groups is not an array");
    EXPECT_EQ(error_of(R"({"type":"groups","groups":[5]})"), "a group is not an object");
    EXPECT_EQ(error_of(std::string(k_max_bridge_line + 1, ' ')), "line longer than 1 MiB");
}

// Found by fuzz/whatsapp_bridge_fuzz: a timestamp past 2262 overflowed TimePoint in map_inbound
// (UBSan) and became a garbage ISO time; the line is refused instead.
TEST(WhatsAppProtocolTest, TimestampOutOfRangeIsRefused) {
    EXPECT_EQ(error_of(R"({"type":"message","remote_jid":"1@g.us","timestamp":11767225600})"),
              "field timestamp is not a Unix time in range");
    EXPECT_EQ(error_of(R"({"type":"message","remote_jid":"1@g.us","timestamp":-9300000000})"),
              "field timestamp is not a Unix time in range");
    EXPECT_EQ(parsed<MessageEvent>(R"({"type":"message","remote_jid":"1@g.us","timestamp":9223372036})")
                  .timestamp,
              9223372036);
}

// A number past INT64_MAX used to wrap to a negative request id, and a reason past INT_MAX was
// truncated to another code: both are refused now.
TEST(WhatsAppProtocolTest, IntegersOutOfRangeAreRefused) {
    EXPECT_EQ(error_of(R"({"type":"sent","request_id":9223372036854775808,"id":"m"})"),
              "field request_id is not an integer");
    EXPECT_EQ(error_of(R"({"type":"disconnected","reason":4294967697})"), "field reason is not an integer");
    EXPECT_EQ(parsed<SentEvent>(R"({"type":"sent","request_id":9223372036854775807,"id":"m"})").request_id,
              INT64_MAX);
    EXPECT_EQ(parsed<DisconnectedEvent>(R"({"type":"disconnected","reason":-1})").reason, -1);
}

TEST(WhatsAppProtocolTest, CommandsAreSingleLines) {
    EXPECT_EQ(encode_connect(), "{\"cmd\":\"connect\"}\n");
    EXPECT_EQ(encode_shutdown(), "{\"cmd\":\"shutdown\"}\n");
    EXPECT_EQ(encode_logout(), "{\"cmd\":\"logout\"}\n");
    EXPECT_EQ(encode_fetch_groups(9), "{\"cmd\":\"fetch_groups\",\"request_id\":9}\n");
    EXPECT_EQ(encode_presence("1@g.us", true), "{\"cmd\":\"presence\",\"jid\":\"1@g.us\",\"state\":\"composing\"}\n");
    EXPECT_EQ(encode_presence("1@g.us", false), "{\"cmd\":\"presence\",\"jid\":\"1@g.us\",\"state\":\"paused\"}\n");
    const auto send = encode_send(5, "1@g.us", "Andy: two\nlines \"quoted\"");
    EXPECT_EQ(send.find('\n'), send.size() - 1) << "a newline in the text would split the command";
    const auto j = nlohmann::json::parse(send);
    EXPECT_EQ(j["text"], "Andy: two\nlines \"quoted\"");
    EXPECT_EQ(j["request_id"], 5);
    const auto bad_utf8 = encode_send(6, "1@g.us", "caf\xC3");
    EXPECT_FALSE(nlohmann::json::parse(bad_utf8, nullptr, false).is_discarded()) << "invalid UTF-8 is replaced, not thrown";
}

} // namespace
} // namespace nanoclaw::channels::whatsapp
