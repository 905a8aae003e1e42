// SPDX-License-Identifier: MIT
// The warm container pool (issue 21): after a group's run, one agent container of that group is
// started ahead of its next message, with the run's own argv and mounts, and waits with its
// agent up. A message takes it instead of spawning; it never serves another group. Its proxy
// token is dormant (refused) until the take. WARM_POOL_SIZE caps the pool (the least recently
// started is dismissed for a newer one), WARM_POOL_TTL dismisses an idle one, and any image
// event of the runtime dismisses all of them (a rebuilt image must never answer with the old
// agent); they are started again once the image events have been quiet for a moment.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nanoclaw/container/types.hpp"
#include "nanoclaw/container/warm_info.hpp"
#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/types.hpp"
#include "run_session.hpp"

namespace nanoclaw::core {
class ChildProcess;
}

namespace nanoclaw::container::detail {

/// One warm container as the runner built it.
struct WarmEntry {
    std::string folder;
    std::string group_name;
    /// Everything that decides what the container would do (argv without its name and token,
    /// the input header, the group's runner source): a take needs the same key.
    std::string key;
    SessionPtr session;
    RunCredentials credentials; ///< dormant until the take
    std::vector<std::string> argv; ///< for the run log (token shown as a placeholder there)
    std::vector<VolumeMount> mounts;
    core::RegisteredGroup group; ///< to start it again after an image change
    ContainerInput header;
    bool hot = false; ///< WARM_POOL_GROUPS: started again when its TTL ends, evicted last
    std::chrono::system_clock::time_point started_wall;
    std::chrono::steady_clock::time_point started;
    std::uint64_t id = 0;
};

class WarmPool {
  public:
    /// Starts a warm container for (group, header) again; the runner's keep_warm.
    using Restart = std::function<void(core::RegisteredGroup, ContainerInput, bool hot)>;

    WarmPool(asio::io_context& io, const core::Config& config,
             std::chrono::milliseconds stop_timeout, Restart restart);
    ~WarmPool();
    WarmPool(const WarmPool&) = delete;
    WarmPool& operator=(const WarmPool&) = delete;

    bool enabled() const { return capacity_ > 0 && !stopping_; }
    std::uint64_t next_id() { return ++last_id_; }

    /// Session hooks for entry `id`, to be set before it is spawned: the ready line and an exit
    /// before the take.
    std::function<void(std::string_view)> ready_watch(std::uint64_t id);
    std::function<void()> exit_watch(std::uint64_t id);

    /// Makes room for a container of `folder` (dismissing its old one and, when full, the least
    /// recently started, hot groups last) and starts watching image events. False: the pool is
    /// off, full of hot groups while this one is not, or image changes cannot be watched, so no
    /// warm container may be started.
    bool make_room(const std::string& folder, bool hot);
    /// Adds a spawned container: its TTL starts now.
    void add(std::shared_ptr<WarmEntry> entry);

    /// Removes and returns the warm container of `folder` when it can serve a run with `key`;
    /// one that cannot (stale, dead, not yet usable) is dismissed and `why_not` says why.
    std::shared_ptr<WarmEntry> take(const std::string& folder, const std::string& key,
                                    std::string& why_not);
    /// Dismisses the warm container of `folder`, if any.
    void dismiss(const std::string& folder, const std::string& reason);
    /// Dismisses every warm container and waits (bounded) until they have exited. No new one
    /// is started afterwards.
    awaitable<void> shutdown();

    /// Stops watching image events when no warm container is left (a start that failed).
    void stop_watch_if_empty() {
        if (entries_.empty()) stop_image_watch();
    }

    std::vector<WarmContainerInfo> info() const;
    std::size_t size() const { return entries_.size(); }

  private:
    struct Slot;
    using Entries = std::map<std::string, std::unique_ptr<Slot>>; ///< by group folder
    Entries::iterator find_by_id(std::uint64_t id);
    void dismiss_slot(Entries::iterator it, const std::string& reason);
    void expire(std::uint64_t id);
    bool start_image_watch();
    void stop_image_watch();
    // Coroutines start after a post: each gets `alive` and checks it before touching `this`.
    awaitable<void> read_image_events(std::weak_ptr<bool> alive,
                                      std::shared_ptr<core::ChildProcess> child);
    void on_image_event(const std::string& line);
    awaitable<void> restart_after_quiet(std::weak_ptr<bool> alive);
    awaitable<void> find_container_pid(std::weak_ptr<bool> alive, std::uint64_t id,
                                       std::string binary, std::string name);
    Slot* slot_by_id(std::uint64_t id);

    asio::io_context& io_;
    const core::Config& config_;
    const int capacity_;
    const std::chrono::milliseconds ttl_;
    const std::chrono::milliseconds stop_timeout_;
    Restart restart_;
    Entries entries_;
    std::vector<SessionPtr> leaving_; ///< dismissed, not yet exited
    std::uint64_t last_id_ = 0;
    bool stopping_ = false;
    std::shared_ptr<core::ChildProcess> image_watch_;
    std::vector<std::shared_ptr<WarmEntry>> to_restart_;
    std::chrono::steady_clock::time_point quiet_until_;
    bool quiet_wait_running_ = false;
    /// Callbacks held by sessions and timers check this before touching the pool.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace nanoclaw::container::detail
