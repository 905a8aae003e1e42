// SPDX-License-Identifier: MIT
// Issue 14 acceptance, black-box: `nanoclaw setup --step register` while nanoclawd runs with the
// Telegram channel (against the fake Bot API). The daemon answers in the new chat without a
// restart, because it notices the row the CLI committed to the shared database.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdio>
#include <sys/wait.h>
#include <thread>

#include "daemon_harness.hpp"
#include "fake_telegram.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

const std::string k_token = "123456:REGISTER-token";

struct CliResult {
    int exit_code = -1;
    std::string out;
};

// Runs the CLI against `root` as a user would; stderr goes to a file so `out` is stdout alone.
CliResult run_cli(const std::filesystem::path& root, const std::string& args) {
    const std::string command = "cd '" + root.string() + "' && HOME='" + (root / "home").string() +
                                "' NANOCLAW_ROOT='" + root.string() + "' " + NANOCLAW_CLI_PATH +
                                " " + args + " 2>'" + (root / "cli.err").string() + "'";
    CliResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char buf[512];
    while (const auto n = std::fread(buf, 1, sizeof buf, pipe))
        result.out.append(buf, n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

class RegisterStepTest : public ::testing::Test {
  protected:
    void TearDown() override {
        if (HasFailure() && daemon_)
            std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
    }
    std::vector<json> sent_to(std::int64_t chat) {
        std::vector<json> out;
        for (auto& m : bot_.sent_messages())
            if (m.value("chat_id", json()) == json(chat) ||
                m.value("chat_id", json()) == json(std::to_string(chat)))
                out.push_back(m);
        return out;
    }
    bool chat_recorded(const std::string& jid) {
        SQLite::Database db((dir_.path() / "store/messages.db").string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT 1 FROM chats WHERE jid = ?");
        q.bind(1, jid);
        return q.executeStep();
    }

    TempDir dir_;
    FakeTelegram bot_{k_token};
    std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(RegisterStepTest, ARegisteredTelegramChatIsAnsweredWithoutARestart) {
    dir_.write(".env", "TELEGRAM_BOT_TOKEN=" + k_token + "\n");
    daemon_ = std::make_unique<DaemonProcess>(
        dir_.path(),
        std::map<std::string, std::string>{{"TELEGRAM_API_BASE_URL", bot_.base_url()}});
    auto& d = *daemon_;
    d.start();
    const auto pid = d.pid();
    ASSERT_TRUE(bot_.wait_for([&] { return !bot_.calls_of("getUpdates").empty(); }));

    // Before registering: the chat is only recorded, nobody answers.
    bot_.push_update(bot_.text_update(123, "group", "@andy_ai_bot anyone there?"));
    ASSERT_TRUE(eventually([&] { return chat_recorded("tg:123"); }));

    const auto result =
        run_cli(dir_.path(), "setup --step register --jid tg:123 --name Dev --trigger @Andy "
                             "--folder telegram_dev --channel telegram");
    EXPECT_EQ(result.exit_code, 0) << TempDir::read(dir_.path() / "cli.err");
    EXPECT_EQ(result.out,
              "=== NANOCLAW SETUP: REGISTER_CHANNEL ===\n"
              "JID: tg:123\nNAME: Dev\nFOLDER: telegram_dev\nCHANNEL: telegram\n"
              "TRIGGER: @Andy\nREQUIRES_TRIGGER: true\nASSISTANT_NAME: Andy\n"
              "NAME_UPDATED: false\nSTATUS: success\nLOG: logs/setup.log\n=== END ===\n");
    EXPECT_NE(TempDir::read(dir_.path() / "groups/telegram_dev/CLAUDE.md").find("You are Andy"),
              std::string::npos);
    EXPECT_NE(TempDir::read(dir_.path() / "logs/setup.log").find("] [register] registering tg:123"),
              std::string::npos);

    bot_.push_update(bot_.text_update(123, "group", "@andy_ai_bot hello after registering"));
    ASSERT_TRUE(bot_.wait_for([&] { return !sent_to(123).empty(); }, 15s));
    EXPECT_NE(sent_to(123).front()["text"].get<std::string>().find("hello after registering"),
              std::string::npos);
    EXPECT_EQ(d.runs().size(), 1u);
    EXPECT_EQ(d.pid(), pid); // the same daemon, never restarted
    EXPECT_NE(
        d.log().find("picked up group registered by another tool jid=tg:123 folder=telegram_dev"),
        std::string::npos);

    // A second registration of that folder for another chat is refused; the first keeps working.
    const auto taken =
        run_cli(dir_.path(), "setup --step register -- --jid tg:456 --name Other "
                             "--trigger @Andy --folder telegram_dev --channel telegram");
    EXPECT_EQ(taken.exit_code, 4);
    EXPECT_NE(taken.out.find("STATUS: failed\nERROR: folder_in_use\n"), std::string::npos)
        << taken.out;
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(RegisterStepTest, BadInputIsExitFourWithTheErrorCode) {
    const auto missing =
        run_cli(dir_.path(), "setup --step register --jid tg:1 --name N --trigger @Andy");
    EXPECT_EQ(missing.exit_code, 4);
    EXPECT_EQ(missing.out, "=== NANOCLAW SETUP: REGISTER_CHANNEL ===\nSTATUS: failed\n"
                           "ERROR: missing_required_args\nLOG: logs/setup.log\n=== END ===\n");
    const auto folder =
        run_cli(dir_.path(), "setup --step register --jid tg:1 --name N --trigger @Andy "
                             "--folder ../evil");
    EXPECT_EQ(folder.exit_code, 4);
    EXPECT_NE(folder.out.find("ERROR: invalid_folder\n"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "store/messages.db"));
}

} // namespace
} // namespace nanoclaw::testing
