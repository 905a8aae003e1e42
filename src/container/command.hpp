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

/// One command of a batch: arguments and time limit.
struct CommandSpec {
    std::vector<std::string> args;
    std::chrono::milliseconds timeout;
};

/// Commands started together on a private io_context, collected later. They are child
/// processes, so they run while the caller does other work on the same thread (start-up opens
/// the database meanwhile) without a helper thread; time limits count from the start.
class CommandBatch {
  public:
    /// Spawns every command before returning.
    CommandBatch(const std::string& binary, const std::vector<CommandSpec>& commands);
    /// Waits for commands never collected (their results are dropped), so none is left behind.
    ~CommandBatch();
    CommandBatch(const CommandBatch&) = delete;
    CommandBatch& operator=(const CommandBatch&) = delete;

    /// Blocks until every command has finished; results in the order given. Call once.
    std::vector<CommandResult> wait();

  private:
    asio::io_context io_;
    std::vector<CommandResult> results_;
    bool collected_ = false;
};

} // namespace nanoclaw::container::detail
