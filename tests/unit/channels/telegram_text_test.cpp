// SPDX-License-Identifier: MIT
// Text measured in UTF-16 units (spec 30 §14.4 step 3, §14.6; catalogue 30 §M 180-188, 203-204):
// translate_mentions on its own, and split_message.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nanoclaw/channels/telegram/mapping.hpp"

namespace nanoclaw::channels::telegram {
namespace {

using json = nlohmann::json;

json mention(int offset, int length) {
    return {{"type", "mention"}, {"offset", offset}, {"length", length}};
}

// UTF-16 length of valid UTF-8: one unit per lead byte, two for 4-byte sequences.
std::size_t utf16_length(const std::string& s) {
    std::size_t units = 0;
    for (const char ch : s) {
        const auto b = static_cast<unsigned char>(ch);
        if ((b & 0xC0) != 0x80) units += (b & 0xF8) == 0xF0 ? 2 : 1;
    }
    return units;
}

std::string repeat(const std::string& piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i)
        out += piece;
    return out;
}

std::string joined(const std::vector<std::string>& chunks) {
    std::string out;
    for (const auto& c : chunks)
        out += c;
    return out;
}

TEST(TelegramTranslateMentionsTest, TriggerCheckNeedsAWordBoundary) {
    EXPECT_EQ(translate_mentions("@Andyx @andy_ai_bot", json::array({mention(7, 12)}),
                                 "andy_ai_bot", "Andy"),
              "@Andy @Andyx @andy_ai_bot");
    EXPECT_EQ(translate_mentions("@ANDY, @andy_ai_bot", json::array({mention(7, 12)}),
                                 "andy_ai_bot", "Andy"),
              "@ANDY, @andy_ai_bot");
    // TRIGGER_PATTERN is anchored at the very start: leading space means no trigger yet.
    EXPECT_EQ(translate_mentions(" @Andy @andy_ai_bot", json::array({mention(7, 12)}),
                                 "andy_ai_bot", "Andy"),
              "@Andy  @Andy @andy_ai_bot");
}

TEST(TelegramTranslateMentionsTest, InvalidEntitiesAreSkipped) {
    const std::string text = "😀 @andy_ai_bot";
    const auto translated = [&](json entities) {
        return translate_mentions(text, entities, "andy_ai_bot", "Andy");
    };
    EXPECT_EQ(translated(json::array({mention(3, 13)})), text);  // one past the end
    EXPECT_EQ(translated(json::array({mention(40, 12)})), text); // starts past the end
    EXPECT_EQ(translated(json::array({mention(1, 12)})), text);  // cuts the emoji in half
    EXPECT_EQ(translated(json::array({mention(-1, 12)})), text);
    EXPECT_EQ(translated(json::array({{{"type", "mention"}, {"offset", 3.0}, {"length", 12}}})),
              text);
    EXPECT_EQ(translated(json::array({{{"type", "mention"}, {"offset", "3"}, {"length", 12}}})),
              text);
    EXPECT_EQ(translated(json::array({{{"type", "mention"}, {"offset", 3}}})), text);
    EXPECT_EQ(translated(json::array({{{"type", "mention"},
                                       {"offset", std::numeric_limits<std::uint64_t>::max()},
                                       {"length", std::numeric_limits<std::uint64_t>::max()}}})),
              text);
    EXPECT_EQ(translated(json::array({{{"type", 5}, {"offset", 3}, {"length", 12}}})), text);
    EXPECT_EQ(translated(json::array({"mention", 3, nullptr})), text);
    EXPECT_EQ(translated(json::object()), text);
    EXPECT_EQ(translated(json()), text);
    // A valid entity after invalid ones still counts.
    EXPECT_EQ(translated(json::array({mention(1, 12), "x", mention(3, 12)})), "@Andy " + text);
}

TEST(TelegramTranslateMentionsTest, BotNameComparisonIgnoresCase) {
    EXPECT_EQ(
        translate_mentions("@andy_ai_bot hi", json::array({mention(0, 12)}), "Andy_AI_Bot", "Andy"),
        "@Andy @andy_ai_bot hi");
    EXPECT_EQ(translate_mentions("@andy_ai_bot hi", json::array({mention(0, 12)}), "", "Andy"),
              "@andy_ai_bot hi");
}

TEST(TelegramTranslateMentionsTest, InvalidUtf8NeverThrows) {
    const std::string text = "\xff\xfe @andy_ai_bot \xf0\x9f";
    // Each malformed byte counts as one unit: the mention is at unit 3.
    EXPECT_EQ(translate_mentions(text, json::array({mention(3, 12)}), "andy_ai_bot", "Andy"),
              "@Andy " + text);
    EXPECT_NO_THROW(translate_mentions(text, json::array({mention(0, 1000)}), "andy_ai_bot", "A"));
}

TEST(TelegramSplitTest, ShortTextIsOneChunk) {
    EXPECT_EQ(split_message("Hello"), std::vector<std::string>{"Hello"});
    const std::string exact(4096, 'y');
    EXPECT_EQ(split_message(exact), std::vector<std::string>{exact});
}

TEST(TelegramSplitTest, EmptyTextGivesNoChunks) {
    EXPECT_TRUE(split_message("").empty());
}

TEST(TelegramSplitTest, LongTextIsSlicedEvery4096UnitsInOrder) {
    std::string text;
    for (int i = 0; i < 10000; ++i)
        text += static_cast<char>('a' + i % 26);
    const auto chunks = split_message(text);
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0], text.substr(0, 4096));
    EXPECT_EQ(chunks[1], text.substr(4096, 4096));
    EXPECT_EQ(chunks[2], text.substr(8192));
    EXPECT_EQ(chunks[2].size(), 1808u);

    const auto two = split_message(std::string(5000, 'x'));
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0], std::string(4096, 'x'));
    EXPECT_EQ(two[1], std::string(904, 'x'));
    EXPECT_EQ(split_message(std::string(4097, 'x')).size(), 2u);
}

TEST(TelegramSplitTest, BmpTextKeepsTheSliceBoundariesAcrossMultibyteCharacters) {
    // é and 日 are one UTF-16 unit each but 2 and 3 UTF-8 bytes.
    const auto chunks = split_message(repeat("é日", 2500)); // 5000 units
    ASSERT_EQ(chunks.size(), 2u);
    EXPECT_EQ(chunks[0], repeat("é日", 2048));
    EXPECT_EQ(chunks[1], repeat("é日", 452));
}

TEST(TelegramSplitTest, NeverCutsAnEmojiAtTheBoundary) {
    const std::string text = std::string(4095, 'a') + "😀" + "b";
    const auto chunks = split_message(text);
    ASSERT_EQ(chunks.size(), 2u);
    EXPECT_EQ(chunks[0], std::string(4095, 'a'));
    EXPECT_EQ(chunks[1], "😀b");

    // The emoji ends exactly on the limit: it stays in the first chunk.
    const std::string fits = std::string(4094, 'a') + "😀" + "b";
    const auto fitted = split_message(fits);
    ASSERT_EQ(fitted.size(), 2u);
    EXPECT_EQ(fitted[0], std::string(4094, 'a') + "😀");
    EXPECT_EQ(fitted[1], "b");
}

TEST(TelegramSplitTest, AstralOnlyTextFillsChunksToTheLimit) {
    const auto chunks = split_message(repeat("😀", 3000)); // 6000 units
    ASSERT_EQ(chunks.size(), 2u);
    EXPECT_EQ(chunks[0], repeat("😀", 2048));
    EXPECT_EQ(chunks[1], repeat("😀", 952));
}

TEST(TelegramSplitTest, MixedTextChunksStayWithinTheLimitAndRejoin) {
    const std::vector<std::string> pieces = {"a", "é", "日", "😀", "\n", "𝕏", " "};
    std::string text;
    std::uint32_t seed = 12345;
    for (int i = 0; i < 20000; ++i) {
        seed = seed * 1103515245u + 12345u;
        text += pieces[(seed >> 16) % pieces.size()];
    }
    for (const std::size_t limit : {std::size_t{4096}, std::size_t{100}, std::size_t{3}}) {
        const auto chunks = split_message(text, limit);
        EXPECT_EQ(joined(chunks), text);
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            EXPECT_LE(utf16_length(chunks[i]), limit);
            // Full chunks are full: the next character would not have fitted.
            if (i + 1 < chunks.size()) {
                EXPECT_GE(utf16_length(chunks[i]), limit - 1);
            }
        }
    }
}

TEST(TelegramSplitTest, TinyLimitsStillMakeProgress) {
    EXPECT_EQ(split_message("ab😀", 1), (std::vector<std::string>{"a", "b", "😀"}));
    EXPECT_EQ(split_message("ab", 0), (std::vector<std::string>{"a", "b"}));
}

TEST(TelegramSplitTest, MalformedUtf8CountsOneUnitPerByte) {
    const std::string text = "ab\xff\xf0\x9f" + std::string(4, 'c');
    // "\xf0\x9f" is a truncated 4-byte sequence: two malformed bytes, two units.
    const auto chunks = split_message(text, 4);
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0], "ab\xff\xf0");
    EXPECT_EQ(chunks[1], "\x9f"
                         "ccc");
    EXPECT_EQ(joined(chunks), text);
    // A valid 4-byte sequence after stray bytes is still kept whole.
    EXPECT_EQ(split_message("\xff😀", 2), (std::vector<std::string>{"\xff", "😀"}));
}

} // namespace
} // namespace nanoclaw::channels::telegram
