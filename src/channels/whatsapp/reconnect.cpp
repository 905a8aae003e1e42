// SPDX-License-Identifier: MIT
#include "nanoclaw/channels/whatsapp/reconnect.hpp"

#include "nanoclaw/channels/outbox.hpp"
#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"

namespace nanoclaw::channels::whatsapp {

ReconnectDecision decide_reconnect(int reason, int attempt, int replaced,
                                   const ReconnectPolicy& policy) {
    ReconnectDecision d;
    if (reason == k_reason_logged_out) {
        d.action = ReconnectAction::stop;
        return d;
    }
    // "Restart required" follows every successful pairing: reconnecting is the login's next step.
    if (reason == k_reason_restart_required) return d;
    if (reason == k_reason_connection_replaced && replaced >= policy.replaced_repeat) {
        d.replaced = true;
        d.delay = jittered_backoff(policy.replaced_first, policy.replaced_max,
                                   replaced - policy.replaced_repeat + 1);
        return d;
    }
    d.delay = jittered_backoff(policy.first, policy.max, attempt < 1 ? 1 : attempt);
    return d;
}

std::chrono::milliseconds restart_delay(int attempt, const ReconnectPolicy& policy) {
    return jittered_backoff(policy.restart_first, policy.restart_max, attempt < 1 ? 1 : attempt);
}

} // namespace nanoclaw::channels::whatsapp
