// SPDX-License-Identifier: MIT
// Showing a local page in the user's browser from a setup step.
#pragma once

#include <filesystem>

#include "nanoclaw/setup/platform.hpp"
#include "setup_log.hpp"

namespace nanoclaw::setup {

/// Starts `open` (macOS) or `xdg-open` on `file`, detached in a session of its own and not waited
/// for (a browser it starts may run for hours). Failures are only logged: the page's path is in
/// the log and the block, and the user can open it by hand.
void open_in_browser(const std::filesystem::path& file, const Platform& platform,
                     const core::EnvMap& env, const SetupLog& log);

} // namespace nanoclaw::setup
