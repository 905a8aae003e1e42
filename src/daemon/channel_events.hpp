// SPDX-License-Identifier: MIT
// Private: what channels report about themselves (a notice such as "WhatsApp logged out") and
// the local socket's {"type":"sync_groups"} request, answered from every channel that lists groups.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nanoclaw/channels/channel.hpp"
#include "outbound.hpp"

namespace nanoclaw::daemon {

/// Tells `text` as a notice in every main group whose channel is connected; false (and a
/// warning) when none is, so the log is the only place it went.
bool route_channel_notice(const std::map<std::string, core::RegisteredGroup>& groups,
                          const std::vector<std::unique_ptr<channels::Channel>>& channels,
                          Outbound& outbound, const std::string& text);

/// Runs sync_groups_with_result(true) on every channel that supports it, one after the other,
/// then calls `reply` with [{"name","ok","groups","error"}...]. `channels` is the daemon's.
awaitable<void> sync_all_groups(const std::vector<std::unique_ptr<channels::Channel>>& channels,
                                std::function<void(nlohmann::json)> reply);

} // namespace nanoclaw::daemon
