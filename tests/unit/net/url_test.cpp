// SPDX-License-Identifier: MIT
#include "nanoclaw/net/url.hpp"

#include <gtest/gtest.h>

namespace nanoclaw::net {
namespace {

TEST(UrlTest, HttpsDefaultsToPort443AndKeepsPath) {
    const auto url = parse_url("https://API.Anthropic.com/anthropic/v1?x=1");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->scheme, "https");
    EXPECT_EQ(url->host, "api.anthropic.com");
    EXPECT_EQ(url->port, 443);
    EXPECT_EQ(url->path, "/anthropic/v1?x=1");
    EXPECT_TRUE(url->tls());
    EXPECT_EQ(url->host_header(), "api.anthropic.com");
    EXPECT_EQ(url->authority(), "api.anthropic.com:443");
}

TEST(UrlTest, HttpExplicitPortAppearsInHostHeader) {
    const auto url = parse_url("HTTP://127.0.0.1:8080");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->scheme, "http");
    EXPECT_FALSE(url->tls());
    EXPECT_EQ(url->port, 8080);
    EXPECT_EQ(url->host_header(), "127.0.0.1:8080");
    EXPECT_EQ(url->path, "");
}

TEST(UrlTest, DefaultPortWrittenExplicitlyIsOmittedFromHostHeader) {
    EXPECT_EQ(parse_url("http://gw.example:80/")->host_header(), "gw.example");
}

TEST(UrlTest, Ipv6LiteralIsBracketedInHeaders) {
    const auto url = parse_url("http://[::1]:3128");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->host_header(), "[::1]:3128");
    EXPECT_EQ(url->authority(), "[::1]:3128");
}

TEST(UrlTest, UserinfoIsDecodedAndNotPartOfHost) {
    const auto url = parse_url("http://user:p%40ss@proxy.local:3128");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->userinfo, "user:p@ss");
    EXPECT_EQ(url->host, "proxy.local");
}

TEST(UrlTest, RejectsBadInputWithoutEchoingIt) {
    for (const char* bad : {"", "api.anthropic.com", "ftp://x", "http://", "http://a b",
                            "http://h:0", "http://h:70000", "http://h:12x", "http://[::1",
                            "http://[zz]:1", "http://u:%zz@h"}) {
        const auto url = parse_url(bad);
        ASSERT_FALSE(url) << bad;
        if (std::string(bad).size() > 8) {
            EXPECT_EQ(url.error().find(bad), std::string::npos) << bad;
        }
    }
}

TEST(UrlTest, DetectsIpLiterals) {
    EXPECT_TRUE(is_ip_literal("127.0.0.1"));
    EXPECT_TRUE(is_ip_literal("::1"));
    EXPECT_FALSE(is_ip_literal("localhost"));
    EXPECT_FALSE(is_ip_literal("1.2.3"));
}

} // namespace
} // namespace nanoclaw::net
