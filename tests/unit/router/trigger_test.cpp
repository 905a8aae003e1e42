// SPDX-License-Identifier: MIT
#include "nanoclaw/router/trigger.hpp"

#include <gtest/gtest.h>

using namespace nanoclaw::router;

namespace {
const TriggerMatcher k_andy{default_trigger("Andy")};
} // namespace

// --- catalog: formatting › TRIGGER_PATTERN ---

TEST(TriggerMatcherTest, MatchesNameAtStart) {
    EXPECT_TRUE(k_andy.matches("@Andy hello"));
}

TEST(TriggerMatcherTest, MatchesCaseInsensitively) {
    EXPECT_TRUE(k_andy.matches("@andy hello"));
    EXPECT_TRUE(k_andy.matches("@ANDY hello"));
}

TEST(TriggerMatcherTest, DoesNotMatchLaterInMessage) {
    EXPECT_FALSE(k_andy.matches("hello @Andy"));
}
TEST(TriggerMatcherTest, RequiresWordBoundary) {
    EXPECT_FALSE(k_andy.matches("@Andyextra hello"));
}
TEST(TriggerMatcherTest, ApostropheIsABoundary) {
    EXPECT_TRUE(k_andy.matches("@Andy's thing"));
}
TEST(TriggerMatcherTest, EndOfTextIsABoundary) {
    EXPECT_TRUE(k_andy.matches("@Andy"));
}

TEST(TriggerMatcherTest, TrimsLeadingWhitespaceFirst) {
    EXPECT_TRUE(k_andy.matches("   @Andy hey"));
    EXPECT_TRUE(k_andy.matches("\n\t\xC2\xA0@Andy hey")); // NBSP is JavaScript whitespace
}

// --- spec 10 §1 examples ---

TEST(TriggerMatcherTest, SpecBoundaryExamples) {
    EXPECT_TRUE(k_andy.matches("@Andy, hi"));
    EXPECT_TRUE(k_andy.matches("@Andy\xC3\xA9")); // é is not an ASCII word character
    EXPECT_FALSE(k_andy.matches("@Andy_x"));
    EXPECT_FALSE(k_andy.matches("@Andy1"));
    EXPECT_TRUE(k_andy.matches("@Andy\nmore"));
    EXPECT_TRUE(k_andy.matches("@Andy."));
}

TEST(TriggerMatcherTest, NeedsTheAtSign) {
    EXPECT_FALSE(k_andy.matches("Andy hello"));
    EXPECT_FALSE(k_andy.matches("@ Andy"));
    EXPECT_FALSE(k_andy.matches("@And"));
}

TEST(TriggerMatcherTest, NameEndingInNonWordCharNeedsAWordCharAfterIt) {
    // v1 appends \b after the escaped name: after "!" a boundary exists only before a word char.
    const TriggerMatcher bot{default_trigger("Bot!")};
    EXPECT_TRUE(bot.matches("@Bot!x"));
    EXPECT_FALSE(bot.matches("@Bot! hello"));
    EXPECT_FALSE(bot.matches("@Bot!"));
}

TEST(TriggerMatcherTest, EmptyTriggerMatchesLikeABareWordBoundary) {
    const TriggerMatcher empty{""};
    EXPECT_TRUE(empty.matches("word"));
    EXPECT_FALSE(empty.matches("@word"));
    EXPECT_FALSE(empty.matches(""));
}

// --- catalog: formatting › getTriggerPattern [later v1], spec §16.2 ---

TEST(TriggerMatcherTest, UsesPerGroupTrigger) {
    const auto claw = TriggerMatcher::for_group("@Claw", "Andy");
    EXPECT_TRUE(claw.matches("@Claw hello"));
    EXPECT_FALSE(claw.matches("@Andy hello"));
    EXPECT_EQ(claw.trigger(), "@Claw");
}

TEST(TriggerMatcherTest, FallsBackToDefaultForMissingOrBlankTrigger) {
    EXPECT_TRUE(TriggerMatcher::for_group("", "Andy").matches("@Andy hello"));
    EXPECT_TRUE(TriggerMatcher::for_group(" \t\n", "Andy").matches("@Andy hello"));
    EXPECT_EQ(TriggerMatcher::for_group("  ", "Andy").trigger(), "@Andy");
}

TEST(TriggerMatcherTest, TrimsTheGroupTrigger) {
    const auto claw = TriggerMatcher::for_group("  @Claw \n", "Andy");
    EXPECT_EQ(claw.trigger(), "@Claw");
    EXPECT_TRUE(claw.matches("@claw do it"));
}

TEST(TriggerMatcherTest, RegexMetacharactersMatchLiterally) {
    const auto dotted = TriggerMatcher::for_group("@C.L.A.U.D.E", "Andy");
    EXPECT_TRUE(dotted.matches("@C.L.A.U.D.E hello"));
    EXPECT_FALSE(dotted.matches("@CXLXAUXDXE hello"));
    EXPECT_FALSE(dotted.matches("@CXLXAXUXDXE hello"));
    const TriggerMatcher regexy{"@a+b*(c)|[d]^$\\?{2}"};
    EXPECT_TRUE(regexy.matches("@A+B*(C)|[D]^$\\?{2}x"));
    EXPECT_FALSE(regexy.matches("@aab(c)|[d]^$\\?{2}x"));
}

// --- Unicode folding (JavaScript's non-Unicode-mode case-insensitivity) ---

TEST(TriggerMatcherTest, FoldsLatinGreekAndCyrillicLetters) {
    // The names end in an ASCII letter so the word boundary behaves as usual (see below).
    EXPECT_TRUE(TriggerMatcher{"@Zo\xC3\xABy"}.matches("@ZO\xC3\x8BY hi"));             // ë / Ë
    EXPECT_TRUE(TriggerMatcher{"@\xC5\x81ukasz"}.matches("@\xC5\x82UKASZ hi"));         // Ł / ł
    EXPECT_TRUE(TriggerMatcher{"@\xCE\xA3\xCF\x89s"}.matches("@\xCF\x83\xCE\xA9S hi")); // Σω / σΩ
    EXPECT_TRUE(TriggerMatcher{"@\xCE\xA3x"}.matches("@\xCF\x82x")); // final sigma
    EXPECT_TRUE(TriggerMatcher{"@\xD0\x91\xD0\xBE\xD1\x82"
                               "a"}
                    .matches("@\xD0\xB1\xD0\x9E\xD0\xA2"
                             "A x")); // Бот
    EXPECT_TRUE(TriggerMatcher{"@\xC3\xBF"
                               "a"}
                    .matches("@\xC5\xB8"
                             "a"));                                        // ÿ / Ÿ
    EXPECT_TRUE(TriggerMatcher{"@Bj\xC3\xB6rn"}.matches("@BJ\xC3\x96RN")); // ö / Ö
    EXPECT_FALSE(TriggerMatcher{"@Bj\xC3\xB6rn"}.matches("@Bjorn"));
}

TEST(TriggerMatcherTest, NameEndingInNonAsciiLetterNeedsAnAsciiWordCharAfterIt) {
    // v1 quirk kept for compatibility: without the Unicode flag \b sees only [A-Za-z0-9_], so
    // "@Zoë" followed by a space or the end of the message has no boundary and never triggers.
    const TriggerMatcher zoe{"@Zo\xC3\xAB"};
    EXPECT_FALSE(zoe.matches("@Zo\xC3\xAB hi"));
    EXPECT_FALSE(zoe.matches("@ZO\xC3\x8B"));
    EXPECT_TRUE(zoe.matches("@ZO\xC3\x8Bx"));
}

TEST(TriggerMatcherTest, DoesNotFoldNonAsciiIntoAscii) {
    // Long s and dotless i upper-case to ASCII S and I, which JavaScript's rule refuses.
    EXPECT_FALSE(TriggerMatcher{"@s"}.matches("@\xC5\xBF"));
    EXPECT_FALSE(TriggerMatcher{"@i"}.matches("@\xC4\xB1"));
    // The Kelvin sign is not the letter k; sharp s is not "ss".
    EXPECT_FALSE(TriggerMatcher{"@k"}.matches("@\xE2\x84\xAA"));
    EXPECT_FALSE(TriggerMatcher{"@ss"}.matches("@\xC3\x9F"));
}

TEST(TriggerMatcherTest, OtherCharactersMatchOnlyExactly) {
    const TriggerMatcher emoji{"@\xF0\x9F\xA4\x96"
                               "bot"}; // robot face
    EXPECT_TRUE(emoji.matches("@\xF0\x9F\xA4\x96"
                              "BOT hi"));
    EXPECT_FALSE(emoji.matches("@\xF0\x9F\xA4\x97"
                               "bot hi"));
}

// --- hostile input ---

TEST(TriggerMatcherTest, InvalidUtf8NeverCrashesAndMatchesOnlyItself) {
    EXPECT_FALSE(k_andy.matches("\xFF\xFE\xFD"));
    EXPECT_FALSE(k_andy.matches("@And\xC3"));
    EXPECT_TRUE(k_andy.matches("@Andy\xFF"));
    const TriggerMatcher odd{"@x\xC3(y"};
    EXPECT_TRUE(odd.matches("@X\xC3(Y hi"));
    EXPECT_FALSE(odd.matches("@X\xC3\xA9(y hi"));
    EXPECT_FALSE(odd.matches("@X\xC3(Y_ hi"));
}

TEST(TriggerMatcherTest, EmptyAndHugeMessages) {
    EXPECT_FALSE(k_andy.matches(""));
    EXPECT_FALSE(k_andy.matches("   "));
    const std::string huge_hit = "@Andy " + std::string(4 << 20, 'a');
    const std::string huge_miss = std::string(4 << 20, ' ') + "@Andyx";
    EXPECT_TRUE(k_andy.matches(huge_hit));
    EXPECT_FALSE(k_andy.matches(huge_miss));
}

TEST(TriggerMatcherTest, EmbeddedNulIsAnOrdinaryNonWordCharacter) {
    EXPECT_TRUE(k_andy.matches(std::string("@Andy\0x", 7)));
    EXPECT_FALSE(k_andy.matches(std::string("@An\0dy", 6)));
}
