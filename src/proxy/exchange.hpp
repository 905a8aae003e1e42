// SPDX-License-Identifier: MIT
// Private: the pieces of one proxied request shared by session.cpp and forward.cpp.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "proxy_state.hpp"

#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>

namespace nanoclaw::proxy {

namespace http = beast::http;
using Request = http::request<http::string_body>;

/// Beast 1.74 uses boost::string_view; these convert at the boundary.
inline std::string_view to_std(beast::string_view s) { return {s.data(), s.size()}; }
inline beast::string_view to_beast(std::string_view s) { return {s.data(), s.size()}; }

/// A request admitted by its run token.
struct Admission {
    std::string token; ///< the run's admission token (never logged)
    std::string group_folder;
    std::string upstream_target; ///< the target with the run prefix removed
};

/// Gives the connection's `phase` a deadline `limit` from now, replacing the previous phase's;
/// what happens when it passes is the phase's (see ClientConn::Phase). Cheap: a later deadline
/// than the armed one costs no timer operation.
void set_deadline(const std::shared_ptr<ClientConn>& conn, ClientConn::Phase phase,
                  std::chrono::milliseconds limit);
/// No deadline until the next set_deadline.
void clear_deadline(ClientConn& conn);
/// The connection is done: the timer's pending wait is cancelled, so nothing of the connection
/// stays queued in the event loop until its deadline.
void end_deadlines(ClientConn& conn);

/// Writes a short complete response (text/plain unless `content_type` is empty).
/// Failures are ignored: the client is going away anyway. `conn` is owned by the caller's frame.
awaitable<void> send_reply(ClientConn& conn, const ProxySettings& settings, http::status status,
                           std::string_view body, bool keep_alive,
                           std::string_view content_type = "text/plain; charset=utf-8");

/// Rewrites `req` for the upstream exactly as spec 20 §6.4: target, host, content-length,
/// hop-by-hop removal, credential injection. `oauth_token` may be empty (then no authorization).
void rewrite_for_upstream(Request& req, const ProxySettings& settings, std::string_view target,
                          std::string_view oauth_token);

/// Opens a new connection to the upstream (through HTTPS_PROXY when set, TLS when https).
/// `state` is owned by the caller's frame.
awaitable<tl::expected<std::shared_ptr<UpstreamConn>, UpstreamEvent>>
connect_fresh_upstream(ProxyState& state);

/// One authenticated GET of the upstream's model list: does the name resolve, does the
/// connection work, is the credential accepted? Never throws.
awaitable<UpstreamEvent> check_upstream_once(std::shared_ptr<ProxyState> state);

/// Sends `req` upstream and streams the answer back; reports usage. Returns whether the client
/// connection may serve another request. `conn` stays alive through `conn` (shared).
awaitable<bool> forward_request(std::shared_ptr<ProxyState> state,
                                std::shared_ptr<ClientConn> conn, Request req,
                                Admission admission);

} // namespace nanoclaw::proxy
