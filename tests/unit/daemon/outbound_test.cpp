// SPDX-License-Identifier: MIT
// Outbound's typing indicator: never awaited by a run, yet each chat's changes arrive in order.
#include "outbound.hpp"

#include <chrono>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nanoclaw::daemon {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

// A remote-API-like channel: every typing call takes `delay` on the event loop.
class SlowChannel : public channels::Channel {
  public:
    SlowChannel(asio::io_context& io, std::chrono::milliseconds delay) : io_(io), delay_(delay) {}
    std::string name() const override { return "slow"; }
    awaitable<void> connect() override { co_return; }
    awaitable<void> send_message(std::string, std::string) override { co_return; }
    bool is_connected() const override { return true; }
    bool owns_jid(const std::string& jid) const override { return jid.rfind("slow:", 0) == 0; }
    awaitable<void> disconnect() override { co_return; }
    awaitable<void> set_typing(std::string jid, bool on) override {
        if (fail_next) {
            fail_next = false;
            throw std::runtime_error("api down");
        }
        asio::steady_timer t(io_, delay_);
        co_await t.async_wait(use_awaitable);
        order.push_back(std::string("typing:") + (on ? "1" : "0"));
        seen.emplace_back(std::move(jid), on);
    }
    awaitable<void> set_status(std::string, std::string text) override {
        asio::steady_timer t(io_, delay_);
        co_await t.async_wait(use_awaitable);
        order.push_back("status:" + text);
    }
    awaitable<void> send_notice(std::string, std::string text) override {
        order.push_back("notice:" + text);
        co_return;
    }
    std::vector<std::pair<std::string, bool>> seen;
    std::vector<std::string> order;
    bool fail_next = false;

  private:
    asio::io_context& io_;
    std::chrono::milliseconds delay_;
};

struct OutboundTest : ::testing::Test {
    asio::io_context io;
    std::vector<std::unique_ptr<channels::Channel>> channels;
    SlowChannel* slow = nullptr;
    OutboundTest() {
        auto c = std::make_unique<SlowChannel>(io, 5ms);
        slow = c.get();
        channels.push_back(std::move(c));
    }
};

TEST_F(OutboundTest, TypingReturnsAtOnceAndChangesArriveInOrder) {
    Outbound out(io.get_executor(), channels);
    out.typing("slow:a", true);
    out.typing("slow:a", false);
    out.typing("slow:b", true);
    out.typing("slow:a", true);
    EXPECT_TRUE(slow->seen.empty()); // nothing was waited for
    io.run();
    std::vector<bool> a, b;
    for (const auto& [jid, on] : slow->seen)
        (jid == "slow:a" ? a : b).push_back(on);
    EXPECT_THAT(a, ElementsAre(true, false, true));
    EXPECT_THAT(b, ElementsAre(true));
}

TEST_F(OutboundTest, AFailedIndicatorIsLoggedAndTheNextStillGoesOut) {
    Outbound out(io.get_executor(), channels);
    slow->fail_next = true;
    out.typing("slow:a", true);
    out.typing("slow:a", false);
    io.run();
    EXPECT_THAT(slow->seen, ElementsAre(std::make_pair(std::string("slow:a"), false)));
}

TEST_F(OutboundTest, NoticesAndStatusesShareTheTypingLaneInOrder) {
    Outbound out(io.get_executor(), channels);
    out.typing("slow:a", true);
    out.status("slow:a", "failed: x");
    out.notice("slow:a", "The API key was rejected (401).");
    out.typing("slow:a", false); // the end of the turn must come after the notice
    io.run();
    EXPECT_THAT(slow->order, ElementsAre("typing:1", "status:failed: x",
                                         "notice:The API key was rejected (401).", "typing:0"));
}

TEST_F(OutboundTest, AChatNoChannelOwnsIsIgnored) {
    Outbound out(io.get_executor(), channels);
    out.typing("other:x", true);
    io.run();
    EXPECT_TRUE(slow->seen.empty());
}

TEST_F(OutboundTest, ALaterChangeAfterTheLaneEmptiedStartsANewSender) {
    Outbound out(io.get_executor(), channels);
    out.typing("slow:a", true);
    io.run();
    io.restart();
    out.typing("slow:a", false);
    io.run();
    EXPECT_EQ(slow->seen.size(), 2u);
    EXPECT_FALSE(slow->seen.back().second);
}

} // namespace
} // namespace nanoclaw::daemon
