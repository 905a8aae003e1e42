// SPDX-License-Identifier: MIT
// The client side: one coroutine per connection reads requests (keep-alive), rejects malformed,
// slow, oversized and unauthenticated ones, and hands admitted requests to the forwarder.
#include <spdlog/spdlog.h>

#include "exchange.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace nanoclaw::proxy {
namespace {

using boost::system::error_code;

struct Rejection {
    http::status status;
    std::string_view body;
};

bool client_went_away(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
           ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe ||
           ec == boost::asio::error::operation_aborted;
}

// Maps a failed read to the answer owed, or nullopt when the connection should just close
// (idle keep-alive timeout, client gone, shutdown).
std::optional<Rejection> rejection_for(const error_code& ec, bool got_bytes) {
    if (ec == http::error::header_limit) {
        return Rejection{http::status::request_header_fields_too_large, "Request Header Fields Too Large"};
    }
    if (ec == http::error::body_limit) return Rejection{http::status::payload_too_large, "Payload Too Large"};
    if (ec == beast::error::timeout) {
        if (!got_bytes) return std::nullopt;
        return Rejection{http::status::request_timeout, "Request Timeout"};
    }
    if (client_went_away(ec)) return std::nullopt;
    return Rejection{http::status::bad_request, "Bad Request"};
}

// Gives the request read its deadline; expiry cancels the pending read, which then reports
// operation_aborted with read_timed_out set.
void arm_read_deadline(const std::shared_ptr<ClientConn>& conn, std::chrono::milliseconds limit) {
    conn->read_timed_out = false;
    set_deadline(conn, ClientConn::Phase::reading, limit);
}

// Ends the read's deadline and folds a deadline cancellation into beast's timeout error.
error_code disarm_read_deadline(ClientConn& conn, error_code ec) {
    clear_deadline(conn);
    if (conn.read_timed_out && ec == boost::asio::error::operation_aborted) {
        return beast::error::timeout;
    }
    return ec;
}

std::optional<Admission> admit(const ProxyState& state, const http::request_header<>& header) {
    const auto split = split_run_target(to_std(header.target()));
    if (!split) return std::nullopt;
    auto group = state.runs->lookup(split->token);
    if (!group) return std::nullopt;
    return Admission{std::string(split->token), std::move(*group), split->upstream_target};
}

bool expects_continue(const http::request_header<>& header) {
    const auto it = header.find(http::field::expect);
    return it != header.end() && beast::iequals(it->value(), "100-continue");
}

// A small request's body usually arrives in the same read as its header: parsing it from the
// buffer finishes the request without a socket read, a deadline timer or a trip through the
// event loop. True when the message is complete; `ec` holds a parse or size error.
bool finish_from_buffer(http::request_parser<http::string_body>& parser, beast::flat_buffer& buffer,
                        error_code& ec) {
    while (!parser.is_done() && buffer.size() > 0) {
        const auto used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == http::error::need_more) ec = {};
        if (ec || used == 0) break;
    }
    return !ec && parser.is_done();
}

awaitable<void> reject(ClientConn& conn, const ProxySettings& settings, const Rejection& r) {
    co_await send_reply(conn, settings, r.status, r.body, false);
}

// Reads the header, checks admission, then the body. nullopt ends the connection (any reply
// owed has been sent). `state` and `conn` belong to serve_client's frame.
awaitable<std::optional<std::pair<Request, Admission>>>
read_admitted_request(ProxyState& state, std::shared_ptr<ClientConn> shared, bool first) {
    ClientConn& conn = *shared;
    const ProxySettings& s = state.settings;
    http::request_parser<http::empty_body> head;
    head.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(s.max_header_bytes, UINT32_MAX)));
    head.body_limit(s.max_body_bytes);
    arm_read_deadline(shared, first ? s.client_timeout : s.keep_alive_timeout);
    error_code ec;
    co_await http::async_read_header(conn.stream, conn.buffer, head, asio::redirect_error(use_awaitable, ec));
    ec = disarm_read_deadline(conn, ec);
    if (ec) {
        // A keep-alive wait that got a partial header is a slow client, not an idle one.
        if (auto r = rejection_for(ec, head.got_some() || conn.buffer.size() > 0)) {
            spdlog::warn("Credential proxy rejected a request: {} ({})", static_cast<int>(r->status), ec.message());
            co_await reject(conn, s, *r);
        }
        co_return std::nullopt;
    }
    auto admission = admit(state, head.get());
    if (!admission) {
        spdlog::warn("Credential proxy refused a {} request without a live run token",
                     std::string(head.get().method_string()));
        co_await send_reply(conn, s, http::status::unauthorized, "Unauthorized", false);
        co_return std::nullopt;
    }
    if (expects_continue(head.get())) {
        http::response<http::empty_body> interim{http::status::continue_, 11};
        co_await http::async_write(conn.stream, interim, asio::redirect_error(use_awaitable, ec));
    }
    http::request_parser<http::string_body> full{std::move(head)};
    full.body_limit(s.max_body_bytes);
    if (!finish_from_buffer(full, conn.buffer, ec) && !ec) {
        arm_read_deadline(shared, s.client_timeout);
        co_await http::async_read(conn.stream, conn.buffer, full,
                                  asio::redirect_error(use_awaitable, ec));
        ec = disarm_read_deadline(conn, ec);
    }
    if (ec) {
        if (auto r = rejection_for(ec, true)) co_await reject(conn, s, *r);
        co_return std::nullopt;
    }
    co_return std::make_pair(full.release(), std::move(*admission));
}

} // namespace

awaitable<void> send_reply(ClientConn& conn, const ProxySettings& settings, http::status status,
                           std::string_view body, bool keep_alive, std::string_view content_type) {
    http::response<http::string_body> res{status, 11};
    if (!content_type.empty()) res.set(http::field::content_type, to_beast(content_type));
    res.body() = std::string(body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    conn.stream.expires_after(settings.client_timeout);
    error_code ec;
    co_await http::async_write(conn.stream, res, asio::redirect_error(use_awaitable, ec));
    // Requests that follow on this connection use the connection's deadlines, not this one.
    conn.stream.expires_never();
}

awaitable<void> serve_client(std::shared_ptr<ProxyState> state, std::shared_ptr<ClientConn> conn) {
    for (bool first = true; !state->stopping; first = false) {
        auto request = co_await read_admitted_request(*state, conn, first);
        if (!request) break;
        const bool keep_alive = co_await forward_request(state, conn, std::move(request->first),
                                                         std::move(request->second));
        if (!keep_alive) break;
    }
    end_deadlines(*conn);
    error_code ignored;
    conn->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    conn->stream.close();
}

} // namespace nanoclaw::proxy
