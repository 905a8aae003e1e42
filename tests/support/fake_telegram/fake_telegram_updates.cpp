// SPDX-License-Identifier: MIT
// The update queue (confirmation by offset, allowed_updates filtering), chats and message ids,
// and the helpers that build realistic Update bodies.
#include "fake_telegram_impl.hpp"

#include <algorithm>
#include <stdexcept>

namespace nanoclaw::testing {
namespace fake_telegram_detail {
namespace {

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// UTF-16 units of the code point whose UTF-8 lead byte is `lead` (0 for continuation bytes).
std::size_t units_of_lead(unsigned char lead) {
    if ((lead & 0xC0) == 0x80) return 0;
    return lead >= 0xF0 ? 2 : 1;
}

Json entity(const char* type, std::string_view text, std::size_t begin, std::size_t end) {
    const auto offset = utf16_length(text.substr(0, begin));
    return {{"type", type},
            {"offset", offset},
            {"length", utf16_length(text.substr(begin, end - begin))}};
}

} // namespace

std::string lower(std::string text) {
    for (auto& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::size_t utf16_length(std::string_view utf8) {
    std::size_t units = 0;
    for (const char c : utf8)
        units += units_of_lead(static_cast<unsigned char>(c));
    return units;
}

Json detect_entities(std::string_view text) {
    Json entities = Json::array();
    std::size_t i = 0;
    if (!text.empty() && text.front() == '/') { // "/chatid" or "/chatid@andy_ai_bot"
        std::size_t end = 1;
        while (end < text.size() && (is_word_char(text[end]) || text[end] == '@'))
            ++end;
        if (end > 1) entities.push_back(entity("bot_command", text, 0, end));
        i = end;
    }
    for (; i < text.size(); ++i) {
        if (text[i] != '@' || (i > 0 && is_word_char(text[i - 1]))) continue;
        std::size_t end = i + 1;
        while (end < text.size() && is_word_char(text[end]))
            ++end;
        const auto name_length = end - i - 1;
        // Telegram usernames are 5-32 characters: "@Andy" is plain text, "@andy_ai_bot" a mention.
        if (name_length >= 5 && name_length <= 32)
            entities.push_back(entity("mention", text, i, end));
        i = end - 1;
    }
    return entities;
}

std::string update_type(const Json& update) {
    for (const auto& [name, value] : update.items()) {
        if (name != "update_id") return name;
    }
    return {};
}

} // namespace fake_telegram_detail

using fake_telegram_detail::Json;

void FakeTelegram::Impl::acknowledge(std::int64_t offset) {
    if (offset > 0) {
        while (!pending.empty() && pending.front()["update_id"].get<std::int64_t>() < offset) {
            pending.pop_front();
        }
        acknowledged = std::max(acknowledged, offset);
    } else if (offset < 0) { // the last -offset updates are kept, all earlier ones forgotten
        const auto keep = static_cast<std::size_t>(-std::max<std::int64_t>(offset, -1'000'000));
        while (pending.size() > keep)
            pending.pop_front();
    }
}

Json FakeTelegram::Impl::deliverable(std::int64_t offset, std::int64_t limit) const {
    Json batch = Json::array();
    for (const auto& update : pending) {
        if (static_cast<std::int64_t>(batch.size()) >= limit) break;
        if (update["update_id"].get<std::int64_t>() < offset || !allowed(update)) continue;
        batch.push_back(update);
    }
    return batch;
}

bool FakeTelegram::Impl::allowed(const Json& update) const {
    const auto type = fake_telegram_detail::update_type(update);
    if (!allowed_updates.empty()) {
        return std::find(allowed_updates.begin(), allowed_updates.end(), type) !=
               allowed_updates.end();
    }
    // Telegram's default: everything except these, which must be asked for by name.
    return type != "chat_member" && type != "message_reaction" && type != "message_reaction_count";
}

Json FakeTelegram::Impl::chat_object(std::int64_t chat_id) const {
    if (const auto it = chats.find(chat_id); it != chats.end()) return it->second;
    const auto name = "Chat " + std::to_string(chat_id);
    if (chat_id < 0) return {{"id", chat_id}, {"type", "group"}, {"title", name}};
    return {{"id", chat_id}, {"type", "private"}, {"first_name", name}};
}

std::int64_t FakeTelegram::Impl::take_message_id(std::int64_t chat_id) {
    auto [it, inserted] = next_message_id.try_emplace(chat_id, 1);
    return it->second++;
}

std::int64_t FakeTelegram::push_update(nlohmann::json update) {
    if (!update.is_object()) throw std::invalid_argument("push_update: an Update is a JSON object");
    std::lock_guard lock(impl_->mutex);
    const auto id = impl_->next_update_id++;
    update["update_id"] = id;
    // Remember the chat for getChat and keep sendMessage's ids above the pushed ones.
    for (const char* kind : {"message", "edited_message", "channel_post", "edited_channel_post"}) {
        const auto message = update.find(kind);
        if (message == update.end() || !message->is_object()) continue;
        const auto chat = message->find("chat");
        if (chat == message->end() || !chat->is_object() || !(*chat)["id"].is_number_integer()) {
            continue;
        }
        const auto chat_id = (*chat)["id"].get<std::int64_t>();
        impl_->chats[chat_id] = *chat;
        if (message->contains("message_id") && (*message)["message_id"].is_number_integer()) {
            auto& next = impl_->next_message_id.try_emplace(chat_id, 1).first->second;
            next = std::max(next, (*message)["message_id"].get<std::int64_t>() + 1);
        }
    }
    impl_->pending.push_back(std::move(update));
    impl_->cv.notify_all();
    return id;
}

nlohmann::json FakeTelegram::text_update(std::int64_t chat_id, std::string chat_type,
                                         std::string text, TextUpdateOptions options) {
    Json chat = {{"id", chat_id}, {"type", chat_type}};
    if (chat_type == "private") {
        chat["first_name"] = options.first_name;
        if (!options.username.empty()) chat["username"] = options.username;
    } else {
        chat["title"] = options.title;
    }
    Json from = {{"id", options.from_id}, {"is_bot", false}, {"first_name", options.first_name}};
    if (!options.username.empty()) from["username"] = options.username;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    Json message = {
        {"chat", std::move(chat)}, {"date", options.date.value_or(now.count())}, {"text", text}};
    {
        std::lock_guard lock(impl_->mutex);
        message["message_id"] = impl_->take_message_id(chat_id);
    }
    if (chat_type != "channel") message["from"] = std::move(from); // channel posts have no sender
    auto entities = options.entities.is_null() ? fake_telegram_detail::detect_entities(text)
                                               : std::move(options.entities);
    if (!entities.empty()) message["entities"] = std::move(entities);
    return {{chat_type == "channel" ? "channel_post" : "message", std::move(message)}};
}

} // namespace nanoclaw::testing
