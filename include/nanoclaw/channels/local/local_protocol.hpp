// SPDX-License-Identifier: MIT
// The local channel's wire format: one JSON object per line over a Unix socket
// (docs/local-channel.md). Pure functions, shared by the daemon side and the CLI clients.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>
#include <tl/expected.hpp>

namespace nanoclaw::channels::local {

/// JID prefix of local chats ("local:<chat>").
inline constexpr std::string_view k_jid_prefix = "local:";
/// Longest accepted line (either direction), newline excluded.
inline constexpr std::size_t k_max_line_bytes = std::size_t{1} << 20;
/// Chat used by the CLI clients when none is given.
inline constexpr std::string_view k_default_chat = "main";

/// A parsed client -> daemon line.
struct ClientRequest {
    /// daemon_status asks for the daemon's live state (`nanoclaw status`); sync_groups for a
    /// group sync on every channel that lists groups (`setup --step groups`). Neither has a chat.
    enum class Kind { message, subscribe, daemon_status, sync_groups };
    Kind kind = Kind::message;
    std::string chat;
    std::string sender; ///< "user" when the client sent none (message only)
    std::string text;   ///< message only
};

/// A parsed daemon -> client line.
struct ServerEvent {
    enum class Kind { message, typing, error, status };
    Kind kind = Kind::message;
    std::string chat;
    std::string text;    ///< message text, the error message, or the run's status
    bool on = false;     ///< typing only
    bool notice = false; ///< message only: from nanoclaw about a failure, not from the agent
};

/// nullopt when `chat` is 1-64 characters of [A-Za-z0-9_-]; otherwise the reason.
std::optional<std::string> chat_name_error(std::string_view chat);
/// "local:<chat>".
std::string jid_for(std::string_view chat);
/// The chat part of a "local:<chat>" JID, or nullopt when `jid` is not a valid local JID.
std::optional<std::string> chat_of(std::string_view jid);

/// Parses and validates one client line (without its newline); the error is sent to the client.
tl::expected<ClientRequest, std::string> parse_client_line(std::string_view line);
/// Parses one daemon line (used by the CLI clients).
tl::expected<ServerEvent, std::string> parse_server_line(std::string_view line);

/// Encoders; each returns one line including the trailing '\n'. Invalid UTF-8 is replaced.
std::string encode_message(std::string_view chat, std::string_view text);
std::string encode_typing(std::string_view chat, bool on);
/// A message from nanoclaw itself ({"type":"message",...,"notice":true}).
std::string encode_notice(std::string_view chat, std::string_view text);
/// What the chat's agent run is doing ({"type":"status","chat":c,"text":t}).
std::string encode_status(std::string_view chat, std::string_view text);
std::string encode_error(std::string_view message);
std::string encode_client_message(std::string_view chat, std::string_view sender,
                                  std::string_view text);
std::string encode_subscribe(std::string_view chat);
/// {"type":"daemon_status"}: the request `nanoclaw status` and `doctor` send.
std::string encode_daemon_status_request();
/// The answer to it: `state` (an object) with "type":"daemon_status" added.
std::string encode_daemon_status(nlohmann::json state);
/// {"type":"sync_groups"}: asks the daemon to sync every channel's groups now.
std::string encode_sync_groups_request();
/// The answer: {"type":"sync_groups","channels":[{"name","ok","groups","error"}...]}.
std::string encode_sync_groups(nlohmann::json channels);

} // namespace nanoclaw::channels::local
