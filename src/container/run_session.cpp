// SPDX-License-Identifier: MIT
#include "run_session.hpp"

#include <deque>
#include <exception>
#include <memory>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/child_process.hpp"
#include "command.hpp"
#include "nanoclaw/container/marker_parser.hpp"
#include "nanoclaw/container/runtime.hpp"
#include "nanoclaw/core/env_file.hpp"
#include "signal.hpp"

namespace nanoclaw::container::detail {

using core::ChildProcess;
using core::SpawnOptions;

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::size_t k_read_size = 64 * 1024;

} // namespace

struct SessionState {
    SessionState(asio::io_context& io_ctx, SessionOptions opts)
        : io(io_ctx), options(std::move(opts)), wake(io_ctx), watchdog(io_ctx), drain(io_ctx) {
        result.out = CappedBuffer(options.max_output_bytes);
        result.err = CappedBuffer(options.max_output_bytes);
    }
    asio::io_context& io;
    SessionOptions options;
    std::shared_ptr<ChildProcess> child;
    SessionResult result;
    MarkerParser parser;
    std::deque<ContainerOutput> queue;
    bool exited = false, out_eof = false, err_eof = false, closed = false, consumer_done = false;
    bool input_given = false; ///< finish_session has started
    bool early_stdout = false; ///< stdout bytes before the input was given
    std::string stderr_line; ///< partial line for on_stderr_line_before_input
    SteadyClock::time_point last_activity = SteadyClock::now();
    Signal wake;
    asio::steady_timer watchdog;
    asio::steady_timer drain;

    bool streaming() const { return static_cast<bool>(options.on_output); }
    bool all_closed() const { return exited && out_eof && err_eof; }
};

namespace {

using State = SessionState;
using StatePtr = std::shared_ptr<State>;

void handle_record(State& s, MarkerRecord record) {
    if (!record) {
        // A bad record is consumed and does not count as activity (§5.7).
        spdlog::warn("Failed to parse streamed output chunk from {}: {}", s.options.group_folder,
                     record.error());
        return;
    }
    if (record->new_session_id && !record->new_session_id->empty()) {
        s.result.latest_session_id = record->new_session_id;
    }
    s.result.had_streaming_output = true;
    s.last_activity = SteadyClock::now(); // restarts the hard timeout
    s.queue.push_back(std::move(*record));
}

awaitable<void> pump_stdout(StatePtr s) {
    std::string buf(k_read_size, '\0');
    for (;;) {
        const auto n = co_await s->child->read_stdout(buf.data(), buf.size());
        if (n == 0) break;
        const std::string_view chunk(buf.data(), n);
        if (!s->input_given) s->early_stdout = true;
        if (s->result.out.append(chunk)) {
            spdlog::warn("Container stdout truncated due to size limit ({} bytes) for {}",
                         s->options.max_output_bytes, s->options.group_folder);
        }
        if (!s->streaming()) continue;
        for (auto& record : s->parser.feed(chunk)) handle_record(*s, std::move(record));
        if (!s->queue.empty()) s->wake.notify();
    }
    s->out_eof = true;
    s->wake.notify();
}

void log_stderr_lines(const State& s, std::string_view chunk) {
    std::size_t start = 0;
    while (start < chunk.size()) {
        auto end = chunk.find('\n', start);
        if (end == std::string_view::npos) end = chunk.size();
        const auto line = core::js_trim(chunk.substr(start, end - start));
        if (!line.empty()) spdlog::debug("[container {}] {}", s.options.group_folder, line);
        start = end + 1;
    }
}

// Whole lines only; a line longer than 4 KiB is cut (the ready line is short).
void watch_stderr_lines(State& s, std::string_view chunk) {
    constexpr std::size_t k_max_line = 4096;
    for (const char c : chunk) {
        if (c != '\n') {
            if (s.stderr_line.size() < k_max_line) s.stderr_line.push_back(c);
            continue;
        }
        const std::string line = std::move(s.stderr_line);
        s.stderr_line.clear();
        s.options.on_stderr_line_before_input(line);
    }
}

awaitable<void> pump_stderr(StatePtr s) {
    std::string buf(k_read_size, '\0');
    for (;;) {
        const auto n = co_await s->child->read_stderr(buf.data(), buf.size());
        if (n == 0) break;
        const std::string_view chunk(buf.data(), n);
        // Stderr is never activity: the SDK writes debug output constantly (§5.8).
        if (s->result.err.append(chunk)) {
            spdlog::warn("Container stderr truncated due to size limit ({} bytes) for {}",
                         s->options.max_output_bytes, s->options.group_folder);
        }
        if (spdlog::should_log(spdlog::level::debug)) log_stderr_lines(*s, chunk);
        if (!s->input_given && s->options.on_stderr_line_before_input) watch_stderr_lines(*s, chunk);
    }
    s->err_eof = true;
    s->wake.notify();
}

awaitable<void> write_input(StatePtr s) {
    const bool ok = co_await s->child->write_stdin_and_close(std::move(s->options.stdin_json));
    if (!ok) spdlog::debug("Writing input to {} failed (exited early?)", s->options.container_name);
}

// After the exit, a grandchild may still hold the pipes; close them ourselves after the grace.
awaitable<void> wait_exit(StatePtr s) {
    s->result.exit_code = co_await s->child->wait_exit();
    s->exited = true;
    s->wake.notify();
    if (!s->input_given && s->options.on_exit_before_input) {
        // Moved out first: the callback may drop the last owner of the session.
        auto on_exit = std::move(s->options.on_exit_before_input);
        s->options.on_exit_before_input = nullptr;
        on_exit();
    }
    if (s->out_eof && s->err_eof) co_return;
    s->drain.expires_after(s->options.pipe_drain_grace);
    boost::system::error_code ec;
    co_await s->drain.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!ec && !s->closed) s->child->close_outputs();
}

// Delivers records strictly one at a time, in order; a failing callback never stops the chain.
awaitable<void> deliver_outputs(StatePtr s) {
    for (;;) {
        if (!s->queue.empty()) {
            auto record = std::move(s->queue.front());
            s->queue.pop_front();
            try {
                co_await s->options.on_output(std::move(record));
            } catch (const std::exception& e) {
                spdlog::error("Output callback for {} failed: {}", s->options.group_folder,
                              e.what());
            }
            continue;
        }
        if (s->out_eof) break;
        co_await s->wake.wait();
    }
    s->consumer_done = true;
    s->wake.notify();
}

awaitable<void> on_hard_timeout(StatePtr s) {
    s->result.timed_out = true;
    spdlog::error("Container timeout, stopping gracefully: group={} container={}",
                  s->options.group_folder, s->options.container_name);
    const bool stopped = co_await stop_by_name(s->io, s->options.binary, s->options.container_name,
                                               s->options.stop_timeout);
    if (!stopped) {
        spdlog::warn("Graceful stop of {} failed, killing the runtime client",
                     s->options.container_name);
        s->child->kill();
    }
}

// The deadline is last activity + hard timeout; records move it without touching the timer.
awaitable<void> watch_hard_timeout(StatePtr s) {
    for (;;) {
        if (s->closed) co_return;
        const auto deadline = s->last_activity + s->options.hard_timeout;
        if (SteadyClock::now() >= deadline) break;
        s->watchdog.expires_at(deadline);
        boost::system::error_code ec;
        co_await s->watchdog.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_await on_hard_timeout(s);
}

void start(StatePtr s, const char* name, awaitable<void> task) {
    asio::co_spawn(s->io, std::move(task), [s, name](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& err) {
            spdlog::error("Container run task {} for {} failed: {}", name, s->options.group_folder,
                          err.what());
        }
    });
}

} // namespace

awaitable<bool> stop_by_name(asio::io_context& io, std::string binary, std::string name,
                             std::chrono::milliseconds timeout) {
    if (!is_valid_container_name(name)) {
        spdlog::error("Refusing to stop container with invalid name {:?}", name);
        co_return false;
    }
    const auto stop = co_await run_command(io, binary, stop_args(name), timeout);
    if (stop.ok()) co_return true;
    spdlog::warn("`{} stop {}` failed{}; trying kill", binary, name,
                 stop.timed_out ? " (timed out)" : "");
    const auto kill = co_await run_command(io, binary, kill_args(name), timeout);
    co_return kill.ok();
}

SessionPtr spawn_session(asio::io_context& io, SessionOptions options) {
    auto s = std::make_shared<State>(io, std::move(options));
    s->child = std::make_shared<ChildProcess>(
        io, SpawnOptions{s->options.binary, s->options.args, s->options.extra_env, {}, {}});
    start(s, "stdout", pump_stdout(s));
    start(s, "stderr", pump_stderr(s));
    start(s, "exit", wait_exit(s));
    return s;
}

awaitable<bool> write_session_stdin(SessionPtr session, std::string text) {
    co_return co_await session->child->write_stdin(std::move(text));
}

void close_session_stdin(const SessionPtr& session) { session->child->close_stdin(); }

bool session_unusable(const SessionPtr& session) {
    return session->exited || session->early_stdout;
}

bool session_exited(const SessionPtr& session) { return session->exited; }

std::string session_stderr_tail(const SessionPtr& session, std::size_t max_bytes) {
    const auto text = session->result.err.text();
    return text.size() <= max_bytes ? text : text.substr(text.size() - max_bytes);
}

const std::string& session_container_name(const SessionPtr& session) {
    return session->options.container_name;
}

awaitable<SessionResult> finish_session(SessionPtr session, std::string last_input,
                                        OutputCallback on_output,
                                        std::function<void(const std::string&)> on_started) {
    auto s = std::move(session);
    s->input_given = true;
    s->options.on_stderr_line_before_input = nullptr;
    s->options.on_exit_before_input = nullptr;
    s->options.stdin_json = std::move(last_input);
    s->options.on_output = std::move(on_output);
    // The hard timeout counts from the input, not from a warm container's start.
    s->last_activity = SteadyClock::now();
    try {
        if (on_started) on_started(s->options.container_name);
    } catch (const std::exception& e) {
        spdlog::error("Run-started hook for {} failed: {}", s->options.container_name, e.what());
    }
    start(s, "stdin", write_input(s));
    start(s, "watchdog", watch_hard_timeout(s));
    if (s->streaming()) start(s, "output", deliver_outputs(s));
    while (!s->all_closed()) co_await s->wake.wait();
    s->closed = true;
    s->watchdog.cancel();
    s->drain.cancel();
    while (s->streaming() && !s->consumer_done) co_await s->wake.wait();
    co_return std::move(s->result);
}

awaitable<SessionResult> run_session(asio::io_context& io, SessionOptions options) {
    auto stdin_json = std::move(options.stdin_json);
    auto on_output = std::move(options.on_output);
    auto on_started = std::move(options.on_started);
    SessionPtr s;
    try {
        s = spawn_session(io, std::move(options));
    } catch (const std::exception& e) {
        SessionResult failed;
        failed.spawn_error = e.what();
        co_return failed;
    }
    co_return co_await finish_session(std::move(s), std::move(stdin_json), std::move(on_output),
                                      std::move(on_started));
}

} // namespace nanoclaw::container::detail
