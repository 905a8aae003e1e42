// SPDX-License-Identifier: MIT
#include "nanoclaw/channels/outbox.hpp"

#include <deque>
#include <random>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels {

struct Outbox::State {
    State(asio::io_context& context, store::Store& s, std::string name, DeliverFn fn,
          OutboxOptions opts)
        : io(context), store(s), channel(std::move(name)), deliver(std::move(fn)), options(opts) {}
    asio::io_context& io;
    store::Store& store;
    std::string channel;
    DeliverFn deliver;
    OutboxOptions options;
    std::map<std::string, std::deque<store::OutboxEntry>> lanes; ///< per chat, oldest first
    std::map<std::string, std::shared_ptr<asio::steady_timer>> waits;
    bool stopped = false;
};

std::chrono::milliseconds jittered_backoff(std::chrono::milliseconds first,
                                           std::chrono::milliseconds max, int attempt) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    double delay = static_cast<double>(first.count());
    for (int i = 1; i < attempt && delay < static_cast<double>(max.count()); ++i) delay *= 2;
    delay = std::min(delay, static_cast<double>(max.count()));
    // Jitter keeps many chats (or daemons) that failed together from retrying together.
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return std::chrono::milliseconds(static_cast<long long>(delay * jitter(rng)));
}

namespace {

using StatePtr = std::shared_ptr<Outbox::State>;

void finish_front(Outbox::State& s, const std::string& jid) {
    auto& lane = s.lanes[jid];
    s.store.outbox_remove(lane.front().id);
    lane.pop_front();
}

// Drains one chat's lane in order; a retry waits on the lane's timer, holding later messages
// back so the chat never sees them out of order.
awaitable<void> drain(StatePtr s, std::string jid) {
    while (!s->stopped && !s->lanes[jid].empty()) {
        auto entry = s->lanes[jid].front();
        const auto id = entry.id;
        std::function<void(int)> mark = [s, id, jid](int parts) {
            s->store.outbox_progress(id, parts);
            auto& lane = s->lanes[jid];
            if (!lane.empty() && lane.front().id == id) lane.front().sent_parts = parts;
        };
        DeliveryAttempt attempt;
        try {
            attempt = co_await s->deliver(entry, mark);
        } catch (const std::exception& e) {
            attempt = {DeliveryAttempt::Verdict::retry, e.what(), std::nullopt};
        }
        if (s->stopped) break;
        using V = DeliveryAttempt::Verdict;
        if (attempt.verdict == V::delivered) {
            finish_front(*s, jid);
            continue;
        }
        if (attempt.verdict == V::drop) {
            spdlog::error("{}: giving up on a message to {} ({} chars): {}", s->channel, jid,
                          entry.text.size(), attempt.reason);
            finish_front(*s, jid);
            continue;
        }
        auto& front = s->lanes[jid].front();
        ++front.attempts;
        s->store.outbox_failed_attempt(id, attempt.reason);
        const auto wait = attempt.wait.value_or(
            jittered_backoff(s->options.first_retry, s->options.max_retry, front.attempts));
        spdlog::warn("{}: sending to {} failed ({}); retry {} in {} ms", s->channel, jid,
                     attempt.reason, front.attempts, wait.count());
        auto timer = std::make_shared<asio::steady_timer>(s->io, wait);
        s->waits[jid] = timer;
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
        s->waits.erase(jid);
    }
    s->lanes.erase(jid);
}

void kick(const StatePtr& s, const std::string& jid) {
    // A lane with entries already has a drain running: it picks up the new one in order.
    if (s->stopped || s->lanes[jid].size() != 1) return;
    core::spawn(s->io.get_executor(), s->channel + " outbox", drain(s, jid));
}

} // namespace

Outbox::Outbox(asio::io_context& io, store::Store& store, std::string channel, DeliverFn deliver,
               OutboxOptions options)
    : state_(std::make_shared<State>(io, store, std::move(channel), std::move(deliver), options)) {}

Outbox::~Outbox() { stop(); }

void Outbox::resume() {
    for (auto& entry : state_->store.outbox_pending(state_->channel)) {
        const auto jid = entry.jid;
        state_->lanes[jid].push_back(std::move(entry));
        kick(state_, jid);
    }
    if (const auto n = pending(); n > 0) {
        spdlog::info("{}: resuming {} undelivered message(s)", state_->channel, n);
    }
}

void Outbox::add(const std::string& jid, const std::string& text) {
    store::OutboxEntry entry;
    entry.id = state_->store.outbox_add(state_->channel, jid, text);
    entry.channel = state_->channel;
    entry.jid = jid;
    entry.text = text;
    state_->lanes[jid].push_back(std::move(entry));
    kick(state_, jid);
}

void Outbox::stop() {
    state_->stopped = true;
    for (auto& [jid, timer] : state_->waits)
        timer->cancel();
}

std::size_t Outbox::pending() const {
    std::size_t n = 0;
    for (const auto& [jid, lane] : state_->lanes)
        n += lane.size();
    return n;
}

} // namespace nanoclaw::channels
