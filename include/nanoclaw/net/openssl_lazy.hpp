// SPDX-License-Identifier: MIT
// OpenSSL is loaded on first use (src/net/openssl_lazy.cpp explains why and how).
#pragma once

#include <optional>
#include <string>

namespace nanoclaw::net {

/// Loads libssl and libcrypto if not done yet. nullopt when they are usable, else why not
/// ("cannot load OpenSSL (libssl.so.3): ..."). Check it before the first TLS operation.
std::optional<std::string> openssl_load_error();

} // namespace nanoclaw::net
