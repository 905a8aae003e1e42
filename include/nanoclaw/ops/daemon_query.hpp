// SPDX-License-Identifier: MIT
// The CLI side of the daemon's status request: one {"type":"daemon_status"} line over the local
// channel's socket, one JSON line back (docs/operations.md).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace nanoclaw::ops {

/// The running daemon's live state (version, pid, uptime, channels, runs, proxy), or why it
/// could not be had: nothing listens on `socket_path`, the daemon answered with an error (an
/// older daemon), or no answer came within `timeout`. Blocks.
tl::expected<nlohmann::json, std::string>
query_daemon_status(const std::filesystem::path& socket_path,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

} // namespace nanoclaw::ops
