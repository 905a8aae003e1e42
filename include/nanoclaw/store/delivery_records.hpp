// SPDX-License-Identifier: MIT
// Row shapes for message delivery tracking (ours, not v1's): messages addressed by their
// sequence number (SQLite rowid, which grows with insertion order) and per-chat cursors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "nanoclaw/core/types.hpp"

namespace nanoclaw::store {

/// A stored message with its insertion sequence number.
struct StoredMessage {
    std::int64_t seq = 0;
    core::NewMessage message;
};

/// How far an agent has answered a chat: every visible message with seq <= `seq`.
struct DeliveryCursor {
    std::int64_t seq = 0;
    std::string timestamp; ///< of the message at `seq` ("" when unknown)
};

/// One outbound message a channel has accepted but not yet delivered in full (our additive
/// `outbox` table): a reply survives a crash, a restart or a chat API outage.
struct OutboxEntry {
    std::int64_t id = 0;
    std::string channel;
    std::string jid;
    std::string text;
    int sent_parts = 0; ///< parts of a split message already delivered (resumed from here)
    int attempts = 0;
    std::string created_at;
    std::optional<std::string> last_error;
};

} // namespace nanoclaw::store
