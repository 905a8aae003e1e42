// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/settings.hpp"

#include <charconv>

#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/log.hpp"
#include "nanoclaw/net/no_proxy.hpp"

namespace nanoclaw::proxy {
namespace {

constexpr const char* k_default_upstream = "https://api.anthropic.com";

std::optional<std::string> env_value(const core::EnvMap& env, const std::string& key) {
    const auto it = env.find(key);
    if (it == env.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

// The first of `keys` that is set and non-empty.
std::optional<std::string> first_env(const core::EnvMap& env, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        if (auto v = env_value(env, key)) return v;
    }
    return std::nullopt;
}

std::uint64_t positive_knob(const core::EnvMap& env, const char* key, std::uint64_t fallback) {
    const auto text = env_value(env, key);
    if (!text) return fallback;
    std::uint64_t value = 0;
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end || value == 0) {
        throw core::FatalError(std::string(key) + " must be a positive integer, got \"" + *text +
                               "\"");
    }
    return value;
}

std::chrono::milliseconds ms_knob(const core::EnvMap& env, const char* key,
                                  std::chrono::milliseconds fallback) {
    return std::chrono::milliseconds(
        positive_knob(env, key, static_cast<std::uint64_t>(fallback.count())));
}

net::Url parse_or_throw(const std::string& text, const char* what) {
    auto url = net::parse_url(text);
    if (!url) throw core::FatalError(std::string(what) + " is not usable: " + url.error());
    return std::move(*url);
}

// HTTPS_PROXY applies only to TLS upstreams that NO_PROXY does not exempt (§11 item 5).
std::optional<net::Url> tunnel_for(const net::Url& upstream, const core::EnvMap& env) {
    const auto proxy_text = first_env(env, {"HTTPS_PROXY", "https_proxy"});
    if (!proxy_text || !upstream.tls()) return std::nullopt;
    const auto no_proxy = first_env(env, {"NO_PROXY", "no_proxy"}).value_or("");
    if (net::no_proxy_matches(no_proxy, upstream.host, upstream.port)) return std::nullopt;
    auto proxy = parse_or_throw(*proxy_text, "HTTPS_PROXY");
    if (proxy.tls()) throw core::FatalError("HTTPS_PROXY must be an http:// proxy URL");
    if (!proxy.userinfo.empty()) core::register_secret(proxy.userinfo);
    return proxy;
}

void load_secrets(ProxySettings& s, const core::Config& config) {
    auto dotenv = core::read_env_file(config.root / ".env",
                                      {"ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN",
                                       "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"});
    for (const auto& [key, value] : dotenv) {
        if (key != "ANTHROPIC_BASE_URL") core::register_secret(value);
    }
    const auto take = [&dotenv](const char* key) { return Secret(std::move(dotenv[key])); };
    s.api_key = take("ANTHROPIC_API_KEY");
    s.auth_mode = s.api_key.empty() ? AuthMode::oauth : AuthMode::api_key;
    s.oauth_token = take("CLAUDE_CODE_OAUTH_TOKEN");
    if (s.oauth_token.empty()) s.oauth_token = take("ANTHROPIC_AUTH_TOKEN");
    const auto base = dotenv.find("ANTHROPIC_BASE_URL");
    s.upstream = parse_or_throw(base != dotenv.end() && !base->second.empty() ? base->second
                                                                              : k_default_upstream,
                                "ANTHROPIC_BASE_URL");
}

} // namespace

std::string_view to_string(AuthMode mode) {
    return mode == AuthMode::api_key ? "api-key" : "oauth";
}

ProxySettings load_settings(const core::Config& config, const core::EnvMap& env) {
    ProxySettings s;
    s.port = config.credential_proxy_port;
    s.bind_host_override = config.credential_proxy_host;
    load_secrets(s, config);
    if (auto file = env_value(env, "NANOCLAW_OAUTH_CREDENTIALS_FILE")) s.oauth_credentials_file = *file;
    s.tunnel_via = tunnel_for(s.upstream, env);
    if (auto ca = first_env(env, {"CREDENTIAL_PROXY_CA_FILE", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE"})) {
        s.extra_ca_file = *ca;
    }
    s.max_body_bytes = positive_knob(env, "CREDENTIAL_PROXY_MAX_BODY_BYTES", s.max_body_bytes);
    s.max_header_bytes = positive_knob(env, "CREDENTIAL_PROXY_MAX_HEADER_BYTES", s.max_header_bytes);
    s.connect_timeout = ms_knob(env, "CREDENTIAL_PROXY_CONNECT_TIMEOUT_MS", s.connect_timeout);
    s.upstream_idle_timeout =
        ms_knob(env, "CREDENTIAL_PROXY_UPSTREAM_IDLE_TIMEOUT_MS", s.upstream_idle_timeout);
    s.client_timeout = ms_knob(env, "CREDENTIAL_PROXY_CLIENT_TIMEOUT_MS", s.client_timeout);
    s.keep_alive_timeout = ms_knob(env, "CREDENTIAL_PROXY_KEEPALIVE_TIMEOUT_MS", s.keep_alive_timeout);
    return s;
}

} // namespace nanoclaw::proxy
