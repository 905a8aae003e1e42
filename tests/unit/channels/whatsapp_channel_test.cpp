// SPDX-License-Identifier: MIT
// The WhatsApp channel against the fake bridge, in process (catalogue N 234, 236, 239-242, 256,
// 258, 260, 265-270, 272-273): connect, the outbox's order, presence, group sync and its
// sentinel, reconnect reasons, disconnect.
#include "nanoclaw/channels/whatsapp/whatsapp_channel.hpp"

#include <gtest/gtest.h>

#include "fake_whatsapp.hpp"
#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/core/spawn.hpp"
#include "nanoclaw/store/store.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::channels::whatsapp {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

struct WhatsAppChannelTest : ::testing::Test {
    testing::TempDir dir;
    core::SystemClock clock;
    store::Store store = store::Store::open(dir.path() / "messages.db", store::StoreOptions(clock));
    asio::io_context io;
    testing::FakeWhatsApp wa;
    std::map<std::string, core::RegisteredGroup> groups;
    std::vector<std::string> notices;
    std::unique_ptr<Channel> channel;

    void make(bool own_number = false) {
        WhatsAppSettings s;
        s.bridge_command = split_command(wa.command());
        s.root = dir.path();
        s.auth_dir = dir.path() / "store/auth";
        s.assistant_has_own_number = own_number;
        s.shutdown_grace = 500ms;
        ChannelCallbacks cb;
        cb.on_message = [](core::NewMessage) {};
        cb.on_chat_metadata = [](ChatMetadata) {};
        cb.registered_groups = [this]() -> const std::map<std::string, core::RegisteredGroup>& {
            return groups;
        };
        cb.on_channel_notice = [this](std::string text) { notices.push_back(std::move(text)); };
        ::setenv("FAKE_WA_SOCKET", wa.env().at("FAKE_WA_SOCKET").c_str(), 1);
        channel = make_whatsapp_channel(io, std::move(s), std::move(cb), store);
    }
    // Runs the loop until `done` holds (the fake answers on its own thread).
    bool until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            io.restart();
            io.run_for(10ms);
        }
        return true;
    }
    void run(awaitable<void> task) {
        bool finished = false;
        asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
            finished = true;
            if (e) std::rethrow_exception(e);
        });
        ASSERT_TRUE(until([&] { return finished; }));
    }
    void connect() { run(channel->connect()); }
    void send(std::string jid, std::string text) { run(channel->send_message(jid, text)); }
    void TearDown() override {
        if (channel) run(channel->disconnect());
        ::unsetenv("FAKE_WA_SOCKET");
    }
};

TEST_F(WhatsAppChannelTest, ConnectsAndSendsPrefixedText) {
    make();
    connect();
    EXPECT_TRUE(channel->is_connected());
    EXPECT_EQ(channel->name(), "whatsapp");
    send("test@g.us", "Hello");
    send("123@s.whatsapp.net", "Hello");
    ASSERT_TRUE(until([&] { return wa.delivered().size() == 2; }));
    EXPECT_EQ(wa.delivered(), (std::vector<std::string>{"Andy: Hello", "Andy: Hello"}));
    EXPECT_EQ(wa.commands_of("send")[0]["jid"], "test@g.us");
    EXPECT_EQ(channel->status_detail(), "+1234567890");
}

TEST_F(WhatsAppChannelTest, QueuedWhileDisconnectedThenFlushedInOrder) {
    make(true);
    connect();
    wa.set_auto_connect(false);
    wa.emit(json{{"type", "disconnected"}, {"reason", 428}, {"message", "x"}});
    ASSERT_TRUE(until([&] { return !channel->is_connected(); }));
    for (const auto* text : {"First", "Second", "Third"})
        send("test@g.us", text);
    io.restart();
    io.run_for(100ms);
    EXPECT_TRUE(wa.commands_of("send").empty());
    EXPECT_NE(channel->status_detail().find("3 message(s) waiting"), std::string::npos);
    wa.emit(testing::FakeWhatsApp::connected_event());
    ASSERT_TRUE(until([&] { return wa.delivered().size() == 3; }));
    EXPECT_EQ(wa.delivered(), (std::vector<std::string>{"First", "Second", "Third"}));
}

TEST_F(WhatsAppChannelTest, FailedSendStaysQueuedAndHoldsTheRestBack) {
    make();
    connect();
    wa.fail_next_sends(1);
    for (const auto* text : {"1", "2", "3"})
        send("test@g.us", text);
    ASSERT_TRUE(until([&] { return wa.delivered().size() == 3; }));
    EXPECT_EQ(wa.delivered(), (std::vector<std::string>{"Andy: 1", "Andy: 2", "Andy: 3"}));
    EXPECT_EQ(wa.commands_of("send").size(), 4u);
}

TEST_F(WhatsAppChannelTest, TypingIsPresenceOnlyWhileConnected) {
    make();
    connect();
    run(channel->set_typing("test@g.us", true));
    run(channel->set_typing("test@g.us", false));
    ASSERT_TRUE(until([&] { return wa.commands_of("presence").size() == 2; }));
    EXPECT_EQ(wa.commands_of("presence")[0]["state"], "composing");
    EXPECT_EQ(wa.commands_of("presence")[1]["state"], "paused");
    EXPECT_EQ(wa.commands_of("presence")[1]["jid"], "test@g.us");
}

TEST_F(WhatsAppChannelTest, GroupSyncNamesGroupsAndHonoursTheSentinel) {
    wa.set_groups(json::array({json{{"jid", "group1@g.us"}, {"subject", "Group One"}},
                               json{{"jid", "group2@g.us"}, {"subject", ""}},
                               json{{"jid", "group3@g.us"}, {"subject", "Group Three"}}}));
    make();
    connect();
    ASSERT_TRUE(until([&] { return store.get_last_group_sync().has_value(); }));
    EXPECT_EQ(wa.commands_of("fetch_groups").size(), 1u);
    std::map<std::string, std::optional<std::string>> names;
    for (const auto& c : store.get_all_chats())
        names[c.jid] = c.name;
    EXPECT_EQ(names["group1@g.us"], "Group One");
    EXPECT_EQ(names.count("group2@g.us"), 0u);
    // Within a day: skipped unless forced.
    run(channel->sync_groups(false));
    EXPECT_EQ(wa.commands_of("fetch_groups").size(), 1u);
    GroupSyncResult result;
    run([](Channel* c, GroupSyncResult* out) -> awaitable<void> {
        *out = co_await c->sync_groups_with_result(true);
    }(channel.get(), &result));
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(result.groups, 2);
    EXPECT_EQ(wa.commands_of("fetch_groups").size(), 2u);
    EXPECT_TRUE(channel->supports_group_sync());
}

TEST_F(WhatsAppChannelTest, FailedSyncLeavesTheSentinelAlone) {
    make();
    wa.set_auto_connect(false);
    asio::co_spawn(io, channel->connect(), [](std::exception_ptr) {});
    ASSERT_TRUE(until([&] { return !wa.commands_of("connect").empty(); }));
    GroupSyncResult result;
    run([](Channel* c, GroupSyncResult* out) -> awaitable<void> {
        *out = co_await c->sync_groups_with_result(true);
    }(channel.get(), &result));
    EXPECT_FALSE(result.ok);
    EXPECT_NE(result.error.find("not connected"), std::string::npos);
    EXPECT_FALSE(store.get_last_group_sync());
}

TEST_F(WhatsAppChannelTest, RestartRequiredReconnectsAtOnceOthersAfterABackOff) {
    make();
    connect();
    const auto before = std::chrono::steady_clock::now();
    wa.emit(json{{"type", "disconnected"}, {"reason", 515}, {"message", "restart"}});
    ASSERT_TRUE(until([&] { return wa.commands_of("connect").size() == 2; }));
    EXPECT_LT(std::chrono::steady_clock::now() - before, 500ms);
    ASSERT_TRUE(until([&] { return channel->is_connected(); }));
    wa.emit(json{{"type", "disconnected"}, {"reason", 440}, {"message", "replaced"}});
    ASSERT_TRUE(until([&] { return wa.commands_of("connect").size() == 3; }));
    EXPECT_GE(std::chrono::steady_clock::now() - before, 700ms);
}

TEST_F(WhatsAppChannelTest, LoggedOutStopsAndTellsTheUser) {
    make();
    connect();
    wa.emit(json{{"type", "disconnected"}, {"reason", 401}, {"message", "logged out"}});
    ASSERT_TRUE(until([&] { return !notices.empty(); }));
    EXPECT_NE(notices[0].find("--step whatsapp-auth --method qr-terminal"), std::string::npos);
    EXPECT_NE(channel->status_detail().find("--method pairing-code --phone"), std::string::npos);
    io.restart();
    io.run_for(1500ms);
    EXPECT_EQ(wa.commands_of("connect").size(), 1u);
    EXPECT_FALSE(channel->is_connected());
}

TEST_F(WhatsAppChannelTest, DisconnectShutsTheBridgeDownWithoutReconnecting) {
    make();
    connect();
    run(channel->disconnect());
    EXPECT_FALSE(channel->is_connected());
    EXPECT_EQ(wa.commands_of("shutdown").size(), 1u);
    io.restart();
    io.run_for(1500ms);
    EXPECT_EQ(wa.connections(), 1);
    EXPECT_EQ(wa.commands_of("connect").size(), 1u);
}

} // namespace
} // namespace nanoclaw::channels::whatsapp
