// SPDX-License-Identifier: MIT
// `setup --step groups` (spec 30 §5; catalogue F 51-60).
#include <map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "lock_holder.hpp"
#include "nanoclaw/setup/whatsapp.hpp"
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

// The direct sync (no daemon) through the fake bridge in channel mode (catalogue F 58-60).
class GroupsSyncTest : public GroupsStepTest {
  protected:
    GroupsSyncTest() {
        tmp.write("root/store/auth/creds.json", R"({"registered":true})");
        env["WHATSAPP_BRIDGE_COMMAND"] = NANOCLAW_FAKE_WA_BRIDGE;
        env["FAKE_BRIDGE_SCENARIO"] = (base / "scenario.json").string();
        env["FAKE_BRIDGE_RECORD"] = (base / "record.jsonl").string();
    }
    void scenario(const std::vector<nlohmann::json>& steps) const {
        std::ofstream(base / "scenario.json") << nlohmann::json(steps).dump();
    }
    int sync(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        out.str("");
        err.str("");
        return groups_step({}, SetupContext{config, env, out, err, nullptr, &platform}, GroupSyncOptions{timeout});
    }
    std::vector<nlohmann::json> records() const {
        std::ifstream in(base / "record.jsonl");
        std::vector<nlohmann::json> lines;
        for (std::string line; std::getline(in, line);)
            lines.push_back(nlohmann::json::parse(line));
        return lines;
    }
    std::vector<std::string> commands() const {
        std::vector<std::string> names;
        for (const auto& r : records())
            if (r.contains("cmd")) names.push_back(r["cmd"].value("cmd", ""));
        return names;
    }
    std::map<std::string, std::pair<std::string, std::string>> rows() const {
        SQLite::Database db((config.store_dir / "messages.db").string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT jid, name, last_message_time FROM chats");
        std::map<std::string, std::pair<std::string, std::string>> found;
        while (q.executeStep())
            found[q.getColumn(0).getString()] = {q.getColumn(1).getString(), q.getColumn(2).getString()};
        return found;
    }
    static nlohmann::json started() {
        return {{"emit", {{"type", "started"}, {"bridge_version", "1"}, {"baileys_version", "7"}, {"registered", true}}}};
    }
    static nlohmann::json connected() {
        return {{"emit", {{"type", "connected"}, {"user", {{"id", "1:2@s.whatsapp.net"}}}}}};
    }
    static nlohmann::json wait_for(const std::string& cmd) { return {{"wait", cmd}}; }
};

// Catalogue 58, 60: names written, an existing chat keeps its time, nameless groups skipped.
TEST_F(GroupsSyncTest, SyncsNamesThroughTheBridge) {
    chats({{"g@g.us", "Old", "2024-01-01T00:00:00.000Z"}});
    scenario({started(), wait_for("connect"), connected(), wait_for("fetch_groups"),
              {{"reply_groups", {{{"jid", "g@g.us"}, {"subject", "New"}}, {{"jid", "n@g.us"}, {"subject", "Newbie"}},
                                 {{"jid", "x@g.us"}, {"subject", ""}}}}}});
    EXPECT_EQ(sync(), 0) << read(config.root / "logs/setup.log");
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: SYNC_GROUPS ===\nBUILD: skipped\nSYNC: success\nGROUPS_IN_DB: 2\n"
                         "STATUS: success\nLOG: logs/setup.log\n=== END ===\n");
    const auto found = rows();
    EXPECT_EQ(found.at("g@g.us"), std::make_pair(std::string("New"), std::string("2024-01-01T00:00:00.000Z")));
    EXPECT_EQ(found.at("n@g.us").first, "Newbie");
    EXPECT_FALSE(found.contains("x@g.us")) << "a group without a subject is not written";
    EXPECT_EQ(commands(), (std::vector<std::string>{"connect", "fetch_groups", "shutdown"}));
    EXPECT_EQ(records().at(0)["argv"],
              nlohmann::json({"--auth-dir", (config.store_dir / "auth").string(), "--mode", "channel"}));
}

// Catalogue 59 and the other ways a sync fails.
TEST_F(GroupsSyncTest, FailuresAreReportedWithTheirReason) {
    chats({{"a@g.us", "Alpha", "2024-01-01T00:00:00.000Z"}});
    const std::vector<std::pair<std::vector<nlohmann::json>, std::string>> cases{
        {{started(), wait_for("connect"), {{"emit", {{"type", "disconnected"}, {"reason", 401}}}}}, "logged_out"},
        {{started(), wait_for("connect"), {{"emit", {{"type", "disconnected"}, {"reason", 500}}}}}, "connection_closed"},
        {{started(), wait_for("connect"), connected(), wait_for("fetch_groups"), {{"reply_error", "rate-overlimit"}}},
         "fetch_failed"},
        {{started(), {{"stderr", "crash"}}, {{"exit", 1}}}, "bridge_exited"},
        {{started(), wait_for("connect"), {{"hang", true}}}, "timeout"}};
    for (const auto& [steps, error] : cases) {
        scenario(steps);
        EXPECT_EQ(sync(std::chrono::milliseconds(500)), 1) << error;
        EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: SYNC_GROUPS ===\nBUILD: skipped\nSYNC: failed\nGROUPS_IN_DB: 1\n"
                             "STATUS: failed\nERROR: " + error + "\nLOG: logs/setup.log\n=== END ===\n");
    }
}

TEST_F(GroupsSyncTest, AMissingBridgeSaysHowToBuildIt) {
    env.erase("WHATSAPP_BRIDGE_COMMAND");
    EXPECT_EQ(run("groups"), 1);
    EXPECT_EQ(field("SYNC"), "failed");
    EXPECT_EQ(field("ERROR"), "bridge_not_found");
    EXPECT_NE(err.str().find("npm ci && npm run build"), std::string::npos) << err.str();
}

// §5.2's port recommendation: a running daemon syncs through its own session when asked.
TEST_F(GroupsSyncTest, ARunningDaemonIsAskedToSync) {
    catalogue_chats();
    testing_support::LockHolder daemon(config.data_dir);
    std::vector<std::chrono::milliseconds> asked;
    tl::expected<nlohmann::json, std::string> answer =
        nlohmann::json::parse(R"([{"name":"whatsapp","ok":true,"groups":7,"error":""}])");
    auto ask = [&](const std::vector<std::string>& args) {
        out.str("");
        err.str("");
        SetupContext context{config, env, out, err, nullptr, &platform};
        context.sync_groups_in_daemon = [&](std::chrono::milliseconds timeout) {
            asked.push_back(timeout);
            return answer;
        };
        return run_setup(args, context);
    };
    EXPECT_EQ(ask({"--step", "groups"}), 0);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: SYNC_GROUPS ===\nBUILD: skipped\nSYNC: success\nGROUPS_IN_DB: 3\n"
                         "STATUS: success\nLOG: logs/setup.log\n=== END ===\n");
    EXPECT_EQ(asked, std::vector<std::chrono::milliseconds>{std::chrono::seconds(45)});
    EXPECT_FALSE(fs::exists(base / "record.jsonl")) << "no second session";
    const std::vector<std::pair<tl::expected<nlohmann::json, std::string>, std::string>> failures{
        {nlohmann::json::parse(R"([{"name":"whatsapp","ok":false,"groups":0,"error":"not connected"}])"),
         "sync_failed"},
        {nlohmann::json::parse(R"([{"name":"telegram","ok":true,"groups":0,"error":""}])"), "whatsapp_not_running"},
        {nlohmann::json::array(), "whatsapp_not_running"},
        {tl::make_unexpected(std::string("the daemon did not answer in time")), "daemon_unreachable"}};
    for (const auto& [reply, error] : failures) {
        answer = reply;
        EXPECT_EQ(ask({"--step", "groups"}), 1) << error;
        EXPECT_EQ(field("SYNC"), "failed");
        EXPECT_EQ(field("ERROR"), error);
    }
    EXPECT_NE(err.str().find("did not answer in time"), std::string::npos) << err.str();
}

// §19 #28: no second WhatsApp session beside a running daemon's, even when it cannot be asked.
TEST_F(GroupsSyncTest, ARunningDaemonIsLeftToSyncItself) {
    catalogue_chats();
    testing_support::LockHolder daemon(config.data_dir);
    EXPECT_EQ(run("groups"), 0);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: SYNC_GROUPS ===\nBUILD: skipped\nSYNC: skipped\nGROUPS_IN_DB: 3\n"
                         "REASON: daemon_running\nSTATUS: success\nLOG: logs/setup.log\n=== END ===\n");
    EXPECT_FALSE(fs::exists(base / "record.jsonl")) << "no bridge was started";
}

} // namespace
} // namespace nanoclaw::setup
