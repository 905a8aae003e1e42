// SPDX-License-Identifier: MIT
// What the credential proxy learned about one upstream call of a run, reported to the daemon so
// a failure a person must fix (no DNS, refused, TLS, rejected key) reaches the chat in seconds
// instead of leaving the agent's SDK retrying in silence.
#pragma once

#include <functional>

#include <boost/system/error_code.hpp>
#include <optional>
#include <string>

namespace nanoclaw::net {
struct ConnectError;
} // namespace nanoclaw::net

namespace nanoclaw::proxy {

enum class UpstreamKind {
    ok,            ///< a 2xx response: the upstream works for this run
    dns,           ///< the host name does not resolve
    refused,       ///< connection refused
    unreachable,   ///< no route to the host or network
    tunnel,        ///< the HTTPS proxy refused the CONNECT tunnel
    tls,           ///< TLS handshake / certificate verification failed
    unauthorized,  ///< 401: the credential was rejected
    forbidden,     ///< 403: the credential lacks permission
    rate_limited,  ///< 429
    overloaded,    ///< 529
    server_error,  ///< other 5xx
    timeout,       ///< connect or response timed out
    malformed,     ///< the answer was not HTTP (or broke its framing)
    dropped,       ///< the upstream closed the connection before the response was complete
    other,         ///< any other connection failure
};

/// One observation. `status` is the HTTP status when the upstream answered, else 0.
struct UpstreamEvent {
    UpstreamKind kind = UpstreamKind::ok;
    unsigned status = 0;
    std::string host;   ///< the host that failed (the HTTPS proxy when it was the first hop)
    std::string detail; ///< the technical reason, for logs (never a secret)
};

/// Called on the io thread for each upstream response status or connection failure of a live run.
using UpstreamObserver = std::function<void(const std::string& group_folder, const UpstreamEvent&)>;

/// True for failures that will not heal by retrying the same request soon (DNS, refused,
/// unreachable, tunnel, TLS, 401, 403): the run should end and the person be told.
bool is_permanent(UpstreamKind kind);
/// True for 429, 529, other 5xx, timeouts and broken answers: the SDK's bounded back-off
/// handles them.
bool is_transient(UpstreamKind kind);

/// The event for an upstream response status: ok for 2xx, the failure kinds above, and nullopt
/// for statuses that say nothing about the upstream's health (3xx, other 4xx).
std::optional<UpstreamEvent> classify_status(unsigned status, std::string host);
/// The event for a connection that could not be made.
UpstreamEvent classify_connect_error(const net::ConnectError& error);
/// The event for an exchange that failed after the connection was made: timeout, an answer that
/// is not HTTP, a connection closed mid-response, else other. `detail` is the error's message.
UpstreamEvent classify_exchange_error(const boost::system::error_code& ec, std::string host);

/// Short technical reason, e.g. "host not found", "overloaded (529)".
std::string short_reason(const UpstreamEvent& event);
/// One plain sentence for the chat: what failed and the one thing to do.
std::string describe_for_chat(const UpstreamEvent& event);
/// The "still waiting" notice for a transient failure that has lasted a while.
std::string describe_wait_for_chat(const UpstreamEvent& event);
/// The JSON error body (Anthropic's error shape) the proxy answers a container with when it
/// could not reach the upstream.
std::string error_body_json(const UpstreamEvent& event);

} // namespace nanoclaw::proxy
