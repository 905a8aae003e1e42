// SPDX-License-Identifier: MIT
// Spec 20 §6.4 checked black-box with a recording upstream: catalog section C and E4.1-E4.6.
#include <gtest/gtest.h>

#include "fake_upstream.hpp"
#include "proxy_harness.hpp"

namespace nanoclaw::testing {
namespace {

constexpr const char* k_key = "sk-ant-real-key-0123456789";

std::string upstream_env(const FakeUpstream& up, const std::string& path = "") {
    return "ANTHROPIC_BASE_URL=http://127.0.0.1:" + std::to_string(up.port()) + path + "\n";
}

class HeadersTest : public ::testing::Test {
protected:
    FakeUpstream upstream_{FakeUpstream::ok_json()};

    RecordedRequest forward(const std::string& dotenv, const std::string& method,
                            const std::string& path, const std::string& headers,
                            const std::string& body = "{}") {
        ProxyHarness proxy(dotenv + upstream_env(upstream_));
        const auto run = proxy.open_run("main");
        auto res = proxy.request(make_request(method, run + path,
                                              "Content-Type: application/json\r\n" + headers, body));
        EXPECT_TRUE(res);
        if (res) {
            EXPECT_EQ(res->status, 200);
        }
        EXPECT_EQ(upstream_.request_count(), 1u);
        return upstream_.requests().empty() ? RecordedRequest{} : upstream_.requests().back();
    }
};

TEST_F(HeadersTest, C1_ApiKeyModeInjectsKeyAndStripsPlaceholder) {
    const auto r = forward(std::string("ANTHROPIC_API_KEY=") + k_key + "\n", "POST", "/v1/messages",
                           "x-api-key: placeholder\r\n");
    EXPECT_EQ(r.get("x-api-key"), k_key);
    EXPECT_EQ(r.headers.count("x-api-key"), 1u);
}

TEST_F(HeadersTest, C2_OauthModeReplacesAuthorization) {
    const auto r = forward("CLAUDE_CODE_OAUTH_TOKEN=real-oauth-token\n", "POST",
                           "/api/oauth/claude_cli/create_api_key", "Authorization: Bearer placeholder\r\n");
    EXPECT_EQ(r.get("authorization"), "Bearer real-oauth-token");
    EXPECT_EQ(r.headers.count("authorization"), 1u);
}

TEST_F(HeadersTest, C3_OauthModeLeavesRequestsWithoutAuthorizationAlone) {
    const auto r = forward("CLAUDE_CODE_OAUTH_TOKEN=real-oauth-token\n", "POST", "/v1/messages",
                           "x-api-key: temp-key-from-exchange\r\n");
    EXPECT_EQ(r.get("x-api-key"), "temp-key-from-exchange");
    EXPECT_FALSE(r.has("authorization"));
}

TEST_F(HeadersTest, C4_StripsHopByHopAndReframesChunkedBodies) {
    ProxyHarness proxy(std::string("ANTHROPIC_API_KEY=") + k_key + "\n" + upstream_env(upstream_));
    const auto run = proxy.open_run("main");
    auto res = proxy.request("POST " + run + "/v1/messages HTTP/1.1\r\nHost: p\r\n"
                             "Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
                             "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                             "5\r\n{\"a\":\r\n3\r\n12}\r\n0\r\n\r\n");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    const auto r = upstream_.requests().at(0);
    EXPECT_FALSE(r.has("keep-alive"));
    EXPECT_FALSE(r.has("transfer-encoding"));
    EXPECT_EQ(r.get("content-length"), "8");
    EXPECT_EQ(r.body, "{\"a\":12}");
}

// v1 answered a bare "Bad Gateway"; issue 18 replaces it with Anthropic's JSON error shape, so
// the SDK inside the container shows why (see upstream_health_test.cpp for the reasons).
TEST_F(HeadersTest, C5_UnreachableUpstreamGivesAJsonBadGateway) {
    // Reserve a port, then free it so nothing listens there.
    std::uint16_t dead_port = 0;
    { FakeUpstream gone(FakeUpstream::ok_json()); dead_port = gone.port(); }
    ProxyHarness proxy(std::string("ANTHROPIC_API_KEY=") + k_key +
                       "\nANTHROPIC_BASE_URL=http://127.0.0.1:" + std::to_string(dead_port) + "\n");
    const auto run = proxy.open_run("main");
    auto res = proxy.request(make_request("POST", run + "/v1/messages", "", "{}"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 502);
    EXPECT_EQ(res->body, "{\"error\":{\"message\":\"nanoclaw credential proxy: connection refused (127.0.0.1)\","
                         "\"type\":\"api_error\"},\"type\":\"error\"}");
    EXPECT_EQ(res->get("content-type"), "application/json");
}

TEST_F(HeadersTest, E4_1_ApiKeyAddedWhenClientSentNone) {
    const auto r = forward(std::string("ANTHROPIC_API_KEY=") + k_key + "\n", "POST", "/v1/messages", "");
    EXPECT_EQ(r.get("x-api-key"), k_key);
}

TEST_F(HeadersTest, E4_2_ApiKeyModeForwardsAuthorizationUnchanged) {
    const auto r = forward(std::string("ANTHROPIC_API_KEY=") + k_key + "\n", "POST", "/v1/messages",
                           "Authorization: Bearer foo\r\n");
    EXPECT_EQ(r.get("authorization"), "Bearer foo");
}

TEST_F(HeadersTest, E4_3_OauthWithoutAnyTokenDropsAuthorization) {
    const auto r = forward("", "POST", "/v1/messages", "Authorization: Bearer placeholder\r\n");
    EXPECT_FALSE(r.has("authorization"));
}

TEST_F(HeadersTest, E4_4_OauthFallsBackToAnthropicAuthToken) {
    const auto r = forward("ANTHROPIC_AUTH_TOKEN=t2-token\n", "POST", "/v1/messages",
                           "Authorization: Bearer placeholder\r\n");
    EXPECT_EQ(r.get("authorization"), "Bearer t2-token");
}

TEST_F(HeadersTest, E4_5_HostLengthMethodPathAndQuery) {
    ProxyHarness proxy(std::string("ANTHROPIC_API_KEY=") + k_key + "\n" +
                       upstream_env(upstream_, "/ignored/prefix"));
    const auto run = proxy.open_run("main");
    ASSERT_TRUE(proxy.request(make_request("POST", run + "/v1/messages?beta=true", "", "{\"x\":1}")));
    ASSERT_TRUE(proxy.request("GET " + run + "/v1/models HTTP/1.1\r\nHost: p\r\n\r\n"));
    const auto posts = upstream_.requests();
    ASSERT_EQ(posts.size(), 2u);
    EXPECT_EQ(posts[0].method, "POST");
    EXPECT_EQ(posts[0].target, "/v1/messages?beta=true");
    EXPECT_EQ(posts[0].get("host"), "127.0.0.1:" + std::to_string(upstream_.port()));
    EXPECT_EQ(posts[0].get("content-length"), "7");
    EXPECT_EQ(posts[1].method, "GET");
    EXPECT_EQ(posts[1].target, "/v1/models");
    EXPECT_EQ(posts[1].get("content-length"), "0") << "bodyless requests get length 0 too";
}

TEST_F(HeadersTest, OtherHeadersPassThroughUntouched) {
    const auto r = forward(std::string("ANTHROPIC_API_KEY=") + k_key + "\n", "POST", "/v1/messages",
                           "anthropic-version: 2023-06-01\r\nanthropic-beta: a,b\r\nX-Custom: 1\r\n");
    EXPECT_EQ(r.get("anthropic-version"), "2023-06-01");
    EXPECT_EQ(r.get("anthropic-beta"), "a,b");
    EXPECT_EQ(r.get("x-custom"), "1");
    EXPECT_EQ(r.get("content-type"), "application/json");
}

TEST(HeadersPassthroughTest, E4_6_StatusAndResponseHeadersReachTheClient) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        while (ex.read_request()) {
            ex.respond(429, R"({"error":"slow down"})", "Retry-After: 7\r\nX-Req: abc\r\n");
        }
    });
    ProxyHarness proxy(std::string("ANTHROPIC_API_KEY=") + k_key + "\n" + upstream_env(upstream));
    const auto run = proxy.open_run("main");
    auto res = proxy.request(make_request("POST", run + "/v1/messages", "", "{}"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 429);
    EXPECT_EQ(res->get("retry-after"), "7");
    EXPECT_EQ(res->get("x-req"), "abc");
    EXPECT_EQ(res->body, R"({"error":"slow down"})");
}

} // namespace
} // namespace nanoclaw::testing
