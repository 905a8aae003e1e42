// SPDX-License-Identifier: MIT
// The upstream side of one request: connection (pooled), request write, response header, then
// the body streamed to the client buffer by buffer while usage is metered on the way.
#include <array>
#include <charconv>
#include <limits>
#include <string.h> // explicit_bzero

#include <spdlog/spdlog.h>

#include "nanoclaw/net/tls.hpp"
#include "exchange.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "nanoclaw/net/upstream_stream.hpp"

namespace nanoclaw::proxy {
namespace {

using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;
using ResponseParser = http::response_parser<http::buffer_body>;

bool is_timeout_code(const error_code& ec) { return ec == beast::error::timeout; }

struct UpstreamFailure {
    UpstreamEvent event;
    const std::string& message() const { return event.detail; }
    bool timed_out() const { return event.kind == UpstreamKind::timeout; }
};

UpstreamFailure exchange_failure(const ProxyState& state, const error_code& ec) {
    return {classify_exchange_error(ec, state.settings.upstream.host)};
}


// Watches the client while its request is with the upstream: a hang-up closes the upstream
// connection so the request stops spending tokens. A readable socket with data (a pipelined
// request) is not a hang-up. The watch is a 1-byte MSG_PEEK receive rather than a readiness
// wait: Asio re-registers the socket with epoll for every readiness wait (an epoll_ctl per
// request), while a receive just queues behind the last read. A plain completion handler, not
// a coroutine: a spawned coroutine per request cost more than the watch itself.
void watch_for_hangup(const std::shared_ptr<ClientConn>& conn,
                      const std::shared_ptr<UpstreamConn>& upstream) {
    conn->stream.socket().async_receive(
        asio::buffer(&conn->peek_byte, 1), tcp::socket::message_peek,
        [conn, upstream, exchange = conn->exchange](const error_code& ec, std::size_t n) {
            if (ec == asio::error::operation_aborted || conn->exchange != exchange) return;
            if (!ec && n > 0) return; // the next request, already on its way
            conn->gone = true;        // end of stream or a broken connection
            upstream->stream->close();
        });
}

awaitable<tl::expected<std::shared_ptr<UpstreamConn>, UpstreamFailure>>
acquire_upstream(ProxyState& state, bool allow_pooled) {
    if (allow_pooled) {
        if (auto pooled = state.pool.take(SteadyClock::now())) co_return pooled;
    }
    auto fresh = co_await connect_fresh_upstream(state);
    if (!fresh) co_return tl::unexpected(UpstreamFailure{std::move(fresh.error())});
    co_return *fresh;
}

// Header blocks are built flat because Beast's serializer walks a ten-part gather list through
// layers of buffer adaptors, which cost more per request than building the text.
// Appends every field in its order and the blank line that ends the header.
void append_fields(std::string& out, const http::fields& fields) {
    for (const auto& field : fields) {
        out.append(to_std(field.name_string())).append(": ").append(to_std(field.value()));
        out.append("\r\n");
    }
    out.append("\r\n");
}

// The request's header block as it goes upstream. The caller wipes it after the write (it
// carries the credential).
std::string request_head(const Request& req) {
    std::string head;
    head.reserve(512);
    head.append(to_std(req.method_string())).append(" ").append(to_std(req.target()));
    head.append(" HTTP/1.1\r\n");
    append_fields(head, req.base());
    return head;
}

// Writes the request and reads the response header. A pooled connection that the upstream had
// already closed fails before any response byte; that case is retried once on a fresh one.
awaitable<tl::expected<std::shared_ptr<UpstreamConn>, UpstreamFailure>>
send_request(ProxyState& state, ClientConn& client, const std::shared_ptr<ClientConn>& client_ref,
             Request& req, ResponseParser& parser) {
    for (int attempt = 0;; ++attempt) {
        auto up = co_await acquire_upstream(state, attempt == 0);
        if (!up) co_return up;
        auto conn = *up;
        client.upstream = conn;
        error_code ec;
        client.upstream_timed_out = false;
        set_deadline(client_ref, ClientConn::Phase::upstream, state.settings.upstream_idle_timeout);
        std::string head = request_head(req);
        const std::array<asio::const_buffer, 2> request{asio::buffer(head), asio::buffer(req.body())};
        co_await asio::async_write(*conn->stream, request, asio::redirect_error(use_awaitable, ec));
        explicit_bzero(head.data(), head.size());
        // Armed once the request is out: its first receive (a syscall) then overlaps the
        // upstream's work instead of delaying the request.
        watch_for_hangup(client_ref, conn);
        if (!ec) {
            co_await http::async_read_header(*conn->stream, conn->buffer, parser,
                                             asio::redirect_error(use_awaitable, ec));
        }
        if (!ec) co_return conn;
        if (client.upstream_timed_out) ec = beast::error::timeout;
        conn->stream->close();
        if (client.gone || !conn->reused || parser.got_some() || is_timeout_code(ec)) {
            co_return tl::unexpected(exchange_failure(state, ec));
        }
    }
}

bool bodyless_status(unsigned status) {
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

void report_usage(ProxyState& state, UsageMeter& meter, const std::string& group_folder) {
    auto usage = meter.finish();
    if (!usage || !state.on_usage) return;
    usage->group_folder = group_folder;
    try {
        state.on_usage(*usage);
    } catch (const std::exception& e) {
        spdlog::error("Credential proxy usage callback failed: {}", e.what());
    }
}

// A burst of SSE events usually arrives in one socket read, but the parser stops after each chunk.
// Parsing the rest of what is already buffered here, without touching the socket, sends the whole
// burst in one client write (it was a write, a timer re-arm and an epoll wait per event). It never
// waits for more upstream bytes: it stops when the buffer is used up or the relay buffer is full.
void drain_buffered_body(ResponseParser& parser, UpstreamConn& up) {
    while (!parser.is_done() && parser.get().body().size > 0 && up.buffer.size() > 0) {
        error_code ec;
        const auto used = parser.put(up.buffer.data(), ec);
        up.buffer.consume(used);
        if (ec || used == 0) return; // need_more / need_buffer end the burst; a real error
                                     // surfaces at the next socket read
    }
}

// The response's header block for the client: status line and fields as the upstream sent
// them (Connection already adjusted).
void append_response_head(std::string& out, const http::response<http::buffer_body>& res) {
    out.append(res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    out.append(std::to_string(res.result_int())).append(" ").append(to_std(res.reason()));
    out.append("\r\n");
    append_fields(out, res.base());
}

void append_chunk_size(std::string& out, std::size_t size) {
    char hex[2 * sizeof(std::size_t)];
    const auto end = std::to_chars(hex, hex + sizeof hex, size, 16).ptr;
    out.append(hex, end).append("\r\n");
}

// The header's write takes at most this much body along (see relay_response).
constexpr std::size_t k_first_body_bytes = 4096;

// Streams the response as it arrives (SSE included). The header goes out together with the body
// bytes that came in the same upstream read, so a small JSON answer is one client write, not two;
// when no body byte is there yet the header goes out alone at once (time to first byte). A
// chunked upstream body is re-chunked per write; other bodies pass as they are.
// An incomplete relay means the client connection must be dropped (the response is cut).
struct RelayOutcome {
    bool complete = false;
    error_code upstream_error; ///< why the upstream side failed; empty when the client's did
};

awaitable<RelayOutcome> relay_response(ProxyState& state, const std::shared_ptr<ClientConn>& client_ref,
                                       UpstreamConn& up, ResponseParser& parser, bool chunked,
                                       UsageMeter& meter) {
    ClientConn& client = *client_ref;
    auto& body = parser.get().body();
    auto& buf = client.relay_buffer;
    std::string& out = client.write_buffer; // header and chunk-size lines
    out.clear();
    append_response_head(out, parser.get());
    bool header_sent = false;
    error_code ec;
    for (;;) {
        std::size_t got = 0;
        if (!parser.is_done()) {
            body.data = buf.data();
            // The header's write takes at most k_first_body_bytes of body along: a small answer
            // still goes out whole in one write, a large burst does not hold the first byte back
            // while tens of kilobytes are parsed and copied (the rest follows from the buffer).
            body.size = header_sent ? buf.size() : std::min(buf.size(), k_first_body_bytes);
            const std::size_t room = body.size;
            if (header_sent) {
                set_deadline(client_ref, ClientConn::Phase::upstream,
                             state.settings.upstream_idle_timeout);
                co_await http::async_read_some(*up.stream, up.buffer, parser,
                                               asio::redirect_error(use_awaitable, ec));
                if (ec == http::error::need_buffer) ec = {};
                if (ec && client.upstream_timed_out) ec = beast::error::timeout;
                if (ec) co_return RelayOutcome{false, ec};
            }
            drain_buffered_body(parser, up);
            got = room - body.size;
        }
        const bool done = parser.is_done();
        if (got == 0 && !done && header_sent) continue;
        std::string_view tail;
        if (chunked) {
            if (got > 0) append_chunk_size(out, got);
            tail = got > 0 ? (done ? std::string_view("\r\n0\r\n\r\n") : std::string_view("\r\n"))
                           : (done ? std::string_view("0\r\n\r\n") : std::string_view());
        }
        const std::array<asio::const_buffer, 3> parts{asio::buffer(out), asio::buffer(buf.data(), got),
                                                      asio::buffer(tail.data(), tail.size())};
        set_deadline(client_ref, ClientConn::Phase::writing, state.settings.upstream_idle_timeout);
        co_await asio::async_write(client.stream, parts, asio::redirect_error(use_awaitable, ec));
        if (ec) co_return RelayOutcome{};
        // Metered once the bytes are on their way: the client does not wait for the count.
        meter.feed(std::string_view(buf.data(), got));
        out.clear();
        header_sent = true;
        if (done) co_return RelayOutcome{true, {}};
    }
}

// Tells the daemon, but only about a run that is still live: a late answer to a run that has
// ended must not be taken for the next run of the same group.
void report_upstream(const ProxyState& state, const Admission& admission, const UpstreamEvent& event) {
    if (!state.on_upstream || !state.runs->lookup(admission.token)) return;
    try {
        state.on_upstream(admission.group_folder, event);
    } catch (const std::exception& e) {
        spdlog::error("Credential proxy upstream observer failed: {}", e.what());
    }
}

void finish_exchange(ClientConn& client) {
    clear_deadline(client);
    ++client.exchange;
    error_code ignored;
    client.stream.socket().cancel(ignored); // ends the hang-up watch
    client.upstream.reset();
}

} // namespace

awaitable<tl::expected<std::shared_ptr<UpstreamConn>, UpstreamEvent>>
connect_fresh_upstream(ProxyState& state) {
    // Built on first use: loading the CA store costs tens of milliseconds that start-up
    // should not pay (start() has already checked that the extra CA file is readable).
    if (state.settings.upstream.tls() && !state.tls) {
        state.tls = net::make_client_tls_context(state.settings.extra_ca_file);
    }
    net::ConnectOptions options{state.settings.upstream, state.settings.tunnel_via,
                                state.tls.get(), state.settings.connect_timeout};
    auto stream = co_await net::connect_upstream(std::move(options));
    if (!stream) co_return tl::unexpected(classify_connect_error(stream.error()));
    auto conn = std::make_shared<UpstreamConn>();
    conn->stream = std::move(*stream);
    // Beast sizes each socket read by the buffer's spare capacity (512 bytes when empty).
    conn->buffer.reserve(64 * 1024);
    co_return conn;
}

awaitable<bool> forward_request(std::shared_ptr<ProxyState> state, std::shared_ptr<ClientConn> conn,
                                Request req, Admission admission) {
    ProxyState& st = *state;
    const bool client_keep_alive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    const std::string method(req.method_string());
    rewrite_for_upstream(req, st.settings, admission.upstream_target,
                         st.oauth.current(SteadyClock::now()).reveal());

    ResponseParser parser;
    // Streamed, never buffered. Not boost::none: Beast 1.74 compares "len > none" as true.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (head) parser.skip(true);
    auto up = co_await send_request(st, *conn, conn, req, parser);
    if (!up) {
        finish_exchange(*conn);
        if (conn->gone) co_return false;
        const auto& failure = up.error();
        spdlog::error("Credential proxy upstream error for {} {}: {} ({})", method,
                      admission.upstream_target, failure.message(), short_reason(failure.event));
        report_upstream(st, admission, failure.event);
        // Answered at once with a short JSON error the SDK can show; the daemon ends the run
        // when the failure will not heal, so the SDK's retries stay few.
        co_await send_reply(*conn, st.settings,
                            failure.timed_out() ? http::status::gateway_timeout
                                                : http::status::bad_gateway,
                            error_body_json(failure.event), client_keep_alive, "application/json");
        co_return client_keep_alive;
    }

    auto& res = parser.get();
    const unsigned status = res.result_int();
    if (auto event = classify_status(status, st.settings.upstream.host)) {
        if (event->kind != UpstreamKind::ok) {
            spdlog::warn("Credential proxy upstream answered {} for {} {} ({})", status, method,
                         admission.upstream_target, admission.group_folder);
        }
        report_upstream(st, admission, *event);
    }
    const bool upstream_reusable = parser.keep_alive();
    // HEAD and bodyless answers carry no body at all, whatever their header announces.
    const bool has_body = !head && !bodyless_status(status);
    // Without a length or chunking the body ends at EOF, so the client must see the close too.
    const bool eof_framed = has_body && !parser.chunked() && !parser.content_length();
    const bool keep_alive = client_keep_alive && !eof_framed;
    UsageMeter meter(status >= 200 && status < 300
                         ? UsageMeter::format_for(to_std(res[http::field::content_type]))
                         : UsageMeter::Format::none);
    res.keep_alive(keep_alive);
    // A chunked body is re-chunked to the client.
    const bool chunked = has_body && parser.chunked();
    const auto relayed = co_await relay_response(st, conn, **up, parser, chunked, meter);
    report_usage(st, meter, admission.group_folder);
    finish_exchange(*conn);
    if (!relayed.complete) {
        // Headers are out, so a 502 is impossible: closing tells the client the body is cut.
        // A client that hung up is no news; an upstream that broke off is, for the run's chat.
        if (!conn->gone && relayed.upstream_error) {
            const auto event = classify_exchange_error(relayed.upstream_error,
                                                       st.settings.upstream.host);
            spdlog::warn("Credential proxy: {} for {} {} ({}, group {})", short_reason(event),
                         method, admission.upstream_target, event.detail, admission.group_folder);
            report_upstream(st, admission, event);
        } else if (!conn->gone) {
            spdlog::warn("Credential proxy could not finish the response for {} {}: the client "
                         "connection failed",
                         method, admission.upstream_target);
        }
        (*up)->stream->close();
        co_return false;
    }
    if (upstream_reusable) st.pool.give(std::move(*up), SteadyClock::now());
    else (*up)->stream->close();
    spdlog::debug("Credential proxy {} {} -> {} ({})", method, admission.upstream_target, status,
                  admission.group_folder);
    co_return keep_alive;
}

} // namespace nanoclaw::proxy
