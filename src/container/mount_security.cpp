// SPDX-License-Identifier: MIT
// Validation of requested extra mounts (spec 20 §4.4, §4.5, with the §12.2 hardening).
#include "nanoclaw/container/mount_security.hpp"

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/env_file.hpp"

namespace nanoclaw::container {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_extra_prefix = "/workspace/extra/";

std::string last_component(std::string_view host_path) {
    auto p = fs::path(std::string(host_path)).lexically_normal();
    if (!p.has_filename() && p.has_parent_path()) p = p.parent_path(); // "a/b/" -> "a/b"
    return p.filename().string();
}

// The container side of a -v spec: relative, inside /workspace/extra, and free of anything
// Docker would read as a separator or option (':'), and of NUL, which C APIs would cut at.
std::optional<std::string> container_path_problem(std::string_view path) {
    const bool blank = core::js_trim(path).empty();
    if (blank || path.find("..") != std::string_view::npos || path.front() == '/') {
        return "must be relative, non-empty and must not contain \"..\"";
    }
    if (path.find(':') != std::string_view::npos) return "must not contain ':'";
    if (path.find('\0') != std::string_view::npos) return "must not contain a NUL byte";
    for (const auto& part : fs::path(std::string(path))) {
        if (part == ".") return "must not contain \".\" components";
    }
    return std::nullopt;
}

std::optional<fs::path> real_path(const fs::path& p) {
    std::error_code ec;
    auto resolved = fs::canonical(p, ec);
    if (ec) return std::nullopt;
    return resolved;
}

// Containment by path components, never by string prefix ("/a/bc" is not inside "/a/b").
bool is_within(const fs::path& child, const fs::path& root) {
    const auto rel = child.lexically_relative(root);
    if (rel.empty() || rel.is_absolute()) return false;
    return *rel.begin() != "..";
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

} // namespace

MountSecurity::MountSecurity(fs::path allowlist_path, fs::path home_dir, fs::path project_root)
    : allowlist_path_(std::move(allowlist_path)), home_dir_(std::move(home_dir)),
      cwd_(std::move(project_root)),
      project_real_(real_path(cwd_).value_or(fs::absolute(cwd_).lexically_normal())) {}

namespace {

constexpr const char* k_project_holds =
    "(it holds .env, the database, the channels' sessions and every group's files)";

} // namespace

// Both directions: a mount inside the root reaches .env and the other groups; one above it
// contains all of that.
std::optional<std::string> project_root_exposure(const fs::path& real, const fs::path& project_real) {
    if (real.lexically_normal() == project_real.lexically_normal()) return "is the project root";
    if (is_within(real, project_real)) return "is inside the project root " + in_quotes(project_real.string());
    if (is_within(project_real, real)) return "contains the project root " + in_quotes(project_real.string());
    return std::nullopt;
}

// "~" and "~/x" are relative to the home directory; other relative paths to `base`.
fs::path expand_host_path(std::string_view path, const fs::path& home, const fs::path& base) {
    if (path == "~") return home;
    if (path.starts_with("~/")) return (home / std::string(path.substr(2))).lexically_normal();
    const fs::path p{std::string(path)};
    return (p.is_absolute() ? p : base / p).lexically_normal();
}

const MountAllowlist* MountSecurity::allowlist() {
    if (loaded_) return &*loaded_;
    if (load_error_) return nullptr;
    std::error_code ec;
    if (!fs::exists(allowlist_path_, ec)) {
        // Not cached (§12.2): creating the file later takes effect without a restart.
        spdlog::warn("Mount allowlist not found at {}; additional mounts will be BLOCKED",
                     allowlist_path_.string());
        return nullptr;
    }
    std::ifstream in(allowlist_path_, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = parse_mount_allowlist(in ? text.str() : std::string());
    if (!parsed) {
        load_error_ = parsed.error();
        spdlog::error("Mount allowlist at {} is invalid ({}); additional mounts will be BLOCKED "
                      "until the file is fixed and the daemon restarted",
                      allowlist_path_.string(), *load_error_);
        return nullptr;
    }
    loaded_ = std::move(*parsed);
    // Reported once, at load: such a root is never usable as a whole, and mounts under it that
    // reach the project root are refused one by one (validate()).
    for (const auto& root : loaded_->allowed_roots) {
        const auto real = real_path(expand_host_path(root.path, home_dir_, cwd_));
        if (const auto why = real ? project_root_exposure(*real, *project_real_) : std::nullopt) {
            spdlog::error("Mount allowlist root {} is unsafe: it {} {}; mounts that reach the project "
                          "root are refused. Move the project out of it, or list narrower roots in {}",
                          in_quotes(root.path), *why, k_project_holds, allowlist_path_.string());
        }
    }
    return &*loaded_;
}


namespace {

struct RootMatch {
    const AllowedRoot* root = nullptr;
    std::vector<std::string> tried; ///< expanded root paths, for the rejection reason
};

// The first root (in file order) that exists and contains `real` decides.
RootMatch find_root(const MountAllowlist& list, const fs::path& real, const fs::path& home,
                    const fs::path& cwd) {
    RootMatch match;
    for (const auto& root : list.allowed_roots) {
        const auto root_expanded = expand_host_path(root.path, home, cwd);
        match.tried.push_back(root_expanded.string());
        const auto root_real = real_path(root_expanded);
        if (root_real && is_within(real, *root_real)) {
            match.root = &root;
            break;
        }
    }
    return match;
}

// Read-only unless explicitly asked otherwise, and then only if both rules allow it (§4.4.8).
bool effective_readonly(const core::AdditionalMount& mount, bool is_main,
                        const MountAllowlist& list, const AllowedRoot& root,
                        const std::string& real_text) {
    if (mount.readonly.value_or(true)) return true;
    if (!is_main && list.non_main_read_only) {
        spdlog::info("Mount {} forced read-only for a non-main group (nonMainReadOnly)", real_text);
        return true;
    }
    if (!root.allow_read_write) {
        spdlog::info("Mount {} forced read-only: root {} does not allow read-write", real_text,
                     root.path);
        return true;
    }
    return false;
}

} // namespace

MountDecision MountSecurity::validate(const core::AdditionalMount& mount, bool is_main) {
    const auto* list = allowlist();
    if (list == nullptr) return {std::nullopt, "No mount allowlist configured at " +
                                                   allowlist_path_.string()};
    if (mount.host_path.find('\0') != std::string::npos || mount.host_path.empty()) {
        return {std::nullopt, "Host path is empty or contains a NUL byte"};
    }
    const auto container_path = mount.container_path && !mount.container_path->empty()
                                    ? *mount.container_path
                                    : last_component(mount.host_path);
    if (auto problem = container_path_problem(container_path)) {
        return {std::nullopt, "Invalid container path " + in_quotes(container_path) + ": " + *problem};
    }
    const auto expanded = expand_host_path(mount.host_path, home_dir_, cwd_);
    const auto real = real_path(expanded);
    if (!real) {
        return {std::nullopt, "Host path does not exist or cannot be resolved: " +
                                  in_quotes(mount.host_path) + " (expanded: " +
                                  in_quotes(expanded.string()) + ")"};
    }
    const auto real_text = real->string();
    for (const auto& pattern : list->blocked_patterns) {
        // v1 semantics: a plain substring test on the whole resolved path (see docs).
        if (real_text.find(pattern) != std::string::npos) {
            return {std::nullopt, "Path matches blocked pattern " + in_quotes(pattern) + ": " +
                                      in_quotes(real_text)};
        }
    }
    if (real_text.find(':') != std::string::npos) {
        return {std::nullopt, "Host path contains ':' and cannot be used in a -v mount: " +
                                  in_quotes(real_text)};
    }
    if (const auto why = project_root_exposure(*real, *project_real_)) {
        return {std::nullopt, "Path " + in_quotes(real_text) + " " + *why + " " + k_project_holds};
    }
    const auto match = find_root(*list, *real, home_dir_, cwd_);
    if (match.root == nullptr) {
        std::string roots;
        for (const auto& r : match.tried) roots += (roots.empty() ? "" : ", ") + r;
        return {std::nullopt, "Path " + in_quotes(real_text) +
                                  " is not under any allowed root. Allowed roots: " + roots};
    }
    const bool readonly = effective_readonly(mount, is_main, *list, *match.root, real_text);
    std::string reason = "Allowed under root " + in_quotes(match.root->path);
    if (match.root->description) reason += " (" + *match.root->description + ")";
    return {VolumeMount{real_text, std::string(k_extra_prefix) + container_path, readonly},
            std::move(reason)};
}

std::vector<VolumeMount> MountSecurity::validate_all(
    const std::vector<core::AdditionalMount>& mounts, std::string_view group_name, bool is_main) {
    std::vector<VolumeMount> accepted;
    for (const auto& mount : mounts) {
        auto decision = validate(mount, is_main);
        if (decision.mount) {
            spdlog::debug("Mount for group {} accepted: {} -> {} ({})", group_name,
                          decision.mount->host_path, decision.mount->container_path,
                          decision.reason);
            accepted.push_back(std::move(*decision.mount));
        } else {
            spdlog::warn("Additional mount REJECTED for group {}: requested {}, container path "
                         "{}: {}",
                         group_name, mount.host_path, mount.container_path.value_or("(default)"),
                         decision.reason);
        }
    }
    return accepted;
}

} // namespace nanoclaw::container
