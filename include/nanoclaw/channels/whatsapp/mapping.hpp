// SPDX-License-Identifier: MIT
// WhatsApp messages to stored rows, exactly as the reference (spec 30 §15.4-§15.7, §17.6): which
// text counts, who sent it, whether it is the assistant's own output, the `<name>: ` prefix on a
// shared number, and LID -> phone JID translation. Pure apart from the translation cache.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "nanoclaw/channels/channel.hpp"
#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::channels::whatsapp {

struct MappingOptions {
    std::string assistant_name = "Andy";
    bool assistant_has_own_number =
        false; ///< ASSISTANT_HAS_OWN_NUMBER=true: no prefix, fromMe = bot
};

/// The user part of a JID without device or server: "123:4@s.whatsapp.net" -> "123".
std::string jid_user(std::string_view jid);
/// A phone JID without device: "123:4@s.whatsapp.net" or "123" -> "123@s.whatsapp.net".
std::string phone_jid(std::string_view pn);
/// JIDs the channel sends to: `<id>@g.us` and `<phone>@s.whatsapp.net` (never `@lid`).
bool owns_whatsapp_jid(std::string_view jid);
/// The text sent for `text`: `<name>: text` on a shared number, `text` on the assistant's own.
std::string outgoing_text(std::string_view text, const MappingOptions& options);

/// LID user -> phone JID, learnt from the connected account, lid_mapping events and the message
/// fields the bridge resolved (kept in memory, as the reference).
class LidTranslator {
  public:
    /// The connected account (`id` "1234567890:1@s.whatsapp.net", `lid` "9876543210:1@lid"):
    /// its LID maps to its phone JID, device and server stripped (the reference kept the server
    /// when there was no device, so the mapping never matched).
    void set_own(std::string_view id, std::string_view lid);
    /// Records `lid` (a JID or a user part) -> `pn`; true when this changed the map.
    bool add(std::string_view lid, std::string_view pn);
    /// The phone JID for an `@lid` JID when known; any other JID unchanged.
    std::string translate(std::string_view jid) const;
    /// The account's own LID user part ("" before the first connection).
    const std::string& own_lid_user() const { return own_lid_user_; }
    std::size_t size() const { return map_.size(); }

  private:
    std::map<std::string, std::string, std::less<>> map_;
    std::string own_lid_user_;
};

/// What one `message` event comes to.
struct InboundMessage {
    std::string raw_jid;                     ///< remote_jid as the bridge sent it
    ChatMetadata chat;                       ///< reported for every message, registered or not
    std::optional<core::NewMessage> message; ///< registered chats with text only
    /// The JID was translated, yet no registered chat matches it (the reference warns).
    bool unmatched_translation = false;
    bool via_sender_pn = false; ///< senderPn resolved the chat (logged)
};

/// Maps one message (§15.4): nullopt when it is dropped outright (no JID, status@broadcast).
/// `registered` says whether a chat JID is a registered group, read live for every message.
std::optional<InboundMessage>
map_inbound(const MessageEvent& event, LidTranslator& lids, const MappingOptions& options,
            const std::function<bool(const std::string&)>& registered);

} // namespace nanoclaw::channels::whatsapp
