// SPDX-License-Identifier: MIT
// Parsing and the allow/drop predicates; reading the file lives in sender_allowlist_file.cpp.
#include "nanoclaw/router/sender_allowlist.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/core/unicode.hpp"

namespace nanoclaw::router {
namespace {

using nlohmann::json;

// Node decodes the file as UTF-8 with replacement characters, so a stray byte never makes the
// whole file unreadable there; nlohmann would reject it, hence this pass first.
std::string replace_malformed_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const auto unit = core::unicode::decode_utf8(text, pos);
        if (unit.code_point >= core::unicode::k_malformed_base)
            out += "\xEF\xBF\xBD";
        else
            out.append(text.substr(pos, unit.length));
        pos += unit.length;
    }
    return out;
}

std::optional<std::vector<std::string>> parse_sender_list(const json& allow) {
    if (!allow.is_array()) return std::nullopt;
    std::vector<std::string> senders;
    senders.reserve(allow.size());
    for (const auto& item : allow) {
        if (!item.is_string()) return std::nullopt;
        senders.push_back(item.get<std::string>());
    }
    return senders;
}

// v1's isValidEntry: an object whose "allow" is exactly "*" or an array of strings and whose
// "mode" is exactly "trigger" or "drop"; other keys are ignored.
std::optional<AllowlistEntry> parse_entry(const json& value) {
    if (!value.is_object()) return std::nullopt;
    const auto allow = value.find("allow");
    const auto mode = value.find("mode");
    if (allow == value.end() || mode == value.end() || !mode->is_string()) return std::nullopt;
    AllowlistEntry entry;
    const auto& mode_text = mode->get_ref<const std::string&>();
    if (mode_text == "trigger")
        entry.mode = AllowlistMode::trigger;
    else if (mode_text == "drop")
        entry.mode = AllowlistMode::drop;
    else
        return std::nullopt;
    if (allow->is_string() && allow->get_ref<const std::string&>() == "*") {
        entry.allow = AllowAnySender{};
    } else if (auto senders = parse_sender_list(*allow)) {
        entry.allow = std::move(*senders);
    } else {
        return std::nullopt;
    }
    return entry;
}

void add_chat_entry(ParsedAllowlist& out, const std::string& jid, const json& value) {
    if (auto entry = parse_entry(value)) {
        out.allowlist.chats.insert_or_assign(jid, std::move(*entry));
    } else {
        out.warnings.push_back(fmt::format("skipping invalid chat entry jid={:?}", jid));
    }
}

// JavaScript's `typeof x === 'object'` holds for arrays too; Object.entries then yields the
// indices as keys, so v1 accepts an array of entries keyed "0", "1", ... and so do we.
void parse_chats(ParsedAllowlist& out, const json& chats) {
    if (chats.is_object()) {
        for (const auto& [jid, value] : chats.items())
            add_chat_entry(out, jid, value);
    } else if (chats.is_array()) {
        for (std::size_t i = 0; i < chats.size(); ++i)
            add_chat_entry(out, std::to_string(i), chats[i]);
    }
}

} // namespace

ParsedAllowlist parse_sender_allowlist(std::string_view text) {
    ParsedAllowlist out;
    json root;
    try {
        root = json::parse(replace_malformed_utf8(text));
    } catch (const json::exception& e) {
        out.warnings.push_back(fmt::format("invalid JSON ({})", e.what()));
        return out;
    }
    if (!root.is_object()) {
        out.warnings.emplace_back("top level is not a JSON object; using the default");
        return out;
    }
    const auto default_entry = root.find("default");
    std::optional<AllowlistEntry> parsed_default;
    if (default_entry != root.end()) parsed_default = parse_entry(*default_entry);
    if (!parsed_default) {
        out.warnings.emplace_back("invalid or missing default entry; using the default");
        return out;
    }
    out.allowlist.default_entry = std::move(*parsed_default);
    if (const auto chats = root.find("chats"); chats != root.end()) parse_chats(out, *chats);
    const auto log_denied = root.find("logDenied");
    out.allowlist.log_denied =
        !(log_denied != root.end() && log_denied->is_boolean() && !log_denied->get<bool>());
    return out;
}

const AllowlistEntry& allowlist_entry_for(const SenderAllowlist& allowlist,
                                          std::string_view chat_jid) {
    const auto it = allowlist.chats.find(chat_jid);
    return it != allowlist.chats.end() ? it->second : allowlist.default_entry;
}

bool is_sender_allowed(const SenderAllowlist& allowlist, std::string_view chat_jid,
                       std::string_view sender) {
    const auto& allow = allowlist_entry_for(allowlist, chat_jid).allow;
    if (std::holds_alternative<AllowAnySender>(allow)) return true;
    const auto& senders = std::get<std::vector<std::string>>(allow);
    return std::find(senders.begin(), senders.end(), sender) != senders.end();
}

bool should_drop_message(const SenderAllowlist& allowlist, std::string_view chat_jid) {
    return allowlist_entry_for(allowlist, chat_jid).mode == AllowlistMode::drop;
}

bool is_trigger_allowed(const SenderAllowlist& allowlist, std::string_view chat_jid,
                        std::string_view sender) {
    const bool allowed = is_sender_allowed(allowlist, chat_jid, sender);
    if (!allowed && allowlist.log_denied) {
        spdlog::debug("sender-allowlist: trigger denied for sender chat_jid={:?} sender={:?}",
                      chat_jid, sender);
    }
    return allowed;
}

} // namespace nanoclaw::router
