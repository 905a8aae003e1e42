// SPDX-License-Identifier: MIT
// NO_PROXY matching with the conventions curl and most HTTP clients share.
#pragma once

#include <cstdint>
#include <string_view>

namespace nanoclaw::net {

/// True when `host`:`port` must bypass the proxy under the comma/space separated `no_proxy` list.
/// Entries: "*" (everything), a host or domain ("example.com" and ".example.com" both match the
/// domain and its subdomains), an IP literal (exact), each optionally with ":port". Case-insensitive.
/// CIDR ranges are not supported (they never match).
bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::uint16_t port);

} // namespace nanoclaw::net
