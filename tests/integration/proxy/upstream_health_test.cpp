// SPDX-License-Identifier: MIT
// What the proxy tells the daemon about a run's upstream calls, and the start-up preflight
// (issue 18): every failure is classified against the run's group, the container gets a prompt
// JSON answer, and nothing is reported for a run that has ended.
#include <gtest/gtest.h>

#include <thread>

#include "fake_upstream.hpp"
#include "proxy_harness.hpp"

namespace nanoclaw::testing {
namespace {

using proxy::UpstreamKind;

constexpr const char* k_key = "sk-ant-health-secret-5";
constexpr const char* k_oauth = "sk-ant-oat01-health-oauth-6";

std::string dotenv_for(std::uint16_t port, const std::string& secret_line) {
    return secret_line + "\nANTHROPIC_BASE_URL=http://127.0.0.1:" + std::to_string(port) + "\n";
}

std::string api_key() { return std::string("ANTHROPIC_API_KEY=") + k_key; }

FakeUpstream::Handler answer(int status, std::string body = "{}") {
    return [status, body](UpstreamExchange& ex) {
        while (ex.read_request())
            ex.respond(status, body, "Content-Type: application/json\r\n");
    };
}

std::uint16_t dead_port() {
    FakeUpstream gone(FakeUpstream::ok_json());
    return gone.port();
}

TEST(UpstreamHealthTest, EachStatusIsReportedForTheRunsGroupAndPassedThrough) {
    for (const auto& [status, kind] : std::vector<std::pair<int, UpstreamKind>>{
             {200, UpstreamKind::ok},
             {401, UpstreamKind::unauthorized},
             {403, UpstreamKind::forbidden},
             {429, UpstreamKind::rate_limited},
             {529, UpstreamKind::overloaded},
             {500, UpstreamKind::server_error}}) {
        FakeUpstream upstream(answer(status, R"({"x":1})"));
        ProxyHarness proxy(dotenv_for(upstream.port(), api_key()));
        auto res = proxy.request(make_request("POST", proxy.open_run("team") + "/v1/messages", "", "{}"));
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, status);
        EXPECT_EQ(res->body, R"({"x":1})"); // the upstream's own answer, unchanged
        const auto events = proxy.upstream_events();
        ASSERT_EQ(events.size(), 1u) << status;
        EXPECT_EQ(events[0].first, "team");
        EXPECT_EQ(events[0].second.kind, kind) << status;
        EXPECT_EQ(events[0].second.status, static_cast<unsigned>(status));
        EXPECT_EQ(events[0].second.host, "127.0.0.1");
    }
}

TEST(UpstreamHealthTest, StatusesThatSayNothingAreNotReported) {
    FakeUpstream upstream(answer(404));
    ProxyHarness proxy(dotenv_for(upstream.port(), api_key()));
    auto res = proxy.request(make_request("GET", proxy.open_run("main") + "/v1/nothing"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    EXPECT_TRUE(proxy.upstream_events().empty());
}

TEST(UpstreamHealthTest, ARefusedConnectionIsReportedAndAnsweredWithJson) {
    ProxyHarness proxy(dotenv_for(dead_port(), api_key()));
    auto res = proxy.request(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 502);
    EXPECT_NE(res->body.find("connection refused"), std::string::npos);
    const auto events = proxy.upstream_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].second.kind, UpstreamKind::refused);
    EXPECT_EQ(proxy::describe_for_chat(events[0].second),
              "Can't reach 127.0.0.1 (connection refused). Check the network or "
              "ANTHROPIC_BASE_URL.");
}

TEST(UpstreamHealthTest, ANameThatDoesNotResolveIsADnsFailure) {
    // The resolver refuses a 70-character label itself: no query leaves the machine.
    const std::string host = std::string(70, 'y') + ".invalid";
    ProxyHarness proxy(api_key() + "\nANTHROPIC_BASE_URL=http://" + host + "\n");
    auto res = proxy.request(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 502);
    const auto events = proxy.upstream_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].second.kind, UpstreamKind::dns);
    EXPECT_EQ(events[0].second.host, host);
}

TEST(UpstreamHealthTest, AnAnswerForARunThatEndedIsNotReported) {
    Signal got_request, released;
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        if (!ex.read_request()) return;
        got_request.notify();
        released.wait();
        ex.respond(401, "{}");
    });
    ProxyHarness proxy(dotenv_for(upstream.port(), api_key()));
    const auto run = proxy.open_run("main");
    std::optional<ClientResponse> res;
    std::thread client([&] { res = proxy.request(make_request("POST", run + "/v1/messages", "", "{}")); });
    ASSERT_TRUE(got_request.wait());
    proxy.release_runs();
    released.notify();
    client.join();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    EXPECT_TRUE(proxy.upstream_events().empty());
}

TEST(UpstreamHealthTest, PreflightSendsOneAuthenticatedModelListRequest) {
    FakeUpstream upstream(answer(200, R"({"data":[]})"));
    ProxyHarness proxy(dotenv_for(upstream.port(), api_key()));
    const auto event = proxy.check_upstream();
    EXPECT_EQ(event.kind, UpstreamKind::ok);
    ASSERT_EQ(upstream.request_count(), 1u);
    const auto req = upstream.requests()[0];
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.target, "/v1/models?limit=1");
    EXPECT_EQ(req.get("x-api-key"), k_key);
    EXPECT_EQ(req.get("anthropic-version"), "2023-06-01");
    EXPECT_FALSE(req.has("authorization"));
    EXPECT_EQ(proxy.logs().find(k_key), std::string::npos);
    EXPECT_TRUE(proxy.upstream_events().empty()); // not a run: the daemon's monitor never sees it
}

TEST(UpstreamHealthTest, PreflightInOAuthModeSendsTheBearerToken) {
    FakeUpstream upstream(answer(200));
    ProxyHarness proxy(dotenv_for(upstream.port(), std::string("CLAUDE_CODE_OAUTH_TOKEN=") + k_oauth));
    EXPECT_EQ(proxy.check_upstream().kind, UpstreamKind::ok);
    ASSERT_EQ(upstream.request_count(), 1u);
    const auto req = upstream.requests()[0];
    EXPECT_EQ(req.get("authorization"), std::string("Bearer ") + k_oauth);
    EXPECT_EQ(req.get("anthropic-beta"), "oauth-2025-04-20");
    EXPECT_FALSE(req.has("x-api-key"));
}

TEST(UpstreamHealthTest, PreflightReportsRejectedKeysAndDeadUpstreams) {
    {
        FakeUpstream upstream(answer(401));
        ProxyHarness proxy(dotenv_for(upstream.port(), api_key()));
        EXPECT_EQ(proxy.check_upstream().kind, UpstreamKind::unauthorized);
    }
    {
        ProxyHarness proxy(dotenv_for(dead_port(), api_key()));
        EXPECT_EQ(proxy.check_upstream().kind, UpstreamKind::refused);
    }
    {
        // A gateway without the model list: reachable, which is all that can be said.
        FakeUpstream upstream(answer(404));
        ProxyHarness proxy(dotenv_for(upstream.port(), api_key()));
        const auto event = proxy.check_upstream();
        EXPECT_EQ(event.kind, UpstreamKind::ok);
        EXPECT_EQ(event.status, 404u);
    }
}

TEST(UpstreamHealthTest, PreflightOfASilentUpstreamTimesOut) {
    Signal closed;
    FakeUpstream upstream([&](UpstreamExchange& ex) {
        if (ex.read_request() && ex.wait_for_close()) closed.notify();
    });
    ProxyHarness proxy(dotenv_for(upstream.port(), api_key()),
                       {{"CREDENTIAL_PROXY_CONNECT_TIMEOUT_MS", "300"}});
    EXPECT_EQ(proxy.check_upstream().kind, UpstreamKind::timeout);
    EXPECT_TRUE(closed.wait());
}

} // namespace
} // namespace nanoclaw::testing
