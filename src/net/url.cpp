// SPDX-License-Identifier: MIT
#include "nanoclaw/net/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace nanoclaw::net {
namespace {

tl::unexpected<std::string> fail(const char* message) { return tl::unexpected(std::string(message)); }

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

tl::expected<std::string, std::string> percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return fail("bad percent escape in userinfo");
        const int hi = hex_value(s[i + 1]);
        const int lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return fail("bad percent escape in userinfo");
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

bool valid_reg_name(std::string_view host) {
    if (host.empty() || host.size() > 253) return false;
    return std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_';
    });
}

tl::expected<std::uint16_t, std::string> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5) return fail("invalid port");
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return fail("invalid port");
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return fail("port out of range");
    return static_cast<std::uint16_t>(value);
}

// Splits "host[:port]" or "[v6][:port]" into the url.
tl::expected<void, std::string> parse_host_port(std::string_view hostport, Url& url) {
    std::string_view host = hostport;
    std::string_view port;
    if (!hostport.empty() && hostport.front() == '[') {
        const auto close = hostport.find(']');
        if (close == std::string_view::npos) return fail("unterminated IPv6 literal");
        host = hostport.substr(1, close - 1);
        const auto rest = hostport.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return fail("junk after IPv6 literal");
        if (!rest.empty()) port = rest.substr(1);
        if (!is_ip_literal(host) || host.find(':') == std::string_view::npos) {
            return fail("invalid IPv6 literal");
        }
    } else {
        const auto colon = hostport.rfind(':');
        if (colon != std::string_view::npos) {
            host = hostport.substr(0, colon);
            port = hostport.substr(colon + 1);
        }
        if (!valid_reg_name(host)) return fail("invalid host");
    }
    url.host = lower(host);
    if (port.empty()) {
        url.port = url.tls() ? 443 : 80;
        return {};
    }
    auto p = parse_port(port);
    if (!p) return tl::unexpected(p.error());
    url.port = *p;
    return {};
}

} // namespace

bool is_ip_literal(std::string_view host) {
    const std::string h(host);
    unsigned char buf[16];
    return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

std::string Url::host_header() const {
    return default_port() ? (host.find(':') != std::string::npos ? "[" + host + "]" : host)
                          : authority();
}

std::string Url::authority() const {
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return h + ":" + std::to_string(port);
}

tl::expected<Url, std::string> parse_url(std::string_view text) {
    const auto sep = text.find("://");
    if (sep == std::string_view::npos) return fail("URL has no scheme");
    Url url;
    url.scheme = lower(text.substr(0, sep));
    if (url.scheme != "http" && url.scheme != "https") {
        return fail("URL scheme must be http or https");
    }
    std::string_view rest = text.substr(sep + 3);
    const auto path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    if (path_start != std::string_view::npos) url.path = std::string(rest.substr(path_start));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        auto decoded = percent_decode(authority.substr(0, at));
        if (!decoded) return tl::unexpected(decoded.error());
        url.userinfo = std::move(*decoded);
        authority = authority.substr(at + 1);
    }
    if (authority.empty()) return fail("URL has no host");
    if (auto ok = parse_host_port(authority, url); !ok) return tl::unexpected(ok.error());
    return url;
}

} // namespace nanoclaw::net
