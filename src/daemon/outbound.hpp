// SPDX-License-Identifier: MIT
// Delivery to chats: finds the channel owning a JID and sends, never letting a channel failure
// escape into a run (v1 quirk 6: one failed send wedged the whole group).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nanoclaw/channels/channel.hpp"
#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::daemon {

class Outbound {
  public:
    Outbound(asio::any_io_executor executor,
             std::vector<std::unique_ptr<channels::Channel>>& channels)
        : executor_(std::move(executor)), channels_(channels) {}

    /// Sends `text` as is; true when a channel accepted it. Failures are logged, never thrown.
    awaitable<bool> send(std::string jid, std::string text);
    /// Sends `text` or throws "No channel for JID: <jid>" (IPC moves such files to errors/).
    awaitable<void> send_or_throw(std::string jid, std::string text);
    /// nanoclaw's own message about a failure (Channel::send_notice). Returns at once and goes
    /// out on the chat's indicator lane, so it arrives before a later "typing off" (which
    /// clients read as the end of the turn). Failures are logged.
    void notice(const std::string& jid, std::string text);
    /// Typing indicator (off also means "turn complete" for local clients); failures logged.
    /// Returns at once: a run never waits for the indicator (on a remote chat API that is a
    /// network round trip). The changes of one chat go out one at a time, in the order asked.
    void typing(const std::string& jid, bool on);
    /// What the chat's run is doing (Channel::set_status); same lane and ordering as typing.
    void status(const std::string& jid, std::string text);
    /// True when some channel owns `jid`.
    bool has_channel(const std::string& jid) const;

  private:
    channels::Channel* owner(const std::string& jid) const;
    awaitable<void> drain_lane(std::string jid);

    /// One thing for a chat's lane: typing on/off, a status text, or a notice.
    struct LaneItem {
        enum class Kind { typing, status, notice } kind = Kind::typing;
        bool on = false;
        std::string text;
    };
    awaitable<void> deliver(channels::Channel& channel, std::string jid, LaneItem item);
    void push(const std::string& jid, LaneItem item);
    // Per chat: indicator changes not sent yet, and whether a sender coroutine is running.
    struct TypingLane {
        std::deque<LaneItem> pending;
        bool sending = false;
    };
    asio::any_io_executor executor_;
    std::vector<std::unique_ptr<channels::Channel>>& channels_;
    std::map<std::string, TypingLane> typing_;
};

} // namespace nanoclaw::daemon
