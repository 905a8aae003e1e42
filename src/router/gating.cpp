// SPDX-License-Identifier: MIT
#include "nanoclaw/router/gating.hpp"

#include <algorithm>

namespace nanoclaw::router {

bool batch_activates_group(const core::RegisteredGroup& group, std::string_view chat_jid,
                           std::span<const core::NewMessage> messages,
                           const TriggerMatcher& trigger, const SenderAllowlist& allowlist) {
    if (messages.empty()) return false;
    if (!group.needs_trigger()) return true;
    // Pattern first, as in v1, so the allowlist's denial log only names senders who did try to
    // trigger the agent.
    return std::any_of(messages.begin(), messages.end(), [&](const core::NewMessage& m) {
        return trigger.matches(m.content) &&
               (m.is_from_me || is_trigger_allowed(allowlist, chat_jid, m.sender));
    });
}

} // namespace nanoclaw::router
