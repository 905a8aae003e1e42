// SPDX-License-Identifier: MIT
// First run as a new user (issue 18): a root outside the checkout works, and every failure of a
// run reaches the chat within seconds, once, with its reason and the fix. The fake runtime's
// `api` mode calls the API through the credential proxy the way the agent SDK does (retrying
// with back-off), against a scripted loopback upstream.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "daemon_harness.hpp"
#include "fake_upstream.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

/// What one client saw of a turn.
struct Turn {
    std::vector<std::string> replies;
    std::vector<std::string> notices;
    std::vector<std::string> statuses;
    std::vector<std::string> order; ///< "reply", "notice", "status", "typing-on", "typing-off"
};

// True when a notice came before the typing-off that ends the turn (a client leaves at that).
bool notice_before_turn_end(const Turn& t) {
    const auto notice = std::find(t.order.begin(), t.order.end(), "notice");
    const auto end = std::find(t.order.begin(), t.order.end(), "typing-off");
    return notice != t.order.end() && notice < end;
}

// Reads events until `limit` passes (the whole window, so a repeated notice would be counted).
Turn watch(ChatClient& client, std::chrono::milliseconds limit) {
    Turn turn;
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto line = client.next_line(std::max(left, 1ms));
        if (!line) continue;
        const auto j = json::parse(*line, nullptr, false);
        if (!j.is_object()) continue;
        const auto type = j.value("type", "");
        if (type == "typing") turn.order.push_back(j.value("on", false) ? "typing-on" : "typing-off");
        if (type == "status") {
            turn.statuses.push_back(j.value("text", ""));
            turn.order.push_back("status");
        }
        if (type != "message") continue;
        const bool notice = j.value("notice", false);
        (notice ? turn.notices : turn.replies).push_back(j.value("text", ""));
        turn.order.push_back(notice ? "notice" : "reply");
    }
    return turn;
}

// Waits for the first notice; returns it with the time it took, or nullopt.
std::optional<std::pair<std::string, std::chrono::milliseconds>> first_notice(
    ChatClient& client, std::chrono::milliseconds limit) {
    const auto start = Clock::now();
    while (Clock::now() - start < limit) {
        auto line = client.next_line(200ms);
        if (!line) continue;
        const auto j = json::parse(*line, nullptr, false);
        if (j.is_object() && j.value("type", "") == "message" && j.value("notice", false)) {
            return std::make_pair(j.value("text", ""),
                                  std::chrono::duration_cast<std::chrono::milliseconds>(
                                      Clock::now() - start));
        }
    }
    return std::nullopt;
}

class FirstRunTest : public ::testing::Test {
  protected:
    // A daemon whose agents call `base_url` through the proxy (SDK-like retries, 100 ms apart).
    DaemonProcess& start_against(const std::string& base_url,
                                 std::map<std::string, std::string> env = {}) {
        dir_.write(".env", "ANTHROPIC_API_KEY=sk-ant-first-run-secret\nANTHROPIC_BASE_URL=" +
                               base_url + "\n");
        env.try_emplace("FAKE_RUNTIME_MODE", "api");
        env.try_emplace("FAKE_RUNTIME_API_ATTEMPTS", "8");
        env.try_emplace("FAKE_RUNTIME_API_BACKOFF_MS", "100");
        env.try_emplace("RES_OPTIONS", "timeout:1 attempts:1");
        daemon_ = std::make_unique<DaemonProcess>(dir_.path(), std::move(env));
        daemon_->start();
        return *daemon_;
    }
    void TearDown() override {
        if (HasFailure() && daemon_)
            std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
    }

    // The chat hears `expected` within 10 s, exactly once; one container start; the queue is
    // free: the next message starts a new run (and is told again).
    void expect_told_once(const std::string& expected) {
        auto& d = *daemon_;
        ChatClient c(d.socket());
        ASSERT_TRUE(c.say("main", "hello"));
        const auto notice = first_notice(c, 10s);
        ASSERT_TRUE(notice) << "no notice within 10 s";
        EXPECT_NE(notice->first.find(expected), std::string::npos) << notice->first;
        EXPECT_LT(notice->second, 10s);
        const auto rest = watch(c, 3s); // longer than the SDK's retries would go on
        EXPECT_TRUE(rest.notices.empty()) << rest.notices.front();
        EXPECT_TRUE(rest.replies.empty());
        EXPECT_EQ(d.runs().size(), 1u) << "the failed run was retried";
        EXPECT_EQ(d.log().find("retrying message processing"), std::string::npos);

        ASSERT_TRUE(c.say("main", "hello again"));
        const auto second = first_notice(c, 10s);
        ASSERT_TRUE(second) << "the queue did not take the next message";
        EXPECT_EQ(d.runs().size(), 2u);
        EXPECT_EQ(d.terminate(), 0);
    }

    TempDir dir_;
    std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(FirstRunTest, AnEmptyRootOutsideTheCheckoutRunsATurn) {
    // dir_ is a fresh temp directory: no container/, no groups/, nothing but what the daemon
    // creates. The agent-runner source and the templates come from the build tree.
    daemon_ = std::make_unique<DaemonProcess>(dir_.path());
    daemon_->start();
    ChatClient c(daemon_->socket());
    ASSERT_TRUE(c.say("main", "hi"));
    const auto reply = c.next_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("hi"), std::string::npos);
    const auto copied = dir_.path() / "data/sessions/main/agent-runner-src/index.ts";
    ASSERT_TRUE(std::filesystem::exists(copied));
    EXPECT_EQ(TempDir::read(copied).size(),
              std::filesystem::file_size(std::filesystem::path(NANOCLAW_SOURCE_DIR) /
                                         "container/agent-runner/src/index.ts"));
    EXPECT_TRUE(std::filesystem::exists(dir_.path() / "groups/global/CLAUDE.md"));
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "container"));
    EXPECT_EQ(daemon_->terminate(), 0);
}

TEST_F(FirstRunTest, ConnectionRefusedIsToldOnceAndNotRetried) {
    // Port 1 on loopback: nothing listens there (tcpmux is long dead), so connect is refused.
    start_against("http://127.0.0.1:1");
    expect_told_once("Can't reach 127.0.0.1 (connection refused). Check the network or "
                     "ANTHROPIC_BASE_URL.");
}

TEST_F(FirstRunTest, AHostThatDoesNotResolveIsToldOnce) {
    // A 70-character label is refused by the resolver itself: a "host not found" that sends
    // no query to any name server.
    const std::string host = std::string(70, 'x') + ".invalid";
    start_against("http://" + host);
    expect_told_once("Can't reach " + host + " (host not found). Check the network or "
                     "ANTHROPIC_BASE_URL.");
}

TEST_F(FirstRunTest, ARejectedKeyIsToldOnce) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        while (ex.read_request())
            ex.respond(401, R"({"type":"error","error":{"type":"authentication_error"}})");
    });
    start_against("http://127.0.0.1:" + std::to_string(upstream.port()));
    expect_told_once("The API key was rejected (401). Check ANTHROPIC_API_KEY or "
                     "CLAUDE_CODE_OAUTH_TOKEN in .env.");
    // The SDK does not retry a 401 and the daemon stops the run: one request per message.
    EXPECT_EQ(upstream.request_count(), 2u);
    EXPECT_EQ(daemon_->log().find("sk-ant-first-run-secret"), std::string::npos);
}

TEST_F(FirstRunTest, OverloadedThenOkStillRepliesWithOneWaitNotice) {
    std::atomic<int> calls{0};
    FakeUpstream upstream([&calls](UpstreamExchange& ex) {
        while (ex.read_request()) {
            if (++calls <= 3) {
                ex.respond(529, R"({"type":"error","error":{"type":"overloaded_error"}})");
            } else {
                ex.respond(200, R"({"content":[{"type":"text","text":"hello back"}]})",
                           "Content-Type: application/json\r\n");
            }
        }
    });
    // Retries at 100, 200, 400 ms: the wait passes the 250 ms notice threshold once.
    start_against("http://127.0.0.1:" + std::to_string(upstream.port()),
                  {{"UPSTREAM_WAIT_NOTICE_MS", "250"}});
    ChatClient c(daemon_->socket());
    ASSERT_TRUE(c.say("main", "hello"));
    const auto turn = watch(c, 4s);
    ASSERT_EQ(turn.replies.size(), 1u);
    EXPECT_EQ(turn.replies[0], "api: hello back");
    ASSERT_EQ(turn.notices.size(), 1u);
    EXPECT_NE(turn.notices[0].find("The API is overloaded (529). Still retrying"),
              std::string::npos)
        << turn.notices[0];
    EXPECT_EQ(calls.load(), 4);
    EXPECT_EQ(daemon_->runs().size(), 1u);
    EXPECT_EQ(daemon_->terminate(), 0);
}

TEST_F(FirstRunTest, AShortOverloadIsNotToldAtAll) {
    std::atomic<int> calls{0};
    FakeUpstream upstream([&calls](UpstreamExchange& ex) {
        while (ex.read_request()) {
            if (++calls == 1) {
                ex.respond(529, R"({"type":"error","error":{"type":"overloaded_error"}})");
            } else {
                ex.respond(200, R"({"content":[{"type":"text","text":"fine"}]})",
                           "Content-Type: application/json\r\n");
            }
        }
    });
    start_against("http://127.0.0.1:" + std::to_string(upstream.port()));
    ChatClient c(daemon_->socket());
    ASSERT_TRUE(c.say("main", "hello"));
    const auto turn = watch(c, 2s);
    ASSERT_EQ(turn.replies.size(), 1u);
    EXPECT_TRUE(turn.notices.empty());
    EXPECT_NE(std::find(turn.statuses.begin(), turn.statuses.end(),
                        "waiting on the API: overloaded (529) (retrying)"),
              turn.statuses.end());
    EXPECT_EQ(daemon_->terminate(), 0);
}

TEST_F(FirstRunTest, ARunnerThatDoesNotCompileIsToldOnceWithTheFirstError) {
    // What the image's entrypoint does with a broken runner source (checked against the real
    // image in scripts/e2e-image.sh): compiler errors on stderr, then exit 78.
    daemon_ = std::make_unique<DaemonProcess>(
        dir_.path(),
        std::map<std::string, std::string>{
            {"FAKE_RUNTIME_MODE", "exit"},
            {"FAKE_RUNTIME_EXIT_CODE", "78"},
            {"FAKE_RUNTIME_STDERR",
             "[entrypoint] runner source differs from the image build; compiling it\n"
             "src/index.ts(12,7): error TS1005: ';' expected.\n"
             "src/index.ts(40,1): error TS1128: Declaration or statement expected.\n"
             "[entrypoint] the agent-runner source in /app/src does not compile\n"}});
    daemon_->start();
    ChatClient c(daemon_->socket());
    ASSERT_TRUE(c.say("main", "hello"));
    const auto turn = watch(c, 3s);
    ASSERT_EQ(turn.notices.size(), 1u);
    EXPECT_NE(turn.notices[0].find("The agent could not start: src/index.ts(12,7): error TS1005: "
                                   "';' expected."),
              std::string::npos)
        << turn.notices[0];
    EXPECT_NE(turn.notices[0].find("groups/main/logs/"), std::string::npos);
    EXPECT_TRUE(notice_before_turn_end(turn)); // else `nanoclaw send` ends before the notice
    EXPECT_EQ(daemon_->runs().size(), 1u);
    EXPECT_EQ(daemon_->log().find("retrying message processing"), std::string::npos);
    EXPECT_EQ(daemon_->terminate(), 0);
}

TEST_F(FirstRunTest, AnOrdinaryCrashIsStillRetried) {
    // Exit 1 with no sign of a deterministic cause: v1's back-off retry stays.
    daemon_ = std::make_unique<DaemonProcess>(
        dir_.path(), std::map<std::string, std::string>{{"FAKE_RUNTIME_MODE", "exit"},
                                                        {"FAKE_RUNTIME_EXIT_CODE", "1"},
                                                        {"FAKE_RUNTIME_STDERR", "killed\n"}});
    daemon_->start();
    ChatClient c(daemon_->socket());
    ASSERT_TRUE(c.say("main", "hello"));
    // The first retry comes after 5 s (v1's base delay).
    EXPECT_TRUE(eventually([&] { return daemon_->runs().size() >= 2; }, 8s));
    EXPECT_NE(daemon_->log().find("retrying message processing"), std::string::npos);
    EXPECT_EQ(daemon_->terminate(), 0);
}

TEST_F(FirstRunTest, PreflightLogsARejectedKeyAndStartUpGoesOn) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        while (ex.read_request())
            ex.respond(401, R"({"type":"error","error":{"type":"authentication_error"}})");
    });
    auto& d = start_against("http://127.0.0.1:" + std::to_string(upstream.port()),
                            {{"NANOCLAW_PREFLIGHT", "on"}});
    ASSERT_TRUE(eventually([&] {
        return d.log().find("upstream preflight: The API key was rejected (401).") !=
               std::string::npos;
    }));
    ASSERT_EQ(upstream.request_count(), 1u);
    const auto request = upstream.requests().front();
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.target, "/v1/models?limit=1");
    EXPECT_EQ(request.get("x-api-key"), "sk-ant-first-run-secret"); // the proxy's own injection
    EXPECT_NE(d.log().find("warning upstream preflight"), std::string::npos); // at warn
    EXPECT_TRUE(d.running()); // serving anyway
    EXPECT_EQ(d.terminate(), 0);
}

// `nanoclaw send` against a run stuck retrying an overloaded upstream: its timeout line says
// what the run waits on.
TEST_F(FirstRunTest, SendTimeoutNamesTheWait) {
    FakeUpstream upstream([](UpstreamExchange& ex) {
        while (ex.read_request())
            ex.respond(529, R"({"type":"error","error":{"type":"overloaded_error"}})");
    });
    start_against("http://127.0.0.1:" + std::to_string(upstream.port()),
                  {{"FAKE_RUNTIME_API_ATTEMPTS", "100"}, {"FAKE_RUNTIME_API_BACKOFF_MS", "500"}});
    const std::string command = "NANOCLAW_ROOT='" + dir_.path().string() + "' " +
                                NANOCLAW_CLI_PATH + " send --timeout 3 hello 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buf[512];
    while (const auto n = std::fread(buf, 1, sizeof buf, pipe))
        out.append(buf, n);
    const int status = ::pclose(pipe);
    EXPECT_EQ(WEXITSTATUS(status), 124) << out;
    EXPECT_NE(out.find("timed out after 3 s waiting for the assistant to finish; last status: "
                       "waiting on the API: overloaded (529) (retrying)"),
              std::string::npos)
        << out;
    EXPECT_EQ(daemon_->terminate(), 0);
}

} // namespace
} // namespace nanoclaw::testing
