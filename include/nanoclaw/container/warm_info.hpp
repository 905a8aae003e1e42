// SPDX-License-Identifier: MIT
// What `nanoclaw status` shows of one warm container: an agent container started ahead of the
// next message of its group, idle until that message takes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace nanoclaw::container {

struct WarmContainerInfo {
    std::string group_folder;
    std::string container_name;
    std::chrono::milliseconds age{0};        ///< since its `run` was executed
    std::chrono::milliseconds expires_in{0}; ///< until WARM_POOL_TTL dismisses it
    bool ready = false;                      ///< the agent in it is up and waiting
    bool hot = false;                        ///< WARM_POOL_GROUPS: kept warm whatever the TTL
    std::optional<std::uint64_t> memory_bytes; ///< the container's cgroup memory.current
    std::optional<std::uint64_t> cpu_usec;     ///< CPU time it used since it started
};

} // namespace nanoclaw::container
