// SPDX-License-Identifier: MIT
#include "child_process.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <stdexcept>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/search_path.hpp>

namespace nanoclaw::container::detail {

namespace bp = boost::process;

struct ChildProcess::State {
    explicit State(asio::io_context& io)
        : in(io), out(io), err(io), exit_signal(io, std::chrono::steady_clock::time_point::max()) {}
    bp::async_pipe in;
    bp::async_pipe out;
    bp::async_pipe err;
    bp::child child;
    bool exited = false;
    std::optional<int> exit_code;
    // Fires (by cancel) when the exit is seen; never re-armed, so waiters cannot race.
    asio::steady_timer exit_signal;
};

namespace {

void set_cloexec(int fd) {
    if (fd >= 0) ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

boost::filesystem::path resolve_binary(const std::string& binary) {
    if (binary.find('/') != std::string::npos) return binary;
    auto found = bp::search_path(binary);
    if (found.empty()) throw std::runtime_error("spawn " + binary + " ENOENT");
    return found;
}

std::optional<int> decode_status(int raw) {
    if (WIFEXITED(raw)) return WEXITSTATUS(raw);
    return std::nullopt;
}

} // namespace

namespace {

// The child gets stdin/stdout/stderr and nothing else. Without this the runtime CLI inherits the
// daemon's sockets (local channel, proxy listener, clients) and keeps them alive after a daemon
// crash, so a restarted daemon finds its socket "in use". Runs after fork, before exec: marks
// every descriptor above 2 close-on-exec (Boost.Process's own error pipe already is), which is
// async-signal-safe, unlike listing /proc/self/fd. bp::limit_handles is broken in Boost 1.74.
struct CloseInheritedFds : boost::process::extend::handler {
    template <typename Executor>
    void on_exec_setup(Executor&) const {
        if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
        for (int fd = 3; fd < 4096; ++fd) {
            const int flags = ::fcntl(fd, F_GETFD);
            if (flags >= 0 && !(flags & FD_CLOEXEC)) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
        }
    }
};

} // namespace

ChildProcess::ChildProcess(asio::io_context& io, const SpawnOptions& options)
    : state_(std::make_shared<State>(io)) {
    auto& s = *state_;
    for (auto* pipe : {&s.in, &s.out, &s.err}) {
        set_cloexec(pipe->native_source());
        set_cloexec(pipe->native_sink());
    }
    auto env = boost::this_process::environment();
    for (const auto& [name, value] : options.extra_env) env[name] = value;
    const auto exe = resolve_binary(options.binary);
    // The handler holds the state alive until the exit is reported, even if we are gone.
    auto exit_handler = [state = state_](int, const std::error_code&) {
        state->exited = true;
        state->exit_code = decode_status(state->child.native_exit_code());
        state->exit_signal.cancel();
    };
    std::error_code ec;
    s.child = bp::child(bp::exe = exe, bp::args = options.args, bp::std_in < s.in,
                        bp::std_out > s.out, bp::std_err > s.err, env, io,
                        bp::on_exit(exit_handler), CloseInheritedFds{}, ec);
    if (ec) throw std::runtime_error("spawn " + options.binary + " failed: " + ec.message());
}

ChildProcess::~ChildProcess() {
    kill();
    if (state_->child.valid()) state_->child.detach(); // the on_exit handler still reaps it
    boost::system::error_code ec;
    state_->in.close(ec);
    state_->out.close(ec);
    state_->err.close(ec);
}

awaitable<bool> ChildProcess::write_stdin_and_close(std::string data) {
    auto state = state_;
    boost::system::error_code ec;
    co_await asio::async_write(state->in, asio::buffer(data),
                               asio::redirect_error(use_awaitable, ec));
    boost::system::error_code close_ec;
    state->in.close(close_ec);
    co_return !ec;
}

awaitable<std::size_t> ChildProcess::read_stdout(char* buf, std::size_t size) {
    auto state = state_;
    boost::system::error_code ec;
    const auto n = co_await state->out.async_read_some(asio::buffer(buf, size),
                                                       asio::redirect_error(use_awaitable, ec));
    co_return ec ? 0 : n;
}

awaitable<std::size_t> ChildProcess::read_stderr(char* buf, std::size_t size) {
    auto state = state_;
    boost::system::error_code ec;
    const auto n = co_await state->err.async_read_some(asio::buffer(buf, size),
                                                       asio::redirect_error(use_awaitable, ec));
    co_return ec ? 0 : n;
}

awaitable<std::optional<int>> ChildProcess::wait_exit() {
    auto state = state_;
    while (!state->exited) {
        boost::system::error_code ec;
        co_await state->exit_signal.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_return state->exit_code;
}

void ChildProcess::close_outputs() {
    boost::system::error_code ec;
    state_->out.close(ec);
    state_->err.close(ec);
}

void ChildProcess::kill() {
    // Plain kill(2): bp::child::terminate would also reap, racing the on_exit handler.
    if (!state_->exited && state_->child.valid()) ::kill(state_->child.id(), SIGKILL);
}

int ChildProcess::pid() const { return state_->child.id(); }

} // namespace nanoclaw::container::detail
