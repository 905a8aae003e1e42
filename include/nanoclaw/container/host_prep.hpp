// SPDX-License-Identifier: MIT
// Host-side preparation before a run (spec 20 §5.2, §5.3, §11, §12.4, §14.7): creates the group's
// directories, seeds settings.json, syncs skills and the agent-runner source, and returns the
// mount table in the exact order that decides the argv.
#pragma once

#include <vector>

#include "nanoclaw/container/settings.hpp"
#include "nanoclaw/container/types.hpp"
#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::container {

/// The per-run environment additions that come with the mounts (CA certificate).
struct PreparedMounts {
    std::vector<VolumeMount> mounts;
    bool ca_cert_mounted = false; ///< adds NODE_EXTRA_CA_CERTS to the argv
};

/// Prepares the host directories of `group` and builds its mount table: built-in mounts in spec
/// order, then `extras` (already validated by MountSecurity). Throws core::InvalidGroupFolder for
/// a bad folder, std::filesystem::filesystem_error when the host cannot be prepared, and
/// std::runtime_error when config.share_dir is empty or lacks the agent-runner source (the
/// skills and agent-runner source come from there, never from config.root).
PreparedMounts prepare_host(const core::Config& config, const Settings& settings,
                            const core::RegisteredGroup& group, bool is_main,
                            const std::vector<VolumeMount>& extras);

/// The exact settings.json text seeded into a new group's .claude directory.
std::string default_claude_settings_json();

} // namespace nanoclaw::container
