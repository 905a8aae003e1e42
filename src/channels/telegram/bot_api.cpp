// SPDX-License-Identifier: MIT
// Bot API calls over kept-alive HTTP(S) connections. A long poll holds one connection for up to
// its poll time, so sends open a second one; idle connections are reused, at most a few kept.
#include "nanoclaw/channels/telegram/bot_api.hpp"

#include <set>
#include <vector>

#include "nanoclaw/net/upstream_stream.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "nanoclaw/net/tls.hpp"

namespace nanoclaw::channels::telegram {
namespace {

namespace http = boost::beast::http;
using boost::system::error_code;
using json = nlohmann::json;

constexpr std::size_t k_max_idle = 4;
constexpr std::uint64_t k_max_body = 32u << 20; // 100 updates with long texts fit easily

struct Conn {
    std::shared_ptr<net::UpstreamStream> stream;
    boost::beast::flat_buffer buffer;
    bool reused = false;
};

BotReply failure(BotReply::Outcome outcome, std::string description) {
    BotReply r;
    r.outcome = outcome;
    r.description = std::move(description);
    return r;
}

// Telegram answers {"ok":true,"result":...} or {"ok":false,"error_code":N,"description":...,
// "parameters":{"retry_after":S}}, with the HTTP status equal to error_code.
BotReply interpret(unsigned status, const std::string& body) {
    const auto doc = json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("ok") || !doc["ok"].is_boolean()) {
        return failure(BotReply::Outcome::bad_response,
                       "HTTP " + std::to_string(status) +
                           " with a body that is not a Bot API reply");
    }
    BotReply r;
    if (doc["ok"].get<bool>()) {
        r.outcome = BotReply::Outcome::ok;
        r.result = doc.value("result", json());
        return r;
    }
    r.outcome = BotReply::Outcome::api_error;
    const auto code = doc.find("error_code");
    r.error_code = code != doc.end() && code->is_number_integer() ? code->get<int>()
                                                                  : static_cast<int>(status);
    const auto text = doc.find("description");
    r.description = text != doc.end() && text->is_string() ? text->get<std::string>()
                                                           : "HTTP " + std::to_string(status);
    const auto params = doc.find("parameters");
    if (params != doc.end() && params->is_object()) {
        const auto retry = params->find("retry_after");
        if (retry != params->end() && retry->is_number_integer()) r.retry_after = retry->get<int>();
    }
    return r;
}

} // namespace

std::string method_target(const net::Url& base, const std::string& token,
                          const std::string& method) {
    std::string path = base.path;
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    return path + "/bot" + token + "/" + method;
}

struct BotApi::Impl {
    Impl(asio::io_context& context, BotApiOptions opts) : io(context), options(std::move(opts)) {}
    asio::io_context& io;
    BotApiOptions options;
    std::shared_ptr<boost::asio::ssl::context> tls;
    std::vector<std::shared_ptr<Conn>> idle;
    std::set<std::shared_ptr<Conn>> busy;
    std::size_t opened = 0;
    bool closed = false;
};

namespace {

using ImplPtr = std::shared_ptr<BotApi::Impl>;

awaitable<tl::expected<std::shared_ptr<Conn>, std::string>> acquire(ImplPtr impl, bool allow_idle) {
    if (allow_idle && !impl->idle.empty()) {
        auto conn = impl->idle.back();
        impl->idle.pop_back();
        conn->reused = true;
        co_return conn;
    }
    const auto& o = impl->options;
    if (o.base.tls() && !impl->tls) impl->tls = net::make_client_tls_context(o.extra_ca_file);
    // A named local: GCC 12 destroys an aggregate temporary inside co_await twice.
    net::ConnectOptions options{o.base, o.tunnel, impl->tls.get(), o.connect_timeout};
    auto stream = co_await net::connect_upstream(std::move(options));
    if (!stream) co_return tl::unexpected(stream.error().message);
    ++impl->opened;
    auto conn = std::make_shared<Conn>();
    conn->stream = std::move(*stream);
    co_return conn;
}

awaitable<BotReply> exchange(ImplPtr impl, const std::string& method, const std::string& body,
                             std::chrono::milliseconds timeout) {
    for (int attempt = 0;; ++attempt) {
        auto got = co_await acquire(impl, attempt == 0);
        if (!got) co_return failure(BotReply::Outcome::network, method + ": " + got.error());
        auto conn = *got;
        if (impl->closed) co_return failure(BotReply::Outcome::network, method + ": client closed");
        impl->busy.insert(conn);
        http::request<http::string_body> req{
            http::verb::post, method_target(impl->options.base, impl->options.token, method), 11};
        req.set(http::field::host, impl->options.base.host_header());
        req.set(http::field::content_type, "application/json");
        req.keep_alive(true);
        req.body() = body;
        req.prepare_payload();
        // The deadline is a timer of our own, cancelled when the call ends: the stream's own
        // expiry leaves a stale timer that fires after every long poll (extra idle wake-ups).
        auto deadline = std::make_shared<asio::steady_timer>(impl->io, timeout);
        auto timed_out = std::make_shared<bool>(false);
        deadline->async_wait([conn, timed_out](const error_code& e) {
            if (e) return;
            *timed_out = true;
            conn->stream->close();
        });
        error_code ec;
        co_await http::async_write(*conn->stream, req, asio::redirect_error(use_awaitable, ec));
        http::response_parser<http::string_body> parser;
        parser.body_limit(k_max_body);
        if (!ec) {
            co_await http::async_read(*conn->stream, conn->buffer, parser,
                                      asio::redirect_error(use_awaitable, ec));
        }
        deadline->cancel();
        impl->busy.erase(conn);
        if (ec) {
            conn->stream->close();
            // A kept-alive connection the server had closed fails before any byte: once more
            // on a fresh one. Anything else is the caller's to retry.
            if (conn->reused && !parser.got_some() && !*timed_out && !impl->closed && attempt == 0) {
                continue;
            }
            co_return failure(BotReply::Outcome::network,
                              method + ": " + (*timed_out ? "timed out" : ec.message()));
        }
        auto res = parser.release();
        if (res.keep_alive() && !impl->closed && impl->idle.size() < k_max_idle) {
            impl->idle.push_back(conn);
        } else {
            conn->stream->close();
        }
        co_return interpret(res.result_int(), res.body());
    }
}

} // namespace

BotApi::BotApi(asio::io_context& io, BotApiOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

BotApi::~BotApi() {
    close();
}

awaitable<BotReply> BotApi::call(std::string method, nlohmann::json params,
                                 std::chrono::milliseconds timeout) {
    // Agent text may hold invalid UTF-8: replaced, never a throw.
    const auto body = params.dump(-1, ' ', false, json::error_handler_t::replace);
    try {
        co_return co_await exchange(impl_, method, body, timeout);
    } catch (const std::exception& e) {
        // TLS set-up (OpenSSL missing, bad CA file) throws; a call still only reports.
        co_return failure(BotReply::Outcome::network, method + ": " + e.what());
    }
}

void BotApi::close() {
    impl_->closed = true;
    for (auto& conn : impl_->idle)
        conn->stream->close();
    impl_->idle.clear();
    for (const auto& conn : impl_->busy)
        conn->stream->close();
}

std::size_t BotApi::connections_opened() const {
    return impl_->opened;
}

} // namespace nanoclaw::channels::telegram
