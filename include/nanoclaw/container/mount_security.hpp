// SPDX-License-Identifier: MIT
// Mount security (spec 20 §4): which extra host directories a group may see. The allowlist lives
// outside the project (never mounted), every path is resolved with realpath before any check, and
// the resolved path is what gets mounted, so a symlink swapped later cannot redirect the mount.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "nanoclaw/container/types.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::container {

struct AllowedRoot {
    std::string path;            ///< absolute, "~" or "~/..."
    bool allow_read_write = false;
    std::optional<std::string> description;
};

struct MountAllowlist {
    std::vector<AllowedRoot> allowed_roots;
    std::vector<std::string> blocked_patterns; ///< defaults first, then the file's, deduplicated
    bool non_main_read_only = true;
};

/// The built-in blocked patterns, always merged in (spec §4.3, in order).
const std::vector<std::string>& default_blocked_patterns();

/// Parses the allowlist file text with v1's structure checks (allowedRoots and blockedPatterns
/// arrays, nonMainReadOnly boolean). Roots without a string path are skipped.
tl::expected<MountAllowlist, std::string> parse_mount_allowlist(std::string_view json_text);

/// Why a host directory (a real path) would expose the project root: "is the project root",
/// "is inside the project root \"...\"" or "contains the project root \"...\"", else nullopt. Containment is by path
/// components. The daemon's mount check, the mounts setup step and doctor share it.
std::optional<std::string> project_root_exposure(const std::filesystem::path& real,
                                                 const std::filesystem::path& project_real);

/// "~", "~/x" (home) and relative paths (`base`) made absolute and normal, links not resolved.
std::filesystem::path expand_host_path(std::string_view path, const std::filesystem::path& home,
                                       const std::filesystem::path& base);

/// Outcome of validating one requested mount; `reason` is always set (also on success).
struct MountDecision {
    std::optional<VolumeMount> mount; ///< set when allowed
    std::string reason;
};

/// Validates requested extra mounts against the allowlist file. A loaded allowlist and a parse
/// error are cached for the life of the object; "file not found" is retried on every call (§12.2).
/// Not thread-safe: owned by the single daemon thread.
class MountSecurity {
public:
    /// `project_root` is the daemon's root (its working directory in v1): it resolves relative
    /// host paths, and no mount may lie inside it or contain it, whatever the allowlist says:
    /// it holds .env, the database, the channels' sessions and every group's files and IPC.
    MountSecurity(std::filesystem::path allowlist_path, std::filesystem::path home_dir,
                  std::filesystem::path project_root);

    /// Checks one mount in spec order; the first failing rule gives the reason.
    MountDecision validate(const core::AdditionalMount& mount, bool is_main);

    /// Accepted mounts in input order; every rejection is logged as a warning with its reason.
    std::vector<VolumeMount> validate_all(const std::vector<core::AdditionalMount>& mounts,
                                          std::string_view group_name, bool is_main);

private:
    const MountAllowlist* allowlist();

    std::filesystem::path allowlist_path_;
    std::filesystem::path home_dir_;
    std::filesystem::path cwd_; ///< the project root
    std::optional<std::filesystem::path> project_real_; ///< its real path, once resolved
    std::optional<MountAllowlist> loaded_;
    std::optional<std::string> load_error_; ///< cached parse/structure failure
};

} // namespace nanoclaw::container
