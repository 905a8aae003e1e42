// SPDX-License-Identifier: MIT
#include "nanoclaw/core/secret_file_mode.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace nanoclaw::core {
namespace {

namespace fs = std::filesystem;

class SecretFileModeTest : public ::testing::Test {
  protected:
    fs::path env_with_mode(fs::perms mode) {
        const auto path = dir_.write(".env", "ANTHROPIC_API_KEY=sk-test\n");
        fs::permissions(path, mode, fs::perm_options::replace);
        return path;
    }
    nanoclaw::testing::TempDir dir_;
};

TEST_F(SecretFileModeTest, PrivateFileIsNotExposed) {
    EXPECT_EQ(secret_file_exposure(env_with_mode(fs::perms(0600))), std::nullopt);
    EXPECT_EQ(secret_file_exposure(env_with_mode(fs::perms(0400))), std::nullopt);
}

TEST_F(SecretFileModeTest, MissingFileIsNotExposed) {
    EXPECT_EQ(secret_file_exposure(dir_.path() / ".env"), std::nullopt);
}

TEST_F(SecretFileModeTest, ExecuteBitsAloneDoNotExposeIt) {
    EXPECT_EQ(secret_file_exposure(env_with_mode(fs::perms(0711))), std::nullopt);
}

TEST_F(SecretFileModeTest, WorldReadableNamesPathModeAndReaders) {
    const auto path = env_with_mode(fs::perms(0644));
    const auto why = secret_file_exposure(path);
    ASSERT_TRUE(why.has_value());
    EXPECT_EQ(*why, path.string() + " is readable by its group and other users (mode 0644)");
}

TEST_F(SecretFileModeTest, GroupReadableOnly) {
    const auto why = secret_file_exposure(env_with_mode(fs::perms(0640)));
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("is readable by its group (mode 0640)"), std::string::npos) << *why;
}

TEST_F(SecretFileModeTest, WritableByOthersIsExposedEvenWhenNotReadable) {
    const auto why = secret_file_exposure(env_with_mode(fs::perms(0602)));
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("is writable by other users (mode 0602)"), std::string::npos) << *why;
}

TEST_F(SecretFileModeTest, ReadableAndWritableAreBothNamed) {
    const auto why = secret_file_exposure(env_with_mode(fs::perms(0664)));
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("readable by its group and other users and writable by its group (mode "
                        "0664)"),
              std::string::npos)
        << *why;
}

TEST_F(SecretFileModeTest, SymlinkIsJudgedByItsTarget) {
    const auto target = env_with_mode(fs::perms(0644));
    const auto link = dir_.path() / "link.env";
    fs::create_symlink(target, link);
    const auto why = secret_file_exposure(link);
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("(mode 0644)"), std::string::npos);
}

} // namespace
} // namespace nanoclaw::core
