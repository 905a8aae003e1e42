// SPDX-License-Identifier: MIT
// The Telegram channel (spec 30 §14, issue 12): long polling of a bot's updates, the reference
// fork's message semantics (channels/telegram/mapping.hpp), replies through the persisted outbox,
// and a typing indicator refreshed while the agent works.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "nanoclaw/channels/channel.hpp"
#include "nanoclaw/core/config.hpp"
#include "nanoclaw/net/url.hpp"

namespace nanoclaw::store {
class Store;
} // namespace nanoclaw::store

namespace nanoclaw::channels::telegram {

struct TelegramSettings {
    std::string token;              ///< TELEGRAM_BOT_TOKEN (process env, else .env)
    net::Url base;                  ///< TELEGRAM_API_BASE_URL
    std::optional<net::Url> tunnel; ///< HTTPS_PROXY, unless NO_PROXY matches
    std::optional<std::filesystem::path> extra_ca_file;
    std::string assistant_name = "Andy";
    std::chrono::seconds poll_timeout{30};             ///< getUpdates long-poll time
    std::chrono::milliseconds typing_refresh{4'000};   ///< Telegram shows "typing" for ~5 s
    std::chrono::milliseconds first_retry{1'000};      ///< network / 5xx back-off start
    std::chrono::milliseconds max_retry{60'000};
    std::chrono::milliseconds conflict_retry{30'000};  ///< after a 409
};

/// Reads the settings; nullopt (with `reason`) when no token is configured, an error when the
/// token or URL cannot be used (the daemon logs it and serves its other channels).
tl::expected<std::optional<TelegramSettings>, std::string>
load_telegram_settings(const core::Config& config, const core::EnvMap& env);

/// The registry's factory: nullptr when Telegram is not configured or its settings are unusable
/// (logged). `io` and `store` must outlive the channel.
ChannelFactory make_telegram_channel_factory(asio::io_context& io, const core::Config& config,
                                             const core::EnvMap& env, store::Store& store);

/// Builds the channel from explicit settings (tests, benchmarks).
std::unique_ptr<Channel> make_telegram_channel(asio::io_context& io, TelegramSettings settings,
                                               ChannelCallbacks callbacks, store::Store& store);

/// router_state key holding the next getUpdates offset (the last handled update_id + 1).
inline constexpr const char* k_offset_state_key = "telegram_update_offset";

} // namespace nanoclaw::channels::telegram
