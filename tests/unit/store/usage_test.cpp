// SPDX-License-Identifier: MIT
// The additive token_usage table: lazy creation, reads before the first write, per-group sums.
#include <gmock/gmock.h>

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

using UsageTest = MemoryStoreTest;

TEST_F(UsageTest, EmptyBeforeAnyRecord) {
    EXPECT_TRUE(store_.usage_by_group().empty());
}

TEST_F(UsageTest, SumsPerGroupOrderedByFolder) {
    store_.record_usage(UsageRecord{"", "main", "claude-x", 10, 20, 30, 40});
    store_.record_usage(UsageRecord{"2024-01-01T00:00:00.000Z", "main", std::nullopt, 1, 2, 3, 4});
    store_.record_usage(UsageRecord{"", "alpha", "claude-y", 5, 0, 0, 0});
    EXPECT_EQ(store_.usage_by_group(),
              (std::vector<GroupUsage>{{"alpha", 1, 5, 0, 0, 0}, {"main", 2, 11, 22, 33, 44}}));
}

TEST_F(UsageTest, RecordedAtDefaultsToClock) {
    TempDir dir;
    const auto file = dir.path() / "messages.db";
    clock_.set(*core::parse_iso("2025-05-05T05:05:05.005Z"));
    {
        auto store = Store::open(file, StoreOptions{clock_});
        store.record_usage(UsageRecord{"", "main", {}, 1, 1, 0, 0});
    }
    EXPECT_EQ(query_text(file, "SELECT recorded_at FROM token_usage"), "2025-05-05T05:05:05.005Z");
    // A later run finds the table that an earlier run created.
    auto store = Store::open(file, StoreOptions{clock_});
    ASSERT_EQ(store.usage_by_group().size(), 1U);
    store.record_usage(UsageRecord{"", "main", {}, 1, 1, 0, 0});
    EXPECT_EQ(store.usage_by_group().front().runs, 2);
}

} // namespace
} // namespace nanoclaw::store::testing
