// SPDX-License-Identifier: MIT
#include "bench_upstream.hpp"

#include <thread>

#include "nanoclaw/core/asio.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::bench {
namespace {

namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

const std::string k_json =
    R"({"id":"msg_bench","type":"message","role":"assistant","model":"claude-bench",)"
    R"("content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn",)"
    R"("usage":{"input_tokens":12,"output_tokens":3}})";

std::string sse_event(int i) {
    std::string data = R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":")";
    data += std::string(960, static_cast<char>('a' + i % 26)) + "\"}}";
    return "event: content_block_delta\ndata: " + data + "\n\n";
}

std::string chunk(const std::string& s) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", s.size());
    return size + s + "\r\n";
}

awaitable<bool> send_sse(tcp::socket& socket) {
    error_code ec;
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    head += chunk("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":"
                  "\"claude-bench\",\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n");
    co_await asio::async_write(socket, asio::buffer(head), asio::redirect_error(use_awaitable, ec));
    for (int i = 0; i < 100 && !ec; ++i) {
        const auto piece = chunk(sse_event(i));
        co_await asio::async_write(socket, asio::buffer(piece), asio::redirect_error(use_awaitable, ec));
    }
    const std::string tail = chunk("event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":"
                                   "{\"output_tokens\":100}}\n\n") + "0\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(tail), asio::redirect_error(use_awaitable, ec));
    co_return !ec;
}

awaitable<void> serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        error_code ec;
        co_await http::async_read(socket, buffer, req, asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
        if (req.target().ends_with("/sse")) {
            if (!co_await send_sse(socket)) co_return;
            continue;
        }
        const std::string res = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                std::to_string(k_json.size()) + "\r\n\r\n" + k_json;
        co_await asio::async_write(socket, asio::buffer(res), asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
    }
}

awaitable<void> accept_loop(tcp::acceptor& acceptor) { // acceptor owned by Impl
    for (;;) {
        error_code ec;
        auto socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
        socket.set_option(tcp::no_delay(true), ec);
        core::spawn(acceptor.get_executor(), "bench upstream", serve(std::move(socket)));
    }
}

} // namespace

struct BenchUpstream::Impl {
    asio::io_context io;
    tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
    std::thread thread;
};

BenchUpstream::BenchUpstream() : impl_(std::make_unique<Impl>()) {
    core::spawn(impl_->io.get_executor(), "bench accept", accept_loop(impl_->acceptor));
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

BenchUpstream::~BenchUpstream() {
    impl_->io.stop();
    impl_->thread.join();
}

std::uint16_t BenchUpstream::port() const { return impl_->acceptor.local_endpoint().port(); }

} // namespace nanoclaw::bench
