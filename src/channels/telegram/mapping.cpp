// SPDX-License-Identifier: MIT
// Update -> ParsedUpdate (spec 30 §14.3-§14.5, §17.5). Telegram's JSON is untrusted input: every
// field is checked before use. Required structure and ids with the wrong type make the update
// ignored; optional strings (names, titles, captions) of the wrong type count as absent.
#include "nanoclaw/channels/telegram/mapping.hpp"

#include <charconv>
#include <chrono>
#include <limits>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/unicode.hpp"

namespace nanoclaw::channels::telegram {
namespace {

using json = nlohmann::json;

// Latest `date` that still formats as a 4-digit year (9999-12-31T23:59:59Z).
constexpr std::int64_t k_max_date = 253402300799;

// A member that is present and not null.
const json* member(const json& object, const char* key) {
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::int64_t> int64_member(const json& object, const char* key) {
    const json* v = member(object, key);
    if (v == nullptr) return std::nullopt;
    if (v->is_number_unsigned()) {
        const auto u = v->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    if (v->is_number_integer()) return v->get<std::int64_t>();
    return std::nullopt;
}

// A non-empty string member: v1 tests these with `||`, so "" falls through like absent.
std::optional<std::string> text_member(const json& object, const char* key) {
    const json* v = member(object, key);
    if (v == nullptr || !v->is_string() || v->get_ref<const std::string&>().empty())
        return std::nullopt;
    return v->get<std::string>();
}

// first_name || username || id || "Unknown" (last_name is ignored, as in v1).
std::string display_name(const json* from) {
    if (from == nullptr || !from->is_object()) return "Unknown";
    if (auto first = text_member(*from, "first_name")) return *first;
    if (auto user = text_member(*from, "username")) return *user;
    if (auto id = int64_member(*from, "id")) return std::to_string(*id);
    return "Unknown";
}

ParsedUpdate ignored(ParsedUpdate out, std::string reason, bool malformed = true) {
    out.kind = ParsedUpdate::Kind::ignored;
    out.ignore_reason = std::move(reason);
    out.malformed = malformed;
    return out;
}

// The update kinds Telegram may send that the channel deliberately does not handle; named in the
// ignore reason so a log shows what arrived.
constexpr const char* k_unhandled_kinds[] = {
    "edited_message",   "channel_post",   "edited_channel_post",
    "business_message", "callback_query", "inline_query",
    "my_chat_member",   "chat_member",    "chat_join_request",
    "message_reaction", "poll",           "poll_answer"};

std::string no_message_reason(const json& update) {
    for (const char* kind : k_unhandled_kinds)
        if (member(update, kind) != nullptr) return std::string(kind) + " updates are not handled";
    return "update without a message";
}

// The command word as v1's slash filter cuts it: after "/", up to whitespace or "@", lower case.
std::string command_word(std::string_view text) {
    std::string word;
    for (std::size_t pos = 1; pos < text.size();) {
        const auto d = core::unicode::decode_utf8(text, pos);
        if (d.code_point == U'@' || core::unicode::is_js_whitespace(d.code_point)) break;
        for (std::size_t i = 0; i < d.length; ++i)
            word += core::unicode::ascii_lower(text[pos + i]);
        pos += d.length;
    }
    return word;
}

std::string chatid_reply(const json& message, const json& chat, std::int64_t chat_id,
                         const std::string& type) {
    std::string name;
    if (type == "private") {
        const json* from = member(message, "from");
        auto first = from != nullptr ? text_member(*from, "first_name") : std::nullopt;
        name = first.value_or("Private");
    } else {
        name = text_member(chat, "title").value_or("Unknown");
    }
    return "Chat ID: `" + jid_for_chat(chat_id) + "`\nName: " + name + "\nType: " + type;
}

// The fields every message kind shares, checked before anything else is looked at.
struct Envelope {
    std::int64_t message_id = 0;
    std::string timestamp;
    std::int64_t chat_id = 0;
    std::string chat_type;
    const json* from = nullptr; ///< an object with an integer id, or nullptr
};

using Fail = tl::unexpected<std::string>;

tl::expected<Envelope, std::string> read_envelope(const json& message) {
    Envelope env;
    const auto message_id = int64_member(message, "message_id");
    if (!message_id) return Fail("message_id missing or not an integer");
    env.message_id = *message_id;
    const auto date = int64_member(message, "date");
    // k_max_date alone is not enough: TimePoint holds nanoseconds, so only years up to 2262.
    const auto when = date && *date >= 0 && *date <= k_max_date ? core::from_unix_seconds(*date)
                                                               : std::nullopt;
    if (!when) return Fail("date missing or not a valid Unix time");
    env.timestamp = core::format_iso(*when);
    const json* chat = member(message, "chat");
    if (chat == nullptr || !chat->is_object()) return Fail("message without a chat");
    const auto chat_id = int64_member(*chat, "id");
    if (!chat_id) return Fail("chat.id missing or not an integer");
    env.chat_id = *chat_id;
    const json* type = member(*chat, "type");
    if (type == nullptr || !type->is_string()) return Fail("chat.type missing or not a string");
    env.chat_type = type->get<std::string>();
    env.from = member(message, "from");
    if (env.from != nullptr && (!env.from->is_object() || !int64_member(*env.from, "id")))
        return Fail("from is not a user with an integer id");
    return env;
}

// The NewMessage and metadata both kinds share; the caller adds the content and kind specifics.
void fill_common(ParsedUpdate& out, const Envelope& env, const json& message) {
    out.chat_jid = jid_for_chat(env.chat_id);
    auto& msg = out.message;
    msg.id = std::to_string(env.message_id);
    msg.chat_jid = out.chat_jid;
    msg.sender = env.from != nullptr ? std::to_string(*int64_member(*env.from, "id")) : "";
    msg.sender_name = display_name(env.from);
    msg.timestamp = env.timestamp;
    if (const auto thread = int64_member(message, "message_thread_id"); thread && *thread != 0)
        msg.thread_id = std::to_string(*thread);
    out.metadata.jid = out.chat_jid;
    out.metadata.timestamp = env.timestamp;
    out.metadata.channel = "telegram";
    out.metadata.is_group = env.chat_type == "group" || env.chat_type == "supergroup";
}

// §17.5 reply context. In a forum topic every message "replies" to the topic's creation service
// message; that is not a reply the person wrote, so it carries no context.
void fill_reply_context(core::NewMessage& msg, const json& message) {
    const json* reply = member(message, "reply_to_message");
    if (reply == nullptr || !reply->is_object() || member(*reply, "forum_topic_created") != nullptr)
        return;
    if (const auto id = int64_member(*reply, "message_id"))
        msg.reply_to_message_id = std::to_string(*id);
    auto content = text_member(*reply, "text");
    if (!content) content = text_member(*reply, "caption");
    msg.reply_to_message_content = std::move(content);
    msg.reply_to_sender_name = display_name(member(*reply, "from"));
}

// The placeholder of a supported non-text message (§14.5), checked in v1's handler order.
std::optional<std::string> placeholder(const json& message) {
    if (member(message, "photo")) return "[Photo]";
    if (member(message, "video")) return "[Video]";
    if (member(message, "voice")) return "[Voice message]";
    if (member(message, "audio")) return "[Audio]";
    if (const json* doc = member(message, "document")) {
        auto name = doc->is_object() ? text_member(*doc, "file_name") : std::nullopt;
        return "[Document: " + name.value_or("file") + "]";
    }
    if (const json* sticker = member(message, "sticker")) {
        auto emoji = sticker->is_object() ? text_member(*sticker, "emoji") : std::nullopt;
        return "[Sticker " + emoji.value_or("") + "]";
    }
    if (member(message, "location")) return "[Location]";
    if (member(message, "contact")) return "[Contact]";
    return std::nullopt;
}

ParsedUpdate parse_text(ParsedUpdate out, const Envelope& env, const json& message,
                        const BotIdentity& bot, std::string_view assistant_name) {
    const auto& text = member(message, "text")->get_ref<const std::string&>();
    // Only the channel's own commands are consumed (§17.5), and /start, which Telegram sends
    // when a chat with the bot opens (ignored, issue 12); other slash texts are ordinary text.
    if (!text.empty() && text.front() == '/') {
        const auto word = command_word(text);
        if (word == "start") return ignored(std::move(out), "the /start command", false);
        if (word == "chatid" || word == "ping") {
            out.chat_jid = jid_for_chat(env.chat_id);
            out.command = parse_command(text, bot.username);
            if (out.command == Command::none)
                return ignored(std::move(out), "command for another bot", false);
            out.kind = ParsedUpdate::Kind::command;
            out.command_reply_markdown = out.command == Command::chatid;
            out.command_reply =
                out.command == Command::chatid
                    ? chatid_reply(message, *member(message, "chat"), env.chat_id, env.chat_type)
                    : std::string(assistant_name) + " is online.";
            return out;
        }
    }
    fill_common(out, env, message);
    out.kind = ParsedUpdate::Kind::text;
    const json* entities = member(message, "entities");
    out.message.content = translate_mentions(text, entities ? *entities : json::array(),
                                             bot.username, assistant_name);
    fill_reply_context(out.message, message);
    out.metadata.name = env.chat_type == "private"
                            ? out.message.sender_name
                            : text_member(*member(message, "chat"), "title").value_or(out.chat_jid);
    return out;
}

} // namespace

ParsedUpdate parse_update(const json& update, const BotIdentity& bot,
                          std::string_view assistant_name) {
    ParsedUpdate out;
    if (!update.is_object()) return ignored(std::move(out), "update is not an object");
    const auto update_id = int64_member(update, "update_id");
    if (!update_id || *update_id <= 0)
        return ignored(std::move(out), "update_id missing or not a positive integer");
    out.update_id = *update_id;

    const json* message = member(update, "message");
    if (message == nullptr) return ignored(std::move(out), no_message_reason(update), false);
    if (!message->is_object()) return ignored(std::move(out), "message is not an object");
    auto env = read_envelope(*message);
    if (!env) return ignored(std::move(out), std::move(env.error()));

    if (const json* text = member(*message, "text")) {
        if (!text->is_string()) return ignored(std::move(out), "text is not a string");
        return parse_text(std::move(out), *env, *message, bot, assistant_name);
    }
    auto content = placeholder(*message);
    if (!content) return ignored(std::move(out), "service message or unsupported media", false);
    fill_common(out, *env, *message);
    out.kind = ParsedUpdate::Kind::media;
    // A caption is appended verbatim: no mention translation, so it cannot trigger (§14.5).
    if (auto caption = text_member(*message, "caption")) *content += " " + *caption;
    out.message.content = std::move(*content);
    return out;
}

std::string jid_for_chat(std::int64_t chat_id) {
    return std::string(k_jid_prefix) + std::to_string(chat_id);
}

std::optional<std::int64_t> chat_id_of(std::string_view jid) {
    if (jid.substr(0, k_jid_prefix.size()) != k_jid_prefix) return std::nullopt;
    const auto digits = jid.substr(k_jid_prefix.size());
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    // Only the canonical spelling: "tg:007" and "tg:7" would otherwise be two chats in the store.
    if (jid_for_chat(id) != jid) return std::nullopt;
    return id;
}

Command parse_command(std::string_view text, std::string_view bot_username) {
    if (text.empty() || text.front() != '/') return Command::none;
    const auto word = command_word(text);
    Command command = word == "chatid" ? Command::chatid
                      : word == "ping" ? Command::ping
                                       : Command::none;
    if (command == Command::none) return Command::none;
    const auto after = 1 + word.size();
    if (after >= text.size() || text[after] != '@') return command;
    // "/<name>@<bot>": the target is a username ([A-Za-z0-9_]), ending where Telegram's own
    // bot_command entity would, so "/ping@andy_ai_bot, hi" still reaches this bot.
    std::size_t end = after + 1;
    while (end < text.size() &&
           core::unicode::is_ascii_word_byte(static_cast<unsigned char>(text[end])))
        ++end;
    const auto target = text.substr(after + 1, end - after - 1);
    if (target.size() != bot_username.size() || bot_username.empty()) return Command::none;
    for (std::size_t i = 0; i < target.size(); ++i)
        if (core::unicode::ascii_lower(target[i]) != core::unicode::ascii_lower(bot_username[i])) {
            return Command::none;
        }
    return command;
}

const std::vector<std::string>& allowed_updates() {
    // Exactly the kinds parse_update handles; everything else would only be fetched to be dropped.
    static const std::vector<std::string> kinds{"message"};
    return kinds;
}

} // namespace nanoclaw::channels::telegram
