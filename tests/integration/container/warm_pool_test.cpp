// SPDX-License-Identifier: MIT
// The warm container pool (issue 21) against the fake runtime, whose warm mode mirrors the agent
// runner's: a message takes a ready container of its own group, with the proxy token dormant
// until then; anything that could make it differ from a cold start (session, runner source,
// image, TTL, its own death or output) means a cold start instead, never a wrong container.
#include <ctime>
#include <fstream>

#include "harness.hpp"

namespace nanoclaw::container::itest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class WarmPoolTest : public RunnerFixture {
protected:
    WarmPoolTest() {
        config_.warm_pool_size = 2;
        config_.warm_pool_ttl = 60s;
        events_ = root_ / "image-events.log";
        std::ofstream(events_).flush();
        fake_env("FAKE_RUNTIME_EVENTS_FILE", events_.string());
    }

    // Runs the io_context until `pred` holds; false after `limit`.
    template <typename Pred>
    bool drive_until(Pred pred, std::chrono::milliseconds limit = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!pred()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            io_.restart();
            io_.run_for(10ms);
        }
        return true;
    }

    bool warm_ready(const std::string& folder) {
        for (const auto& w : runner().warm_containers()) {
            if (w.group_folder == folder && w.ready) return true;
        }
        return false;
    }

    std::size_t warm_count() { return runner().warm_containers().size(); }

    ContainerInput header(const std::string& folder, std::optional<std::string> session) {
        auto h = input(folder, "", false);
        h.session_id = std::move(session);
        return h;
    }

    // One run driven on the shared io_context (the pool keeps timers pending, so the fixture's
    // run-to-completion would wait for the TTL).
    ContainerOutput run_now(const core::RegisteredGroup& g, const ContainerInput& in) {
        std::optional<ContainerOutput> result;
        asio::co_spawn(io_, runner().run(g, in, {}, {}),
                       [&](std::exception_ptr e, ContainerOutput out) {
                           if (e) std::rethrow_exception(e);
                           result = std::move(out);
                       });
        EXPECT_TRUE(drive_until([&] { return result.has_value(); }, 20s));
        return result.value_or(ContainerOutput{});
    }

    std::vector<nlohmann::json> stdin_docs() {
        std::vector<nlohmann::json> docs;
        for (const auto& r : run_records()) {
            auto text = r["stdin"].get<std::string>();
            docs.push_back(text.empty() ? nlohmann::json::object() : nlohmann::json::parse(text));
        }
        return docs;
    }

    static bool has_warm_flag(const nlohmann::json& record) {
        for (const auto& a : record["argv"]) {
            if (a == "NANOCLAW_WARM=1") return true;
        }
        return false;
    }

    fs::path events_;
};

TEST_F(WarmPoolTest, MessageTakesTheReadyWarmContainerWithItsTokenActivatedAtTheTake) {
    const auto g = group("family");
    runner().keep_warm(g, header("family", "sess-1"));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    ASSERT_EQ(admissions_, std::vector<Admission>{Admission::dormant});
    EXPECT_EQ(credential_activations_, 0) << "the token must stay dormant until a message comes";

    auto in = input("family", "hello");
    in.session_id = "sess-1";
    const auto out = run_now(g, in);
    EXPECT_EQ(out.status, OutputStatus::success);

    const auto runs = run_records();
    ASSERT_EQ(runs.size(), 1u) << "the warm container answered; nothing else was started";
    EXPECT_TRUE(has_warm_flag(runs[0]));
    const auto doc = stdin_docs()[0];
    EXPECT_EQ(doc["prompt"], "hello");
    EXPECT_EQ(doc["sessionId"], "sess-1");
    EXPECT_EQ(doc["groupFolder"], "family");
    EXPECT_EQ(doc["warm"], true);
    EXPECT_EQ(credential_activations_, 1);
    EXPECT_EQ(credential_releases_, 1) << "the token dies with the run";
    EXPECT_EQ(warm_count(), 0u);
}

// A container may wait far longer than CONTAINER_TIMEOUT for its message: the run's hard timeout
// counts from the take, not from the container's start.
TEST_F(WarmPoolTest, HardTimeoutCountsFromTheTakeNotFromTheWarmStart) {
    config_.container_timeout = 1500ms;
    fake_env("FAKE_RUNTIME_REPLY_DELAY_MS", "200");
    const auto g = group("family");
    runner().keep_warm(g, header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    drive_until([] { return false; }, 2500ms); // idle longer than the whole hard timeout
    const auto out = run_now(g, input("family", "late but fine"));
    EXPECT_EQ(out.status, OutputStatus::success) << out.error.value_or("");
    EXPECT_TRUE(has_warm_flag(run_records().at(0)));
    EXPECT_EQ(stdin_docs().at(0)["prompt"], "late but fine");
}

// A warm container whose token the proxy no longer admits would answer with 401s: the message
// gets a cold start instead, and the warm container is sent away.
TEST_F(WarmPoolTest, ATokenThatCannotBeActivatedMeansAColdStart) {
    const auto g = group("family");
    runner().keep_warm(g, header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    activation_succeeds_ = false;
    EXPECT_EQ(run_now(g, input("family", "hi")).status, OutputStatus::success);
    ASSERT_TRUE(drive_until([&] { return run_records().size() == 2; }));
    int cold = 0, dismissed = 0;
    const auto docs = stdin_docs();
    for (std::size_t i = 0; i < docs.size(); ++i) {
        if (!has_warm_flag(run_records()[i])) {
            ++cold;
            EXPECT_EQ(docs[i]["prompt"], "hi");
        } else {
            dismissed += docs[i].value("dismissed", false) ? 1 : 0;
        }
    }
    EXPECT_EQ(cold, 1);
    EXPECT_EQ(dismissed, 1);
    EXPECT_EQ(credential_activations_, 1);
    EXPECT_EQ(credential_releases_, 2);
}

TEST_F(WarmPoolTest, ScheduledTaskFlagTravelsWithTheTake) {
    const auto g = group("family");
    runner().keep_warm(g, header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    auto in = input("family", "daily digest");
    in.is_scheduled_task = true;
    run_now(g, in);
    const auto doc = stdin_docs().at(0);
    EXPECT_EQ(doc["isScheduledTask"], true);
    EXPECT_EQ(doc["prompt"], "daily digest");
    EXPECT_FALSE(doc.contains("sessionId"));
}

TEST_F(WarmPoolTest, AnotherSessionMeansAColdStartAndTheWarmOneIsDismissed) {
    const auto g = group("family");
    runner().keep_warm(g, header("family", "old-session"));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    auto in = input("family", "hi");
    in.session_id = "new-session";
    EXPECT_EQ(run_now(g, in).status, OutputStatus::success);
    ASSERT_TRUE(drive_until([&] { return run_records().size() == 2; }));
    const auto runs = run_records();
    const auto docs = stdin_docs();
    int cold = 0, dismissed = 0;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (!has_warm_flag(runs[i])) {
            ++cold;
            EXPECT_EQ(docs[i]["sessionId"], "new-session");
        } else {
            dismissed += docs[i].value("dismissed", false) ? 1 : 0;
        }
    }
    EXPECT_EQ(cold, 1);
    EXPECT_EQ(dismissed, 1) << "the stale container got EOF and left without answering";
    EXPECT_EQ(credential_activations_, 0);
    EXPECT_EQ(credential_releases_, 2);
}

TEST_F(WarmPoolTest, EditedRunnerSourceMakesTheWarmContainerStale) {
    const auto g = group("family");
    runner().keep_warm(g, header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    const auto src = config_.data_dir / "sessions" / "family" / "agent-runner-src";
    ASSERT_TRUE(fs::exists(src));
    std::ofstream(src / "index.ts", std::ios::app) << "\n// edited by the agent\n";
    run_now(g, input("family", "hi"));
    ASSERT_TRUE(drive_until([&] { return run_records().size() == 2; }));
    int cold = 0;
    for (const auto& r : run_records()) cold += has_warm_flag(r) ? 0 : 1;
    EXPECT_EQ(cold, 1);
    EXPECT_EQ(credential_activations_, 0);
}

// The agent reads its memory as it starts: after an edit, only a fresh start sees it.
TEST_F(WarmPoolTest, EditedMemoryFileMakesTheWarmContainerStale) {
    for (const auto& file : {fs::path("groups/family/CLAUDE.md"), fs::path("groups/global/CLAUDE.md")}) {
        const auto g = group("family");
        runner().keep_warm(g, header("family", std::nullopt));
        ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
        fs::create_directories((root_ / file).parent_path());
        std::ofstream(root_ / file, std::ios::app) << "\nremember: the user prefers short answers\n";
        const auto before = run_records().size();
        run_now(g, input("family", "hi"));
        ASSERT_TRUE(drive_until([&] { return run_records().size() == before + 2; })) << file;
        int cold = 0;
        for (std::size_t i = before; i < run_records().size(); ++i)
            cold += has_warm_flag(run_records()[i]) ? 0 : 1;
        EXPECT_EQ(cold, 1) << file;
    }
    EXPECT_EQ(credential_activations_, 0);
}

TEST_F(WarmPoolTest, NeverServesAnotherGroup) {
    runner().keep_warm(group("family"), header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    run_now(group("work"), input("work", "hi"));
    const auto docs = stdin_docs();
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0]["groupFolder"], "work");
    EXPECT_FALSE(has_warm_flag(run_records()[0]));
    EXPECT_TRUE(warm_ready("family")) << "family's container is still waiting for family";
}

TEST_F(WarmPoolTest, TtlDismissesAnIdleContainerAndKillsItsToken) {
    config_.warm_pool_ttl = 300ms;
    runner().keep_warm(group("family"), header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    ASSERT_TRUE(drive_until([&] { return warm_count() == 0; }, 5s));
    ASSERT_TRUE(drive_until([&] { return run_records().size() == 1; }));
    EXPECT_EQ(stdin_docs()[0]["dismissed"], true);
    EXPECT_EQ(credential_releases_, 1);
}

TEST_F(WarmPoolTest, PoolSizeKeepsTheMostRecentGroups) {
    config_.warm_pool_size = 1;
    runner().keep_warm(group("family"), header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    runner().keep_warm(group("work"), header("work", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("work"); }));
    EXPECT_EQ(warm_count(), 1u);
    ASSERT_TRUE(drive_until([&] { return run_records().size() == 1; }));
    EXPECT_EQ(stdin_docs()[0]["dismissed"], true);
}

TEST_F(WarmPoolTest, AHotGroupGetsAFreshContainerWhenItsTtlEndsAndIsEvictedLast) {
    config_.warm_pool_size = 1;
    config_.warm_pool_ttl = 400ms;
    runner().keep_warm(group("main", true), header("main", std::nullopt), true);
    ASSERT_TRUE(drive_until([&] { return warm_ready("main"); }));
    const auto first = runner().warm_containers().at(0);
    EXPECT_TRUE(first.hot);
    runner().keep_warm(group("family"), header("family", std::nullopt));
    drive_until([] { return false; }, 200ms);
    ASSERT_EQ(warm_count(), 1u);
    EXPECT_EQ(runner().warm_containers().at(0).group_folder, "main")
        << "an ordinary group does not push a hot one out";
    ASSERT_TRUE(drive_until([&] {
        const auto w = runner().warm_containers();
        return w.size() == 1 && w[0].ready && w[0].container_name != first.container_name;
    }, 5s)) << "the TTL renews a hot group's container instead of leaving it cold";
    EXPECT_EQ(runner().warm_containers().at(0).group_folder, "main");
}

TEST_F(WarmPoolTest, OffMeansNothingIsStarted) {
    config_.warm_pool_size = 0;
    runner().keep_warm(group("family"), header("family", std::nullopt));
    drive_until([] { return false; }, 300ms);
    EXPECT_EQ(warm_count(), 0u);
    EXPECT_TRUE(records().empty());
    EXPECT_TRUE(admissions_.empty());
}

TEST_F(WarmPoolTest, AContainerThatDiesBeforeTheTakeIsForgottenAndNotRestarted) {
    fake_env("FAKE_RUNTIME_WARM", "die");
    runner().keep_warm(group("family"), header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return credential_releases_ == 1; }));
    EXPECT_EQ(warm_count(), 0u);
    drive_until([] { return false; }, 300ms);
    std::size_t runs = 0;
    for (const auto& r : records()) runs += r["argv"][0] == "run" ? 1 : 0;
    EXPECT_EQ(runs, 0u) << "the fake dies before recording; no second start";
    fake_env("FAKE_RUNTIME_WARM", "ready");
    EXPECT_EQ(run_now(group("family"), input("family", "hi")).status, OutputStatus::success);
    EXPECT_FALSE(has_warm_flag(run_records().at(0)));
}

TEST_F(WarmPoolTest, OutputBeforeTheTakeMakesItUnusable) {
    fake_env("FAKE_RUNTIME_WARM", "noisy");
    runner().keep_warm(group("family"), header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    std::vector<ContainerOutput> outs;
    run_now(group("family"), input("family", "hi"));
    int cold = 0;
    ASSERT_TRUE(drive_until([&] { return run_records().size() == 2; }));
    for (const auto& r : run_records()) cold += has_warm_flag(r) ? 0 : 1;
    EXPECT_EQ(cold, 1);
}

// A dismissed container leaves by itself when its stdin closes; one that does not is stopped.
TEST_F(WarmPoolTest, ADismissedContainerThatDoesNotLeaveIsStoppedByName) {
    fake_env("FAKE_RUNTIME_WARM", "deaf");
    config_.warm_pool_ttl = 200ms;
    runner().keep_warm(group("family"), header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    const auto name = runner().warm_containers().at(0).container_name;
    const auto stopped = [&] {
        for (const auto& r : records()) {
            if (r["argv"][0] == "stop" && r["argv"].back() == name) return true;
        }
        return false;
    };
    drive_until([] { return false; }, 2s);
    EXPECT_FALSE(stopped()) << "no stop while it may still be leaving by itself";
    EXPECT_TRUE(drive_until(stopped, 10s)) << "still running 5 s after its stdin closed";
}

TEST_F(WarmPoolTest, ImageEventDismissesAllAndStartsThemAgainWhenQuiet) {
    runner().keep_warm(group("family"), header("family", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }));
    const auto first = runner().warm_containers().at(0).container_name;
    std::ofstream(events_, std::ios::app)
        << std::time(nullptr) << " image tag sha256:abc (name=nanoclaw-agent:latest)\n";
    ASSERT_TRUE(drive_until([&] { return warm_count() == 0; }, 5s))
        << "a rebuilt image must never answer through an old container";
    EXPECT_EQ(credential_releases_, 1);
    ASSERT_TRUE(drive_until([&] { return warm_ready("family"); }, 10s));
    EXPECT_NE(runner().warm_containers().at(0).container_name, first);
}

TEST_F(WarmPoolTest, NoImageWatchMeansNoWarmContainer) {
    fake_env("FAKE_RUNTIME_EVENTS_FAIL", "1");
    runner().keep_warm(group("family"), header("family", std::nullopt));
    drive_until([] { return false; }, 1s);
    EXPECT_EQ(warm_count(), 0u);
    EXPECT_EQ(credential_activations_, 0);
    EXPECT_EQ(credential_releases_, static_cast<int>(admissions_.size()));
    EXPECT_EQ(run_now(group("family"), input("family", "hi")).status, OutputStatus::success);
}

TEST_F(WarmPoolTest, ShutdownDismissesEveryWarmContainerAndStartsNoneAfter) {
    runner().keep_warm(group("family"), header("family", std::nullopt));
    runner().keep_warm(group("work"), header("work", std::nullopt));
    ASSERT_TRUE(drive_until([&] { return warm_ready("family") && warm_ready("work"); }));
    bool done = false;
    asio::co_spawn(io_, runner().shutdown_warm(), [&](std::exception_ptr) { done = true; });
    ASSERT_TRUE(drive_until([&] { return done; }));
    EXPECT_EQ(warm_count(), 0u);
    EXPECT_EQ(credential_releases_, 2);
    ASSERT_TRUE(drive_until([&] { return run_records().size() == 2; }));
    runner().keep_warm(group("family"), header("family", std::nullopt));
    drive_until([] { return false; }, 300ms);
    EXPECT_EQ(warm_count(), 0u);
}

} // namespace
} // namespace nanoclaw::container::itest
