// SPDX-License-Identifier: MIT
// A blocking client for the WhatsApp bridge process (docs/whatsapp-bridge-protocol.md), for the
// setup steps: one-shot CLI work that waits for one event at a time, so posix_spawn and poll are
// enough and no event loop is needed. The daemon's channel has its own asynchronous one.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::setup {

struct BridgeSpawn {
    std::vector<std::string> argv; ///< argv[0] looked up on env's PATH unless it has a '/'
    core::EnvMap env;              ///< the whole environment of the bridge
    std::filesystem::path cwd;
    /// Called with each stderr line (without its newline), while waiting for stdout.
    std::function<void(std::string_view)> on_stderr_line;
};

/// What one wait for a stdout line ended with.
struct BridgeRead {
    enum class Kind { line, oversized, timeout, closed };
    Kind kind = Kind::closed;
    std::string text; ///< the line (kind line), without its '\n'
};

class BridgeClient {
  public:
    using Clock = std::chrono::steady_clock;

    /// Starts the bridge in its own process group, stdin/stdout/stderr on pipes. The error says
    /// why it could not be started (program not found, spawn failure).
    static tl::expected<std::unique_ptr<BridgeClient>, std::string> start(BridgeSpawn spawn);

    BridgeClient(const BridgeClient&) = delete;
    BridgeClient& operator=(const BridgeClient&) = delete;
    /// A bridge still running is asked to stop (stdin closed, SIGTERM), then killed with its group.
    ~BridgeClient();

    /// Writes one command line (with its '\n'); false when the bridge no longer reads.
    bool send(std::string_view line);

    /// The next stdout line before `deadline`. A line over k_max_bridge_line is skipped up to its
    /// newline and reported once as `oversized`; `closed` once stdout has ended (the bridge
    /// exited).
    BridgeRead next(Clock::time_point deadline);

    /// Closes stdin (the protocol's "shut down"), reads and drops stdout until it ends, and reaps
    /// the bridge; past `deadline` the group is killed. The exit code, nullopt when killed.
    std::optional<int> finish(Clock::time_point deadline);

    /// The exit code once reaped (after `closed` or finish()); nullopt while running or if killed.
    std::optional<int> exit_code() const { return exit_code_; }
    pid_t pid() const { return pid_; }

  private:
    BridgeClient() = default;
    void read_stderr();
    bool reap(Clock::time_point deadline);
    void kill_group(int signal);

    pid_t pid_ = -1;
    int in_ = -1, out_ = -1, err_ = -1;
    std::string out_buf_, err_buf_;
    bool skipping_ = false; ///< inside an oversized stdout line
    bool reaped_ = false;
    std::optional<int> exit_code_;
    std::function<void(std::string_view)> on_stderr_line_;
};

} // namespace nanoclaw::setup
