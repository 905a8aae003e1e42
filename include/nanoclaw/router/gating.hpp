// SPDX-License-Identifier: MIT
// The trigger gating rule (spec 10 §12.4): does a batch of messages wake a group's agent?
#pragma once

#include <span>
#include <string_view>

#include "nanoclaw/core/types.hpp"
#include "nanoclaw/router/sender_allowlist.hpp"
#include "nanoclaw/router/trigger.hpp"

namespace nanoclaw::router {

/// True when `messages` (non-empty) should start or feed an agent run for the group at
/// `chat_jid`: always for a main group or one with requiresTrigger=false; otherwise when some
/// message's trimmed content matches `trigger` and it is from the assistant's own account
/// (is_from_me) or from a sender the allowlist lets trigger in that chat. An empty batch never
/// activates: there is nothing to run on. Messages that do not activate stay stored as context.
bool batch_activates_group(const core::RegisteredGroup& group, std::string_view chat_jid,
                           std::span<const core::NewMessage> messages,
                           const TriggerMatcher& trigger, const SenderAllowlist& allowlist);

} // namespace nanoclaw::router
