// SPDX-License-Identifier: MIT
#include "nanoclaw/container/snapshots.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nanoclaw/core/group_folder.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::container {
namespace {

using nanoclaw::testing::TempDir;

core::ScheduledTask task(const std::string& id, const std::string& folder) {
    core::ScheduledTask t;
    t.id = id;
    t.group_folder = folder;
    t.chat_jid = folder + "@g.us";
    t.prompt = "p-" + id;
    t.schedule_type = "interval";
    t.schedule_value = "60000";
    t.next_run = "2026-01-01T00:00:00.000Z";
    return t;
}

TEST(SnapshotsTest, NonMainSeesOnlyOwnTasksWithExactKeys) {
    TempDir tmp;
    auto b = task("2", "b");
    b.next_run.reset();
    write_tasks_snapshot(tmp.path(), "a", false, {task("1", "a"), b});
    const auto text = TempDir::read(tmp.path() / "ipc/a/current_tasks.json");
    EXPECT_EQ(text, "[\n  {\n    \"id\": \"1\",\n    \"groupFolder\": \"a\",\n    \"prompt\": "
                    "\"p-1\",\n    \"schedule_type\": \"interval\",\n    \"schedule_value\": "
                    "\"60000\",\n    \"status\": \"active\",\n    \"next_run\": "
                    "\"2026-01-01T00:00:00.000Z\"\n  }\n]");
}

TEST(SnapshotsTest, MainSeesAllTasksAndScriptAppearsOnlyWhenSet) {
    TempDir tmp;
    auto b = task("2", "b");
    b.script = "echo hi";
    b.next_run.reset();
    write_tasks_snapshot(tmp.path(), "main", true, {task("1", "a"), b});
    const auto j = nlohmann::json::parse(TempDir::read(tmp.path() / "ipc/main/current_tasks.json"));
    ASSERT_EQ(j.size(), 2u);
    EXPECT_FALSE(j[0].contains("script"));
    EXPECT_EQ(j[1]["script"], "echo hi");
    EXPECT_TRUE(j[1]["next_run"].is_null());
}

TEST(SnapshotsTest, GroupsSnapshotIsEmptyForNonMainAndFullForMain) {
    TempDir tmp;
    const auto now = *core::parse_iso("2026-03-13T10:20:30.123Z");
    const std::vector<AvailableGroup> groups = {{"1@g.us", "One", "2026-03-01T00:00:00.000Z", true}};
    write_groups_snapshot(tmp.path(), "a", false, groups, now);
    EXPECT_EQ(TempDir::read(tmp.path() / "ipc/a/available_groups.json"),
              "{\n  \"groups\": [],\n  \"lastSync\": \"2026-03-13T10:20:30.123Z\"\n}");
    write_groups_snapshot(tmp.path(), "main", true, groups, now);
    EXPECT_EQ(TempDir::read(tmp.path() / "ipc/main/available_groups.json"),
              "{\n  \"groups\": [\n    {\n      \"jid\": \"1@g.us\",\n      \"name\": \"One\",\n"
              "      \"lastActivity\": \"2026-03-01T00:00:00.000Z\",\n      \"isRegistered\": "
              "true\n    }\n  ],\n  \"lastSync\": \"2026-03-13T10:20:30.123Z\"\n}");
}

TEST(SnapshotsTest, InvalidFolderThrows) {
    TempDir tmp;
    EXPECT_THROW(write_tasks_snapshot(tmp.path(), "../x", true, {}), core::InvalidGroupFolder);
    EXPECT_THROW(write_groups_snapshot(tmp.path(), "global", true, {}, {}),
                 core::InvalidGroupFolder);
}

TEST(SnapshotsTest, AtomicWriteReplacesASymlinkInsteadOfFollowingIt) {
    TempDir tmp;
    const auto victim = tmp.write("victim", "keep");
    std::filesystem::create_directories(tmp.path() / "ipc/a");
    std::filesystem::create_symlink(victim, tmp.path() / "ipc/a/current_tasks.json");
    write_tasks_snapshot(tmp.path(), "a", false, {});
    EXPECT_EQ(TempDir::read(victim), "keep");
    EXPECT_EQ(TempDir::read(tmp.path() / "ipc/a/current_tasks.json"), "[]");
}

} // namespace
} // namespace nanoclaw::container
