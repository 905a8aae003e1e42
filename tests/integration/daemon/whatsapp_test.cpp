// SPDX-License-Identifier: MIT
// The WhatsApp channel in the real daemon, black-box against the fake bridge (issue 13
// acceptance): a triggered group message yields a run and a `send` (prefixed on a shared number);
// replies made while the link is down go out in order after it is back, across kill -9 and
// SIGTERM restarts, none twice; a logged-out session stops and says how to link again; a
// crashing bridge is restarted with growing back-off while the local channel keeps answering;
// garbage from the bridge crashes nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include <thread>

#include "daemon_harness.hpp"
#include "fake_whatsapp.hpp"
#include "nanoclaw/ops/daemon_query.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

const std::string k_group = "120363000000000001@g.us";

class WhatsAppTest : public ::testing::Test {
  protected:
    DaemonProcess& start(std::map<std::string, std::string> env = {}) {
        for (auto& [k, v] : wa_.env())
            env.try_emplace(k, v);
        env.try_emplace("ANTHROPIC_API_KEY", "sk-ant-test-secret");
        dir_.write("store/auth/creds.json", "{}");
        if (!daemon_) daemon_ = std::make_unique<DaemonProcess>(dir_.path(), std::move(env));
        daemon_->start();
        return *daemon_;
    }
    bool connected(int connects = 1) {
        return wa_.wait_for([&] {
            return static_cast<int>(wa_.commands_of("connect").size()) >= connects;
        }) && eventually([&] {
                   return daemon_->log().find("Connected to WhatsApp") != std::string::npos;
               });
    }
    void register_group(const std::string& jid, const std::string& folder) {
        write_ipc_request(dir_.path(), "main", "tasks", "1-" + folder + ".json",
                          json{{"type", "register_group"},
                               {"jid", jid},
                               {"name", "Team"},
                               {"folder", folder},
                               {"trigger", "@Andy"}}
                              .dump());
        ASSERT_TRUE(eventually(
            [&] { return std::filesystem::exists(dir_.path() / "groups" / folder / "logs"); }));
    }
    json message(const std::string& id, const std::string& text) {
        return json{{"type", "message"},
                    {"upsert", "notify"},
                    {"id", id},
                    {"remote_jid", k_group},
                    {"participant", "4915100000001@s.whatsapp.net"},
                    {"from_me", false},
                    {"push_name", "Alice"},
                    {"timestamp", 1767225600},
                    {"sender_pn", ""},
                    {"remote_jid_pn", ""},
                    {"participant_pn", ""},
                    {"content",
                     {{"conversation", text},
                      {"extended_text", ""},
                      {"image_caption", ""},
                      {"video_caption", ""}}}};
    }
    // A reply the main agent sends to the group (IPC message), as an agent run's output would.
    void reply_via_ipc(const std::string& name, const std::string& text) {
        const auto before = outbox_rows() + static_cast<int>(wa_.delivered().size());
        write_ipc_request(dir_.path(), "main", "messages", name + ".json",
                          json{{"type", "message"}, {"chatJid", k_group}, {"text", text}}.dump());
        ASSERT_TRUE(eventually(
            [&] { return outbox_rows() + static_cast<int>(wa_.delivered().size()) > before; }));
    }
    int count(const std::string& sql, const std::string& arg = {}) {
        SQLite::Database db((dir_.path() / "store/messages.db").string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, sql);
        if (!arg.empty()) q.bind(1, arg);
        q.executeStep();
        return q.getColumn(0).getInt();
    }
    int outbox_rows() { // the table is created with the first entry
        if (count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox'") == 0) return 0;
        return count("SELECT COUNT(*) FROM outbox");
    }
    int stored(const std::string& jid) {
        return count("SELECT COUNT(*) FROM messages WHERE chat_jid = ?", jid);
    }
    void TearDown() override {
        if (HasFailure() && daemon_)
            std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
    }

    TempDir dir_;
    FakeWhatsApp wa_;
    std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(WhatsAppTest, TriggeredGroupMessageRunsTheAgentAndTheReplyIsPrefixed) {
    auto& d = start();
    ASSERT_TRUE(connected());
    const auto hello = wa_.hello(0);
    const auto argv = hello["argv"].get<std::vector<std::string>>();
    EXPECT_EQ(argv, (std::vector<std::string>{"--auth-dir", (dir_.path() / "store/auth").string(),
                                              "--mode", "channel"}));
    EXPECT_EQ(hello["cwd"], std::filesystem::canonical(dir_.path()).string());
    EXPECT_FALSE(hello["env"].contains("ANTHROPIC_API_KEY")); // never the daemon's secrets

    register_group(k_group, "team");
    wa_.emit(message("m1", "@Andy what time is it?"));
    ASSERT_TRUE(wa_.wait_for([&] { return !wa_.delivered().empty(); }));
    const auto sends = wa_.commands_of("send");
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0]["jid"], k_group);
    const auto text = sends[0]["text"].get<std::string>();
    EXPECT_EQ(text.rfind("Andy: ", 0), 0u) << text;
    EXPECT_NE(text.find("what time is it?"), std::string::npos) << text;
    EXPECT_EQ(d.runs().size(), 1u);
    EXPECT_FALSE(wa_.commands_of("presence").empty()); // typing while the agent worked
    // The reply's echo (fromMe, prefixed) is stored as the bot's and triggers nothing.
    auto echo = message("m2", text);
    echo["from_me"] = true;
    wa_.emit(echo);
    ASSERT_TRUE(eventually([&] { return stored(k_group) == 2; }));
    EXPECT_EQ(count("SELECT is_bot_message FROM messages WHERE id = 'm2'"), 1);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(d.runs().size(), 1u);
    EXPECT_EQ(d.terminate(), 0);
    EXPECT_FALSE(wa_.commands_of("shutdown").empty());
}

TEST_F(WhatsAppTest, OwnNumberRepliesAreNotPrefixed) {
    auto& d = start({{"ASSISTANT_HAS_OWN_NUMBER", "true"}});
    ASSERT_TRUE(connected());
    register_group(k_group, "team");
    wa_.emit(message("m1", "@Andy what time is it?"));
    ASSERT_TRUE(wa_.wait_for([&] { return !wa_.delivered().empty(); }));
    const auto text = wa_.delivered().front();
    EXPECT_NE(text.rfind("Andy: ", 0), 0u) << text;
    EXPECT_NE(text.find("what time is it?"), std::string::npos) << text;
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(WhatsAppTest, RepliesWhileDisconnectedGoOutInOrderAcrossRestartsNoneTwice) {
    auto& d = start();
    ASSERT_TRUE(connected());
    register_group(k_group, "team");
    // The link drops and does not come back yet.
    wa_.set_auto_connect(false);
    wa_.emit(json{{"type", "disconnected"}, {"reason", 428}, {"message", "closed"}});
    ASSERT_TRUE(eventually([&] { return d.log().find("closed reason=428") != std::string::npos; }));
    reply_via_ipc("1-one", "one");
    reply_via_ipc("2-two", "two");
    reply_via_ipc("3-three", "three");
    EXPECT_EQ(outbox_rows(), 3);
    EXPECT_TRUE(wa_.commands_of("send").empty());
    // kill -9 while they wait; the next daemon sends them, the first attempt failing once.
    d.kill9();
    wa_.set_auto_connect(true);
    wa_.fail_next_sends(1);
    start();
    ASSERT_TRUE(wa_.wait_for([&] { return wa_.delivered().size() == 3; }, 15s));
    EXPECT_EQ(wa_.delivered(), (std::vector<std::string>{"Andy: one", "Andy: two", "Andy: three"}));
    EXPECT_EQ(wa_.commands_of("send").size(), 4u); // one failed attempt, retried
    ASSERT_TRUE(eventually([&] { return outbox_rows() == 0; }));

    // Down again, then a graceful restart (SIGTERM).
    wa_.set_auto_connect(false);
    wa_.emit(json{{"type", "disconnected"}, {"reason", 408}, {"message", "lost"}});
    ASSERT_TRUE(eventually([&] { return d.log().find("closed reason=408") != std::string::npos; }));
    reply_via_ipc("4-four", "four");
    reply_via_ipc("5-five", "five");
    EXPECT_EQ(d.terminate(), 0);
    EXPECT_EQ(outbox_rows(), 2);
    wa_.set_auto_connect(true);
    start();
    ASSERT_TRUE(wa_.wait_for([&] { return wa_.delivered().size() == 5; }, 15s));
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(wa_.delivered(), (std::vector<std::string>{"Andy: one", "Andy: two", "Andy: three",
                                                         "Andy: four", "Andy: five"}));
    EXPECT_EQ(outbox_rows(), 0);
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(WhatsAppTest, LoggedOutStopsReconnectingAndSaysHowToLinkAgain) {
    auto& d = start();
    ASSERT_TRUE(connected());
    wa_.emit(json{{"type", "disconnected"}, {"reason", 401}, {"message", "logged out"}});
    ASSERT_TRUE(
        eventually([&] { return d.log().find("--step whatsapp-auth") != std::string::npos; }));
    ASSERT_TRUE(wa_.wait_for([&] { return !wa_.bridge_alive(); })); // the bridge was told to exit
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(wa_.commands_of("connect").size(), 1u);
    EXPECT_EQ(wa_.connections(), 1);

    const auto status = ops::query_daemon_status(d.socket());
    ASSERT_TRUE(status) << status.error();
    bool found = false;
    for (const auto& c : (*status)["channels"]) {
        if (c["name"] != "whatsapp") continue;
        found = true;
        EXPECT_FALSE(c["connected"].get<bool>());
        EXPECT_NE(c["detail"].get<std::string>().find("--step whatsapp-auth"), std::string::npos);
    }
    EXPECT_TRUE(found);

    ChatClient client(d.socket());
    ASSERT_TRUE(client.subscribe("main"));
    bool told = false;
    for (int i = 0; i < 5 && !told; ++i) {
        const auto line = client.next_line(5s);
        if (!line) break;
        const auto j = json::parse(*line, nullptr, false);
        told = j.value("notice", false) &&
               j.value("text", "").find("--step whatsapp-auth") != std::string::npos;
    }
    EXPECT_TRUE(told) << "no notice in the local main chat";
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(WhatsAppTest, CrashingBridgeIsRestartedWithGrowingBackOffWhileLocalAnswers) {
    auto& d = start();
    ASSERT_TRUE(connected());
    for (int crash = 1; crash <= 3; ++crash) {
        ASSERT_TRUE(wa_.wait_for(
            [&] { return static_cast<int>(wa_.commands_of("connect").size()) >= crash; }));
        wa_.crash();
        if (crash == 1) {
            // The local channel answers while WhatsApp's bridge is down.
            ChatClient client(d.socket());
            ASSERT_TRUE(client.say("main", "hello while whatsapp is down"));
            EXPECT_TRUE(client.next_reply(10s).has_value());
        }
        ASSERT_TRUE(wa_.wait_for([&] { return wa_.connections() > crash; }, 15s));
    }
    const auto t = wa_.connection_times();
    ASSERT_GE(t.size(), 4u);
    const auto gap1 = t[2] - t[1];
    const auto gap2 = t[3] - t[2];
    EXPECT_GE(t[1] - t[0], 700ms);
    EXPECT_GT(gap1, t[1] - t[0]);
    EXPECT_GT(gap2, gap1);
    EXPECT_NE(d.log().find("WhatsApp bridge exited"), std::string::npos);
    ASSERT_TRUE(connected(4));
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(WhatsAppTest, GarbageOversizedLinesAndStderrNoiseCrashNothing) {
    auto& d = start();
    ASSERT_TRUE(connected());
    register_group(k_group, "team");
    wa_.emit_raw("this is not json");
    wa_.emit_raw(R"({"type":"no_such_event"})");
    wa_.emit_raw(std::string(1536 * 1024, 'x'));
    wa_.emit_stderr("Error: something noisy in Baileys");
    wa_.emit(message("m1", "still works"));
    ASSERT_TRUE(eventually([&] { return stored(k_group) == 1; }));
    const auto log = d.log();
    EXPECT_NE(log.find("ignoring a bad line"), std::string::npos);
    EXPECT_NE(log.find("dropped a line of 1572864 bytes"), std::string::npos);
    EXPECT_NE(log.find("WhatsApp bridge: Error: something noisy"), std::string::npos);
    EXPECT_EQ(wa_.connections(), 1);
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(WhatsAppTest, SyncGroupsRequestNamesTheGroups) {
    auto& d = start();
    ASSERT_TRUE(connected());
    wa_.set_groups(json::array({json{{"jid", "111@g.us"}, {"subject", "Family"}},
                                json{{"jid", "222@g.us"}, {"subject", ""}}}));
    const auto channels = ops::query_sync_groups(d.socket(), 10s);
    ASSERT_TRUE(channels) << channels.error();
    ASSERT_EQ(channels->size(), 1u);
    EXPECT_EQ((*channels)[0],
              (json{{"name", "whatsapp"}, {"ok", true}, {"groups", 1}, {"error", ""}}));
    EXPECT_EQ(count("SELECT COUNT(*) FROM chats WHERE jid = '111@g.us' AND name = 'Family'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM chats WHERE jid = '__group_sync__'"), 1);
    // The channel adds a process, not a thread: the daemon still runs on one.
    const auto tasks = std::distance(
        std::filesystem::directory_iterator("/proc/" + std::to_string(d.pid()) + "/task"),
        std::filesystem::directory_iterator());
    EXPECT_EQ(tasks, 1);
    EXPECT_EQ(d.terminate(), 0);
}

} // namespace
} // namespace nanoclaw::testing
