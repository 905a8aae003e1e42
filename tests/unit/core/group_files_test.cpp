// SPDX-License-Identifier: MIT
// A group's files and the assistant-name rewrite (spec 30 §6.3, §17.2; catalog G 77-87).
#include "nanoclaw/core/group_files.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace nanoclaw::core {
namespace {

namespace fs = std::filesystem;
using nanoclaw::testing::TempDir;

TEST(RenameAssistantTest, TheHeadingAndEveryYouAreAndy) {
    EXPECT_EQ(rename_assistant("# Andy\n\nYou are Andy, a personal assistant.", "Nova"),
              "# Nova\n\nYou are Nova, a personal assistant.");
    const auto dotted = rename_assistant("# Andy\n\nYou are Andy.", "C.L.A.U.D.E");
    EXPECT_EQ(dotted, "# C.L.A.U.D.E\n\nYou are C.L.A.U.D.E.");
    EXPECT_EQ(rename_assistant("You are Andy. You are Andy!", "Nova"),
              "You are Nova. You are Nova!");
    EXPECT_EQ(rename_assistant("you are Andy", "Nova"), "you are Andy"); // case-sensitive
}

TEST(RenameAssistantTest, OnlyTheFirstExactHeadingLine) {
    EXPECT_EQ(rename_assistant("## Andy\n# Andy is here\n# Andy\n# Andy", "Nova"),
              "## Andy\n# Andy is here\n# Nova\n# Andy");
    EXPECT_EQ(rename_assistant("# Andy\r\nYou are Andy\r\n", "Nova"), "# Nova\r\nYou are Nova\r\n");
}

TEST(RenameAssistantTest, AndyChangesNothingAndNamesAreLiteral) {
    EXPECT_EQ(rename_assistant("# Andy\nYou are Andy", "Andy"), "# Andy\nYou are Andy");
    EXPECT_EQ(rename_assistant("# Andy\nYou are Andy", "andy"), "# andy\nYou are andy");
    // v1 ran the name through String.replace patterns ("$&" became "# Andy"); ours is literal.
    EXPECT_EQ(rename_assistant("# Andy\nYou are Andy", "$&"), "# $&\nYou are $&");
    EXPECT_EQ(rename_assistant("You are Andy", "You are Andy"), "You are You are Andy");
}

struct GroupFilesTest : ::testing::Test {
    TempDir tmp;
    Config config;
    GroupFilesTest() {
        config.root = tmp.path() / "root";
        config.groups_dir = config.root / "groups";
        config.share_dir = tmp.path() / "share";
        tmp.write("share/groups/main/CLAUDE.md", "# Andy\n\nYou are Andy, main.\n");
        tmp.write("share/groups/global/CLAUDE.md", "# Andy\n\nYou are Andy, global.\n");
    }
    RegisteredGroup group(const std::string& folder, bool main = false) {
        return RegisteredGroup{"Team", folder, "@Andy", "2026-01-01T00:00:00.000Z", {}, {}, main};
    }
};

TEST_F(GroupFilesTest, GroupTemplatePrefersTheDataRootsThenTheShippedOne) {
    EXPECT_EQ(group_template(config, true), config.share_dir / "groups/main/CLAUDE.md");
    tmp.write("root/groups/main/CLAUDE.md", "edited");
    EXPECT_EQ(group_template(config, true), config.groups_dir / "main/CLAUDE.md");
    EXPECT_EQ(group_template(config, false), config.share_dir / "groups/global/CLAUDE.md");
    fs::remove(config.share_dir / "groups/global/CLAUDE.md");
    EXPECT_EQ(group_template(config, false), std::nullopt);
}

TEST_F(GroupFilesTest, CreatesLogsAndAPersonalisedCopyOnce) {
    config.assistant_name = "Nova";
    const auto made = create_group_files(config, group("team"));
    ASSERT_TRUE(made);
    EXPECT_EQ(*made, config.share_dir / "groups/global/CLAUDE.md");
    EXPECT_TRUE(fs::is_directory(config.groups_dir / "team/logs"));
    EXPECT_EQ(TempDir::read(config.groups_dir / "team/CLAUDE.md"),
              "# Nova\n\nYou are Nova, global.\n");

    tmp.write("root/groups/team/CLAUDE.md", "custom");
    const auto again = create_group_files(config, group("team", true)); // promoted to main
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, std::nullopt);
    EXPECT_EQ(TempDir::read(config.groups_dir / "team/CLAUDE.md"), "custom");
}

TEST_F(GroupFilesTest, MainGroupsStartFromTheMainTemplateAndNoTemplateMeansNoFile) {
    ASSERT_TRUE(create_group_files(config, group("whatsapp_main", true)));
    EXPECT_EQ(TempDir::read(config.groups_dir / "whatsapp_main/CLAUDE.md"),
              "# Andy\n\nYou are Andy, main.\n");
    config.share_dir.clear();
    const auto made = create_group_files(config, group("discord_general"));
    ASSERT_TRUE(made);
    EXPECT_EQ(*made, std::nullopt);
    EXPECT_TRUE(fs::is_directory(config.groups_dir / "discord_general/logs"));
    EXPECT_FALSE(fs::exists(config.groups_dir / "discord_general/CLAUDE.md"));
}

TEST_F(GroupFilesTest, ADanglingSymlinkIsNotWrittenThroughAndABadFolderIsRefused) {
    fs::create_directories(config.groups_dir / "team");
    fs::create_symlink(tmp.path() / "outside.md", config.groups_dir / "team/CLAUDE.md");
    ASSERT_TRUE(create_group_files(config, group("team")));
    EXPECT_FALSE(fs::exists(tmp.path() / "outside.md"));
    const auto bad = create_group_files(config, group("../evil"));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("Invalid group folder"), std::string::npos);
}

} // namespace
} // namespace nanoclaw::core
