// SPDX-License-Identifier: MIT
// `nanoclaw send` (run_send) against an in-test fake daemon.
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_daemon.hpp"
#include "nanoclaw/channels/local/local_client.hpp"
#include "nanoclaw/channels/local/local_protocol.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using json = nlohmann::json;
namespace local = channels::local;

class RunSendTest : public ::testing::Test {
  protected:
    channels::SendOptions options(std::string text) {
        channels::SendOptions o;
        o.socket_path = dir_.path() / "nanoclawd.sock";
        o.sender = "tester";
        o.text = std::move(text);
        o.timeout = std::chrono::seconds(10);
        o.out = &out_;
        o.err = &err_;
        return o;
    }
    TempDir dir_;
    std::ostringstream out_, err_;
};

TEST_F(RunSendTest, PrintsRepliesAndExitsZeroWhenTypingGoesOff) {
    auto opts = options("what time is it?");
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) {
        d.write(local::encode_typing("main", true));
        d.write(local::encode_message("main", "It is noon."));
        d.write(local::encode_message("main", "Anything else?"));
        d.write(local::encode_typing("main", false));
        d.wait_for_hangup();
    });
    EXPECT_EQ(channels::run_send(opts), 0) << err_.str();
    EXPECT_EQ(json::parse(daemon.join()), (json{{"type", "message"},
                                                {"chat", "main"},
                                                {"sender", "tester"},
                                                {"text", "what time is it?"}}));
    EXPECT_EQ(out_.str(), "It is noon.\nAnything else?\n");
    EXPECT_EQ(err_.str(), "");
}

TEST_F(RunSendTest, TurnWithoutAnyReplyExitsThree) {
    auto opts = options("hello?");
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) {
        d.write(local::encode_typing("main", true));
        d.write(local::encode_typing("main", false)); // the run failed before answering
        d.wait_for_hangup();
    });
    EXPECT_EQ(channels::run_send(opts), 3);
    EXPECT_EQ(out_.str(), "");
    EXPECT_NE(err_.str().find("without a reply"), std::string::npos);
    daemon.join();
}

TEST_F(RunSendTest, TypingOffFromAnEarlierTurnIsNotTheEnd) {
    auto opts = options("hi");
    opts.chat = "ops";
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) {
        d.write(local::encode_typing("ops", false)); // the previous turn ending
        d.write(local::encode_typing("ops", true));
        d.write(local::encode_message("ops", "hello"));
        d.write(local::encode_typing("ops", false));
        d.wait_for_hangup();
    });
    EXPECT_EQ(channels::run_send(opts), 0) << err_.str();
    EXPECT_EQ(out_.str(), "hello\n");
}

TEST_F(RunSendTest, RepliesWithoutTypingEventsEndAfterTheSettlePeriod) {
    auto opts = options("hi");
    opts.settle = std::chrono::milliseconds(50);
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) {
        d.write(local::encode_message("main", "only reply"));
        d.wait_for_hangup();
    });
    EXPECT_EQ(channels::run_send(opts), 0) << err_.str();
    EXPECT_EQ(out_.str(), "only reply\n");
}

TEST_F(RunSendTest, TimesOutWithNonZeroExit) {
    auto opts = options("hello?");
    opts.timeout = std::chrono::milliseconds(100);
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) { d.wait_for_hangup(); });
    EXPECT_EQ(channels::run_send(opts), 124);
    EXPECT_NE(err_.str().find("timed out"), std::string::npos) << err_.str();
    // No status and no typing came: the line says that no run started for the message.
    EXPECT_NE(err_.str().find("no agent run started for it"), std::string::npos) << err_.str();
}

TEST_F(RunSendTest, TimeoutNamesTheLastStatus) {
    auto opts = options("hello?");
    opts.timeout = std::chrono::milliseconds(200);
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) {
        d.write(local::encode_typing("main", true));
        d.write(local::encode_status("main", "starting the agent"));
        d.write(local::encode_status("main", "waiting on the API: overloaded (529) (retrying)"));
        d.wait_for_hangup();
    });
    EXPECT_EQ(channels::run_send(opts), 124);
    EXPECT_NE(err_.str().find("timed out after 200 ms waiting for the assistant to finish; last "
                              "status: waiting on the API: overloaded (529) (retrying)"),
              std::string::npos)
        << err_.str();
    daemon.join();
}

// A turn with a status before its reply, with the progress line on or off.
int status_then_reply(channels::SendOptions opts) {
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) {
        d.write(local::encode_typing("main", true));
        d.write(local::encode_status("main", "starting the agent"));
        d.write(local::encode_message("main", "hi"));
        d.write(local::encode_typing("main", false));
        d.wait_for_hangup();
    });
    const int code = channels::run_send(opts);
    daemon.join();
    return code;
}

TEST_F(RunSendTest, ProgressLineShowsTheStatusAndIsClearedBeforeAReply) {
    auto opts = options("hello?");
    opts.show_progress = true;
    EXPECT_EQ(status_then_reply(opts), 0);
    EXPECT_EQ(out_.str(), "hi\n");
    const auto err = err_.str();
    EXPECT_NE(err.find("... starting the agent"), std::string::npos) << err;
    EXPECT_EQ(err.substr(err.size() - 4), "\r\033[K"); // nothing left on the line at the end
}

TEST_F(RunSendTest, NoProgressLineUnlessAsked) {
    EXPECT_EQ(status_then_reply(options("hello?")), 0);
    EXPECT_EQ(out_.str(), "hi\n");
    EXPECT_EQ(err_.str(), "");
}

TEST_F(RunSendTest, AFailureNoticeGoesToStderrAndExitsThree) {
    auto opts = options("hello?");
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) {
        d.write(local::encode_typing("main", true));
        d.write(local::encode_notice("main", "The API key was rejected (401)."));
        d.write(local::encode_typing("main", false));
        d.wait_for_hangup();
    });
    EXPECT_EQ(channels::run_send(opts), 3);
    EXPECT_EQ(out_.str(), "");
    EXPECT_EQ(err_.str(), "nanoclaw: The API key was rejected (401).\n");
    daemon.join();
}

TEST_F(RunSendTest, DaemonErrorFailsTheSend) {
    auto opts = options("hi");
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon& d) {
        d.write(local::encode_error("chat local:main is not registered"));
        d.wait_for_hangup();
    });
    EXPECT_EQ(channels::run_send(opts), 1);
    EXPECT_NE(err_.str().find("is not registered"), std::string::npos) << err_.str();
}

TEST_F(RunSendTest, DaemonHangingUpWithoutReplyFails) {
    auto opts = options("hi");
    FakeDaemon daemon(opts.socket_path, [](FakeDaemon&) {});
    EXPECT_EQ(channels::run_send(opts), 1);
    EXPECT_NE(err_.str().find("closed the connection"), std::string::npos) << err_.str();
}

TEST_F(RunSendTest, NoDaemonGivesAClearError) {
    auto opts = options("hi");
    EXPECT_EQ(channels::run_send(opts), 1);
    EXPECT_EQ(err_.str(), "nanoclaw: nanoclawd is not running (no socket at " +
                              opts.socket_path.string() + ")\n");
}

TEST_F(RunSendTest, BadChatAndEmptyTextAreRejectedLocally) {
    auto opts = options("hi");
    opts.chat = "no way";
    EXPECT_EQ(channels::run_send(opts), 1);
    EXPECT_NE(err_.str().find("invalid chat name"), std::string::npos);
    EXPECT_EQ(channels::run_send(options("")), 1);
}

TEST(DefaultSenderTest, PrefersExplicitThenUserThenFallback) {
    EXPECT_EQ(channels::default_sender("ann"), "ann");
    const char* user = std::getenv("USER");
    EXPECT_EQ(channels::default_sender(""), user != nullptr && *user ? user : "user");
}

} // namespace
} // namespace nanoclaw::testing
