// SPDX-License-Identifier: MIT
// Update builders for the Telegram mapping tests. The default update is the catalogue's F-TG text
// message (spec catalogue 30): group 100200300 "Test Group", from Alice (99001), message 1 at
// 2024-01-01T00:00:00Z; the bot is @andy_ai_bot and ASSISTANT_NAME is Andy.
#pragma once

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nanoclaw/channels/telegram/mapping.hpp"

namespace nanoclaw::channels::telegram::test_fixtures {

using json = nlohmann::json;
using Kind = ParsedUpdate::Kind;

inline const BotIdentity k_bot{12345, "andy_ai_bot", "Andy"};

inline json message_with(json fields) {
    json message = {
        {"message_id", 1},
        {"date", 1704067200},
        {"chat", {{"id", 100200300}, {"type", "group"}, {"title", "Test Group"}}},
        {"from",
         {{"id", 99001}, {"is_bot", false}, {"first_name", "Alice"}, {"username", "alice_user"}}}};
    message.update(fields);
    return {{"update_id", 7}, {"message", message}};
}

inline json text_update(const std::string& text, json entities = json::array()) {
    return message_with({{"text", text}, {"entities", std::move(entities)}});
}

inline json mention(int offset, int length, const char* type = "mention") {
    return {{"type", type}, {"offset", offset}, {"length", length}};
}

inline ParsedUpdate parse(const json& update) {
    return parse_update(update, k_bot, "Andy");
}

inline std::string content_of(const json& update) {
    const auto parsed = parse(update);
    EXPECT_EQ(parsed.kind, Kind::text) << parsed.ignore_reason;
    return parsed.message.content;
}

} // namespace nanoclaw::channels::telegram::test_fixtures
