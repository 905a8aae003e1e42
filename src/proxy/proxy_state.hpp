// SPDX-License-Identifier: MIT
// Private: the state shared by the listener, the client sessions and the forwarder. Coroutines
// hold it by shared_ptr, so it outlives the CredentialProxy object until the last one finishes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "nanoclaw/core/asio.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "nanoclaw/proxy/bind_address.hpp"
#include "nanoclaw/proxy/credential_proxy.hpp"
#include "nanoclaw/proxy/oauth_source.hpp"
#include "nanoclaw/proxy/run_registry.hpp"
#include "nanoclaw/proxy/upstream_event.hpp"

namespace boost::asio::ssl {
class context;
} // namespace boost::asio::ssl

namespace nanoclaw::net {
class UpstreamStream;
} // namespace nanoclaw::net

namespace nanoclaw::proxy {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

/// One connection to the upstream with its read buffer (both survive keep-alive reuse).
struct UpstreamConn {
    std::shared_ptr<net::UpstreamStream> stream;
    beast::flat_buffer buffer;
    std::chrono::steady_clock::time_point idle_since{};
    bool reused = false;
};

/// Idle upstream connections, most recent first out; stale ones are dropped on take().
class UpstreamPool {
public:
    /// A live idle connection, or nullptr.
    std::shared_ptr<UpstreamConn> take(std::chrono::steady_clock::time_point now);
    /// Returns a connection whose last response was read completely.
    void give(std::shared_ptr<UpstreamConn> conn, std::chrono::steady_clock::time_point now);
    /// Closes every idle connection.
    void clear();

    static constexpr std::size_t k_max_idle = 16;
    static constexpr std::chrono::seconds k_max_idle_age{30};
    /// Idle for less than this, a connection is taken without checking it for a hang-up.
    static constexpr std::chrono::milliseconds k_fresh_idle{500};

private:
    std::vector<std::shared_ptr<UpstreamConn>> idle_;
};

/// One accepted client connection.
struct ClientConn {
    explicit ClientConn(tcp::socket socket)
        : stream(std::move(socket)), deadline_timer(stream.get_executor()) {
        // Beast sizes each socket read by the buffer's spare room, and the parser empties the
        // buffer as it goes, so without room an agent's 60 KB request took ~120 reads of 512 B.
        buffer.reserve(64 * 1024);
    }
    /// What the connection is waiting for; each phase has its own deadline and its own
    /// action when that passes (deadline.cpp).
    enum class Phase : std::uint8_t {
        none,
        reading,  ///< a request from the client: the read is cancelled, answered 408
        upstream, ///< the upstream's answer: the upstream connection is closed (a timeout)
        writing,  ///< the client taking the response: the client connection is closed
    };
    beast::tcp_stream stream;
    /// One timer for every deadline, re-armed lazily (set_deadline in exchange.hpp). The
    /// stream's own per-operation timeout is not used on the request path.
    boost::asio::steady_timer deadline_timer;
    std::chrono::steady_clock::time_point due{};       ///< the current phase's deadline
    std::chrono::steady_clock::time_point armed_for{}; ///< when the pending wait wakes
    bool timer_armed = false;
    Phase phase = Phase::none;
    bool read_timed_out = false;     ///< the reading deadline passed (the read was cancelled)
    bool upstream_timed_out = false; ///< the upstream deadline passed (it was closed)
    beast::flat_buffer buffer;
    std::vector<char> relay_buffer = std::vector<char>(32 * 1024);
    std::string write_buffer; ///< response header and chunk-size lines on their way out
    std::shared_ptr<UpstreamConn> upstream; ///< the exchange in flight, closed on stop()
    std::uint64_t exchange = 0;             ///< bumps per request; guards the disconnect watcher
    bool gone = false;                      ///< the client hung up mid-exchange
    char peek_byte = 0;                     ///< where the hang-up watch peeks
};

struct ProxyState {
    ProxyState(boost::asio::io_context& io_context, ProxySettings proxy_settings,
               UsageCallback usage_callback)
        : io(io_context), settings(std::move(proxy_settings)), on_usage(std::move(usage_callback)),
          oauth(settings.oauth_token, settings.oauth_credentials_file) {}

    boost::asio::io_context& io;
    ProxySettings settings;
    UsageCallback on_usage;
    UpstreamObserver on_upstream; ///< optional: upstream health per run, for the daemon
    std::shared_ptr<RunRegistry> runs = std::make_shared<RunRegistry>();
    OAuthTokenSource oauth;
    std::shared_ptr<boost::asio::ssl::context> tls; ///< set when the upstream is https
    UpstreamPool pool;

    std::shared_ptr<tcp::acceptor> acceptor;
    std::string bind_host;
    std::uint16_t port = 0;
    BindReason bind_reason = BindReason::override_env;
    bool stopping = false;
    std::shared_ptr<boost::asio::steady_timer> redetect_timer; ///< while on the 0.0.0.0 fallback

    std::uint64_t next_client_id = 0;
    std::unordered_map<std::uint64_t, std::weak_ptr<ClientConn>> clients;
};

/// Serves requests on one client connection until it closes (keep-alive loop).
awaitable<void> serve_client(std::shared_ptr<ProxyState> state, std::shared_ptr<ClientConn> conn);

} // namespace nanoclaw::proxy
