// SPDX-License-Identifier: MIT
#include "nanoclaw/core/env_file.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"

using nanoclaw::core::js_parse_int;
using nanoclaw::core::js_trim;
using nanoclaw::core::parse_env_text;
using nanoclaw::core::read_env_file;

namespace {
const std::set<std::string> k_all{};
}

TEST(EnvFileTest, ParsesPlainKeyValue) {
    auto m = parse_env_text("A=1\nB=two\n", k_all);
    EXPECT_EQ(m.at("A"), "1");
    EXPECT_EQ(m.at("B"), "two");
}

TEST(EnvFileTest, TrimsKeysValuesAndCrLf) {
    auto m = parse_env_text("  KEY  =  value  \r\nOTHER=x\r\n", k_all);
    EXPECT_EQ(m.at("KEY"), "value");
    EXPECT_EQ(m.at("OTHER"), "x");
}

TEST(EnvFileTest, SkipsCommentsBlankLinesAndLinesWithoutEquals) {
    auto m = parse_env_text("# comment\n\n   # indented comment\nNOEQUALS\nA=1\n", k_all);
    EXPECT_EQ(m.size(), 1u);
    EXPECT_EQ(m.at("A"), "1");
}

TEST(EnvFileTest, SplitsAtFirstEquals) {
    auto m = parse_env_text("URL=http://x/?a=b=c\n", k_all);
    EXPECT_EQ(m.at("URL"), "http://x/?a=b=c");
}

TEST(EnvFileTest, StripsMatchingQuotesOnly) {
    auto m = parse_env_text("A=\"quoted\"\nB='single'\nC=\"mismatched'\nD=\"in\"side\"\n", k_all);
    EXPECT_EQ(m.at("A"), "quoted");
    EXPECT_EQ(m.at("B"), "single");
    EXPECT_EQ(m.at("C"), "\"mismatched'");
    EXPECT_EQ(m.at("D"), "in\"side");
}

TEST(EnvFileTest, LoneQuoteIsKeptAsLaterV1Does) {
    auto m = parse_env_text("A=\"\nB='\n", k_all);
    EXPECT_EQ(m.at("A"), "\"");
    EXPECT_EQ(m.at("B"), "'");
}

TEST(EnvFileTest, EmptyValuesAreNotStored) {
    auto m = parse_env_text("A=\nB=\"\"\nC=   \n", k_all);
    EXPECT_TRUE(m.empty());
}

TEST(EnvFileTest, LaterLineWins) {
    auto m = parse_env_text("A=1\nA=2\n", k_all);
    EXPECT_EQ(m.at("A"), "2");
}

TEST(EnvFileTest, ExportPrefixIsNotSupported) {
    auto m = parse_env_text("export A=1\n", k_all);
    EXPECT_FALSE(m.contains("A"));
    EXPECT_EQ(m.at("export A"), "1");
}

TEST(EnvFileTest, InlineCommentIsKeptVerbatim) {
    auto m = parse_env_text("A=value # not a comment\n", k_all);
    EXPECT_EQ(m.at("A"), "value # not a comment");
}

TEST(EnvFileTest, OnlyRequestedKeysAreReturned) {
    auto m = parse_env_text("A=1\nSECRET=s\n", {"A"});
    EXPECT_EQ(m.size(), 1u);
    EXPECT_EQ(m.at("A"), "1");
}

TEST(EnvFileTest, MissingFileGivesEmptyMap) {
    nanoclaw::testing::TempDir dir;
    EXPECT_TRUE(read_env_file(dir.path() / ".env", k_all).empty());
}

TEST(EnvFileTest, ReadsFileFromDisk) {
    nanoclaw::testing::TempDir dir;
    auto p = dir.write(".env", "ASSISTANT_NAME=Claw\r\n");
    EXPECT_EQ(read_env_file(p, {"ASSISTANT_NAME"}).at("ASSISTANT_NAME"), "Claw");
}

TEST(EnvFileTest, JsTrimRemovesUnicodeSpaces) {
    EXPECT_EQ(js_trim("\xC2\xA0 x \xE3\x80\x80"), "x");
    EXPECT_EQ(js_trim("\xEF\xBB\xBFy\xE2\x80\xA8"), "y");
    EXPECT_EQ(js_trim("   "), "");
    EXPECT_EQ(js_trim("\xC3\xA9"), "\xC3\xA9"); // é is not whitespace
}

TEST(EnvFileTest, JsParseIntFollowsParseIntPrefixRules) {
    EXPECT_EQ(js_parse_int("60000abc"), 60000);
    EXPECT_EQ(js_parse_int(" 42"), 42);
    EXPECT_EQ(js_parse_int("1e3"), 1);
    EXPECT_EQ(js_parse_int("2.7"), 2);
    EXPECT_EQ(js_parse_int("-3"), -3);
    EXPECT_EQ(js_parse_int("+7"), 7);
    EXPECT_FALSE(js_parse_int("abc").has_value());
    EXPECT_FALSE(js_parse_int("").has_value());
    EXPECT_FALSE(js_parse_int("-").has_value());
    EXPECT_EQ(js_parse_int("99999999999999999999999"), LLONG_MAX);
}

// --- js_trim (shared by the .env reader, the router and the runtime) ---

TEST(JsTrimTest, RemovesAsciiWhitespaceOnBothEnds) {
    EXPECT_EQ(js_trim(" \t\r\n\v\fhi there \n"), "hi there");
}

TEST(JsTrimTest, RemovesUnicodeWhitespaceJavaScriptTrims) {
    // NBSP, ideographic space, BOM, narrow NBSP, line separator.
    EXPECT_EQ(js_trim("\xC2\xA0\xE3\x80\x80\xEF\xBB\xBFhi\xE2\x80\xAF\xE2\x80\xA8"), "hi");
}

TEST(JsTrimTest, KeepsZeroWidthSpaceWhichIsNotWhitespaceInJavaScript) {
    EXPECT_EQ(js_trim("\xE2\x80\x8Bhi"), "\xE2\x80\x8Bhi");
}

TEST(JsTrimTest, AllWhitespaceBecomesEmpty) {
    EXPECT_EQ(js_trim(" \xC2\xA0 \n"), "");
}
TEST(JsTrimTest, EmptyStaysEmpty) {
    EXPECT_EQ(js_trim(""), "");
}

TEST(JsTrimTest, StopsAtMalformedBytes) {
    EXPECT_EQ(js_trim(" \xE3\x80 x \x80 "), "\xE3\x80 x \x80");
    // Continuation bytes of trimmed leading whitespace must not be mistaken for the tail.
    EXPECT_EQ(js_trim("\xE3\x80\x80\x80"), "\x80");
}
