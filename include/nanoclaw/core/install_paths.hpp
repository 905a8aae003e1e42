// SPDX-License-Identifier: MIT
// Code and data are separate: the files nanoclaw ships (agent-runner source, skills, CLAUDE.md
// templates, image build files) live in a *share directory* found from the executable's own
// location, never in the data root (--root), which may be any empty writable directory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::core {

/// A directory counts as a share directory only when this file exists in it.
inline constexpr const char* k_share_dir_probe = "container/agent-runner/src/index.ts";

/// The file CMake writes next to the built binaries, holding the source checkout's absolute
/// path: how a binary in the build tree finds the shipped files without an install.
inline constexpr const char* k_build_tree_marker = "nanoclaw-share-dir";

/// What every "shipped files not found" message tells the user to do.
inline constexpr const char* k_share_dir_hint =
    "set NANOCLAW_SHARE_DIR to the directory that holds container/ and groups/, or reinstall";

/// The running executable (readlink /proc/self/exe); empty when it cannot be read.
std::filesystem::path executable_path();

/// Finds the share directory, first match wins: $NANOCLAW_SHARE_DIR (when set, the only
/// candidate: an explicit override that is wrong fails rather than falling back), then
/// `<exe dir>/../share/nanoclaw` (installed), then the path in `<exe dir>/nanoclaw-share-dir`
/// (build tree). Pure apart from reading the file system. The error names every path looked in
/// and says to set NANOCLAW_SHARE_DIR.
tl::expected<std::filesystem::path, std::string>
locate_share_dir(const std::filesystem::path& executable, const EnvMap& env);

/// The shipped files the daemon reads at run time, relative to the share directory.
const std::vector<std::filesystem::path>& shipped_runtime_files();

/// The first of shipped_runtime_files() missing under `share_dir`, as a full path.
std::optional<std::filesystem::path> missing_shipped_file(const std::filesystem::path& share_dir);

} // namespace nanoclaw::core
