// SPDX-License-Identifier: MIT
// A Telegram Bot API client (https://core.telegram.org/bots/api) on Beast: JSON POSTs to
// <base>/bot<token>/<method> over kept-alive connections, TLS verified, through HTTPS_PROXY when
// set. The token is part of every URL: it is built in one place and never appears in an error
// text. Pimpl: no Beast or OpenSSL in this header.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/net/url.hpp"

namespace nanoclaw::channels::telegram {

struct BotApiOptions {
    net::Url base;                  ///< TELEGRAM_API_BASE_URL, used verbatim (its path is kept)
    std::string token;              ///< TELEGRAM_BOT_TOKEN (a secret)
    std::optional<net::Url> tunnel; ///< HTTPS_PROXY unless NO_PROXY matches the base host
    std::optional<std::filesystem::path> extra_ca_file;
    std::chrono::milliseconds connect_timeout{10'000};
};

/// The outcome of one call. `network` covers connect, TLS, timeouts and broken connections.
struct BotReply {
    enum class Outcome { ok, api_error, network, bad_response };
    Outcome outcome = Outcome::network;
    nlohmann::json result;          ///< ok: the "result" field
    int error_code = 0;             ///< api_error: Telegram's error_code (also the HTTP status)
    std::string description;        ///< why it failed (never the token)
    std::optional<int> retry_after; ///< seconds, from a 429's "parameters"
    bool ok() const { return outcome == Outcome::ok; }
};

class BotApi {
  public:
    /// Nothing connects until the first call. `io` must outlive the client.
    BotApi(asio::io_context& io, BotApiOptions options);
    ~BotApi();
    BotApi(const BotApi&) = delete;
    BotApi& operator=(const BotApi&) = delete;

    /// Calls `method` with `params` as a JSON body; the whole exchange must finish within
    /// `timeout` (a long poll passes its poll time plus a margin). Never throws.
    awaitable<BotReply> call(std::string method, nlohmann::json params,
                             std::chrono::milliseconds timeout);
    /// Closes every connection, idle and in flight (a pending call ends as `network`).
    void close();
    /// Connections opened so far (keep-alive checks in tests and benchmarks).
    std::size_t connections_opened() const;

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

/// The method URL path for `method` under `base` ("/bot<token>/<method>" after the base path).
/// Exposed for tests; callers never log it.
std::string method_target(const net::Url& base, const std::string& token, const std::string& method);

} // namespace nanoclaw::channels::telegram
