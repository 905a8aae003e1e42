// SPDX-License-Identifier: MIT
// Response streaming, upstream failures and connection reuse (catalog E4.7, E4.8; issue item 3).
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "fake_upstream.hpp"
#include "proxy_harness.hpp"

namespace nanoclaw::testing {
namespace {

std::string dotenv_for(const FakeUpstream& up) {
    return "ANTHROPIC_API_KEY=sk-ant-stream-key-1\nANTHROPIC_BASE_URL=http://127.0.0.1:" +
           std::to_string(up.port()) + "\n";
}

std::string chunk(const std::string& data) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", data.size());
    return std::string(size) + "\r\n" + data + "\r\n";
}

// Reads until `needle` appears or the connection ends; returns everything read.
std::string read_until(TestClient& client, const std::string& needle) {
    std::string seen;
    while (seen.find(needle) == std::string::npos) {
        const auto more = client.read_some();
        if (more.empty()) break;
        seen += more;
    }
    return seen;
}

TEST(StreamingTest, E4_7_FirstSseEventReachesClientBeforeUpstreamFinishes) {
    Signal release;
    std::atomic<bool> upstream_finished{false};
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        if (!ex.read_request()) return;
        ex.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n");
        ex.write(chunk("event: one\ndata: {\"n\":1}\n\n"));
        release.wait();
        ex.write(chunk("event: two\ndata: {\"n\":2}\n\n"));
        ex.write(chunk("event: three\ndata: {\"n\":3}\n\n") + "0\r\n\r\n");
        upstream_finished = true;
    });
    ProxyHarness proxy(dotenv_for(upstream));
    TestClient client(proxy.port());
    client.send(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));

    const auto first = read_until(client, "event: one");
    EXPECT_NE(first.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_NE(first.find("event: one"), std::string::npos);
    EXPECT_FALSE(upstream_finished.load()) << "the event arrived while the upstream was still held";
    EXPECT_EQ(first.find("event: two"), std::string::npos);
    release.notify();
    const auto rest = read_until(client, "0\r\n\r\n");
    EXPECT_NE(rest.find("event: three"), std::string::npos);
}

// The header travels with the body bytes of the same upstream read; when there are none yet it
// must still go out at once, not wait for the first body byte.
TEST(StreamingTest, HeaderReachesClientBeforeAnyBodyByteExists) {
    Signal release;
    std::atomic<bool> body_written{false};
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        if (!ex.read_request()) return;
        ex.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n");
        release.wait();
        body_written = true;
        ex.write(chunk("event: one\ndata: {\"n\":1}\n\n") + "0\r\n\r\n");
    });
    ProxyHarness proxy(dotenv_for(upstream));
    TestClient client(proxy.port());
    client.send(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));

    const auto head = read_until(client, "\r\n\r\n");
    EXPECT_NE(head.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_FALSE(body_written.load()) << "the header waited for the body";
    release.notify();
    const auto rest = head + read_until(client, "0\r\n\r\n");
    EXPECT_NE(rest.find("event: one"), std::string::npos);
}

// A small answer whose header and body arrive together reaches the client whole, with the
// upstream's framing, and the connection serves the next request.
TEST(StreamingTest, SmallAnswerArrivesWholeAndKeepsTheConnection) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        while (ex.read_request()) {
            ex.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                     "{\"ok\":true}");
        }
    });
    ProxyHarness proxy(dotenv_for(upstream));
    TestClient client(proxy.port());
    const auto prefix = proxy.open_run("main");
    for (int i = 0; i < 3; ++i) {
        client.send(make_request("POST", prefix + "/v1/messages", "", "{}"));
        const auto answer = read_until(client, "{\"ok\":true}");
        EXPECT_NE(answer.find("Content-Length: 11"), std::string::npos) << answer;
        EXPECT_NE(answer.find("{\"ok\":true}"), std::string::npos) << "request " << i;
    }
}

// A burst (every event in one upstream write) is parsed from the buffer in one go: the whole
// stream must still arrive intact and in order, and usage carried in it must still be counted.
TEST(StreamingTest, ABurstOfEventsArrivesIntactInOrderAndIsMetered) {
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        if (!ex.read_request()) return;
        std::string burst = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n";
        burst += chunk("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":"
                       "\"claude-b\",\"usage\":{\"input_tokens\":7,\"output_tokens\":1}}}\n\n");
        for (int i = 0; i < 300; ++i)
            burst += chunk("event: content_block_delta\ndata: {\"n\":" + std::to_string(i) + "}\n\n");
        burst += chunk("event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":300}}\n\n");
        ex.write(burst + "0\r\n\r\n");
    });
    ProxyHarness proxy(dotenv_for(upstream));
    TestClient client(proxy.port());
    client.send(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));
    const auto all = read_until(client, "0\r\n\r\n");
    std::size_t at = 0;
    for (int i = 0; i < 300; ++i) {
        const auto next = all.find("data: {\"n\":" + std::to_string(i) + "}", at);
        ASSERT_NE(next, std::string::npos) << "event " << i << " missing or out of order";
        at = next;
    }
    // Usage is recorded once the exchange ends, which may be just after the client's last read.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (proxy.usage().empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(proxy.usage().size(), 1u);
    EXPECT_EQ(proxy.usage()[0], (proxy::UsageRecord{"main", "claude-b", 7, 300, 0, 0}));
}

TEST(StreamingTest, ChunkedResponsesKeepTheClientConnectionUsable) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        while (ex.read_request()) {
            std::string body;
            for (int i = 0; i < 100; ++i) body += chunk("data: " + std::string(1000, 'a' + i % 26) + "\n\n");
            ex.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n" + body + "0\r\n\r\n");
        }
    });
    ProxyHarness proxy(dotenv_for(upstream));
    const auto run = proxy.open_run("main");
    TestClient client(proxy.port());
    for (int i = 0; i < 3; ++i) {
        client.send(make_request("POST", run + "/v1/messages", "", "{}"));
        auto res = client.read_response();
        ASSERT_TRUE(res) << i;
        EXPECT_EQ(res->body.size(), 100u * 1008) << i;
    }
}

TEST(StreamingTest, LargeBodiesArriveIntact) {
    std::string big(1 << 20, 'x');
    for (std::size_t i = 0; i < big.size(); i += 97) big[i] = static_cast<char>('a' + i % 26);
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        while (ex.read_request()) ex.respond(200, big, "Content-Type: text/plain\r\n");
    });
    ProxyHarness proxy(dotenv_for(upstream));
    auto res = proxy.request(make_request("GET", proxy.open_run("main") + "/big"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, big);
    EXPECT_EQ(res->get("content-length"), std::to_string(big.size()));
}

TEST(StreamingTest, E4_8_UpstreamFailureAfterHeadersClosesTheClient) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        if (!ex.read_request()) return;
        ex.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
        ex.reset();
    });
    ProxyHarness proxy(dotenv_for(upstream));
    TestClient client(proxy.port());
    client.send(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));
    const auto got = read_until(client, "0123456789");
    EXPECT_NE(got.find("200 OK"), std::string::npos);
    EXPECT_TRUE(client.closed_by_peer());
    EXPECT_EQ(got.find("502"), std::string::npos);
}

TEST(StreamingTest, SilentUpstreamTimesOutWith504) {
    Signal upstream_saw_close;
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        if (!ex.read_request()) return;
        if (ex.wait_for_close()) upstream_saw_close.notify();
    });
    ProxyHarness proxy(dotenv_for(upstream), {{"CREDENTIAL_PROXY_UPSTREAM_IDLE_TIMEOUT_MS", "300"}});
    auto res = proxy.request(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 504);
    EXPECT_EQ(res->body, "{\"error\":{\"message\":\"nanoclaw credential proxy: timed out (127.0.0.1)\","
                         "\"type\":\"timeout_error\"},\"type\":\"error\"}");
    EXPECT_TRUE(upstream_saw_close.wait());
}

// The upstream deadline is an idle limit, renewed by every read: a stream that keeps talking
// outlives it many times over; one that stops mid-body is cut after it and the upstream closed.
TEST(StreamingTest, UpstreamIdleLimitRenewsWithEveryReadAndCutsAStall) {
    Signal upstream_saw_close;
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        auto req = ex.read_request();
        if (!req) return;
        ex.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 8; ++i) { // 8 x 100 ms: well past the 300 ms limit in all
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            ex.write(chunk("data: {\"n\":" + std::to_string(i) + "}\n\n"));
        }
        if (req->target == "/v1/complete") {
            ex.write("0\r\n\r\n");
            return;
        }
        if (ex.wait_for_close()) upstream_saw_close.notify(); // stalls mid-body
    });
    ProxyHarness proxy(dotenv_for(upstream), {{"CREDENTIAL_PROXY_UPSTREAM_IDLE_TIMEOUT_MS", "300"}});
    const auto run = proxy.open_run("main");

    auto whole = proxy.request(make_request("POST", run + "/v1/complete", "", "{}"));
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->status, 200);
    EXPECT_NE(whole->body.find("{\"n\":7}"), std::string::npos) << whole->body;

    TestClient client(proxy.port());
    client.send(make_request("POST", run + "/v1/stall", "", "{}"));
    const auto got = read_until(client, "no such text");
    EXPECT_NE(got.find("{\"n\":7}"), std::string::npos);
    EXPECT_EQ(got.find("0\r\n\r\n"), std::string::npos) << "a cut stream must not look complete";
    EXPECT_TRUE(client.closed_by_peer());
    EXPECT_TRUE(upstream_saw_close.wait());
}

// A HEAD answer has no body even when its header announces a chunked one: nothing may follow
// the header, or the next response on the connection would start with a stray "0\r\n\r\n".
TEST(StreamingTest, HeadAnswerWithChunkedHeaderSendsNoBody) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        auto req = ex.read_request();
        if (!req) return;
        ex.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n");
        if (!ex.read_request()) return;
        ex.respond(200, "second", "Content-Type: text/plain\r\n");
    });
    ProxyHarness proxy(dotenv_for(upstream));
    const auto run = proxy.open_run("main");
    TestClient client(proxy.port());
    client.send(make_request("HEAD", run + "/v1/models"));
    const auto head = read_until(client, "\r\n\r\n");
    EXPECT_NE(head.find("200 OK"), std::string::npos);
    client.send(make_request("GET", run + "/v1/models"));
    const auto next = read_until(client, "second");
    EXPECT_EQ(next.rfind("HTTP/1.1 200", 0), 0u) << next;
    EXPECT_NE(next.find("second"), std::string::npos);
}

TEST(StreamingTest, ClientHangUpCancelsTheUpstreamRequest) {
    Signal got_request;
    Signal upstream_saw_close;
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        if (!ex.read_request()) return;
        got_request.notify();
        if (ex.wait_for_close()) upstream_saw_close.notify();
    });
    ProxyHarness proxy(dotenv_for(upstream));
    TestClient client(proxy.port());
    client.send(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));
    ASSERT_TRUE(got_request.wait());
    client.close();
    EXPECT_TRUE(upstream_saw_close.wait());
}

TEST(StreamingTest, UpstreamConnectionsAreReused) {
    FakeUpstream upstream(FakeUpstream::ok_json());
    ProxyHarness proxy(dotenv_for(upstream));
    const auto run = proxy.open_run("main");
    for (int i = 0; i < 3; ++i) {
        auto res = proxy.request(make_request("POST", run + "/v1/messages", "", "{}"));
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 200);
    }
    EXPECT_EQ(upstream.connection_count(), 1u);
}

TEST(StreamingTest, StalePooledConnectionIsReplacedTransparently) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        if (ex.read_request()) ex.respond(200, "{}", "Content-Type: application/json\r\n");
        // Closes without announcing it, like an upstream idle timeout.
    });
    ProxyHarness proxy(dotenv_for(upstream));
    const auto run = proxy.open_run("main");
    for (int i = 0; i < 3; ++i) {
        auto res = proxy.request(make_request("POST", run + "/v1/messages", "", "{}"));
        ASSERT_TRUE(res) << i;
        EXPECT_EQ(res->status, 200) << i;
    }
    EXPECT_EQ(upstream.request_count(), 3u);
}

TEST(StreamingTest, BodylessAndEofFramedResponses) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        auto req = ex.read_request();
        if (!req) return;
        if (req->target == "/empty") {
            ex.write("HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n");
            req = ex.read_request();
            if (!req) return;
        }
        ex.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil-eof");
    });
    ProxyHarness proxy(dotenv_for(upstream));
    const auto run = proxy.open_run("main");
    TestClient client(proxy.port());
    client.send(make_request("GET", run + "/empty"));
    auto first = client.read_response();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 204);
    EXPECT_EQ(first->get("x-a"), "1");
    client.send(make_request("GET", run + "/eof"));
    auto second = client.read_response();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->body, "until-eof");
    EXPECT_TRUE(client.closed_by_peer()) << "an EOF-framed body must end the client connection";
}

} // namespace
} // namespace nanoclaw::testing
