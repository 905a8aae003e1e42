// SPDX-License-Identifier: MIT
// Black-box tests of nanoclawd: the real binary, the fake runtime CLI, the local channel.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include "daemon_harness.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

std::string now_plus(std::chrono::milliseconds d) {
    const auto t =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now() + d);
    const auto secs =
        std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&secs));
    return std::string(buf) + ".000Z";
}

class DaemonTest : public ::testing::Test {
  protected:
    DaemonProcess& start(std::map<std::string, std::string> env = {}) {
        daemon_ = std::make_unique<DaemonProcess>(dir_.path(), std::move(env));
        daemon_->start();
        return *daemon_;
    }
    // Registers local:<chat> as a non-main group through an IPC request from main.
    void register_team(const std::string& chat, const std::string& folder) {
        write_ipc_request(dir_.path(), "main", "tasks", "1-" + folder + ".json",
                          json{{"type", "register_group"},
                               {"jid", "local:" + chat},
                               {"name", chat},
                               {"folder", folder},
                               {"trigger", "@Andy"}}
                              .dump());
        ASSERT_TRUE(eventually(
            [&] { return std::filesystem::exists(dir_.path() / "groups" / folder / "logs"); }));
    }
    void TearDown() override {
        if (HasFailure() && daemon_)
            std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
    }

    TempDir dir_;
    std::unique_ptr<DaemonProcess> daemon_;
};

// Runs nanoclawd with `args` (trusted test text) and returns {exit status, stdout + stderr}.
std::pair<int, std::string> run_nanoclawd(const std::string& args) {
    const std::string command = std::string(NANOCLAWD_PATH) + " " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return {-1, ""};
    std::string out;
    char buf[512];
    while (const auto n = std::fread(buf, 1, sizeof buf, pipe))
        out.append(buf, n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(DaemonCommandLine, VersionHelpAndBadOptions) {
    const auto [version_code, version] = run_nanoclawd("--version");
    EXPECT_EQ(version_code, 0);
    EXPECT_EQ(version.rfind("nanoclawd ", 0), 0u) << version;
    EXPECT_NE(version.find("compatible)"), std::string::npos) << version;
    const auto [help_code, help] = run_nanoclawd("--help");
    EXPECT_EQ(help_code, 0);
    EXPECT_NE(help.find("--root DIR"), std::string::npos) << help;
    const auto [bad_code, bad] = run_nanoclawd("--bogus");
    EXPECT_EQ(bad_code, 2);
    EXPECT_EQ(bad.rfind("nanoclawd: unknown option --bogus\n", 0), 0u) << bad;
    EXPECT_NE(bad.find("Usage: nanoclawd"), std::string::npos) << bad;
    const auto [missing_code, missing] = run_nanoclawd("--root");
    EXPECT_EQ(missing_code, 2);
    EXPECT_NE(missing.find("--root needs a directory"), std::string::npos) << missing;
}

TEST_F(DaemonTest, MessageToMainGetsTheAgentsReply) {
    auto& d = start();
    ChatClient c(d.socket());
    c.say("main", "hello there");
    auto reply = c.next_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("hello there"), std::string::npos);
    EXPECT_NE(reply->find("<messages>"), std::string::npos); // the v1 prompt reached the agent
    ASSERT_EQ(d.runs().size(), 1u);
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(DaemonTest, OpenSslIsNotLoadedUntilATlsConnectionNeedsIt) {
    // The proxy's first https request loads it (src/net/openssl_lazy.cpp); a daemon that has
    // only started and answered a message through the fake runtime never mapped it.
    auto& d = start();
    ChatClient c(d.socket());
    c.say("main", "hello");
    ASSERT_TRUE(c.next_reply(10s));
    std::ifstream maps("/proc/" + std::to_string(d.pid()) + "/maps");
    ASSERT_TRUE(maps.good());
    std::string line;
    int mappings = 0;
    while (std::getline(maps, line)) {
        ++mappings;
        EXPECT_EQ(line.find("libssl"), std::string::npos) << line;
        EXPECT_EQ(line.find("libcrypto"), std::string::npos) << line;
    }
    EXPECT_GT(mappings, 5);
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(DaemonTest, OrphansOfAnEarlierDaemonAreStoppedBeforeTheFirstRun) {
    // A container an earlier daemon left running: a process the fake's `stop` reaches through
    // its pid file.
    const pid_t orphan = ::fork();
    ASSERT_GE(orphan, 0);
    if (orphan == 0) {
        ::execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    dir_.write("runtime-state/nanoclaw-old-1.pid", std::to_string(orphan));
    auto& d = start({{"FAKE_RUNTIME_PS", "nanoclaw-old-1,unrelated"}});
    ChatClient c(d.socket());
    c.say("main", "hello");
    ASSERT_TRUE(c.next_reply(10s));
    int status = 0;
    ASSERT_EQ(::waitpid(orphan, &status, 0), orphan);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    std::vector<std::string> order;
    for (const auto& argv : d.commands())
        order.push_back(argv.front() == "stop" ? "stop " + argv.back() : argv.front());
    EXPECT_EQ(order, (std::vector<std::string>{"info", "ps", "stop nanoclaw-old-1", "run"}));
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(DaemonTest, NonMainGroupAnswersOnlyWhenTriggered) {
    auto& d = start();
    register_team("team", "team");
    ChatClient c(d.socket());
    c.say("team", "just chatting");
    EXPECT_FALSE(c.next_reply(1500ms));
    EXPECT_TRUE(d.runs().empty());
    c.say("team", "@Andy what did I say?");
    auto reply = c.next_reply(10s);
    ASSERT_TRUE(reply);
    // The earlier, non-triggering message is part of the prompt as context.
    EXPECT_NE(reply->find("just chatting"), std::string::npos);
    EXPECT_NE(reply->find("what did I say?"), std::string::npos);
}

TEST_F(DaemonTest, FollowUpIsPipedIntoTheRunningContainer) {
    auto& d = start({{"FAKE_RUNTIME_MODE", "ipc"}});
    ChatClient c(d.socket());
    c.say("main", "first");
    ASSERT_TRUE(c.next_reply(10s));
    c.say("main", "second");
    auto reply = c.next_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("second"), std::string::npos);
    EXPECT_EQ(d.runs().size(), 1u); // same container
    EXPECT_EQ(d.terminate(), 0);    // _close ends the container within the grace period
}

bool has_arg(const std::vector<std::string>& argv, const std::string& arg) {
    return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

// Issue 21: after a successful run the daemon keeps one container of the group started; the
// group's next message is answered by it, without a new `run`. After a failed run it keeps none.
TEST_F(DaemonTest, TheNextMessageIsAnsweredByTheWarmContainerStartedAfterASuccess) {
    auto& d = start({{"WARM_POOL_SIZE", "1"}});
    ChatClient c(d.socket());
    c.say("main", "first");
    ASSERT_TRUE(c.next_reply(10s));
    ASSERT_TRUE(eventually([&] {
        return d.log().find("Warm container ready: group=") != std::string::npos;
    })) << "no warm container after a successful run";
    c.say("main", "second");
    const auto reply = c.next_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("second"), std::string::npos);
    const auto runs = d.runs();
    ASSERT_EQ(runs.size(), 2u) << "the second message took the warm container";
    EXPECT_FALSE(has_arg(runs[0], "NANOCLAW_WARM=1"));
    EXPECT_TRUE(has_arg(runs[1], "NANOCLAW_WARM=1"));
    EXPECT_NE(d.log().find("Warm container taken: group="), std::string::npos);
    const auto count = [&](const std::string& what) {
        const auto log = d.log();
        std::size_t n = 0;
        for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
        return n;
    };
    ASSERT_TRUE(eventually([&] { return count("Warm container ready: group=") == 2; }))
        << "the pool refills after the warm container's own successful run";
    EXPECT_EQ(d.terminate(), 0) << "the refilled warm container is dismissed at SIGTERM";
    EXPECT_NE(d.log().find("(the daemon is stopping)"), std::string::npos) << d.log();
}

TEST_F(DaemonTest, HotGroupsAreWarmBeforeTheirFirstMessage) {
    auto& d = start({{"WARM_POOL_SIZE", "2"}, {"WARM_POOL_GROUPS", "main,nosuchgroup"}});
    ASSERT_TRUE(eventually([&] {
        return d.log().find("Warm container ready: group=") != std::string::npos;
    })) << "main is hot: warm from start-up";
    EXPECT_NE(d.log().find("WARM_POOL_GROUPS names nosuchgroup, which no registered group"),
              std::string::npos);
    ChatClient c(d.socket());
    c.say("main", "first message");
    ASSERT_TRUE(c.next_reply(10s));
    const auto runs = d.runs();
    ASSERT_EQ(runs.size(), 1u) << "even the first message found its container started";
    EXPECT_TRUE(has_arg(runs[0], "NANOCLAW_WARM=1"));
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(DaemonTest, NoWarmContainerAfterAFailedRunOrWithThePoolOff) {
    {
        auto& d = start({{"WARM_POOL_SIZE", "1"}, {"FAKE_RUNTIME_MODE", "exit"},
                         {"FAKE_RUNTIME_EXIT_CODE", "78"}});
        ChatClient c(d.socket());
        c.say("main", "this run fails");
        ASSERT_TRUE(eventually([&] { return !d.runs().empty(); }));
        ASSERT_TRUE(eventually(
            [&] { return d.log().find("agent run failed") != std::string::npos; }));
        std::this_thread::sleep_for(300ms);
        EXPECT_EQ(d.log().find("Warm container started"), std::string::npos) << d.log();
        EXPECT_EQ(d.terminate(), 0);
    }
    auto& d = start({{"WARM_POOL_SIZE", "0"}});
    ChatClient c(d.socket());
    c.say("main", "hello");
    ASSERT_TRUE(c.next_reply(10s));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(d.log().find("Warm container started"), std::string::npos) << d.log();
    EXPECT_EQ(d.terminate(), 0);
}

TEST_F(DaemonTest, IpcMessagesRespectGroupBoundaries) {
    auto& d = start();
    register_team("team", "team");
    ChatClient main_chat(d.socket()), team_chat(d.socket());
    main_chat.subscribe("main");
    team_chat.subscribe("team");
    std::this_thread::sleep_for(100ms); // let the subscriptions land
    write_ipc_request(
        d.root(), "team", "messages", "1-a.json",
        json{{"type", "message"}, {"chatJid", "local:main"}, {"text", "spoofed"}}.dump());
    write_ipc_request(
        d.root(), "main", "messages", "2-b.json",
        json{{"type", "message"}, {"chatJid", "local:team"}, {"text", "from main"}}.dump());
    auto to_team = team_chat.next_reply(5s);
    ASSERT_TRUE(to_team);
    EXPECT_EQ(*to_team, "from main");
    EXPECT_FALSE(main_chat.next_reply(500ms));
    EXPECT_TRUE(eventually(
        [&] { return !std::filesystem::exists(d.root() / "data/ipc/team/messages/1-a.json"); }));
}

TEST_F(DaemonTest, MalformedIpcFilesLandInErrors) {
    auto& d = start();
    write_ipc_request(d.root(), "main", "tasks", "1-bad.json", "{not json");
    EXPECT_TRUE(eventually(
        [&] { return std::filesystem::exists(d.root() / "data/ipc/errors/main-1-bad.json"); }));
    EXPECT_TRUE(d.runs().empty());
}

TEST_F(DaemonTest, ScheduledTaskFiresAtItsTime) {
    auto& d = start();
    ChatClient c(d.socket());
    c.subscribe("main");
    write_ipc_request(d.root(), "main", "tasks", "1-task.json",
                      json{{"type", "schedule_task"},
                           {"prompt", "daily digest"},
                           {"schedule_type", "once"},
                           {"schedule_value", now_plus(1500ms)},
                           {"targetJid", "local:main"},
                           {"taskId", "task-digest"}}
                          .dump());
    auto reply = c.next_reply(15s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(*reply, "echo: daily digest");
    SQLite::Database db((d.root() / "store/messages.db").string(), SQLite::OPEN_READWRITE);
    EXPECT_TRUE(eventually([&] {
        SQLite::Statement q(db, "SELECT status FROM scheduled_tasks WHERE id = 'task-digest'");
        return q.executeStep() && q.getColumn(0).getString() == "completed";
    }));
}

TEST_F(DaemonTest, SigtermExitsZeroQuickly) {
    auto& d = start();
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(d.terminate(), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
}

TEST_F(DaemonTest, SecondDaemonOnTheSameRootIsRefusedAndDisturbsNothing) {
    auto& first = start();
    // The first daemon's own runtime commands: `info`, then the orphan listing (`ps`) it runs
    // once it serves; only after that is a count before/after the second daemon meaningful.
    ASSERT_TRUE(eventually([&] {
        for (const auto& c : first.commands())
            if (!c.empty() && c[0] == "ps") return true;
        return false;
    }));
    const auto commands_before = first.commands().size();
    EXPECT_EQ(TempDir::read(dir_.path() / "data/nanoclawd.pid"), std::to_string(first.pid()) + "\n");
    DaemonProcess second(dir_.path());
    EXPECT_THROW(second.start(), std::runtime_error);
    EXPECT_NE(second.log().find("another nanoclawd (PID " + std::to_string(first.pid()) + ") is already running"),
              std::string::npos)
        << second.log();
    // Refused before the runtime was asked anything: no `ps`, so no orphan cleanup of our containers.
    EXPECT_EQ(first.commands().size(), commands_before);
    ChatClient client(first.socket());
    client.say("main", "still there?");
    EXPECT_TRUE(client.next_reply(10s)) << "the first daemon stopped serving";
    ASSERT_EQ(first.terminate(), 0);
    EXPECT_EQ(TempDir::read(dir_.path() / "data/nanoclawd.pid"), "") << "a stopped daemon names no PID";
}

TEST_F(DaemonTest, EmptyRootGetsV1Schema) {
    auto& d = start();
    ASSERT_EQ(d.terminate(), 0);
    SQLite::Database db((d.root() / "store/messages.db").string(), SQLite::OPEN_READWRITE);
    // Same rendering as the store's fixture (tests/fixtures/store/v1_fresh_schema.txt).
    SQLite::Statement q(db,
                        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
    std::string actual;
    while (q.executeStep()) {
        const auto sql = q.getColumn(3);
        actual += q.getColumn(0).getString() + "|" + q.getColumn(1).getString() + "|" +
                  q.getColumn(2).getString() + "|" + (sql.isNull() ? "NULL" : sql.getString()) +
                  "\n--\n";
    }
    std::ifstream f(std::filesystem::path(NANOCLAW_SOURCE_DIR) /
                    "tests/fixtures/store/v1_fresh_schema.txt");
    std::stringstream expected;
    expected << f.rdbuf();
    EXPECT_EQ(actual, expected.str());
}

TEST_F(DaemonTest, GarbageDatabaseIsFatalAndUntouched) {
    std::filesystem::create_directories(dir_.path() / "store");
    const std::string garbage(4096, 'x');
    dir_.write("store/messages.db", garbage);
    DaemonProcess d(dir_.path());
    EXPECT_THROW(d.start(), std::runtime_error);
    EXPECT_EQ(TempDir::read(dir_.path() / "store/messages.db"), garbage);
    EXPECT_NE(d.log().find("messages.db"), std::string::npos);
}

TEST_F(DaemonTest, UnreachableRuntimeIsFatalWithTheBanner) {
    DaemonProcess d(dir_.path(), {{"FAKE_RUNTIME_INFO", "fail"}});
    EXPECT_THROW(d.start(), std::runtime_error);
    EXPECT_NE(d.log().find("container runtime failed to start"), std::string::npos) << d.log();
    EXPECT_NE(d.log().find("Cannot connect to the Docker daemon"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(d.socket())); // never served
}

TEST_F(DaemonTest, BrokenDatabaseIsReportedBeforeAnUnreachableRuntime) {
    // The runtime check overlaps the database open; the database error still wins.
    std::filesystem::create_directories(dir_.path() / "store");
    dir_.write("store/messages.db", std::string(4096, 'x'));
    DaemonProcess d(dir_.path(), {{"FAKE_RUNTIME_INFO", "fail"}});
    EXPECT_THROW(d.start(), std::runtime_error);
    EXPECT_NE(d.log().find("messages.db"), std::string::npos) << d.log();
    EXPECT_EQ(d.log().find("container runtime failed to start"), std::string::npos) << d.log();
}

} // namespace
} // namespace nanoclaw::testing
