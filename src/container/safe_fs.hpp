// SPDX-License-Identifier: MIT
// File operations on directories a container can write to. An agent can plant symlinks there
// (e.g. .claude/skills/x/SKILL.md -> ~/.bashrc), so the host never follows a link when it writes
// into them: links in the way are removed, new files are created exclusively.
#pragma once

#include <filesystem>
#include <string_view>

namespace nanoclaw::container::detail {

/// Makes `dir` a real directory: a symlink or a non-directory at that path is removed first;
/// missing parents are created. Throws std::filesystem::filesystem_error on failure.
void ensure_real_directory(const std::filesystem::path& dir);

/// Copies the tree `src` into `dst` (overwriting files, deleting nothing) without following any
/// symlink on the destination side; symlinks in the source are copied as links.
void copy_tree_no_follow(const std::filesystem::path& src, const std::filesystem::path& dst);

} // namespace nanoclaw::container::detail
