// SPDX-License-Identifier: MIT
#include "channel_events.hpp"

#include <spdlog/spdlog.h>

#include "nanoclaw/channels/registry.hpp"

namespace nanoclaw::daemon {
namespace {

using json = nlohmann::json;

json result_json(const std::string& name, const channels::GroupSyncResult& r) {
    json j = json::object();
    j["name"] = name;
    j["ok"] = r.ok;
    j["groups"] = r.groups;
    j["error"] = r.error;
    return j;
}

} // namespace

bool route_channel_notice(const std::map<std::string, core::RegisteredGroup>& groups,
                          const std::vector<std::unique_ptr<channels::Channel>>& channels,
                          Outbound& outbound, const std::string& text) {
    bool told = false;
    for (const auto& [jid, group] : groups) {
        if (!group.main()) continue;
        const auto* channel = channels::find_channel(channels, jid);
        if (channel == nullptr || !channel->is_connected()) continue;
        outbound.notice(jid, text);
        told = true;
    }
    if (!told) spdlog::warn("no connected main chat to tell: {}", text);
    return told;
}

// The daemon's channels outlive the request (they are destroyed after the io_context stops).
awaitable<void> sync_all_groups(const std::vector<std::unique_ptr<channels::Channel>>& channels,
                                std::function<void(nlohmann::json)> reply) {
    json results = json::array();
    for (const auto& channel : channels) {
        if (!channel || !channel->supports_group_sync()) continue;
        channels::GroupSyncResult result;
        try {
            result = co_await channel->sync_groups_with_result(true);
        } catch (const std::exception& e) {
            result = channels::GroupSyncResult{false, 0, e.what()};
        }
        results.push_back(result_json(channel->name(), result));
    }
    reply(std::move(results));
}

} // namespace nanoclaw::daemon
