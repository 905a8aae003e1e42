// SPDX-License-Identifier: MIT
// Private: the state the Telegram channel's coroutines share (poll loop, outbox delivery, typing).
// Held by shared_ptr, so a coroutine still running at disconnect never touches freed memory.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "nanoclaw/channels/outbox.hpp"
#include "nanoclaw/channels/telegram/bot_api.hpp"
#include "nanoclaw/channels/telegram/mapping.hpp"
#include "nanoclaw/channels/telegram/telegram_channel.hpp"
#include "nanoclaw/store/store.hpp"

namespace nanoclaw::channels::telegram {

struct ChannelState {
    ChannelState(asio::io_context& context, TelegramSettings s, ChannelCallbacks cb,
                 store::Store& st)
        : io(context), settings(std::move(s)), callbacks(std::move(cb)), store(st),
          api(context, BotApiOptions{settings.base, settings.token, settings.tunnel,
                                     settings.extra_ca_file, std::chrono::milliseconds(10'000)}) {}

    asio::io_context& io;
    TelegramSettings settings;
    ChannelCallbacks callbacks;
    store::Store& store;
    BotApi api;
    std::unique_ptr<Outbox> outbox;
    BotIdentity bot;
    bool identified = false; ///< getMe succeeded
    bool polling = false;    ///< the last getUpdates succeeded
    bool stopping = false;
    std::string problem;     ///< why the channel is not working right now, for `nanoclaw status`
    std::map<std::string, std::shared_ptr<asio::steady_timer>> typing; ///< per chat, while on
};

using StatePtr = std::shared_ptr<ChannelState>;

/// getMe (retried until it works, fatal on 401), deleteWebhook, then getUpdates until stopped.
awaitable<void> run_polling(StatePtr state);
/// Delivers one outbox entry: split into parts, Markdown first, plain when Telegram cannot
/// parse it, 429 waits honoured, permanent refusals dropped.
awaitable<DeliveryAttempt> deliver_entry(StatePtr state, store::OutboxEntry entry,
                                         std::function<void(int)> progress);
/// Sleeps `delay` unless the channel stops first; false when stopping.
awaitable<bool> pause(StatePtr state, std::chrono::milliseconds delay);

} // namespace nanoclaw::channels::telegram
