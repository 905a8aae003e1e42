// SPDX-License-Identifier: MIT
// Outbound connection set-up: resolve, TCP connect, optional CONNECT tunnel, optional TLS.
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "nanoclaw/net/upstream_stream.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "nanoclaw/net/base64.hpp"

namespace nanoclaw::net {
namespace {

namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;
using Result = tl::expected<std::shared_ptr<UpstreamStream>, ConnectError>;

ConnectFailure failure_kind(const error_code& ec, ConnectFailure step) {
    namespace err = boost::asio::error;
    if (step != ConnectFailure::other) return step;
    if (ec == err::connection_refused) return ConnectFailure::refused;
    if (ec == err::network_unreachable || ec == err::host_unreachable) {
        return ConnectFailure::unreachable;
    }
    return ConnectFailure::other;
}

// `step` names the stage for stages whose every failure means the same thing (resolve, TLS,
// tunnel); `other` lets the error code decide (refused, unreachable).
ConnectError failure(const error_code& ec, std::string_view what,
                     ConnectFailure step = ConnectFailure::other) {
    const bool timed_out = ec == beast::error::timeout || ec == boost::asio::error::operation_aborted;
    return ConnectError{timed_out, std::string(what) + ": " + (timed_out ? "timed out" : ec.message()),
                        timed_out ? ConnectFailure::other : failure_kind(ec, step), {}};
}

// getaddrinfo cannot be interrupted, so a timer cancels the wait instead; the lookup thread
// finishes on its own and its result is dropped.
awaitable<tl::expected<tcp::resolver::results_type, ConnectError>>
resolve(std::string host, std::uint16_t port, Clock::time_point deadline) {
    // An address needs no lookup, and skipping the resolver avoids the helper thread Asio
    // starts for its first async_resolve (which then stays for the process's life).
    error_code parse_ec;
    const auto address = boost::asio::ip::make_address(host, parse_ec);
    if (!parse_ec) {
        co_return tcp::resolver::results_type::create(tcp::endpoint(address, port), host,
                                                      std::to_string(port));
    }
    auto ex = co_await asio::this_coro::executor;
    auto resolver = std::make_shared<tcp::resolver>(ex);
    auto timer = std::make_shared<asio::steady_timer>(ex, deadline);
    auto on_timer = [resolver](const error_code& ec) {
        if (!ec) resolver->cancel();
    };
    timer->async_wait(on_timer);
    error_code ec;
    auto results = co_await resolver->async_resolve(host, std::to_string(port),
                                                    asio::redirect_error(use_awaitable, ec));
    timer->cancel();
    if (ec) co_return tl::unexpected(failure(ec, "resolve " + host, ConnectFailure::resolve));
    co_return results;
}

std::string connect_request(const Url& origin, const Url& proxy) {
    std::string req = "CONNECT " + origin.authority() + " HTTP/1.1\r\nHost: " +
                      origin.authority() + "\r\n";
    if (!proxy.userinfo.empty()) {
        req += "Proxy-Authorization: Basic " + base64_encode(proxy.userinfo) + "\r\n";
    }
    return req + "\r\n";
}

// Asks the HTTP proxy for a tunnel to the origin; the stream then carries raw bytes to it.
awaitable<tl::expected<void, ConnectError>> open_tunnel(UpstreamStream& stream, const Url& origin,
                                                        const Url& proxy) {
    error_code ec;
    const std::string request = connect_request(origin, proxy);
    co_await boost::asio::async_write(stream, boost::asio::buffer(request),
                                      asio::redirect_error(use_awaitable, ec));
    if (ec) co_return tl::unexpected(failure(ec, "CONNECT write", ConnectFailure::tunnel));
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.skip(true); // a CONNECT reply has no body: the tunnel starts right after the header
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(use_awaitable, ec));
    if (ec) co_return tl::unexpected(failure(ec, "CONNECT reply", ConnectFailure::tunnel));
    const unsigned status = parser.get().result_int();
    if (status < 200 || status > 299) {
        co_return tl::unexpected(
            ConnectError{false, "proxy refused CONNECT with status " + std::to_string(status),
                         ConnectFailure::tunnel, {}});
    }
    if (buffer.size() != 0) {
        co_return tl::unexpected(ConnectError{false, "proxy sent data before the TLS handshake",
                                              ConnectFailure::tunnel, {}});
    }
    co_return tl::expected<void, ConnectError>{};
}

// SNI only for names (RFC 6066 forbids IP literals); the verified identity is the name or IP.
tl::expected<void, ConnectError> configure_tls_identity(SSL* ssl, const std::string& host) {
    bool ok = true;
    if (is_ip_literal(host)) {
        ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
    } else {
        ok = SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
    }
    if (!ok) return tl::unexpected(ConnectError{false, "cannot set TLS peer identity", ConnectFailure::tls, {}});
    return {};
}

awaitable<tl::expected<void, ConnectError>> handshake(UpstreamStream& stream,
                                                      boost::asio::ssl::context& ctx,
                                                      const std::string& host) {
    stream.start_tls(ctx);
    stream.tls().set_verify_mode(boost::asio::ssl::verify_peer);
    if (auto ok = configure_tls_identity(stream.tls().native_handle(), host); !ok) {
        co_return tl::unexpected(ok.error());
    }
    error_code ec;
    co_await stream.tls().async_handshake(boost::asio::ssl::stream_base::client,
                                          asio::redirect_error(use_awaitable, ec));
    if (ec) co_return tl::unexpected(failure(ec, "TLS handshake with " + host, ConnectFailure::tls));
    co_return tl::expected<void, ConnectError>{};
}

} // namespace

namespace {

awaitable<Result> connect_steps(const ConnectOptions& options) {
    const auto deadline = Clock::now() + options.timeout;
    const Url& first_hop = options.tunnel_proxy ? *options.tunnel_proxy : options.origin;
    auto endpoints = co_await resolve(first_hop.host, first_hop.port, deadline);
    if (!endpoints) co_return tl::unexpected(endpoints.error());

    auto stream = std::make_shared<UpstreamStream>(
        beast::tcp_stream(co_await asio::this_coro::executor));
    stream->tcp().expires_at(deadline);
    error_code ec;
    co_await stream->tcp().async_connect(*endpoints, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return tl::unexpected(failure(ec, "connect " + first_hop.authority()));
    stream->tcp().socket().set_option(tcp::no_delay(true), ec);

    if (options.tunnel_proxy) {
        auto tunnel = co_await open_tunnel(*stream, options.origin, *options.tunnel_proxy);
        if (!tunnel) co_return tl::unexpected(tunnel.error());
    }
    if (options.origin.tls()) {
        if (options.tls == nullptr) co_return tl::unexpected(ConnectError{false, "no TLS context", ConnectFailure::tls, {}});
        auto ok = co_await handshake(*stream, *options.tls, options.origin.host);
        if (!ok) co_return tl::unexpected(ok.error());
    }
    stream->tcp().expires_never();
    co_return stream;
}

} // namespace

awaitable<Result> connect_upstream(ConnectOptions options) {
    auto result = co_await connect_steps(options);
    if (!result) {
        // Resolve and connect fail at the first hop (the proxy when tunnelling); the tunnel
        // and TLS steps are about the origin.
        const bool origin_step = result.error().kind == ConnectFailure::tls ||
                                 result.error().kind == ConnectFailure::tunnel;
        result.error().host = origin_step || !options.tunnel_proxy ? options.origin.host
                                                                   : options.tunnel_proxy->host;
    }
    co_return result;
}

} // namespace nanoclaw::net
