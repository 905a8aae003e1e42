// SPDX-License-Identifier: MIT
// posix_spawn with three pipes and a poll loop: setup steps are one-shot CLI work, so a blocking
// runner is simpler than the daemon's asynchronous one and needs no event loop.
#include "nanoclaw/setup/command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "argv_pointers.hpp"

namespace nanoclaw::setup {
namespace {

constexpr std::size_t k_output_cap = 4u << 20;

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) == 0) {
            read = fds[0];
            write = fds[1];
        }
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    void close_read() { if (read >= 0) ::close(std::exchange(read, -1)); }
    void close_write() { if (write >= 0) ::close(std::exchange(write, -1)); }
};

bool executable(const std::filesystem::path& p) {
    struct stat st{};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::vector<std::string> env_strings(const core::EnvMap* env) {
    std::vector<std::string> out;
    if (env) {
        for (const auto& [k, v] : *env)
            out.push_back(k + "=" + v);
    }
    return out;
}

// Reads what is ready on `fd` into `sink`; false at end of stream.
bool drain(int fd, std::string& sink) {
    char buf[16384];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
        if (sink.size() < k_output_cap) sink.append(buf, std::min<std::size_t>(n, k_output_cap - sink.size()));
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

// Feeds stdin, collects stdout/stderr until both close or the deadline passes.
bool pump(Pipe& in, Pipe& out, Pipe& err, const std::string& input, CommandResult& result,
          std::chrono::steady_clock::time_point deadline) {
    std::size_t written = 0;
    if (input.empty()) in.close_write();
    while (out.read >= 0 || err.read >= 0) {
        pollfd fds[3] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {in.write, POLLOUT, 0}};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        if (::poll(fds, 3, static_cast<int>(left.count())) < 0 && errno != EINTR) return false;
        if (fds[0].revents && !drain(out.read, result.out)) out.close_read();
        if (fds[1].revents && !drain(err.read, result.err)) err.close_read();
        if (fds[2].revents) {
            const ssize_t n = ::write(in.write, input.data() + written, input.size() - written);
            if (n > 0) written += static_cast<std::size_t>(n);
            if (n < 0 || written == input.size()) in.close_write(); // a reader that left is fine
        }
    }
    return true;
}

} // namespace

std::optional<std::filesystem::path> find_program(std::string_view name, const core::EnvMap& env) {
    if (name.empty()) return std::nullopt;
    if (name.find('/') != std::string_view::npos) {
        return executable(std::string(name)) ? std::optional<std::filesystem::path>(std::string(name)) : std::nullopt;
    }
    const auto path = env.find("PATH");
    if (path == env.end()) return std::nullopt;
    std::string_view rest = path->second;
    while (true) {
        const auto colon = rest.find(':');
        const std::string dir(rest.substr(0, colon));
        const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / std::string(name);
        if (executable(candidate)) return candidate;
        if (colon == std::string_view::npos) return std::nullopt;
        rest.remove_prefix(colon + 1);
    }
}

CommandResult run_program(const CommandSpec& spec) {
    CommandResult result;
    static const core::EnvMap no_env;
    const auto program = spec.argv.empty() ? std::nullopt : find_program(spec.argv[0], spec.env ? *spec.env : no_env);
    if (!program) {
        result.err = spec.argv.empty() ? "no command" : spec.argv[0] + ": command not found";
        return result;
    }
    Pipe in, out, err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (spec.input) {
        posix_spawn_file_actions_adddup2(&actions, in.read, STDIN_FILENO);
    } else {
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP); // its own group: a time-out kills it all
    posix_spawnattr_setpgroup(&attr, 0);
    auto args = spec.argv;
    auto envs = env_strings(spec.env);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program->c_str(), &actions, &attr, argv_pointers(args).data(), argv_pointers(envs).data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        result.err = spec.argv[0] + ": " + std::strerror(rc);
        return result;
    }
    result.started = true;
    in.close_read();
    out.close_write();
    err.close_write();
    // A child that exits without reading its input must not take this process down with SIGPIPE.
    struct sigaction ignore{}, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);
    const bool finished = pump(in, out, err, spec.input.value_or(""), result, std::chrono::steady_clock::now() + spec.timeout);
    ::sigaction(SIGPIPE, &previous, nullptr);
    if (!finished) {
        result.timed_out = true;
        ::kill(-pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    return result;
}

} // namespace nanoclaw::setup
