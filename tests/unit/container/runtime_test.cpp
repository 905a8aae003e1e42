// SPDX-License-Identifier: MIT
#include "nanoclaw/container/runtime.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nanoclaw::container {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(RuntimeTest, StopArgsUseOneSecondGrace) {
    EXPECT_THAT(stop_args("nanoclaw-test-123"), ElementsAre("stop", "-t", "1", "nanoclaw-test-123"));
    EXPECT_THAT(kill_args("nanoclaw-test-123"), ElementsAre("kill", "nanoclaw-test-123"));
}

TEST(RuntimeTest, StopRejectsShellMetacharacters) {
    for (const char* bad : {"foo; rm -rf /", "foo$(whoami)", "foo`id`", "", "-rm", "a b", "a\nb"}) {
        try {
            stop_args(bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const std::invalid_argument& e) {
            EXPECT_THAT(e.what(), HasSubstr("Invalid container name"));
        }
        EXPECT_THROW(kill_args(bad), std::invalid_argument);
    }
}

TEST(RuntimeTest, ValidNames) {
    EXPECT_TRUE(is_valid_container_name("nanoclaw-a_b.c-1"));
    EXPECT_FALSE(is_valid_container_name(".hidden"));
}

TEST(RuntimeTest, OrphansAreTrimmedAndEmptyLinesDropped) {
    EXPECT_THAT(select_orphans("nanoclaw-group1-111\nnanoclaw-group2-222\n", "host"),
                ElementsAre("nanoclaw-group1-111", "nanoclaw-group2-222"));
    EXPECT_TRUE(select_orphans("", "host").empty());
    EXPECT_THAT(select_orphans("  nanoclaw-a-1  \r\n\n", "host"), ElementsAre("nanoclaw-a-1"));
}

TEST(RuntimeTest, OrphanCleanupSkipsOwnHostname) {
    EXPECT_THAT(select_orphans("nanoclaw-docker-sandbox\nnanoclaw-x-1\n", "nanoclaw-docker-sandbox"),
                ElementsAre("nanoclaw-x-1"));
}

TEST(RuntimeTest, OrphanCleanupNeedsThePrefixNotASubstring) {
    EXPECT_THAT(select_orphans("my-nanoclaw-db\nnanoclaw-x-1\nnanoclaw-$(id)\n", "h"),
                ElementsAre("nanoclaw-x-1"));
}

} // namespace
} // namespace nanoclaw::container
