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

} // namespace
} // namespace nanoclaw::daemon
