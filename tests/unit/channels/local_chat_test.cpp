// SPDX-License-Identifier: MIT
// `nanoclaw chat` (run_chat) with piped input, against a fake daemon and against the real
// LocalChannel running on its own io_context thread.
#include <unistd.h>

#include <future>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_daemon.hpp"
#include "local_test_support.hpp"
#include "nanoclaw/channels/local/local_channel.hpp"
#include "nanoclaw/channels/local/local_client.hpp"
#include "nanoclaw/core/clock.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using json = nlohmann::json;
namespace local = channels::local;

// A pipe whose read end stands in for the user's terminal.
struct InputPipe {
    explicit InputPipe(const std::string& typed) {
        if (::pipe(fds) != 0) throw std::runtime_error("pipe");
        EXPECT_EQ(::write(fds[1], typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
        ::close(fds[1]); // end of input, like Ctrl-D
    }
    ~InputPipe() { ::close(fds[0]); }
    int fds[2] = {-1, -1};
};

class RunChatTest : public ::testing::Test {
  protected:
    channels::ChatOptions options(int input_fd) {
        channels::ChatOptions o;
        o.socket_path = dir_.path() / "nanoclawd.sock";
        o.sender = "ann";
        o.input_fd = input_fd;
        o.out = &out_;
        o.err = &err_;
        o.drain_timeout = std::chrono::seconds(10);
        return o;
    }
    TempDir dir_;
    std::ostringstream out_, err_;
};

TEST_F(RunChatTest, SubscribesSendsLinesAndWaitsForTheLastTurn) {
    InputPipe input("hello\n\n/history\n");
    auto opts = options(input.fds[0]);
    std::string sent;
    FakeDaemon daemon(opts.socket_path, [&sent](FakeDaemon& d) {
        sent = d.read_line();
        d.write(local::encode_typing("main", true));
        d.write(local::encode_message("main", "hi ann"));
        d.write(local::encode_typing("main", false));
        d.wait_for_hangup();
    });
    EXPECT_EQ(channels::run_chat(opts), 0) << err_.str();
    EXPECT_EQ(json::parse(daemon.join()), (json{{"type", "subscribe"}, {"chat", "main"}}));
    EXPECT_EQ(json::parse(sent),
              (json{{"type", "message"}, {"chat", "main"}, {"sender", "ann"}, {"text", "hello"}}));
    // /history ran before the reply came; the reply is printed when it arrives.
    EXPECT_EQ(out_.str(), "ann: hello\nhi ann\n");
}

TEST_F(RunChatTest, DaemonErrorsArePrintedAndTheChatGoesOn) {
    InputPipe input("one\n");
    auto opts = options(input.fds[0]);
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) {
        d.read_line();
        d.write(local::encode_error("slow down"));
        d.write(local::encode_message("main", "reply"));
        d.wait_for_hangup();
    });
    EXPECT_EQ(channels::run_chat(opts), 0);
    EXPECT_EQ(err_.str(), "nanoclaw: slow down\n");
    EXPECT_EQ(out_.str(), "reply\n");
}

TEST_F(RunChatTest, NoDaemonGivesAClearError) {
    InputPipe input("");
    auto opts = options(input.fds[0]);
    EXPECT_EQ(channels::run_chat(opts), 1);
    EXPECT_NE(err_.str().find("nanoclawd is not running (no socket at"), std::string::npos);
}

TEST_F(RunChatTest, DrainTimeoutBoundsTheWaitAfterInputEnds) {
    InputPipe input("anyone?\n");
    auto opts = options(input.fds[0]);
    opts.drain_timeout = std::chrono::milliseconds(100);
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) { d.wait_for_hangup(); });
    EXPECT_EQ(channels::run_chat(opts), 124);
    EXPECT_NE(err_.str().find("timed out"), std::string::npos);
}

// The real channel answers on its own thread; the client talks to it through the socket only.
TEST_F(RunChatTest, TalksToTheRealLocalChannel) {
    asio::io_context io;
    core::SystemClock clock;
    std::map<std::string, core::RegisteredGroup> groups{{"local:main", {}}};
    channels::LocalChannel* channel_ptr = nullptr;
    channels::ChannelCallbacks cb;
    cb.on_chat_metadata = [](channels::ChatMetadata) {};
    cb.registered_groups = [&]() -> const std::map<std::string, core::RegisteredGroup>& {
        return groups;
    };
    cb.on_message = [&](core::NewMessage m) { // what the orchestrator does, in miniature
        asio::co_spawn(
            io,
            [](channels::LocalChannel* ch, std::string text) -> awaitable<void> {
                co_await ch->set_typing("local:main", true);
                co_await ch->send_message("local:main", "echo: " + text);
                co_await ch->set_typing("local:main", false);
            }(channel_ptr, m.content),
            asio::detached);
    };
    channels::LocalChannel channel(clock, {dir_.path() / "nanoclawd.sock"}, cb);
    channel_ptr = &channel;
    run_task(io, channel.connect());
    auto work = asio::make_work_guard(io);
    std::thread server([&io] { io.run(); });

    InputPipe input("ping\n");
    int rc = channels::run_chat(options(input.fds[0]));
    std::promise<void> stopped;
    asio::post(io, [&] {
        asio::co_spawn(io, channel.disconnect(), asio::detached);
        work.reset();
        stopped.set_value();
    });
    stopped.get_future().wait();
    server.join();
    EXPECT_EQ(rc, 0) << err_.str();
    EXPECT_EQ(out_.str(), "echo: ping\n");
}

} // namespace
} // namespace nanoclaw::testing
