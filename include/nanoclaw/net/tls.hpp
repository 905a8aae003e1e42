// SPDX-License-Identifier: MIT
// Client-side TLS settings shared by every outbound HTTPS user. Declares the context type only, so
// including this header does not pull in OpenSSL or Asio's SSL layer.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

namespace boost::asio::ssl {
class context;
} // namespace boost::asio::ssl

namespace nanoclaw::net {

/// A TLS 1.2+ client context that verifies peers against the system trust store plus
/// `extra_ca_file` (PEM, may hold several certificates) when given.
/// Throws core::FatalError when the extra CA file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context>
make_client_tls_context(const std::optional<std::filesystem::path>& extra_ca_file);

} // namespace nanoclaw::net
