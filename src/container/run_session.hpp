// SPDX-License-Identifier: MIT
// One spawned runtime CLI from spawn to close (spec 20 §5.6-§5.10): stdin, the stdout/stderr
// pumps, the marker parser, the ordered output queue, the hard-timeout watchdog with its stop.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>
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
    /// Until finish_session: each whole stderr line (a warm pool watches for the ready line),
    /// and the exit of a child that was never given its input (a warm container that died).
    std::function<void(std::string_view line)> on_stderr_line_before_input;
    std::function<void()> on_exit_before_input;
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

/// A spawned runtime CLI, split in two for warm containers: spawn_session starts it and reads its
/// output (stdin stays open, no timeout runs), finish_session gives it the rest of its input and
/// runs it to close exactly as run_session does. Opaque; owned by shared pointers.
struct SessionState;
using SessionPtr = std::shared_ptr<SessionState>;

/// Spawns `options.binary` and starts the stdout/stderr pumps and the exit wait. Throws
/// std::runtime_error when it cannot be started.
SessionPtr spawn_session(asio::io_context& io, SessionOptions options);
/// Writes `text` to stdin and keeps it open; false when the child no longer reads.
awaitable<bool> write_session_stdin(SessionPtr session, std::string text);
/// Closes stdin: a warm container that is dismissed reads EOF and exits.
void close_session_stdin(const SessionPtr& session);
/// True once the child's exit was seen, or once it wrote to stdout (before its input, a broken
/// warm container: its records would be mixed into the next run's).
bool session_unusable(const SessionPtr& session);
bool session_exited(const SessionPtr& session);
/// The last `max_bytes` of what the child wrote to stderr so far (for a log line).
std::string session_stderr_tail(const SessionPtr& session, std::size_t max_bytes);
const std::string& session_container_name(const SessionPtr& session);
/// Writes `last_input` and closes stdin, calls `on_started`, starts the hard timeout and the
/// output delivery, and runs the child to close (see run_session).
awaitable<SessionResult> finish_session(SessionPtr session, std::string last_input,
                                        OutputCallback on_output,
                                        std::function<void(const std::string&)> on_started);

/// `stop -t 1 <name>`, and if that fails, `kill <name>`; false if both failed or the name is bad.
awaitable<bool> stop_by_name(asio::io_context& io, std::string binary, std::string name,
                             std::chrono::milliseconds timeout);

} // namespace nanoclaw::container::detail
