// SPDX-License-Identifier: MIT
#include "nanoclaw/container/marker_parser.hpp"

#include <random>

#include <gtest/gtest.h>

namespace nanoclaw::container {
namespace {

std::string framed(std::string_view json) {
    return std::string(k_output_start_marker) + "\n" + std::string(json) + "\n" +
           std::string(k_output_end_marker) + "\n";
}

std::vector<MarkerRecord> feed_in_pieces(MarkerParser& parser, std::string_view text,
                                         const std::vector<std::size_t>& cuts) {
    std::vector<MarkerRecord> all;
    std::size_t from = 0;
    for (auto cut : cuts) {
        for (auto& r : parser.feed(text.substr(from, cut - from))) all.push_back(std::move(r));
        from = cut;
    }
    for (auto& r : parser.feed(text.substr(from))) all.push_back(std::move(r));
    return all;
}

TEST(MarkerParserTest, ParsesOneRecordInOneChunk) {
    MarkerParser parser;
    auto records = parser.feed(framed(R"({"status":"success","result":"hi","newSessionId":"s1"})"));
    ASSERT_EQ(records.size(), 1u);
    ASSERT_TRUE(records[0]);
    EXPECT_EQ(records[0]->result, "hi");
    EXPECT_EQ(records[0]->new_session_id, "s1");
    EXPECT_EQ(records[0]->status, OutputStatus::success);
}

TEST(MarkerParserTest, RecordSplitAcrossThreeChunksInStartJsonAndEnd) {
    MarkerParser parser;
    const auto text = framed(R"({"status":"success","result":"Done"})");
    const auto records = feed_in_pieces(parser, text, {10, 40, text.size() - 8});
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]->result, "Done");
}

TEST(MarkerParserTest, TwoRecordsInOneChunkWithNoiseAroundKeepOrder) {
    MarkerParser parser;
    const auto text = "compiler noise\n" + framed(R"({"status":"success","result":"a"})") +
                      "stray print\n" + framed(R"({"status":"error","result":null,"error":"b"})") +
                      "tail";
    const auto records = parser.feed(text);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0]->result, "a");
    EXPECT_EQ(records[1]->status, OutputStatus::error);
    EXPECT_EQ(records[1]->result, std::nullopt);
    EXPECT_EQ(records[1]->error, "b");
}

TEST(MarkerParserTest, InvalidJsonIsReportedAndNextRecordStillParses) {
    MarkerParser parser;
    const auto records =
        parser.feed(framed("{not json") + framed(R"({"status":"success","result":"ok"})"));
    ASSERT_EQ(records.size(), 2u);
    EXPECT_FALSE(records[0]);
    ASSERT_TRUE(records[1]);
    EXPECT_EQ(records[1]->result, "ok");
}

TEST(MarkerParserTest, NonObjectPayloadIsRejected) {
    MarkerParser parser;
    const auto records = parser.feed(framed("[1,2]") + framed("\"text\""));
    ASSERT_EQ(records.size(), 2u);
    EXPECT_FALSE(records[0]);
    EXPECT_FALSE(records[1]);
}

TEST(MarkerParserTest, NullResultRecordIsDelivered) {
    MarkerParser parser;
    const auto records = parser.feed(framed(R"({"status":"success","result":null})"));
    ASSERT_EQ(records.size(), 1u);
    ASSERT_TRUE(records[0]);
    EXPECT_FALSE(records[0]->result.has_value());
}

TEST(MarkerParserTest, Utf8SplitInsideAMultibyteCharacterSurvives) {
    MarkerParser parser;
    const std::string json = "{\"status\":\"success\",\"result\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"}";
    const auto text = framed(json);
    const auto e_pos = text.find("\xC3") + 1;   // between the two bytes of é
    const auto emoji = text.find("\xF0") + 2;   // inside the 4-byte emoji
    const auto records = feed_in_pieces(parser, text, {e_pos, emoji});
    ASSERT_EQ(records.size(), 1u);
    ASSERT_TRUE(records[0]);
    EXPECT_EQ(*records[0]->result, "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(MarkerParserTest, InvalidUtf8InsidePayloadIsRejectedNotCrashing) {
    MarkerParser parser;
    const auto records = parser.feed(framed("{\"status\":\"success\",\"result\":\"\xFF\xFE\"}"));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_FALSE(records[0]);
}

TEST(MarkerParserTest, NoiseWithoutMarkersKeepsOnlyAMarkerSizedTail) {
    MarkerParser parser;
    const std::string noise(1 << 20, 'x');
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(parser.feed(noise).empty());
    EXPECT_LT(parser.buffered_bytes(), k_output_start_marker.size());
}

TEST(MarkerParserTest, StartMarkerSplitByNoiseBoundaryIsStillFound) {
    MarkerParser parser;
    const auto text = std::string(5000, 'n') + framed(R"({"status":"success","result":"x"})");
    const auto cut = 5000 + 7; // inside the start marker
    const auto records = feed_in_pieces(parser, text, {cut});
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]->result, "x");
}

TEST(MarkerParserTest, OversizedRecordIsDroppedAndMemoryStaysBounded) {
    MarkerParser parser(1024);
    std::vector<MarkerRecord> all;
    for (auto& r : parser.feed(std::string(k_output_start_marker) + "\n")) all.push_back(r);
    const std::string blob(4096, 'y');
    for (int i = 0; i < 100; ++i) {
        for (auto& r : parser.feed(blob)) all.push_back(r);
        EXPECT_LE(parser.buffered_bytes(), 1024u + 4096u + k_output_end_marker.size());
    }
    for (auto& r : parser.feed("\n" + std::string(k_output_end_marker) + "\n" +
                               framed(R"({"status":"success","result":"after"})"))) {
        all.push_back(r);
    }
    ASSERT_EQ(all.size(), 2u);
    EXPECT_FALSE(all[0]);
    ASSERT_TRUE(all[1]);
    EXPECT_EQ(all[1]->result, "after");
}

TEST(MarkerParserTest, UnterminatedRecordWaitsForMoreData) {
    MarkerParser parser;
    EXPECT_TRUE(parser.feed(std::string(k_output_start_marker) + "\n{\"status\":").empty());
    const auto records = parser.feed("\"success\",\"result\":\"late\"}\n" +
                                     std::string(k_output_end_marker));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]->result, "late");
}

// Fuzz-like: any split of a stream with noise and several records gives the same records.
TEST(MarkerParserTest, RandomSplitPointsAlwaysYieldTheSameRecords) {
    std::string text = "boot\n";
    for (int i = 0; i < 20; ++i) {
        text += "noise " + std::to_string(i) + " ---NANOCLAW_OUTPUT_E\n";
        text += framed(R"({"status":"success","result":"r)" + std::to_string(i) + "\"}");
        if (i % 5 == 0) text += framed("{broken");
    }
    std::mt19937 rng(12345);
    for (int round = 0; round < 300; ++round) {
        std::vector<std::size_t> cuts;
        std::uniform_int_distribution<std::size_t> pick(1, text.size() - 1);
        const int n = static_cast<int>(rng() % 40);
        for (int c = 0; c < n; ++c) cuts.push_back(pick(rng));
        if (round == 0) {
            cuts.clear();
            for (std::size_t c = 1; c < text.size(); ++c) cuts.push_back(c); // byte by byte
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        MarkerParser parser;
        const auto records = feed_in_pieces(parser, text, cuts);
        ASSERT_EQ(records.size(), 24u) << "round " << round;
        int good = 0;
        for (const auto& r : records) {
            if (r) {
                EXPECT_EQ(*r->result, "r" + std::to_string(good++));
            }
        }
        EXPECT_EQ(good, 20);
    }
}

} // namespace
} // namespace nanoclaw::container
