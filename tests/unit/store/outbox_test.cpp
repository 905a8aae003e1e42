// SPDX-License-Identifier: MIT
// The additive outbox table: FIFO per channel, progress and failures kept, survives a reopen,
// absent from a fresh schema until the first write.
#include <gmock/gmock.h>

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

using OutboxTest = MemoryStoreTest;

TEST_F(OutboxTest, EmptyBeforeAnyWriteAndNoTableCreatedByReads) {
    EXPECT_TRUE(store_.outbox_pending("telegram").empty());
    store_.outbox_progress(1, 1); // no table yet: a no-op, not an error
    store_.outbox_remove(1);
    EXPECT_TRUE(store_.outbox_pending("telegram").empty());
}

TEST_F(OutboxTest, EntriesComeBackPerChannelInOrder) {
    const auto a = store_.outbox_add("telegram", "tg:1", "first");
    const auto b = store_.outbox_add("whatsapp", "x@g.us", "other channel");
    const auto c = store_.outbox_add("telegram", "tg:2", "second");
    EXPECT_LT(a, c);
    const auto pending = store_.outbox_pending("telegram");
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].id, a);
    EXPECT_EQ(pending[0].jid, "tg:1");
    EXPECT_EQ(pending[0].text, "first");
    EXPECT_EQ(pending[0].sent_parts, 0);
    EXPECT_EQ(pending[1].text, "second");
    EXPECT_EQ(store_.outbox_pending("whatsapp").front().id, b);
}

TEST_F(OutboxTest, ProgressFailuresAndRemoval) {
    const auto id = store_.outbox_add("telegram", "tg:1", "long");
    store_.outbox_progress(id, 2);
    store_.outbox_failed_attempt(id, "network down");
    store_.outbox_failed_attempt(id, "HTTP 502");
    auto e = store_.outbox_pending("telegram").front();
    EXPECT_EQ(e.sent_parts, 2);
    EXPECT_EQ(e.attempts, 2);
    EXPECT_EQ(e.last_error, "HTTP 502");
    store_.outbox_remove(id);
    EXPECT_TRUE(store_.outbox_pending("telegram").empty());
}

TEST_F(OutboxTest, SurvivesAReopen) {
    TempDir dir;
    const auto file = dir.path() / "messages.db";
    {
        auto store = Store::open(file, StoreOptions{clock_});
        store.outbox_add("telegram", "tg:5", "kept across a crash");
    }
    auto store = Store::open(file, StoreOptions{clock_});
    const auto pending = store.outbox_pending("telegram");
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].text, "kept across a crash");
    EXPECT_FALSE(pending[0].created_at.empty());
}

} // namespace
} // namespace nanoclaw::store::testing
