// SPDX-License-Identifier: MIT
// `nanoclaw send`: one message in, the turn's replies out, exit when the turn ends.
#include <optional>

#include "client_io.hpp"
#include "nanoclaw/channels/local/local_client.hpp"
#include "nanoclaw/channels/local/local_protocol.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels {
namespace {

struct SendRun {
    SendRun(asio::io_context& io, const SendOptions& o, local::Socket s)
        : options(o), socket(std::move(s)), deadline(io), settle(io) {}

    void finish(int code) {
        if (result >= 0) return;
        progress("");
        result = code;
        boost::system::error_code ec;
        socket.close(ec);
        deadline.cancel();
        settle.cancel();
    }

    // A turn is over at "typing off" -- but only one that belongs to this message: a typing-off
    // from a turn that was already running when we sent is ignored unless replies came.
    void on_event(const local::ServerEvent& event);
    void arm_settle();
    /// Rewrites the progress line (only with show_progress); "" clears it.
    void progress(const std::string& text);
    /// 0 when the agent replied; 3 when the turn brought only nanoclaw's failure notices.
    int turn_result() const { return replies == 0 && notices > 0 ? 3 : 0; }
    /// What the run was waiting on, for the timeout line.
    std::string waiting_on() const;

    const SendOptions& options;
    local::Socket socket;
    asio::steady_timer deadline; ///< overall --timeout
    asio::steady_timer settle;   ///< quiet period after a reply when no typing events come
    int result = -1;
    bool typing = false;
    bool saw_typing_on = false;
    int replies = 0;
    int notices = 0;
    std::string last_status; ///< the daemon's latest word on what the run is doing
};

void SendRun::progress(const std::string& text) {
    if (!options.show_progress) return;
    *options.err << "\r\033[K";
    if (!text.empty()) *options.err << "... " << text;
    *options.err << std::flush;
}

std::string SendRun::waiting_on() const {
    if (!last_status.empty()) return "last status: " + last_status;
    if (saw_typing_on) return "the agent was still working";
    return "no agent run started for it (is the chat registered? does the message need the "
           "group's trigger?)";
}

void SendRun::arm_settle() {
    settle.expires_after(options.settle);
    settle.async_wait([this](boost::system::error_code ec) {
        if (!ec && !typing) finish(turn_result());
    });
}

void SendRun::on_event(const local::ServerEvent& event) {
    using Kind = local::ServerEvent::Kind;
    if (event.kind == Kind::error) {
        progress("");
        *options.err << "nanoclaw: " << event.text << "\n";
        finish(1);
        return;
    }
    if (event.chat != options.chat) return;
    if (event.kind == Kind::status) {
        last_status = event.text;
        progress(last_status);
        return;
    }
    if (event.kind == Kind::message) {
        progress("");
        if (event.notice) {
            *options.err << "nanoclaw: " << event.text << "\n" << std::flush;
            ++notices;
        } else {
            *options.out << event.text << "\n" << std::flush;
            ++replies;
        }
        if (!typing) arm_settle();
        return;
    }
    typing = event.on;
    if (typing) {
        saw_typing_on = true;
        settle.cancel();
        progress(last_status.empty() ? std::string("the assistant is working") : last_status);
    } else if (replies > 0 || notices > 0) {
        finish(turn_result());
    } else if (saw_typing_on) {
        // The agent worked and stopped without a word: usually a failed run (it is retried).
        *options.err << "nanoclaw: the agent's turn ended without a reply (see the daemon log)\n";
        finish(3);
    }
}

// `run` lives on run_send's stack until io.run() returns, which outlasts this coroutine.
awaitable<void> receive(SendRun* run) {
    std::string buffer;
    while (run->result < 0) {
        auto line = co_await local::read_line(run->socket, buffer);
        if (!line) {
            if (run->result < 0 && run->replies == 0 && run->notices == 0) {
                *run->options.err << "nanoclaw: nanoclawd closed the connection\n";
            }
            run->finish(run->replies > 0 || run->notices > 0 ? run->turn_result() : 1);
            co_return;
        }
        // Lines this client does not understand (a newer daemon) are skipped, not fatal.
        if (auto event = local::parse_server_line(*line)) run->on_event(*event);
    }
}

} // namespace

int run_send(const SendOptions& options) {
    if (options.text.empty()) {
        *options.err << "nanoclaw: nothing to send (empty message)\n";
        return 1;
    }
    asio::io_context io;
    auto socket = local::open_client(io, options.socket_path, options.chat, *options.err);
    if (!socket) return 1;
    const std::string line =
        local::encode_client_message(options.chat, default_sender(options.sender), options.text);
    if (!local::write_line(*socket, line, *options.err)) return 1;

    SendRun run(io, options, std::move(*socket));
    run.deadline.expires_after(options.timeout);
    run.deadline.async_wait([&run](boost::system::error_code ec) {
        if (ec) return;
        const auto ms = run.options.timeout.count();
        *run.options.err << "nanoclaw: timed out after "
                         << (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s"
                                            : std::to_string(ms) + " ms")
                         << " waiting for the assistant to finish; " << run.waiting_on() << "\n";
        run.finish(k_exit_timeout);
    });
    core::spawn(io.get_executor(), "nanoclaw send", receive(&run));
    io.run();
    return run.result < 0 ? 1 : run.result;
}

} // namespace nanoclaw::channels
