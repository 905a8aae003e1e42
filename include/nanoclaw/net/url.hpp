// SPDX-License-Identifier: MIT
// Minimal absolute-URL parsing for upstream origins and proxy addresses (http/https only).
// Error messages never echo the input: proxy URLs may carry credentials.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace nanoclaw::net {

struct Url {
    std::string scheme;   ///< "http" or "https", lower case
    std::string host;     ///< lower case; IPv6 literals without brackets
    std::uint16_t port{}; ///< explicit port, else 443 for https and 80 for http
    std::string path;     ///< path + query as written ("" when absent)
    std::string userinfo; ///< "user:password" before '@', percent-decoded; "" when absent

    bool tls() const { return scheme == "https"; }
    /// True when `port` is the scheme's default (then the Host header omits it).
    bool default_port() const { return port == (tls() ? 443 : 80); }
    /// The Host header value: host (bracketed when IPv6) plus ":port" unless default.
    std::string host_header() const;
    /// "host:port" with IPv6 brackets, the authority form used by CONNECT.
    std::string authority() const;
};

/// Parses "scheme://[userinfo@]host[:port][/path]" for http and https (scheme case-insensitive).
tl::expected<Url, std::string> parse_url(std::string_view text);

/// True when `host` is an IPv4 or IPv6 literal (no brackets).
bool is_ip_literal(std::string_view host);

} // namespace nanoclaw::net
