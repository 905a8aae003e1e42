// SPDX-License-Identifier: MIT
#include "nanoclaw/router/text.hpp"

#include <gtest/gtest.h>

using namespace nanoclaw::router;

// --- escape_xml (catalog: formatting › escapeXml) ---

TEST(EscapeXmlTest, EscapesAmpersands) {
    EXPECT_EQ(escape_xml("a & b"), "a &amp; b");
}
TEST(EscapeXmlTest, EscapesLessThan) {
    EXPECT_EQ(escape_xml("a < b"), "a &lt; b");
}
TEST(EscapeXmlTest, EscapesGreaterThan) {
    EXPECT_EQ(escape_xml("a > b"), "a &gt; b");
}
TEST(EscapeXmlTest, EscapesDoubleQuotes) {
    EXPECT_EQ(escape_xml("\"hello\""), "&quot;hello&quot;");
}

TEST(EscapeXmlTest, EscapesSeveralSpecialCharactersTogether) {
    EXPECT_EQ(escape_xml("a & b < c > d \"e\""), "a &amp; b &lt; c &gt; d &quot;e&quot;");
}

TEST(EscapeXmlTest, PassesPlainTextThrough) {
    EXPECT_EQ(escape_xml("hello world"), "hello world");
}
TEST(EscapeXmlTest, EmptyStaysEmpty) {
    EXPECT_EQ(escape_xml(""), "");
}

TEST(EscapeXmlTest, LeavesApostrophesAndExistingEntitiesAlone) {
    // Single pass: an existing entity's '&' is escaped again, exactly like v1's chained replaces.
    EXPECT_EQ(escape_xml("it's &amp;"), "it's &amp;amp;");
}

TEST(EscapeXmlTest, KeepsNonAsciiAndInvalidUtf8BytesVerbatim) {
    const std::string input = "caf\xC3\xA9 \xFF\xFE <";
    EXPECT_EQ(escape_xml(input), "caf\xC3\xA9 \xFF\xFE &lt;");
}

TEST(EscapeXmlTest, KeepsEmbeddedNulBytes) {
    const std::string input("a\0<", 3);
    EXPECT_EQ(escape_xml(input), std::string("a\0&lt;", 6));
}

// --- strip_internal_tags (catalog: formatting › stripInternalTags) ---

TEST(StripInternalTagsTest, StripsSingleLineBlock) {
    EXPECT_EQ(strip_internal_tags("hello <internal>secret</internal> world"), "hello  world");
}

TEST(StripInternalTagsTest, StripsMultiLineBlock) {
    EXPECT_EQ(strip_internal_tags("hello <internal>\nsecret\nstuff\n</internal> world"),
              "hello  world");
}

TEST(StripInternalTagsTest, StripsSeveralBlocks) {
    EXPECT_EQ(strip_internal_tags("<internal>a</internal>hello<internal>b</internal>"), "hello");
}

TEST(StripInternalTagsTest, OnlyInternalTextBecomesEmpty) {
    EXPECT_EQ(strip_internal_tags("<internal>only this</internal>"), "");
}

TEST(StripInternalTagsTest, LeavesUnclosedBlockUntouched) {
    EXPECT_EQ(strip_internal_tags("<internal>a</internal>keep <internal>unclosed"),
              "keep <internal>unclosed");
}

TEST(StripInternalTagsTest, FirstClosingTagEndsTheSpanWithoutNesting) {
    EXPECT_EQ(strip_internal_tags("<internal>x<internal>y</internal>z</internal>"), "z</internal>");
}

TEST(StripInternalTagsTest, TagsAreCaseSensitive) {
    EXPECT_EQ(strip_internal_tags("<INTERNAL>x</INTERNAL>"), "<INTERNAL>x</INTERNAL>");
}

TEST(StripInternalTagsTest, StrayClosingTagIsKept) {
    EXPECT_EQ(strip_internal_tags("a</internal>b"), "a</internal>b");
}

TEST(StripInternalTagsTest, EmptyBlockAndAdjacentBlocks) {
    EXPECT_EQ(strip_internal_tags("<internal></internal><internal>x</internal> ok "), "ok");
}

TEST(StripInternalTagsTest, HugeInputIsHandledLinearly) {
    std::string input;
    for (int i = 0; i < 20000; ++i)
        input += "<internal>secret</internal>word ";
    const auto out = strip_internal_tags(input);
    EXPECT_EQ(out.size(), std::string("word ").size() * 20000 - 1);
    EXPECT_EQ(out.find("secret"), std::string::npos);
}

// --- format_outbound (catalog: formatting › formatOutbound) ---

TEST(FormatOutboundTest, ReturnsPlainText) {
    EXPECT_EQ(format_outbound("hello world"), "hello world");
}

TEST(FormatOutboundTest, AllInternalBecomesEmpty) {
    EXPECT_EQ(format_outbound("<internal>hidden</internal>"), "");
}

TEST(FormatOutboundTest, StripsInternalFromRemainingText) {
    EXPECT_EQ(format_outbound("<internal>thinking</internal>The answer is 42"), "The answer is 42");
}

TEST(FormatOutboundTest, AddsNoAssistantPrefix) {
    EXPECT_EQ(format_outbound("  Andy: hi  "), "Andy: hi");
}
