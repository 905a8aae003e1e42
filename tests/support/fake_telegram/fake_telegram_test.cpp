// SPDX-License-Identifier: MIT
// Self-test of the fake Bot API through a tiny blocking Beast client on loopback.
#include "fake_telegram.hpp"

#include <utility> // before Asio

#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

namespace nanoclaw::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string k_token = "123456:TEST-token";

struct Answer {
    int status = 0; // 0: the connection ended without an answer
    std::string raw;
    Json body;
};

/// One keep-alive connection; each call is a blocking request/response.
class Client {
  public:
    explicit Client(std::uint16_t port) : socket_(io_) {
        socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    }
    Answer call(const std::string& method, const Json& params = Json::object(),
                const std::string& token = k_token, bool close = false) {
        http::request<http::string_body> req{http::verb::post, "/bot" + token + "/" + method, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::content_type, "application/json");
        req.body() = params.dump();
        req.keep_alive(!close);
        req.prepare_payload();
        return exchange(req);
    }
    Answer get(const std::string& target) {
        http::request<http::string_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        return exchange(req);
    }
    Answer raw(const std::string& bytes) {
        boost::system::error_code ec;
        asio::write(socket_, asio::buffer(bytes), ec);
        return read();
    }

  private:
    Answer exchange(http::request<http::string_body>& req) {
        boost::system::error_code ec;
        http::write(socket_, req, ec);
        return ec ? Answer{} : read();
    }
    Answer read() {
        http::response<http::string_body> res;
        boost::system::error_code ec;
        http::read(socket_, buffer_, res, ec);
        if (ec) return {};
        return {static_cast<int>(res.result_int()), res.body(),
                Json::parse(res.body(), nullptr, false)};
    }
    asio::io_context io_;
    asio::ip::tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
};

class FakeTelegramTest : public ::testing::Test {
  protected:
    FakeTelegram fake_;
    Client client_{fake_.port()};
};

TEST_F(FakeTelegramTest, GetMeReturnsTheBotAndHonoursSetBot) {
    EXPECT_EQ(fake_.base_url(), "http://127.0.0.1:" + std::to_string(fake_.port()));
    auto a = client_.call("getMe");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.body["ok"], true);
    EXPECT_EQ(a.body["result"]["id"], 12345);
    EXPECT_EQ(a.body["result"]["username"], "andy_ai_bot");
    EXPECT_EQ(a.body["result"]["first_name"], "Andy");
    fake_.set_bot(777, "other_bot", "Other");
    EXPECT_EQ(client_.call("getme").body["result"]["username"], "other_bot");
    EXPECT_EQ(fake_.calls_of("getMe").size(), 2u); // case-insensitive, recorded canonically
}

TEST_F(FakeTelegramTest, WrongTokenIs401UnknownMethodIs404) {
    auto a = client_.call("getMe", Json::object(), "999:wrong");
    EXPECT_EQ(a.status, 401);
    EXPECT_EQ(a.body, Json({{"ok", false}, {"error_code", 401}, {"description", "Unauthorized"}}));
    auto b = client_.call("frobnicate");
    EXPECT_EQ(b.status, 404);
    EXPECT_EQ(b.body, Json({{"ok", false}, {"error_code", 404}, {"description", "Not Found"}}));
    ASSERT_EQ(fake_.calls().size(), 2u);
    EXPECT_EQ(fake_.calls()[0].token, "999:wrong");
}

TEST_F(FakeTelegramTest, GetUpdatesReturnsPushedAndForgetsAcknowledged) {
    EXPECT_EQ(fake_.push_update(fake_.text_update(-100200300, "group", "one")), 1);
    EXPECT_EQ(fake_.push_update(fake_.text_update(-100200300, "group", "two")), 2);
    auto all = client_.call("getUpdates", {{"offset", 0}, {"timeout", 0}});
    ASSERT_EQ(all.body["result"].size(), 2u);
    EXPECT_EQ(all.body["result"][0]["update_id"], 1);
    EXPECT_EQ(all.body["result"][0]["message"]["chat"]["title"], "Test Group");
    EXPECT_EQ(all.body["result"][1]["message"]["text"], "two");
    auto rest = client_.call("getUpdates", {{"offset", 2}, {"timeout", 0}});
    ASSERT_EQ(rest.body["result"].size(), 1u);
    EXPECT_EQ(rest.body["result"][0]["update_id"], 2);
    // Confirmed forever: a later offset 0 does not bring update 1 back.
    auto again = client_.call("getUpdates", {{"offset", 0}, {"timeout", 0}});
    EXPECT_EQ(again.body["result"].size(), 1u);
    EXPECT_EQ(client_.call("getUpdates", {{"offset", 3}}).body["result"], Json::array());
    EXPECT_EQ(fake_.pending_count(), 0u);
    EXPECT_EQ(fake_.last_acknowledged_offset(), 3);
}

TEST_F(FakeTelegramTest, HeldPollIsWokenByPush) {
    auto poll = std::async(std::launch::async, [this] {
        auto a = client_.call("getUpdates", {{"offset", 1}, {"timeout", 10}});
        return std::make_pair(a, Clock::now());
    });
    ASSERT_TRUE(fake_.wait_for([&] { return fake_.calls_of("getUpdates").size() == 1; }));
    // The call is recorded under the lock the poll keeps until it waits: it is waiting now.
    const auto pushed = Clock::now();
    fake_.push_update(fake_.text_update(42, "private", "hello"));
    ASSERT_EQ(poll.wait_for(5s), std::future_status::ready);
    auto [answer, at] = poll.get();
    // Well before the 10 s poll time: the push woke it (no timing target, a loaded CI machine
    // may take a while).
    EXPECT_LT(at - pushed, 5s);
    ASSERT_EQ(answer.body["result"].size(), 1u);
    EXPECT_EQ(answer.body["result"][0]["message"]["chat"]["first_name"], "Alice");
}

TEST_F(FakeTelegramTest, EmptyPollHonoursTimeout) {
    const auto start = Clock::now();
    auto a = client_.call("getUpdates", {{"timeout", 1}});
    const auto took = Clock::now() - start;
    EXPECT_EQ(a.body["result"], Json::array());
    EXPECT_GE(took, 900ms);
    EXPECT_LT(took, 3s);
}

TEST_F(FakeTelegramTest, FailNextAnswersOnceWithRetryAfter) {
    fake_.fail_next("sendMessage", 429, "Too Many Requests: retry after 5", 5);
    auto a = client_.call("sendMessage", {{"chat_id", "-100"}, {"text", "hi"}});
    EXPECT_EQ(a.status, 429);
    EXPECT_EQ(a.body, Json({{"ok", false},
                            {"error_code", 429},
                            {"description", "Too Many Requests: retry after 5"},
                            {"parameters", {{"retry_after", 5}}}}));
    auto b = client_.call("sendMessage", {{"chat_id", "-100"}, {"text", "hi"}});
    EXPECT_EQ(b.status, 200);
    EXPECT_EQ(b.body["result"]["chat"]["id"], -100);
    EXPECT_EQ(b.body["result"]["text"], "hi");
    EXPECT_EQ(fake_.sent_messages().size(), 1u);
}

TEST_F(FakeTelegramTest, RejectMarkdownFailsOnlyMarkdownSends) {
    fake_.reject_markdown(true);
    auto a =
        client_.call("sendMessage", {{"chat_id", 5}, {"text", "*x"}, {"parse_mode", "Markdown"}});
    EXPECT_EQ(a.status, 400);
    EXPECT_EQ(
        a.body["description"].get<std::string>().rfind("Bad Request: can't parse entities", 0), 0u);
    auto b = client_.call("sendMessage", {{"chat_id", 5}, {"text", "*x"}});
    EXPECT_EQ(b.status, 200);
    ASSERT_EQ(fake_.sent_messages().size(), 1u);
    EXPECT_FALSE(fake_.sent_messages()[0].contains("parse_mode"));
    EXPECT_EQ(fake_.calls_of("sendMessage").size(), 2u);
}

TEST_F(FakeTelegramTest, ConflictAndNewerPollAnswer409) {
    fake_.set_conflict(true);
    auto a = client_.call("getUpdates");
    EXPECT_EQ(a.status, 409);
    EXPECT_EQ(a.body["description"], "Conflict: terminated by other getUpdates request; make sure "
                                     "that only one bot instance is running");
    fake_.set_conflict(false);
    auto held = std::async(std::launch::async, [this] {
        return client_.call("getUpdates", {{"timeout", 10}});
    });
    ASSERT_TRUE(fake_.wait_for([&] { return fake_.calls_of("getUpdates").size() == 2; }));
    Client second(fake_.port());
    EXPECT_EQ(second.call("getUpdates", {{"timeout", 0}}).status, 200);
    EXPECT_EQ(held.get().status, 409); // Telegram ends the older poll
}

TEST_F(FakeTelegramTest, KeepAliveServesSeveralCallsOnOneConnection) {
    EXPECT_EQ(client_.call("getMe").status, 200);
    EXPECT_EQ(client_.call("deleteWebhook").body["result"], true);
    EXPECT_EQ(client_.call("sendChatAction", {{"chat_id", 1}, {"action", "typing"}}).body["result"],
              true);
    EXPECT_EQ(fake_.connections_accepted(), 1u);
    EXPECT_EQ(client_.call("getMe", Json::object(), k_token, true).status, 200);
    EXPECT_EQ(client_.call("getMe").status, 0); // the fake honoured Connection: close
}

TEST_F(FakeTelegramTest, DestructorReturnsPromptlyWithAHeldPoll) {
    auto fake = std::make_unique<FakeTelegram>();
    Client client(fake->port());
    auto poll = std::async(std::launch::async, [&] {
        return client.call("getUpdates", {{"timeout", 30}});
    });
    ASSERT_TRUE(fake->wait_for([&] { return fake->calls_of("getUpdates").size() == 1; }));
    fake->delay_next("getMe", 30s);
    Client delayed(fake->port());
    auto slow = std::async(std::launch::async, [&] { return delayed.call("getMe"); });
    ASSERT_TRUE(fake->wait_for([&] { return fake->calls_of("getMe").size() == 1; }));
    const auto start = Clock::now();
    fake.reset();
    EXPECT_LT(Clock::now() - start, 2s);
    EXPECT_EQ(poll.wait_for(2s), std::future_status::ready);
    EXPECT_EQ(slow.wait_for(2s), std::future_status::ready);
}

TEST_F(FakeTelegramTest, QueryStringFormAndGetChat) {
    auto a = client_.get("/bot" + k_token + "/getChat?chat_id=-100");
    EXPECT_EQ(a.body["result"], Json({{"id", -100}, {"type", "group"}, {"title", "Chat -100"}}));
    EXPECT_EQ(fake_.calls_of("getChat")[0].params["chat_id"], "-100");
    auto b =
        client_.raw("POST /bot" + k_token +
                    "/getUpdates HTTP/1.1\r\nHost: x\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n\r\n"
                    "offset=7");
    EXPECT_EQ(b.status, 200);
    EXPECT_EQ(fake_.last_acknowledged_offset(), 7);
    TextUpdateOptions options;
    options.title = "Dev Team";
    fake_.push_update(fake_.text_update(-5, "supergroup", "x", options));
    EXPECT_EQ(client_.call("getChat", {{"chat_id", -5}}).body["result"]["title"], "Dev Team");
}

TEST_F(FakeTelegramTest, DropMalformedAndDelay) {
    fake_.malformed_next("getMe");
    auto a = client_.call("getMe");
    EXPECT_EQ(a.status, 200);
    EXPECT_TRUE(a.body.is_discarded());
    fake_.delay_next("getMe", 300ms);
    const auto start = Clock::now();
    EXPECT_EQ(client_.call("getMe").status, 200);
    EXPECT_GE(Clock::now() - start, 300ms);
    fake_.drop_next("getMe");
    EXPECT_EQ(client_.call("getMe").status, 0);
    Client next(fake_.port());
    EXPECT_EQ(next.call("getMe").status, 200);
}

TEST_F(FakeTelegramTest, GarbageAndDeepJsonAreRejectedWithoutHanging) {
    EXPECT_EQ(client_.raw("NOT HTTP AT ALL\r\n\r\n").status, 400);
    Client deep(fake_.port());
    std::string nested = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    auto b = deep.raw("POST /bot" + k_token +
                      "/sendMessage HTTP/1.1\r\nHost: x\r\nContent-Type: "
                      "application/json\r\nContent-Length: " +
                      std::to_string(nested.size()) + "\r\n\r\n" + nested);
    EXPECT_EQ(b.status, 400);
    EXPECT_EQ(deep.call("getMe").status, 200);
}

TEST_F(FakeTelegramTest, RememberedAllowedUpdatesFilterUntilAPollSetsThem) {
    fake_.remember_allowed_updates({"message"});
    fake_.push_update(
        {{"channel_post", {{"message_id", 1}, {"chat", {{"id", -9}, {"type", "channel"}}}}}});
    EXPECT_EQ(client_.call("getUpdates").body["result"], Json::array());
    auto a = client_.call("getUpdates", {{"allowed_updates", {"message", "channel_post"}}});
    EXPECT_EQ(a.body["result"].size(), 1u);
}

TEST_F(FakeTelegramTest, TextUpdateDetectsEntitiesInUtf16Units) {
    auto u = fake_.text_update(1, "group", "\xF0\x9F\x98\x80 @andy_ai_bot hi @Andy");
    const auto& entities = u["message"]["entities"];
    ASSERT_EQ(entities.size(), 1u); // "@Andy" is too short to be a username
    EXPECT_EQ(entities[0], Json({{"type", "mention"}, {"offset", 3}, {"length", 12}}));
    auto c = fake_.text_update(1, "group", "/chatid@andy_ai_bot");
    EXPECT_EQ(c["message"]["entities"][0]["type"], "bot_command");
    EXPECT_EQ(c["message"]["entities"][0]["length"], 19);
    EXPECT_EQ(c["message"]["message_id"].get<int>(), u["message"]["message_id"].get<int>() + 1);
}

} // namespace
} // namespace nanoclaw::testing
