// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/bind_address.hpp"

#include <gtest/gtest.h>

namespace nanoclaw::proxy {
namespace {

HostProbe linux_with_docker0() {
    HostProbe p;
    p.docker0_ipv4 = "172.17.0.1";
    return p;
}

TEST(BindAddressTest, OverrideWinsOverEverything) {
    auto probe = linux_with_docker0();
    probe.macos = true;
    const auto c = choose_bind_host(std::string("10.1.2.3"), probe);
    EXPECT_EQ(c.host, "10.1.2.3");
    EXPECT_EQ(c.reason, BindReason::override_env);
}

TEST(BindAddressTest, EmptyOverrideIsIgnored) {
    EXPECT_EQ(choose_bind_host(std::string(), linux_with_docker0()).host, "172.17.0.1");
}

TEST(BindAddressTest, MacosAndWslUseLoopback) {
    HostProbe mac;
    mac.macos = true;
    EXPECT_EQ(choose_bind_host(std::nullopt, mac).host, "127.0.0.1");
    auto wsl = linux_with_docker0();
    wsl.wsl = true;
    const auto c = choose_bind_host(std::nullopt, wsl);
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.reason, BindReason::loopback_platform);
}

TEST(BindAddressTest, LinuxUsesDocker0) {
    const auto c = choose_bind_host(std::nullopt, linux_with_docker0());
    EXPECT_EQ(c.host, "172.17.0.1");
    EXPECT_EQ(c.reason, BindReason::docker_bridge);
}

TEST(BindAddressTest, NoDocker0FallsBackToAnyWithTheFallbackReason) {
    const auto c = choose_bind_host(std::nullopt, HostProbe{});
    EXPECT_EQ(c.host, "0.0.0.0");
    EXPECT_EQ(c.reason, BindReason::fallback_any);
}

TEST(BindAddressTest, ProbeOfThisHostIsConsistent) {
    const auto probe = probe_host();
    if (probe.docker0_ipv4) {
        EXPECT_NE(probe.docker0_ipv4->find('.'), std::string::npos);
    }
#ifndef __APPLE__
    EXPECT_FALSE(probe.macos);
#endif
}

} // namespace
} // namespace nanoclaw::proxy
