// SPDX-License-Identifier: MIT
// `setup --step groups` (spec 30 §5; catalogue F 51-56).
#include <SQLiteCpp/SQLiteCpp.h>

#include "step_fixture.hpp"

namespace nanoclaw::setup {
namespace {

using testing_support::StepTest;
namespace fs = std::filesystem;

class GroupsStepTest : public StepTest {
  protected:
    void chats(const std::vector<std::tuple<std::string, std::string, std::string>>& rows) {
        fs::create_directories(config.store_dir);
        SQLite::Database db((config.store_dir / "messages.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE IF NOT EXISTS chats (jid TEXT PRIMARY KEY, name TEXT, last_message_time TEXT)");
        for (const auto& [jid, name, time] : rows) {
            SQLite::Statement q(db, "INSERT INTO chats VALUES (?, ?, ?)");
            q.bind(1, jid);
            q.bind(2, name);
            q.bind(3, time);
            q.exec();
        }
    }
    void catalogue_chats() {
        chats({{"a@g.us", "Alpha", "2024-03-01T00:00:00.000Z"},
               {"b@g.us", "b@g.us", "2024-04-01T00:00:00.000Z"},
               {"__group_sync__", "__group_sync__", "2024-06-01T00:00:00.000Z"},
               {"tg:1", "TG", "2024-06-01T00:00:00.000Z"},
               {"c@g.us", "Gamma", "2024-05-01T00:00:00.000Z"}});
    }
};

TEST_F(GroupsStepTest, ListWithoutDatabase) {
    EXPECT_EQ(run("groups", {"--list"}), 1);
    EXPECT_EQ(err.str(), "ERROR: database not found\n");
    EXPECT_EQ(out.str(), "");
}

TEST_F(GroupsStepTest, ListsNamedWhatsAppGroupsNewestFirst) {
    catalogue_chats();
    EXPECT_EQ(run("groups", {"--list"}), 0);
    EXPECT_EQ(out.str(), "c@g.us|Gamma\na@g.us|Alpha\n");
    EXPECT_EQ(run("groups", {"--list", "--limit", "1"}), 0);
    EXPECT_EQ(out.str(), "c@g.us|Gamma\n");
    EXPECT_EQ(run("groups", {"--limit", "1abc", "--list"}), 0) << "parseInt rules";
    EXPECT_EQ(out.str(), "c@g.us|Gamma\n");
}

TEST_F(GroupsStepTest, DefaultLimitIsThirty) {
    std::vector<std::tuple<std::string, std::string, std::string>> rows;
    for (int i = 10; i < 50; ++i)
        rows.emplace_back(std::to_string(i) + "@g.us", "Group " + std::to_string(i), "2024-01-01T00:00:" + std::to_string(i) + ".000Z");
    chats(rows);
    EXPECT_EQ(run("groups", {"--list"}), 0);
    const auto text = out.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 30);
}

TEST_F(GroupsStepTest, ANameWithALineBreakStaysOnOneLine) {
    chats({{"x@g.us", "two\nlines", "2024-01-01T00:00:00.000Z"}});
    run("groups", {"--list"});
    EXPECT_EQ(out.str(), "x@g.us|two lines\n");
}

TEST_F(GroupsStepTest, NonNumericLimitIsAFailureBlock) {
    catalogue_chats();
    EXPECT_EQ(run("groups", {"--list", "--limit", "abc"}), 1);
    EXPECT_NE(out.str().find("=== NANOCLAW SETUP: GROUPS ===\nSTATUS: failed\nERROR: --limit abc is not a number\n"),
              std::string::npos)
        << out.str();
}

TEST_F(GroupsStepTest, SyncWithoutWhatsAppIsSkipped) {
    EXPECT_EQ(run("groups"), 0);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: SYNC_GROUPS ===\nBUILD: skipped\nSYNC: skipped\nGROUPS_IN_DB: 0\n"
                         "REASON: whatsapp_not_configured\nSTATUS: success\nLOG: logs/setup.log\n=== END ===\n");
    fs::create_directories(config.store_dir / "auth");
    EXPECT_EQ(run("groups"), 0) << "an empty auth directory is no session";
    EXPECT_EQ(field("REASON"), "whatsapp_not_configured");
}

TEST_F(GroupsStepTest, SyncWithASessionButNoChannelSaysSo) {
    catalogue_chats();
    tmp.write("root/store/auth/creds.json", "{}");
    EXPECT_EQ(run("groups"), 1);
    EXPECT_EQ(field("SYNC"), "failed");
    EXPECT_EQ(field("GROUPS_IN_DB"), "3") << "the sentinel is not a group";
    EXPECT_EQ(field("ERROR"), "whatsapp_channel_unavailable");
    EXPECT_NE(err.str().find("--list"), std::string::npos) << err.str();
}

} // namespace
} // namespace nanoclaw::setup
