// SPDX-License-Identifier: MIT
// Parsing of ~/.config/nanoclaw/mount-allowlist.json (spec 20 §4.2, §4.3).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "nanoclaw/container/mount_security.hpp"

namespace nanoclaw::container {

const std::vector<std::string>& default_blocked_patterns() {
    static const std::vector<std::string> patterns = {
        ".ssh",        ".gnupg",  ".gpg",   ".aws",   ".azure",  ".gcloud",
        ".kube",       ".docker", "credentials", ".env", ".netrc", ".npmrc",
        ".pypirc",     "id_rsa",  "id_ed25519",  "private_key", ".secret"};
    return patterns;
}

namespace {

void add_unique(std::vector<std::string>& list, const std::string& item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// v1 does not type-check the roots; we skip a root whose path is not a string rather than crash.
std::vector<AllowedRoot> parse_roots(const nlohmann::json& roots) {
    std::vector<AllowedRoot> out;
    for (const auto& item : roots) {
        if (!item.is_object()) continue;
        const auto path = item.find("path");
        if (path == item.end() || !path->is_string()) continue;
        AllowedRoot root;
        root.path = path->get<std::string>();
        const auto rw = item.find("allowReadWrite");
        root.allow_read_write = rw != item.end() && rw->is_boolean() && rw->get<bool>();
        const auto description = item.find("description");
        if (description != item.end() && description->is_string()) {
            root.description = description->get<std::string>();
        }
        out.push_back(std::move(root));
    }
    return out;
}

} // namespace

tl::expected<MountAllowlist, std::string> parse_mount_allowlist(std::string_view json_text) {
    const auto doc = nlohmann::json::parse(json_text, nullptr, false);
    if (doc.is_discarded()) return tl::unexpected(std::string("invalid JSON"));
    if (!doc.is_object()) return tl::unexpected(std::string("allowlist must be a JSON object"));
    const auto roots = doc.find("allowedRoots");
    if (roots == doc.end() || !roots->is_array()) {
        return tl::unexpected(std::string("allowedRoots must be an array"));
    }
    const auto patterns = doc.find("blockedPatterns");
    if (patterns == doc.end() || !patterns->is_array()) {
        return tl::unexpected(std::string("blockedPatterns must be an array"));
    }
    const auto non_main = doc.find("nonMainReadOnly");
    if (non_main == doc.end() || !non_main->is_boolean()) {
        return tl::unexpected(std::string("nonMainReadOnly must be a boolean"));
    }
    MountAllowlist list;
    list.allowed_roots = parse_roots(*roots);
    list.blocked_patterns = default_blocked_patterns();
    for (const auto& p : *patterns) {
        if (!p.is_string()) return tl::unexpected(std::string("blockedPatterns must hold strings"));
        add_unique(list.blocked_patterns, p.get<std::string>());
    }
    list.non_main_read_only = non_main->get<bool>();
    return list;
}

} // namespace nanoclaw::container
