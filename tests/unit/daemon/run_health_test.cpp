// SPDX-License-Identifier: MIT
// RunHealth: failures a person must act on reach the chat once and end the run; transient ones
// are told once when the wait grows long; statuses follow the run (issue 18).
#include "run_health.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nanoclaw::daemon {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordingChannel : public channels::Channel {
  public:
    std::string name() const override { return "rec"; }
    awaitable<void> connect() override { co_return; }
    awaitable<void> send_message(std::string, std::string text) override {
        messages.push_back(std::move(text));
        co_return;
    }
    awaitable<void> send_notice(std::string, std::string text) override {
        notices.push_back(std::move(text));
        co_return;
    }
    awaitable<void> set_status(std::string, std::string text) override {
        statuses.push_back(std::move(text));
        co_return;
    }
    bool is_connected() const override { return true; }
    bool owns_jid(const std::string& jid) const override { return jid.rfind("rec:", 0) == 0; }
    awaitable<void> disconnect() override { co_return; }
    std::vector<std::string> messages, notices, statuses;
};

struct RunHealthTest : ::testing::Test {
    asio::io_context io;
    std::vector<std::unique_ptr<channels::Channel>> channels;
    RecordingChannel* chat = nullptr;
    std::vector<std::string> stopped;
    std::unique_ptr<Outbound> outbound;
    std::unique_ptr<RunHealth> health;

    RunHealthTest() {
        auto c = std::make_unique<RecordingChannel>();
        chat = c.get();
        channels.push_back(std::move(c));
        outbound = std::make_unique<Outbound>(io.get_executor(), channels);
        health = std::make_unique<RunHealth>(
            io, *outbound, [this](const std::string& name) { stopped.push_back(name); },
            RunHealth::Options{50ms});
    }
    void settle() {
        io.restart();
        io.poll();
    }
    void run_for(std::chrono::milliseconds d) {
        io.restart();
        io.run_for(d);
    }
};

proxy::UpstreamEvent event(proxy::UpstreamKind kind, unsigned status = 0) {
    return {kind, status, "api.example", "detail"};
}

TEST_F(RunHealthTest, APermanentFailureIsToldOnceAndStopsTheContainer) {
    health->begin("main", "rec:1");
    health->started("main", "nanoclaw-main-1");
    health->on_upstream("main", event(proxy::UpstreamKind::dns));
    health->on_upstream("main", event(proxy::UpstreamKind::dns)); // the SDK's retry
    health->on_upstream("main", *proxy::classify_status(401, "h"));
    settle();
    ASSERT_EQ(chat->notices.size(), 1u);
    EXPECT_THAT(chat->notices[0], HasSubstr("Can't reach api.example (host not found)"));
    EXPECT_THAT(stopped, ElementsAre("nanoclaw-main-1"));
    EXPECT_EQ(health->end("main"), chat->notices[0]);
    EXPECT_TRUE(chat->messages.empty()); // a notice, not an agent message
}

TEST_F(RunHealthTest, AFailureBeforeTheContainerIsNamedStopsItOnceNamed) {
    health->begin("main", "rec:1");
    health->report_permanent("main", "The agent could not start: x");
    EXPECT_TRUE(stopped.empty());
    health->started("main", "nanoclaw-main-2");
    EXPECT_THAT(stopped, ElementsAre("nanoclaw-main-2"));
}

TEST_F(RunHealthTest, EventsOfGroupsWithoutALiveRunAreIgnored) {
    health->on_upstream("other", event(proxy::UpstreamKind::refused));
    health->begin("main", "rec:1");
    EXPECT_FALSE(health->end("main"));
    health->on_upstream("main", event(proxy::UpstreamKind::refused)); // after the end
    settle();
    EXPECT_TRUE(chat->notices.empty());
    EXPECT_TRUE(stopped.empty());
}

TEST_F(RunHealthTest, ALongTransientWaitIsToldOnce) {
    health->begin("main", "rec:1");
    health->on_upstream("main", *proxy::classify_status(529, "h"));
    health->on_upstream("main", *proxy::classify_status(529, "h"));
    run_for(120ms);
    health->on_upstream("main", *proxy::classify_status(529, "h"));
    run_for(120ms);
    ASSERT_EQ(chat->notices.size(), 1u);
    EXPECT_THAT(chat->notices[0], HasSubstr("overloaded (529)"));
    EXPECT_FALSE(health->end("main")); // transient: the run may still be retried
    EXPECT_TRUE(stopped.empty());
}

TEST_F(RunHealthTest, ASuccessBeforeTheThresholdCancelsTheNotice) {
    health->begin("main", "rec:1");
    health->on_upstream("main", *proxy::classify_status(429, "h"));
    health->on_upstream("main", *proxy::classify_status(200, "h"));
    run_for(120ms);
    EXPECT_TRUE(chat->notices.empty());
    EXPECT_THAT(chat->statuses, ElementsAre("starting the agent",
                                            "waiting on the API: rate limited (429) (retrying)",
                                            "the agent is working"));
}

TEST_F(RunHealthTest, ALateTimerOfAnEndedRunDoesNotReachTheNextRun) {
    health->begin("main", "rec:1");
    health->on_upstream("main", *proxy::classify_status(529, "h"));
    health->end("main");
    health->begin("main", "rec:1");
    run_for(120ms);
    EXPECT_TRUE(chat->notices.empty());
}

TEST_F(RunHealthTest, StatusIsSentOnlyWhenItChanges) {
    health->begin("main", "rec:1");
    for (int i = 0; i < 3; ++i)
        health->on_upstream("main", *proxy::classify_status(529, "h"));
    for (int i = 0; i < 3; ++i)
        health->on_upstream("main", *proxy::classify_status(200, "h"));
    settle();
    EXPECT_THAT(chat->statuses, ElementsAre("starting the agent",
                                            "waiting on the API: overloaded (529) (retrying)",
                                            "the agent is working"));
}

} // namespace
} // namespace nanoclaw::daemon
