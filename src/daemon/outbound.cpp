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

void Outbound::typing(const std::string& jid, bool on) {
    if (owner(jid) == nullptr) return;
    auto& lane = typing_[jid];
    lane.pending.push_back(on);
    if (lane.sending) return;
    lane.sending = true;
    core::spawn(executor_, "typing indicator", drain_typing(jid));
}

awaitable<void> Outbound::drain_typing(std::string jid) {
    for (;;) {
        auto& lane = typing_[jid];
        if (lane.pending.empty()) {
            typing_.erase(jid); // idle chats keep no state
            co_return;
        }
        const bool on = lane.pending.front();
        lane.pending.pop_front();
        auto* channel = owner(jid);
        if (channel == nullptr) continue;
        try {
            co_await channel->set_typing(jid, on);
        } catch (const std::exception& e) {
            spdlog::warn("typing indicator failed jid={} err={}", jid, e.what());
        }
    }
}

} // namespace nanoclaw::daemon
