// SPDX-License-Identifier: MIT
// A channel's persisted outbox: every reply the channel accepts is written to the store first
// and delivered in order per chat, retried with capped back-off and jitter until it is delivered
// or fails in a way retrying cannot fix (then dropped with a logged reason, never silently).
// A restart resumes what was pending, from the part it had reached. Channel-neutral: the channel
// supplies how to deliver one entry.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/store/store.hpp"

namespace nanoclaw::channels {

/// What one delivery attempt came to.
struct DeliveryAttempt {
    enum class Verdict { delivered, retry, drop };
    Verdict verdict = Verdict::delivered;
    std::string reason;                             ///< for retry and drop, logged
    std::optional<std::chrono::milliseconds> wait;  ///< retry: the server's own wait (429)
};

struct OutboxOptions {
    std::chrono::milliseconds first_retry{1'000};
    std::chrono::milliseconds max_retry{300'000};
};

class Outbox {
  public:
    /// Delivers `entry` from part `entry.sent_parts` on; calls `progress(n)` after each part so a
    /// restart does not send delivered parts again.
    using DeliverFn = std::function<awaitable<DeliveryAttempt>(store::OutboxEntry entry,
                                                               std::function<void(int)> progress)>;

    /// `store` must outlive the outbox.
    Outbox(asio::io_context& io, store::Store& store, std::string channel, DeliverFn deliver,
           OutboxOptions options = {});
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    /// Queues everything the store holds for this channel (call once, at connect).
    void resume();
    /// Persists a message for `jid` and queues it behind that chat's earlier ones. Throws
    /// store errors (the caller then reports the send as failed).
    void add(const std::string& jid, const std::string& text);
    /// Stops delivering (entries stay in the store for the next start).
    void stop();
    /// Entries not yet delivered or dropped.
    std::size_t pending() const;

    struct State;

  private:
    std::shared_ptr<State> state_;
};

/// Delay before retry `attempt` (1-based): first * 2^(attempt-1), capped at `max`, with +-20%
/// jitter. Shared by the outbox and the channels' reconnect loops.
std::chrono::milliseconds jittered_backoff(std::chrono::milliseconds first,
                                           std::chrono::milliseconds max, int attempt);

} // namespace nanoclaw::channels
