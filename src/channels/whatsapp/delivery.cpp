// SPDX-License-Identifier: MIT
// Sending one outbox entry (spec 30 §15.7, without its losses): the entry waits in the store
// while the link is down and goes out once it is up, in order per chat; it is removed only when
// the bridge reports `sent`. `send_failed`, a bridge that dies or never answers leave it queued
// (the outbox retries it with back-off and holds the chat's later messages behind it).
#include <spdlog/spdlog.h>

#include "channel_state.hpp"

namespace nanoclaw::channels::whatsapp {

using Verdict = DeliveryAttempt::Verdict;

awaitable<DeliveryAttempt> deliver_entry(StatePtr s, store::OutboxEntry entry,
                                         std::function<void(int)> progress) {
    if (!owns_whatsapp_jid(entry.jid))
        co_return DeliveryAttempt{Verdict::drop, "not a WhatsApp chat JID", std::nullopt};
    // No timer while waiting: the lane sleeps until the link state changes.
    while (!s->connected || !s->bridge) {
        if (s->stopping) co_return DeliveryAttempt{Verdict::retry, "stopping", std::nullopt};
        co_await wait_for_change(s, std::chrono::hours(24 * 365));
    }
    if (s->stopping) co_return DeliveryAttempt{Verdict::retry, "stopping", std::nullopt};
    const auto id = s->next_request++;
    auto reply =
        co_await request(s, id, encode_send(id, entry.jid, entry.text), s->settings.send_timeout);
    if (reply) {
        if (auto* sent = std::get_if<SentEvent>(&*reply)) {
            progress(1);
            spdlog::info("WhatsApp message sent jid={} length={} id={}", entry.jid,
                         entry.text.size(), sent->id);
            co_return DeliveryAttempt{};
        }
        if (auto* failed = std::get_if<SendFailedEvent>(&*reply))
            co_return DeliveryAttempt{Verdict::retry, "send failed: " + failed->error,
                                      std::nullopt};
        if (auto* err = std::get_if<ErrorEvent>(&*reply))
            co_return DeliveryAttempt{Verdict::retry, "bridge error: " + err->error, std::nullopt};
    }
    co_return DeliveryAttempt{Verdict::retry,
                              s->bridge ? "the bridge did not confirm the send in time"
                                        : "the bridge went away before confirming the send",
                              std::nullopt};
}

} // namespace nanoclaw::channels::whatsapp
