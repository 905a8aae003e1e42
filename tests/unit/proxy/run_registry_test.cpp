// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/run_registry.hpp"

#include <set>

#include <gtest/gtest.h>

namespace nanoclaw::proxy {
namespace {

TEST(RunRegistryTest, TokensAreLongRandomHexAndMapToTheirGroup) {
    RunRegistry runs;
    const auto a = runs.add("main");
    const auto b = runs.add("family");
    EXPECT_EQ(a.size(), k_run_token_length);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(a, b);
    EXPECT_EQ(runs.lookup(a), "main");
    EXPECT_EQ(runs.lookup(b), "family");
    EXPECT_EQ(runs.size(), 2u);
}

TEST(RunRegistryTest, RemovedAndUnknownTokensAreRejected) {
    RunRegistry runs;
    const auto a = runs.add("main");
    runs.remove(a);
    runs.remove(a); // idempotent
    EXPECT_EQ(runs.lookup(a), std::nullopt);
    EXPECT_EQ(runs.lookup(""), std::nullopt);
    EXPECT_EQ(runs.lookup(std::string(k_run_token_length, '0')), std::nullopt);
    EXPECT_EQ(runs.size(), 0u);
}

// A warm container's token: refused until the container is taken, dead again after release.
TEST(RunRegistryTest, DormantTokenIsRefusedUntilActivatedAndDiesOnRelease) {
    RunRegistry runs;
    const auto t = runs.add("family", RunRegistry::Admission::dormant);
    EXPECT_EQ(t.size(), k_run_token_length);
    EXPECT_EQ(runs.lookup(t), std::nullopt);
    EXPECT_TRUE(runs.activate(t));
    EXPECT_EQ(runs.lookup(t), "family");
    runs.remove(t);
    EXPECT_EQ(runs.lookup(t), std::nullopt);
    EXPECT_FALSE(runs.activate(t)) << "a released token must never come back";
    EXPECT_EQ(runs.lookup(t), std::nullopt);
}

TEST(RunRegistryTest, ManyTokensNeverCollide) {
    RunRegistry runs;
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(runs.add("g"));
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(SplitRunTargetTest, StripsThePrefixAndKeepsPathAndQuery) {
    const auto t = split_run_target("/r/abc/v1/messages?beta=true");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->token, "abc");
    EXPECT_EQ(t->upstream_target, "/v1/messages?beta=true");
}

TEST(SplitRunTargetTest, BarePrefixBecomesRoot) {
    EXPECT_EQ(split_run_target("/r/abc")->upstream_target, "/");
    EXPECT_EQ(split_run_target("/r/abc/")->upstream_target, "/");
    EXPECT_EQ(split_run_target("/r/abc?x=1")->upstream_target, "/?x=1");
}

TEST(SplitRunTargetTest, RejectsTargetsWithoutAToken) {
    for (const char* bad : {"/v1/messages", "/r/", "/r//v1", "/r", "", "http://x/r/abc/v1", "/R/abc"}) {
        EXPECT_EQ(split_run_target(bad), std::nullopt) << bad;
    }
}

TEST(SplitRunTargetTest, PrefixRoundTrips) {
    EXPECT_EQ(split_run_target(run_path_prefix("tok") + "/v1/x")->token, "tok");
}

} // namespace
} // namespace nanoclaw::proxy
