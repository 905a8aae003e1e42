// SPDX-License-Identifier: MIT
// The daemon and its data root: start-up refuses a missing share directory, an empty root is
// seeded with the shipped CLAUDE.md templates, and a user's own files are never replaced.
#include "shipped_files.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/daemon/daemon.hpp"
#include "root_fixture.hpp"

namespace nanoclaw::daemon {
namespace {

namespace fs = std::filesystem;
using nanoclaw::testing::TempDir;
using ::testing::HasSubstr;

class ShippedFilesTest : public ::testing::Test, protected testing_support::RootAndShare {
  protected:
    std::string fatal_message() {
        try {
            require_shipped_files(config);
        } catch (const core::FatalError& e) {
            return e.what();
        }
        return "(no FatalError)";
    }
};

TEST_F(ShippedFilesTest, CompleteShareDirPasses) {
    EXPECT_NO_THROW(require_shipped_files(config));
}

TEST_F(ShippedFilesTest, MissingShippedFileIsFatalAndNamesThePath) {
    fs::remove(config.share_dir / "container/agent-runner/src/index.ts");
    const auto message = fatal_message();
    EXPECT_THAT(message,
                HasSubstr((config.share_dir / "container/agent-runner/src/index.ts").string() +
                          " is missing"));
    EXPECT_THAT(message, HasSubstr("set NANOCLAW_SHARE_DIR"));
}

TEST_F(ShippedFilesTest, NoShareDirIsFatalWithTheLookupsReason) {
    config.share_dir.clear();
    config.share_dir_error = "shipped files not found: no index.ts in /x/share/nanoclaw";
    EXPECT_EQ(fatal_message(), *config.share_dir_error);
    config.share_dir_error.reset();
    EXPECT_THAT(fatal_message(), HasSubstr("NANOCLAW_SHARE_DIR"));
}

TEST_F(ShippedFilesTest, EnsureLayoutSeedsAnEmptyRootWithTheShippedTemplates) {
    ensure_layout(config);
    for (const char* dir : {"store", "groups", "data/ipc", "data/sessions"}) {
        EXPECT_TRUE(fs::is_directory(config.root / dir)) << dir;
    }
    EXPECT_EQ(TempDir::read(config.groups_dir / "main/CLAUDE.md"),
              "# Andy\n\nYou are Andy, main.\n");
    EXPECT_EQ(TempDir::read(config.groups_dir / "global/CLAUDE.md"),
              "# Andy\n\nYou are Andy, global.\n");
    EXPECT_FALSE(fs::exists(config.root / "container"));
}

TEST_F(ShippedFilesTest, EnsureLayoutNeverOverwritesAUsersTemplate) {
    tmp.write("root/groups/global/CLAUDE.md", "my own global memory");
    ensure_layout(config);
    ensure_layout(config); // a restart changes nothing either
    EXPECT_EQ(TempDir::read(config.groups_dir / "global/CLAUDE.md"), "my own global memory");
    EXPECT_EQ(TempDir::read(config.groups_dir / "main/CLAUDE.md"),
              "# Andy\n\nYou are Andy, main.\n");
}

TEST_F(ShippedFilesTest, SeedingNeverWritesThroughAPlantedSymlink) {
    fs::create_directories(config.groups_dir / "main");
    const auto victim = tmp.path() / "victim.txt"; // dangling: the link points nowhere yet
    fs::create_symlink(victim, config.groups_dir / "main/CLAUDE.md");
    ensure_layout(config);
    EXPECT_FALSE(fs::exists(victim));
    EXPECT_TRUE(fs::is_symlink(config.groups_dir / "main/CLAUDE.md"));
}

TEST_F(ShippedFilesTest, EnsureLayoutWithoutShareDirSeedsNothing) {
    config.share_dir.clear();
    ensure_layout(config);
    EXPECT_TRUE(fs::is_directory(config.groups_dir));
    EXPECT_FALSE(fs::exists(config.groups_dir / "main/CLAUDE.md"));
}

} // namespace
} // namespace nanoclaw::daemon
