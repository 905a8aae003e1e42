// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/secret.hpp"

#include <gtest/gtest.h>

namespace nanoclaw::proxy {
namespace {

TEST(SecretTest, HoldsAndComparesItsValue) {
    const Secret s("sk-ant-1234");
    EXPECT_EQ(s.reveal(), "sk-ant-1234");
    EXPECT_FALSE(s.empty());
    EXPECT_TRUE(Secret().empty());
    EXPECT_EQ(Secret("a"), Secret("a"));
}

TEST(SecretTest, MovedFromIsEmptiedAndCopiesAreIndependent) {
    Secret a("token-value");
    Secret copy = a;
    Secret moved = std::move(a);
    EXPECT_TRUE(a.empty()); // NOLINT(bugprone-use-after-move): the wipe is the contract
    EXPECT_EQ(moved.reveal(), "token-value");
    EXPECT_EQ(copy.reveal(), "token-value");
    copy = Secret("other");
    EXPECT_EQ(copy.reveal(), "other");
    moved = copy;
    EXPECT_EQ(moved.reveal(), "other");
}

} // namespace
} // namespace nanoclaw::proxy
