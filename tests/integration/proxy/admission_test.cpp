// SPDX-License-Identifier: MIT
// Per-run admission, usage accounting, secret hygiene in logs, and lifecycle (issue items 1, 5, 6).
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "fake_upstream.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/proxy/bind_address.hpp"
#include "proxy_harness.hpp"

namespace nanoclaw::testing {
namespace {

constexpr const char* k_key = "sk-ant-admission-secret-42";
constexpr const char* k_oauth = "sk-ant-oat01-admission-oauth-77";

std::string dotenv(const FakeUpstream& up, const std::string& secrets) {
    return secrets + "ANTHROPIC_BASE_URL=http://127.0.0.1:" + std::to_string(up.port()) + "\n";
}

std::string api_key_env() { return std::string("ANTHROPIC_API_KEY=") + k_key + "\n"; }

TEST(AdmissionTest, RequestsWithoutALiveRunTokenNeverReachTheUpstream) {
    FakeUpstream upstream(FakeUpstream::ok_json());
    ProxyHarness proxy(dotenv(upstream, api_key_env()));
    const auto run = proxy.open_run("main");
    const std::string unknown = "/r/" + std::string(48, 'a');
    for (const auto& target : {std::string("/v1/messages"), unknown + "/v1/messages",
                               std::string("/r/") + "/v1/messages", run.substr(0, run.size() - 1) + "/v1/x",
                               std::string("http://127.0.0.1/v1/messages")}) {
        auto res = proxy.request(make_request("POST", target, "x-api-key: placeholder\r\n", "{}"));
        ASSERT_TRUE(res) << target;
        EXPECT_EQ(res->status, 401) << target;
    }
    EXPECT_EQ(upstream.request_count(), 0u);
    auto ok = proxy.request(make_request("POST", run + "/v1/messages", "", "{}"));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

TEST(AdmissionTest, ReleasedRunsAreRefused) {
    FakeUpstream upstream(FakeUpstream::ok_json());
    ProxyHarness proxy(dotenv(upstream, api_key_env()));
    auto access = proxy.proxy().open_run("family", "host.docker.internal");
    const auto prefix = access.base_url.substr(access.base_url.find("/r/"));
    EXPECT_EQ(proxy.request(make_request("GET", prefix + "/v1/models"))->status, 200);
    access.release();
    access.release(); // idempotent
    EXPECT_EQ(proxy.request(make_request("GET", prefix + "/v1/models"))->status, 401);
    const auto token = proxy.proxy().register_run("family");
    EXPECT_EQ(proxy.request(make_request("GET", "/r/" + token + "/v1/models"))->status, 200);
    proxy.proxy().unregister_run(token);
    EXPECT_EQ(proxy.request(make_request("GET", "/r/" + token + "/v1/models"))->status, 401);
    EXPECT_EQ(upstream.request_count(), 2u);
}

// A warm container is started with its token; the token must be worth nothing until a message
// takes the container, and nothing again once the run is over.
TEST(AdmissionTest, DormantRunIsRefusedUntilActivatedAndAfterRelease) {
    FakeUpstream upstream(FakeUpstream::ok_json());
    ProxyHarness proxy(dotenv(upstream, api_key_env()));
    auto access = proxy.proxy().open_run("family", "host.docker.internal",
                                         proxy::RunRegistry::Admission::dormant);
    const auto prefix = access.base_url.substr(access.base_url.find("/r/"));
    EXPECT_EQ(proxy.request(make_request("GET", prefix + "/v1/models"))->status, 401);
    EXPECT_EQ(upstream.request_count(), 0u);
    ASSERT_TRUE(access.activate());
    EXPECT_EQ(proxy.request(make_request("GET", prefix + "/v1/models"))->status, 200);
    access.release();
    EXPECT_FALSE(access.activate());
    EXPECT_EQ(proxy.request(make_request("GET", prefix + "/v1/models"))->status, 401);
    EXPECT_EQ(upstream.request_count(), 1u);
}

TEST(AdmissionTest, RunAccessCarriesTheBaseUrlAndPlaceholderKind) {
    FakeUpstream upstream(FakeUpstream::ok_json());
    ProxyHarness api(dotenv(upstream, api_key_env()));
    const auto a = api.proxy().open_run("main", "host.docker.internal");
    const std::string head = "http://host.docker.internal:" + std::to_string(api.port()) + "/r/";
    ASSERT_EQ(a.base_url.rfind(head, 0), 0u);
    EXPECT_EQ(a.base_url.size(), head.size() + 48);
    EXPECT_FALSE(a.oauth);
    EXPECT_EQ(api.proxy().auth_mode(), proxy::AuthMode::api_key);
    ProxyHarness oauth(dotenv(upstream, std::string("CLAUDE_CODE_OAUTH_TOKEN=") + k_oauth + "\n"));
    EXPECT_TRUE(oauth.proxy().open_run("main", "h").oauth);
    EXPECT_EQ(oauth.proxy().bind_host(), "127.0.0.1");
}

TEST(AdmissionTest, UsageIsRecordedPerGroupFromJsonAndSse) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        while (auto req = ex.read_request()) {
            if (req->target == "/json") {
                ex.respond(200, R"({"model":"claude-j","usage":{"input_tokens":3,"output_tokens":4}})",
                           "Content-Type: application/json\r\n");
            } else if (req->target == "/sse") {
                ex.respond(200,
                           "event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
                           "{\"model\":\"claude-s\",\"usage\":{\"input_tokens\":10,\"output_tokens\":1,"
                           "\"cache_read_input_tokens\":6}}}\n\nevent: message_delta\ndata: "
                           "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":20}}\n\n",
                           "Content-Type: text/event-stream\r\n");
            } else {
                ex.respond(500, R"({"usage":{"input_tokens":99}})", "Content-Type: application/json\r\n");
            }
        }
    });
    ProxyHarness proxy(dotenv(upstream, api_key_env()));
    const auto main_run = proxy.open_run("main");
    const auto family_run = proxy.open_run("family");
    ASSERT_TRUE(proxy.request(make_request("POST", main_run + "/json", "", "{}")));
    ASSERT_TRUE(proxy.request(make_request("POST", family_run + "/sse", "", "{}")));
    ASSERT_TRUE(proxy.request(make_request("POST", family_run + "/fail", "", "{}")));
    const auto usage = proxy.usage();
    ASSERT_EQ(usage.size(), 2u) << "error responses are not accounted";
    EXPECT_EQ(usage[0], (proxy::UsageRecord{"main", "claude-j", 3, 4, 0, 0}));
    EXPECT_EQ(usage[1], (proxy::UsageRecord{"family", "claude-s", 10, 20, 0, 6}));
}

TEST(AdmissionTest, E4_9_SecretsAndRunTokensNeverReachTheLogs) {
    FakeUpstream upstream(FakeUpstream::ok_json());
    std::string run;
    {
        ProxyHarness proxy(dotenv(upstream, api_key_env() + "CLAUDE_CODE_OAUTH_TOKEN=" + k_oauth + "\n"));
        run = proxy.open_run("main");
        proxy.request(make_request("POST", run + "/v1/messages", "x-api-key: placeholder\r\n", "{}"));
        proxy.request(make_request("POST", "/v1/messages", "", "{}"));
        proxy.request("BROKEN\r\n\r\n");
    }
    {
        ProxyHarness dead("ANTHROPIC_AUTH_TOKEN=" + std::string(k_oauth) +
                          "\nANTHROPIC_BASE_URL=http://127.0.0.1:1\n");
        dead.request(make_request("POST", dead.open_run("main") + "/v1/messages",
                                  "Authorization: Bearer placeholder\r\n", "{}"));
    }
    ProxyHarness last(dotenv(upstream, api_key_env()));
    const auto logs = last.logs();
    EXPECT_NE(logs.find("Credential proxy started"), std::string::npos);
    EXPECT_NE(logs.find("without a live run token"), std::string::npos);
    EXPECT_NE(logs.find("upstream error"), std::string::npos);
    EXPECT_EQ(logs.find(k_key), std::string::npos);
    EXPECT_EQ(logs.find(k_oauth), std::string::npos);
    EXPECT_EQ(logs.find(run.substr(3)), std::string::npos);
}

TEST(LifecycleTest, PortInUseIsFatal) {
    FakeUpstream upstream(FakeUpstream::ok_json());
    ProxyHarness first(dotenv(upstream, api_key_env()));
    TempDir dir;
    dir.write(".env", api_key_env());
    core::Config config;
    config.root = dir.path();
    config.credential_proxy_port = first.port();
    config.credential_proxy_host = "127.0.0.1";
    boost::asio::io_context io;
    proxy::CredentialProxy second(io, proxy::load_settings(config, {}), nullptr);
    EXPECT_THROW(second.start(), core::FatalError);
    config.credential_proxy_port = 0;
    config.credential_proxy_host = "not-an-ip";
    proxy::CredentialProxy third(io, proxy::load_settings(config, {}), nullptr);
    EXPECT_THROW(third.start(), core::FatalError);
}

TEST(LifecycleTest, AutoDetectedBindFollowsSection3_6AndWarnsOnFallback) {
    FakeUpstream upstream(FakeUpstream::ok_json());
    const auto probe = proxy::probe_host();
    ProxyHarness proxy(dotenv(upstream, api_key_env()), {}, std::nullopt);
    if (probe.docker0_ipv4) {
        EXPECT_EQ(proxy.proxy().bind_host(), *probe.docker0_ipv4);
        return;
    }
    EXPECT_EQ(proxy.proxy().bind_host(), "0.0.0.0");
    EXPECT_NE(proxy.logs().find("listening on 0.0.0.0"), std::string::npos);
    auto res = proxy.request(make_request("GET", proxy.open_run("m") + "/x"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    // Leaving the scope must not wait for the 5 s re-detection timer (stop() cancels it).
}

TEST(LifecycleTest, StopClosesTheListener) {
    FakeUpstream upstream(FakeUpstream::ok_json());
    std::uint16_t port = 0;
    {
        ProxyHarness proxy(dotenv(upstream, api_key_env()));
        port = proxy.port();
        ASSERT_TRUE(proxy.request(make_request("GET", proxy.open_run("m") + "/x")));
    }
    EXPECT_ANY_THROW(TestClient client(port));
}

} // namespace
} // namespace nanoclaw::testing
