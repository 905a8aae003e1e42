// SPDX-License-Identifier: MIT
// Delivery to chats: finds the channel owning a JID and sends, never letting a channel failure
// escape into a run (v1 quirk 6: one failed send wedged the whole group).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nanoclaw/channels/channel.hpp"
#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::daemon {

class Outbound {
public:
    explicit Outbound(std::vector<std::unique_ptr<channels::Channel>>& channels) : channels_(channels) {}

    /// Sends `text` as is; true when a channel accepted it. Failures are logged, never thrown.
    awaitable<bool> send(std::string jid, std::string text);
    /// Sends `text` or throws "No channel for JID: <jid>" (IPC moves such files to errors/).
    awaitable<void> send_or_throw(std::string jid, std::string text);
    /// Typing indicator (off also means "turn complete" for local clients); failures logged.
    awaitable<void> typing(std::string jid, bool on);
    /// True when some channel owns `jid`.
    bool has_channel(const std::string& jid) const;

private:
    channels::Channel* owner(const std::string& jid) const;
    std::vector<std::unique_ptr<channels::Channel>>& channels_;
};

} // namespace nanoclaw::daemon
