// SPDX-License-Identifier: MIT
// One child process with piped stdio, driven from the io_context without ever blocking it: the
// container runtime's CLI, the WhatsApp bridge. Spawned with posix_spawn; the Asio descriptor
// types stay behind a pimpl.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::core {

struct SpawnOptions {
    std::string binary;            ///< a name looked up on PATH, or a path
    std::vector<std::string> args; ///< argv after the binary; never passed through a shell
    std::vector<std::pair<std::string, std::string>> extra_env; ///< added to the inherited env
    std::vector<std::string> removed_env; ///< inherited variables the child must not see
    std::filesystem::path cwd;            ///< working directory; empty: the daemon's
};

class ChildProcess {
  public:
    /// Spawns the child. Throws std::runtime_error when it cannot be started (e.g. "spawn
    /// docker ENOENT (no such program on PATH)"). Every pipe end is close-on-exec, so concurrent children never inherit
    /// each other's stdin (which would keep a container from ever seeing EOF).
    ChildProcess(asio::io_context& io, const SpawnOptions& options);
    /// Kills the child (SIGKILL) if it is still running.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Writes `data` to stdin and keeps it open. One write at a time (callers queue); false when
    /// the write failed (the child closed its stdin or exited).
    awaitable<bool> write_stdin(std::string data);
    /// Closes stdin: the child reads EOF.
    void close_stdin();

    /// Writes `data` to stdin and closes it. A child that exited early (EPIPE) is not an error
    /// here: its exit status tells the story. Returns false if the write failed.
    awaitable<bool> write_stdin_and_close(std::string data);

    /// Reads some stdout/stderr bytes; 0 means end of stream (or the pipe was closed).
    awaitable<std::size_t> read_stdout(char* buf, std::size_t size);
    awaitable<std::size_t> read_stderr(char* buf, std::size_t size);

    /// Waits for the exit; the exit code, or nullopt if a signal ended it.
    awaitable<std::optional<int>> wait_exit();

    /// Closes both output pipes, ending pending reads (used when a grandchild holds them open).
    void close_outputs();

    /// SIGKILL to the CLI process (not the container: stop it by name for that).
    void kill();
    /// SIGTERM: asks the child to exit.
    void terminate();
    /// True once the child has been reaped.
    bool exited() const;

    int pid() const;

    struct State; ///< opaque; defined in child_process.cpp

  private:
    std::shared_ptr<State> state_;
};

} // namespace nanoclaw::core
