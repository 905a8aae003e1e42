// SPDX-License-Identifier: MIT
// HTTPS upstreams (SNI, verification against an extra CA) and HTTPS_PROXY CONNECT tunnels.
#include <gtest/gtest.h>

#include "connect_proxy.hpp"
#include "fake_upstream.hpp"
#include "proxy_harness.hpp"

namespace nanoclaw::testing {
namespace {

constexpr const char* k_key = "sk-ant-tls-secret-9";

class TlsTest : public ::testing::Test {
protected:
    TempDir ca_dir_;
    TestCa ca_ = make_test_ca(ca_dir_.path());
    FakeUpstream upstream_{FakeUpstream::ok_json(), &ca_};

    std::string dotenv(const std::string& host) const {
        return std::string("ANTHROPIC_API_KEY=") + k_key + "\nANTHROPIC_BASE_URL=https://" + host +
               ":" + std::to_string(upstream_.port()) + "\n";
    }
    core::EnvMap with_ca(core::EnvMap env = {}) const {
        env["CREDENTIAL_PROXY_CA_FILE"] = ca_.ca_cert.string();
        return env;
    }
    int status_of(ProxyHarness& proxy) {
        auto res = proxy.request(make_request("POST", proxy.open_run("main") + "/v1/messages", "", "{}"));
        return res ? res->status : -1;
    }
};

TEST_F(TlsTest, VerifiedHttpsUpstreamWithSni) {
    ProxyHarness proxy(dotenv("localhost"), with_ca());
    EXPECT_EQ(status_of(proxy), 200);
    ASSERT_EQ(upstream_.request_count(), 1u);
    EXPECT_EQ(upstream_.requests()[0].get("x-api-key"), k_key);
    EXPECT_EQ(upstream_.requests()[0].get("host"), "localhost:" + std::to_string(upstream_.port()));
    EXPECT_EQ(upstream_.server_names(), std::vector<std::string>{"localhost"});
}

TEST_F(TlsTest, UntrustedCertificateIsABadGateway) {
    ProxyHarness proxy(dotenv("localhost"));
    EXPECT_EQ(status_of(proxy), 502);
    EXPECT_EQ(upstream_.request_count(), 0u);
    // Reported as a TLS failure, which the daemon tells the chat about.
    const auto events = proxy.upstream_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].second.kind, proxy::UpstreamKind::tls);
    EXPECT_NE(events[0].second.detail.find("TLS handshake with localhost"), std::string::npos)
        << events[0].second.detail;
}

TEST_F(TlsTest, CertificateForAnotherNameIsABadGateway) {
    ProxyHarness proxy(dotenv("127.0.0.1"), with_ca());
    EXPECT_EQ(status_of(proxy), 502);
    EXPECT_EQ(upstream_.request_count(), 0u);
}

TEST_F(TlsTest, MissingCaFileIsFatalAtStart) {
    EXPECT_THROW(ProxyHarness(dotenv("localhost"), {{"CREDENTIAL_PROXY_CA_FILE", "/nonexistent/ca.pem"}}),
                 std::exception);
}

TEST_F(TlsTest, TunnelsThroughHttpsProxyWithConnect) {
    FakeConnectProxy tunnel;
    ProxyHarness proxy(dotenv("localhost"),
                       with_ca({{"HTTPS_PROXY", "http://user:pw@127.0.0.1:" + std::to_string(tunnel.port())}}));
    EXPECT_EQ(status_of(proxy), 200);
    EXPECT_EQ(status_of(proxy), 200);
    EXPECT_EQ(tunnel.targets(), std::vector<std::string>{"localhost:" + std::to_string(upstream_.port())})
        << "one tunnel, reused for the second request";
    EXPECT_EQ(tunnel.authorizations(), std::vector<std::string>{"Basic dXNlcjpwdw=="});
    ASSERT_EQ(upstream_.request_count(), 2u);
    EXPECT_EQ(upstream_.requests()[0].get("x-api-key"), k_key);
}

TEST_F(TlsTest, NoProxyBypassesTheTunnel) {
    FakeConnectProxy tunnel;
    ProxyHarness proxy(dotenv("localhost"),
                       with_ca({{"https_proxy", "http://127.0.0.1:" + std::to_string(tunnel.port())},
                                {"no_proxy", "localhost"}}));
    EXPECT_EQ(status_of(proxy), 200);
    EXPECT_TRUE(tunnel.targets().empty());
}

TEST_F(TlsTest, RefusedTunnelIsABadGateway) {
    FakeConnectProxy tunnel;
    std::uint16_t dead_port = 0;
    { FakeUpstream gone(FakeUpstream::ok_json()); dead_port = gone.port(); }
    ProxyHarness proxy(std::string("ANTHROPIC_API_KEY=") + k_key + "\nANTHROPIC_BASE_URL=https://localhost:" +
                           std::to_string(dead_port) + "\n",
                       with_ca({{"HTTPS_PROXY", "http://127.0.0.1:" + std::to_string(tunnel.port())}}));
    EXPECT_EQ(status_of(proxy), 502);
    EXPECT_EQ(tunnel.targets().size(), 1u);
}

} // namespace
} // namespace nanoclaw::testing
