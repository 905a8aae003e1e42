// SPDX-License-Identifier: MIT
// The ordered channel registry and JID routing (spec 10 §9 Registry, §7.4).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nanoclaw/channels/channel.hpp"

namespace nanoclaw::channels {

/// Ordered name -> factory map. Not a singleton: main builds one with register_all-style calls so
/// the order in which channels connect is explicit and deterministic.
class ChannelRegistry {
  public:
    /// Inserts `factory` under `name`, or replaces an existing factory in place (a replaced name
    /// keeps its original position).
    void register_channel(std::string name, ChannelFactory factory);
    /// The factory registered under `name`, or nullopt.
    std::optional<ChannelFactory> factory(const std::string& name) const;
    /// Names in first-insertion order.
    std::vector<std::string> names() const;

  private:
    std::vector<std::pair<std::string, ChannelFactory>> entries_;
};

/// The first channel (in connection order) whose owns_jid(jid) is true, connected or not;
/// nullptr when none owns it.
Channel* find_channel(const std::vector<std::unique_ptr<Channel>>& channels,
                      const std::string& jid);

/// The first channel that owns `jid` and is connected. Throws std::runtime_error
/// "No channel for JID: <jid>" otherwise.
Channel& route_outbound(const std::vector<std::unique_ptr<Channel>>& channels,
                        const std::string& jid);

} // namespace nanoclaw::channels
