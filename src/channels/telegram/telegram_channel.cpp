// SPDX-License-Identifier: MIT
// The Telegram channel object: wiring of polling, the outbox and the typing indicator.
#include "nanoclaw/channels/telegram/telegram_channel.hpp"

#include <spdlog/spdlog.h>

#include "channel_state.hpp"
#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels::telegram {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// JSON bodies are built outside coroutines: GCC 12 miscompiles initializer lists in them.
json chat_params(std::int64_t chat) { return json{{"chat_id", std::to_string(chat)}}; }

json typing_params(std::int64_t chat) {
    return json{{"chat_id", std::to_string(chat)}, {"action", "typing"}};
}

// Telegram shows "typing" for about 5 s, so it is sent again every few seconds until the turn
// ends; the reference sent it once and long runs looked idle.
awaitable<void> keep_typing(StatePtr s, std::string jid, std::shared_ptr<asio::steady_timer> timer) {
    const auto chat = chat_id_of(jid);
    if (!chat) co_return;
    while (!s->stopping) {
        auto it = s->typing.find(jid);
        if (it == s->typing.end() || it->second != timer) co_return; // turned off or replaced
        const auto reply = co_await s->api.call("sendChatAction", typing_params(*chat), 10s);
        if (!reply.ok()) spdlog::debug("Telegram: typing indicator for {} failed: {}", jid, reply.description);
        timer->expires_after(s->settings.typing_refresh);
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
    }
}

// The outbox outlives nothing it must not: it holds the channel state weakly.
awaitable<DeliveryAttempt> deliver_if_alive(std::weak_ptr<ChannelState> weak, store::OutboxEntry entry,
                                            std::function<void(int)> progress) {
    auto s = weak.lock();
    if (!s) co_return DeliveryAttempt{DeliveryAttempt::Verdict::retry, "channel gone", std::nullopt};
    co_return co_await deliver_entry(s, std::move(entry), std::move(progress));
}

ChatMetadata chat_metadata(const std::string& jid, const std::string& title, const std::string& type) {
    return ChatMetadata{jid, core::format_iso(std::chrono::system_clock::now()), title,
                        std::string("telegram"), type == "group" || type == "supergroup"};
}

class TelegramChannel final : public Channel {
  public:
    TelegramChannel(asio::io_context& io, TelegramSettings settings, ChannelCallbacks callbacks,
                    store::Store& store)
        : state_(std::make_shared<ChannelState>(io, std::move(settings), std::move(callbacks), store)) {
        std::weak_ptr<ChannelState> weak = state_;
        state_->outbox = std::make_unique<Outbox>(
            io, store, "telegram",
            [weak](store::OutboxEntry entry, std::function<void(int)> progress) {
                return deliver_if_alive(weak, std::move(entry), std::move(progress));
            },
            OutboxOptions{state_->settings.first_retry, std::chrono::milliseconds(300'000)});
    }
    ~TelegramChannel() override { stop(); }

    std::string name() const override { return "telegram"; }

    // Returns at once: polling (getMe first) runs in the background, so a slow or unreachable
    // Bot API never delays the daemon's start-up or its other channels.
    awaitable<void> connect() override {
        state_->outbox->resume();
        core::spawn(state_->io.get_executor(), "telegram polling", run_polling(state_));
        co_return;
    }

    awaitable<void> send_message(std::string jid, std::string text) override {
        if (!chat_id_of(jid)) throw std::invalid_argument("not a Telegram chat JID: " + jid);
        state_->outbox->add(jid, text); // persisted before this returns: never lost
        co_return;
    }

    bool is_connected() const override { return state_->identified && !state_->stopping; }
    std::string status_detail() const override {
        if (!state_->identified) {
            return state_->problem.empty() ? "connecting to the Bot API" : state_->problem;
        }
        const std::string bot = "@" + state_->bot.username;
        if (state_->polling) return bot + ", polling";
        return state_->problem.empty() ? bot + ", starting to poll" : bot + ", " + state_->problem;
    }
    bool owns_jid(const std::string& jid) const override { return jid.rfind("tg:", 0) == 0; }

    awaitable<void> disconnect() override {
        if (!state_->stopping) spdlog::info("Telegram bot stopped");
        stop();
        co_return;
    }

    awaitable<void> set_typing(std::string jid, bool on) override {
        auto& slot = state_->typing[jid];
        if (slot) slot->cancel();
        if (!on || state_->stopping) {
            state_->typing.erase(jid);
            co_return;
        }
        slot = std::make_shared<asio::steady_timer>(state_->io);
        core::spawn(state_->io.get_executor(), "telegram typing", keep_typing(state_, jid, slot));
    }

    awaitable<void> sync_groups(bool /*force*/) override {
        for (const auto& [jid, group] : state_->callbacks.registered_groups()) {
            const auto chat = chat_id_of(jid);
            if (!chat || state_->stopping) continue;
            const auto reply = co_await state_->api.call("getChat", chat_params(*chat), 30s);
            if (!reply.ok() || !reply.result.is_object()) continue;
            const auto type = reply.result.value("type", "");
            const auto title = reply.result.value("title", reply.result.value("first_name", ""));
            if (title.empty()) continue;
            state_->callbacks.on_chat_metadata(chat_metadata(jid, title, type));
        }
    }

  private:
    void stop() {
        state_->stopping = true;
        state_->outbox->stop();
        for (auto& [jid, timer] : state_->typing)
            if (timer) timer->cancel();
        state_->typing.clear();
        state_->api.close();
    }

    StatePtr state_;
};

} // namespace

std::unique_ptr<Channel> make_telegram_channel(asio::io_context& io, TelegramSettings settings,
                                               ChannelCallbacks callbacks, store::Store& store) {
    return std::make_unique<TelegramChannel>(io, std::move(settings), std::move(callbacks), store);
}

ChannelFactory make_telegram_channel_factory(asio::io_context& io, const core::Config& config,
                                             const core::EnvMap& env, store::Store& store) {
    return [&io, &config, env, &store](const ChannelCallbacks& callbacks) -> std::unique_ptr<Channel> {
        auto settings = load_telegram_settings(config, env);
        if (!settings) {
            spdlog::error("Telegram: {}; the channel is off until this is fixed", settings.error());
            return nullptr;
        }
        if (!*settings) return nullptr;
        return make_telegram_channel(io, std::move(**settings), callbacks, store);
    };
}

} // namespace nanoclaw::channels::telegram
