// SPDX-License-Identifier: MIT
#include "nanoclaw/core/group_folder.hpp"

#include <gtest/gtest.h>

using namespace nanoclaw::core;

TEST(GroupFolderTest, AcceptsValidNames) {
    for (const char* f : {"main", "family-chat", "Team_42", "whatsapp_main", "a", "0abc"}) {
        EXPECT_TRUE(is_valid_group_folder(f)) << f;
    }
    EXPECT_TRUE(is_valid_group_folder(std::string(64, 'a')));
}

TEST(GroupFolderTest, RejectsInvalidNames) {
    for (const char* f : {"../../etc", "/tmp", "global", "Global", "GLOBAL", "", "-x", "_x", "a b",
                          " main", "main ", "a/b", "a\\b", "a..b", "a.b", "caf\xC3\xA9", "main\n"}) {
        EXPECT_FALSE(is_valid_group_folder(f)) << f;
    }
    EXPECT_FALSE(is_valid_group_folder(std::string(65, 'a')));
}

TEST(GroupFolderTest, AssertThrowsWithV1Message) {
    try {
        assert_valid_group_folder("../x");
        FAIL() << "expected a throw";
    } catch (const InvalidGroupFolder& e) {
        EXPECT_STREQ(e.what(), "Invalid group folder \"../x\"");
    }
}

TEST(GroupFolderTest, ResolvesInsideBase) {
    EXPECT_EQ(resolve_group_path("/srv/nc/groups", "family"), std::filesystem::path("/srv/nc/groups/family"));
    EXPECT_EQ(resolve_group_path("/srv/nc/groups/", "main"), std::filesystem::path("/srv/nc/groups/main"));
    EXPECT_THROW(resolve_group_path("/srv/nc/groups", ".."), InvalidGroupFolder);
    EXPECT_THROW(resolve_group_path("/srv/nc/groups", "global"), InvalidGroupFolder);
}
