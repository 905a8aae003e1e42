// SPDX-License-Identifier: MIT
// The start-up preflight (issue 18): one cheap authenticated request, the model list, sent the
// way an agent's calls go (same upstream, tunnel, CA and credential), so a wrong key or a dead
// network shows up in the log before the first message instead of after it.
#include <spdlog/spdlog.h>

#include "exchange.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "nanoclaw/core/spawn.hpp"
#include "nanoclaw/net/upstream_stream.hpp"

namespace nanoclaw::proxy {
namespace {

using boost::system::error_code;

constexpr std::uint32_t k_max_response_bytes = 256 * 1024;
constexpr std::string_view k_preflight_target = "/v1/models?limit=1";

Request preflight_request(const ProxyState& state) {
    Request req{http::verb::get, to_beast(k_preflight_target), 11};
    req.set("anthropic-version", "2023-06-01");
    if (state.settings.auth_mode == AuthMode::oauth) {
        // The placeholder is swapped for the real token by the same rewrite agents get.
        req.set(http::field::authorization, "Bearer placeholder");
        req.set("anthropic-beta", "oauth-2025-04-20");
    }
    return req;
}

} // namespace

awaitable<UpstreamEvent> check_upstream_once(std::shared_ptr<ProxyState> state) {
    ProxyState& st = *state;
    Request req = preflight_request(st);
    rewrite_for_upstream(req, st.settings, k_preflight_target,
                         st.oauth.current(std::chrono::steady_clock::now()).reveal());
    auto conn = co_await connect_fresh_upstream(st);
    if (!conn) co_return conn.error();
    auto& up = **conn;
    error_code ec;
    up.stream->tcp().expires_after(st.settings.connect_timeout);
    co_await http::async_write(*up.stream, req, asio::redirect_error(use_awaitable, ec));
    http::response_parser<http::string_body> parser;
    parser.body_limit(k_max_response_bytes);
    if (!ec) {
        co_await http::async_read(*up.stream, up.buffer, parser,
                                  asio::redirect_error(use_awaitable, ec));
    }
    up.stream->close();
    const bool got_status = parser.is_header_done();
    if (ec && !got_status) {
        const bool timed_out = ec == beast::error::timeout;
        co_return UpstreamEvent{timed_out ? UpstreamKind::timeout : UpstreamKind::other, 0,
                                st.settings.upstream.host, ec.message()};
    }
    const unsigned status = parser.get().result_int();
    if (auto event = classify_status(status, st.settings.upstream.host)) co_return *event;
    // A status that says nothing about health (a gateway without the model list answers 404):
    // the host answered, which is what can be checked.
    co_return UpstreamEvent{UpstreamKind::ok, status, st.settings.upstream.host,
                            "HTTP " + std::to_string(status) + " (reachable; credential not checked)"};
}

} // namespace nanoclaw::proxy
