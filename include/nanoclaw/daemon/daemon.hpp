// SPDX-License-Identifier: MIT
// nanoclawd's lifetime: start-up in a fixed order, serve until a signal, shut down cleanly.
#pragma once

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::daemon {

/// Creates the directory layout under config.root (store/, groups/, data/ipc/ ...) and copies
/// the shipped CLAUDE.md templates from config.share_dir into groups/{main,global}/ when missing
/// (never overwriting). Throws core::FatalError when the layout cannot be created.
void ensure_layout(const core::Config& config);

/// Runs the daemon until SIGTERM/SIGINT; returns the process exit code.
/// Throws core::FatalError when start-up cannot complete.
int run_daemon(const core::Config& config);

} // namespace nanoclaw::daemon
