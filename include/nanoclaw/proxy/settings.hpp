// SPDX-License-Identifier: MIT
// Everything the credential proxy needs, read once at start-up (spec 20 §6.3, §11): the secrets
// snapshot from <root>/.env, the upstream, the outbound proxy, the extra CA and the limits.
// The same snapshot decides the container placeholder (auth_mode), fixing v1's mode drift.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "nanoclaw/core/config.hpp"
#include "nanoclaw/net/url.hpp"
#include "nanoclaw/proxy/secret.hpp"

namespace nanoclaw::proxy {

enum class AuthMode { api_key, oauth };

/// "api-key" or "oauth", as v1 logs it.
std::string_view to_string(AuthMode mode);

struct ProxySettings {
    int port = 3001;                                ///< CREDENTIAL_PROXY_PORT; 0 = any free port
    std::optional<std::string> bind_host_override;  ///< CREDENTIAL_PROXY_HOST

    AuthMode auth_mode = AuthMode::oauth; ///< api_key iff ANTHROPIC_API_KEY is non-empty
    Secret api_key;                       ///< ANTHROPIC_API_KEY (.env)
    Secret oauth_token;                   ///< CLAUDE_CODE_OAUTH_TOKEN, else ANTHROPIC_AUTH_TOKEN
    std::optional<std::filesystem::path> oauth_credentials_file; ///< NANOCLAW_OAUTH_CREDENTIALS_FILE

    net::Url upstream;                   ///< ANTHROPIC_BASE_URL (.env) origin; path ignored
    std::optional<net::Url> tunnel_via;  ///< HTTPS_PROXY/https_proxy unless NO_PROXY matches
    std::optional<std::filesystem::path> extra_ca_file; ///< CREDENTIAL_PROXY_CA_FILE,
                                         ///< else NODE_EXTRA_CA_CERTS, else SSL_CERT_FILE

    std::size_t max_body_bytes = 64u << 20;   ///< CREDENTIAL_PROXY_MAX_BODY_BYTES -> 413 above
    std::size_t max_header_bytes = 64u << 10; ///< CREDENTIAL_PROXY_MAX_HEADER_BYTES -> 431 above
    std::chrono::milliseconds connect_timeout{10'000};      ///< ..._CONNECT_TIMEOUT_MS -> 504
    std::chrono::milliseconds upstream_idle_timeout{600'000}; ///< ..._UPSTREAM_IDLE_TIMEOUT_MS
    std::chrono::milliseconds client_timeout{30'000};       ///< ..._CLIENT_TIMEOUT_MS -> 408
    std::chrono::milliseconds keep_alive_timeout{120'000};  ///< ..._KEEPALIVE_TIMEOUT_MS
};

/// Builds the settings from `config` (port, host override, root) and the process environment.
/// Reads <root>/.env once and registers every secret with the log redactor.
/// Throws core::FatalError for an unusable ANTHROPIC_BASE_URL, HTTPS_PROXY or numeric knob.
ProxySettings load_settings(const core::Config& config, const core::EnvMap& process_env);

} // namespace nanoclaw::proxy
