// SPDX-License-Identifier: MIT
// The WhatsApp channel object: wiring of the bridge supervisor, the outbox and presence.
#include "nanoclaw/channels/whatsapp/whatsapp_channel.hpp"

#include <spdlog/spdlog.h>

#include "channel_state.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels::whatsapp {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The outbox outlives nothing it must not: it holds the channel state weakly.
awaitable<DeliveryAttempt> deliver_if_alive(std::weak_ptr<ChannelState> weak,
                                            store::OutboxEntry entry,
                                            std::function<void(int)> progress) {
    auto s = weak.lock();
    if (!s)
        co_return DeliveryAttempt{DeliveryAttempt::Verdict::retry, "channel gone", std::nullopt};
    co_return co_await deliver_entry(s, std::move(entry), std::move(progress));
}

class WhatsAppChannel final : public Channel {
  public:
    WhatsAppChannel(asio::io_context& io, WhatsAppSettings settings, ChannelCallbacks callbacks,
                    store::Store& store)
        : state_(std::make_shared<ChannelState>(io, std::move(settings), std::move(callbacks),
                                                store)) {
        std::weak_ptr<ChannelState> weak = state_;
        state_->outbox = std::make_unique<Outbox>(
            io, store, "whatsapp",
            [weak](store::OutboxEntry entry, std::function<void(int)> progress) {
                return deliver_if_alive(weak, std::move(entry), std::move(progress));
            },
            OutboxOptions{milliseconds(1'000), milliseconds(300'000)});
    }
    ~WhatsAppChannel() override { stop(); }

    std::string name() const override { return "whatsapp"; }

    // Resolves on the first `connected` (spec 30 §15.2), or fails after connect_timeout or at
    // once when the session is logged out; the bridge keeps being supervised either way.
    awaitable<void> connect() override {
        auto s = state_;
        s->outbox->resume();
        start_bridge(s);
        const auto deadline = std::chrono::steady_clock::now() + s->settings.connect_timeout;
        while (!s->connected) {
            if (s->logged_out) throw std::runtime_error("WhatsApp: " + s->problem);
            // A bridge that cannot start or dies at once will not connect in time either.
            if (!s->bridge) {
                throw std::runtime_error("WhatsApp: " + s->problem +
                                         " (it keeps being restarted in the background)");
            }
            const auto left =
                duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || s->stopping) {
                throw std::runtime_error(
                    "WhatsApp did not connect within " +
                    std::to_string(duration_cast<seconds>(s->settings.connect_timeout).count()) +
                    " s (" + (s->problem.empty() ? "no answer from the bridge" : s->problem) +
                    "); it keeps trying in the background");
            }
            co_await wait_for_change(s, left);
        }
    }

    // Persisted before this returns (never lost, never thrown for a down link): the outbox
    // sends it, prefixed on a shared number, once the link is up.
    awaitable<void> send_message(std::string jid, std::string text) override {
        if (!owns_whatsapp_jid(jid)) throw std::invalid_argument("not a WhatsApp chat JID: " + jid);
        if (!state_->connected) spdlog::info("WhatsApp disconnected, message queued jid={}", jid);
        state_->outbox->add(jid, outgoing_text(text, state_->mapping));
        co_return;
    }

    bool is_connected() const override { return state_->connected && !state_->stopping; }

    std::string status_detail() const override {
        const auto waiting = state_->outbox->pending();
        const auto queued =
            waiting > 0 ? ", " + std::to_string(waiting) + " message(s) waiting" : std::string();
        if (state_->connected) return "+" + state_->account + queued;
        return (state_->problem.empty() ? std::string("connecting") : state_->problem) + queued;
    }

    bool owns_jid(const std::string& jid) const override { return owns_whatsapp_jid(jid); }

    // Sends already handed to the bridge get their answer first (up to the grace period), so
    // a graceful restart never sends a delivered message again.
    awaitable<void> disconnect() override {
        auto s = state_;
        if (!s->stopping) spdlog::info("WhatsApp channel stopping");
        s->stopping = true;
        s->notify_change();
        const auto deadline = std::chrono::steady_clock::now() + s->settings.shutdown_grace;
        asio::steady_timer tick(s->io);
        while (!s->pending.empty() && s->bridge && std::chrono::steady_clock::now() < deadline) {
            tick.expires_after(std::chrono::milliseconds(20));
            boost::system::error_code ec;
            co_await tick.async_wait(asio::redirect_error(use_awaitable, ec));
        }
        stop();
        co_await stop_bridge(s);
    }

    awaitable<void> set_typing(std::string jid, bool on) override {
        // Presence goes only over a live link; a failure is the bridge's to log (stderr).
        if (state_->connected && state_->bridge && owns_whatsapp_jid(jid))
            state_->bridge->send(encode_presence(jid, on));
        co_return;
    }

    awaitable<void> sync_groups(bool force) override { co_await sync_groups_now(state_, force); }
    bool supports_group_sync() const override { return true; }
    awaitable<GroupSyncResult> sync_groups_with_result(bool force) override {
        co_return co_await sync_groups_now(state_, force);
    }

  private:
    // A closing flag (spec 30 §19 #19): the bridge's last `disconnected` is not a reconnect.
    void stop() {
        auto& s = *state_;
        s.stopping = true;
        s.connected = false;
        s.outbox->stop();
        if (s.backoff) s.backoff->cancel();
        if (s.sync_timer) s.sync_timer->cancel();
        for (auto& [id, pending] : s.pending)
            pending->timer.cancel();
        s.notify_change();
    }

    StatePtr state_;
};

} // namespace

std::unique_ptr<Channel> make_whatsapp_channel(asio::io_context& io, WhatsAppSettings settings,
                                               ChannelCallbacks callbacks, store::Store& store) {
    return std::make_unique<WhatsAppChannel>(io, std::move(settings), std::move(callbacks), store);
}

ChannelFactory make_whatsapp_channel_factory(asio::io_context& io, const core::Config& config,
                                             const core::EnvMap& env, store::Store& store) {
    return
        [&io, &config, env, &store](const ChannelCallbacks& callbacks) -> std::unique_ptr<Channel> {
            auto settings = load_whatsapp_settings(config, env);
            if (!settings) {
                spdlog::info("{}", settings.error());
                return nullptr;
            }
            return make_whatsapp_channel(io, std::move(*settings), callbacks, store);
        };
}

} // namespace nanoclaw::channels::whatsapp
