// SPDX-License-Identifier: MIT
// Row shapes for message delivery tracking (ours, not v1's): messages addressed by their
// sequence number (SQLite rowid, which grows with insertion order) and per-chat cursors.
#pragma once

#include <cstdint>
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

} // namespace nanoclaw::store
