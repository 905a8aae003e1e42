// SPDX-License-Identifier: MIT
// The pure half of the Telegram channel (spec 30 §14.3-§14.6, §17.5): Bot API Update objects in,
// what the daemon should store or answer out; replies split for sendMessage. No I/O, no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "nanoclaw/channels/channel.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::channels::telegram {

/// JID prefix of Telegram chats ("tg:<signed decimal chat id>").
inline constexpr std::string_view k_jid_prefix = "tg:";
/// Longest text one sendMessage accepts, in UTF-16 code units.
inline constexpr std::size_t k_max_message_units = 4096;

/// The bot itself, as getMe reports it.
struct BotIdentity {
    std::int64_t id = 0;
    std::string username; ///< without "@"; compared case-insensitively
    std::string first_name;
};

/// "tg:<chat id>".
std::string jid_for_chat(std::int64_t chat_id);
/// The chat id of a canonical Telegram JID (what jid_for_chat produces); nullopt for anything
/// else ("tg:", "tg:12x", "tg:1 2", "tg:+1", "tg:007", "tg:-0"), so one chat has one JID string.
std::optional<std::int64_t> chat_id_of(std::string_view jid);

enum class Command { none, chatid, ping };

/// The channel's own command at the start of `text`: "/chatid", "/ping", optionally addressed as
/// "/<name>@<bot_username>" and followed by whitespace and anything. The name and the bot are
/// compared case-insensitively; a command addressed to another bot is none, so is "/chatidx".
Command parse_command(std::string_view text, std::string_view bot_username);

/// One Update object as the daemon should treat it. Never throws: a malformed or unsupported
/// update is Kind::ignored with a short reason for the log (the reason never quotes chat text).
struct ParsedUpdate {
    enum class Kind {
        ignored, ///< nothing to do but advance the offset
        command, ///< answer with command_reply in chat_jid; store nothing
        text,    ///< metadata (with the chat name), then message if the chat is registered
        media    ///< a placeholder message; metadata carries no name (spec §14.5)
    };
    std::int64_t update_id = 0; ///< 0 if absent/invalid (then Kind::ignored)
    Kind kind = Kind::ignored;
    std::string ignore_reason;
    bool malformed = false; ///< ignored because broken (logged at warn), not merely unsupported
    Command command = Command::none;
    std::string command_reply;           ///< exact reply text (spec §14.3)
    bool command_reply_markdown = false; ///< /chatid is sent with parse_mode Markdown
    std::string chat_jid;
    core::NewMessage message; ///< text and media; timestamp from `date`, always ".000Z"
    ChatMetadata metadata;    ///< text and media
};

/// Maps one getUpdates result entry. `assistant_name` is ASSISTANT_NAME (the /ping reply and the
/// trigger prepended on an @bot mention).
ParsedUpdate parse_update(const nlohmann::json& update, const BotIdentity& bot,
                          std::string_view assistant_name);

/// Mention -> trigger translation (spec §14.4 step 3): when a `mention` entity covers
/// "@<bot_username>" (any case) and `text` does not already start with "@<assistant_name>" and a
/// word boundary (case-insensitive), returns "@<assistant_name> " + text; else `text` unchanged.
/// Entity offsets and lengths are UTF-16 code units; invalid entities (not objects, not
/// non-negative integers, past the end, cutting a character) are skipped.
std::string translate_mentions(std::string_view text, const nlohmann::json& entities,
                               std::string_view bot_username, std::string_view assistant_name);

/// Splits a reply into consecutive chunks of at most `max_units` UTF-16 code units each, cut only
/// between characters: for BMP-only text the boundaries are those of slicing every `max_units`.
/// Empty text gives no chunks. A chunk holds at least one character even if `max_units` < 2.
std::vector<std::string> split_message(std::string_view text,
                                       std::size_t max_units = k_max_message_units);

/// The `allowed_updates` every getUpdates call sends: Telegram remembers the last list a token
/// asked for, so omitting it would inherit whatever an earlier poller chose.
const std::vector<std::string>& allowed_updates();

} // namespace nanoclaw::channels::telegram
