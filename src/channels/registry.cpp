// SPDX-License-Identifier: MIT
#include "nanoclaw/channels/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace nanoclaw::channels {

void ChannelRegistry::register_channel(std::string name, ChannelFactory factory) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const auto& entry) { return entry.first == name; });
    if (it != entries_.end()) {
        it->second = std::move(factory); // replace in place: the position is observable
        return;
    }
    entries_.emplace_back(std::move(name), std::move(factory));
}

std::optional<ChannelFactory> ChannelRegistry::factory(const std::string& name) const {
    for (const auto& [entry_name, entry_factory] : entries_) {
        if (entry_name == name) return entry_factory;
    }
    return std::nullopt;
}

std::vector<std::string> ChannelRegistry::names() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& entry : entries_)
        out.push_back(entry.first);
    return out;
}

Channel* find_channel(const std::vector<std::unique_ptr<Channel>>& channels,
                      const std::string& jid) {
    for (const auto& channel : channels) {
        if (channel && channel->owns_jid(jid)) return channel.get();
    }
    return nullptr;
}

Channel& route_outbound(const std::vector<std::unique_ptr<Channel>>& channels,
                        const std::string& jid) {
    for (const auto& channel : channels) {
        if (channel && channel->owns_jid(jid) && channel->is_connected()) return *channel;
    }
    throw std::runtime_error("No channel for JID: " + jid);
}

} // namespace nanoclaw::channels
