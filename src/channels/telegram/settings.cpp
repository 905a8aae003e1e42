// SPDX-License-Identifier: MIT
// Telegram settings: the token (a secret: registered with the log redactor the moment it is
// read), the Bot API base URL, and the same outbound proxy and CA rules as the credential proxy.
#include <algorithm>
#include <cctype>

#include "nanoclaw/channels/telegram/telegram_channel.hpp"
#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/core/log.hpp"
#include "nanoclaw/net/no_proxy.hpp"

namespace nanoclaw::channels::telegram {
namespace {

std::optional<std::string> env_value(const core::EnvMap& env, const char* key) {
    auto it = env.find(key);
    if (it == env.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

// "<bot id>:<secret>" as BotFather issues it; anything else would also break the URL path.
bool looks_like_token(const std::string& token) {
    const auto colon = token.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == token.size()) return false;
    const auto digit = [](unsigned char c) { return std::isdigit(c) != 0; };
    const auto secret_char = [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '_' || c == '-';
    };
    return std::all_of(token.begin(), token.begin() + static_cast<long>(colon), digit) &&
           std::all_of(token.begin() + static_cast<long>(colon) + 1, token.end(), secret_char);
}

tl::expected<std::optional<net::Url>, std::string> tunnel_for(const net::Url& base,
                                                              const core::EnvMap& env) {
    auto proxy_text = env_value(env, "HTTPS_PROXY");
    if (!proxy_text) proxy_text = env_value(env, "https_proxy");
    if (!proxy_text || !base.tls()) return std::optional<net::Url>{};
    auto no_proxy = env_value(env, "NO_PROXY");
    if (!no_proxy) no_proxy = env_value(env, "no_proxy");
    if (net::no_proxy_matches(no_proxy.value_or(""), base.host, base.port)) {
        return std::optional<net::Url>{};
    }
    auto proxy = net::parse_url(*proxy_text);
    if (!proxy) return tl::unexpected("HTTPS_PROXY is not a usable URL: " + proxy.error());
    if (proxy->tls())
        return tl::unexpected(std::string("HTTPS_PROXY must be an http:// proxy URL"));
    if (!proxy->userinfo.empty()) core::register_secret(proxy->userinfo);
    return std::optional<net::Url>{*proxy};
}

} // namespace

tl::expected<std::optional<TelegramSettings>, std::string>
load_telegram_settings(const core::Config& config, const core::EnvMap& env) {
    auto token = env_value(env, "TELEGRAM_BOT_TOKEN");
    if (!token) {
        auto dotenv = core::read_env_file(config.root / ".env", {"TELEGRAM_BOT_TOKEN"});
        if (auto it = dotenv.find("TELEGRAM_BOT_TOKEN"); it != dotenv.end() && !it->second.empty())
            token = it->second;
    }
    if (!token) return std::optional<TelegramSettings>{};
    core::register_secret(*token);
    if (!looks_like_token(*token)) {
        return tl::unexpected(std::string("TELEGRAM_BOT_TOKEN does not look like a bot token "
                                          "(expected <digits>:<letters, digits, _ or ->, as "
                                          "@BotFather gives it)"));
    }
    TelegramSettings s;
    s.token = std::move(*token);
    auto base = net::parse_url(config.telegram_api_base_url);
    if (!base) return tl::unexpected("TELEGRAM_API_BASE_URL is not a usable URL: " + base.error());
    s.base = std::move(*base);
    auto tunnel = tunnel_for(s.base, env);
    if (!tunnel) return tl::unexpected(tunnel.error());
    s.tunnel = std::move(*tunnel);
    for (const char* key : {"CREDENTIAL_PROXY_CA_FILE", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE"}) {
        if (auto ca = env_value(env, key)) {
            s.extra_ca_file = *ca;
            break;
        }
    }
    s.assistant_name = config.assistant_name;
    return std::optional<TelegramSettings>{std::move(s)};
}

} // namespace nanoclaw::channels::telegram
