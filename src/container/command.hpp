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

/// The same on a private io_context, blocking the caller. For start-up only.
CommandResult run_command_blocking(const std::string& binary, const std::vector<std::string>& args,
                                   std::chrono::milliseconds timeout);

/// One command of a batch: arguments and time limit.
struct CommandSpec {
    std::vector<std::string> args;
    std::chrono::milliseconds timeout;
};

/// Runs every command at once on a private io_context and blocks until all have finished;
/// results in the order given.
std::vector<CommandResult> run_commands_blocking(const std::string& binary,
                                                 const std::vector<CommandSpec>& commands);

} // namespace nanoclaw::container::detail
