// SPDX-License-Identifier: MIT
// A whole credential-proxy client session (proxy::serve_client, what the accept loop runs per
// connection): the input is everything a container writes on one connection, several requests
// when keep-alive holds, over a socketpair; "{T}" in it stands for a live run token. Admitted
// requests go to a fake Anthropic API on 127.0.0.1 in the same io_context, which checks what
// reaches it. The client half-closes once the proxy has nothing left to do, so both the
// keep-alive loop and the end of stream are covered. An input containing "oauth" runs the proxy
// in OAuth mode, otherwise in API-key mode.
// Invariants: upstream requests carry the real credential (never the placeholder), an exact content length and no chunking; the client never receives a secret;
// every reply starts as an HTTP/1.1 response; usage is reported for the run's group; the session
// always ends (no hang).
#include <sys/socket.h>

#include <csignal>
#include <cstddef>
#include <cstdint>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "fuzz_support.hpp"
#include "proxy_state.hpp" // src/proxy (private)

using namespace nanoclaw;
using namespace nanoclaw::proxy;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::string_view k_api_key = "sk-ant-api03-real-key-for-fuzzing";
constexpr std::string_view k_oauth_token = "sk-ant-oat01-real-oauth-for-fuzzing";

struct Upstream {
    tcp::acceptor acceptor;
    bool oauth = false;
    std::string token;
};

http::response<http::string_body> answer_for(const http::request<http::string_body>& req) {
    http::response<http::string_body> res{http::status::ok, 11};
    const std::string target(req.target());
    if (target.find("/err") != std::string::npos) res.result(529);
    if (req.body().find("\"stream\":true") != std::string::npos) {
        res.set(http::field::content_type, "text/event-stream");
        res.chunked(true);
        res.body() = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":"
                     "\"claude-fuzz\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
                     "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":"
                     "{\"output_tokens\":5}}\n\n";
    } else {
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"model":"claude-fuzz","usage":{"input_tokens":3,"output_tokens":5}})";
        if (target.find("close") != std::string::npos) res.keep_alive(false); // EOF-framed
        else res.prepare_payload();
    }
    if (target.find("close") == std::string::npos) res.keep_alive(req.keep_alive());
    return res;
}

void check_upstream_request(const Upstream& up, const http::request<http::string_body>& req) {
    const std::string target(req.target());
    // The run prefix is gone (the client may still repeat its token further down the path).
    FUZZ_CHECK(!target.empty() && target.front() == '/');
    FUZZ_CHECK(req.find(http::field::transfer_encoding) == req.end());
    FUZZ_CHECK(std::string(req[http::field::content_length]) == std::to_string(req.body().size()));
    if (!up.oauth) {
        FUZZ_CHECK(req.count("x-api-key") == 1 && std::string(req["x-api-key"]) == k_api_key);
    } else if (req.find(http::field::authorization) != req.end()) {
        FUZZ_CHECK(req.count(http::field::authorization) == 1);
        FUZZ_CHECK(std::string(req[http::field::authorization]) == "Bearer " + std::string(k_oauth_token));
    }
}

awaitable<void> serve_upstream_conn(Upstream& up, tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        error_code ec;
        co_await http::async_read(socket, buffer, req, asio::redirect_error(use_awaitable, ec));
        if (ec) break;
        check_upstream_request(up, req);
        auto res = answer_for(req);
        co_await http::async_write(socket, res, asio::redirect_error(use_awaitable, ec));
        if (ec || !res.keep_alive()) break;
    }
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
}

// `up` lives in LLVMFuzzerTestOneInput's frame until the io_context has finished.
awaitable<void> accept_upstream(Upstream& up) {
    for (;;) {
        error_code ec;
        auto socket = co_await up.acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
        asio::co_spawn(up.acceptor.get_executor(), serve_upstream_conn(up, std::move(socket)),
                       [](std::exception_ptr e) { FUZZ_CHECK(!e); });
    }
}

ProxySettings settings_for(std::uint16_t upstream_port, bool oauth) {
    ProxySettings s;
    s.auth_mode = oauth ? AuthMode::oauth : AuthMode::api_key;
    if (oauth) s.oauth_token = Secret(std::string(k_oauth_token));
    else s.api_key = Secret(std::string(k_api_key));
    s.upstream = *net::parse_url("http://127.0.0.1:" + std::to_string(upstream_port));
    // Small limits so 413 and 431 are reachable; the timeouts only matter if something stalls.
    s.max_body_bytes = 16 * 1024;
    s.max_header_bytes = 4 * 1024;
    s.connect_timeout = std::chrono::seconds(2);
    s.upstream_idle_timeout = std::chrono::seconds(5);
    s.client_timeout = std::chrono::seconds(5);
    s.keep_alive_timeout = std::chrono::seconds(5);
    return s;
}

// Runs ready handlers until nothing is left to do without waiting for a timer: socketpair and
// loopback writes are visible to the reader as soon as the write returns.
void settle(asio::io_context& io) {
    for (int idle = 0; idle < 3;) {
        if (io.stopped()) io.restart();
        idle = io.poll() > 0 ? 0 : idle + 1;
    }
}

std::string with_token(std::string_view input, const std::string& token) {
    std::string out;
    for (std::size_t pos = 0;;) {
        const auto at = input.find("{T}", pos);
        out.append(input.substr(pos, at - pos));
        if (at == std::string_view::npos) return out;
        out += token;
        pos = at + 3;
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    std::signal(SIGPIPE, SIG_IGN); // as the daemon
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto raw = fuzz::as_text(data, size);
    asio::io_context io;
    Upstream up{tcp::acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
                raw.find("oauth") != std::string_view::npos, ""};
    std::vector<UsageRecord> usage;
    auto state = std::make_shared<ProxyState>(io, settings_for(up.acceptor.local_endpoint().port(), up.oauth),
                                              [&usage](const UsageRecord& r) { usage.push_back(r); });
    up.token = state->runs->add("main");
    const std::string input = with_token(raw, up.token);

    int fds[2];
    FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    tcp::socket proxy_end(io), client_end(io);
    proxy_end.assign(tcp::v4(), fds[0]);
    client_end.assign(tcp::v4(), fds[1]);
    auto conn = std::make_shared<ClientConn>(std::move(proxy_end));

    asio::co_spawn(io, accept_upstream(up), [](std::exception_ptr e) { FUZZ_CHECK(!e); });
    asio::co_spawn(io, serve_client(state, conn), [](std::exception_ptr e) { FUZZ_CHECK(!e); });
    std::string replies;
    asio::async_read(client_end, asio::dynamic_buffer(replies), [](error_code, std::size_t) {});
    bool written = false;
    asio::async_write(client_end, asio::buffer(input), [&written](error_code, std::size_t) { written = true; });
    settle(io);
    // Everything the proxy could answer has been answered: now the client hangs up.
    error_code ignored;
    client_end.shutdown(tcp::socket::shutdown_send, ignored);
    settle(io);
    up.acceptor.close(ignored);
    state->stopping = true;
    state->pool.clear();
    if (io.stopped()) io.restart();
    io.run_for(std::chrono::seconds(20));
    FUZZ_CHECK(io.stopped()); // a session that never ends is a bug (the harness's timeout is 25 s)
    (void)written;

    for (const auto secret : {k_api_key, k_oauth_token}) FUZZ_CHECK(replies.find(secret) == std::string::npos);
    FUZZ_CHECK(replies.empty() || replies.starts_with("HTTP/1.1 "));
    for (const auto& r : usage) {
        FUZZ_CHECK(r.group_folder == "main" && r.model == "claude-fuzz");
        FUZZ_CHECK(r.input_tokens >= 0 && r.output_tokens >= 0);
    }
    return 0;
}
