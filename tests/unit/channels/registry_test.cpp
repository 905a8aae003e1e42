// SPDX-License-Identifier: MIT
// Spec 10 §9 Registry (registry.test.ts) and §7.4 channel lookup.
#include <gtest/gtest.h>

#include "nanoclaw/channels/registry.hpp"

namespace nanoclaw::channels {
namespace {

class FakeChannel final : public Channel {
  public:
    FakeChannel(std::string name, std::string prefix, bool connected)
        : name_(std::move(name)), prefix_(std::move(prefix)), connected_(connected) {}
    std::string name() const override { return name_; }
    awaitable<void> connect() override { co_return; }
    awaitable<void> send_message(std::string, std::string) override { co_return; }
    bool is_connected() const override { return connected_; }
    bool owns_jid(const std::string& jid) const override { return jid.rfind(prefix_, 0) == 0; }
    awaitable<void> disconnect() override { co_return; }

  private:
    std::string name_, prefix_;
    bool connected_;
};

ChannelFactory factory_named(std::string name) {
    return [name](const ChannelCallbacks&) -> std::unique_ptr<Channel> {
        return std::make_unique<FakeChannel>(name, "x:", true);
    };
}

std::string made_by(const ChannelFactory& f) {
    return f(ChannelCallbacks{})->name();
}

TEST(ChannelRegistryTest, UnknownNameIsAbsent) {
    ChannelRegistry registry;
    EXPECT_FALSE(registry.factory("nonexistent").has_value());
}

TEST(ChannelRegistryTest, RegisterAndGetRoundTrip) {
    ChannelRegistry registry;
    registry.register_channel("test-channel", factory_named("F"));
    auto f = registry.factory("test-channel");
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(made_by(*f), "F");
}

TEST(ChannelRegistryTest, NamesInFirstInsertionOrder) {
    ChannelRegistry registry;
    registry.register_channel("test-channel", factory_named("a"));
    registry.register_channel("another-channel", factory_named("b"));
    registry.register_channel("local", factory_named("c"));
    EXPECT_EQ(registry.names(),
              (std::vector<std::string>{"test-channel", "another-channel", "local"}));
}

TEST(ChannelRegistryTest, LaterRegistrationReplacesInPlace) {
    ChannelRegistry registry;
    registry.register_channel("overwrite-test", factory_named("F1"));
    registry.register_channel("other", factory_named("O"));
    registry.register_channel("overwrite-test", factory_named("F2"));
    EXPECT_EQ(made_by(*registry.factory("overwrite-test")), "F2");
    EXPECT_EQ(registry.names(), (std::vector<std::string>{"overwrite-test", "other"}));
}

class ChannelLookupTest : public ::testing::Test {
  protected:
    void SetUp() override {
        channels_.push_back(std::make_unique<FakeChannel>("tg-down", "tg:", false));
        channels_.push_back(std::make_unique<FakeChannel>("tg-up", "tg:", true));
        channels_.push_back(std::make_unique<FakeChannel>("local", "local:", true));
    }
    std::vector<std::unique_ptr<Channel>> channels_;
};

TEST_F(ChannelLookupTest, FindChannelReturnsFirstOwnerEvenIfDisconnected) {
    ASSERT_NE(find_channel(channels_, "tg:1"), nullptr);
    EXPECT_EQ(find_channel(channels_, "tg:1")->name(), "tg-down");
    EXPECT_EQ(find_channel(channels_, "local:main")->name(), "local");
    EXPECT_EQ(find_channel(channels_, "123@g.us"), nullptr);
}

TEST_F(ChannelLookupTest, RouteOutboundNeedsAConnectedOwner) {
    EXPECT_EQ(route_outbound(channels_, "tg:1").name(), "tg-up");
    try {
        route_outbound(channels_, "123@g.us");
        FAIL() << "expected a throw";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "No channel for JID: 123@g.us");
    }
    channels_.pop_back();
    EXPECT_THROW(route_outbound(channels_, "local:main"), std::runtime_error);
}

} // namespace
} // namespace nanoclaw::channels
