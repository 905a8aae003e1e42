// SPDX-License-Identifier: MIT
#include "nanoclaw/net/no_proxy.hpp"

#include <gtest/gtest.h>

namespace nanoclaw::net {
namespace {

TEST(NoProxyTest, EmptyListMatchesNothing) {
    EXPECT_FALSE(no_proxy_matches("", "api.anthropic.com", 443));
}

TEST(NoProxyTest, StarMatchesEverything) {
    EXPECT_TRUE(no_proxy_matches("*", "api.anthropic.com", 443));
}

TEST(NoProxyTest, DomainMatchesItselfAndSubdomainsOnly) {
    EXPECT_TRUE(no_proxy_matches("anthropic.com", "api.anthropic.com", 443));
    EXPECT_TRUE(no_proxy_matches(".anthropic.com", "api.anthropic.com", 443));
    EXPECT_TRUE(no_proxy_matches("anthropic.com", "anthropic.com", 443));
    EXPECT_TRUE(no_proxy_matches("ANTHROPIC.com", "api.anthropic.COM", 443));
    EXPECT_FALSE(no_proxy_matches("thropic.com", "api.anthropic.com", 443));
}

TEST(NoProxyTest, ListsSplitOnCommasAndSpaces) {
    EXPECT_TRUE(no_proxy_matches("localhost, 127.0.0.1,example.org", "example.org", 443));
    EXPECT_TRUE(no_proxy_matches("localhost 10.0.0.1", "10.0.0.1", 80));
    EXPECT_FALSE(no_proxy_matches("localhost,,", "example.org", 443));
}

TEST(NoProxyTest, PortRestrictsTheEntry) {
    EXPECT_TRUE(no_proxy_matches("example.org:443", "example.org", 443));
    EXPECT_FALSE(no_proxy_matches("example.org:8443", "example.org", 443));
}

TEST(NoProxyTest, IpLiteralsMatchExactly) {
    EXPECT_TRUE(no_proxy_matches("127.0.0.1", "127.0.0.1", 443));
    EXPECT_FALSE(no_proxy_matches("0.0.1", "127.0.0.1", 443));
    EXPECT_TRUE(no_proxy_matches("::1", "::1", 443));
    EXPECT_TRUE(no_proxy_matches("[::1]:443", "::1", 443));
    EXPECT_FALSE(no_proxy_matches("[::1]:80", "::1", 443));
}

TEST(NoProxyTest, CidrIsNotSupported) {
    EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "10.1.2.3", 443));
}

} // namespace
} // namespace nanoclaw::net
