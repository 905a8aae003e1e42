// SPDX-License-Identifier: MIT
// Misbehaving clients get 400/408/413/431 and never disturb other clients (issue item 3).
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "fake_upstream.hpp"
#include "proxy_harness.hpp"

namespace nanoclaw::testing {
namespace {

class ClientsTest : public ::testing::Test {
protected:
    std::string dotenv() const {
        return "ANTHROPIC_API_KEY=sk-ant-clients-key-1\nANTHROPIC_BASE_URL=http://127.0.0.1:" +
               std::to_string(upstream_.port()) + "\n";
    }
    FakeUpstream upstream_{FakeUpstream::ok_json()};
};

TEST_F(ClientsTest, GarbageIsA400) {
    ProxyHarness proxy(dotenv());
    auto res = proxy.request("THIS IS NOT HTTP\r\n\r\n");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    EXPECT_EQ(upstream_.request_count(), 0u);
}

TEST_F(ClientsTest, GiantHeaderIsA431) {
    ProxyHarness proxy(dotenv(), {{"CREDENTIAL_PROXY_MAX_HEADER_BYTES", "1024"}});
    const auto run = proxy.open_run("main");
    auto res = proxy.request(make_request("GET", run + "/v1/models",
                                          "X-Big: " + std::string(4000, 'a') + "\r\n"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 431);
    EXPECT_EQ(upstream_.request_count(), 0u);
}

TEST_F(ClientsTest, OversizedBodiesAreA413WhateverTheFraming) {
    ProxyHarness proxy(dotenv(), {{"CREDENTIAL_PROXY_MAX_BODY_BYTES", "100"}});
    const auto run = proxy.open_run("main");
    auto declared = proxy.request(make_request("POST", run + "/v1/messages", "", std::string(101, 'x')));
    ASSERT_TRUE(declared);
    EXPECT_EQ(declared->status, 413);
    auto chunked = proxy.request("POST " + run + "/v1/messages HTTP/1.1\r\nHost: p\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n64\r\n" + std::string(100, 'y') +
                                 "\r\n5\r\nzzzzz\r\n0\r\n\r\n");
    ASSERT_TRUE(chunked);
    EXPECT_EQ(chunked->status, 413);
    auto fits = proxy.request(make_request("POST", run + "/v1/messages", "", std::string(100, 'x')));
    ASSERT_TRUE(fits);
    EXPECT_EQ(fits->status, 200);
    EXPECT_EQ(upstream_.request_count(), 1u);
}

TEST_F(ClientsTest, SlowlorisGets408WhileOthersAreServed) {
    ProxyHarness proxy(dotenv(), {{"CREDENTIAL_PROXY_CLIENT_TIMEOUT_MS", "300"}});
    const auto run = proxy.open_run("main");
    TestClient slow(proxy.port());
    slow.send("POST " + run + "/v1/messages HTTP/1.1\r\nHost: p\r\nX-Trickle: 1");
    auto other = proxy.request(make_request("POST", run + "/v1/messages", "", "{}"));
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 200);
    auto res = slow.read_response();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 408);
}

TEST_F(ClientsTest, TruncatedBodyGets408) {
    ProxyHarness proxy(dotenv(), {{"CREDENTIAL_PROXY_CLIENT_TIMEOUT_MS", "300"}});
    TestClient slow(proxy.port());
    slow.send("POST " + proxy.open_run("main") + "/v1/messages HTTP/1.1\r\nHost: p\r\n"
              "Content-Length: 50\r\n\r\n{\"partial\":");
    auto res = slow.read_response();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 408);
    EXPECT_EQ(upstream_.request_count(), 0u);
}

// A body read's 300 ms limit is shorter than the 30 s keep-alive wait before it: the shorter
// deadline must take over at once (the TestClient gives up after 10 s).
TEST_F(ClientsTest, BodyDeadlineShorterThanKeepAliveStillApplies) {
    ProxyHarness proxy(dotenv(), {{"CREDENTIAL_PROXY_CLIENT_TIMEOUT_MS", "300"},
                                  {"CREDENTIAL_PROXY_KEEPALIVE_TIMEOUT_MS", "30000"}});
    const auto run = proxy.open_run("main");
    TestClient client(proxy.port());
    client.send(make_request("POST", run + "/v1/messages", "", "{}"));
    auto first = client.read_response();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200);
    // Long enough for the first deadline to lapse, so the timer waits on the keep-alive one.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    client.send("POST " + run + "/v1/messages HTTP/1.1\r\nHost: p\r\n"
                "Content-Length: 50\r\n\r\n{\"partial\":");
    auto second = client.read_response();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->status, 408);
    EXPECT_EQ(upstream_.request_count(), 1u);
}

TEST_F(ClientsTest, KeepAliveServesSeveralRequestsOnOneConnection) {
    ProxyHarness proxy(dotenv());
    const auto run = proxy.open_run("main");
    TestClient client(proxy.port());
    for (int i = 0; i < 3; ++i) {
        client.send(make_request("POST", run + "/v1/messages", "", "{}"));
        auto res = client.read_response();
        ASSERT_TRUE(res) << i;
        EXPECT_EQ(res->status, 200);
        EXPECT_EQ(res->body, R"({"ok":true})");
    }
}

// Bodies that came in the same read as their header are parsed from the buffer: it must take
// exactly one body, leaving the next pipelined request (chunked this time) intact.
TEST_F(ClientsTest, PipelinedRequestsInOneWriteAreEachAnsweredOnce) {
    ProxyHarness proxy(dotenv());
    const auto run = proxy.open_run("main");
    TestClient client(proxy.port());
    client.send(make_request("POST", run + "/v1/messages", "", R"({"n":1})") + "POST " + run +
                "/v1/messages HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n"
                "7\r\n{\"n\":2}\r\n0\r\n\r\n");
    for (int i = 0; i < 2; ++i) {
        auto res = client.read_response();
        ASSERT_TRUE(res) << i;
        EXPECT_EQ(res->status, 200) << i;
    }
    const auto seen = upstream_.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].body, R"({"n":1})");
    EXPECT_EQ(seen[1].body, R"({"n":2})");
}

// An agent's request is tens to hundreds of KB (system prompt, tools, history): it must reach the
// upstream byte for byte, twice on one connection.
TEST_F(ClientsTest, LargeRequestBodiesReachTheUpstreamIntact) {
    ProxyHarness proxy(dotenv());
    const auto run = proxy.open_run("main");
    TestClient client(proxy.port());
    std::string body = R"({"messages":")";
    for (int i = 0; body.size() < 300'000; ++i) body += std::to_string(i) + ' ';
    body += R"("})";
    for (int i = 0; i < 2; ++i) {
        client.send(make_request("POST", run + "/v1/messages", "", body));
        auto res = client.read_response();
        ASSERT_TRUE(res) << i;
        EXPECT_EQ(res->status, 200) << i;
    }
    const auto seen = upstream_.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_TRUE(seen[0].body == body && seen[1].body == body) << "a request body was altered";
}

TEST_F(ClientsTest, MalformedChunkedBodyInTheHeadersReadIsA400) {
    ProxyHarness proxy(dotenv());
    auto res = proxy.request("POST " + proxy.open_run("main") +
                             "/v1/messages HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "zz\r\nnot a chunk\r\n0\r\n\r\n");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    EXPECT_EQ(upstream_.request_count(), 0u);
}

TEST_F(ClientsTest, IdleKeepAliveConnectionIsClosedQuietly) {
    ProxyHarness proxy(dotenv(), {{"CREDENTIAL_PROXY_KEEPALIVE_TIMEOUT_MS", "200"}});
    TestClient client(proxy.port());
    client.send(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));
    ASSERT_TRUE(client.read_response());
    EXPECT_EQ(client.read_some(), "") << "no 408 for a client that simply went idle";
}

TEST_F(ClientsTest, ExpectContinueIsAnsweredByTheProxy) {
    ProxyHarness proxy(dotenv());
    TestClient client(proxy.port());
    client.send("POST " + proxy.open_run("main") + "/v1/messages HTTP/1.1\r\nHost: p\r\n"
                "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    const auto interim = client.read_some();
    EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue", 0), 0u);
    client.send("{}");
    auto res = client.read_response();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    ASSERT_EQ(upstream_.request_count(), 1u);
    EXPECT_FALSE(upstream_.requests()[0].has("expect"));
    EXPECT_EQ(upstream_.requests()[0].body, "{}");
}

} // namespace
} // namespace nanoclaw::testing
