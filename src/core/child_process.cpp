// SPDX-License-Identifier: MIT
// Spawned with posix_spawn (glibc uses clone(CLONE_VM|CLONE_VFORK)): no copy of the daemon's page
// tables, so starting a runtime CLI costs well under a millisecond where Boost.Process's fork cost
// several. Exit is noticed through a SIGCHLD signal_set and reaped with waitpid(pid) only, so other
// children of the process are never reaped by accident.
#include "nanoclaw/core/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>

extern char** environ;

namespace nanoclaw::core {

using asio::posix::stream_descriptor;

struct ChildProcess::State {
    explicit State(asio::io_context& io)
        : in(io), out(io), err(io), sigchld(io, SIGCHLD),
          exit_signal(io, std::chrono::steady_clock::time_point::max()) {}
    stream_descriptor in;
    stream_descriptor out;
    stream_descriptor err;
    // Registered before the spawn, so an exit that happens at once is still queued for us.
    asio::signal_set sigchld;
    ::pid_t pid = -1;
    bool exited = false;
    std::optional<int> exit_code;
    // Fires (by cancel) when the exit is seen; never re-armed, so waiters cannot race.
    asio::steady_timer exit_signal;
};

namespace {

// A pipe whose two ends are close-on-exec from birth, so no concurrently spawned child can
// inherit the other end (which would keep a container from ever seeing EOF on stdin).
struct Pipe {
    int read_end = -1;
    int write_end = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
        read_end = fds[0];
        write_end = fds[1];
    }
    ~Pipe() {
        if (read_end >= 0) ::close(read_end);
        if (write_end >= 0) ::close(write_end);
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    int take_read() { return std::exchange(read_end, -1); }
    int take_write() { return std::exchange(write_end, -1); }
};

// RAII for the posix_spawn attribute objects.
struct SpawnActions {
    posix_spawn_file_actions_t actions;
    SpawnActions() { ::posix_spawn_file_actions_init(&actions); }
    ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
};
struct SpawnAttributes {
    posix_spawnattr_t attr;
    SpawnAttributes() { ::posix_spawnattr_init(&attr); }
    ~SpawnAttributes() { ::posix_spawnattr_destroy(&attr); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

std::optional<int> decode_status(int raw) {
    if (WIFEXITED(raw)) return WEXITSTATUS(raw);
    return std::nullopt;
}

// The inherited environment with `extra` added (an extra entry replaces an inherited one) and
// the `removed` names left out.
std::vector<std::string> merged_environment(const SpawnOptions& options) {
    const auto& extra = options.extra_env;
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view entry(*e);
        const auto name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const auto& kv : extra)
            replaced = replaced || kv.first == name;
        for (const auto& removed : options.removed_env)
            replaced = replaced || removed == name;
        if (!replaced) env.emplace_back(entry);
    }
    for (const auto& [name, value] : extra)
        env.push_back(name + "=" + value);
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// One waitpid(WNOHANG) for this child only. True once it has been reaped.
bool try_reap(ChildProcess::State& s) {
    int status = 0;
    ::pid_t r;
    do {
        r = ::waitpid(s.pid, &status, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0) return false;
    s.exited = true;
    // r < 0 (ECHILD) means somebody else reaped it: report "no exit code" rather than hang.
    s.exit_code = r == s.pid ? decode_status(status) : std::nullopt;
    boost::system::error_code ec;
    s.sigchld.cancel(ec);
    s.exit_signal.cancel();
    return true;
}

// Reaps the child once SIGCHLD says something exited. The handler owns the state, so a child
// whose ChildProcess is gone is still reaped (no zombies).
void watch_exit(const std::shared_ptr<ChildProcess::State>& state) {
    if (try_reap(*state)) return;
    state->sigchld.async_wait([state](const boost::system::error_code& ec, int) {
        if (ec == asio::error::operation_aborted && state->exited) return;
        watch_exit(state);
    });
}

} // namespace

ChildProcess::ChildProcess(asio::io_context& io, const SpawnOptions& options)
    : state_(std::make_shared<State>(io)) {
    auto& s = *state_;
    Pipe in, out, err;

    SpawnActions fa;
    // dup2 clears close-on-exec on the target, so the child keeps exactly fds 0-2; every other
    // descriptor of the daemon (listeners, client sockets, other children's pipes) is closed, so
    // a runtime CLI that outlives a crashed daemon cannot keep its socket "in use".
    ::posix_spawn_file_actions_adddup2(&fa.actions, in.read_end, 0);
    ::posix_spawn_file_actions_adddup2(&fa.actions, out.write_end, 1);
    ::posix_spawn_file_actions_adddup2(&fa.actions, err.write_end, 2);
    ::posix_spawn_file_actions_addclosefrom_np(&fa.actions, 3);
    if (!options.cwd.empty())
        ::posix_spawn_file_actions_addchdir_np(&fa.actions, options.cwd.c_str());

    // The daemon's signal mask and dispositions (SIGPIPE is ignored here) are not the child's:
    // it starts with nothing blocked and every signal at its default action.
    SpawnAttributes sa;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    ::posix_spawnattr_setsigmask(&sa.attr, &none);
    ::posix_spawnattr_setsigdefault(&sa.attr, &all);
    ::posix_spawnattr_setflags(&sa.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> argv_strings{options.binary};
    argv_strings.insert(argv_strings.end(), options.args.begin(), options.args.end());
    auto argv = pointers(argv_strings);
    auto env_strings = merged_environment(options);
    auto envp = pointers(env_strings);

    // A name is looked up on PATH (posix_spawnp); a path is used as it is.
    const bool is_path = options.binary.find('/') != std::string::npos;
    const int rc = is_path ? ::posix_spawn(&s.pid, options.binary.c_str(), &fa.actions, &sa.attr,
                                           argv.data(), envp.data())
                           : ::posix_spawnp(&s.pid, options.binary.c_str(), &fa.actions, &sa.attr,
                                            argv.data(), envp.data());
    if (rc != 0) {
        if (!is_path && rc == ENOENT)
            throw std::runtime_error("spawn " + options.binary +
                                     " ENOENT (no such program on PATH)");
        throw std::runtime_error("spawn " + options.binary + " failed: " + std::strerror(rc));
    }
    s.in.assign(in.take_write());
    s.out.assign(out.take_read());
    s.err.assign(err.take_read());
    watch_exit(state_);
}

ChildProcess::~ChildProcess() {
    kill();
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

awaitable<bool> ChildProcess::write_stdin(std::string data) {
    auto state = state_;
    boost::system::error_code ec;
    co_await asio::async_write(state->in, asio::buffer(data),
                               asio::redirect_error(use_awaitable, ec));
    co_return !ec;
}

void ChildProcess::close_stdin() {
    boost::system::error_code ec;
    state_->in.close(ec);
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
    // Only while unreaped: after waitpid the pid may belong to somebody else.
    if (!state_->exited && state_->pid > 0) ::kill(state_->pid, SIGKILL);
}

void ChildProcess::terminate() {
    if (!state_->exited && state_->pid > 0) ::kill(state_->pid, SIGTERM);
}

bool ChildProcess::exited() const {
    return state_->exited;
}

int ChildProcess::pid() const {
    return state_->pid;
}

} // namespace nanoclaw::core
