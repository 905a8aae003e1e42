// SPDX-License-Identifier: MIT
// The runner end to end against the recording fake runtime: argv, stdin, secrets, streaming.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <stdexcept>

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "nanoclaw/container/snapshots.hpp"
#include "nanoclaw/core/atomic_file.hpp"

namespace nanoclaw::container::itest {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

using RunnerIntegrationTest = RunnerFixture;

std::vector<std::string> argv_of(const nlohmann::json& record) {
    return record["argv"].get<std::vector<std::string>>();
}

TEST_F(RunnerIntegrationTest, NonMainArgvMatchesSpecElementByElement) {
    fs::create_directories(config_.groups_dir / "global");
    const auto out = run(group("telegram_dev-team"), input("telegram_dev-team", "Hello"));
    EXPECT_EQ(out.status, OutputStatus::success);
    const auto runs = run_records();
    ASSERT_EQ(runs.size(), 1u);
    const auto argv = argv_of(runs[0]);
    ASSERT_GT(argv.size(), 5u);
    EXPECT_THAT(argv[4], MatchesRegex("nanoclaw-telegram-dev-team-[0-9]{13}"));
    const auto r = [&](const std::string& rel) { return (root_ / rel).string(); };
    const std::vector<std::string> expected = {
        "run",
        "-i",
        "--rm",
        "--name",
        argv[4],
        "-e",
        "TZ=America/Los_Angeles",
        "-e",
        "ANTHROPIC_BASE_URL=" + base_url_,
        "-e",
        "ANTHROPIC_API_KEY=placeholder",
        "--add-host=host.docker.internal:host-gateway",
        "--user",
        "1001:1001",
        "-e",
        "HOME=/home/node",
        "-v",
        r("groups/telegram_dev-team") + ":/workspace/group",
        "-v",
        r("groups/global") + ":/workspace/global:ro",
        "-v",
        r("data/sessions/telegram_dev-team/.claude") + ":/home/node/.claude",
        "-v",
        r("data/ipc/telegram_dev-team") + ":/workspace/ipc",
        "-v",
        r("data/sessions/telegram_dev-team/agent-runner-src") + ":/app/src",
        "nanoclaw-agent:latest"};
    EXPECT_THAT(argv, ElementsAreArray(expected));
    EXPECT_EQ(runs[0]["stdin"], R"({"prompt":"Hello","groupFolder":"telegram_dev-team",)"
                                R"("chatJid":"telegram_dev-team@g.us","isMain":false,)"
                                R"("assistantName":"Andy"})");
}

TEST_F(RunnerIntegrationTest, MainArgvMatchesSpecWithOauthAndEnvShadow) {
    oauth_ = true;
    tmp_.write("root/.env", "CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat-real\n");
    run(group("main", true), input("main", "hi", true));
    const auto argv = argv_of(run_records().at(0));
    const auto r = [&](const std::string& rel) { return (root_ / rel).string(); };
    const std::vector<std::string> expected = {
        "run",
        "-i",
        "--rm",
        "--name",
        argv[4],
        "-e",
        "TZ=America/Los_Angeles",
        "-e",
        "ANTHROPIC_BASE_URL=" + base_url_,
        "-e",
        "CLAUDE_CODE_OAUTH_TOKEN=placeholder",
        "--add-host=host.docker.internal:host-gateway",
        "--user",
        "1001:1001",
        "-e",
        "HOME=/home/node",
        "-v",
        root_.string() + ":/workspace/project:ro",
        "-v",
        "/dev/null:/workspace/project/.env:ro",
        "-v",
        r("groups/main") + ":/workspace/group",
        "-v",
        r("data/sessions/main/.claude") + ":/home/node/.claude",
        "-v",
        r("data/ipc/main") + ":/workspace/ipc",
        "-v",
        r("data/sessions/main/agent-runner-src") + ":/app/src",
        "nanoclaw-agent:latest"};
    EXPECT_THAT(argv, ElementsAreArray(expected));
}

// Every file the container could read, honouring later mounts that shadow earlier ones.
std::vector<fs::path> visible_files(const std::vector<std::string>& argv) {
    std::vector<std::pair<std::string, std::string>> mounts; // container -> host
    for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
        if (argv[i] != "-v") continue;
        const auto spec = argv[i + 1];
        const auto colon = spec.find(':');
        auto container = spec.substr(colon + 1);
        container = container.substr(0, container.find(':'));
        mounts.emplace_back(container, spec.substr(0, colon));
    }
    std::vector<fs::path> files;
    for (std::size_t m = 0; m < mounts.size(); ++m) {
        const fs::path host = mounts[m].second;
        if (!fs::is_directory(host)) {
            files.push_back(host);
            continue;
        }
        for (const auto& e : fs::recursive_directory_iterator(host)) {
            if (!e.is_regular_file()) continue;
            const auto in_container =
                mounts[m].first + "/" + e.path().lexically_relative(host).generic_string();
            bool shadowed = false;
            for (std::size_t later = m + 1; later < mounts.size(); ++later) {
                const auto& c = mounts[later].first;
                if (in_container == c || in_container.starts_with(c + "/")) shadowed = true;
            }
            if (!shadowed) files.push_back(e.path());
        }
    }
    return files;
}

TEST_F(RunnerIntegrationTest, NoSecretFromEnvReachesArgvStdinEnvOrAnyMountedFile) {
    const std::string api_key = "sk-ant-api03-REAL-SECRET-abcdef";
    const std::string bot_token = "123456:TELEGRAM-SECRET-token";
    tmp_.write("root/.env", "ANTHROPIC_API_KEY=" + api_key + "\nTELEGRAM_BOT_TOKEN=" + bot_token);
    tmp_.write("root/store/auth/creds.json", "{\"wa\":\"WHATSAPP-SECRET-KEY\"}");
    settings_.verbose_run_logs = true;
    run(group("main", true), input("main", "hi", true));
    run(group("other"), input("other", "hi"));
    const auto runs = run_records();
    ASSERT_EQ(runs.size(), 2u);
    for (const auto& r : runs) {
        const auto dumped = r.dump();
        for (const auto& secret : {api_key, bot_token, std::string("WHATSAPP-SECRET-KEY")}) {
            EXPECT_THAT(dumped, Not(HasSubstr(secret))); // argv, stdin and the CLI's env
            for (const auto& file : visible_files(argv_of(r))) {
                if (file == "/dev/null") continue;
                EXPECT_THAT(nanoclaw::testing::TempDir::read(file), Not(HasSubstr(secret))) << file;
            }
        }
    }
}

TEST_F(RunnerIntegrationTest, StreamsRecordsAndResolvesWithTheSession) {
    fake_env("FAKE_RUNTIME_SESSION", "session-456");
    std::vector<ContainerOutput> outputs;
    const auto out = run(group("g1"), input("g1", "Hello"), &outputs);
    ASSERT_EQ(outputs.size(), 1u);
    EXPECT_EQ(outputs[0].result, "echo: Hello");
    EXPECT_EQ(out,
              (ContainerOutput{OutputStatus::success, std::nullopt, "session-456", std::nullopt, std::nullopt}));
    EXPECT_EQ(credential_requests_, 1);
    EXPECT_EQ(credential_releases_, 1);
}

TEST_F(RunnerIntegrationTest, ARunWaitsUntilItsPrerequisiteHasFinished) {
    using namespace std::chrono_literals;
    bool prerequisite_done = false;
    std::optional<bool> done_at_spawn;
    asio::steady_timer delay(io_);
    // Parameters, not captures: a coroutine lambda's captures die with the temporary closure.
    runner().run_after([](asio::steady_timer& timer, bool& done) -> awaitable<void> {
        timer.expires_after(150ms);
        co_await timer.async_wait(use_awaitable);
        done = true;
    }(delay, prerequisite_done));
    const auto out = run_to_completion(
        io_, runner().run(group("g1"), input("g1", "Hello"), {},
                          {[&](const std::string&) { done_at_spawn = prerequisite_done; }}));
    EXPECT_EQ(out.status, OutputStatus::success);
    ASSERT_TRUE(done_at_spawn.has_value());
    EXPECT_TRUE(*done_at_spawn) << "the runtime CLI was spawned before the prerequisite ended";
}

TEST_F(RunnerIntegrationTest, AFailedPrerequisiteStillLetsRunsGo) {
    runner().run_after([]() -> awaitable<void> {
        throw std::runtime_error("listing failed");
        co_return;
    }());
    EXPECT_EQ(run(group("g1"), input("g1", "Hello")).status, OutputStatus::success);
    EXPECT_EQ(run_records().size(), 1u);
}

TEST_F(RunnerIntegrationTest, TheRuntimeCliGetsOnlyStdioAndNoBlockedSignals) {
    // A descriptor this process leaves inheritable (no close-on-exec), at an unused number, and
    // a blocked signal: the daemon's sockets and signal mask must never reach the runtime CLI.
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(null_fd, 0);
    const int leaked = ::dup2(null_fd, 213);
    ::close(null_fd);
    ASSERT_EQ(leaked, 213);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    ::pthread_sigmask(SIG_BLOCK, &block, &old);
    fake_env("FAKE_RUNTIME_MODE", "fds");
    std::vector<ContainerOutput> outputs;
    run(group("g1"), input("g1", "x"), &outputs);
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    ::close(leaked);
    ASSERT_EQ(outputs.size(), 1u);
    ASSERT_TRUE(outputs[0].result);
    const auto seen = nlohmann::json::parse(*outputs[0].result);
    const auto fds = seen["fds"].get<std::vector<int>>();
    EXPECT_EQ(std::count(fds.begin(), fds.end(), 213), 0) << seen.dump();
    EXPECT_LE(fds.size(), 4u) << seen.dump(); // 0, 1, 2 and the listing's own descriptor
    EXPECT_EQ(seen["SigBlk"], "0000000000000000");
}

TEST_F(RunnerIntegrationTest, MarkersWrittenByteByByteGiveOneRecord) {
    fake_env("FAKE_RUNTIME_MODE", "split");
    std::vector<ContainerOutput> outputs;
    run(group("g1"), input("g1", "caf\xC3\xA9"), &outputs);
    ASSERT_EQ(outputs.size(), 1u);
    EXPECT_EQ(outputs[0].result, "split: caf\xC3\xA9");
}

TEST_F(RunnerIntegrationTest, LegacyModeReturnsTheFirstRecord) {
    fake_env("FAKE_RUNTIME_MODE", "slow");
    fake_env("FAKE_RUNTIME_SLOW_MS", "1");
    const auto out = run_to_completion(io_, runner().run(group("g1"), input("g1", "x"), {}, {}));
    EXPECT_EQ(out.result, "slow 0");
}

TEST_F(RunnerIntegrationTest, WritesARunLogNamedByTimestamp) {
    run(group("g1"), input("g1", "Hello"));
    std::vector<fs::path> logs;
    for (const auto& e : fs::directory_iterator(root_ / "groups/g1/logs"))
        logs.push_back(e.path());
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_THAT(logs[0].filename().string(),
                MatchesRegex("container-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}-"
                             "[0-9]{3}Z\\.log"));
    const auto text = nanoclaw::testing::TempDir::read(logs[0]);
    EXPECT_THAT(text, HasSubstr("Prompt length: 5 chars\nSession ID: new"));
    EXPECT_THAT(text, Not(HasSubstr("=== Container Args ===")));
}

TEST_F(RunnerIntegrationTest, RejectedExtraMountsAreDroppedAndTheRunProceeds) {
    const auto home = config_.home_dir;
    fs::create_directories(home / "projects/app");
    fs::create_directories(home / ".ssh");
    fs::create_directory_symlink("/etc", home / "projects/etc-link");
    fs::create_directory_symlink(home / ".ssh", home / "projects/keys");
    tmp_.write("home/.config/nanoclaw/mount-allowlist.json",
               R"({"allowedRoots":[{"path":"~/projects","allowReadWrite":true}],
                   "blockedPatterns":[],"nonMainReadOnly":true})");
    auto g = group("g1");
    g.container_config =
        core::ContainerConfig{{{"~/projects/etc-link", std::nullopt, std::nullopt},
                               {"~/projects/keys", std::nullopt, std::nullopt},
                               {"~/projects/app/../../.ssh", std::nullopt, std::nullopt},
                               {"~/projects/app", std::string("../escape"), std::nullopt},
                               {"~/projects/app", std::string("repo:rw"), false},
                               {"~/projects/app", std::string("code"), false}},
                              std::nullopt};
    const auto out = run(g, input("g1", "hi"));
    EXPECT_EQ(out.status, OutputStatus::success);
    const auto argv = argv_of(run_records().at(0));
    const auto last_mount = argv[argv.size() - 2];
    EXPECT_EQ(last_mount, (home / "projects/app").string() + ":/workspace/extra/code:ro");
    for (const auto& a : argv) {
        EXPECT_THAT(a, Not(HasSubstr("/etc")));
        EXPECT_THAT(a, Not(HasSubstr(".ssh")));
        EXPECT_THAT(a, Not(HasSubstr("escape")));
        EXPECT_THAT(a, Not(HasSubstr("repo")));
    }
}

awaitable<void> answer_follow_ups(std::filesystem::path input_dir, int* seen, ContainerOutput) {
    ++*seen;
    // The orchestrator's job, done here as it would: atomic temp + rename.
    const auto name = *seen == 1 ? std::string("1.json") : std::string("_close");
    const auto body = *seen == 1 ? std::string(R"({"type":"message","text":"follow-up"})") : "";
    core::replace_file(input_dir / name, body);
    co_return;
}

TEST_F(RunnerIntegrationTest, FollowUpIsPipedIntoTheRunningContainerAndCloseEndsIt) {
    fake_env("FAKE_RUNTIME_MODE", "ipc");
    int seen = 0;
    std::vector<std::string> results;
    const auto input_dir = root_ / "data/ipc/g1/input";
    auto callback = [&](ContainerOutput o) {
        results.push_back(o.result.value_or(""));
        return answer_follow_ups(input_dir, &seen, std::move(o));
    };
    const auto out =
        run_to_completion(io_, runner().run(group("g1"), input("g1", "first"), callback, {}));
    EXPECT_EQ(out.status, OutputStatus::success);
    EXPECT_THAT(results, ElementsAreArray({"echo: first", "echo: follow-up"}));
    EXPECT_FALSE(fs::exists(input_dir / "_close"));
}

} // namespace
} // namespace nanoclaw::container::itest
