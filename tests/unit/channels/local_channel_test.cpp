// SPDX-License-Identifier: MIT
// Inbound messages, broadcasts and protocol errors of the local channel.
#include <set>

#include "local_channel_fixture.hpp"
#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::testing {
namespace {

using json = nlohmann::json;

json message(const std::string& chat, const std::string& text) {
    return {{"type", "message"}, {"chat", chat}, {"sender", "bob"}, {"text", text}};
}

TEST_F(LocalChannelTest, MessageBecomesNewMessageAfterChatMetadata) {
    start();
    auto c = client();
    c->send_json(message("main", "hello there"));
    ASSERT_TRUE(wait([&] { return messages_.size() == 1; }));

    ASSERT_EQ(metadata_.size(), 1u);
    EXPECT_EQ(metadata_[0].jid, "local:main");
    EXPECT_EQ(metadata_[0].name, "main");
    EXPECT_EQ(metadata_[0].channel, "local");
    EXPECT_EQ(metadata_[0].is_group, false);
    EXPECT_EQ(metadata_[0].timestamp, "2026-01-01T00:00:00.000Z");

    const auto& m = messages_[0];
    EXPECT_EQ(m.chat_jid, "local:main");
    EXPECT_EQ(m.sender, "bob");
    EXPECT_EQ(m.sender_name, "bob");
    EXPECT_EQ(m.content, "hello there");
    EXPECT_EQ(m.timestamp, "2026-01-01T00:00:00.000Z");
    EXPECT_FALSE(m.is_from_me);
    EXPECT_FALSE(m.is_bot_message);
    EXPECT_EQ(m.id.rfind("local-", 0), 0u);
    EXPECT_EQ(events_, (std::vector<std::string>{"metadata:local:main", "message:local:main"}));
}

TEST_F(LocalChannelTest, MetadataOnlyForFirstMessageOfEachChat) {
    start();
    auto c = client();
    c->send_json(message("main", "one"));
    c->send_json(message("main", "two"));
    c->send_json(message("other", "three"));
    ASSERT_TRUE(wait([&] { return messages_.size() == 3; }));
    EXPECT_EQ(events_, (std::vector<std::string>{"metadata:local:main", "message:local:main",
                                                 "message:local:main", "metadata:local:other",
                                                 "message:local:other"}));
}

TEST_F(LocalChannelTest, SenderDefaultsToUser) {
    start();
    auto c = client();
    c->send_json({{"type", "message"}, {"chat", "main"}, {"text", "hi"}});
    ASSERT_TRUE(wait([&] { return messages_.size() == 1; }));
    EXPECT_EQ(messages_[0].sender, "user");
    EXPECT_EQ(messages_[0].sender_name, "user");
}

TEST_F(LocalChannelTest, BurstInOneMillisecondGetsStrictlyIncreasingTimestamps) {
    start(); // the ManualClock never moves: every message arrives "in the same ms"
    auto c = client();
    std::string burst;
    for (int i = 0; i < 1000; ++i)
        burst += message("main", "m" + std::to_string(i)).dump() + "\n";
    c->write(burst);
    ASSERT_TRUE(wait([&] { return messages_.size() == 1000; }));

    std::set<std::string> ids;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
        EXPECT_EQ(messages_[i].content, "m" + std::to_string(i));
        EXPECT_EQ(messages_[i].timestamp.size(), 24u);
        EXPECT_TRUE(core::parse_iso(messages_[i].timestamp).has_value());
        if (i > 0) {
            EXPECT_LT(messages_[i - 1].timestamp, messages_[i].timestamp) << i;
        }
        ids.insert(messages_[i].id);
    }
    EXPECT_EQ(ids.size(), 1000u);
}

TEST_F(LocalChannelTest, TimestampsStayIncreasingWhenTheClockGoesBack) {
    start();
    auto c = client();
    c->send_json(message("main", "first"));
    ASSERT_TRUE(wait([&] { return messages_.size() == 1; }));
    clock_.advance(std::chrono::milliseconds(-5000));
    c->send_json(message("main", "second"));
    ASSERT_TRUE(wait([&] { return messages_.size() == 2; }));
    EXPECT_EQ(messages_[1].timestamp, "2026-01-01T00:00:00.001Z");
}

TEST_F(LocalChannelTest, RepliesAndTypingReachOnlyClientsOfThatChat) {
    auto& channel = start();
    auto sender = client();
    auto listener = client();
    auto stranger = client();
    sender->send_json(message("main", "hi"));
    // Lines are handled in order, so the error for the bad line proves the subscribe landed.
    for (auto* c : {listener.get(), stranger.get()}) {
        c->send_json({{"type", "subscribe"}, {"chat", c == listener.get() ? "main" : "other"}});
        c->send_json({{"type", "ping"}});
    }
    ASSERT_TRUE(wait([&] {
        return messages_.size() == 1 && listener->lines().size() == 1 &&
               stranger->lines().size() == 1;
    }));

    run_task(io_, channel.set_typing("local:main", true));
    run_task(io_, channel.send_message("local:main", "hello back"));
    run_task(io_, channel.set_typing("local:main", false));
    run_task(io_, channel.send_message("local:other", "for other"));
    ASSERT_TRUE(wait([&] {
        return sender->lines().size() == 3 && listener->lines().size() == 4 &&
               stranger->lines().size() == 2;
    }));
    const json typing_on{{"type", "typing"}, {"chat", "main"}, {"on", true}};
    const json reply{{"type", "message"}, {"chat", "main"}, {"text", "hello back"}};
    const json typing_off{{"type", "typing"}, {"chat", "main"}, {"on", false}};
    EXPECT_EQ(sender->event(0), typing_on);
    EXPECT_EQ(sender->event(1), reply);
    EXPECT_EQ(sender->event(2), typing_off);
    EXPECT_EQ(listener->event(1), typing_on);
    EXPECT_EQ(listener->event(2), reply);
    EXPECT_EQ(listener->event(3), typing_off);
    // The first line the "other" client sees is its own chat's: nothing from main leaked.
    EXPECT_EQ(stranger->event(1),
              (json{{"type", "message"}, {"chat", "other"}, {"text", "for other"}}));
}

TEST_F(LocalChannelTest, BadLinesGetErrorsAndTheConnectionStays) {
    start();
    auto c = client();
    c->write("{not json\n");
    c->write("[1,2]\n");
    c->send_json({{"type", "dance"}, {"chat", "main"}});
    c->send_json({{"type", "message"}, {"chat", "no spaces!"}, {"text", "x"}});
    c->send_json({{"type", "message"}, {"chat", std::string(65, 'a')}, {"text", "x"}});
    c->send_json({{"type", "message"}, {"chat", "main"}});
    c->send_json({{"type", "message"}, {"chat", "main"}, {"text", 5}});
    c->send_json({{"chat", "main"}, {"text", "no type"}});
    c->send_json(message("main", "still here"));
    ASSERT_TRUE(wait([&] { return messages_.size() == 1 && c->lines().size() == 8; }));
    for (std::size_t i = 0; i < 8; ++i)
        EXPECT_EQ(c->event(i)["type"], "error") << i;
    EXPECT_EQ(c->event(0)["message"], "invalid JSON");
    EXPECT_NE(c->event(2)["message"].get<std::string>().find("unknown type"), std::string::npos);
    EXPECT_NE(c->event(3)["message"].get<std::string>().find("invalid chat name"),
              std::string::npos);
    EXPECT_NE(c->event(5)["message"].get<std::string>().find("\"text\""), std::string::npos);
    EXPECT_EQ(messages_[0].content, "still here");
    EXPECT_FALSE(c->closed());
}

TEST_F(LocalChannelTest, UnregisteredChatIsDeliveredWithAWarningToTheClient) {
    start();
    auto c = client();
    c->send_json(message("nobody", "hello?"));
    ASSERT_TRUE(wait([&] { return c->lines().size() == 1; }));
    ASSERT_EQ(messages_.size(), 1u);
    EXPECT_EQ(c->event(0)["type"], "error");
    EXPECT_NE(c->event(0)["message"].get<std::string>().find("local:nobody is not registered"),
              std::string::npos);
}

TEST_F(LocalChannelTest, ThrowingCallbackIsReportedAndTheDaemonGoesOn) {
    channels::LocalChannelOptions options;
    options.socket_path = socket_path();
    auto cb = callbacks();
    int calls = 0;
    cb.on_message = [&](core::NewMessage) {
        if (++calls == 1) throw std::runtime_error("database is locked");
    };
    channel_ = std::make_unique<channels::LocalChannel>(clock_, options, cb);
    run_task(io_, channel_->connect());
    auto c = client();
    c->send_json(message("main", "one"));
    c->send_json(message("main", "two"));
    ASSERT_TRUE(wait([&] { return calls == 2 && c->lines().size() == 1; }));
    EXPECT_EQ(c->event(0)["type"], "error");
    // The sender learns the message was not taken, and why, so they can send it again.
    EXPECT_NE(c->event(0)["message"].get<std::string>().find(
                  "the message was not stored (database is locked); send it again"),
              std::string::npos)
        << c->event(0).dump();
}

TEST_F(LocalChannelTest, DaemonStatusIsAnsweredByTheInjectedProvider) {
    channels::LocalChannelOptions options;
    options.socket_path = socket_path();
    int asked = 0;
    options.daemon_status = [&] {
        ++asked;
        json state = json::object();
        state["version"] = "9.9";
        return state;
    };
    auto& channel = start(options);
    auto c = client();
    c->send_json(json{{"type", "daemon_status"}});
    ASSERT_TRUE(wait([&] { return c->lines().size() == 1; }));
    EXPECT_EQ(asked, 1);
    EXPECT_EQ(c->event(0)["type"], "daemon_status");
    EXPECT_EQ(c->event(0)["version"], "9.9");
    EXPECT_NE(channel.status_detail().find("1 client on "), std::string::npos);
    EXPECT_TRUE(messages_.empty()); // a status request is not a message
}

TEST_F(LocalChannelTest, DaemonStatusWithoutProviderIsAnError) {
    start();
    auto c = client();
    c->send_json(json{{"type", "daemon_status"}});
    ASSERT_TRUE(wait([&] { return c->lines().size() == 1; }));
    EXPECT_EQ(c->event(0)["type"], "error");
    EXPECT_EQ(c->event(0)["message"], "daemon status is not available");
}

TEST_F(LocalChannelTest, JidOwnershipAndForeignJids) {
    auto& channel = start();
    EXPECT_EQ(channel.name(), "local");
    EXPECT_TRUE(channel.is_connected());
    EXPECT_TRUE(channel.owns_jid("local:main"));
    EXPECT_FALSE(channel.owns_jid("tg:123"));
    EXPECT_FALSE(channel.owns_jid("123@g.us"));
    EXPECT_THROW(run_task(io_, channel.send_message("tg:1", "x")), std::invalid_argument);
    EXPECT_THROW(run_task(io_, channel.send_message("local:bad name", "x")), std::invalid_argument);
    run_task(io_, channel.send_message("local:main", "nobody listening")); // not an error
}

TEST_F(LocalChannelTest, DisconnectClosesClientsAndRemovesTheSocket) {
    auto& channel = start();
    auto c = client();
    ASSERT_TRUE(wait([&] { return channel.client_count() == 1; }));
    run_task(io_, channel.disconnect());
    EXPECT_FALSE(channel.is_connected());
    EXPECT_TRUE(wait([&] { return c->closed(); }));
    EXPECT_FALSE(std::filesystem::exists(socket_path()));
    channel_.reset();
}

} // namespace
} // namespace nanoclaw::testing

namespace nanoclaw::testing {
namespace {

TEST_F(LocalChannelTest, RepliesNobodyHeardAreKeptForTheNextSubscriber) {
    auto& channel = start();
    run_task(io_, channel.send_message("local:main", "while you were away"));
    run_task(io_, channel.set_typing("local:main", false)); // typing is never kept
    auto late = client();
    late->send_json({{"type", "subscribe"}, {"chat", "main"}});
    ASSERT_TRUE(wait([&] { return late->lines().size() == 1; }));
    const auto line = nlohmann::json::parse(late->lines()[0]);
    EXPECT_EQ(line["type"], "message");
    EXPECT_EQ(line["text"], "while you were away");
    // Delivered once: a second subscriber does not get it again.
    auto second = client();
    second->send_json({{"type", "subscribe"}, {"chat", "main"}});
    second->send_json({{"type", "ping"}}); // answered with an error line: proves ordering
    ASSERT_TRUE(wait([&] { return second->lines().size() == 1; }));
    EXPECT_EQ(nlohmann::json::parse(second->lines()[0])["type"], "error");
}

TEST_F(LocalChannelTest, UnheardRepliesAreBounded) {
    auto& channel = start();
    for (int i = 0; i < 150; ++i) run_task(io_, channel.send_message("local:main", "r" + std::to_string(i)));
    auto late = client();
    late->send_json({{"type", "subscribe"}, {"chat", "main"}});
    ASSERT_TRUE(wait([&] { return late->lines().size() == 100; }));
    EXPECT_EQ(nlohmann::json::parse(late->lines().front())["text"], "r50");
    EXPECT_EQ(nlohmann::json::parse(late->lines().back())["text"], "r149");
}

} // namespace
} // namespace nanoclaw::testing
