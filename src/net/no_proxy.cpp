// SPDX-License-Identifier: MIT
#include "nanoclaw/net/no_proxy.hpp"

#include <cctype>
#include <string>

#include "nanoclaw/net/url.hpp"

namespace nanoclaw::net {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto x = static_cast<unsigned char>(a[i]);
        const auto y = static_cast<unsigned char>(b[i]);
        if (std::tolower(x) != std::tolower(y)) return false;
    }
    return true;
}

// One NO_PROXY entry against the host; `entry` is already split from its optional port.
bool host_matches(std::string_view entry, std::string_view host) {
    if (entry.front() == '.') entry.remove_prefix(1);
    if (entry.empty()) return false;
    if (iequals(entry, host)) return true;
    if (is_ip_literal(host)) return false; // IPs match exactly only
    return host.size() > entry.size() && host[host.size() - entry.size() - 1] == '.' &&
           iequals(host.substr(host.size() - entry.size()), entry);
}

bool entry_matches(std::string_view entry, std::string_view host, std::uint16_t port) {
    if (entry == "*") return true;
    if (entry.front() == '[') { // bracketed IPv6 with optional port
        const auto close = entry.find(']');
        if (close == std::string_view::npos) return false;
        const auto rest = entry.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || rest.substr(1) != std::to_string(port))) {
            return false;
        }
        return iequals(entry.substr(1, close - 1), host);
    }
    // A bare IPv6 literal has several ':'; only "name:port" has exactly one.
    const auto colon = entry.rfind(':');
    if (colon != std::string_view::npos && entry.find(':') == colon) {
        if (entry.substr(colon + 1) != std::to_string(port)) return false;
        entry = entry.substr(0, colon);
        if (entry.empty()) return false;
    }
    return host_matches(entry, host);
}

} // namespace

bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::uint16_t port) {
    std::size_t pos = 0;
    while (pos < no_proxy.size()) {
        const auto end = no_proxy.find_first_of(", \t", pos);
        const auto entry = no_proxy.substr(pos, end == std::string_view::npos ? end : end - pos);
        if (!entry.empty() && entry_matches(entry, host, port)) return true;
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    return false;
}

} // namespace nanoclaw::net
