// SPDX-License-Identifier: MIT
// The start-up check and orphan cleanup against the fake runtime.
#include "nanoclaw/container/runtime.hpp"

#include <functional>
#include <optional>
#include <stdexcept>

#include <gmock/gmock.h>

#include "harness.hpp"
#include "nanoclaw/core/errors.hpp"

namespace nanoclaw::container::itest {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

using RuntimeIntegrationTest = RunnerFixture;

std::vector<std::vector<std::string>> argvs(const std::vector<nlohmann::json>& records) {
    std::vector<std::vector<std::string>> out;
    for (const auto& r : records)
        out.push_back(r["argv"].get<std::vector<std::string>>());
    return out;
}

TEST_F(RuntimeIntegrationTest, InfoSuccessDoesNothingElse) {
    Runtime(config_, settings_).ensure_running();
    EXPECT_THAT(argvs(records()), ElementsAre(ElementsAre("info")));
}

TEST_F(RuntimeIntegrationTest, InfoFailureIsFatalWithTheReferenceMessage) {
    fake_env("FAKE_RUNTIME_INFO", "fail");
    try {
        Runtime(config_, settings_).ensure_running();
        FAIL() << "no exception";
    } catch (const core::FatalError& e) {
        EXPECT_STREQ(e.what(), "Container runtime is required but failed to start");
    }
}

TEST_F(RuntimeIntegrationTest, InfoHangIsAbandonedAtTheTimeout) {
    fake_env("FAKE_RUNTIME_INFO", "hang");
    settings_.info_timeout = 300ms;
    EXPECT_THROW(Runtime(config_, settings_).ensure_running(), core::FatalError);
}

TEST_F(RuntimeIntegrationTest, MissingBinaryIsFatal) {
    config_.container_runtime_bin = "no-such-runtime-binary-on-path";
    EXPECT_THROW(Runtime(config_, settings_).ensure_running(), core::FatalError);
}

TEST_F(RuntimeIntegrationTest, OrphansAreStoppedOneByOneSkippingHostnameAndForeignNames) {
    settings_.hostname = "nanoclaw-docker-sandbox";
    fake_env("FAKE_RUNTIME_STOP_WAIT_MS", "0");
    fake_env("FAKE_RUNTIME_PS", "nanoclaw-group1-111,my-nanoclaw-db,nanoclaw-docker-sandbox,"
                                "nanoclaw-group2-222");
    const auto stopped = Runtime(config_, settings_).cleanup_orphans();
    EXPECT_THAT(stopped, ElementsAre("nanoclaw-group1-111", "nanoclaw-group2-222"));
    EXPECT_THAT(
        argvs(records()),
        ElementsAre(ElementsAre("ps", "--filter", "name=nanoclaw-", "--format", "{{.Names}}"),
                    ElementsAre("stop", "-t", "1", "nanoclaw-group1-111"),
                    ElementsAre("stop", "-t", "1", "nanoclaw-group2-222")));
}

TEST_F(RuntimeIntegrationTest, NoOrphansMeansOnlyTheListing) {
    EXPECT_TRUE(Runtime(config_, settings_).cleanup_orphans().empty());
    EXPECT_EQ(records().size(), 1u);
}

TEST_F(RuntimeIntegrationTest, ListingFailureIsAWarningNotAnError) {
    fake_env("FAKE_RUNTIME_PS_FAIL", "1");
    EXPECT_NO_THROW(EXPECT_TRUE(Runtime(config_, settings_).cleanup_orphans().empty()));
}

TEST_F(RuntimeIntegrationTest, FailedStopDoesNotPreventTheNextOne) {
    // Neither container has a pid file, so every stop fails ("already stopped").
    fake_env("FAKE_RUNTIME_STOP_WAIT_MS", "0");
    fake_env("FAKE_RUNTIME_PS", "nanoclaw-a-1,nanoclaw-b-2");
    EXPECT_THAT(Runtime(config_, settings_).cleanup_orphans(),
                ElementsAre("nanoclaw-a-1", "nanoclaw-b-2"));
    EXPECT_EQ(records().size(), 3u);
}

TEST_F(RuntimeIntegrationTest, StartedCheckRunsOnlyInfoAndReportsSuccess) {
    auto check = Runtime(config_, settings_).start_check();
    EXPECT_EQ(check.finish(), std::nullopt);
    EXPECT_THAT(argvs(records()), ElementsAre(ElementsAre("info")));
}

TEST_F(RuntimeIntegrationTest, StartedCheckOutlivesTheRuntimeThatStartedIt) {
    std::optional<RuntimeCheck> check;
    {
        const Runtime runtime(config_, settings_);
        check.emplace(runtime.start_check());
    }
    EXPECT_EQ(check->finish(), std::nullopt);
}

TEST_F(RuntimeIntegrationTest, StartedCheckReportsAFailingInfo) {
    fake_env("FAKE_RUNTIME_INFO", "fail");
    const auto failure = Runtime(config_, settings_).start_check().finish();
    ASSERT_TRUE(failure.has_value());
    EXPECT_NE(failure->find("exit code 1"), std::string::npos) << *failure;
    EXPECT_NE(failure->find("Cannot connect to the Docker daemon"), std::string::npos) << *failure;
}

TEST_F(RuntimeIntegrationTest, StartedCheckGivesUpOnAHangingInfo) {
    fake_env("FAKE_RUNTIME_INFO", "hang");
    settings_.info_timeout = 300ms;
    const auto failure = Runtime(config_, settings_).start_check().finish();
    ASSERT_TRUE(failure.has_value());
    EXPECT_NE(failure->find("no answer within 300 ms"), std::string::npos) << *failure;
}

TEST_F(RuntimeIntegrationTest, StartedCheckCollectedTwiceIsAProgrammingError) {
    auto check = Runtime(config_, settings_).start_check();
    EXPECT_EQ(check.finish(), std::nullopt);
    EXPECT_THROW(check.finish(), std::logic_error);
}

TEST_F(RuntimeIntegrationTest, StartedCheckNeverCollectedIsStillWaitedFor) {
    // Start-up failing elsewhere (a broken database) drops the check: no zombie, no hang.
    { auto check = Runtime(config_, settings_).start_check(); }
    EXPECT_THAT(argvs(records()), ElementsAre(ElementsAre("info")));
}

TEST_F(RuntimeIntegrationTest, AsyncCleanupStopsOrphansWithoutBlockingTheLoop) {
    fake_env("FAKE_RUNTIME_STOP_WAIT_MS", "0");
    fake_env("FAKE_RUNTIME_PS", "nanoclaw-a-1,other,nanoclaw-b-2");
    const Runtime runtime(config_, settings_);
    int ticks = 0;
    bool done = false;
    // A timer ticking on the same loop keeps firing while the runtime CLI works.
    std::function<void()> tick;
    asio::steady_timer timer(io_);
    tick = [&] {
        timer.expires_after(1ms);
        timer.async_wait([&](const boost::system::error_code& ec) {
            if (ec || done) return;
            ++ticks;
            tick();
        });
    };
    tick();
    // Parameters, not captures: a coroutine lambda's captures die with the temporary closure.
    const auto stopped =
        run_to_completion(io_,
                          [](const Runtime& rt, asio::io_context& io, asio::steady_timer& ticker,
                             bool& finished) -> awaitable<std::vector<std::string>> {
                              auto names = co_await rt.cleanup_orphans_async(io);
                              finished = true;
                              ticker.cancel();
                              co_return names;
                          }(runtime, io_, timer, done));
    EXPECT_THAT(stopped, ElementsAre("nanoclaw-a-1", "nanoclaw-b-2"));
    EXPECT_GT(ticks, 0);
    EXPECT_THAT(argvs(records()), ElementsAre(ElementsAre("ps", "--filter", "name=nanoclaw-",
                                                          "--format", "{{.Names}}"),
                                              ElementsAre("stop", "-t", "1", "nanoclaw-a-1"),
                                              ElementsAre("stop", "-t", "1", "nanoclaw-b-2")));
}

} // namespace
} // namespace nanoclaw::container::itest
