// SPDX-License-Identifier: MIT
// Router cursors and sessions.
#include <gmock/gmock.h>

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

using StateTest = MemoryStoreTest;

TEST_F(StateTest, RouterStateIsAbsentThenReplaced) {
    EXPECT_EQ(store_.get_router_state("last_timestamp"), std::nullopt);
    store_.set_router_state("last_timestamp", "2024-01-01T00:00:00.000Z");
    store_.set_router_state("last_timestamp", "2024-01-01T00:00:01.000Z");
    EXPECT_EQ(store_.get_router_state("last_timestamp"), "2024-01-01T00:00:01.000Z");
    store_.set_router_state("last_agent_timestamp", R"({"a@g.us":"x"})");
    EXPECT_EQ(store_.get_router_state("last_agent_timestamp"), R"({"a@g.us":"x"})");
}

TEST_F(StateTest, SessionsSetReplaceListAndDelete) {
    EXPECT_EQ(store_.get_session("main"), std::nullopt);
    store_.set_session("main", "s1");
    store_.set_session("main", "s2");
    store_.set_session("family", "s3");
    EXPECT_EQ(store_.get_session("main"), "s2");
    EXPECT_EQ(store_.get_all_sessions(),
              (std::map<std::string, std::string>{{"family", "s3"}, {"main", "s2"}}));
    store_.delete_session("main");
    store_.delete_session("never-existed");
    EXPECT_EQ(store_.get_session("main"), std::nullopt);
    EXPECT_EQ(store_.get_all_sessions().size(), 1U);
}

} // namespace
} // namespace nanoclaw::store::testing
