// SPDX-License-Identifier: MIT
// The §6.4 header table. Beast compares field names case-insensitively, so "X-Api-Key" and
// "x-api-key" are the same header here.
#include <string.h> // explicit_bzero

#include "exchange.hpp"

namespace nanoclaw::proxy {

void rewrite_for_upstream(Request& req, const ProxySettings& settings, std::string_view target,
                          std::string_view oauth_token) {
    req.target(to_beast(target));
    req.version(11);
    req.set(http::field::host, settings.upstream.host_header());
    // The body was buffered (and de-chunked), so the upstream always gets an exact length.
    req.erase(http::field::transfer_encoding);
    req.set(http::field::content_length, std::to_string(req.body().size()));
    req.erase(http::field::connection);
    req.erase(http::field::keep_alive);
    // The proxy already answered any "Expect: 100-continue" itself.
    req.erase(http::field::expect);

    if (settings.auth_mode == AuthMode::api_key) {
        req.erase("x-api-key");
        req.set("x-api-key", to_beast(settings.api_key.reveal()));
    } else if (req.find(http::field::authorization) != req.end()) {
        // Only requests that carry authorization get the OAuth token (auth probes and the token
        // exchange); later calls authenticate with the temporary x-api-key they obtained.
        req.erase(http::field::authorization);
        if (!oauth_token.empty()) {
            std::string value = "Bearer ";
            value.append(oauth_token);
            req.set(http::field::authorization, value);
            explicit_bzero(value.data(), value.size());
        }
    }
}

} // namespace nanoclaw::proxy
