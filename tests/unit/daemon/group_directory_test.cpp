// SPDX-License-Identifier: MIT
// A new group's CLAUDE.md: from the data root's template (users edit those), else the shipped one.
#include "group_directory.hpp"

#include <gtest/gtest.h>

#include "manual_clock.hpp"
#include "root_fixture.hpp"

namespace nanoclaw::daemon {
namespace {

using nanoclaw::testing::TempDir;

class GroupDirectoryTest : public ::testing::Test, protected testing_support::RootAndShare {
  protected:
    core::RegisteredGroup group(const std::string& folder) {
        return core::RegisteredGroup{
            "Team " + folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", {}, {}, {}};
    }
    nanoclaw::testing::ManualClock clock;
    store::Store store = store::Store::open_in_memory(store::StoreOptions{clock});
};

TEST_F(GroupDirectoryTest, NewGroupCopiesTheDataRootsTemplateUsersEdit) {
    tmp.write("root/groups/global/CLAUDE.md", "# Andy\n\nYou are Andy, edited by the user.\n");
    GroupDirectory groups(store, config);
    ASSERT_TRUE(groups.register_group("tg:1", group("team")));
    EXPECT_EQ(TempDir::read(config.groups_dir / "team/CLAUDE.md"),
              "# Andy\n\nYou are Andy, edited by the user.\n");
}

TEST_F(GroupDirectoryTest, NewGroupFallsBackToTheShippedTemplateAndPersonalisesIt) {
    config.assistant_name = "Nova";
    GroupDirectory groups(store, config);
    ASSERT_TRUE(groups.register_group("tg:1", group("team")));
    EXPECT_EQ(TempDir::read(config.groups_dir / "team/CLAUDE.md"),
              "# Nova\n\nYou are Nova, global.\n");
}

TEST_F(GroupDirectoryTest, MainGroupStartsFromTheMainTemplate) {
    auto main = group("main");
    main.is_main = true;
    GroupDirectory groups(store, config);
    ASSERT_TRUE(groups.register_group("local:main", main));
    EXPECT_EQ(TempDir::read(config.groups_dir / "main/CLAUDE.md"),
              "# Andy\n\nYou are Andy, main.\n");
}

// The setup CLI registers through its own connection to the same database while the daemon
// runs: the next lookup sees the group, with its files, and keeps earlier references valid.
TEST_F(GroupDirectoryTest, AGroupAnotherProcessRegisteredIsServedAtTheNextLookup) {
    const auto db = config.store_dir / "messages.db";
    auto daemon_store = store::Store::open(db, store::StoreOptions{clock});
    GroupDirectory groups(daemon_store, config);
    groups.load();
    ASSERT_TRUE(groups.register_group("local:main", group("main")));
    const auto* main = groups.find("local:main");
    EXPECT_EQ(groups.find("tg:7"), nullptr);

    auto other = store::Store::open(db, store::StoreOptions{clock});
    auto team = group("team");
    team.requires_trigger = false;
    other.set_registered_group("tg:7", team);
    ASSERT_TRUE(groups.all().contains("tg:7"));
    EXPECT_EQ(groups.find("tg:7")->folder, "team");
    EXPECT_FALSE(groups.find("tg:7")->needs_trigger());
    EXPECT_EQ(TempDir::read(config.groups_dir / "team/CLAUDE.md"),
              "# Andy\n\nYou are Andy, global.\n");
    EXPECT_EQ(groups.find("local:main"), main); // the same entry, not a reloaded copy

    team.trigger = "@Nova";
    other.set_registered_group("tg:7", team);
    EXPECT_EQ(groups.find_or_load("tg:7")->trigger, "@Nova");
    auto promoted = group("main");
    promoted.is_main = true;
    other.set_registered_group("local:main", promoted);
    EXPECT_TRUE(groups.is_main_folder("main"));
    EXPECT_EQ(groups.find("local:main"), main);
}

TEST_F(GroupDirectoryTest, ItsOwnWritesDoNotTriggerARereadAndStayVisible) {
    const auto db = config.store_dir / "messages.db";
    auto daemon_store = store::Store::open(db, store::StoreOptions{clock});
    const auto before = daemon_store.data_version();
    GroupDirectory groups(daemon_store, config);
    groups.load();
    ASSERT_TRUE(groups.register_group("tg:1", group("team")));
    EXPECT_EQ(daemon_store.data_version(), before);
    ASSERT_NE(groups.find("tg:1"), nullptr);
    auto other = store::Store::open(db, store::StoreOptions{clock});
    other.set_router_state("k", "v");
    EXPECT_NE(daemon_store.data_version(), before);
}

TEST_F(GroupDirectoryTest, ASymlinkPlantedAsCLAUDEmdIsNeverWrittenThrough) {
    const auto outside = tmp.path() / "outside.md";
    std::filesystem::create_directories(config.groups_dir / "team");
    std::filesystem::create_symlink(outside, config.groups_dir / "team/CLAUDE.md");
    GroupDirectory groups(store, config);
    ASSERT_TRUE(groups.register_group("tg:1", group("team")));
    EXPECT_FALSE(std::filesystem::exists(outside));
    EXPECT_TRUE(std::filesystem::is_directory(config.groups_dir / "team/logs"));
}

} // namespace
} // namespace nanoclaw::daemon
