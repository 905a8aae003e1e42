// SPDX-License-Identifier: MIT
#include "whatsapp_creds.hpp"

#include <nlohmann/json.hpp>

#include "nanoclaw/core/whole_file.hpp"

namespace nanoclaw::setup {
namespace {

nlohmann::json read_json(const std::filesystem::path& file) {
    auto parsed = nlohmann::json::parse(core::read_whole_file(file), nullptr, false);
    return parsed.is_object() ? parsed : nlohmann::json::object();
}

} // namespace

std::optional<std::string> phone_of_jid(std::string_view id) {
    id = id.substr(0, id.find(':'));
    id = id.substr(0, id.find('@'));
    if (id.empty()) return std::nullopt;
    return std::string(id);
}

std::optional<std::string> phone_from_creds(const std::filesystem::path& creds_json) {
    const auto creds = read_json(creds_json);
    const auto me = creds.find("me");
    if (me == creds.end() || !me->is_object()) return std::nullopt;
    const auto id = me->find("id");
    if (id == me->end() || !id->is_string()) return std::nullopt;
    return phone_of_jid(id->get<std::string>());
}

bool creds_registered(const std::filesystem::path& creds_json) {
    const auto creds = read_json(creds_json);
    const auto registered = creds.find("registered");
    return registered != creds.end() && registered->is_boolean() && registered->get<bool>();
}

} // namespace nanoclaw::setup
