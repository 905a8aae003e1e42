// SPDX-License-Identifier: MIT
#include "nanoclaw/core/types.hpp"

#include <nlohmann/json.hpp>

namespace nanoclaw::core {
namespace {

template <typename T>
void get_optional(const nlohmann::json& j, const char* key, std::optional<T>& out) {
    if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<T>();
}

} // namespace

void to_json(nlohmann::json& j, const AdditionalMount& m) {
    j = nlohmann::json{{"hostPath", m.host_path}};
    if (m.container_path) j["containerPath"] = *m.container_path;
    if (m.readonly) j["readonly"] = *m.readonly;
}

void from_json(const nlohmann::json& j, AdditionalMount& m) {
    j.at("hostPath").get_to(m.host_path);
    get_optional(j, "containerPath", m.container_path);
    get_optional(j, "readonly", m.readonly);
}

void to_json(nlohmann::json& j, const ContainerConfig& c) {
    j = nlohmann::json::object();
    if (!c.additional_mounts.empty()) j["additionalMounts"] = c.additional_mounts;
    if (c.timeout) j["timeout"] = *c.timeout;
}

void from_json(const nlohmann::json& j, ContainerConfig& c) {
    if (auto it = j.find("additionalMounts"); it != j.end() && it->is_array()) {
        c.additional_mounts = it->get<std::vector<AdditionalMount>>();
    }
    get_optional(j, "timeout", c.timeout);
}

void to_json(nlohmann::json& j, const RegisteredGroup& g) {
    j = nlohmann::json{{"name", g.name}, {"folder", g.folder}, {"trigger", g.trigger},
                       {"added_at", g.added_at}};
    if (g.container_config) j["containerConfig"] = *g.container_config;
    if (g.requires_trigger) j["requiresTrigger"] = *g.requires_trigger;
    if (g.is_main) j["isMain"] = *g.is_main;
}

void from_json(const nlohmann::json& j, RegisteredGroup& g) {
    j.at("name").get_to(g.name);
    j.at("folder").get_to(g.folder);
    if (auto it = j.find("trigger"); it != j.end() && it->is_string()) it->get_to(g.trigger);
    if (auto it = j.find("added_at"); it != j.end() && it->is_string()) it->get_to(g.added_at);
    get_optional(j, "containerConfig", g.container_config);
    get_optional(j, "requiresTrigger", g.requires_trigger);
    get_optional(j, "isMain", g.is_main);
}

} // namespace nanoclaw::core
