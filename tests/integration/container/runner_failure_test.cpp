// SPDX-License-Identifier: MIT
// Failure paths against the fake runtime: hangs, crashes, floods, timeouts, bad callbacks.
#include <gmock/gmock.h>

#include "harness.hpp"
#include "nanoclaw/core/group_folder.hpp"

namespace nanoclaw::container::itest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using RunnerFailureTest = RunnerFixture;

bool recorded(const std::vector<nlohmann::json>& records, const std::string& cmd) {
    for (const auto& r : records) {
        if (r["argv"][0] == cmd) return true;
    }
    return false;
}

std::string script(const nlohmann::json& steps) { return steps.dump(); }

TEST_F(RunnerFailureTest, HangWithoutOutputTimesOutAndStopsTheContainer) {
    fake_env("FAKE_RUNTIME_MODE", "hang");
    config_.container_timeout = 300ms;
    std::vector<ContainerOutput> outputs;
    const auto out = run(group("g1"), input("g1", "x"), &outputs);
    EXPECT_EQ(out.status, OutputStatus::error);
    EXPECT_EQ(out.error, "Container timed out after 300ms");
    EXPECT_TRUE(outputs.empty());
    const auto all = records();
    ASSERT_TRUE(recorded(all, "stop"));
    for (const auto& r : all) {
        if (r["argv"][0] == "stop") {
            EXPECT_EQ(r["argv"][1], "-t");
        }
    }
    std::vector<fs::path> logs;
    for (const auto& e : fs::directory_iterator(root_ / "groups/g1/logs")) logs.push_back(e.path());
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_THAT(nanoclaw::testing::TempDir::read(logs[0]),
                StartsWith("=== Container Run Log (TIMEOUT) ===\n"));
}

TEST_F(RunnerFailureTest, TimeoutAfterOutputIsIdleCleanupSuccess) {
    fake_env("FAKE_RUNTIME_MODE", "script");
    fake_env("FAKE_RUNTIME_SCRIPT",
             script({{{"marker", {{"status", "success"}, {"result", "Here is my response"},
                                  {"newSessionId", "session-123"}}}},
                     {{"hang", true}}}));
    config_.container_timeout = 300ms;
    std::vector<ContainerOutput> outputs;
    const auto out = run(group("g1"), input("g1", "x"), &outputs);
    EXPECT_EQ(out, (ContainerOutput{OutputStatus::success, std::nullopt, "session-123",
                                    std::nullopt, std::nullopt}));
    ASSERT_EQ(outputs.size(), 1u);
    EXPECT_EQ(outputs[0].result, "Here is my response");
}

TEST_F(RunnerFailureTest, GraceRuleUsesIdleTimeoutWhenConfiguredTimeoutIsShorter) {
    fake_env("FAKE_RUNTIME_MODE", "hang");
    auto g = group("g1");
    g.container_config = core::ContainerConfig{{}, 50};
    config_.idle_timeout = 250ms;
    const auto started = std::chrono::steady_clock::now();
    const auto out = run(g, input("g1", "x"));
    EXPECT_EQ(out.error, "Container timed out after 50ms");
    EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);
}

TEST_F(RunnerFailureTest, EachRecordRestartsTheHardTimeout) {
    fake_env("FAKE_RUNTIME_MODE", "slow");
    fake_env("FAKE_RUNTIME_COUNT", "10");
    fake_env("FAKE_RUNTIME_SLOW_MS", "300");
    config_.container_timeout = 2500ms; // the run lasts > 3 s: only the resets keep it alive
    std::vector<ContainerOutput> outputs;
    const auto out = run(group("g1"), input("g1", "x"), &outputs);
    EXPECT_EQ(out.status, OutputStatus::success) << out.error.value_or("");
    EXPECT_EQ(outputs.size(), 10u);
    EXPECT_FALSE(recorded(records(), "stop"));
}

TEST_F(RunnerFailureTest, StderrDoesNotRestartTheHardTimeout) {
    nlohmann::json steps = nlohmann::json::array();
    for (int i = 0; i < 40; ++i) {
        steps.push_back({{"stderr", "debug line\n"}});
        steps.push_back({{"sleep_ms", 50}});
    }
    fake_env("FAKE_RUNTIME_MODE", "script");
    fake_env("FAKE_RUNTIME_SCRIPT", script(steps));
    config_.container_timeout = 400ms;
    const auto out = run(group("g1"), input("g1", "x"));
    EXPECT_EQ(out.error, "Container timed out after 400ms");
}

TEST_F(RunnerFailureTest, FailedStopFallsBackToKill) {
    fake_env("FAKE_RUNTIME_MODE", "hang");
    fake_env("FAKE_RUNTIME_STOP_FAIL", "1");
    config_.container_timeout = 200ms;
    const auto out = run(group("g1"), input("g1", "x"));
    EXPECT_EQ(out.status, OutputStatus::error);
    EXPECT_TRUE(recorded(records(), "stop"));
    EXPECT_TRUE(recorded(records(), "kill"));
}

TEST_F(RunnerFailureTest, NonZeroExitReportsStderrTail) {
    fake_env("FAKE_RUNTIME_MODE", "exit");
    fake_env("FAKE_RUNTIME_EXIT_CODE", "1");
    fake_env("FAKE_RUNTIME_STDERR", std::string(500, 'x') + "BOOM");
    const auto out = run(group("g1"), input("g1", "x"));
    EXPECT_EQ(out.error, "Container exited with code 1: " + std::string(196, 'x') + "BOOM");
}

TEST_F(RunnerFailureTest, CrashMidOutputIsAnErrorWithoutPartialRecords) {
    fake_env("FAKE_RUNTIME_MODE", "crash");
    std::vector<ContainerOutput> outputs;
    const auto out = run(group("g1"), input("g1", "x"), &outputs);
    EXPECT_EQ(out.error, "Container exited with code null: ");
    EXPECT_TRUE(outputs.empty());
}

TEST_F(RunnerFailureTest, HundredMegabyteFloodIsCappedAndTheRecordStillArrives) {
    fake_env("FAKE_RUNTIME_MODE", "flood");
    settings_.verbose_run_logs = true;
    std::vector<ContainerOutput> outputs;
    const auto out = run(group("g1"), input("g1", "x"), &outputs);
    EXPECT_EQ(out.status, OutputStatus::success);
    ASSERT_EQ(outputs.size(), 1u);
    EXPECT_EQ(outputs[0].result, "after flood");
    std::vector<fs::path> logs;
    for (const auto& e : fs::directory_iterator(root_ / "groups/g1/logs")) logs.push_back(e.path());
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_LT(fs::file_size(logs[0]), 2u * 1024 * 1024);
    EXPECT_THAT(nanoclaw::testing::TempDir::read(logs[0]), HasSubstr("=== Stdout (TRUNCATED) ==="));
}

TEST_F(RunnerFailureTest, MissingBinaryIsASpawnErrorAndReleasesCredentials) {
    config_.container_runtime_bin = (tmp_.path() / "no-such-docker").string();
    auto out = run(group("g1"), input("g1", "x"));
    EXPECT_THAT(*out.error, StartsWith("Container spawn error: "));
    config_.container_runtime_bin = "no-such-runtime-binary-on-path";
    out = run(group("g1"), input("g1", "x"));
    EXPECT_THAT(*out.error, StartsWith("Container spawn error: "));
    EXPECT_EQ(credential_releases_, credential_requests_);
}

awaitable<void> throwing_then_counting(int* calls, ContainerOutput) {
    if (++*calls == 1) throw std::runtime_error("channel send failed");
    co_return;
}

TEST_F(RunnerFailureTest, ThrowingCallbackIsLoggedAndLaterRecordsStillArrive) {
    fake_env("FAKE_RUNTIME_MODE", "slow");
    fake_env("FAKE_RUNTIME_SLOW_MS", "1");
    int calls = 0;
    auto callback = [&calls](ContainerOutput o) { return throwing_then_counting(&calls, o); };
    const auto out =
        run_to_completion(io_, runner().run(group("g1"), input("g1", "x"), callback, {}));
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(out.status, OutputStatus::success);
}

struct Overlap {
    int active = 0;
    int max_active = 0;
    std::vector<std::string> order;
};

awaitable<void> slow_callback(Overlap* o, ContainerOutput out) {
    ++o->active;
    o->max_active = std::max(o->max_active, o->active);
    asio::steady_timer t(co_await asio::this_coro::executor, 50ms);
    co_await t.async_wait(use_awaitable);
    o->order.push_back(out.result.value_or(""));
    --o->active;
}

TEST_F(RunnerFailureTest, CallbacksRunOneAtATimeInOrderBeforeTheRunResolves) {
    fake_env("FAKE_RUNTIME_MODE", "slow");
    fake_env("FAKE_RUNTIME_SLOW_MS", "0");
    Overlap overlap;
    auto callback = [&overlap](ContainerOutput o) { return slow_callback(&overlap, o); };
    run_to_completion(io_, runner().run(group("g1"), input("g1", "x"), callback, {}));
    EXPECT_EQ(overlap.max_active, 1);
    EXPECT_THAT(overlap.order, ::testing::ElementsAre("slow 0", "slow 1", "slow 2"));
}

TEST_F(RunnerFailureTest, CredentialSourceFailureFailsTheRunWithoutSpawning) {
    MountSecurity security("/nonexistent", "/", "/");
    ContainerRunner failing(io_, config_, settings_,
                            [](const std::string&, Admission) -> RunCredentials {
                                throw std::runtime_error("proxy down");
                            },
                            security, clock_);
    const auto out = run_to_completion(io_, failing.run(group("g1"), input("g1", "x"), {}, {}));
    EXPECT_THAT(*out.error, HasSubstr("proxy down"));
    EXPECT_TRUE(records().empty());
}

TEST_F(RunnerFailureTest, InvalidFolderThrowsBeforeAnythingRuns) {
    EXPECT_THROW(run(group("../etc"), input("../etc", "x")), core::InvalidGroupFolder);
    EXPECT_TRUE(records().empty());
    EXPECT_EQ(credential_requests_, 0);
}

awaitable<void> stop_when_started(ContainerRunner* runner, std::string* name, bool* stopped) {
    asio::steady_timer t(co_await asio::this_coro::executor);
    while (name->empty()) {
        t.expires_after(10ms);
        co_await t.async_wait(use_awaitable);
    }
    *stopped = co_await runner->stop_container(*name);
}

awaitable<ContainerOutput> run_pair(ContainerRunner* runner, core::RegisteredGroup hang_group,
                                    ContainerInput in, std::string* name, bool* stopped) {
    auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(ex, stop_when_started(runner, name, stopped), asio::detached);
    RunHooks hooks{[name](const std::string& n) { *name = n; }};
    co_return co_await runner->run(hang_group, in, {}, hooks);
}

TEST_F(RunnerFailureTest, StartedHookNamesTheContainerAndStopContainerEndsTheRun) {
    fake_env("FAKE_RUNTIME_MODE", "hang");
    std::string name;
    bool stopped = false;
    const auto out = run_to_completion(
        io_, run_pair(&runner(), group("g1"), input("g1", "x"), &name, &stopped));
    EXPECT_TRUE(stopped);
    EXPECT_THAT(name, StartsWith("nanoclaw-g1-"));
    EXPECT_EQ(out.error, "Container exited with code 137: ");
}

struct PairResult {
    ContainerOutput quick;
    std::optional<ContainerOutput> hanging;
    bool stopped = false;
};

// Starts a hanging run and a quick one in the same tick, so the second fork happens while the
// first run's stdin pipe is still open in the daemon. The quick run can only end if that pipe
// did not leak into the other child.
awaitable<void> concurrent_runs(ContainerRunner* runner, PairResult* result) {
    auto ex = co_await asio::this_coro::executor;
    auto name = std::make_shared<std::string>();
    RunHooks hooks{[name](const std::string& n) { *name = n; }};
    auto on_done = [result](std::exception_ptr, ContainerOutput o) { result->hanging = o; };
    asio::co_spawn(ex, runner->run(RunnerFixture::group("slowgroup"),
                                   RunnerFixture::input("slowgroup", "x"), {}, hooks),
                   on_done);
    result->quick =
        co_await runner->run(RunnerFixture::group("quick"), RunnerFixture::input("quick", "q"), {},
                             {});
    result->stopped = co_await runner->stop_container(*name);
}

TEST_F(RunnerFailureTest, ConcurrentRunsNeverInheritEachOthersStdin) {
    fake_env("FAKE_RUNTIME_MODE_slowgroup", "hang");
    config_.container_timeout = 60'000ms; // a leak would show as a timeout instead of a hang
    PairResult result;
    run_to_completion(io_, concurrent_runs(&runner(), &result));
    EXPECT_EQ(result.quick.status, OutputStatus::success) << result.quick.error.value_or("");
    EXPECT_TRUE(result.stopped);
    ASSERT_TRUE(result.hanging);
    EXPECT_EQ(result.hanging->error, "Container exited with code 137: ");
    EXPECT_FALSE(recorded(records(), "kill"));
}

} // namespace
} // namespace nanoclaw::container::itest
