// SPDX-License-Identifier: MIT
#include "nanoclaw/core/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace nanoclaw::core {
namespace {

namespace fs = std::filesystem;
using nanoclaw::testing::TempDir;

ino_t inode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st.st_ino;
}

fs::path tmp_name_of(const fs::path& p) {
    auto t = p;
    t += ".tmp-" + std::to_string(::getpid());
    return t;
}

std::size_t entries(const fs::path& dir) {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFileTest, CreatesAndReplacesLeavingNoTemporaryFile) {
    TempDir tmp;
    const auto file = tmp.path() / "snap.json";
    replace_file(file, "one");
    EXPECT_EQ(TempDir::read(file), "one");
    replace_file(file, "two, longer");
    EXPECT_EQ(TempDir::read(file), "two, longer");
    replace_file(file, "");
    EXPECT_EQ(TempDir::read(file), "");
    EXPECT_EQ(entries(tmp.path()), 1u);
}

TEST(AtomicFileTest, ReplacementIsANewFileSoOpenReadersKeepTheOldBytes) {
    TempDir tmp;
    const auto file = tmp.path() / "snap.json";
    replace_file(file, "old");
    std::ifstream reader(file);
    replace_file(file, "new");
    std::string seen;
    std::getline(reader, seen);
    EXPECT_EQ(seen, "old");
    EXPECT_EQ(TempDir::read(file), "new");
}

TEST(AtomicFileTest, IfChangedLeavesIdenticalContentUntouched) {
    TempDir tmp;
    const auto file = tmp.path() / "snap.json";
    EXPECT_TRUE(replace_file_if_changed(file, "[]"));
    const auto before = inode_of(file);
    EXPECT_FALSE(replace_file_if_changed(file, "[]"));
    EXPECT_EQ(inode_of(file), before);
    EXPECT_TRUE(replace_file_if_changed(file, "[1]"));
    EXPECT_EQ(TempDir::read(file), "[1]");
    // Same length, different bytes; and a prefix of the current content.
    EXPECT_TRUE(replace_file_if_changed(file, "[2]"));
    EXPECT_EQ(TempDir::read(file), "[2]");
    EXPECT_TRUE(replace_file_if_changed(file, "[2"));
    EXPECT_EQ(TempDir::read(file), "[2");
}

TEST(AtomicFileTest, ASymlinkAtTheTargetIsReplacedNotFollowed) {
    TempDir tmp;
    const auto victim = tmp.write("victim", "keep");
    const auto file = tmp.path() / "snap.json";
    fs::create_symlink(victim, file);
    replace_file(file, "mine");
    EXPECT_EQ(TempDir::read(victim), "keep");
    EXPECT_FALSE(fs::is_symlink(file));
    EXPECT_EQ(TempDir::read(file), "mine");
    EXPECT_FALSE(fs::exists(fs::symlink_status(tmp_name_of(file))));
}

TEST(AtomicFileTest, IfChangedDoesNotTrustASymlinkWithTheSameContent) {
    TempDir tmp;
    const auto victim = tmp.write("victim", "[]");
    const auto file = tmp.path() / "snap.json";
    fs::create_symlink(victim, file);
    EXPECT_TRUE(replace_file_if_changed(file, "[]"));
    EXPECT_FALSE(fs::is_symlink(file));
}

TEST(AtomicFileTest, ASymlinkPlantedAtTheTemporaryNameIsNeverWrittenThrough) {
    TempDir tmp;
    const auto victim = tmp.write("victim", "keep");
    const auto file = tmp.path() / "snap.json";
    fs::create_symlink(victim, tmp_name_of(file));
    replace_file(file, "mine");
    EXPECT_EQ(TempDir::read(victim), "keep");
    EXPECT_EQ(TempDir::read(file), "mine");
}

TEST(AtomicFileTest, ADirectoryAtTheTargetIsReplaced) {
    TempDir tmp;
    const auto file = tmp.path() / "snap.json";
    fs::create_directories(file);
    replace_file(file, "mine");
    EXPECT_EQ(TempDir::read(file), "mine");
}

TEST(AtomicFileTest, AMissingDirectoryIsAClearErrorNamingTheFile) {
    TempDir tmp;
    const auto file = tmp.path() / "no-such-dir" / "snap.json";
    try {
        replace_file(file, "x");
        FAIL() << "expected an error";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find("no-such-dir"), std::string::npos) << e.what();
    }
    EXPECT_THROW(replace_file_if_changed(file, "x"), std::system_error);
}

} // namespace
} // namespace nanoclaw::core
