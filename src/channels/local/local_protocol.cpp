// SPDX-License-Identifier: MIT
#include "nanoclaw/channels/local/local_protocol.hpp"

#include <nlohmann/json.hpp>

namespace nanoclaw::channels::local {
namespace {

using json = nlohmann::json;

constexpr std::size_t k_max_chat = 64;
constexpr std::size_t k_max_sender = 128;

bool chat_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

// Every line we write must survive any text the agent produced, so invalid UTF-8 is replaced
// rather than making dump() throw.
std::string line_of(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

// A required string member; the error names the field so a client author can fix the request.
tl::expected<std::string, std::string> string_field(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return tl::unexpected(std::string("missing field \"") + key + "\"");
    if (!it->is_string())
        return tl::unexpected(std::string("field \"") + key + "\" must be a string");
    return it->get<std::string>();
}

// Senders end up in the agent's prompt; control characters (newlines) would garble it.
std::optional<std::string> sender_error(const std::string& sender) {
    if (sender.empty() || sender.size() > k_max_sender) return "sender must be 1-128 bytes";
    for (unsigned char c : sender) {
        if (c < 0x20 || c == 0x7f) return "sender must not contain control characters";
    }
    return std::nullopt;
}

tl::expected<ClientRequest, std::string> parse_request(const json& j) {
    auto type = string_field(j, "type");
    if (!type) return tl::unexpected(type.error());
    ClientRequest req;
    if (*type == "daemon_status" || *type == "sync_groups") {
        req.kind = *type == "daemon_status" ? ClientRequest::Kind::daemon_status
                                            : ClientRequest::Kind::sync_groups;
        return req;
    }
    if (*type == "subscribe") {
        req.kind = ClientRequest::Kind::subscribe;
    } else if (*type != "message") {
        return tl::unexpected("unknown type \"" + *type +
                              "\" (expected message, subscribe, daemon_status or sync_groups)");
    }
    auto chat = string_field(j, "chat");
    if (!chat) return tl::unexpected(chat.error());
    if (auto err = chat_name_error(*chat)) return tl::unexpected(*err);
    req.chat = std::move(*chat);
    if (req.kind == ClientRequest::Kind::subscribe) return req;

    auto text = string_field(j, "text");
    if (!text) return tl::unexpected(text.error());
    if (text->empty()) return tl::unexpected(std::string("text must not be empty"));
    req.text = std::move(*text);
    req.sender = "user";
    if (j.contains("sender")) {
        auto sender = string_field(j, "sender");
        if (!sender) return tl::unexpected(sender.error());
        if (auto err = sender_error(*sender)) return tl::unexpected(*err);
        req.sender = std::move(*sender);
    }
    return req;
}

} // namespace

std::optional<std::string> chat_name_error(std::string_view chat) {
    bool ok = !chat.empty() && chat.size() <= k_max_chat;
    for (char c : chat)
        ok = ok && chat_char(c);
    if (ok) return std::nullopt;
    return "invalid chat name (use 1-64 characters of A-Z a-z 0-9 _ -)";
}

std::string jid_for(std::string_view chat) {
    return std::string(k_jid_prefix) + std::string(chat);
}

std::optional<std::string> chat_of(std::string_view jid) {
    if (jid.substr(0, k_jid_prefix.size()) != k_jid_prefix) return std::nullopt;
    auto chat = jid.substr(k_jid_prefix.size());
    if (chat_name_error(chat)) return std::nullopt;
    return std::string(chat);
}

tl::expected<ClientRequest, std::string> parse_client_line(std::string_view line) {
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return tl::unexpected(std::string("invalid JSON"));
    if (!j.is_object()) return tl::unexpected(std::string("expected a JSON object"));
    return parse_request(j);
}

tl::expected<ServerEvent, std::string> parse_server_line(std::string_view line) {
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return tl::unexpected(std::string("invalid JSON"));
    auto type = string_field(j, "type");
    if (!type) return tl::unexpected(type.error());
    ServerEvent ev;
    if (*type == "error") {
        ev.kind = ServerEvent::Kind::error;
        // Not json::value(): it throws when "message" is there but not a string.
        const auto message = j.find("message");
        ev.text = message != j.end() && message->is_string() ? message->get<std::string>()
                                                              : std::string("unknown error");
        return ev;
    }
    auto chat = string_field(j, "chat");
    if (!chat) return tl::unexpected(chat.error());
    ev.chat = std::move(*chat);
    if (*type == "typing") {
        auto on = j.find("on");
        if (on == j.end() || !on->is_boolean()) return tl::unexpected(std::string("bad typing"));
        ev.kind = ServerEvent::Kind::typing;
        ev.on = on->get<bool>();
        return ev;
    }
    if (*type != "message" && *type != "status") {
        return tl::unexpected("unknown type \"" + *type + "\"");
    }
    auto text = string_field(j, "text");
    if (!text) return tl::unexpected(text.error());
    ev.text = std::move(*text);
    if (*type == "status") {
        ev.kind = ServerEvent::Kind::status;
    } else if (auto notice = j.find("notice"); notice != j.end() && notice->is_boolean()) {
        ev.notice = notice->get<bool>();
    }
    return ev;
}

std::string encode_message(std::string_view chat, std::string_view text) {
    return line_of({{"type", "message"}, {"chat", chat}, {"text", text}});
}

std::string encode_notice(std::string_view chat, std::string_view text) {
    return line_of({{"type", "message"}, {"chat", chat}, {"text", text}, {"notice", true}});
}

std::string encode_status(std::string_view chat, std::string_view text) {
    return line_of({{"type", "status"}, {"chat", chat}, {"text", text}});
}

std::string encode_typing(std::string_view chat, bool on) {
    return line_of({{"type", "typing"}, {"chat", chat}, {"on", on}});
}

std::string encode_error(std::string_view message) {
    return line_of({{"type", "error"}, {"message", message}});
}

std::string encode_client_message(std::string_view chat, std::string_view sender,
                                  std::string_view text) {
    return line_of({{"type", "message"}, {"chat", chat}, {"sender", sender}, {"text", text}});
}

std::string encode_subscribe(std::string_view chat) {
    return line_of({{"type", "subscribe"}, {"chat", chat}});
}

std::string encode_daemon_status_request() {
    return line_of({{"type", "daemon_status"}});
}

std::string encode_daemon_status(json state) {
    if (!state.is_object()) state = json::object();
    state["type"] = "daemon_status";
    return line_of(state);
}

std::string encode_sync_groups_request() {
    return line_of({{"type", "sync_groups"}});
}

std::string encode_sync_groups(json channels) {
    if (!channels.is_array()) channels = json::array();
    return line_of({{"type", "sync_groups"}, {"channels", std::move(channels)}});
}

} // namespace nanoclaw::channels::local
