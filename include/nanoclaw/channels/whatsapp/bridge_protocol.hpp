// SPDX-License-Identifier: MIT
// The JSON-lines protocol between nanoclaw and the WhatsApp bridge (docs/whatsapp-bridge-protocol.md):
// events the bridge prints on stdout, commands it reads on stdin. Pure: parsing never throws, and
// a line that is not a well-formed event says why, so the channel logs it and reads on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

namespace nanoclaw::channels::whatsapp {

/// A bridge line longer than this is dropped (the reader skips to the next newline).
inline constexpr std::size_t k_max_bridge_line = 1u << 20;

struct StartedEvent {
    std::string bridge_version, baileys_version;
    bool registered = false; ///< creds.registered in the auth dir: already paired
};
struct QrEvent {
    std::string data;
};
struct PairingCodeEvent {
    std::string code;
};
struct ConnectedEvent {
    std::string id, lid, name; ///< "1234567890:1@s.whatsapp.net", "9876543210:1@lid"
};
struct DisconnectedEvent {
    int reason = 0; ///< WhatsApp's status code; 0 = unknown
    std::string message;
};
/// Text fields of a message after the bridge removed wrapper types; empty when absent.
struct MessageContent {
    std::string conversation, extended_text, image_caption, video_caption;
};
struct MessageEvent {
    std::string upsert; ///< "notify" (live) or "append" (history, catch-up after a reconnect)
    std::string id, remote_jid, participant;
    bool from_me = false;
    std::string push_name;
    std::int64_t timestamp = 0; ///< seconds
    std::string sender_pn, remote_jid_pn, participant_pn;
    MessageContent content;
};
struct LidMappingEvent {
    std::string lid; ///< user part only
    std::string pn;  ///< "<digits>@s.whatsapp.net"
};
struct Group {
    std::string jid, subject;
};
struct GroupsEvent {
    std::int64_t request_id = 0;
    std::vector<Group> groups;
};
struct SentEvent {
    std::int64_t request_id = 0;
    std::string id;
};
struct SendFailedEvent {
    std::int64_t request_id = 0;
    std::string error;
};
struct ReceiptEvent {
    std::string id, jid, status;
};
struct CredsSavedEvent {};
struct LoggedOutEvent {};
struct ErrorEvent {
    std::string error;
    std::int64_t request_id = 0; ///< 0 when not about a request
};

using BridgeEvent =
    std::variant<StartedEvent, QrEvent, PairingCodeEvent, ConnectedEvent, DisconnectedEvent, MessageEvent,
                 LidMappingEvent, GroupsEvent, SentEvent, SendFailedEvent, ReceiptEvent, CredsSavedEvent,
                 LoggedOutEvent, ErrorEvent>;

/// One stdout line of the bridge (without its newline). An unknown `type`, a missing or mistyped
/// field, or text that is not a JSON object is an error naming the problem.
tl::expected<BridgeEvent, std::string> parse_bridge_event(std::string_view line);

/// Command lines for the bridge's stdin, each ending in '\n'.
std::string encode_connect();
std::string encode_send(std::int64_t request_id, std::string_view jid, std::string_view text);
std::string encode_presence(std::string_view jid, bool composing);
std::string encode_fetch_groups(std::int64_t request_id);
std::string encode_logout();
std::string encode_shutdown();

/// WhatsApp disconnect reasons the daemon acts on (Baileys' DisconnectReason).
inline constexpr int k_reason_logged_out = 401;
inline constexpr int k_reason_connection_replaced = 440;
inline constexpr int k_reason_restart_required = 515;

} // namespace nanoclaw::channels::whatsapp
