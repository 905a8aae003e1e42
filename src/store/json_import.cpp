// SPDX-License-Identifier: MIT
// One-time import of the JSON state files that predate the database (spec 10 §10.4). A file that
// parses is renamed to "<name>.migrated" before its data is applied (so it is never imported twice
// and its content is kept); a file that cannot be read, parsed or renamed stays where it is and is
// retried on the next start. Bad entries inside a parsed file are skipped with a warning.
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/core/group_folder.hpp"
#include "impl.hpp"

namespace nanoclaw::store {
namespace {

using nlohmann::json;

/// JavaScript truthiness of a parsed JSON value.
bool truthy(const json& v) {
    if (v.is_null()) return false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return v.get<double>() != 0.0;
    if (v.is_string()) return !v.get_ref<const std::string&>().empty();
    return true;
}

/// The parsed content of data_dir/name, after renaming it aside; nullopt when the file is absent
/// or cannot be read, parsed or renamed (then it is left in place).
std::optional<json> take_legacy_file(const std::filesystem::path& data_dir, const char* name) {
    const auto file = data_dir / name;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
        spdlog::warn("Cannot read legacy state file {}; left in place", file.string());
        return std::nullopt;
    }
    auto parsed = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
        spdlog::warn("Legacy state file {} is not valid JSON; left in place", file.string());
        return std::nullopt;
    }
    std::filesystem::rename(file, file.string() + ".migrated", ec);
    if (ec) {
        spdlog::warn("Cannot rename legacy state file {}: {}; left in place", file.string(),
                     ec.message());
        return std::nullopt;
    }
    spdlog::info("Imported legacy state file {}", file.string());
    return parsed;
}

std::string as_text(const json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

void import_router_state(Store& store, const json& state) {
    if (!state.is_object()) return spdlog::warn("router_state.json is not an object; ignored");
    if (auto it = state.find("last_timestamp"); it != state.end() && truthy(*it)) {
        store.set_router_state("last_timestamp", as_text(*it));
    }
    if (auto it = state.find("last_agent_timestamp"); it != state.end() && truthy(*it)) {
        store.set_router_state("last_agent_timestamp", it->dump());
    }
}

void import_sessions(Store& store, const json& sessions) {
    if (!sessions.is_object()) return spdlog::warn("sessions.json is not an object; ignored");
    for (const auto& [folder, id] : sessions.items()) {
        if (!id.is_string()) {
            spdlog::warn("Skipping legacy session of {}: id is not a string", folder);
            continue;
        }
        store.set_session(folder, id.get<std::string>());
    }
}

core::RegisteredGroup legacy_group(const json& value) {
    auto group = value.get<core::RegisteredGroup>();
    // v1 stores these NOT NULL columns, so an entry without them never imported there either.
    if (!value.contains("trigger") || !value["trigger"].is_string() ||
        !value.contains("added_at") || !value["added_at"].is_string()) {
        throw std::invalid_argument("missing trigger or added_at");
    }
    return group;
}

void import_groups(Store& store, const json& groups) {
    if (!groups.is_object())
        return spdlog::warn("registered_groups.json is not an object; ignored");
    for (const auto& [jid, value] : groups.items()) {
        try {
            store.set_registered_group(jid, legacy_group(value));
        } catch (const std::exception& e) {
            spdlog::warn("Skipping migrated registered group {}: {}", jid, e.what());
        }
    }
}

} // namespace

void Store::import_legacy_json(const std::filesystem::path& data_dir) {
    if (auto state = take_legacy_file(data_dir, "router_state.json"))
        import_router_state(*this, *state);
    if (auto sessions = take_legacy_file(data_dir, "sessions.json"))
        import_sessions(*this, *sessions);
    if (auto groups = take_legacy_file(data_dir, "registered_groups.json"))
        import_groups(*this, *groups);
}

} // namespace nanoclaw::store
