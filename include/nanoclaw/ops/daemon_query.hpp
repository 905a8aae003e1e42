// SPDX-License-Identifier: MIT
// The CLI side of the daemon's requests over the local channel's socket: one line out, one JSON
// line back ({"type":"daemon_status"}, docs/operations.md; {"type":"sync_groups"}, docs/whatsapp.md).
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

/// Asks the running daemon to sync the groups of every channel that lists them (WhatsApp) now,
/// and returns its answer's `channels` array: [{"name":"whatsapp","ok":true,"groups":N,
/// "error":""}...] (empty when no such channel runs). Errors as query_daemon_status. Blocks.
tl::expected<nlohmann::json, std::string>
query_sync_groups(const std::filesystem::path& socket_path,
                  std::chrono::milliseconds timeout = std::chrono::seconds(60));

} // namespace nanoclaw::ops
