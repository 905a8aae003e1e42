// SPDX-License-Identifier: MIT
#include "nanoclaw/router/gating.hpp"

#include <vector>

#include <gtest/gtest.h>

#include "log_capture.hpp"

using namespace nanoclaw::router;
using nanoclaw::core::NewMessage;
using nanoclaw::core::RegisteredGroup;

namespace {

constexpr std::string_view k_jid = "group@g.us";

RegisteredGroup group(std::optional<bool> is_main, std::optional<bool> requires_trigger,
                      std::string trigger = "@Andy") {
    RegisteredGroup g;
    g.name = "Test";
    g.folder = "test-group";
    g.trigger = std::move(trigger);
    g.is_main = is_main;
    g.requires_trigger = requires_trigger;
    return g;
}

NewMessage msg(std::string content, std::string sender = "alice", bool from_me = false) {
    NewMessage m;
    m.chat_jid = std::string(k_jid);
    m.sender = std::move(sender);
    m.sender_name = m.sender;
    m.content = std::move(content);
    m.timestamp = "2024-01-01T00:00:00.000Z";
    m.is_from_me = from_me;
    return m;
}

SenderAllowlist only(std::vector<std::string> senders) {
    SenderAllowlist a;
    a.default_entry.allow = std::move(senders);
    return a;
}

// The catalog's gating cases: default allowlist, the group's own matcher.
bool activates(const RegisteredGroup& g, std::vector<NewMessage> batch,
               const SenderAllowlist& allowlist = {}) {
    const auto matcher = TriggerMatcher::for_group(g.trigger, "Andy");
    return batch_activates_group(g, k_jid, batch, matcher, allowlist);
}

} // namespace

// --- catalog: formatting › trigger gating ---

TEST(GatingTest, MainGroupNeedsNoTrigger) {
    EXPECT_TRUE(activates(group(true, std::nullopt), {msg("hello no trigger")}));
}

TEST(GatingTest, MainGroupIgnoresRequiresTriggerTrue) {
    EXPECT_TRUE(activates(group(true, true), {msg("hello no trigger")}));
}

TEST(GatingTest, AbsentRequiresTriggerMeansTriggerNeeded) {
    EXPECT_FALSE(activates(group(std::nullopt, std::nullopt), {msg("hello no trigger")}));
    EXPECT_FALSE(activates(group(false, std::nullopt), {msg("hello no trigger")}));
}

TEST(GatingTest, RequiresTriggerTrueNeedsTrigger) {
    EXPECT_FALSE(activates(group(false, true), {msg("hello no trigger")}));
}

TEST(GatingTest, RequiresTriggerTrueActivatesOnTrigger) {
    EXPECT_TRUE(activates(group(false, true), {msg("@Andy do something")}));
}

TEST(GatingTest, UsesThePerGroupTrigger) {
    EXPECT_TRUE(activates(group(false, true, "@Claw"), {msg("@Claw do something")}));
    EXPECT_FALSE(activates(group(false, true, "@Claw"), {msg("@Andy do something")}));
}

TEST(GatingTest, RequiresTriggerFalseAlwaysActivates) {
    EXPECT_TRUE(activates(group(false, false), {msg("hello no trigger")}));
}

// --- spec 10 §8 / §12.4: the allowlist in trigger mode ---

TEST(GatingTest, DisallowedSendersTriggerDoesNotCount) {
    EXPECT_FALSE(activates(group(false, true), {msg("@Andy hi", "eve")}, only({"alice"})));
}

TEST(GatingTest, AllowedSendersTriggerCounts) {
    EXPECT_TRUE(activates(group(false, true), {msg("@Andy hi", "alice")}, only({"alice"})));
}

TEST(GatingTest, OwnMessagesTriggerEvenWhenNotAllowlisted) {
    EXPECT_TRUE(activates(group(false, true), {msg("@Andy hi", "me", true)}, only({})));
}

TEST(GatingTest, AnyActivatingMessageInTheBatchIsEnough) {
    EXPECT_TRUE(
        activates(group(false, true),
                  {msg("chatter", "bob"), msg("@Andy hi", "eve"), msg("  @andy go", "alice")},
                  only({"alice"})));
    EXPECT_FALSE(activates(group(false, true),
                           {msg("alice says @Andy", "alice"), msg("@Andy", "eve")},
                           only({"alice"})));
}

TEST(GatingTest, PerChatAllowlistEntryApplies) {
    SenderAllowlist a;
    a.chats[std::string(k_jid)] = {std::vector<std::string>{"alice"}, AllowlistMode::trigger};
    EXPECT_FALSE(activates(group(false, true), {msg("@Andy hi", "bob")}, a));
    const auto matcher = TriggerMatcher::for_group("@Andy", "Andy");
    const std::vector<NewMessage> batch{msg("@Andy hi", "bob")};
    EXPECT_TRUE(batch_activates_group(group(false, true), "other@g.us", batch, matcher, a));
}

TEST(GatingTest, AllowlistDoesNotGateMainOrTriggerlessGroups) {
    EXPECT_TRUE(activates(group(true, true), {msg("hi", "eve")}, only({})));
    EXPECT_TRUE(activates(group(false, false), {msg("hi", "eve")}, only({})));
}

TEST(GatingTest, EmptyBatchNeverActivates) {
    EXPECT_FALSE(activates(group(true, std::nullopt), {}));
    EXPECT_FALSE(activates(group(false, false), {}));
}

TEST(GatingTest, DenialIsLoggedOnlyForTriggerAttempts) {
    nanoclaw::testing::LogCapture logs;
    EXPECT_FALSE(activates(group(false, true), {msg("just chatting", "eve")}, only({"alice"})));
    EXPECT_EQ(logs.text(), "");
    EXPECT_FALSE(activates(group(false, true), {msg("@Andy", "eve")}, only({"alice"})));
    EXPECT_NE(logs.text().find("trigger denied"), std::string::npos) << logs.text();
}
