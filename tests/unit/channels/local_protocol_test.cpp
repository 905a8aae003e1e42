// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nanoclaw/channels/local/local_protocol.hpp"

namespace nanoclaw::channels::local {
namespace {

using json = nlohmann::json;

TEST(LocalProtocolTest, ChatNamesAreShortAndPlain) {
    EXPECT_FALSE(chat_name_error("main"));
    EXPECT_FALSE(chat_name_error("Team_chat-2"));
    EXPECT_FALSE(chat_name_error(std::string(64, 'a')));
    EXPECT_TRUE(chat_name_error(""));
    EXPECT_TRUE(chat_name_error(std::string(65, 'a')));
    EXPECT_TRUE(chat_name_error("a b"));
    EXPECT_TRUE(chat_name_error("../etc"));
    EXPECT_TRUE(chat_name_error("caf\xc3\xa9"));
}

TEST(LocalProtocolTest, JidsRoundTrip) {
    EXPECT_EQ(jid_for("main"), "local:main");
    EXPECT_EQ(chat_of("local:main"), "main");
    EXPECT_EQ(chat_of("local:"), std::nullopt);
    EXPECT_EQ(chat_of("local:a/b"), std::nullopt);
    EXPECT_EQ(chat_of("tg:main"), std::nullopt);
}

TEST(LocalProtocolTest, ParsesMessageAndSubscribe) {
    auto m = parse_client_line(R"({"type":"message","chat":"main","sender":"ann","text":"hi"})");
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(m->kind, ClientRequest::Kind::message);
    EXPECT_EQ(m->chat, "main");
    EXPECT_EQ(m->sender, "ann");
    EXPECT_EQ(m->text, "hi");

    auto anon = parse_client_line(R"({"type":"message","chat":"main","text":"hi","extra":1})");
    ASSERT_TRUE(anon);
    EXPECT_EQ(anon->sender, "user");

    auto s = parse_client_line(R"({"type":"subscribe","chat":"ops"})");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->kind, ClientRequest::Kind::subscribe);
    EXPECT_EQ(s->chat, "ops");
}

TEST(LocalProtocolTest, SyncGroupsRequestAndItsAnswer) {
    auto r = parse_client_line(encode_sync_groups_request());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->kind, ClientRequest::Kind::sync_groups);
    auto channels = nlohmann::json::array();
    channels.push_back({{"name", "whatsapp"}, {"ok", true}, {"groups", 3}, {"error", ""}});
    const auto line = encode_sync_groups(channels);
    ASSERT_EQ(line.back(), '\n');
    const auto back = nlohmann::json::parse(line);
    EXPECT_EQ(back["type"], "sync_groups");
    EXPECT_EQ(back["channels"][0]["groups"], 3);
    EXPECT_EQ(nlohmann::json::parse(encode_sync_groups(nullptr))["channels"], nlohmann::json::array());
}

TEST(LocalProtocolTest, DaemonStatusRequestNeedsNoChatAndItsAnswerIsTyped) {
    auto r = parse_client_line(encode_daemon_status_request());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->kind, ClientRequest::Kind::daemon_status);
    nlohmann::json state = nlohmann::json::object();
    state["pid"] = 42;
    const auto line = encode_daemon_status(state);
    ASSERT_EQ(line.back(), '\n');
    const auto back = nlohmann::json::parse(line);
    EXPECT_EQ(back["type"], "daemon_status");
    EXPECT_EQ(back["pid"], 42);
    // Chat clients skip it: it is not one of their event types.
    EXPECT_FALSE(parse_server_line(line.substr(0, line.size() - 1)));
}

TEST(LocalProtocolTest, RejectsMalformedRequestsWithReasons) {
    EXPECT_EQ(parse_client_line("{").error(), "invalid JSON");
    EXPECT_EQ(parse_client_line("\"text\"").error(), "expected a JSON object");
    EXPECT_EQ(parse_client_line(R"({"chat":"main"})").error(), "missing field \"type\"");
    EXPECT_EQ(parse_client_line(R"({"type":"message","text":"x"})").error(),
              "missing field \"chat\"");
    EXPECT_EQ(parse_client_line(R"({"type":"message","chat":"main"})").error(),
              "missing field \"text\"");
    EXPECT_EQ(parse_client_line(R"({"type":"message","chat":"main","text":""})").error(),
              "text must not be empty");
    EXPECT_EQ(parse_client_line(R"({"type":"message","chat":1,"text":"x"})").error(),
              "field \"chat\" must be a string");
    EXPECT_FALSE(parse_client_line(R"({"type":"message","chat":"main","text":"x","sender":""})"));
    EXPECT_FALSE(
        parse_client_line(R"({"type":"message","chat":"main","text":"x","sender":"a\nb"})"));
    EXPECT_FALSE(parse_client_line("{\"type\":\"message\",\"chat\":\"main\",\"text\":\"\xff\"}"));
    EXPECT_NE(parse_client_line(R"({"type":"hello","chat":"main"})").error().find("unknown type"),
              std::string::npos);
}

TEST(LocalProtocolTest, EncodesDaemonLines) {
    EXPECT_EQ(encode_message("main", "a\"b\n"),
              "{\"chat\":\"main\",\"text\":\"a\\\"b\\n\",\"type\":\"message\"}\n");
    EXPECT_EQ(json::parse(encode_typing("main", true)),
              (json{{"type", "typing"}, {"chat", "main"}, {"on", true}}));
    EXPECT_EQ(json::parse(encode_error("bad")), (json{{"type", "error"}, {"message", "bad"}}));
    // Invalid UTF-8 from an agent must not throw: it is replaced.
    auto line = encode_message("main", "ok \xff end");
    EXPECT_EQ(json::parse(line)["text"], "ok \xef\xbf\xbd end");
}

TEST(LocalProtocolTest, ClientEncodersRoundTripThroughTheParsers) {
    auto req = parse_client_line(encode_client_message("main", "ann", "hello"));
    ASSERT_TRUE(req);
    EXPECT_EQ(req->text, "hello");
    EXPECT_EQ(parse_client_line(encode_subscribe("ops"))->kind, ClientRequest::Kind::subscribe);

    auto ev = parse_server_line(encode_typing("main", false));
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->kind, ServerEvent::Kind::typing);
    EXPECT_FALSE(ev->on);
    EXPECT_EQ(parse_server_line(encode_message("main", "t"))->text, "t");
    EXPECT_EQ(parse_server_line(encode_error("nope"))->text, "nope");
    EXPECT_FALSE(parse_server_line(R"({"type":"typing","chat":"main"})"));
    EXPECT_FALSE(parse_server_line("garbage"));
}

// Found by reading beside fuzz/local_protocol_fuzz (which checks parsers never throw): an error
// line whose "message" was not a string threw json::type_error out of parse_server_line.
TEST(LocalProtocolTest, ErrorLineWithANonStringMessageDoesNotThrow) {
    for (const char* line : {R"({"type":"error","message":5})", R"({"type":"error","message":null})",
                             R"({"type":"error","message":{"a":1}})", R"({"type":"error"})"}) {
        tl::expected<ServerEvent, std::string> ev;
        ASSERT_NO_THROW(ev = parse_server_line(line)) << line;
        ASSERT_TRUE(ev) << line;
        EXPECT_EQ(ev->kind, ServerEvent::Kind::error);
        EXPECT_EQ(ev->text, "unknown error");
    }
}

TEST(LocalProtocolTest, StatusAndNoticeLinesRoundTrip) {
    EXPECT_EQ(json::parse(encode_status("main", "queued")),
              (json{{"type", "status"}, {"chat", "main"}, {"text", "queued"}}));
    EXPECT_EQ(json::parse(encode_notice("main", "key rejected")),
              (json{{"type", "message"}, {"chat", "main"}, {"text", "key rejected"}, {"notice", true}}));
    auto status = parse_server_line(encode_status("ops", "waiting on the API"));
    ASSERT_TRUE(status);
    EXPECT_EQ(status->kind, ServerEvent::Kind::status);
    EXPECT_EQ(status->chat, "ops");
    EXPECT_EQ(status->text, "waiting on the API");
    auto notice = parse_server_line(encode_notice("ops", "bad key"));
    ASSERT_TRUE(notice);
    EXPECT_EQ(notice->kind, ServerEvent::Kind::message);
    EXPECT_TRUE(notice->notice);
    EXPECT_FALSE(parse_server_line(encode_message("ops", "hi"))->notice);
    EXPECT_FALSE(parse_server_line(R"({"type":"status","chat":"main"})")); // no text
}

} // namespace
} // namespace nanoclaw::channels::local
