// SPDX-License-Identifier: MIT
// kill -9 at arbitrary points between storing a message, running the agent, sending the reply
// and saving the cursor; after restarts every stored message must be answered, and none twice
// (except the documented window between a channel accepting a reply and the cursor write).
#include <gtest/gtest.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <random>
#include <thread>

#include "daemon_harness.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;

std::string g_last_store_error; // shown when a wait fails

bool stored(const std::filesystem::path& root, const std::string& token) {
    try {
        // Read-write like any WAL participant: a read-only connection cannot create the
        // shared-memory index and fails while the daemon has the database open.
        SQLite::Database db((root / "store/messages.db").string(), SQLite::OPEN_READWRITE);
        db.setBusyTimeout(1000);
        SQLite::Statement q(db, "SELECT 1 FROM messages WHERE content = ?");
        q.bind(1, token);
        return q.executeStep();
    } catch (const std::exception& e) {
        g_last_store_error = e.what();
        return false;
    }
}

void count_replies(const std::vector<std::string>& replies, std::map<std::string, int>& answered) {
    for (const auto& r : replies) {
        for (auto& [token, n] : answered) n += r.find(token + "<") != std::string::npos;
    }
}

TEST(CrashTest, KillNineAtAnyPointLosesAndDuplicatesNothing) {
    TempDir dir;
    // 15 in CI; NANOCLAW_CRASH_CYCLES=200 for the soak run reported in docs/benchmarks.md.
    const char* configured = std::getenv("NANOCLAW_CRASH_CYCLES");
    const int k_cycles = configured != nullptr ? std::max(1, std::atoi(configured)) : 15;
    std::mt19937 rng(12345);
    std::uniform_int_distribution<int> delay_ms(0, 120);
    std::map<std::string, int> answered;
    for (int i = 0; i < k_cycles; ++i) {
        DaemonProcess d(dir.path());
        d.start();
        ChatClient c(d.socket());
        const std::string token = "crash-msg-" + std::to_string(100 + i);
        answered[token] = 0;
        c.say("main", token);
        ASSERT_TRUE(eventually([&] { return stored(dir.path(), token); }, 10s))
            << "last store error: " << g_last_store_error << "\n" << d.log();
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        d.kill9();
        const auto replies = c.replies_for(200ms); // what reached the client before the crash
        if (std::getenv("NANOCLAW_CRASH_DEBUG") != nullptr) {
            for (const auto& r : replies) std::printf("cycle %d reply: %.200s\n", i, r.c_str());
        }
        count_replies(replies, answered);
    }
    // A final, undisturbed run answers whatever is still unanswered.
    DaemonProcess d(dir.path());
    d.start();
    ChatClient c(d.socket());
    c.subscribe("main");
    const auto all_answered = [&] {
        count_replies(c.replies_for(300ms), answered);
        for (auto& [t, n] : answered) {
            if (n == 0) return false;
        }
        return true;
    };
    EXPECT_TRUE(eventually(all_answered, 20s)) << d.log();
    int duplicates = 0;
    for (auto& [token, n] : answered) {
        EXPECT_GE(n, 1) << token << " was never answered";
        duplicates += n > 1 ? n - 1 : 0;
    }
    // The documented window is microseconds wide; random kills essentially never hit it.
    std::printf("crash cycles: %d, messages: %zu, duplicates: %d\n", k_cycles, answered.size(), duplicates);
    EXPECT_LE(duplicates, 1);
    EXPECT_EQ(d.terminate(), 0);
}

} // namespace
} // namespace nanoclaw::testing
