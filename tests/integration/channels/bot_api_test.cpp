// SPDX-License-Identifier: MIT
// BotApi against loopback peers: HTTPS verified against an extra CA (with SNI), refused when the
// certificate is not trusted, through an HTTP CONNECT proxy, kept alive, and every reply shape
// (ok, API error with retry_after, not JSON) read without ever echoing the token.
#include <gtest/gtest.h>

#include "connect_proxy.hpp"
#include "fake_upstream.hpp"
#include "nanoclaw/channels/telegram/bot_api.hpp"
#include "nanoclaw/core/spawn.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using channels::telegram::BotApi;
using channels::telegram::BotApiOptions;
using channels::telegram::BotReply;
using json = nlohmann::json;

const std::string k_token = "4242:SECRET_part-xyz";

json params_for(int i) { return json{{"n", i}}; } // GCC 12: no initializer lists in coroutines

awaitable<void> call_into(BotApi* api, std::string method, std::vector<BotReply>* out, int times,
                          std::chrono::milliseconds timeout) {
    for (int i = 0; i < times; ++i) {
        auto params = params_for(i);
        auto reply = co_await api->call(method, std::move(params), timeout);
        out->push_back(std::move(reply));
    }
}

std::vector<BotReply> call(BotApiOptions options, const std::string& method, int times = 1,
                           std::chrono::milliseconds timeout = 5s) {
    asio::io_context io;
    BotApi api(io, std::move(options));
    std::vector<BotReply> replies;
    core::spawn(io.get_executor(), "test", call_into(&api, method, &replies, times, timeout));
    io.run_for(20s);
    return replies;
}

BotApiOptions options_for(const std::string& base, std::optional<std::filesystem::path> ca = {}) {
    BotApiOptions o;
    o.base = *net::parse_url(base);
    o.token = k_token;
    o.extra_ca_file = std::move(ca);
    o.connect_timeout = 5s;
    return o;
}

FakeUpstream::Handler answer(int status, std::string body) {
    return [status, body](UpstreamExchange& ex) {
        while (ex.read_request()) ex.respond(status, body, "Content-Type: application/json\r\n");
    };
}

struct BotApiTlsTest : ::testing::Test {
    TempDir ca_dir;
    TestCa ca = make_test_ca(ca_dir.path());
};

TEST_F(BotApiTlsTest, VerifiedHttpsWithSniAndKeepAlive) {
    FakeUpstream upstream(answer(200, R"({"ok":true,"result":{"username":"andy_ai_bot"}})"), &ca);
    const auto replies = call(options_for("https://localhost:" + std::to_string(upstream.port()), ca.ca_cert),
                              "getMe", 2);
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_TRUE(replies[0].ok()) << replies[0].description;
    EXPECT_EQ(replies[1].result["username"], "andy_ai_bot");
    EXPECT_EQ(upstream.connection_count(), 1u); // kept alive
    ASSERT_EQ(upstream.request_count(), 2u);
    const auto req = upstream.requests()[0];
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target, "/bot" + k_token + "/getMe");
    EXPECT_EQ(req.get("content-type"), "application/json");
    EXPECT_EQ(json::parse(req.body), (json{{"n", 0}}));
    EXPECT_EQ(upstream.server_names(), std::vector<std::string>{"localhost"});
}

TEST_F(BotApiTlsTest, AnUntrustedCertificateIsANetworkFailureWithoutTheToken) {
    FakeUpstream upstream(answer(200, R"({"ok":true,"result":true})"), &ca);
    const auto replies = call(options_for("https://localhost:" + std::to_string(upstream.port())), "getMe");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].outcome, BotReply::Outcome::network);
    EXPECT_NE(replies[0].description.find("TLS handshake"), std::string::npos) << replies[0].description;
    EXPECT_EQ(replies[0].description.find("SECRET"), std::string::npos);
    EXPECT_EQ(upstream.request_count(), 0u);
}

TEST_F(BotApiTlsTest, ThroughAnHttpConnectProxy) {
    FakeUpstream upstream(answer(200, R"({"ok":true,"result":[]})"), &ca);
    FakeConnectProxy tunnel;
    auto o = options_for("https://localhost:" + std::to_string(upstream.port()), ca.ca_cert);
    o.tunnel = *net::parse_url("http://127.0.0.1:" + std::to_string(tunnel.port()));
    const auto replies = call(o, "getUpdates");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_TRUE(replies[0].ok()) << replies[0].description;
    EXPECT_EQ(tunnel.targets(), std::vector<std::string>{"localhost:" + std::to_string(upstream.port())});
}

TEST(BotApiReplyTest, ApiErrorsCarryCodeDescriptionAndRetryAfter) {
    FakeUpstream upstream(answer(429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})"));
    const auto r = call(options_for("http://127.0.0.1:" + std::to_string(upstream.port())), "sendMessage");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].outcome, BotReply::Outcome::api_error);
    EXPECT_EQ(r[0].error_code, 429);
    EXPECT_EQ(r[0].retry_after, 7);
    EXPECT_EQ(r[0].description, "Too Many Requests: retry after 7");
}

TEST(BotApiReplyTest, ABodyThatIsNotJsonIsABadResponse) {
    FakeUpstream upstream(answer(502, "<html>Bad Gateway</html>"));
    const auto r = call(options_for("http://127.0.0.1:" + std::to_string(upstream.port())), "getUpdates");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].outcome, BotReply::Outcome::bad_response);
    EXPECT_NE(r[0].description.find("HTTP 502"), std::string::npos);
}

TEST(BotApiReplyTest, ASilentServerTimesOutAndIsHungUpOn) {
    Signal closed;
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        if (ex.read_request() && ex.wait_for_close()) closed.notify();
    });
    const auto r = call(options_for("http://127.0.0.1:" + std::to_string(upstream.port())),
                        "getUpdates", 1, 300ms);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].outcome, BotReply::Outcome::network);
    EXPECT_EQ(r[0].description, "getUpdates: timed out");
    EXPECT_TRUE(closed.wait());
}

TEST(BotApiReplyTest, ARefusedConnectionNamesTheMethodNotTheUrl) {
    std::uint16_t dead = 0;
    { FakeUpstream gone(FakeUpstream::ok_json()); dead = gone.port(); }
    const auto r = call(options_for("http://127.0.0.1:" + std::to_string(dead)), "getMe");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].outcome, BotReply::Outcome::network);
    EXPECT_EQ(r[0].description.rfind("getMe: ", 0), 0u) << r[0].description;
    EXPECT_EQ(r[0].description.find(k_token), std::string::npos);
}

} // namespace
} // namespace nanoclaw::testing
