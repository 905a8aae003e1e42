// SPDX-License-Identifier: MIT
// The credential proxy's upstream down, slow, resetting mid-response or sending garbage, with
// agents that call the API through the proxy like the SDK does (the fake runtime's `api` mode:
// bounded retries with back-off). The agent's call fails with a clear error, the proxy stays
// up, and once the upstream behaves every message is answered exactly once.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "fake_upstream.hpp"
#include "fault_harness.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

enum class Upstream { ok, slow, reset_mid_response, garbage };

// A loopback Anthropic API that answers with the prompt it was given (so the reply carries
// the message tokens) or misbehaves as told.
class ScriptedApi {
  public:
    ScriptedApi() : server_([this](UpstreamExchange& ex) { serve(ex); }) {}
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
    void behave(Upstream mode) { mode_ = mode; }
    /// Prompts answered with 200, in order.
    std::vector<std::string> answered() const {
        std::lock_guard lock(mutex_);
        return answered_;
    }
    int faulted() const { return faulted_; }

  private:
    void serve(UpstreamExchange& ex) {
        while (auto request = ex.read_request()) {
            const auto mode = mode_.load();
            if (mode != Upstream::ok) ++faulted_;
            if (mode == Upstream::slow) {
                // Past the proxy's 500 ms idle limit; the proxy has given up by then.
                std::this_thread::sleep_for(1500ms);
                return;
            }
            if (mode == Upstream::reset_mid_response) {
                ex.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Content-Length: 400\r\n\r\n{\"content\":[{\"type\":\"te");
                ex.reset();
                return;
            } else if (mode == Upstream::garbage) {
                ex.write("\x01\x02 this is not HTTP \xff\xfe\r\n\r\n");
                ex.reset();
                return;
            }
            const auto body = json::parse(request->body, nullptr, false);
            std::string prompt;
            if (body.is_object() && body["messages"].is_array() && !body["messages"].empty())
                prompt = body["messages"][0].value("content", "");
            {
                std::lock_guard lock(mutex_);
                answered_.push_back(prompt);
            }
            json answer = json::object();
            answer["content"] = json::array({json{{"type", "text"}, {"text", prompt}}});
            ex.respond(200, answer.dump(), "Content-Type: application/json\r\n");
        }
    }

    std::atomic<Upstream> mode_{Upstream::ok};
    std::atomic<int> faulted_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> answered_;
    FakeUpstream server_; // last: its threads stop before the members they use go
};

class ProxyFaultTest : public FaultTest {
  protected:
    DaemonProcess& start_against(const std::string& base_url) {
        dir_.write(".env",
                   "ANTHROPIC_API_KEY=sk-ant-fault-secret\nANTHROPIC_BASE_URL=" + base_url + "\n");
        std::filesystem::permissions(dir_.path() / ".env", std::filesystem::perms::owner_read |
                                                               std::filesystem::perms::owner_write);
        return start({{"FAKE_RUNTIME_MODE", "api"},
                      {"FAKE_RUNTIME_API_ATTEMPTS", "10"},
                      {"FAKE_RUNTIME_API_BACKOFF_MS", "100"},
                      {"CREDENTIAL_PROXY_UPSTREAM_IDLE_TIMEOUT_MS", "500"},
                      {"CREDENTIAL_PROXY_CONNECT_TIMEOUT_MS", "1000"},
                      {"UPSTREAM_WAIT_NOTICE_MS", "1000"},
                      // The SDK-like agent keeps retrying across the fault: no hard kill.
                      {"CONTAINER_TIMEOUT", "20000"}});
    }

    // Sends two messages while the upstream misbehaves, lifts the fault once the proxy has
    // seen it, and counts: every message answered once, through the same proxy.
    // `clear_log` is the log line that must say what happened; `known_defect` (when set) is
    // why the proxy does not do so yet: the case still counts, then is marked skipped.
    void run_case(const std::string& name, Upstream fault, const std::string& clear_log,
                  const std::string& known_defect = "") {
        MessageTally tally(name);
        ScriptedApi api;
        api.behave(fault);
        auto& d = start_against(api.base_url());
        ChatWatcher chat(d.socket());
        ASSERT_TRUE(chat.say(tally.next_token()));
        ASSERT_TRUE(chat.say(tally.next_token()));
        ASSERT_TRUE(eventually([&] { return api.faulted() >= 2; }, 10s));
        chat.listen(1500ms); // past UPSTREAM_WAIT_NOTICE_MS while the agent retries
        api.behave(Upstream::ok);
        settle(chat, tally, 20s);
        for (const auto& prompt : api.answered())
            tally.agent_answered(prompt);
        tally.report();
        EXPECT_TRUE(d.running()) << "the daemon (and its proxy) went down";
        EXPECT_EQ(d.log().find("sk-ant-fault-secret"), std::string::npos);
        const bool told =
            !chat.notices().empty() ||
            std::any_of(chat.statuses().begin(), chat.statuses().end(),
                        [](const auto& s) { return s.rfind("waiting on the API", 0) == 0; });
        EXPECT_EQ(d.terminate(), 0);
        if (!known_defect.empty() && (!logged(clear_log) || !told))
            GTEST_SKIP() << known_defect << " [clear log line: " << logged(clear_log)
                         << ", chat told: " << told << "]";
        EXPECT_TRUE(logged(clear_log)) << "expected a log line with: " << clear_log;
        EXPECT_TRUE(told) << "the chat heard nothing while the agent's API calls failed";
    }
};

TEST_F(ProxyFaultTest, UpstreamDown) {
    MessageTally tally("proxy-upstream-down");
    // Port 1 on loopback: nothing listens, every connect is refused.
    auto& d = start_against("http://127.0.0.1:1");
    {
        ChatWatcher chat(d.socket());
        ASSERT_TRUE(chat.say(tally.next_token()));
        ASSERT_TRUE(chat.say(tally.next_token()));
        chat.listen(10s, [&] { return !chat.notices().empty(); });
        ASSERT_EQ(chat.notices().size(), 1u);
        EXPECT_EQ(chat.notices().front(), "Can't reach 127.0.0.1 (connection refused). Check the "
                                          "network or ANTHROPIC_BASE_URL.");
        chat.listen(1s);
        chat.count_into(tally);
    }
    EXPECT_TRUE(logged("reason=Can't reach 127.0.0.1 (connection refused). Check the network or "
                       "ANTHROPIC_BASE_URL."));
    EXPECT_TRUE(d.running());
    // The fix the notice asks for: a reachable ANTHROPIC_BASE_URL, then a restart, which runs
    // what is still unanswered.
    ASSERT_EQ(d.terminate(), 0);
    ScriptedApi api;
    auto& again = start_against(api.base_url());
    ChatWatcher chat(again.socket());
    settle(chat, tally, 15s);
    for (const auto& prompt : api.answered())
        tally.agent_answered(prompt);
    tally.report();
    EXPECT_EQ(again.terminate(), 0);
}

TEST_F(ProxyFaultTest, UpstreamSlow) {
    run_case("proxy-upstream-slow", Upstream::slow,
             "Credential proxy upstream error for POST /v1/messages: The socket was closed due to "
             "a timeout (timed out)");
}

TEST_F(ProxyFaultTest, UpstreamResetsMidResponse) {
    run_case("proxy-upstream-reset", Upstream::reset_mid_response,
             "Credential proxy: the upstream closed the connection in the middle of the response "
             "for POST /v1/messages");
}

TEST_F(ProxyFaultTest, UpstreamSendsGarbage) {
    run_case("proxy-upstream-garbage", Upstream::garbage,
             "Credential proxy upstream error for POST /v1/messages: bad version (the upstream did "
             "not answer with HTTP)");
}

} // namespace
} // namespace nanoclaw::testing
