// SPDX-License-Identifier: MIT
// The usage scanner against a parsed tree (nlohmann::json) as the oracle: every document, its
// every truncation and thousands of one-byte mutations must read the same both ways.
#include "usage_fields.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace nanoclaw::proxy {
namespace {

using nlohmann::json;

std::string string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::int64_t> count_field(const json& usage, const char* key) {
    const auto it = usage.find(key);
    if (it == usage.end() || !it->is_number_integer()) return std::nullopt;
    if (it->is_number_unsigned()) {
        const auto v = it->get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
        return static_cast<std::int64_t>(v);
    }
    const auto v = it->get<std::int64_t>();
    return v >= 0 ? std::optional<std::int64_t>(v) : std::nullopt;
}

UsageFields::Usage usage_field(const json& object) {
    const auto it = object.find("usage");
    if (it == object.end() || !it->is_object()) return {};
    return {true,
            {count_field(*it, "input_tokens"), count_field(*it, "output_tokens"),
             count_field(*it, "cache_creation_input_tokens"), count_field(*it, "cache_read_input_tokens")}};
}

std::optional<UsageFields> oracle(std::string_view text) {
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    // nlohmann skips a leading byte-order mark; the scanner does not (no API sends one).
    UsageFields f;
    f.type = string_field(doc, "type");
    f.model = string_field(doc, "model");
    f.usage = usage_field(doc);
    const auto message = doc.find("message");
    if (message != doc.end() && message->is_object()) {
        f.message_object = true;
        f.message_model = string_field(*message, "model");
        f.message_usage = usage_field(*message);
    }
    return f;
}

const std::vector<std::string> k_documents = {
    R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"Hi \"there\"\n\u00e9\ud83d\ude00"}],"stop_reason":"end_turn","usage":{"input_tokens":12,"output_tokens":34,"cache_creation_input_tokens":0,"cache_read_input_tokens":7}})",
    R"({"type":"message_start","message":{"id":"m","model":"claude-y","usage":{"input_tokens":25,"output_tokens":1}}})",
    R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15,"input_tokens":-0}})",
    R"( { "usage" : { "input_tokens" : 1.5 , "output_tokens" : 1e3, "cache_read_input_tokens": 18446744073709551616 } , "model" : null } )",
    R"({"us\u0061ge":{"input_tokens":9223372036854775807,"output_tokens":9223372036854775808},"m\u006fdel":"\u2603"})",
    R"({"usage":{"input_tokens":1},"usage":{"output_tokens":2},"message":{"usage":[]},"message":{"model":"z"}})",
    R"({"a":[[[{"usage":{"input_tokens":5}}]]],"b":{"message":{"model":"deep"}},"type":["message_start"],"usage":true})",
    "{\"model\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"usage\":{}}",
    R"({"type":"message_start","message":{"model":"m","usage":{"input_tokens":3}},"message":"replaced"})",
    R"({"e":"\/\b\f\r\t\\","n":[true,false,null,-1,0,0.0,-0.5e-7,1E+2],"usage":{"output_tokens":0}})",
};

TEST(UsageFieldsTest, ReadsTheFieldsUsageNeeds) {
    const auto f = read_usage_fields(k_documents[0]);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->type, "message");
    EXPECT_EQ(f->model, "claude-x");
    EXPECT_TRUE(f->usage.object);
    EXPECT_EQ(f->usage.counts.input, 12);
    EXPECT_EQ(f->usage.counts.cache_read, 7);
    const auto start = read_usage_fields(k_documents[1]);
    ASSERT_TRUE(start);
    EXPECT_TRUE(start->message_object);
    EXPECT_EQ(start->message_model, "claude-y");
    EXPECT_EQ(start->message_usage.counts.input, 25);
    const auto escaped = read_usage_fields(k_documents[4]);
    ASSERT_TRUE(escaped);
    EXPECT_EQ(escaped->model, "\xe2\x98\x83");
    EXPECT_EQ(escaped->usage.counts.input, INT64_MAX);
    EXPECT_EQ(escaped->usage.counts.output, std::nullopt);
}

TEST(UsageFieldsTest, AgreesWithAParsedTreeOnEveryDocument) {
    for (const auto& doc : k_documents) {
        ASSERT_TRUE(oracle(doc)) << "the seed must be valid JSON: " << doc;
        EXPECT_EQ(read_usage_fields(doc), oracle(doc)) << doc;
    }
}

TEST(UsageFieldsTest, AgreesOnEveryTruncation) {
    for (const auto& doc : k_documents) {
        for (std::size_t n = 0; n < doc.size(); ++n) {
            const std::string_view cut(doc.data(), n);
            EXPECT_EQ(read_usage_fields(cut), oracle(cut)) << cut;
        }
    }
}

TEST(UsageFieldsTest, AgreesOnOneByteMutations) {
    // No NUL byte: nlohmann ends its input at one, so "{...}\0junk" passes there (see
    // RejectsWhatIsNotOneObject for the scanner's stricter answer).
    const std::string bytes = "\"\\{}[]:,0-9e.+ uxtfn/\x01\x7f\x80\xbf\xc0\xc3\xe0\xed\xf0\xf4\xf5";
    std::size_t checked = 0;
    for (const auto& doc : k_documents) {
        for (std::size_t at = 0; at < doc.size(); ++at) {
            for (const char b : bytes) {
                std::string mutated = doc;
                mutated[at] = b;
                ASSERT_EQ(read_usage_fields(mutated), oracle(mutated)) << mutated;
                std::string inserted = doc;
                inserted.insert(at, 1, b);
                ASSERT_EQ(read_usage_fields(inserted), oracle(inserted)) << inserted;
                checked += 2;
            }
        }
    }
    EXPECT_GT(checked, 50'000u);
}

TEST(UsageFieldsTest, RejectsWhatIsNotOneObject) {
    for (std::string_view bad : {"", " ", "[]", "\"usage\"", "1", "null", "{} {}", "{}x", "{,}",
                                 "{\"a\":1,}", "{\"a\" 1}", "{'a':1}", "{\"a\":01}", "{\"a\":-}",
                                 "{\"a\":1.}", "{\"a\":.5}", "{\"a\":tru}", "{\"a\":\"\\x\"}",
                                 "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\t\"}",
                                 "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}"}) {
        EXPECT_EQ(read_usage_fields(bad), std::nullopt) << bad;
    }
    using namespace std::string_view_literals;
    EXPECT_EQ(read_usage_fields("{\"usage\":{}}\0junk"sv), std::nullopt);
    EXPECT_EQ(read_usage_fields("{\"a\":\"x\0y\",\"usage\":{}}"sv), std::nullopt);
    EXPECT_EQ(read_usage_fields("{\"a\":1e999,\"usage\":{}}"sv), std::nullopt);
}

TEST(UsageFieldsTest, DeepNestingCostsNoStack) {
    std::string deep = "{\"a\":" + std::string(200'000, '[') + std::string(200'000, ']') +
                       ",\"usage\":{\"input_tokens\":4}}";
    const auto f = read_usage_fields(deep);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->usage.counts.input, 4);
}

} // namespace
} // namespace nanoclaw::proxy
