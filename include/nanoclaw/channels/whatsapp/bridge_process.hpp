// SPDX-License-Identifier: MIT
// The bridge as a child process: stdout read as JSON lines (over-long ones dropped and reported,
// never buffered without bound), stderr lines handed on for the log, commands written to stdin
// in order, and the exit reported once both the process and its stdout are done.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/core/child_process.hpp"

namespace nanoclaw::channels::whatsapp {

/// Cuts a byte stream into lines of at most `max` bytes (newline excluded). A longer line is
/// skipped up to its newline and reported once with its length so far.
class LineSplitter {
  public:
    explicit LineSplitter(std::size_t max) : max_(max) {}
    void feed(std::string_view chunk, const std::function<void(std::string)>& on_line,
              const std::function<void(std::size_t)>& on_oversized);
    /// A last line without a newline (at EOF), if any.
    std::optional<std::string> finish();

  private:
    std::size_t max_;
    std::string buffer_;
    bool skipping_ = false;
    std::size_t skipped_ = 0;
};

struct BridgeHandlers {
    std::function<void(std::string)> on_line;        ///< one stdout line
    std::function<void(std::size_t)> on_oversized;   ///< a stdout line over the limit, dropped
    std::function<void(std::string)> on_stderr;      ///< one stderr line
    std::function<void(std::optional<int>)> on_exit; ///< exit code, nullopt for a signal
};

class BridgeProcess {
  public:
    /// Spawns the bridge; throws std::runtime_error when it cannot be started. Handlers are
    /// called on the io_context thread; on_exit last, once.
    BridgeProcess(asio::io_context& io, const core::SpawnOptions& options, BridgeHandlers handlers);
    /// Kills the bridge if it still runs.
    ~BridgeProcess();
    BridgeProcess(const BridgeProcess&) = delete;
    BridgeProcess& operator=(const BridgeProcess&) = delete;

    /// Queues one command line; lines are written in order. Ignored once stopping.
    void send(std::string line);
    /// Asks the bridge to exit (`line`, then EOF on stdin), SIGTERM after `grace`, SIGKILL after
    /// another `grace`; returns when it has exited.
    awaitable<void> stop(std::string line, std::chrono::milliseconds grace);
    bool running() const;
    int pid() const;

    struct State;

  private:
    std::shared_ptr<State> state_;
};

} // namespace nanoclaw::channels::whatsapp
