// SPDX-License-Identifier: MIT
#include "connect_proxy.hpp"

#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
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

} // namespace

struct FakeConnectProxy::Impl {
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
};

FakeConnectProxy::FakeConnectProxy() : impl_(std::make_unique<Impl>()) {
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

std::vector<std::string> FakeConnectProxy::authorizations() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->auths;
}

} // namespace nanoclaw::testing
