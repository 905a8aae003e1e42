// SPDX-License-Identifier: MIT
// The local channel's socket protocol as the daemon reads it: the input is what a client writes
// to the Unix socket, framed into lines by the daemon's own Session (over a socketpair) and
// parsed with local::parse_client_line; each line is also read as a daemon line
// (parse_server_line, the CLI clients' side). Invariants: parsing never throws; a refused line
// has a reason; an accepted request has a valid chat and re-encodes to itself; every line the
// daemon writes back (errors, echoes) is a well-formed daemon line.
#include <csignal>
#include <cstddef>
#include <cstdint>

#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "fuzz_support.hpp"
#include "local_session.hpp" // src/channels/local (private)
#include "nanoclaw/channels/local/local_protocol.hpp"

using namespace nanoclaw;
using namespace nanoclaw::channels::local;

namespace {

// Small, so the over-long-line path is reached by ordinary fuzz inputs.
constexpr Session::Limits k_limits{4096, 64 * 1024};

void check_request(const ClientRequest& req) {
    using Kind = ClientRequest::Kind;
    if (req.kind == Kind::daemon_status || req.kind == Kind::sync_groups) return;
    FUZZ_CHECK(!chat_name_error(req.chat));
    FUZZ_CHECK(chat_of(jid_for(req.chat)) == req.chat);
    if (req.kind == Kind::subscribe) {
        const auto again = parse_client_line(encode_subscribe(req.chat));
        FUZZ_CHECK(again && again->kind == Kind::subscribe && again->chat == req.chat);
        return;
    }
    FUZZ_CHECK(!req.text.empty() && !req.sender.empty());
    auto line = encode_client_message(req.chat, req.sender, req.text);
    FUZZ_CHECK(line.back() == '\n');
    line.pop_back();
    const auto again = parse_client_line(line);
    FUZZ_CHECK(again && again->chat == req.chat && again->sender == req.sender &&
               again->text == req.text);
}

// What the daemon does with a line, minus the router: answer errors, echo messages back.
void on_client_line(const std::shared_ptr<Session>& session, const std::string& line) {
    try {
        const auto req = parse_client_line(line);
        if (!req) {
            FUZZ_CHECK(!req.error().empty());
            session->send(encode_error(req.error()));
            return;
        }
        check_request(*req);
        if (req->kind == ClientRequest::Kind::message) {
            session->join_chat(req->chat);
            session->send(encode_typing(req->chat, true));
            session->send(encode_message(req->chat, req->text));
            session->send(encode_status(req->chat, req->sender));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parse_client_line threw: %s\n", e.what());
        std::abort();
    }
}

void check_server_line(std::string_view line) {
    try {
        const auto ev = parse_server_line(line);
        if (!ev) FUZZ_CHECK(!ev.error().empty());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parse_server_line threw: %s\n", e.what());
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    std::signal(SIGPIPE, SIG_IGN); // as the daemon: a vanished peer is an error code, not a signal
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(fuzz::as_text(data, size));
    asio::io_context io;
    Socket daemon_end(io), client_end(io);
    asio::local::connect_pair(daemon_end, client_end);

    auto session = std::make_shared<Session>(std::move(daemon_end), 1, k_limits);
    session->start(on_client_line, [](std::uint64_t) {});

    std::string replies;
    asio::async_write(client_end, asio::buffer(input), [&](boost::system::error_code, std::size_t) {
        boost::system::error_code ignored;
        client_end.shutdown(Socket::shutdown_send, ignored);
    });
    asio::async_read(client_end, asio::dynamic_buffer(replies), [](boost::system::error_code, std::size_t) {});
    io.run();
    FUZZ_CHECK(!session->is_open());

    // Every reply is a complete, well-formed daemon line.
    FUZZ_CHECK(replies.empty() || replies.back() == '\n');
    for (std::size_t pos = 0; pos < replies.size();) {
        const auto nl = replies.find('\n', pos);
        const auto ev = parse_server_line(std::string_view(replies).substr(pos, nl - pos));
        FUZZ_CHECK(ev.has_value());
        pos = nl + 1;
    }
    // The client-side parser sees every input line too.
    for (std::size_t pos = 0; pos <= input.size();) {
        auto nl = input.find('\n', pos);
        if (nl == std::string::npos) nl = input.size();
        check_server_line(std::string_view(input).substr(pos, nl - pos));
        pos = nl + 1;
    }
    return 0;
}
