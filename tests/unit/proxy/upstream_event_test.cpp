// SPDX-License-Identifier: MIT
// Classifying upstream outcomes and the sentences a person reads (issue 18).
#include "nanoclaw/proxy/upstream_event.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nanoclaw/net/connect_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace nanoclaw::proxy {
namespace {

UpstreamKind kind_of(unsigned status) {
    auto event = classify_status(status, "api.example");
    return event ? event->kind : UpstreamKind::other;
}

TEST(UpstreamEventTest, StatusesMapToKinds) {
    EXPECT_EQ(kind_of(200), UpstreamKind::ok);
    EXPECT_EQ(kind_of(204), UpstreamKind::ok);
    EXPECT_EQ(kind_of(401), UpstreamKind::unauthorized);
    EXPECT_EQ(kind_of(403), UpstreamKind::forbidden);
    EXPECT_EQ(kind_of(429), UpstreamKind::rate_limited);
    EXPECT_EQ(kind_of(529), UpstreamKind::overloaded);
    EXPECT_EQ(kind_of(500), UpstreamKind::server_error);
    EXPECT_EQ(kind_of(503), UpstreamKind::server_error);
    EXPECT_EQ(kind_of(504), UpstreamKind::timeout);
    EXPECT_EQ(kind_of(408), UpstreamKind::timeout);
}

TEST(UpstreamEventTest, StatusesThatSayNothingAboutHealthAreNotEvents) {
    for (unsigned status : {100u, 301u, 304u, 400u, 404u, 413u, 422u}) {
        EXPECT_FALSE(classify_status(status, "h")) << status;
    }
}

TEST(UpstreamEventTest, ConnectFailuresMapToKinds) {
    using net::ConnectFailure;
    const auto kind = [](bool timed_out, ConnectFailure f) {
        return classify_connect_error(net::ConnectError{timed_out, "m", f, "h"}).kind;
    };
    EXPECT_EQ(kind(false, ConnectFailure::resolve), UpstreamKind::dns);
    EXPECT_EQ(kind(false, ConnectFailure::refused), UpstreamKind::refused);
    EXPECT_EQ(kind(false, ConnectFailure::unreachable), UpstreamKind::unreachable);
    EXPECT_EQ(kind(false, ConnectFailure::tunnel), UpstreamKind::tunnel);
    EXPECT_EQ(kind(false, ConnectFailure::tls), UpstreamKind::tls);
    EXPECT_EQ(kind(false, ConnectFailure::other), UpstreamKind::other);
    EXPECT_EQ(kind(true, ConnectFailure::other), UpstreamKind::timeout);
    const auto event = classify_connect_error(
        net::ConnectError{false, "resolve x: Host not found", ConnectFailure::resolve, "x"});
    EXPECT_EQ(event.host, "x");
    EXPECT_EQ(event.detail, "resolve x: Host not found");
}

TEST(UpstreamEventTest, ExchangeFailuresMapToKinds) {
    namespace http = boost::beast::http;
    const auto kind = [](boost::system::error_code ec) {
        return classify_exchange_error(ec, "h").kind;
    };
    EXPECT_EQ(kind(boost::beast::error::timeout), UpstreamKind::timeout);
    EXPECT_EQ(kind(http::error::bad_version), UpstreamKind::malformed);
    EXPECT_EQ(kind(http::error::bad_chunk), UpstreamKind::malformed);
    EXPECT_EQ(kind(http::error::partial_message), UpstreamKind::dropped);
    EXPECT_EQ(kind(http::error::end_of_stream), UpstreamKind::dropped);
    EXPECT_EQ(kind(boost::asio::error::connection_reset), UpstreamKind::dropped);
    EXPECT_EQ(kind(boost::asio::error::eof), UpstreamKind::dropped);
    EXPECT_EQ(kind(boost::asio::error::operation_aborted), UpstreamKind::other);
    const auto garbage = classify_exchange_error(http::error::bad_version, "api.example");
    EXPECT_EQ(garbage.host, "api.example");
    EXPECT_EQ(short_reason(garbage), "the upstream did not answer with HTTP");
    EXPECT_EQ(describe_wait_for_chat(classify_exchange_error(http::error::partial_message, "h")),
              "The API is failing (the upstream closed the connection in the middle of the "
              "response). Still retrying.");
}

TEST(UpstreamEventTest, PermanentAndTransientKindsDoNotOverlap) {
    for (auto k : {UpstreamKind::dns, UpstreamKind::refused, UpstreamKind::unreachable,
                   UpstreamKind::tunnel, UpstreamKind::tls, UpstreamKind::unauthorized,
                   UpstreamKind::forbidden}) {
        EXPECT_TRUE(is_permanent(k));
        EXPECT_FALSE(is_transient(k));
    }
    for (auto k : {UpstreamKind::rate_limited, UpstreamKind::overloaded,
                   UpstreamKind::server_error, UpstreamKind::timeout, UpstreamKind::malformed,
                   UpstreamKind::dropped}) {
        EXPECT_TRUE(is_transient(k));
        EXPECT_FALSE(is_permanent(k));
    }
    for (auto k : {UpstreamKind::ok, UpstreamKind::other}) {
        EXPECT_FALSE(is_transient(k));
        EXPECT_FALSE(is_permanent(k));
    }
}

TEST(UpstreamEventTest, ChatSentencesSayWhatFailedAndWhatToDo) {
    EXPECT_EQ(describe_for_chat({UpstreamKind::dns, 0, "api.anthropic.com", "x"}),
              "Can't reach api.anthropic.com (host not found). Check the network or "
              "ANTHROPIC_BASE_URL.");
    EXPECT_EQ(describe_for_chat({UpstreamKind::refused, 0, "127.0.0.1", "x"}),
              "Can't reach 127.0.0.1 (connection refused). Check the network or "
              "ANTHROPIC_BASE_URL.");
    EXPECT_EQ(describe_for_chat(*classify_status(401, "h")),
              "The API key was rejected (401). Check ANTHROPIC_API_KEY or "
              "CLAUDE_CODE_OAUTH_TOKEN in .env.");
    EXPECT_NE(describe_for_chat(*classify_status(403, "h")).find("(403)"), std::string::npos);
    EXPECT_NE(describe_for_chat({UpstreamKind::tls, 0, "h", "certificate verify failed"})
                  .find("certificate verify failed"),
              std::string::npos);
    EXPECT_NE(describe_for_chat({UpstreamKind::tunnel, 0, "h", "proxy refused CONNECT"})
                  .find("HTTPS_PROXY"),
              std::string::npos);
}

TEST(UpstreamEventTest, WaitNoticesNameTheStatus) {
    EXPECT_EQ(describe_wait_for_chat(*classify_status(529, "h")),
              "The API is overloaded (529). Still retrying; the reply will come when it "
              "recovers.");
    EXPECT_NE(describe_wait_for_chat(*classify_status(429, "h")).find("(429)"),
              std::string::npos);
    EXPECT_NE(describe_wait_for_chat({UpstreamKind::timeout, 0, "h", ""}).find("timed out"),
              std::string::npos);
}

TEST(UpstreamEventTest, ErrorBodyIsAnthropicShapedJson) {
    const auto body = nlohmann::json::parse(
        error_body_json({UpstreamKind::dns, 0, "api.anthropic.com", "resolve: not found"}));
    EXPECT_EQ(body["type"], "error");
    EXPECT_EQ(body["error"]["type"], "api_error");
    EXPECT_EQ(body["error"]["message"],
              "nanoclaw credential proxy: host not found (api.anthropic.com)");
    const auto timeout =
        nlohmann::json::parse(error_body_json({UpstreamKind::timeout, 0, "", ""}));
    EXPECT_EQ(timeout["error"]["type"], "timeout_error");
}

} // namespace
} // namespace nanoclaw::proxy
