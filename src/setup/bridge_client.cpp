// SPDX-License-Identifier: MIT
#include "bridge_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"
#include "nanoclaw/setup/command.hpp"

#include "argv_pointers.hpp"

namespace nanoclaw::setup {
namespace {

using channels::whatsapp::k_max_bridge_line;
using std::chrono::milliseconds;

constexpr std::size_t k_max_stderr_line = 64u << 10;
// How long a bridge whose stdout has ended gets to exit before it is killed.
constexpr milliseconds k_exit_grace{2000};

void close_fd(int& fd) {
    if (fd >= 0) ::close(std::exchange(fd, -1));
}

int millis_until(BridgeClient::Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - BridgeClient::Clock::now());
    return static_cast<int>(std::max<milliseconds::rep>(0, left.count()));
}

// Appends what is ready on `fd` to `sink`; false at end of stream (or a read error).
bool read_some(int fd, std::string& sink) {
    char buf[65536];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
        sink.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

} // namespace

tl::expected<std::unique_ptr<BridgeClient>, std::string> BridgeClient::start(BridgeSpawn spawn) {
    if (spawn.argv.empty()) return tl::make_unexpected(std::string("no bridge command"));
    const auto program = find_program(spawn.argv[0], spawn.env);
    if (!program) return tl::make_unexpected(spawn.argv[0] + ": command not found");
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return tl::make_unexpected(std::string(std::strerror(errno)));
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        const std::string why = std::strerror(errno);
        for (int fd : {in[0], in[1], out[0], out[1]})
            ::close(fd);
        return tl::make_unexpected(why);
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    if (!spawn.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spawn.cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own group, so the end of the step takes node and anything it started with it.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    std::vector<std::string> envs;
    for (const auto& [k, v] : spawn.env)
        envs.push_back(k + "=" + v);
    auto args = spawn.argv;
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program->c_str(), &actions, &attr, argv_pointers(args).data(),
                                 argv_pointers(envs).data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    for (int fd : {in[0], out[1], err[1]})
        ::close(fd);
    if (rc != 0) {
        for (int fd : {in[1], out[0], err[0]})
            ::close(fd);
        return tl::make_unexpected(spawn.argv[0] + ": " + std::strerror(rc));
    }
    // A bridge that died must not take this process down with SIGPIPE on the next command.
    ::signal(SIGPIPE, SIG_IGN);
    std::unique_ptr<BridgeClient> client(new BridgeClient());
    client->pid_ = pid;
    client->in_ = in[1];
    client->out_ = out[0];
    client->err_ = err[0];
    client->on_stderr_line_ = std::move(spawn.on_stderr_line);
    return client;
}

BridgeClient::~BridgeClient() {
    close_fd(in_);
    if (!reaped_) {
        kill_group(SIGTERM);
        if (!reap(Clock::now() + milliseconds(1000))) {
            kill_group(SIGKILL);
            reap(Clock::time_point::max());
        }
    }
    close_fd(out_);
    close_fd(err_);
}

bool BridgeClient::send(std::string_view line) {
    while (!line.empty() && in_ >= 0) {
        const ssize_t n = ::write(in_, line.data(), line.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        line.remove_prefix(static_cast<std::size_t>(n));
    }
    return in_ >= 0;
}

void BridgeClient::read_stderr() {
    const bool open = read_some(err_, err_buf_);
    std::size_t start = 0;
    for (auto nl = err_buf_.find('\n'); nl != std::string::npos; nl = err_buf_.find('\n', start)) {
        if (on_stderr_line_) on_stderr_line_(std::string_view(err_buf_).substr(start, nl - start));
        start = nl + 1;
    }
    err_buf_.erase(0, start);
    if ((!open || err_buf_.size() > k_max_stderr_line) && !err_buf_.empty()) {
        if (on_stderr_line_) on_stderr_line_(err_buf_);
        err_buf_.clear();
    }
    if (!open) close_fd(err_);
}

BridgeRead BridgeClient::next(Clock::time_point deadline) {
    while (true) {
        const auto nl = out_buf_.find('\n');
        if (nl != std::string::npos) {
            std::string line = out_buf_.substr(0, nl);
            out_buf_.erase(0, nl + 1);
            if (std::exchange(skipping_, false)) continue; // the tail of a line already reported
            if (line.size() > k_max_bridge_line) return {BridgeRead::Kind::oversized, {}};
            return {BridgeRead::Kind::line, std::move(line)};
        }
        if (out_buf_.size() > k_max_bridge_line || (skipping_ && !out_buf_.empty())) {
            out_buf_.clear();
            if (!std::exchange(skipping_, true)) return {BridgeRead::Kind::oversized, {}};
        }
        if (out_ < 0) {
            if (!out_buf_.empty()) return {BridgeRead::Kind::line, std::exchange(out_buf_, {})};
            if (!reaped_ && !reap(std::min(deadline, Clock::now() + k_exit_grace))) {
                kill_group(SIGKILL);
                reap(Clock::time_point::max());
            }
            return {BridgeRead::Kind::closed, {}};
        }
        pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
        const int ready = ::poll(fds, err_ >= 0 ? 2 : 1, millis_until(deadline));
        if (ready < 0 && errno != EINTR) return {BridgeRead::Kind::closed, {}};
        if (ready == 0 && Clock::now() >= deadline) return {BridgeRead::Kind::timeout, {}};
        if (err_ >= 0 && fds[1].revents) read_stderr();
        if (fds[0].revents && !read_some(out_, out_buf_)) close_fd(out_);
    }
}

std::optional<int> BridgeClient::finish(Clock::time_point deadline) {
    close_fd(in_);
    while (out_ >= 0) {
        const auto read = next(deadline);
        if (read.kind == BridgeRead::Kind::timeout) break;
    }
    if (!reaped_ && !reap(deadline)) {
        kill_group(SIGKILL);
        reap(Clock::time_point::max());
    }
    return exit_code_;
}

bool BridgeClient::reap(Clock::time_point deadline) {
    while (!reaped_) {
        int status = 0;
        const pid_t r =
            ::waitpid(pid_, &status, deadline == Clock::time_point::max() ? 0 : WNOHANG);
        if (r == pid_) {
            reaped_ = true;
            if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
            break;
        }
        if (r < 0 && errno != EINTR) {
            reaped_ = true; // not our child any more: nothing left to wait for
            break;
        }
        if (r == 0) {
            if (Clock::now() >= deadline) return false;
            // The exit follows the end of its output within moments; stderr is read meanwhile.
            pollfd fd{err_, POLLIN, 0};
            if (::poll(&fd, err_ >= 0 ? 1 : 0, std::min(10, millis_until(deadline))) > 0)
                read_stderr();
        }
    }
    while (err_ >= 0) { // what the bridge wrote last, usually the reason it stopped
        pollfd fd{err_, POLLIN, 0};
        if (::poll(&fd, 1, 100) <= 0) break;
        read_stderr();
    }
    return true;
}

void BridgeClient::kill_group(int signal) {
    if (pid_ > 0 && !reaped_) ::kill(-pid_, signal);
}

} // namespace nanoclaw::setup
