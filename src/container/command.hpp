// SPDX-License-Identifier: MIT
// Short runtime-CLI commands (info, ps, stop, kill) with a time limit and captured output.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::container::detail {

struct CommandResult {
    std::optional<int> exit_code; ///< nullopt: did not start, timed out, or killed by a signal
    bool timed_out = false;
    std::string output; ///< stdout, capped at 1 MiB
    std::string error;  ///< spawn failure or stderr (capped), for log messages

    bool ok() const { return exit_code == 0; }
};

/// Runs `binary args...` on `io`; after `timeout` the child is killed and timed_out set.
awaitable<CommandResult> run_command(asio::io_context& io, std::string binary,
                                     std::vector<std::string> args,
                                     std::chrono::milliseconds timeout);

/// One command started now on a private io_context and collected later. It is a child process,
/// so it runs while the caller does other work on the same thread (start-up opens the database
/// meanwhile) without a helper thread; the time limit counts from the start.
class StartedCommand {
  public:
    /// Spawns the command before returning.
    StartedCommand(const std::string& binary, std::vector<std::string> args,
                   std::chrono::milliseconds timeout);
    /// Waits for a command never collected (its result is dropped), so none is left behind.
    ~StartedCommand();
    StartedCommand(const StartedCommand&) = delete;
    StartedCommand& operator=(const StartedCommand&) = delete;

    /// Blocks until the command has finished. Call once.
    CommandResult wait();

  private:
    asio::io_context io_;
    CommandResult result_;
    bool collected_ = false;
};

} // namespace nanoclaw::container::detail
