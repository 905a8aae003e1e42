// SPDX-License-Identifier: MIT
#include "nanoclaw/ipc/ipc_watcher.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_deps.hpp"
#include "temp_dir.hpp"

using namespace nanoclaw;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

class IpcWatcherTest : public ::testing::Test {
protected:
    void SetUp() override {
        deps_.groups["main@g.us"] = {"Main", "main", "@Andy", "t", {}, {}, true};
        deps_.groups["fam@g.us"] = {"Fam", "fam", "@Andy", "t", {}, {}, {}};
    }
    std::unique_ptr<ipc::IpcWatcher> start() {
        auto w = std::make_unique<ipc::IpcWatcher>(
            io_, ipc::WatcherOptions{ipc_dir(), 1h, 1024}, deps_,
            [this](const std::string& f) { return f == "main"; });
        w->start();
        return w;
    }
    fs::path ipc_dir() const { return dir_.path() / "ipc"; }
    // Writes like the container does: *.json.tmp then rename.
    void request(const std::string& folder, const std::string& kind, const std::string& name,
                 const std::string& body) {
        const auto dir = ipc_dir() / folder / kind;
        fs::create_directories(dir);
        dir_.write("ipc/" + folder + "/" + kind + "/" + name + ".tmp", body);
        fs::rename(dir / (name + ".tmp"), dir / name);
    }
    static std::string msg(const std::string& jid, const std::string& text) {
        return nlohmann::json{{"type", "message"}, {"chatJid", jid}, {"text", text}}.dump();
    }
    // Runs the loop until `done` or a generous deadline (events arrive in microseconds).
    bool run_until(const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_for(5ms);
        }
        return done();
    }

    // Lets pending events be handled when a test asserts that nothing happens.
    void settle() {
        io_.restart();
        io_.run_for(150ms);
    }

    asio::io_context io_;
    nanoclaw::testing::TempDir dir_;
    nanoclaw::testing::FakeIpcDeps deps_;
};

TEST_F(IpcWatcherTest, ProcessesExistingFilesInNameOrderAndDeletesThem) {
    request("main", "messages", "1700000000002-b.json", msg("fam@g.us", "second"));
    request("main", "messages", "1700000000001-a.json", msg("fam@g.us", "first"));
    auto w = start();
    ASSERT_TRUE(run_until([&] { return deps_.sent.size() == 2; }));
    EXPECT_EQ(deps_.sent[0].second, "first");
    EXPECT_EQ(deps_.sent[1].second, "second");
    ASSERT_TRUE(run_until([&] { return fs::is_empty(ipc_dir() / "main" / "messages"); }));
}

TEST_F(IpcWatcherTest, PicksUpNewFilesThroughInotifyWithoutPolling) {
    auto w = start();
    settle(); // first scan only; safety scan is an hour away
    request("fam", "messages", "1-x.json", msg("fam@g.us", "hello"));
    ASSERT_TRUE(run_until([&] { return deps_.sent.size() == 1; }));
    request("fam", "tasks", "2-x.json",
            R"({"type":"schedule_task","prompt":"p","schedule_type":"interval","schedule_value":"1000","targetJid":"fam@g.us","taskId":"t1"})");
    ASSERT_TRUE(run_until([&] { return deps_.tasks.contains("t1"); }));
    EXPECT_EQ(w->files_handled(), 2u);
}

TEST_F(IpcWatcherTest, NewGroupFolderIsWatchedToo) {
    auto w = start();
    settle();
    fs::create_directories(ipc_dir() / "late" / "messages");
    settle();
    deps_.groups["late@g.us"] = {"Late", "late", "@Andy", "t", {}, {}, {}};
    request("late", "messages", "1-a.json", msg("late@g.us", "from late"));
    ASSERT_TRUE(run_until([&] { return deps_.sent.size() == 1; }));
}

TEST_F(IpcWatcherTest, InvalidJsonIsMovedToErrors) {
    request("fam", "messages", "1-bad.json", "{not json");
    auto w = start();
    ASSERT_TRUE(run_until([&] { return fs::exists(ipc_dir() / "errors" / "fam-1-bad.json"); }));
    EXPECT_TRUE(deps_.sent.empty());
    EXPECT_EQ(nanoclaw::testing::TempDir::read(ipc_dir() / "errors" / "fam-1-bad.json"), "{not json");
}

TEST_F(IpcWatcherTest, TempFilesAreIgnored) {
    dir_.write("ipc/fam/messages/1-a.json.tmp", msg("fam@g.us", "partial"));
    auto w = start();
    settle();
    EXPECT_TRUE(deps_.sent.empty());
    EXPECT_TRUE(fs::exists(ipc_dir() / "fam" / "messages" / "1-a.json.tmp"));
}

TEST_F(IpcWatcherTest, SymlinkedRequestIsNeverRead) {
    const auto secret = dir_.write("host-secret.json", msg("fam@g.us", "host file content"));
    fs::create_directories(ipc_dir() / "fam" / "messages");
    fs::create_symlink(secret, ipc_dir() / "fam" / "messages" / "1-link.json");
    auto w = start();
    ASSERT_TRUE(run_until([&] { return fs::exists(ipc_dir() / "errors" / "fam-1-link.json"); }));
    EXPECT_TRUE(deps_.sent.empty());
    EXPECT_TRUE(fs::exists(secret));
}

TEST_F(IpcWatcherTest, OversizeFileGoesToErrors) {
    request("fam", "messages", "1-big.json", msg("fam@g.us", std::string(4096, 'x')));
    auto w = start();
    ASSERT_TRUE(run_until([&] { return fs::exists(ipc_dir() / "errors" / "fam-1-big.json"); }));
    EXPECT_TRUE(deps_.sent.empty());
}

TEST_F(IpcWatcherTest, UnauthorizedRequestIsDeletedNotExecuted) {
    request("fam", "messages", "1-a.json", msg("main@g.us", "spoof"));
    auto w = start();
    ASSERT_TRUE(run_until([&] { return fs::is_empty(ipc_dir() / "fam" / "messages"); }));
    EXPECT_TRUE(deps_.sent.empty());
    EXPECT_FALSE(fs::exists(ipc_dir() / "errors" / "fam-1-a.json"));
}

TEST_F(IpcWatcherTest, MalformedFilesChangeNothingElse) {
    request("fam", "tasks", "1-a.json", R"({"type":"update_task","taskId":"x","prompt":7})");
    request("fam", "tasks", "2-b.json", "[1,2,3");
    request("fam", "tasks", "3-c.json", R"({"type":"schedule_task","prompt":5})");
    auto w = start();
    ASSERT_TRUE(run_until([&] { return fs::is_empty(ipc_dir() / "fam" / "tasks"); }));
    EXPECT_TRUE(deps_.tasks.empty());
    EXPECT_TRUE(fs::exists(ipc_dir() / "errors" / "fam-2-b.json"));
}

TEST_F(IpcWatcherTest, InvalidFolderDirectoryIsIgnored) {
    request("bad name", "messages", "1-a.json", msg("fam@g.us", "x"));
    auto w = start();
    settle();
    EXPECT_TRUE(deps_.sent.empty());
    EXPECT_TRUE(fs::exists(ipc_dir() / "bad name" / "messages" / "1-a.json"));
}

TEST_F(IpcWatcherTest, ChannelFailureMovesFileToErrors) {
    deps_.channel_jids = {"fam@g.us"};
    request("main", "messages", "1-a.json", msg("nochannel@x", "hi"));
    auto w = start();
    ASSERT_TRUE(run_until([&] { return fs::exists(ipc_dir() / "errors" / "main-1-a.json"); }));
}
