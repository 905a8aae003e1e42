// SPDX-License-Identifier: MIT
// Where the shipped files are found: env override, installed layout, build-tree marker, and a
// copied binary that must not silently find anything.
#include "nanoclaw/core/install_paths.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace nanoclaw::core {
namespace {

namespace fs = std::filesystem;
using nanoclaw::testing::TempDir;
using ::testing::HasSubstr;

class InstallPathsTest : public ::testing::Test {
  protected:
    InstallPathsTest() : base(fs::canonical(tmp.path())) {}

    // A complete share directory at base/relative.
    fs::path make_share(const std::string& relative) const {
        for (const auto& file : shipped_runtime_files()) {
            const auto path = relative + "/" + file.string();
            if (file == "container/skills") {
                tmp.write(path + "/s/SKILL.md", "skill");
            } else {
                tmp.write(path, "shipped");
            }
        }
        return base / relative;
    }
    // An executable file at base/relative (its content does not matter to the lookup).
    fs::path make_exe(const std::string& relative) const { return tmp.write(relative, "ELF"); }

    TempDir tmp;
    fs::path base;
};

TEST_F(InstallPathsTest, EnvironmentOverrideWins) {
    const auto share = make_share("elsewhere");
    make_share("prefix/share/nanoclaw");
    const auto exe = make_exe("prefix/bin/nanoclawd");
    const auto found = locate_share_dir(exe, {{"NANOCLAW_SHARE_DIR", share.string()}});
    ASSERT_TRUE(found) << found.error();
    EXPECT_EQ(*found, share);
}

TEST_F(InstallPathsTest, WrongEnvironmentOverrideFailsRatherThanFallingBack) {
    make_share("prefix/share/nanoclaw");
    const auto exe = make_exe("prefix/bin/nanoclawd");
    const auto found = locate_share_dir(exe, {{"NANOCLAW_SHARE_DIR", (base / "nothing").string()}});
    ASSERT_FALSE(found);
    EXPECT_THAT(found.error(), HasSubstr((base / "nothing").string() + " (NANOCLAW_SHARE_DIR)"));
    EXPECT_THAT(found.error(), HasSubstr("container/agent-runner/src/index.ts"));
}

TEST_F(InstallPathsTest, EmptyEnvironmentValueIsIgnored) {
    const auto share = make_share("prefix/share/nanoclaw");
    const auto found =
        locate_share_dir(make_exe("prefix/bin/nanoclawd"), {{"NANOCLAW_SHARE_DIR", ""}});
    ASSERT_TRUE(found) << found.error();
    EXPECT_EQ(*found, share);
}

TEST_F(InstallPathsTest, InstalledLayoutIsShareNanoclawBesideBin) {
    const auto share = make_share("prefix/share/nanoclaw");
    const auto found = locate_share_dir(make_exe("prefix/bin/nanoclawd"), {});
    ASSERT_TRUE(found) << found.error();
    EXPECT_EQ(*found, share);
}

TEST_F(InstallPathsTest, BuildTreeMarkerNamesTheCheckout) {
    const auto checkout = make_share("checkout");
    const auto exe = make_exe("checkout/build/dev/src/bin/nanoclawd");
    tmp.write("checkout/build/dev/src/bin/nanoclaw-share-dir", checkout.string() + "\n");
    const auto found = locate_share_dir(exe, {});
    ASSERT_TRUE(found) << found.error();
    EXPECT_EQ(*found, checkout);
}

TEST_F(InstallPathsTest, InstalledLayoutBeatsTheMarker) {
    const auto share = make_share("prefix/share/nanoclaw");
    const auto checkout = make_share("checkout");
    const auto exe = make_exe("prefix/bin/nanoclawd");
    tmp.write("prefix/bin/nanoclaw-share-dir", checkout.string());
    const auto found = locate_share_dir(exe, {});
    ASSERT_TRUE(found) << found.error();
    EXPECT_EQ(*found, share);
}

TEST_F(InstallPathsTest, CopiedBinaryFindsNothingAndTheErrorNamesEveryPlace) {
    make_share("checkout"); // exists, but nothing points the copy at it
    const auto exe = make_exe("copy/bin/nanoclawd");
    const auto found = locate_share_dir(exe, {});
    ASSERT_FALSE(found);
    EXPECT_THAT(found.error(), HasSubstr((base / "copy/share/nanoclaw").string()));
    EXPECT_THAT(found.error(), HasSubstr((base / "copy/bin/nanoclaw-share-dir").string()));
    EXPECT_THAT(found.error(), HasSubstr("set NANOCLAW_SHARE_DIR"));
    EXPECT_THAT(found.error(), ::testing::Not(HasSubstr((base / "checkout").string())));
}

TEST_F(InstallPathsTest, CandidateWithoutIndexTsIsRejected) {
    make_share("prefix/share/nanoclaw");
    fs::remove(base / "prefix/share/nanoclaw" / k_share_dir_probe);
    const auto checkout = make_share("checkout");
    fs::remove(checkout / k_share_dir_probe);
    const auto exe = make_exe("prefix/bin/nanoclawd");
    tmp.write("prefix/bin/nanoclaw-share-dir", checkout.string());
    const auto found = locate_share_dir(exe, {});
    ASSERT_FALSE(found);
    EXPECT_THAT(found.error(), HasSubstr((base / "prefix/share/nanoclaw").string()));
    EXPECT_THAT(found.error(), HasSubstr(checkout.string()));
}

TEST_F(InstallPathsTest, RelativeMarkerPathIsRejected) {
    make_share("checkout");
    const auto exe = make_exe("bin/nanoclawd");
    tmp.write("bin/nanoclaw-share-dir", "checkout");
    EXPECT_FALSE(locate_share_dir(exe, {}));
}

TEST_F(InstallPathsTest, UnknownExecutableOnlyTriesTheEnvironment) {
    const auto found = locate_share_dir({}, {});
    ASSERT_FALSE(found);
    EXPECT_THAT(found.error(), HasSubstr("NANOCLAW_SHARE_DIR"));
}

TEST_F(InstallPathsTest, MissingShippedFileNamesTheFirstAbsentFile) {
    const auto share = make_share("share");
    EXPECT_EQ(missing_shipped_file(share), std::nullopt);
    fs::remove(share / "groups/global/CLAUDE.md");
    EXPECT_EQ(missing_shipped_file(share), share / "groups/global/CLAUDE.md");
}

TEST_F(InstallPathsTest, ExecutablePathIsThisTestBinary) {
    const auto exe = executable_path();
    ASSERT_FALSE(exe.empty());
    EXPECT_TRUE(exe.is_absolute());
    EXPECT_TRUE(fs::is_regular_file(exe));
}

} // namespace
} // namespace nanoclaw::core
