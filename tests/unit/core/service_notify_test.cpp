// SPDX-License-Identifier: MIT
// The sd_notify protocol: datagrams to a path or an abstract socket, and the service manager's
// variables taken out of the environment.
#include "nanoclaw/core/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace nanoclaw::core {
namespace {

// A datagram socket bound at `name` ('@' = abstract), as systemd's notify socket.
struct Listener {
    explicit Listener(const std::string& name) {
        fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, name.data(), name.size());
        if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
        const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
        bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0;
        timeval tv{2, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~Listener() { ::close(fd); }
    std::string next() {
        char buf[512];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }
    int fd = -1;
    bool bound = false;
};

TEST(ServiceNotifierTest, SendsToAPathSocket) {
    testing::TempDir dir;
    const auto path = (dir.path() / "notify").string();
    Listener listener(path);
    ASSERT_TRUE(listener.bound);
    ServiceNotifier notifier(path, std::nullopt);
    EXPECT_TRUE(notifier.enabled());
    EXPECT_TRUE(notifier.notify("READY=1\nSTATUS=serving"));
    EXPECT_EQ(listener.next(), "READY=1\nSTATUS=serving");
}

TEST(ServiceNotifierTest, SendsToAnAbstractSocket) {
    const std::string name = "@nanoclaw-notify-test-" + std::to_string(::getpid());
    Listener listener(name);
    ASSERT_TRUE(listener.bound);
    EXPECT_TRUE(ServiceNotifier(name, std::nullopt).notify("WATCHDOG=1"));
    EXPECT_EQ(listener.next(), "WATCHDOG=1");
}

TEST(ServiceNotifierTest, WithoutASocketNothingIsSent) {
    ServiceNotifier notifier;
    EXPECT_FALSE(notifier.enabled());
    EXPECT_FALSE(notifier.notify("READY=1"));
    EXPECT_FALSE(ServiceNotifier("/nonexistent/notify", std::nullopt).notify("READY=1"));
}

TEST(ServiceNotifierTest, TakesTheVariablesOutOfTheEnvironment) {
    ::setenv("NOTIFY_SOCKET", "@x", 1);
    ::setenv("WATCHDOG_USEC", "500000", 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    const auto n = ServiceNotifier::take_from_environment();
    EXPECT_TRUE(n.enabled());
    EXPECT_EQ(n.watchdog_interval(), std::chrono::microseconds(500'000));
    EXPECT_EQ(std::getenv("NOTIFY_SOCKET"), nullptr); // children never see them
    EXPECT_EQ(std::getenv("WATCHDOG_USEC"), nullptr);
    EXPECT_EQ(std::getenv("WATCHDOG_PID"), nullptr);
}

TEST(ServiceNotifierTest, AWatchdogForAnotherProcessOrGarbageIsIgnored) {
    ::setenv("WATCHDOG_USEC", "500000", 1);
    ::setenv("WATCHDOG_PID", "1", 1);
    EXPECT_FALSE(ServiceNotifier::take_from_environment().watchdog_interval());
    for (const char* bad : {"", "abc", "-5", "0", "12x"}) {
        ::setenv("WATCHDOG_USEC", bad, 1);
        EXPECT_FALSE(ServiceNotifier::take_from_environment().watchdog_interval()) << bad;
    }
    EXPECT_FALSE(ServiceNotifier::take_from_environment().enabled());
}

} // namespace
} // namespace nanoclaw::core
