// SPDX-License-Identifier: MIT
// Opening: directory creation, engine settings, and refusing unusable files without touching them.
#include <unistd.h>

#include <gmock/gmock.h>

#include "nanoclaw/core/errors.hpp"
#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class OpenTest : public ::testing::Test {
  protected:
    TempDir dir_;
    ManualClock clock_;
    std::filesystem::path db_file_ = dir_.path() / "store" / "messages.db";

    /// Expects open() to throw FatalError with one line naming the file; returns the message.
    std::string expect_fatal(const std::filesystem::path& file) {
        try {
            Store::open(file, StoreOptions{clock_});
        } catch (const core::FatalError& e) {
            std::string message = e.what();
            EXPECT_THAT(message, HasSubstr(file.string()));
            EXPECT_THAT(message, Not(HasSubstr("\n")));
            return message;
        }
        ADD_FAILURE() << "open did not throw for " << file;
        return {};
    }

    bool has_sidecar_files(const std::filesystem::path& file) {
        for (const char* suffix : {"-wal", "-shm", "-journal"}) {
            if (std::filesystem::exists(file.string() + suffix)) return true;
        }
        return false;
    }
};

TEST_F(OpenTest, CreatesParentDirectoryAndDatabase) {
    Store::open(db_file_, StoreOptions{clock_});
    EXPECT_TRUE(std::filesystem::is_regular_file(db_file_));
}

TEST_F(OpenTest, UsesWalJournalForFileDatabases) {
    Store::open(db_file_, StoreOptions{clock_});
    EXPECT_EQ(query_text(db_file_, "PRAGMA journal_mode"), "wal");
}

TEST_F(OpenTest, GarbageFileThrowsAndIsLeftUntouched) {
    const std::string garbage(5000, 'x');
    const auto file = dir_.write("store/messages.db", "this is not sqlite\n" + garbage);
    const auto message = expect_fatal(file);
    EXPECT_THAT(message, HasSubstr("not a database"));
    EXPECT_EQ(TempDir::read(file), "this is not sqlite\n" + garbage);
    EXPECT_FALSE(has_sidecar_files(file));
}

TEST_F(OpenTest, TruncatedDatabaseThrowsAndIsLeftUntouched) {
    {
        auto store = Store::open(db_file_, StoreOptions{clock_});
        store.store_chat_metadata("group@g.us", "2024-01-01T00:00:00.000Z", "Group");
    }
    // Checkpointed at close, so the main file holds everything; cut it mid-schema.
    const auto whole = TempDir::read(db_file_);
    ASSERT_GT(whole.size(), 8192U);
    const auto cut = whole.substr(0, 4096 + 100);
    dir_.write("store/messages.db", cut);
    expect_fatal(db_file_);
    EXPECT_EQ(TempDir::read(db_file_), cut);
}

TEST_F(OpenTest, DirectoryInPlaceOfFileThrows) {
    std::filesystem::create_directories(db_file_);
    const auto message = expect_fatal(db_file_);
    EXPECT_THAT(message, HasSubstr("directory"));
    EXPECT_TRUE(std::filesystem::is_directory(db_file_));
}

TEST_F(OpenTest, UnreadableFileThrowsAndIsLeftUntouched) {
    if (geteuid() == 0) GTEST_SKIP() << "root can read a mode-000 file";
    { Store::open(db_file_, StoreOptions{clock_}); }
    const auto before = TempDir::read(db_file_);
    std::filesystem::permissions(db_file_, std::filesystem::perms::none);
    expect_fatal(db_file_);
    std::filesystem::permissions(db_file_, std::filesystem::perms::owner_read |
                                               std::filesystem::perms::owner_write);
    EXPECT_EQ(TempDir::read(db_file_), before);
}

TEST_F(OpenTest, UncreatableParentDirectoryThrows) {
    dir_.write("blocker", "a file where a directory should be");
    expect_fatal(dir_.path() / "blocker" / "messages.db");
}

TEST_F(OpenTest, EmptyFileIsTreatedAsNewDatabase) {
    const auto file = dir_.write("store/messages.db", "");
    auto store = Store::open(file, StoreOptions{clock_});
    store.set_router_state("k", "v");
    EXPECT_EQ(store.get_router_state("k"), "v");
}

TEST_F(OpenTest, ReopeningKeepsDataAndSchema) {
    {
        auto store = Store::open(db_file_, StoreOptions{clock_});
        store.store_chat_metadata("group@g.us", "2024-01-01T00:00:00.000Z");
        store.store_message(message("m1", "group@g.us", "hello", "2024-01-01T00:00:01.000Z"));
    }
    const auto schema = schema_text(db_file_);
    for (int i = 0; i < 2; ++i) {
        auto store = Store::open(db_file_, StoreOptions{clock_});
        EXPECT_EQ(store.get_messages_since("group@g.us", "", "Andy").size(), 1U);
    }
    EXPECT_EQ(schema_text(db_file_), schema);
}

TEST_F(OpenTest, ForeignKeysAreEnforced) {
    auto store = Store::open(db_file_, StoreOptions{clock_});
    EXPECT_THROW(
        store.store_message(message("m1", "unknown@g.us", "hi", "2024-01-01T00:00:01.000Z")),
        StoreError);
}

TEST_F(OpenTest, MovedStoreStaysUsable) {
    auto store = Store::open(db_file_, StoreOptions{clock_});
    Store moved = std::move(store);
    moved.set_session("main", "s1");
    EXPECT_EQ(moved.get_session("main"), "s1");
}

} // namespace
} // namespace nanoclaw::store::testing
