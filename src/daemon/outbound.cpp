// SPDX-License-Identifier: MIT
#include "outbound.hpp"

#include <spdlog/spdlog.h>

#include "nanoclaw/channels/registry.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::daemon {

channels::Channel* Outbound::owner(const std::string& jid) const {
    return channels::find_channel(channels_, jid);
}

bool Outbound::has_channel(const std::string& jid) const {
    return owner(jid) != nullptr;
}

awaitable<bool> Outbound::send(std::string jid, std::string text) {
    auto* channel = owner(jid);
    if (channel == nullptr) {
        spdlog::warn("no channel owns jid={}, reply dropped", jid);
        co_return false;
    }
    try {
        co_await channel->send_message(jid, std::move(text));
        co_return true;
    } catch (const std::exception& e) {
        spdlog::error("send failed channel={} jid={} err={}", channel->name(), jid, e.what());
        co_return false;
    }
}

awaitable<void> Outbound::send_or_throw(std::string jid, std::string text) {
    auto* channel = owner(jid);
    if (channel == nullptr) throw std::runtime_error("No channel for JID: " + jid);
    co_await channel->send_message(jid, std::move(text));
}

void Outbound::notice(const std::string& jid, std::string text) {
    if (owner(jid) == nullptr) {
        spdlog::warn("no channel owns jid={}, notice dropped: {}", jid, text);
        return;
    }
    push(jid, LaneItem{LaneItem::Kind::notice, false, std::move(text)});
}

void Outbound::typing(const std::string& jid, bool on) {
    push(jid, LaneItem{LaneItem::Kind::typing, on, {}});
}

void Outbound::status(const std::string& jid, std::string text) {
    push(jid, LaneItem{LaneItem::Kind::status, false, std::move(text)});
}

void Outbound::push(const std::string& jid, LaneItem item) {
    if (owner(jid) == nullptr) return;
    auto& lane = typing_[jid];
    lane.pending.push_back(std::move(item));
    if (lane.sending) return;
    lane.sending = true;
    core::spawn(executor_, "typing indicator", drain_lane(jid));
}

awaitable<void> Outbound::drain_lane(std::string jid) {
    for (;;) {
        auto& lane = typing_[jid];
        if (lane.pending.empty()) {
            typing_.erase(jid); // idle chats keep no state
            co_return;
        }
        LaneItem item = std::move(lane.pending.front());
        lane.pending.pop_front();
        auto* channel = owner(jid);
        if (channel == nullptr) continue;
        co_await deliver(*channel, jid, std::move(item));
    }
}

awaitable<void> Outbound::deliver(channels::Channel& channel, std::string jid, LaneItem item) {
    using Kind = LaneItem::Kind;
    try {
        switch (item.kind) {
        case Kind::typing: co_await channel.set_typing(jid, item.on); break;
        case Kind::status: co_await channel.set_status(jid, std::move(item.text)); break;
        case Kind::notice: co_await channel.send_notice(jid, std::move(item.text)); break;
        }
    } catch (const std::exception& e) {
        if (item.kind == Kind::notice) {
            spdlog::error("notice failed channel={} jid={} err={}", channel.name(), jid, e.what());
        } else {
            spdlog::warn("typing indicator failed jid={} err={}", jid, e.what());
        }
    }
}

} // namespace nanoclaw::daemon
