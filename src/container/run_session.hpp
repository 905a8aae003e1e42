// SPDX-License-Identifier: MIT
// One spawned runtime CLI from spawn to close (spec 20 §5.6-§5.10): stdin, the stdout/stderr
// pumps, the marker parser, the ordered output queue, the hard-timeout watchdog with its stop.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nanoclaw/container/run_outcome.hpp"
#include "nanoclaw/container/runner.hpp"
#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::container::detail {

struct SessionOptions {
    std::string binary;
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> extra_env;
    std::string stdin_json;
    std::string group_folder;   ///< for log lines
    std::string container_name;
    std::chrono::milliseconds hard_timeout{0};
    std::chrono::milliseconds stop_timeout{0};
    std::chrono::milliseconds pipe_drain_grace{0};
    std::size_t max_output_bytes = 0;
    OutputCallback on_output;   ///< empty = legacy mode
    std::function<void(const std::string&)> on_started;
};

struct SessionResult {
    std::optional<std::string> spawn_error;
    bool timed_out = false;
    bool had_streaming_output = false;
    std::optional<int> exit_code;
    std::optional<std::string> latest_session_id;
    CappedBuffer out{0};
    CappedBuffer err{0};
};

/// Runs the child to close: exit seen and both output streams at EOF (or closed after the drain
/// grace). All queued output callbacks have finished when this returns.
awaitable<SessionResult> run_session(asio::io_context& io, SessionOptions options);

/// `stop -t 1 <name>`, and if that fails, `kill <name>`; false if both failed or the name is bad.
awaitable<bool> stop_by_name(asio::io_context& io, std::string binary, std::string name,
                             std::chrono::milliseconds timeout);

} // namespace nanoclaw::container::detail
