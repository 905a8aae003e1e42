// SPDX-License-Identifier: MIT
// When the WhatsApp channel connects again, as a pure decision (spec 30 §19 #18, the pitfalls):
// back off with jitter and a cap (never the reference's unbounded immediate loop), at once for
// 515 (part of a normal login), never after 401, and long when 440 repeats (another process
// uses store/auth/).
#pragma once

#include <chrono>

namespace nanoclaw::channels::whatsapp {

struct ReconnectPolicy {
    std::chrono::milliseconds first{1'000}; ///< after a disconnect, doubling per attempt
    std::chrono::milliseconds max{60'000};
    std::chrono::milliseconds replaced_first{300'000}; ///< 440 repeating
    std::chrono::milliseconds replaced_max{1'800'000};
    int replaced_repeat = 2; ///< this many 440s in a row mean another process holds the session
    std::chrono::milliseconds restart_first{1'000}; ///< a bridge process that exited
    std::chrono::milliseconds restart_max{60'000};
    /// A connection (or bridge process) that lasted this long starts the counts afresh.
    std::chrono::milliseconds stable_after{60'000};
};

enum class ReconnectAction {
    reconnect, ///< send `connect` after `delay`
    stop,      ///< logged out (401): the session is gone; the user must link again
};

struct ReconnectDecision {
    ReconnectAction action = ReconnectAction::reconnect;
    std::chrono::milliseconds delay{0};
    bool replaced = false; ///< 440 repeated: say that another process uses store/auth/
};

/// The decision after a `disconnected` with `reason`. `attempt` counts the disconnects since
/// the last stable connection, this one included (1-based); `replaced` counts consecutive 440s,
/// this one included.
ReconnectDecision decide_reconnect(int reason, int attempt, int replaced,
                                   const ReconnectPolicy& policy);

/// Delay before starting the bridge again after its `attempt`-th exit in a row (1-based).
std::chrono::milliseconds restart_delay(int attempt, const ReconnectPolicy& policy);

} // namespace nanoclaw::channels::whatsapp
