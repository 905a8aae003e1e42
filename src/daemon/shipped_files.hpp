// SPDX-License-Identifier: MIT
// The daemon's side of "code and data are separate": the shipped files come from
// config.share_dir (see core::locate_share_dir), and the data root (--root) is seeded from them,
// so any empty writable directory works as a root.
#pragma once

#include <filesystem>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::daemon {

/// Throws core::FatalError naming the path looked in when the share directory was not found or
/// lacks a file the daemon reads at run time (core::shipped_runtime_files()).
void require_shipped_files(const core::Config& config);

/// Copies each shipped CLAUDE.md template (groups/main, groups/global) the data root lacks into
/// config.groups_dir. Never overwrites, nor writes through, anything already there (a user's
/// edited template, a planted symlink). No-op without a share directory. Throws core::FatalError
/// when a missing template cannot be written.
void seed_templates(const core::Config& config);

} // namespace nanoclaw::daemon
