// SPDX-License-Identifier: MIT
// The reference's inbound rules (spec 30 §15.4) in order, with its later LID handling (§17.6):
// the chat is reported for every message, the row only for registered chats with text.
#include "nanoclaw/channels/whatsapp/mapping.hpp"

#include <chrono>

#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::channels::whatsapp {
namespace {

constexpr std::string_view k_phone_server = "@s.whatsapp.net";

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_lid(std::string_view jid) {
    return ends_with(jid, "@lid");
}

// The first non-empty of conversation, extended text, image caption, video caption (§15.4.8).
std::string text_of(const MessageContent& c) {
    for (const auto* field :
         {&c.conversation, &c.extended_text, &c.image_caption, &c.video_caption})
        if (!field->empty()) return *field;
    return {};
}

// WhatsApp writes a mention of the linked account as "@<its LID user>": the first one becomes
// "@<assistant name>" so that mentioning the account triggers the assistant (§17.6).
void rewrite_own_mention(std::string& content, const std::string& own_lid_user,
                         const std::string& assistant_name) {
    if (own_lid_user.empty()) return;
    const auto mention = "@" + own_lid_user;
    if (const auto at = content.find(mention); at != std::string::npos)
        content.replace(at, mention.size(), "@" + assistant_name);
}

// The chat JID: the cache, else the phone JID the bridge's LID store knew, else the message
// key's senderPn (§15.6, §17.6); each answer is cached.
std::string resolve_chat(const MessageEvent& event, LidTranslator& lids, bool& via_sender_pn) {
    std::string chat = lids.translate(event.remote_jid);
    if (is_lid(chat) && !event.remote_jid_pn.empty()) {
        lids.add(event.remote_jid, event.remote_jid_pn);
        chat = lids.translate(event.remote_jid);
    }
    if (is_lid(chat) && !event.sender_pn.empty()) {
        lids.add(event.remote_jid, event.sender_pn);
        chat = lids.translate(event.remote_jid);
        via_sender_pn = true;
    }
    return chat;
}

} // namespace

std::string jid_user(std::string_view jid) {
    auto user = jid.substr(0, jid.find('@'));
    return std::string(user.substr(0, user.find(':')));
}

std::string phone_jid(std::string_view pn) {
    return jid_user(pn) + std::string(k_phone_server);
}

bool owns_whatsapp_jid(std::string_view jid) {
    return ends_with(jid, "@g.us") || ends_with(jid, k_phone_server);
}

std::string outgoing_text(std::string_view text, const MappingOptions& options) {
    if (options.assistant_has_own_number) return std::string(text);
    return options.assistant_name + ": " + std::string(text);
}

void LidTranslator::set_own(std::string_view id, std::string_view lid) {
    const auto phone_user = jid_user(id);
    const auto lid_user = jid_user(lid);
    if (phone_user.empty() || lid_user.empty()) return;
    own_lid_user_ = lid_user;
    add(lid_user, phone_user);
}

bool LidTranslator::add(std::string_view lid, std::string_view pn) {
    const auto key = jid_user(lid);
    if (key.empty() || jid_user(pn).empty()) return false;
    auto value = phone_jid(pn);
    auto [it, inserted] = map_.try_emplace(key, value);
    if (inserted) return true;
    if (it->second == value) return false;
    it->second = std::move(value);
    return true;
}

std::string LidTranslator::translate(std::string_view jid) const {
    if (!is_lid(jid)) return std::string(jid);
    if (auto it = map_.find(jid_user(jid)); it != map_.end()) return it->second;
    return std::string(jid);
}

std::optional<InboundMessage>
map_inbound(const MessageEvent& event, LidTranslator& lids, const MappingOptions& options,
            const std::function<bool(const std::string&)>& registered) {
    if (event.remote_jid.empty() || event.remote_jid == "status@broadcast") return std::nullopt;
    // A participant the bridge resolved teaches a mapping for later DMs.
    if (is_lid(event.participant) && !event.participant_pn.empty())
        lids.add(event.participant, event.participant_pn);

    InboundMessage out;
    out.raw_jid = event.remote_jid;
    const auto chat = resolve_chat(event, lids, out.via_sender_pn);
    const auto timestamp = core::format_iso(core::TimePoint(std::chrono::seconds(event.timestamp)));
    out.chat = ChatMetadata{chat, timestamp, std::nullopt, std::string("whatsapp"),
                            ends_with(chat, "@g.us")};
    if (!registered(chat)) {
        out.unmatched_translation = chat != event.remote_jid;
        return out;
    }
    auto content = text_of(event.content);
    rewrite_own_mention(content, lids.own_lid_user(), options.assistant_name);
    if (content.empty()) return out; // voice notes, stickers, reactions, protocol messages

    core::NewMessage m;
    m.id = event.id;
    m.chat_jid = chat;
    m.sender = !event.participant.empty() ? event.participant : event.remote_jid;
    m.sender_name =
        !event.push_name.empty() ? event.push_name : m.sender.substr(0, m.sender.find('@'));
    m.timestamp = timestamp;
    m.is_from_me = event.from_me;
    // On a shared number the user's own messages are fromMe too: only the prefix tells the
    // assistant's output apart (§15.4.11).
    m.is_bot_message = options.assistant_has_own_number
                           ? event.from_me
                           : content.rfind(options.assistant_name + ":", 0) == 0;
    m.content = std::move(content);
    out.message = std::move(m);
    return out;
}

} // namespace nanoclaw::channels::whatsapp
