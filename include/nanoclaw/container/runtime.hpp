// SPDX-License-Identifier: MIT
// The container runtime CLI (spec 20 §3): Docker by default, Podman as an option. Every command is
// spawned from an argv vector, never through a shell, and container names are validated before
// any stop or kill.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nanoclaw/container/settings.hpp"
#include "nanoclaw/core/config.hpp"

namespace nanoclaw::container {

namespace detail {
struct CommandResult;
} // namespace detail

/// ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ (spec §12.2).
bool is_valid_container_name(std::string_view name);

/// `stop -t 1 <name>`; throws std::invalid_argument("Invalid container name: <name>").
std::vector<std::string> stop_args(std::string_view name);

/// `kill <name>`; same validation as stop_args.
std::vector<std::string> kill_args(std::string_view name);

/// Names from a `ps --format {{.Names}}` listing that are ours to stop: trimmed, starting with
/// "nanoclaw-", valid, and not `own_hostname` (Docker Sandboxes, §11.4).
std::vector<std::string> select_orphans(std::string_view ps_output, std::string_view own_hostname);

/// The start-up face of the runtime. Both calls block and are meant to run before serving.
class Runtime {
  public:
    Runtime(const core::Config& config, const Settings& settings);

    /// Runs `info` with the configured timeout; on failure prints an actionable banner to stderr
    /// and throws core::FatalError("Container runtime is required but failed to start").
    void ensure_running() const;

    /// The `info` check without reporting: nullopt when the runtime answered, else why not.
    /// Safe to run on another thread (its own event loop), so start-up can overlap it.
    std::optional<std::string> probe() const;

    /// Reports a failed probe like ensure_running: error line, banner, FatalError.
    [[noreturn]] void fail(const std::string& why) const;

    /// Stops running `nanoclaw-*` containers left by an earlier daemon. Never throws.
    /// Returns the names it tried to stop.
    std::vector<std::string> cleanup_orphans() const;

    /// probe() then cleanup_orphans(), with the orphan listing (read-only) run alongside `info`
    /// so start-up waits for one CLI round trip instead of two. Orphans are stopped only when
    /// the probe succeeded; returns the probe's failure, if any.
    std::optional<std::string> probe_and_cleanup() const;

  private:
    std::vector<std::string> stop_orphans(const detail::CommandResult& listing) const;

    std::string binary_;
    core::RuntimeKind kind_;
    std::string hostname_;
    std::chrono::milliseconds info_timeout_;
    std::chrono::milliseconds stop_timeout_;
};

} // namespace nanoclaw::container
