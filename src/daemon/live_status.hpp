// SPDX-License-Identifier: MIT
// Private: the daemon's answer to a local client's {"type":"daemon_status"} (`nanoclaw status`,
// `nanoclaw doctor`). Built only when asked, from state the daemon keeps anyway: no timer, no
// counter, nothing that costs while idle. docs/operations.md lists the fields.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nanoclaw/channels/channel.hpp"
#include "nanoclaw/container/warm_info.hpp"
#include "nanoclaw/queue/group_queue.hpp"

namespace nanoclaw::daemon {

/// What the status is made of; every reference is to an object the daemon owns.
struct LiveStatusSources {
    std::chrono::system_clock::time_point started_at;
    const std::vector<std::unique_ptr<channels::Channel>>& channels;
    const queue::GroupQueue& queue;
    std::string proxy_host; ///< where the credential proxy listens
    unsigned proxy_port = 0;
    std::string proxy_auth_mode; ///< "api-key" or "oauth"
    int warm_pool_size = 0;
    std::chrono::milliseconds warm_pool_ttl{0};
    std::vector<container::WarmContainerInfo> warm_containers;
};

/// version, pid, started_at, uptime_s, channels [{name, connected, detail}], runs {active,
/// max, queued, warm, groups [...]}, warm_pool {size, ttl_s, containers [{folder, container, ready, hot,
/// age_s, expires_in_s, memory_bytes?, cpu_s?}]}, proxy {host, port, auth_mode}.
nlohmann::json live_status(const LiveStatusSources& sources,
                           std::chrono::system_clock::time_point now);

} // namespace nanoclaw::daemon
