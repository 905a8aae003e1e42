// SPDX-License-Identifier: MIT
// The Telegram update mapping (telegram::parse_update) on what getUpdates returns: the input is a
// reply body; each entry of its "result" list (or of a bare list, or the body itself) is mapped
// as the poller does, then the reply splitter and mention translation run on the message text.
// Invariants: never throws; an ignored update says why; anything else names a canonical chat JID
// and a canonical ".000Z" timestamp; a command has a reply; split chunks rebuild the text;
// mention translation only ever prepends the trigger.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "nanoclaw/channels/telegram/mapping.hpp"
#include "nanoclaw/core/iso_time.hpp"

using namespace nanoclaw;
using namespace nanoclaw::channels::telegram;
using nlohmann::json;

namespace {

const BotIdentity k_bot{777000111, "andy_ai_bot", "Andy"};

void check_split(const std::string& text, std::size_t max_units) {
    std::string joined;
    for (const auto& chunk : split_message(text, max_units)) {
        FUZZ_CHECK(!chunk.empty());
        joined += chunk;
    }
    FUZZ_CHECK(joined == text);
}

void check_update(const json& raw) {
    const auto u = parse_update(raw, k_bot, "Andy");
    using Kind = ParsedUpdate::Kind;
    if (u.kind == Kind::ignored) {
        FUZZ_CHECK(!u.ignore_reason.empty());
        return;
    }
    FUZZ_CHECK(u.update_id > 0);
    const auto id = chat_id_of(u.chat_jid);
    FUZZ_CHECK(id && jid_for_chat(*id) == u.chat_jid);
    if (u.kind == Kind::command) {
        FUZZ_CHECK(u.command != Command::none && !u.command_reply.empty());
        return;
    }
    FUZZ_CHECK(u.message.chat_jid == u.chat_jid && u.metadata.jid == u.chat_jid);
    const auto when = core::parse_iso(u.message.timestamp);
    FUZZ_CHECK(when && core::format_iso(*when) == u.message.timestamp);
    FUZZ_CHECK(u.message.timestamp.ends_with(".000Z"));
    check_split(u.message.content, k_max_message_units);
    check_split(u.message.content, 7);
    check_split(u.message.content, 1);

    const json* message = raw.contains("message") ? &raw["message"] : nullptr;
    if (message && message->is_object() && message->contains("text") && message->contains("entities")) {
        const auto& text = (*message)["text"].get_ref<const std::string&>();
        const auto translated = translate_mentions(text, (*message)["entities"], k_bot.username, "Andy");
        FUZZ_CHECK(translated == text || translated == "@Andy " + text);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto body = json::parse(fuzz::as_text(data, size), nullptr, false);
    if (body.is_discarded()) return 0;
    const json* updates = &body;
    if (body.is_object() && body.contains("result")) updates = &body["result"];
    try {
        if (updates->is_array()) {
            for (const auto& raw : *updates) check_update(raw);
        } else {
            check_update(*updates);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "telegram mapping threw: %s\n", e.what());
        std::abort();
    }
    for (const auto* name : {"andy_ai_bot", "", "x"})
        (void)parse_command(body.is_string() ? body.get_ref<const std::string&>() : "/ping@andy_ai_bot", name);
    return 0;
}
