// SPDX-License-Identifier: MIT
// Why an outbound connection failed, in a light header: callers that only classify failures
// need not include Beast or Asio SSL.
#pragma once

#include <string>

namespace nanoclaw::net {

/// The step and cause of a failed connection, for callers that tell a person what to fix.
enum class ConnectFailure {
    resolve,     ///< the name did not resolve (DNS)
    refused,     ///< nothing listens on the port
    unreachable, ///< no route to the host or network
    tunnel,      ///< the HTTPS proxy refused or broke the CONNECT tunnel
    tls,         ///< TLS handshake or certificate verification failed
    other,
};

/// Why a connection could not be made; `timed_out` separates 504 from 502 for callers.
struct ConnectError {
    bool timed_out = false;
    std::string message; ///< never contains proxy credentials
    ConnectFailure kind = ConnectFailure::other;
    std::string host; ///< the host that failed: the HTTPS proxy for resolve/connect through one
};

} // namespace nanoclaw::net
