// SPDX-License-Identifier: MIT
#include "nanoclaw/queue/group_queue.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

#include "temp_dir.hpp"

using namespace nanoclaw;
using namespace std::chrono_literals;
using queue::GroupQueue;

namespace {

// A latch a test opens to let a blocked run finish.
class Gate {
public:
    explicit Gate(asio::io_context& io) : timer_(io) { timer_.expires_at(asio::steady_timer::time_point::max()); }
    awaitable<void> wait() {
        boost::system::error_code ec;
        if (!open_) co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    void open() {
        open_ = true;
        timer_.cancel();
    }

private:
    asio::steady_timer timer_;
    bool open_ = false;
};

// Records requested back-off delays; the test fires them by hand.
struct FakeDelays {
    std::vector<std::chrono::milliseconds> requested;
    std::vector<std::function<void()>> pending;
    queue::DelayScheduler scheduler() {
        return [this](std::chrono::milliseconds d, std::function<void()> fn) {
            requested.push_back(d);
            pending.push_back(std::move(fn));
            return std::function<void()>([] {});
        };
    }
    void fire_all() {
        auto fns = std::move(pending);
        pending.clear();
        for (auto& f : fns) f();
    }
};

class GroupQueueTest : public ::testing::Test {
protected:
    std::unique_ptr<GroupQueue> make(int limit) {
        return std::make_unique<GroupQueue>(
            io_, queue::QueueOptions{limit, dir_.path() / "ipc", 5, 5000ms}, delays_.scheduler());
    }
    void settle() {
        io_.restart();
        io_.poll();
    }
    std::vector<std::filesystem::path> files_in(const std::string& folder) {
        std::vector<std::filesystem::path> out;
        const auto dir = dir_.path() / "ipc" / folder / "input";
        if (!std::filesystem::exists(dir)) return out;
        for (auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path());
        return out;
    }
    size_t close_files(const std::string& folder) {
        size_t n = 0;
        for (auto& p : files_in(folder)) n += p.filename() == "_close";
        return n;
    }

    asio::io_context io_;
    nanoclaw::testing::TempDir dir_;
    FakeDelays delays_;
};

} // namespace

TEST_F(GroupQueueTest, RunsOneContainerPerGroupAtATime) {
    auto q = make(2);
    Gate gate(io_);
    int running = 0, max_running = 0, calls = 0;
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        ++calls;
        max_running = std::max(max_running, ++running);
        co_await gate.wait();
        --running;
        co_return true;
    });
    q->enqueue_message_check("group1@g.us");
    q->enqueue_message_check("group1@g.us");
    settle();
    EXPECT_EQ(q->active_count(), 1);
    gate.open();
    settle();
    EXPECT_EQ(max_running, 1);
    EXPECT_EQ(calls, 2); // the pending check ran after the first finished
}

TEST_F(GroupQueueTest, RespectsGlobalConcurrencyLimitAndDrainsWaiting) {
    auto q = make(2);
    std::map<std::string, std::unique_ptr<Gate>> gates;
    for (auto g : {"g1", "g2", "g3"}) gates[g] = std::make_unique<Gate>(io_);
    std::vector<std::string> processed;
    q->set_process_messages_fn([&](std::string jid) -> awaitable<bool> {
        processed.push_back(jid);
        co_await gates[jid]->wait();
        co_return true;
    });
    q->enqueue_message_check("g1");
    q->enqueue_message_check("g2");
    q->enqueue_message_check("g3");
    settle();
    EXPECT_EQ(q->active_count(), 2);
    EXPECT_EQ(processed, (std::vector<std::string>{"g1", "g2"}));
    gates["g1"]->open();
    settle();
    EXPECT_EQ(processed, (std::vector<std::string>{"g1", "g2", "g3"}));
    EXPECT_EQ(q->active_count(), 2);
}

TEST_F(GroupQueueTest, DrainsTasksBeforeMessagesForSameGroup) {
    auto q = make(2);
    Gate gate(io_);
    std::vector<std::string> order;
    bool first = true;
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        order.push_back("messages");
        if (first) {
            first = false;
            co_await gate.wait();
        }
        co_return true;
    });
    q->enqueue_message_check("g1");
    settle();
    q->enqueue_task("g1", "task-1", [&]() -> awaitable<void> {
        order.push_back("task");
        co_return;
    });
    q->enqueue_message_check("g1");
    gate.open();
    settle();
    EXPECT_EQ(order, (std::vector<std::string>{"messages", "task", "messages"}));
}

TEST_F(GroupQueueTest, RetriesWithExponentialBackoffThenGivesUp) {
    auto q = make(2);
    int calls = 0;
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        ++calls;
        co_return false;
    });
    q->enqueue_message_check("g1");
    settle();
    EXPECT_EQ(calls, 1);
    for (int i = 0; i < 5; ++i) {
        delays_.fire_all();
        settle();
    }
    EXPECT_EQ(calls, 6);
    EXPECT_EQ(delays_.requested,
              (std::vector<std::chrono::milliseconds>{5000ms, 10000ms, 20000ms, 40000ms, 80000ms}));
    delays_.fire_all();
    settle();
    EXPECT_EQ(calls, 6); // no sixth retry was scheduled
    EXPECT_TRUE(delays_.pending.empty());
    // The counter was reset: a later message starts a fresh series.
    q->enqueue_message_check("g1");
    settle();
    EXPECT_EQ(calls, 7);
    EXPECT_EQ(delays_.requested.back(), 5000ms);
}

TEST_F(GroupQueueTest, ExceptionInProcessingCountsAsFailure) {
    auto q = make(1);
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        throw std::runtime_error("boom");
        co_return true;
    });
    q->enqueue_message_check("g1");
    settle();
    EXPECT_EQ(q->active_count(), 0);
    EXPECT_EQ(delays_.requested.size(), 1u);
}

TEST_F(GroupQueueTest, RefusesWorkAfterShutdown) {
    auto q = make(2);
    int calls = 0;
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        ++calls;
        co_return true;
    });
    q->shutdown();
    q->enqueue_message_check("g1");
    q->enqueue_task("g1", "t", [&]() -> awaitable<void> {
        ++calls;
        co_return;
    });
    settle();
    EXPECT_EQ(calls, 0);
}

TEST_F(GroupQueueTest, RejectsDuplicateRunningOrPendingTask) {
    auto q = make(2);
    Gate gate(io_);
    int runs = 0, dup = 0;
    q->enqueue_task("g1", "task-1", [&]() -> awaitable<void> {
        ++runs;
        co_await gate.wait();
    });
    settle();
    q->enqueue_task("g1", "task-1", [&]() -> awaitable<void> {
        ++dup;
        co_return;
    });
    q->enqueue_task("g1", "task-2", [&]() -> awaitable<void> {
        ++runs;
        co_return;
    });
    q->enqueue_task("g1", "task-2", [&]() -> awaitable<void> {
        ++dup;
        co_return;
    });
    gate.open();
    settle();
    EXPECT_EQ(runs, 2);
    EXPECT_EQ(dup, 0);
}

TEST_F(GroupQueueTest, DoesNotPreemptBusyContainer) {
    auto q = make(2);
    Gate gate(io_);
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        co_await gate.wait();
        co_return true;
    });
    q->enqueue_message_check("g1");
    settle();
    q->register_process("g1", "container-1", "test-group");
    q->enqueue_task("g1", "task-1", []() -> awaitable<void> { co_return; });
    EXPECT_EQ(close_files("test-group"), 0u);
    gate.open();
    settle();
}

TEST_F(GroupQueueTest, PreemptsIdleContainerWhenTaskArrives) {
    auto q = make(2);
    Gate gate(io_);
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        co_await gate.wait();
        co_return true;
    });
    q->enqueue_message_check("g1");
    settle();
    q->register_process("g1", "container-1", "test-group");
    q->notify_idle("g1");
    EXPECT_EQ(close_files("test-group"), 0u);
    q->enqueue_task("g1", "task-1", []() -> awaitable<void> { co_return; });
    EXPECT_EQ(close_files("test-group"), 1u);
    gate.open();
    settle();
}

TEST_F(GroupQueueTest, SendMessageClearsIdleSoTaskDoesNotPreempt) {
    auto q = make(2);
    Gate gate(io_);
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        co_await gate.wait();
        co_return true;
    });
    q->enqueue_message_check("g1");
    settle();
    q->register_process("g1", "container-1", "test-group");
    q->notify_idle("g1");
    EXPECT_TRUE(q->send_message("g1", "hello"));
    q->enqueue_task("g1", "task-1", []() -> awaitable<void> { co_return; });
    EXPECT_EQ(close_files("test-group"), 0u);
    gate.open();
    settle();
}

TEST_F(GroupQueueTest, PreemptsWhenIdleArrivesWithPendingTask) {
    auto q = make(2);
    Gate gate(io_);
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        co_await gate.wait();
        co_return true;
    });
    q->enqueue_message_check("g1");
    settle();
    q->register_process("g1", "container-1", "test-group");
    q->enqueue_task("g1", "task-1", []() -> awaitable<void> { co_return; });
    EXPECT_EQ(close_files("test-group"), 0u);
    q->notify_idle("g1");
    EXPECT_EQ(close_files("test-group"), 1u);
    gate.open();
    settle();
}

TEST_F(GroupQueueTest, SendMessageWritesV1InputFileAtomically) {
    auto q = make(2);
    Gate gate(io_);
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        co_await gate.wait();
        co_return true;
    });
    EXPECT_FALSE(q->send_message("g1", "nobody home")); // not active
    q->enqueue_message_check("g1");
    settle();
    EXPECT_FALSE(q->send_message("g1", "not registered yet"));
    q->register_process("g1", "c", "fam");
    ASSERT_TRUE(q->send_message("g1", "hi \"there\"\n"));
    auto files = files_in("fam");
    ASSERT_EQ(files.size(), 1u);
    const auto name = files[0].filename().string();
    EXPECT_EQ(files[0].extension(), ".json");
    EXPECT_NE(name.find('-'), std::string::npos);
    EXPECT_EQ(name.size(), std::string("1700000000000-abcd.json").size());
    auto body = nlohmann::json::parse(nanoclaw::testing::TempDir::read(files[0]));
    EXPECT_EQ(body, (nlohmann::json{{"type", "message"}, {"text", "hi \"there\"\n"}}));
    gate.open();
    settle();
}

TEST_F(GroupQueueTest, TaskContainersNeverReceiveUserMessages) {
    auto q = make(2);
    Gate gate(io_);
    q->enqueue_task("g1", "task-1", [&]() -> awaitable<void> { co_await gate.wait(); });
    settle();
    q->register_process("g1", "c", "test-group");
    EXPECT_FALSE(q->send_message("g1", "hello"));
    gate.open();
    settle();
}

TEST_F(GroupQueueTest, WaitingGroupsAreServedFairly) {
    // Limit 1: g1 is busy and keeps getting new messages while g2 waits. v1 would let g1 reuse
    // its own slot forever; here g2 runs next.
    auto q = make(1);
    std::map<std::string, std::unique_ptr<Gate>> gates;
    std::vector<std::string> order;
    int g1_runs = 0;
    q->set_process_messages_fn([&](std::string jid) -> awaitable<bool> {
        order.push_back(jid);
        const std::string key = jid + std::to_string(jid == "g1" ? ++g1_runs : 1);
        gates.try_emplace(key, std::make_unique<Gate>(io_));
        co_await gates[key]->wait();
        co_return true;
    });
    q->enqueue_message_check("g1");
    settle();
    q->enqueue_message_check("g2");
    q->enqueue_message_check("g1"); // g1 has more work while g2 waits
    gates["g11"]->open();
    settle();
    EXPECT_EQ(order, (std::vector<std::string>{"g1", "g2"}));
    gates["g21"] ? gates["g21"]->open() : void();
    settle();
    EXPECT_EQ(order, (std::vector<std::string>{"g1", "g2", "g1"}));
    gates["g12"]->open();
    settle();
    EXPECT_EQ(q->active_count(), 0);
}

TEST_F(GroupQueueTest, DrainWritesCloseAndWaitsForRunsToEnd) {
    auto q = make(2);
    Gate gate(io_);
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        co_await gate.wait();
        co_return true;
    });
    q->enqueue_message_check("g1");
    settle();
    q->register_process("g1", "c", "fam");
    int remaining = -1;
    asio::co_spawn(io_, q->drain(10s), [&](std::exception_ptr, int n) { remaining = n; });
    settle();
    EXPECT_EQ(close_files("fam"), 1u);
    EXPECT_EQ(remaining, -1); // still waiting
    gate.open();
    settle();
    EXPECT_EQ(remaining, 0);
}

TEST_F(GroupQueueTest, DrainGivesUpAfterGrace) {
    auto q = make(2);
    Gate gate(io_);
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        co_await gate.wait();
        co_return true;
    });
    q->enqueue_message_check("g1");
    settle();
    int remaining = -1;
    asio::co_spawn(io_, q->drain(1ms), [&](std::exception_ptr, int n) { remaining = n; });
    io_.restart();
    io_.run_for(200ms);
    EXPECT_EQ(remaining, 1);
    gate.open();
    settle();
}

TEST(RetryDelayTest, DoublesFromBase) {
    EXPECT_EQ(queue::retry_delay(5000ms, 1), 5000ms);
    EXPECT_EQ(queue::retry_delay(5000ms, 5), 80000ms);
}

TEST_F(GroupQueueTest, RunsReportsWorkingWarmAndQueuedGroups) {
    auto q = make(1);
    Gate gate(io_);
    q->set_process_messages_fn([&](std::string) -> awaitable<bool> {
        co_await gate.wait();
        co_return true;
    });
    EXPECT_TRUE(q->runs().empty());
    q->enqueue_message_check("g1");
    q->enqueue_message_check("g2");
    settle();
    q->register_process("g1", "nanoclaw-g1-1", "g1");
    auto runs = q->runs();
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].jid, "g1");
    EXPECT_TRUE(runs[0].active);
    EXPECT_FALSE(runs[0].idle);
    EXPECT_EQ(runs[0].container_name, "nanoclaw-g1-1");
    EXPECT_EQ(runs[1].jid, "g2");
    EXPECT_FALSE(runs[1].active);
    EXPECT_TRUE(runs[1].waiting);
    q->notify_idle("g1");
    EXPECT_TRUE(q->runs()[0].idle); // a warm container
    gate.open();
    settle();
    EXPECT_EQ(q->max_concurrent(), 1);
}
