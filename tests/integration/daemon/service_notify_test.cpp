// SPDX-License-Identifier: MIT
// nanoclawd under a Type=notify service manager: READY=1 only once it can serve, watchdog pings
// from the event loop, STOPPING=1 on SIGTERM, and no child ever inherits NOTIFY_SOCKET.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <future>

#include "daemon_harness.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;

// The test's stand-in for systemd's notify socket.
class NotifySocket {
  public:
    explicit NotifySocket(std::string path) : path_(std::move(path)) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        timeval tv{10, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~NotifySocket() { ::close(fd_); }
    /// The next datagram ("" after 10 s without one).
    std::string next() {
        char buf[512];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    int fd_ = -1;
};

TEST(ServiceNotifyTest, ReadyWhenServingWatchdogPingsAndStopping) {
    TempDir dir;
    NotifySocket manager((dir.path() / "notify.sock").string());
    DaemonProcess d(dir.path(), {{"NOTIFY_SOCKET", manager.path()}, {"WATCHDOG_USEC", "400000"}});
    d.start();
    ASSERT_EQ(manager.next(), "READY=1\nSTATUS=serving");
    // Ready means ready: the chat socket already accepts.
    const int fd = connect_unix(d.socket());
    EXPECT_GE(fd, 0);
    if (fd >= 0) ::close(fd);
    EXPECT_EQ(manager.next(), "WATCHDOG=1");
    EXPECT_EQ(manager.next(), "WATCHDOG=1"); // every 200 ms, half the limit

    ChatClient c(d.socket());
    c.say("main", "hello");
    ASSERT_TRUE(c.next_reply(10s));
    // The runtime CLI (and so a container) never sees the service manager's variables.
    std::ifstream record(dir.path() / "runtime-record.jsonl");
    for (std::string line; std::getline(record, line);) {
        const auto env = nlohmann::json::parse(line)["env"];
        EXPECT_FALSE(env.contains("NOTIFY_SOCKET")) << line.substr(0, 200);
        EXPECT_FALSE(env.contains("WATCHDOG_USEC"));
    }

    auto stopped = std::async(std::launch::async, [&d] { return d.terminate(); }); // one SIGTERM
    std::string message;
    for (int i = 0; i < 50 && message.rfind("STOPPING=1", 0) != 0; ++i) message = manager.next();
    EXPECT_EQ(message, "STOPPING=1\nSTATUS=stopping");
    EXPECT_EQ(stopped.get(), 0);
}

TEST(ServiceNotifyTest, WithoutANotifySocketNothingChanges) {
    TempDir dir;
    DaemonProcess d(dir.path());
    d.start();
    ChatClient c(d.socket());
    c.say("main", "hello");
    EXPECT_TRUE(c.next_reply(10s));
    EXPECT_EQ(d.terminate(), 0);
}

} // namespace
} // namespace nanoclaw::testing
