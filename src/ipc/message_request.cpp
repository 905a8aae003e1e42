// SPDX-License-Identifier: MIT
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/ipc/ipc_requests.hpp"

namespace nanoclaw::ipc {

std::optional<std::string> required_string(const nlohmann::json& data, const char* key) {
    if (!data.is_object()) return std::nullopt;
    auto it = data.find(key);
    if (it == data.end() || !it->is_string()) return std::nullopt;
    auto value = it->get<std::string>();
    if (value.empty()) return std::nullopt;
    return value;
}

awaitable<Outcome> handle_message_request(const nlohmann::json& data, std::string source_folder,
                                          bool is_main, IpcDeps& deps) {
    if (required_string(data, "type") != "message") co_return Outcome::ignored;
    const auto chat_jid = required_string(data, "chatJid");
    const auto text = required_string(data, "text");
    if (!chat_jid || !text) {
        spdlog::warn("IPC message without chatJid/text ignored source={}", source_folder);
        co_return Outcome::invalid;
    }
    // Main may message any chat; other groups only their own registered chat.
    const auto& groups = deps.registered_groups();
    const auto target = groups.find(*chat_jid);
    const bool own_chat = target != groups.end() && target->second.folder == source_folder;
    if (!is_main && !own_chat) {
        spdlog::warn("unauthorized IPC message blocked source={} chatJid={}", source_folder, *chat_jid);
        co_return Outcome::unauthorized;
    }
    co_await deps.send_message(*chat_jid, *text);
    spdlog::info("IPC message sent source={} chatJid={} chars={}", source_folder, *chat_jid,
                 text->size());
    co_return Outcome::done;
}

} // namespace nanoclaw::ipc
