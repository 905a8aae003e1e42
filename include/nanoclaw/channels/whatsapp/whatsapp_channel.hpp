// SPDX-License-Identifier: MIT
// The WhatsApp channel (spec 30 §15, §17.6, issue 13): supervises the Baileys bridge process
// (docs/whatsapp-bridge-protocol.md), maps its events to stored rows as the reference does, and
// sends replies through the persisted outbox, flushed in order whenever the link is up.
#pragma once

#include <memory>

#include "nanoclaw/channels/channel.hpp"
#include "nanoclaw/channels/whatsapp/settings.hpp"
#include "nanoclaw/core/config.hpp"

namespace nanoclaw::store {
class Store;
} // namespace nanoclaw::store

namespace nanoclaw::channels::whatsapp {

/// The registry's factory: nullptr (with an info line naming the fix) when WhatsApp is not
/// linked or the bridge is not built. `io` and `store` must outlive the channel.
ChannelFactory make_whatsapp_channel_factory(asio::io_context& io, const core::Config& config,
                                             const core::EnvMap& env, store::Store& store);

/// Builds the channel from explicit settings (tests).
std::unique_ptr<Channel> make_whatsapp_channel(asio::io_context& io, WhatsAppSettings settings,
                                               ChannelCallbacks callbacks, store::Store& store);

} // namespace nanoclaw::channels::whatsapp
