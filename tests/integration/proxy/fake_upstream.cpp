// SPDX-License-Identifier: MIT
#include "fake_upstream.hpp"

#include <limits>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace nanoclaw::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

template <class Stream>
class StreamExchange final : public UpstreamExchange {
public:
    StreamExchange(Stream& stream, tcp::socket& socket, FakeUpstream& owner, std::string sni)
        : stream_(stream), socket_(socket), owner_(owner), sni_(std::move(sni)) {}

    std::optional<RecordedRequest> read_request() override {
        http::request_parser<http::string_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        boost::system::error_code ec;
        http::read(stream_, buffer_, parser, ec);
        if (ec) return std::nullopt;
        const auto& req = parser.get();
        RecordedRequest r{std::string(req.method_string()), std::string(req.target()), {}, req.body()};
        for (const auto& field : req) {
            std::string name(field.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r.headers.emplace(std::move(name), std::string(field.value()));
        }
        owner_.record(r);
        return r;
    }
    bool write(std::string_view bytes) override {
        boost::system::error_code ec;
        asio::write(stream_, asio::buffer(bytes.data(), bytes.size()), ec);
        return !ec;
    }
    bool wait_for_close() override {
        char byte = 0;
        boost::system::error_code ec;
        while (!ec) socket_.read_some(asio::buffer(&byte, 1), ec);
        return true;
    }
    void reset() override {
        boost::system::error_code ec;
        socket_.set_option(asio::socket_base::linger(true, 0), ec);
        socket_.close(ec);
    }
    std::string server_name() const override { return sni_; }

private:
    Stream& stream_;
    tcp::socket& socket_;
    FakeUpstream& owner_;
    std::string sni_;
    boost::beast::flat_buffer buffer_;
};

} // namespace

std::string RecordedRequest::get(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

bool UpstreamExchange::respond(int status, const std::string& body, const std::string& extra) {
    return write("HTTP/1.1 " + std::to_string(status) + " X\r\n" + extra +
                 "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

struct FakeUpstream::Impl {
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::unique_ptr<asio::ssl::context> tls;
    Handler handler;
    std::thread accept_thread;
    mutable std::mutex mutex;
    std::vector<std::thread> workers;
    std::vector<std::shared_ptr<tcp::socket>> sockets;
    std::vector<RecordedRequest> requests;
    std::vector<std::string> snis;
};

FakeUpstream::FakeUpstream(Handler handler, const TestCa* tls) : impl_(std::make_unique<Impl>()) {
    impl_->handler = std::move(handler);
    if (tls != nullptr) {
        impl_->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        impl_->tls->use_certificate_chain_file(tls->server_cert.string());
        impl_->tls->use_private_key_file(tls->server_key.string(), asio::ssl::context::pem);
    }
    const tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), 0};
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    port_ = impl_->acceptor.local_endpoint().port();
    impl_->accept_thread = std::thread([this] {
        for (;;) {
            auto socket = std::make_shared<tcp::socket>(impl_->io);
            boost::system::error_code ec;
            impl_->acceptor.accept(*socket, ec);
            if (ec) return;
            ++connections_;
            std::lock_guard lock(impl_->mutex);
            impl_->sockets.push_back(socket);
            impl_->workers.emplace_back([this, socket] {
                serve(*socket);
                // A handler that returns hangs up, like a server closing an idle connection.
                boost::system::error_code ignored;
                socket->shutdown(tcp::socket::shutdown_both, ignored);
            });
        }
    });
}

void FakeUpstream::serve(tcp::socket& socket) {
                if (!impl_->tls) {
                    StreamExchange<tcp::socket> ex(socket, socket, *this, "");
                    impl_->handler(ex);
                    return;
                }
                asio::ssl::stream<tcp::socket&> stream(socket, *impl_->tls);
                boost::system::error_code hec;
                stream.handshake(asio::ssl::stream_base::server, hec);
                if (hec) return;
                const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
                record_sni(sni != nullptr ? sni : "");
                StreamExchange<asio::ssl::stream<tcp::socket&>> ex(stream, socket, *this, sni ? sni : "");
                impl_->handler(ex);
}

FakeUpstream::~FakeUpstream() {
    boost::system::error_code ec;
    // Closing the listening socket does not wake a blocked accept on Linux; shutdown does.
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    impl_->accept_thread.join();
    impl_->acceptor.close(ec);
    {
        std::lock_guard lock(impl_->mutex);
        for (auto& s : impl_->sockets) s->shutdown(tcp::socket::shutdown_both, ec);
    }
    for (auto& w : impl_->workers) w.join();
}

void FakeUpstream::record(RecordedRequest r) {
    std::lock_guard lock(impl_->mutex);
    impl_->requests.push_back(std::move(r));
}

void FakeUpstream::record_sni(std::string name) {
    std::lock_guard lock(impl_->mutex);
    impl_->snis.push_back(std::move(name));
}

std::vector<RecordedRequest> FakeUpstream::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

std::size_t FakeUpstream::request_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests.size();
}

std::vector<std::string> FakeUpstream::server_names() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->snis;
}

FakeUpstream::Handler FakeUpstream::ok_json() {
    return [](UpstreamExchange& ex) {
        while (ex.read_request()) {
            if (!ex.respond(200, R"({"ok":true})", "Content-Type: application/json\r\n")) return;
        }
    };
}

void Signal::notify() {
    std::lock_guard lock(mutex_);
    set_ = true;
    cv_.notify_all();
}

bool Signal::wait(int timeout_ms) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this] { return set_; });
}

} // namespace nanoclaw::testing
