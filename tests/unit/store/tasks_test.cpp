// SPDX-License-Identifier: MIT
// Scheduled tasks and run logs (catalog "task CRUD" plus the §10.5 rules without reference tests).
#include <gmock/gmock.h>

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

using ::testing::ElementsAre;

core::ScheduledTask task(std::string id, std::string created_at = "2024-01-01T00:00:00.000Z") {
    core::ScheduledTask t;
    t.id = std::move(id);
    t.group_folder = "main";
    t.chat_jid = "group@g.us";
    t.prompt = "do something";
    t.schedule_type = "once";
    t.schedule_value = "2024-06-01T00:00:00.000Z";
    t.next_run = "2024-06-01T00:00:00.000Z";
    t.created_at = std::move(created_at);
    return t;
}

std::vector<std::string> ids(const std::vector<core::ScheduledTask>& tasks) {
    std::vector<std::string> out;
    for (const auto& t : tasks)
        out.push_back(t.id);
    return out;
}

using TasksTest = MemoryStoreTest;

TEST_F(TasksTest, CreatesAndRetrievesATask) {
    store_.create_task(task("task-1"));
    const auto got = store_.get_task_by_id("task-1");
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, task("task-1"));
    EXPECT_EQ(store_.get_task_by_id("nope"), std::nullopt);
}

TEST_F(TasksTest, DuplicateIdThrows) {
    store_.create_task(task("task-1"));
    EXPECT_THROW(store_.create_task(task("task-1")), StoreError);
}

TEST_F(TasksTest, EmptyScriptAndContextModeStoreV1Defaults) {
    auto t = task("t");
    t.script = "";
    t.context_mode = "";
    store_.create_task(t);
    const auto got = store_.get_task_by_id("t");
    EXPECT_EQ(got->script, std::nullopt);
    EXPECT_EQ(got->context_mode, "isolated");
    auto with_script = task("s");
    with_script.script = "echo hi";
    with_script.context_mode = "group";
    store_.create_task(with_script);
    EXPECT_EQ(store_.get_task_by_id("s")->script, "echo hi");
    EXPECT_EQ(store_.get_task_by_id("s")->context_mode, "group");
}

TEST_F(TasksTest, UpdatesTaskStatus) {
    store_.create_task(task("task-2"));
    store_.update_task("task-2", TaskUpdate{.status = "paused"});
    EXPECT_EQ(store_.get_task_by_id("task-2")->status, "paused");
}

TEST_F(TasksTest, UpdateChangesOnlySuppliedFields) {
    auto original = task("t");
    original.script = "old";
    store_.create_task(original);
    store_.update_task("t", TaskUpdate{.prompt = "new prompt",
                                       .script = "",
                                       .schedule_type = "interval",
                                       .schedule_value = "60000",
                                       .next_run = std::optional<std::string>()});
    auto got = *store_.get_task_by_id("t");
    EXPECT_EQ(got.prompt, "new prompt");
    EXPECT_EQ(got.script, std::nullopt);
    EXPECT_EQ(got.schedule_type, "interval");
    EXPECT_EQ(got.schedule_value, "60000");
    EXPECT_EQ(got.next_run, std::nullopt);
    EXPECT_EQ(got.status, "active");
    store_.update_task("t", TaskUpdate{});
    EXPECT_EQ(*store_.get_task_by_id("t"), got);
}

TEST_F(TasksTest, DeletesTaskAndItsRunLogs) {
    store_.create_task(task("task-3"));
    store_.log_task_run(
        core::TaskRunLog{"task-3", "2024-01-01T00:00:00.000Z", 5, "success", "ok", {}});
    // The foreign key would reject deleting the task while a log still references it.
    store_.delete_task("task-3");
    EXPECT_EQ(store_.get_task_by_id("task-3"), std::nullopt);
    store_.create_task(task("task-3"));
}

TEST_F(TasksTest, RunLogForUnknownTaskIsRejected) {
    EXPECT_THROW(store_.log_task_run(
                     core::TaskRunLog{"ghost", "2024-01-01T00:00:00.000Z", 1, "error", {}, "boom"}),
                 StoreError);
}

TEST_F(TasksTest, ListsNewestCreatedFirstPerGroupAndOverall) {
    store_.create_task(task("a", "2024-01-01T00:00:01.000Z"));
    store_.create_task(task("b", "2024-01-01T00:00:03.000Z"));
    auto other = task("c", "2024-01-01T00:00:02.000Z");
    other.group_folder = "other";
    store_.create_task(other);
    EXPECT_THAT(ids(store_.get_all_tasks()), ElementsAre("b", "c", "a"));
    EXPECT_THAT(ids(store_.get_tasks_for_group("main")), ElementsAre("b", "a"));
    EXPECT_TRUE(store_.get_tasks_for_group("none").empty());
}

TEST_F(TasksTest, DueTasksAreActiveWithPastNextRunEarliestFirst) {
    auto late = task("late");
    late.next_run = "2024-01-01T00:00:02.000Z";
    auto early = task("early");
    early.next_run = "2024-01-01T00:00:01.000Z";
    auto exact = task("exact");
    exact.next_run = "2024-01-01T00:00:03.000Z";
    auto future = task("future");
    future.next_run = "2024-01-01T00:00:04.000Z";
    auto paused = task("paused");
    paused.next_run = "2024-01-01T00:00:00.000Z";
    paused.status = "paused";
    auto never = task("never");
    never.next_run.reset();
    for (const auto& t : {late, early, exact, future, paused, never})
        store_.create_task(t);
    const auto now = *core::parse_iso("2024-01-01T00:00:03.000Z");
    EXPECT_THAT(ids(store_.get_due_tasks(now)), ElementsAre("early", "late", "exact"));
    clock_.set(now);
    EXPECT_THAT(ids(store_.get_due_tasks()), ElementsAre("early", "late", "exact"));
}

TEST_F(TasksTest, AfterRunCompletesOnlyWhenNoNextRun) {
    store_.create_task(task("once"));
    store_.create_task(task("again"));
    store_.create_task(task("paused"));
    store_.update_task("paused", TaskUpdate{.status = "paused"});
    clock_.set(*core::parse_iso("2024-06-01T00:00:05.000Z"));
    store_.update_task_after_run("once", std::nullopt, "Completed");
    store_.update_task_after_run("again", "2024-06-02T00:00:00.000Z", "Error: x");
    store_.update_task_after_run("paused", "2024-06-02T00:00:00.000Z", "r");
    const auto once = *store_.get_task_by_id("once");
    EXPECT_EQ(once.status, "completed");
    EXPECT_EQ(once.next_run, std::nullopt);
    EXPECT_EQ(once.last_run, "2024-06-01T00:00:05.000Z");
    EXPECT_EQ(once.last_result, "Completed");
    const auto again = *store_.get_task_by_id("again");
    EXPECT_EQ(again.status, "active");
    EXPECT_EQ(again.next_run, "2024-06-02T00:00:00.000Z");
    EXPECT_EQ(again.last_result, "Error: x");
    EXPECT_EQ(store_.get_task_by_id("paused")->status, "paused");
}

} // namespace
} // namespace nanoclaw::store::testing
