// SPDX-License-Identifier: MIT
// One outbound HTTP connection that is either plain TCP or TLS, behind a single stream type so
// the HTTP code above it is written once. Heavy header (Beast + Asio SSL): include it only from
// the .cpp files that do the I/O.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "nanoclaw/core/asio.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <tl/expected.hpp>

#include "nanoclaw/net/connect_error.hpp"
#include "nanoclaw/net/url.hpp"

namespace nanoclaw::net {

namespace beast = boost::beast;

/// A plain or TLS byte stream satisfying Beast's AsyncStream, so http::async_read/write work on it.
class UpstreamStream {
public:
    using executor_type = beast::tcp_stream::executor_type;

    explicit UpstreamStream(beast::tcp_stream tcp) : plain_(std::move(tcp)) {}

    executor_type get_executor() { return tcp().get_executor(); }
    /// The TCP layer, for timeouts (expires_after) and socket options.
    beast::tcp_stream& tcp() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }
    /// The TLS layer; only valid after start_tls.
    beast::ssl_stream<beast::tcp_stream>& tls() { return *tls_; }
    bool is_tls() const { return tls_.has_value(); }

    /// Wraps the connected TCP stream in TLS (handshake not yet done).
    void start_tls(boost::asio::ssl::context& ctx) {
        tls_.emplace(std::move(*plain_), ctx);
        plain_.reset();
    }

    /// Closes the socket, cancelling every pending operation (no TLS close_notify: the peer may
    /// be unresponsive and the connection is never reused after this).
    void close() {
        boost::system::error_code ignored;
        tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        tcp().close();
    }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        if (tls_) return tls_->async_read_some(buffers, std::forward<Token>(token));
        return plain_->async_read_some(buffers, std::forward<Token>(token));
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        if (tls_) return tls_->async_write_some(buffers, std::forward<Token>(token));
        return plain_->async_write_some(buffers, std::forward<Token>(token));
    }

private:
    std::optional<beast::tcp_stream> plain_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
};

/// Where and how to connect.
struct ConnectOptions {
    Url origin;                                  ///< the server the HTTP requests are for
    std::optional<Url> tunnel_proxy;             ///< HTTP proxy to CONNECT through, if any
    boost::asio::ssl::context* tls = nullptr;    ///< required when origin.tls()
    std::chrono::milliseconds timeout{10'000};   ///< resolve + connect + CONNECT + handshake
};

/// Resolves and connects (TCP_NODELAY), tunnels with CONNECT when a proxy is given, then does the
/// TLS handshake with SNI and host-name verification when the origin is https.
awaitable<tl::expected<std::shared_ptr<UpstreamStream>, ConnectError>>
connect_upstream(ConnectOptions options);

} // namespace nanoclaw::net
