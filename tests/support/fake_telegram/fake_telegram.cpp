// SPDX-License-Identifier: MIT
// FakeTelegram's life cycle, its blocking HTTP/1.1 server and the scripting/observation surface.
// The Bot API itself is in fake_telegram_api.cpp.
#include "fake_telegram_impl.hpp"

#include <sys/socket.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace nanoclaw::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using fake_telegram_detail::ApiError;
using fake_telegram_detail::Json;

constexpr std::uint32_t k_max_header_bytes = 16 * 1024;
constexpr std::uint64_t k_max_body_bytes = 1024 * 1024;

/// Telegram's method names are case-insensitive: fault queues are keyed lower-cased.
std::string key(std::string method) {
    return fake_telegram_detail::lower(std::move(method));
}

} // namespace

FakeTelegram::FakeTelegram(std::string token) : impl_(std::make_unique<Impl>()) {
    impl_->token = std::move(token);
    const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), 0};
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
    impl_->accept_thread = std::thread([impl = impl_.get()] { impl->accept_loop(); });
}

FakeTelegram::~FakeTelegram() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->cv.notify_all(); // held polls and delays give up at once
    // Closing a listening socket does not wake a blocked accept on Linux; shutdown does.
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    impl_->accept_thread.join();
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    std::list<Impl::Worker> workers;
    {
        std::lock_guard lock(impl_->mutex);
        // Wakes workers blocked in read or write; they only ever shut down, never close, so this
        // does not race with them on the descriptor.
        for (auto& w : impl_->workers)
            w.socket->shutdown(tcp::socket::shutdown_both, ec);
        workers.swap(impl_->workers);
    }
    for (auto& w : workers)
        w.thread.join();
}

void FakeTelegram::Impl::accept_loop() {
    for (;;) {
        auto socket = std::make_shared<tcp::socket>(io);
        boost::system::error_code ec;
        acceptor.accept(*socket, ec);
        if (ec) {
            std::lock_guard lock(mutex);
            if (stopping) return;
            // e.g. ECONNABORTED or EMFILE: keep serving, without spinning on a lasting error.
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            continue;
        }
        ++connections;
        std::lock_guard lock(mutex);
        if (stopping) return;
        // Reap finished connections so a long benchmark does not pile up threads.
        for (auto it = workers.begin(); it != workers.end();) {
            if (!it->done->load()) {
                ++it;
                continue;
            }
            it->thread.join();
            it = workers.erase(it);
        }
        auto done = std::make_shared<std::atomic<bool>>(false);
        workers.push_back({socket, std::thread([this, socket, done] {
                               serve(*socket);
                               boost::system::error_code ignored;
                               socket->shutdown(tcp::socket::shutdown_both, ignored);
                               done->store(true); // last: the reaper may join right after
                           }),
                           done});
    }
}

void FakeTelegram::Impl::serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    for (;;) { // ends on EOF, any read/write error, Connection: close or a dropped reply
        http::request_parser<http::string_body> parser;
        parser.header_limit(k_max_header_bytes);
        parser.body_limit(k_max_body_bytes);
        boost::system::error_code ec;
        http::read(socket, buffer, parser, ec);
        if (ec == http::error::end_of_stream || ec == http::error::partial_message) return;
        if (ec && ec.category() == http::make_error_code(http::error::bad_target).category()) {
            // Garbage or an oversized request: say so once, then hang up.
            constexpr std::string_view bad = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                                             "Connection: close\r\n\r\n";
            asio::write(socket, asio::buffer(bad.data(), bad.size()), ec);
            return;
        }
        if (ec) return;
        const auto& req = parser.get();
        const fake_telegram_detail::Request request{
            std::string(req.target()), std::string(req[http::field::content_type]), req.body()};
        const bool keep_alive = req.keep_alive();
        const unsigned version = req.version();
        const auto reply = handle(request);
        if (reply.drop) return;
        http::response<http::string_body> res;
        res.version(version);
        res.result(static_cast<unsigned>(reply.status));
        res.set(http::field::server, "fake-telegram");
        res.set(http::field::content_type, reply.content_type);
        res.body() = reply.body;
        res.keep_alive(keep_alive);
        res.prepare_payload();
        http::write(socket, res, ec);
        if (ec || !keep_alive) return;
    }
}

std::string FakeTelegram::base_url() const {
    return "http://127.0.0.1:" + std::to_string(port());
}

std::uint16_t FakeTelegram::port() const {
    boost::system::error_code ec;
    return impl_->acceptor.local_endpoint(ec).port();
}

void FakeTelegram::set_bot(std::int64_t id, std::string username, std::string first_name) {
    std::lock_guard lock(impl_->mutex);
    impl_->bot = {{"id", id},
                  {"is_bot", true},
                  {"first_name", std::move(first_name)},
                  {"username", std::move(username)}};
}

void FakeTelegram::fail_next(std::string method, int error_code, std::string description,
                             std::optional<int> retry_after) {
    std::lock_guard lock(impl_->mutex);
    impl_->failures[key(std::move(method))].push_back(
        ApiError{error_code, std::move(description), retry_after});
}

void FakeTelegram::reject_markdown(bool on) {
    std::lock_guard lock(impl_->mutex);
    impl_->markdown_rejected = on;
}

void FakeTelegram::set_conflict(bool on) {
    std::lock_guard lock(impl_->mutex);
    impl_->conflict = on;
    impl_->cv.notify_all(); // a held poll answers 409 at once, like Telegram
}

void FakeTelegram::delay_next(std::string method, std::chrono::milliseconds delay) {
    std::lock_guard lock(impl_->mutex);
    impl_->delays[key(std::move(method))].push_back(delay);
}

void FakeTelegram::drop_next(std::string method) {
    std::lock_guard lock(impl_->mutex);
    ++impl_->drops[key(std::move(method))];
}

void FakeTelegram::malformed_next(std::string method) {
    std::lock_guard lock(impl_->mutex);
    ++impl_->malformed[key(std::move(method))];
}

void FakeTelegram::remember_allowed_updates(std::vector<std::string> types) {
    std::lock_guard lock(impl_->mutex);
    impl_->allowed_updates = std::move(types);
}

std::vector<FakeTelegram::Call> FakeTelegram::calls() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->calls;
}

std::vector<FakeTelegram::Call> FakeTelegram::calls_of(const std::string& method) const {
    std::lock_guard lock(impl_->mutex);
    std::vector<Call> out;
    for (const auto& c : impl_->calls) {
        if (key(c.method) == key(method)) out.push_back(c);
    }
    return out;
}

std::vector<nlohmann::json> FakeTelegram::sent_messages() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->sent;
}

bool FakeTelegram::wait_for(std::function<bool()> predicate,
                            std::chrono::milliseconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (predicate()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

std::int64_t FakeTelegram::last_acknowledged_offset() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->acknowledged;
}

std::size_t FakeTelegram::pending_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->pending.size();
}

std::size_t FakeTelegram::connections_accepted() const {
    return impl_->connections.load();
}

} // namespace nanoclaw::testing
