// SPDX-License-Identifier: MIT
#include "connect_proxy.hpp"

#include <cctype>
#include <limits>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace nanoclaw::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

void pipe_bytes(tcp::socket& from, tcp::socket& to) {
    char buf[16384];
    boost::system::error_code ec;
    for (;;) {
        const auto n = from.read_some(asio::buffer(buf), ec);
        if (ec) break;
        asio::write(to, asio::buffer(buf, n), ec);
        if (ec) break;
    }
    to.shutdown(tcp::socket::shutdown_send, ec);
}

RecordedRequest to_record(const http::request<http::string_body>& req) {
    RecordedRequest r{std::string(req.method_string()), std::string(req.target()), {}, req.body()};
    for (const auto& field : req) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers.emplace(std::move(name), std::string(field.value()));
    }
    return r;
}

// "host:port" of a CONNECT (IPv6 in brackets) as an endpoint; never a DNS lookup.
std::optional<tcp::endpoint> literal_endpoint(const std::string& target) {
    const auto colon = target.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    auto host = target.substr(0, colon);
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) return std::nullopt;
    return tcp::endpoint(address, static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1))));
}

} // namespace

struct FakeConnectProxy::Impl {
    std::optional<MitmOptions> mitm;
    std::unique_ptr<asio::ssl::context> server_tls; // MITM: shown to clients
    std::unique_ptr<asio::ssl::context> client_tls; // MITM: verifies the real upstream
    std::vector<RecordedRequest> intercepted;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::thread accept_thread;
    mutable std::mutex mutex;
    std::vector<std::thread> workers;
    std::vector<std::shared_ptr<tcp::socket>> sockets;
    std::vector<std::string> targets;
    std::vector<std::string> auths;

    void serve(const std::shared_ptr<tcp::socket>& client) {
        boost::beast::flat_buffer buffer;
        http::request_parser<http::empty_body> parser;
        boost::system::error_code ec;
        http::read_header(*client, buffer, parser, ec);
        if (ec || parser.get().method() != http::verb::connect) return;
        const std::string target(parser.get().target());
        {
            std::lock_guard lock(mutex);
            targets.push_back(target);
            auths.emplace_back(parser.get()[http::field::proxy_authorization]);
        }
        if (mitm) return intercept(client, target);
        auto upstream = std::make_shared<tcp::socket>(io);
        tcp::resolver resolver(io);
        const auto colon = target.rfind(':');
        asio::connect(*upstream, resolver.resolve(target.substr(0, colon), target.substr(colon + 1), ec), ec);
        if (ec) {
            asio::write(*client, asio::buffer(std::string("HTTP/1.1 502 Bad Gateway\r\n\r\n")), ec);
            return;
        }
        {
            std::lock_guard lock(mutex);
            sockets.push_back(upstream);
        }
        asio::write(*client, asio::buffer(std::string("HTTP/1.1 200 Connection established\r\n\r\n")), ec);
        std::thread back([client, upstream] { pipe_bytes(*upstream, *client); });
        pipe_bytes(*client, *upstream);
        back.join();
    }

    // The sandbox proxy's way: TLS ends here, each request is read, recorded and re-sent over
    // TLS of our own to the target, and its response copied back. Keep-alive on both legs.
    void intercept(const std::shared_ptr<tcp::socket>& client, const std::string& target) {
        boost::system::error_code ec;
        const auto endpoint = literal_endpoint(target);
        auto upstream = std::make_shared<tcp::socket>(io);
        if (endpoint) upstream->connect(*endpoint, ec);
        if (!endpoint || ec) {
            asio::write(*client, asio::buffer(std::string("HTTP/1.1 502 Bad Gateway\r\n\r\n")),
                        ec);
            return;
        }
        {
            std::lock_guard lock(mutex);
            sockets.push_back(upstream);
        }
        asio::write(*client,
                    asio::buffer(std::string("HTTP/1.1 200 Connection established\r\n\r\n")), ec);
        asio::ssl::stream<tcp::socket&> inside(*client, *server_tls);
        inside.handshake(asio::ssl::stream_base::server, ec);
        if (ec) return;
        asio::ssl::stream<tcp::socket&> onward(*upstream, *client_tls);
        onward.set_verify_mode(asio::ssl::verify_peer);
        onward.set_verify_callback(
            asio::ssl::host_name_verification(endpoint->address().to_string()));
        onward.handshake(asio::ssl::stream_base::client, ec);
        if (ec) return;
        boost::beast::flat_buffer in_buf, up_buf;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(std::numeric_limits<std::uint64_t>::max());
            http::read(inside, in_buf, parser, ec);
            if (ec) return;
            auto req = parser.release();
            {
                std::lock_guard lock(mutex);
                intercepted.push_back(to_record(req));
            }
            if (mitm->swap_api_key && req["x-api-key"] == mitm->swap_api_key->first) {
                req.set("x-api-key", mitm->swap_api_key->second);
            }
            http::write(onward, req, ec);
            if (ec) return;
            http::response_parser<http::string_body> res_parser;
            res_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
            http::read(onward, up_buf, res_parser, ec);
            if (ec) return;
            auto res = res_parser.release();
            const bool keep_alive = res.keep_alive() && req.keep_alive();
            http::write(inside, res, ec);
            if (ec || !keep_alive) return;
        }
    }
};

FakeConnectProxy::FakeConnectProxy() : impl_(std::make_unique<Impl>()) { start(); }

FakeConnectProxy::FakeConnectProxy(MitmOptions mitm) : impl_(std::make_unique<Impl>()) {
    namespace ssl = asio::ssl;
    impl_->server_tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    impl_->server_tls->use_certificate_chain_file(mitm.client_side.server_cert.string());
    impl_->server_tls->use_private_key_file(mitm.client_side.server_key.string(),
                                            ssl::context::pem);
    impl_->client_tls = std::make_unique<ssl::context>(ssl::context::tls_client);
    impl_->client_tls->load_verify_file(mitm.upstream_ca.ca_cert.string());
    impl_->mitm = std::move(mitm);
    start(); // after everything the workers read is in place
}

void FakeConnectProxy::start() {
    const tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), 0};
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    impl_->accept_thread = std::thread([this] {
        for (;;) {
            auto socket = std::make_shared<tcp::socket>(impl_->io);
            boost::system::error_code ec;
            impl_->acceptor.accept(*socket, ec);
            if (ec) return;
            std::lock_guard lock(impl_->mutex);
            impl_->sockets.push_back(socket);
            impl_->workers.emplace_back([this, socket] { impl_->serve(socket); });
        }
    });
}

FakeConnectProxy::~FakeConnectProxy() {
    boost::system::error_code ec;
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    impl_->accept_thread.join();
    impl_->acceptor.close(ec);
    {
        std::lock_guard lock(impl_->mutex);
        for (auto& s : impl_->sockets) s->shutdown(tcp::socket::shutdown_both, ec);
    }
    for (auto& w : impl_->workers) w.join();
}

std::uint16_t FakeConnectProxy::port() const { return impl_->acceptor.local_endpoint().port(); }

std::vector<std::string> FakeConnectProxy::targets() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->targets;
}

std::vector<RecordedRequest> FakeConnectProxy::intercepted() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->intercepted;
}

std::vector<std::string> FakeConnectProxy::authorizations() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->auths;
}

} // namespace nanoclaw::testing
