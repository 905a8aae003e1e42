// SPDX-License-Identifier: MIT
#include "nanoclaw/router/sender_allowlist.hpp"

#include <gtest/gtest.h>

#include "log_capture.hpp"
#include "temp_dir.hpp"

using namespace nanoclaw::router;
using nanoclaw::testing::LogCapture;
using nanoclaw::testing::TempDir;

namespace {

using Senders = std::vector<std::string>;

class SenderAllowlistTest : public ::testing::Test {
  protected:
    SenderAllowlist load(std::string_view json) {
        return load_sender_allowlist(dir_.write("sender-allowlist.json", json));
    }
    TempDir dir_;
};

bool is_default(const SenderAllowlist& a) {
    return a == SenderAllowlist{};
}

SenderAllowlist with_default(AllowlistEntry entry) {
    SenderAllowlist a;
    a.default_entry = std::move(entry);
    return a;
}

} // namespace

// --- catalog: allowlist › load ---

TEST_F(SenderAllowlistTest, MissingFileGivesAllowAllDefaultSilently) {
    LogCapture logs;
    const auto a = load_sender_allowlist(dir_.path() / "nope.json");
    EXPECT_TRUE(std::holds_alternative<AllowAnySender>(a.default_entry.allow));
    EXPECT_EQ(a.default_entry.mode, AllowlistMode::trigger);
    EXPECT_TRUE(a.log_denied);
    EXPECT_TRUE(a.chats.empty());
    EXPECT_EQ(logs.text(), "");
}

TEST_F(SenderAllowlistTest, LoadsAllowAll) {
    const auto a =
        load(R"({"default":{"allow":"*","mode":"trigger"},"chats":{},"logDenied":false})");
    EXPECT_TRUE(std::holds_alternative<AllowAnySender>(a.default_entry.allow));
    EXPECT_FALSE(a.log_denied);
}

TEST_F(SenderAllowlistTest, LoadsEmptyListAsDenyAll) {
    const auto a = load(R"({"default":{"allow":[],"mode":"trigger"}})");
    EXPECT_EQ(std::get<Senders>(a.default_entry.allow), Senders{});
}

TEST_F(SenderAllowlistTest, LoadsListAndDropMode) {
    const auto a = load(R"({"default":{"allow":["alice","bob"],"mode":"drop"}})");
    EXPECT_EQ(std::get<Senders>(a.default_entry.allow), (Senders{"alice", "bob"}));
    EXPECT_EQ(a.default_entry.mode, AllowlistMode::drop);
}

TEST_F(SenderAllowlistTest, LoadsPerChatOverride) {
    const auto a = load(R"({"default":{"allow":"*","mode":"trigger"},
                            "chats":{"group-a":{"allow":["alice"],"mode":"drop"}}})");
    ASSERT_EQ(a.chats.count("group-a"), 1U);
    EXPECT_EQ(std::get<Senders>(a.chats.at("group-a").allow), Senders{"alice"});
    EXPECT_EQ(a.chats.at("group-a").mode, AllowlistMode::drop);
}

TEST_F(SenderAllowlistTest, InvalidJsonGivesDefaultWithWarning) {
    LogCapture logs;
    EXPECT_TRUE(is_default(load("{ not valid json }}}")));
    EXPECT_TRUE(logs.contains("warning sender-allowlist: invalid JSON")) << logs.text();
}

TEST_F(SenderAllowlistTest, InvalidSchemaGivesDefaultWithWarning) {
    LogCapture logs;
    EXPECT_TRUE(is_default(load(R"({"default":{"oops":true}})")));
    EXPECT_TRUE(logs.contains("invalid or missing default entry")) << logs.text();
}

TEST_F(SenderAllowlistTest, NonStringListItemsInvalidateTheWholeFile) {
    LogCapture logs;
    EXPECT_TRUE(is_default(
        load(R"({"default":{"allow":[123,null,true],"mode":"trigger"},"logDenied":false})")));
    EXPECT_TRUE(logs.contains("invalid or missing default entry")) << logs.text();
}

TEST_F(SenderAllowlistTest, SkipsInvalidChatEntriesWithWarning) {
    LogCapture logs;
    const auto a = load(R"({"default":{"allow":"*","mode":"trigger"},
        "chats":{"good":{"allow":["alice"],"mode":"trigger"},"bad":{"allow":123}}})");
    EXPECT_EQ(a.chats.count("good"), 1U);
    EXPECT_EQ(a.chats.count("bad"), 0U);
    EXPECT_TRUE(logs.contains("skipping invalid chat entry jid=\"bad\"")) << logs.text();
}

// --- validity rules and quirk 12 ---

TEST(ParseSenderAllowlistTest, NullOrNonObjectRootGivesDefaultWithWarning) {
    for (const char* text : {"null", "[]", "42", "\"*\"", "true", ""}) {
        const auto parsed = parse_sender_allowlist(text);
        EXPECT_TRUE(is_default(parsed.allowlist)) << text;
        EXPECT_EQ(parsed.warnings.size(), 1U) << text;
    }
}

TEST(ParseSenderAllowlistTest, EntryRulesAreExact) {
    const char* invalid[] = {R"({"default":{"allow":"all","mode":"trigger"}})",
                             R"({"default":{"allow":"*","mode":"Drop"}})",
                             R"({"default":{"allow":"*"}})",
                             R"({"default":{"mode":"drop"}})",
                             R"({"default":{"allow":null,"mode":"drop"}})",
                             R"({"default":{"allow":{},"mode":"drop"}})",
                             R"({"default":{"allow":"*","mode":1}})",
                             R"({"default":null})",
                             R"({"default":["*","trigger"]})",
                             R"({"default":"*"})",
                             R"({"default":{"allow":[["a"]],"mode":"drop"}})",
                             R"({"Default":{"allow":"*","mode":"drop"}})"};
    for (const char* text : invalid) {
        EXPECT_TRUE(is_default(parse_sender_allowlist(text).allowlist)) << text;
    }
}

TEST(ParseSenderAllowlistTest, ExtraKeysAreIgnored) {
    const auto parsed =
        parse_sender_allowlist(R"({"default":{"allow":["a"],"mode":"drop","note":"x"},"extra":1})");
    EXPECT_EQ(parsed.allowlist, with_default({Senders{"a"}, AllowlistMode::drop}));
    EXPECT_TRUE(parsed.warnings.empty());
}

TEST(ParseSenderAllowlistTest, LogDeniedIsTrueUnlessLiterallyFalse) {
    const std::string base = R"({"default":{"allow":"*","mode":"trigger"},"logDenied":)";
    EXPECT_FALSE(parse_sender_allowlist(base + "false}").allowlist.log_denied);
    for (const char* v : {"true", "0", "null", "\"false\"", "[]"}) {
        EXPECT_TRUE(parse_sender_allowlist(base + v + "}").allowlist.log_denied) << v;
    }
}

TEST(ParseSenderAllowlistTest, ChatsThatAreNotObjectsAreIgnoredAndArraysUseIndexKeys) {
    const std::string base = R"({"default":{"allow":"*","mode":"trigger"},"chats":)";
    EXPECT_TRUE(parse_sender_allowlist(base + "\"x\"}").allowlist.chats.empty());
    EXPECT_TRUE(parse_sender_allowlist(base + "null}").allowlist.chats.empty());
    const auto arr = parse_sender_allowlist(base + R"([{"allow":["a"],"mode":"drop"},5]})");
    EXPECT_EQ(arr.allowlist.chats.count("0"), 1U);
    EXPECT_EQ(arr.warnings.size(), 1U);
}

TEST(ParseSenderAllowlistTest, DuplicateKeysKeepTheLastLikeJsonParse) {
    const auto parsed = parse_sender_allowlist(
        R"({"default":{"allow":"*","mode":"trigger"},"default":{"allow":["z"],"mode":"drop"}})");
    EXPECT_EQ(parsed.allowlist.default_entry, (AllowlistEntry{Senders{"z"}, AllowlistMode::drop}));
}

TEST(ParseSenderAllowlistTest, MalformedUtf8IsReplacedNotFatal) {
    const auto parsed =
        parse_sender_allowlist("{\"default\":{\"allow\":[\"a\xFF\"],\"mode\":\"trigger\"}}");
    EXPECT_EQ(std::get<Senders>(parsed.allowlist.default_entry.allow), Senders{"a\xEF\xBF\xBD"});
}

TEST(ParseSenderAllowlistTest, LeadingByteOrderMarkIsAccepted) {
    const auto parsed =
        parse_sender_allowlist("\xEF\xBB\xBF{\"default\":{\"allow\":\"*\",\"mode\":\"drop\"}}");
    EXPECT_TRUE(parsed.warnings.empty());
    EXPECT_EQ(parsed.allowlist.default_entry.mode, AllowlistMode::drop);
}

TEST(ParseSenderAllowlistTest, DeepNestingAndHugeInputDoNotCrash) {
    const std::string deep = R"({"default":{"allow":"*","mode":"trigger"},"x":)" +
                             std::string(100000, '[') + std::string(100000, ']') + "}";
    EXPECT_TRUE(parse_sender_allowlist(deep).warnings.empty());
    EXPECT_EQ(parse_sender_allowlist(std::string(1 << 20, '{')).warnings.size(), 1U);
}

TEST_F(SenderAllowlistTest, UnreadablePathWarnsAndGivesDefault) {
    LogCapture logs;
    std::filesystem::create_directories(dir_.path() / "is-a-dir");
    EXPECT_TRUE(is_default(load_sender_allowlist(dir_.path() / "is-a-dir")));
    EXPECT_TRUE(logs.contains("cannot read config")) << logs.text();
}

TEST_F(SenderAllowlistTest, OversizedFileWarnsAndGivesDefault) {
    LogCapture logs;
    const std::string big = R"({"default":{"allow":"*","mode":"drop"},"pad":")" +
                            std::string(17 * 1024 * 1024, 'x') + "\"}";
    EXPECT_TRUE(is_default(load(big)));
    EXPECT_TRUE(logs.contains("larger than 16 MiB")) << logs.text();
}

// --- catalog: allowlist › isSenderAllowed / shouldDropMessage / isTriggerAllowed ---

TEST(SenderAllowedTest, StarAllowsAnySender) {
    EXPECT_TRUE(is_sender_allowed(SenderAllowlist{}, "g1", "anyone"));
}

TEST(SenderAllowedTest, EmptyListDeniesEverySender) {
    EXPECT_FALSE(
        is_sender_allowed(with_default({Senders{}, AllowlistMode::trigger}), "g1", "anyone"));
}

TEST(SenderAllowedTest, ListAllowsExactMatchesOnly) {
    const auto a = with_default({Senders{"alice", "bob"}, AllowlistMode::trigger});
    EXPECT_TRUE(is_sender_allowed(a, "g1", "alice"));
    EXPECT_FALSE(is_sender_allowed(a, "g1", "eve"));
    EXPECT_FALSE(is_sender_allowed(a, "g1", "Alice"));
    EXPECT_FALSE(is_sender_allowed(a, "g1", "alice "));
    EXPECT_FALSE(is_sender_allowed(a, "g1", ""));
}

TEST(SenderAllowedTest, PerChatEntryBeatsDefault) {
    SenderAllowlist a;
    a.chats["g1"] = {Senders{"alice"}, AllowlistMode::trigger};
    EXPECT_FALSE(is_sender_allowed(a, "g1", "bob"));
    EXPECT_TRUE(is_sender_allowed(a, "g2", "bob"));
}

TEST(ShouldDropMessageTest, FollowsTheChatsMode) {
    EXPECT_FALSE(should_drop_message(SenderAllowlist{}, "g1"));
    EXPECT_TRUE(should_drop_message(with_default({AllowAnySender{}, AllowlistMode::drop}), "g1"));
    SenderAllowlist a;
    a.chats["g1"] = {AllowAnySender{}, AllowlistMode::drop};
    EXPECT_TRUE(should_drop_message(a, "g1"));
    EXPECT_FALSE(should_drop_message(a, "g2"));
}

TEST(TriggerAllowedTest, AllowsListedSenderWithoutLogging) {
    LogCapture logs;
    auto a = with_default({Senders{"alice"}, AllowlistMode::trigger});
    a.log_denied = false;
    EXPECT_TRUE(is_trigger_allowed(a, "g1", "alice"));
    EXPECT_FALSE(is_trigger_allowed(a, "g1", "eve"));
    EXPECT_EQ(logs.text(), "");
}

TEST(TriggerAllowedTest, LogsDenialAtDebugWhenLogDenied) {
    LogCapture logs;
    const auto a = with_default({Senders{"alice"}, AllowlistMode::trigger});
    EXPECT_FALSE(is_trigger_allowed(a, "g1", "eve"));
    EXPECT_TRUE(logs.contains("debug sender-allowlist: trigger denied for sender")) << logs.text();
    EXPECT_TRUE(logs.contains("sender=\"eve\"")) << logs.text();
}
