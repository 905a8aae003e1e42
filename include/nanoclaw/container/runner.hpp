// SPDX-License-Identifier: MIT
// Runs one agent in its own container (spec 20 §5): prepares the host, spawns the runtime CLI,
// writes ContainerInput to stdin, streams OUTPUT records to the caller as they arrive, enforces
// the hard timeout and output limits, and resolves with the §5.11 outcome. Process handling is
// hidden behind a pimpl so this header stays light.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nanoclaw/container/mount_security.hpp"
#include "nanoclaw/container/settings.hpp"
#include "nanoclaw/container/types.hpp"
#include "nanoclaw/container/warm_info.hpp"
#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::container {

/// Receives each parsed record in arrival order, one at a time (the next waits for the previous
/// to finish). A throw is logged and the run goes on.
using OutputCallback = std::function<awaitable<void>(ContainerOutput)>;

/// Hooks for the group queue.
struct RunHooks {
    /// Called right after the runtime CLI was spawned, with the container name.
    std::function<void(const std::string& container_name)> on_started;
};

class ContainerRunner {
public:
    /// All references must outlive the runner (the daemon owns them). Ignores SIGPIPE for the
    /// process, since a container dying before reading stdin must not kill the daemon.
    ContainerRunner(asio::io_context& io, const core::Config& config, Settings settings,
                    CredentialSource credentials, MountSecurity& mount_security,
                    const core::Clock& clock);
    ~ContainerRunner();
    ContainerRunner(const ContainerRunner&) = delete;
    ContainerRunner& operator=(const ContainerRunner&) = delete;

    /// Runs `input` for `group`. With `on_output` the run streams (each record is delivered as it
    /// arrives); without it the result is parsed from stdout at exit (legacy mode). Runtime
    /// failures resolve with status error; only an invalid group folder throws
    /// (core::InvalidGroupFolder), before anything is spawned.
    awaitable<ContainerOutput> run(core::RegisteredGroup group, ContainerInput input,
                                   OutputCallback on_output, RunHooks hooks);

    /// Holds every run() (those already waiting and those to come) until `prerequisite` has
    /// finished, however it finishes. Start-up uses it for the orphan cleanup, which then runs
    /// in the background: no new container can be listed as an orphan and stopped, and no agent
    /// of an earlier daemon still works next to a new one.
    void run_after(awaitable<void> prerequisite);

    /// Starts one warm container for `group` (WARM_POOL_SIZE > 0): the same argv and mounts as a
    /// run with `header` would get, its agent started and waiting, its proxy token dormant. The
    /// next run of the group with the same settings, session and runner source takes it
    /// instead of spawning (see warm_pool.hpp). `header.prompt` is ignored. A `hot` group's
    /// container is replaced by a fresh one when its TTL ends and is evicted last.
    void keep_warm(core::RegisteredGroup group, ContainerInput header, bool hot = false);
    /// The warm containers now idle, for `nanoclaw status`.
    std::vector<WarmContainerInfo> warm_containers() const;
    /// Dismisses every warm container, waits (bounded) for them to exit, starts none after.
    awaitable<void> shutdown_warm();

    /// `stop -t 1 <name>` with the stop timeout; false if the name is invalid or the stop failed.
    awaitable<bool> stop_container(std::string container_name);

    /// Implementation detail (declared public only so the .cpp's helpers can name it).
    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace nanoclaw::container
