// SPDX-License-Identifier: MIT
// The container runtime CLI (spec 20 §3): Docker by default, Podman as an option. Every command is
// spawned from an argv vector, never through a shell, and container names are validated before
// any stop or kill.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nanoclaw/container/settings.hpp"
#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/core/config.hpp"

namespace nanoclaw::container {

namespace detail {
struct CommandResult;
class StartedCommand;
} // namespace detail

/// The start-up `info` check under way (Runtime::start_check): a child process that runs while
/// the caller does other work on the same thread.
class RuntimeCheck {
  public:
    RuntimeCheck(RuntimeCheck&&) noexcept;
    RuntimeCheck& operator=(RuntimeCheck&&) noexcept;
    /// Waits for the command if finish() was never called (start-up failed elsewhere).
    ~RuntimeCheck();

    /// Waits for `info`; nullopt when the runtime answered, else why not (as Runtime::probe).
    /// Call once.
    std::optional<std::string> finish();

  private:
    friend class Runtime;
    RuntimeCheck(std::unique_ptr<detail::StartedCommand> info, std::chrono::milliseconds timeout);
    std::unique_ptr<detail::StartedCommand> info_;
    std::chrono::milliseconds timeout_;
};

/// ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ (spec §12.2).
bool is_valid_container_name(std::string_view name);

/// `stop -t 1 <name>`; throws std::invalid_argument("Invalid container name: <name>").
std::vector<std::string> stop_args(std::string_view name);

/// `kill <name>`; same validation as stop_args.
std::vector<std::string> kill_args(std::string_view name);

/// Names from a `ps --format {{.Names}}` listing that are ours to stop: trimmed, starting with
/// "nanoclaw-", valid, and not `own_hostname` (Docker Sandboxes, §11.4).
std::vector<std::string> select_orphans(std::string_view ps_output, std::string_view own_hostname);

/// The start-up face of the runtime: is it reachable, and which containers did an earlier
/// daemon leave running.
class Runtime {
  public:
    Runtime(const core::Config& config, const Settings& settings);

    /// Runs `info` with the configured timeout; on failure prints an actionable banner to stderr
    /// and throws core::FatalError("Container runtime is required but failed to start").
    void ensure_running() const;

    /// The `info` check without reporting: nullopt when the runtime answered, else why not.
    std::optional<std::string> probe() const;

    /// probe() in two halves: starts `info` and returns at once; RuntimeCheck::finish()
    /// collects the answer. The check does not refer back to this Runtime.
    RuntimeCheck start_check() const;

    /// Reports a failed probe like ensure_running: error line, banner, FatalError.
    [[noreturn]] void fail(const std::string& why) const;

    /// Stops running `nanoclaw-*` containers left by an earlier daemon, one by one. Never
    /// throws: a failed listing is a warning. Returns the names it tried to stop. Blocks.
    std::vector<std::string> cleanup_orphans() const;

    /// cleanup_orphans() on `io`, without blocking it (a `stop -t 1` takes a second or more
    /// with a real runtime). The coroutine keeps its own copy of the settings it needs.
    awaitable<std::vector<std::string>> cleanup_orphans_async(asio::io_context& io) const;

  private:
    std::string binary_;
    core::RuntimeKind kind_;
    std::string hostname_;
    std::chrono::milliseconds info_timeout_;
    std::chrono::milliseconds stop_timeout_;
};

} // namespace nanoclaw::container
