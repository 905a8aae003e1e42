// SPDX-License-Identifier: MIT
#include "command.hpp"

#include <exception>
#include <memory>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/child_process.hpp"
#include "signal.hpp"

namespace nanoclaw::container::detail {

using core::ChildProcess;
using core::SpawnOptions;

namespace {

constexpr std::size_t k_capture_limit = 1024 * 1024;

struct CommandState {
    explicit CommandState(asio::io_context& io) : wake(io), deadline(io) {}
    CommandResult result;
    std::string err_text;
    int pending_readers = 2;
    bool finished = false;
    Signal wake;
    asio::steady_timer deadline;
};

awaitable<void> pump(std::shared_ptr<ChildProcess> child, std::shared_ptr<CommandState> state,
                     bool is_stderr) {
    // Not zero-filled: only the pages a read reaches are ever touched (start-up pays per page).
    constexpr std::size_t k_chunk = 16 * 1024;
    const auto buf = std::make_unique_for_overwrite<char[]>(k_chunk);
    auto& sink = is_stderr ? state->err_text : state->result.output;
    for (;;) {
        std::size_t n = 0;
        if (is_stderr) {
            n = co_await child->read_stderr(buf.get(), k_chunk);
        } else {
            n = co_await child->read_stdout(buf.get(), k_chunk);
        }
        if (n == 0) break;
        const auto room = k_capture_limit - std::min(k_capture_limit, sink.size());
        sink.append(buf.get(), std::min(n, room));
    }
}

awaitable<void> watchdog(std::shared_ptr<ChildProcess> child, std::shared_ptr<CommandState> state,
                         std::chrono::milliseconds timeout) {
    state->deadline.expires_after(timeout);
    boost::system::error_code ec;
    co_await state->deadline.async_wait(asio::redirect_error(use_awaitable, ec));
    if (ec || state->finished) co_return;
    state->result.timed_out = true;
    child->kill();
    child->close_outputs();
}

void start(asio::io_context& io, awaitable<void> task, std::shared_ptr<CommandState> state,
           bool counts_as_reader) {
    asio::co_spawn(io, std::move(task), [state, counts_as_reader](std::exception_ptr e) {
        if (e) spdlog::error("runtime command helper failed");
        if (counts_as_reader) --state->pending_readers;
        state->wake.notify();
    });
}

} // namespace

awaitable<CommandResult> run_command(asio::io_context& io, std::string binary,
                                     std::vector<std::string> args,
                                     std::chrono::milliseconds timeout) {
    auto state = std::make_shared<CommandState>(io);
    std::shared_ptr<ChildProcess> child;
    try {
        child = std::make_shared<ChildProcess>(io, SpawnOptions{binary, std::move(args), {}, {}, {}});
    } catch (const std::exception& e) {
        state->result.error = e.what();
        co_return state->result;
    }
    start(io, pump(child, state, false), state, true);
    start(io, pump(child, state, true), state, true);
    start(io, watchdog(child, state, timeout), state, false);
    co_await child->write_stdin_and_close(std::string());
    const auto code = co_await child->wait_exit();
    while (state->pending_readers > 0)
        co_await state->wake.wait();
    state->finished = true;
    state->deadline.cancel();
    if (!state->result.timed_out) state->result.exit_code = code;
    state->result.error = state->err_text;
    co_return state->result;
}

StartedCommand::StartedCommand(const std::string& binary, std::vector<std::string> args,
                               std::chrono::milliseconds timeout) {
    asio::co_spawn(io_, run_command(io_, binary, std::move(args), timeout),
                   [this](std::exception_ptr e, CommandResult r) {
                       if (e) {
                           result_.error = "runtime command failed unexpectedly";
                           return;
                       }
                       result_ = std::move(r);
                   });
    // Runs the command up to its first wait: the spawn, the pipe reads and the watchdog are all
    // in place when this returns; wait() drives them to the end.
    io_.poll();
}

StartedCommand::~StartedCommand() {
    if (collected_) return;
    try {
        io_.run();
    } catch (const std::exception& e) {
        spdlog::error("runtime command failed while abandoned: {}", e.what());
    }
}

CommandResult StartedCommand::wait() {
    io_.run();
    collected_ = true;
    return std::move(result_);
}

} // namespace nanoclaw::container::detail
