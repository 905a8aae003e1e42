// SPDX-License-Identifier: MIT
#include "group_request.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/core/group_folder.hpp"

namespace nanoclaw::ipc {

Outcome register_group(const nlohmann::json& data, const std::string& source, bool is_main,
                       IpcDeps& deps) {
    if (!is_main) {
        spdlog::warn("unauthorized register_group blocked source={}", source);
        return Outcome::unauthorized;
    }
    const auto jid = required_string(data, "jid");
    const auto name = required_string(data, "name");
    const auto folder = required_string(data, "folder");
    const auto trigger = required_string(data, "trigger");
    if (!jid || !name || !folder || !trigger) {
        spdlog::warn("register_group needs jid, name, folder and trigger source={}", source);
        return Outcome::invalid;
    }
    if (!core::is_valid_group_folder(*folder)) {
        spdlog::warn("register_group refused: invalid folder {:?}", *folder);
        return Outcome::invalid;
    }
    core::RegisteredGroup group{*name, *folder, *trigger, deps.now_iso(), {}, {}, {}};
    if (auto it = data.find("requiresTrigger"); it != data.end() && it->is_boolean()) {
        group.requires_trigger = it->get<bool>();
    }
    if (auto it = data.find("containerConfig"); it != data.end() && it->is_object()) {
        try {
            group.container_config = it->get<core::ContainerConfig>();
        } catch (const nlohmann::json::exception& e) {
            spdlog::warn("register_group refused: bad containerConfig ({})", e.what());
            return Outcome::invalid;
        }
    }
    // IPC never grants main, but re-registering the main chat must not strip it either.
    const auto& groups = deps.registered_groups();
    if (auto existing = groups.find(*jid); existing != groups.end()) {
        group.is_main = existing->second.is_main;
    }
    if (auto ok = deps.register_group(*jid, group); !ok) {
        spdlog::warn("register_group refused: {}", ok.error());
        return Outcome::invalid;
    }
    spdlog::info("group registered via IPC jid={} folder={}", *jid, *folder);
    return Outcome::done;
}

} // namespace nanoclaw::ipc
