// SPDX-License-Identifier: MIT
#pragma once

#include <ostream>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::cli {

/// `nanoclaw status`: daemon liveness, registered groups, tasks and token usage per group.
/// Returns the exit code (0 when the database could be read).
int run_status(const core::Config& config, std::ostream& out);

} // namespace nanoclaw::cli
