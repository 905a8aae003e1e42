// SPDX-License-Identifier: MIT
// The contract between the orchestrator and a chat channel (spec 10 §9, spec 30 §13).
// Every method runs on the daemon's single io_context thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::channels {

/// Chat metadata reported by a channel (stored verbatim with store_chat_metadata).
struct ChatMetadata {
    std::string jid;
    std::string timestamp; ///< canonical ISO
    std::optional<std::string> name;
    std::optional<std::string> channel;
    std::optional<bool> is_group;
};

/// What a channel calls back into the core. A channel must report metadata for a chat before
/// (or together with) its first message: messages reference chats by foreign key.
struct ChannelCallbacks {
    /// Throws when the message could not be stored (disk full, database locked): the channel
    /// must then not treat it as received (refuse it to the sender, or leave it unconfirmed).
    std::function<void(core::NewMessage)> on_message;
    std::function<void(ChatMetadata)> on_chat_metadata;
    /// The live registered-group map (JID -> group); channels use it to filter chats.
    std::function<const std::map<std::string, core::RegisteredGroup>&()> registered_groups;
    /// Something about the channel itself the user must act on (WhatsApp logged out: how to link
    /// it again). The daemon tells it in the main group through a connected channel; may be unset.
    std::function<void(std::string)> on_channel_notice = {};
};

/// What an on-demand group sync came to (the daemon's answer to {"type":"sync_groups"}).
struct GroupSyncResult {
    bool ok = true;
    int groups = 0;    ///< groups whose name was stored
    std::string error; ///< why it failed, when !ok
};

class Channel {
public:
    virtual ~Channel() = default;

    /// Stable identifier ("local", "telegram", "whatsapp").
    virtual std::string name() const = 0;
    /// Connects; a throw aborts daemon start-up. Returns once the channel can send.
    virtual awaitable<void> connect() = 0;
    /// Delivers `text` to chat `jid`; throws on failure (the caller logs and goes on).
    virtual awaitable<void> send_message(std::string jid, std::string text) = 0;
    virtual bool is_connected() const = 0;
    /// One line for `nanoclaw status` beside the connection state (the bot's name, why it is
    /// not connected); empty when there is nothing to add.
    virtual std::string status_detail() const { return {}; }
    /// True when this channel is responsible for `jid` (JID routing).
    virtual bool owns_jid(const std::string& jid) const = 0;
    /// Called once at shutdown.
    virtual awaitable<void> disconnect() = 0;
    /// Typing indicator; `on == false` also tells clients the agent's turn has ended.
    virtual awaitable<void> set_typing(std::string /*jid*/, bool /*on*/) { co_return; }
    /// What the chat's agent run is doing or waiting on ("queued", "waiting on the API: ...");
    /// channels with a place to show it do, the others ignore it.
    virtual awaitable<void> set_status(std::string /*jid*/, std::string /*text*/) { co_return; }
    /// A message from nanoclaw itself (not the agent) about a failure the person must act on;
    /// delivered like any message unless the channel can mark it. Throws like send_message.
    virtual awaitable<void> send_notice(std::string jid, std::string text) {
        co_await send_message(std::move(jid), std::move(text));
    }
    /// Refreshes chat names/metadata (calls on_chat_metadata); no-op for channels without groups.
    virtual awaitable<void> sync_groups(bool /*force*/) { co_return; }
    /// True when sync_groups lists the groups the account is in from the platform (WhatsApp):
    /// the channels `nanoclaw setup --step groups` asks the daemon to sync.
    virtual bool supports_group_sync() const { return false; }
    /// sync_groups with its outcome (never throws for an expected failure: it is reported).
    virtual awaitable<GroupSyncResult> sync_groups_with_result(bool force) {
        co_await sync_groups(force);
        co_return GroupSyncResult{};
    }
};

/// Creates a channel, or nullptr when its credentials/configuration are missing.
using ChannelFactory = std::function<std::unique_ptr<Channel>(const ChannelCallbacks&)>;

} // namespace nanoclaw::channels
