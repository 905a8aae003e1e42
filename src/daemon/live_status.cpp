// SPDX-License-Identifier: MIT
#include "live_status.hpp"

#include <unistd.h>

#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/version.hpp"

namespace nanoclaw::daemon {
namespace {

using json = nlohmann::json;

// "working", "warm" (turn done, waiting for input), "queued" (waits for a slot), "retrying"
// (back-off after a failure) or "pending" (work noted, starting on the next turn of the loop).
std::string run_state(const queue::GroupRun& run) {
    if (run.active) return run.idle ? "warm" : "working";
    if (run.waiting) return "queued";
    if (run.retry_pending) return "retrying";
    return "pending";
}

json run_json(const queue::GroupRun& run) {
    json j = json::object();
    j["jid"] = run.jid;
    j["state"] = run_state(run);
    if (run.active) j["kind"] = run.task ? "task" : "messages";
    if (!run.group_folder.empty()) j["folder"] = run.group_folder;
    if (!run.container_name.empty()) j["container"] = run.container_name;
    j["pending_messages"] = run.pending_messages;
    j["pending_tasks"] = run.pending_tasks;
    return j;
}

json runs_json(const queue::GroupQueue& queue) {
    json groups = json::array();
    int queued = 0;
    int warm = 0;
    for (const auto& run : queue.runs()) {
        queued += run.waiting ? 1 : 0;
        warm += run.active && run.idle ? 1 : 0;
        groups.push_back(run_json(run));
    }
    json j = json::object();
    j["active"] = queue.active_count();
    j["max"] = queue.max_concurrent();
    j["queued"] = queued;
    j["warm"] = warm;
    j["groups"] = std::move(groups);
    return j;
}

json warm_pool_json(const LiveStatusSources& sources) {
    json containers = json::array();
    for (const auto& w : sources.warm_containers) {
        json c = json::object();
        c["folder"] = w.group_folder;
        c["container"] = w.container_name;
        c["ready"] = w.ready;
        c["hot"] = w.hot;
        c["age_s"] = std::chrono::duration_cast<std::chrono::seconds>(w.age).count();
        c["expires_in_s"] = std::chrono::duration_cast<std::chrono::seconds>(w.expires_in).count();
        if (w.memory_bytes) c["memory_bytes"] = *w.memory_bytes;
        if (w.cpu_usec) c["cpu_s"] = static_cast<double>(*w.cpu_usec) / 1e6;
        containers.push_back(std::move(c));
    }
    json j = json::object();
    j["size"] = sources.warm_pool_size;
    j["ttl_s"] = std::chrono::duration_cast<std::chrono::seconds>(sources.warm_pool_ttl).count();
    j["containers"] = std::move(containers);
    return j;
}

} // namespace

json live_status(const LiveStatusSources& sources, std::chrono::system_clock::time_point now) {
    json channels = json::array();
    for (const auto& channel : sources.channels) {
        json c = json::object();
        c["name"] = channel->name();
        c["connected"] = channel->is_connected();
        c["detail"] = channel->status_detail();
        channels.push_back(std::move(c));
    }
    json proxy = json::object();
    proxy["host"] = sources.proxy_host;
    proxy["port"] = sources.proxy_port;
    proxy["auth_mode"] = sources.proxy_auth_mode;

    json j = json::object();
    j["version"] = core::k_version;
    j["pid"] = static_cast<long long>(::getpid());
    j["started_at"] = core::format_iso(sources.started_at);
    j["uptime_s"] =
        std::chrono::duration_cast<std::chrono::seconds>(now - sources.started_at).count();
    j["channels"] = std::move(channels);
    j["runs"] = runs_json(sources.queue);
    j["warm_pool"] = warm_pool_json(sources);
    j["proxy"] = std::move(proxy);
    return j;
}

} // namespace nanoclaw::daemon
