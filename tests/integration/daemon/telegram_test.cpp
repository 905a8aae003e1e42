// SPDX-License-Identifier: MIT
// The Telegram channel in the real daemon, black-box against the fake Bot API on
// TELEGRAM_API_BASE_URL (issue 12 acceptance): mentions trigger runs and replies go back through
// sendMessage; long replies are split; Markdown falls back to plain; restarts neither lose nor
// repeat an update; 429 waits are honoured; the token never leaks; 409 and a bad token are told.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "daemon_harness.hpp"
#include "fake_telegram.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr std::int64_t k_group = -100200300;
const std::string k_group_jid = "tg:-100200300";
const std::string k_token = "123456:TEST-token";

class TelegramTest : public ::testing::Test {
  protected:
    DaemonProcess& start(std::map<std::string, std::string> env = {}) {
        env.try_emplace("TELEGRAM_API_BASE_URL", bot_.base_url());
        dir_.write(".env", "TELEGRAM_BOT_TOKEN=" + k_token + "\n");
        if (!daemon_) daemon_ = std::make_unique<DaemonProcess>(dir_.path(), std::move(env));
        daemon_->start();
        return *daemon_;
    }
    // Registers the Telegram group through the main group's IPC, as the main agent would.
    void register_group(const std::string& jid, const std::string& folder) {
        write_ipc_request(dir_.path(), "main", "tasks", "1-" + folder + ".json",
                          json{{"type", "register_group"},
                               {"jid", jid},
                               {"name", "Test Group"},
                               {"folder", folder},
                               {"trigger", "@Andy"}}
                              .dump());
        ASSERT_TRUE(eventually(
            [&] { return std::filesystem::exists(dir_.path() / "groups" / folder / "logs"); }));
    }
    bool connected() {
        return bot_.wait_for([&] { return !bot_.calls_of("getUpdates").empty(); });
    }
    std::vector<json> sent_to(const std::string& chat_id) {
        std::vector<json> out;
        for (auto& m : bot_.sent_messages())
            if (m.value("chat_id", json()).dump() == json(chat_id).dump() ||
                m.value("chat_id", json()) == json(std::stoll(chat_id)))
                out.push_back(m);
        return out;
    }
    int stored_messages(const std::string& jid) {
        SQLite::Database db((dir_.path() / "store/messages.db").string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT COUNT(*) FROM messages WHERE chat_jid = ?");
        q.bind(1, jid);
        q.executeStep();
        return q.getColumn(0).getInt();
    }
    int outbox_rows() {
        SQLite::Database db((dir_.path() / "store/messages.db").string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT COUNT(*) FROM outbox");
        q.executeStep();
        return q.getColumn(0).getInt();
    }
    void TearDown() override {
        if (HasFailure() && daemon_)
            std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
    }

    TempDir dir_;
    FakeTelegram bot_{k_token};
    std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(TelegramTest, AMentionInARegisteredGroupRunsTheAgentAndTheReplyGoesBack) {
    auto& d = start();
    ASSERT_TRUE(connected());
    register_group(k_group_jid, "team");
    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot what time is it?"));
    ASSERT_TRUE(bot_.wait_for([&] { return !sent_to(std::to_string(k_group)).empty(); }));
    const auto reply = sent_to(std::to_string(k_group)).front();
    EXPECT_NE(reply["text"].get<std::string>().find("what time is it?"), std::string::npos);
    EXPECT_EQ(reply.value("parse_mode", ""), "Markdown");
    ASSERT_EQ(d.runs().size(), 1u);
    EXPECT_FALSE(bot_.calls_of("sendChatAction").empty()); // typing while the agent worked

    // Without the mention, in a group that needs the trigger: stored, no run.
    bot_.push_update(bot_.text_update(k_group, "group", "just chatting"));
    ASSERT_TRUE(eventually([&] { return stored_messages(k_group_jid) == 2; }));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(d.runs().size(), 1u);
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(TelegramTest, ChatIdAnswersInAnyChatAndUnregisteredTextIsOnlyRecorded) {
    auto& d = start();
    ASSERT_TRUE(connected());
    bot_.push_update(bot_.text_update(k_group, "group", "/chatid@andy_ai_bot"));
    ASSERT_TRUE(bot_.wait_for([&] { return !sent_to(std::to_string(k_group)).empty(); }));
    const auto reply = sent_to(std::to_string(k_group)).front();
    EXPECT_EQ(reply["text"], "Chat ID: `tg:-100200300`\nName: Test Group\nType: group");
    EXPECT_EQ(reply["parse_mode"], "Markdown");

    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot hello?"));
    ASSERT_TRUE(eventually([&] {
        SQLite::Database db((dir_.path() / "store/messages.db").string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT name FROM chats WHERE jid = ?");
        q.bind(1, k_group_jid);
        return q.executeStep() && q.getColumn(0).getString() == "Test Group";
    }));
    EXPECT_EQ(stored_messages(k_group_jid), 0); // unregistered: metadata only, never an agent
    EXPECT_TRUE(d.runs().empty());
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(TelegramTest, ALongReplyIsSplitInOrderAndUnparsableMarkdownGoesPlain) {
    const std::string text = std::string(4096, 'a') + std::string(4096, 'b') + std::string(1808, 'c');
    auto& d = start({{"FAKE_RUNTIME_MODE", "script"},
                     {"FAKE_RUNTIME_SCRIPT",
                      json::array({json{{"marker", {{"status", "success"}, {"result", text}}}}}).dump()}});
    ASSERT_TRUE(connected());
    register_group(k_group_jid, "team");
    bot_.reject_markdown(true);
    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot essay please"));
    ASSERT_TRUE(bot_.wait_for([&] { return sent_to(std::to_string(k_group)).size() == 3; }));
    const auto parts = sent_to(std::to_string(k_group));
    EXPECT_EQ(parts[0]["text"], std::string(4096, 'a'));
    EXPECT_EQ(parts[1]["text"], std::string(4096, 'b'));
    EXPECT_EQ(parts[2]["text"], std::string(1808, 'c'));
    for (const auto& p : parts) EXPECT_FALSE(p.contains("parse_mode")); // re-sent as plain text
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(sent_to(std::to_string(k_group)).size(), 3u); // nothing sent twice
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(TelegramTest, RetryAfterIsHonouredAndTheReplyIsDeliveredOnce) {
    auto& d = start();
    ASSERT_TRUE(connected());
    register_group(k_group_jid, "team");
    bot_.fail_next("sendMessage", 429, "Too Many Requests: retry after 2", 2);
    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot hi"));
    ASSERT_TRUE(bot_.wait_for([&] { return sent_to(std::to_string(k_group)).size() == 1; }, 15s));
    const auto calls = bot_.calls_of("sendMessage");
    ASSERT_GE(calls.size(), 2u);
    EXPECT_GE(calls[1].at - calls[0].at, 2s);
    EXPECT_EQ(calls[1].params.value("parse_mode", ""), "Markdown"); // re-sent as it was, not plain
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(sent_to(std::to_string(k_group)).size(), 1u);
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(TelegramTest, ADroppedSendIsRetriedFromTheOutbox) {
    auto& d = start();
    ASSERT_TRUE(connected());
    register_group(k_group_jid, "team");
    bot_.drop_next("sendMessage");
    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot hi"));
    ASSERT_TRUE(bot_.wait_for([&] { return sent_to(std::to_string(k_group)).size() == 1; }, 15s));
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(TelegramTest, RestartsNeitherLoseNorRepeatAnUpdate) {
    auto& d = start();
    ASSERT_TRUE(connected());
    register_group(k_group_jid, "team");
    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot one"));
    ASSERT_TRUE(bot_.wait_for([&] { return sent_to(std::to_string(k_group)).size() == 1; }));
    ASSERT_EQ(d.terminate(), 0);

    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot two")); // while down
    start();
    ASSERT_TRUE(bot_.wait_for([&] { return sent_to(std::to_string(k_group)).size() == 2; }));
    // Replies are at least once: a crash between Telegram accepting a reply and the outbox
    // recording it would send that reply again (docs/telegram.md). Crash once it is recorded.
    ASSERT_TRUE(eventually([&] { return outbox_rows() == 0; }));
    d.kill9(); // a crash, then one more update while down
    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot three"));
    start();
    ASSERT_TRUE(bot_.wait_for([&] { return sent_to(std::to_string(k_group)).size() == 3; }));
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(stored_messages(k_group_jid), 3);
    EXPECT_EQ(d.runs().size(), 3u); // each update answered once
    const auto sent = sent_to(std::to_string(k_group));
    EXPECT_NE(sent[0]["text"].get<std::string>().find("one"), std::string::npos);
    EXPECT_NE(sent[1]["text"].get<std::string>().find("two"), std::string::npos);
    EXPECT_NE(sent[2]["text"].get<std::string>().find("three"), std::string::npos);
    EXPECT_EQ(bot_.pending_count(), 0u);
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(TelegramTest, MalformedBodiesAndUpdatesAreSkippedNeverACrash) {
    auto& d = start();
    ASSERT_TRUE(connected());
    register_group(k_group_jid, "team");
    // The poll held now answers normally; the next one gets an HTML page instead of JSON.
    bot_.malformed_next("getUpdates");
    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot first"));
    ASSERT_TRUE(bot_.wait_for([&] { return sent_to(std::to_string(k_group)).size() == 1; }));
    ASSERT_TRUE(eventually([&] { return d.log().find("getUpdates failed") != std::string::npos; }));
    bot_.push_update(json{{"message", {{"text", "no chat, no date"}}}});
    bot_.push_update(json{{"edited_message", {{"message_id", 1}}}});
    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot still fine?"));
    ASSERT_TRUE(bot_.wait_for([&] { return sent_to(std::to_string(k_group)).size() == 2; }, 15s));
    EXPECT_NE(d.log().find("skipping a malformed update"), std::string::npos);
    EXPECT_EQ(stored_messages(k_group_jid), 2);
    EXPECT_TRUE(d.running());
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(TelegramTest, TheTokenNeverLeavesDotEnv) {
    auto& d = start();
    ASSERT_TRUE(connected());
    register_group(k_group_jid, "team");
    bot_.fail_next("sendMessage", 500, "Internal Server Error");
    bot_.push_update(bot_.text_update(k_group, "group", "@andy_ai_bot hi"));
    ASSERT_TRUE(bot_.wait_for([&] { return sent_to(std::to_string(k_group)).size() == 1; }, 15s));
    EXPECT_EQ(d.terminate(), 0);
    const std::string secret_part = k_token.substr(k_token.find(':') + 1);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
        if (!entry.is_regular_file() || entry.path().filename() == ".env") continue;
        EXPECT_EQ(TempDir::read(entry.path()).find(secret_part), std::string::npos) << entry.path();
    }
}

TEST_F(TelegramTest, AConflictIsToldOnceWithTheFix) {
    bot_.set_conflict(true);
    auto& d = start();
    ASSERT_TRUE(eventually([&] {
        return d.log().find("another program is polling this bot") != std::string::npos;
    }));
    std::this_thread::sleep_for(1s);
    const auto log = d.log();
    const auto first = log.find("another program is polling this bot");
    EXPECT_EQ(log.find("another program is polling this bot", first + 1), std::string::npos);
    EXPECT_LE(bot_.calls_of("getUpdates").size(), 2u); // no tight retry loop
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(TelegramTest, ABadTokenIsToldAndTheOtherChannelsKeepWorking) {
    FakeTelegram other("999:another-token"); // rejects our token with 401
    auto& d = start({{"TELEGRAM_API_BASE_URL", other.base_url()}});
    ASSERT_TRUE(eventually([&] {
        return d.log().find("the bot token was rejected") != std::string::npos;
    }));
    EXPECT_NE(d.log().find("TELEGRAM_BOT_TOKEN"), std::string::npos);
    ChatClient c(d.socket());
    c.say("main", "still there?");
    EXPECT_TRUE(c.next_reply(10s));
    EXPECT_EQ(d.terminate(), 0);
}

} // namespace
} // namespace nanoclaw::testing
