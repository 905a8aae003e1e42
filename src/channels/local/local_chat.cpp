// SPDX-License-Identifier: MIT
// `nanoclaw chat`: an interactive client. Typed lines go to the daemon; replies are printed as
// they arrive, with a spinner while the assistant is typing. Line editing is the terminal's own
// (canonical mode); the session's transcript is kept in memory for /history.
#include <fcntl.h>
#include <unistd.h>

#include <optional>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>

#include "client_io.hpp"
#include "nanoclaw/channels/local/local_client.hpp"
#include "nanoclaw/channels/local/local_protocol.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels {
namespace {

struct ChatRun {
    ChatRun(asio::io_context& io, const ChatOptions& o, local::Socket s)
        : options(o), out(*o.out), socket(std::move(s)), input(io), spinner(io), drain(io),
          sender(default_sender(o.sender)), interactive(::isatty(o.input_fd) == 1),
          show_spinner(o.out == &std::cout && ::isatty(STDOUT_FILENO) == 1) {}

    void finish(int code);
    void on_input(std::string line);
    void on_input_end();
    void on_event(const local::ServerEvent& event);
    void set_typing(bool on);
    void tick();
    void clear_status();
    void prompt() {
        if (interactive) out << "> " << std::flush;
    }

    const ChatOptions& options;
    std::ostream& out;
    local::Socket socket;
    asio::posix::stream_descriptor input; ///< a dup of input_fd, so closing it leaves stdin open
    asio::steady_timer spinner;           ///< redraws the spinner while typing is on
    asio::steady_timer drain;             ///< bounds the wait for the last reply after input ended
    std::string sender;
    bool interactive;  ///< input is a terminal: Ctrl-D leaves at once
    bool show_spinner; ///< output is a terminal
    std::vector<std::string> history;
    int result = -1;
    bool typing = false;
    std::string status;   ///< what the run waits on, shown beside the spinner
    bool pending = false; ///< a message was sent and its turn has not ended
    bool input_done = false;
    unsigned frame = 0;
};

void ChatRun::finish(int code) {
    if (result >= 0) return;
    result = code;
    clear_status();
    boost::system::error_code ec;
    socket.close(ec);
    input.close(ec); // ends a pending read of the user's input
    spinner.cancel();
    drain.cancel();
}

void ChatRun::clear_status() {
    if (show_spinner) out << "\r\033[K" << std::flush;
}

void ChatRun::tick() {
    static constexpr const char* k_frames = "|/-\\";
    out << "\r\033[K" << k_frames[frame++ % 4] << " "
        << (status.empty() ? std::string("thinking...") : status) << std::flush;
    spinner.expires_after(std::chrono::milliseconds(120));
    spinner.async_wait([this](boost::system::error_code ec) {
        if (!ec && typing && result < 0) tick();
    });
}

void ChatRun::set_typing(bool on) {
    if (on == typing) return;
    typing = on;
    if (!show_spinner) return;
    if (on) {
        tick();
    } else {
        spinner.cancel();
        clear_status();
    }
}

void ChatRun::on_input(std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return prompt();
    if (line == "/quit" || line == "/exit") return finish(0);
    if (line == "/history") {
        for (const auto& entry : history)
            out << entry << "\n";
        return prompt();
    }
    if (!local::write_line(socket, local::encode_client_message(options.chat, sender, line),
                           *options.err)) {
        return finish(1);
    }
    history.push_back(sender + ": " + line);
    pending = true;
}

void ChatRun::on_input_end() {
    input_done = true;
    if (interactive) out << "\n";
    // Piped input: wait for the reply to the last message, within drain_timeout.
    if (interactive || !pending) return finish(0);
    drain.expires_after(options.drain_timeout);
    drain.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        *options.err << "nanoclaw: timed out waiting for the assistant to finish"
                     << (status.empty() ? std::string() : "; last status: " + status) << "\n";
        finish(k_exit_timeout);
    });
}

void ChatRun::on_event(const local::ServerEvent& event) {
    using Kind = local::ServerEvent::Kind;
    if (event.kind == Kind::error) {
        clear_status();
        *options.err << "nanoclaw: " << event.text << "\n";
        return;
    }
    if (event.chat != options.chat) return;
    if (event.kind == Kind::status) {
        status = event.text; // shown by the spinner, and by the drain timeout's line
        return;
    }
    if (event.kind == Kind::typing) {
        set_typing(event.on);
        if (!event.on) status.clear(); // the turn is over; its status with it
    } else if (event.notice) {
        clear_status();
        *options.err << "nanoclaw: " << event.text << "\n" << std::flush;
        history.push_back("nanoclaw: " + event.text);
    } else {
        clear_status();
        out << event.text << "\n" << std::flush;
        history.push_back("assistant: " + event.text);
    }
    if (typing) return;
    // Typing off -- or a reply with no typing events at all -- ends the turn.
    pending = false;
    if (input_done) return finish(0);
    prompt();
}

// `run` lives on run_chat's stack until io.run() returns, which outlasts this coroutine.
awaitable<void> receive(ChatRun* run) {
    std::string buffer;
    while (run->result < 0) {
        auto line = co_await local::read_line(run->socket, buffer);
        if (!line) {
            if (run->result < 0)
                *run->options.err << "\nnanoclaw: nanoclawd closed the connection\n";
            run->finish(1);
            co_return;
        }
        if (auto event = local::parse_server_line(*line)) run->on_event(*event);
    }
}

// Reads the user's lines. `run` as in receive().
awaitable<void> read_input(ChatRun* run) {
    boost::system::error_code ec;
    run->input.assign(::dup(run->options.input_fd), ec);
    if (ec) {
        *run->options.err << "nanoclaw: cannot read input: " << ec.message() << "\n";
        run->finish(1);
        co_return;
    }
    std::string buffer;
    while (run->result < 0) {
        std::size_t n =
            co_await asio::async_read_until(run->input, asio::dynamic_buffer(buffer), '\n',
                                            asio::redirect_error(use_awaitable, ec));
        if (ec) break;
        std::string line = buffer.substr(0, n - 1);
        buffer.erase(0, n);
        run->on_input(std::move(line));
    }
    if (run->result >= 0) co_return;
    if (!buffer.empty()) run->on_input(std::move(buffer)); // last line without a newline
    if (run->result < 0) run->on_input_end();
}

} // namespace

int run_chat(const ChatOptions& options) {
    asio::io_context io;
    auto socket = local::open_client(io, options.socket_path, options.chat, *options.err);
    if (!socket) return 1;
    if (!local::write_line(*socket, local::encode_subscribe(options.chat), *options.err)) return 1;
    // Asio makes the descriptor non-blocking, and that flag is shared with the terminal: restore.
    const int saved_flags = ::fcntl(options.input_fd, F_GETFL);

    ChatRun run(io, options, std::move(*socket));
    if (run.interactive) {
        run.out << "Chatting in '" << options.chat << "' as " << run.sender
                << ". Ctrl-D to leave, /history to review.\n";
        run.prompt();
    }
    core::spawn(io.get_executor(), "nanoclaw chat receive", receive(&run));
    core::spawn(io.get_executor(), "nanoclaw chat input", read_input(&run));
    io.run();
    if (saved_flags >= 0) ::fcntl(options.input_fd, F_SETFL, saved_flags);
    return run.result < 0 ? 1 : run.result;
}

} // namespace nanoclaw::channels
