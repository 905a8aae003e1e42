// SPDX-License-Identifier: MIT
// The local channel's defences: oversize lines, slow readers, and the socket file itself.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "local_channel_fixture.hpp"
#include "nanoclaw/core/errors.hpp"

namespace nanoclaw::testing {
namespace {

using json = nlohmann::json;

// Leaves a socket file that nobody listens on, as a crashed daemon would.
void make_stale_socket(const std::filesystem::path& path) {
    std::filesystem::create_directories(path.parent_path());
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::close(fd);
}

TEST_F(LocalChannelTest, OversizeLineGetsAnErrorAndADisconnect) {
    auto& channel = start();
    auto big = client();
    auto bystander = client();
    big->write(std::string(channels::local::k_max_line_bytes + 10, 'x'));
    ASSERT_TRUE(wait([&] { return big->closed(); }));
    ASSERT_EQ(big->lines().size(), 1u);
    EXPECT_EQ(big->event(0)["type"], "error");
    EXPECT_NE(big->event(0)["message"].get<std::string>().find("too long"), std::string::npos);

    bystander->send_json({{"type", "message"}, {"chat", "main"}, {"text", "fine"}});
    ASSERT_TRUE(wait([&] { return messages_.size() == 1; }));
    EXPECT_EQ(channel.client_count(), 1u);
}

TEST_F(LocalChannelTest, LineOfExactlyTheLimitIsAccepted) {
    start();
    auto c = client();
    json j{{"type", "message"}, {"chat", "main"}, {"text", ""}};
    const auto overhead = j.dump().size();
    j["text"] = std::string(channels::local::k_max_line_bytes - overhead, 'y');
    ASSERT_EQ(j.dump().size(), channels::local::k_max_line_bytes);
    c->send_json(j);
    ASSERT_TRUE(wait([&] { return messages_.size() == 1; }));
    EXPECT_FALSE(c->closed());
}

TEST_F(LocalChannelTest, SlowClientIsDroppedWithoutBlockingOthers) {
    channels::LocalChannelOptions options;
    options.max_queue_bytes = 64 * 1024;
    auto& channel = start(options);
    auto slow = client(/*read=*/false);
    auto fast = client();
    slow->send_json({{"type", "subscribe"}, {"chat", "main"}});
    fast->send_json({{"type", "subscribe"}, {"chat", "main"}});
    fast->send_json({{"type", "ping"}}); // its error reply proves both subscribes landed
    ASSERT_TRUE(wait([&] { return fast->lines().size() == 1; }));

    // Far more than the kernel buffers plus the queue limit; the reader keeps up, one by one.
    const std::string chunk(16 * 1024, 'z');
    for (std::size_t i = 1; i <= 200; ++i) {
        run_task(io_, channel.send_message("local:main", chunk));
        ASSERT_TRUE(wait([&] { return fast->lines().size() == i + 1; })) << i;
    }
    EXPECT_EQ(channel.client_count(), 1u); // only the fast one is left
    EXPECT_FALSE(fast->closed());
    EXPECT_EQ(fast->event(200)["text"], chunk);
}

TEST_F(LocalChannelTest, SocketIsCreatedWithMode0600) {
    start();
    struct stat st {};
    ASSERT_EQ(::stat(socket_path().c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(LocalChannelTest, StaleSocketIsReplaced) {
    make_stale_socket(socket_path());
    ASSERT_TRUE(std::filesystem::exists(socket_path()));
    start();
    auto c = client();
    c->send_json({{"type", "message"}, {"chat", "main"}, {"text", "after restart"}});
    ASSERT_TRUE(wait([&] { return messages_.size() == 1; }));
}

TEST_F(LocalChannelTest, LiveSocketMeansAnotherDaemonIsRunning) {
    auto& first = start();
    channels::LocalChannelOptions options;
    options.socket_path = socket_path();
    channels::LocalChannel second(clock_, options, callbacks());
    try {
        run_task(io_, second.connect());
        FAIL() << "expected FatalError";
    } catch (const core::FatalError& e) {
        EXPECT_NE(std::string(e.what()).find("another nanoclawd is running"), std::string::npos);
    }
    // The failed start-up must not have touched the running daemon's socket.
    EXPECT_TRUE(first.is_connected());
    auto c = client();
    c->send_json({{"type", "message"}, {"chat", "main"}, {"text", "still served"}});
    ASSERT_TRUE(wait([&] { return messages_.size() == 1; }));
}

TEST_F(LocalChannelTest, PathThatIsNotASocketIsFatalAndKept) {
    dir_.write("data/nanoclawd.sock", "precious");
    channels::LocalChannelOptions options;
    options.socket_path = socket_path();
    channels::LocalChannel channel(clock_, options, callbacks());
    EXPECT_THROW(run_task(io_, channel.connect()), core::FatalError);
    EXPECT_EQ(TempDir::read(socket_path()), "precious");
}

TEST_F(LocalChannelTest, FactoryHonoursLocalChannelSwitch) {
    core::Config config;
    config.data_dir = dir_.path() / "data";
    EXPECT_EQ(channels::local_socket_path(config), socket_path());
    auto on = channels::make_local_channel_factory(config, clock_)(callbacks());
    ASSERT_NE(on, nullptr);
    EXPECT_EQ(on->name(), "local");
    config.local_channel = false;
    EXPECT_EQ(channels::make_local_channel_factory(config, clock_)(callbacks()), nullptr);
}

} // namespace
} // namespace nanoclaw::testing
