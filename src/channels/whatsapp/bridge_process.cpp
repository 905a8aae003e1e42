// SPDX-License-Identifier: MIT
// The bridge is untrusted input like any peer: a line over the limit is skipped without being
// buffered, and nothing it prints or does (garbage, a crash, a hang at exit) reaches past the
// handlers. Writes go out one at a time from a queue (Asio allows one async_write per pipe).
#include "nanoclaw/channels/whatsapp/bridge_process.hpp"

#include <array>
#include <deque>

#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels::whatsapp {

void LineSplitter::feed(std::string_view chunk, const std::function<void(std::string)>& on_line,
                        const std::function<void(std::size_t)>& on_oversized) {
    while (!chunk.empty()) {
        const auto nl = chunk.find('\n');
        const auto piece = chunk.substr(0, nl);
        if (skipping_) {
            skipped_ += piece.size();
        } else if (buffer_.size() + piece.size() > max_) {
            skipping_ = true;
            skipped_ = buffer_.size() + piece.size();
            buffer_.clear();
            buffer_.shrink_to_fit();
        } else {
            buffer_.append(piece);
        }
        if (nl == std::string_view::npos) return;
        if (skipping_) {
            on_oversized(skipped_);
            skipping_ = false;
            skipped_ = 0;
        } else {
            on_line(std::exchange(buffer_, {}));
        }
        chunk.remove_prefix(nl + 1);
    }
}

std::optional<std::string> LineSplitter::finish() {
    if (skipping_ || buffer_.empty()) return std::nullopt;
    return std::exchange(buffer_, {});
}

struct BridgeProcess::State {
    State(asio::io_context& context, const core::SpawnOptions& options, BridgeHandlers h)
        : io(context), child(context, options), handlers(std::move(h)),
          stdout_done(context, std::chrono::steady_clock::time_point::max()),
          exited(context, std::chrono::steady_clock::time_point::max()) {}
    asio::io_context& io;
    core::ChildProcess child;
    BridgeHandlers handlers;
    std::deque<std::string> writes;
    bool writing = false;
    bool stopping = false;
    bool finished = false;
    bool stdout_eof = false;
    asio::steady_timer stdout_done; ///< cancelled at stdout EOF
    asio::steady_timer exited;      ///< cancelled once on_exit ran
};

namespace {

using ProcessStatePtr = std::shared_ptr<BridgeProcess::State>;
constexpr std::size_t k_max_stderr_line = 16 * 1024;

awaitable<void> read_stdout(ProcessStatePtr s) {
    LineSplitter lines(k_max_bridge_line);
    std::array<char, 64 * 1024> buf{};
    for (;;) {
        const auto n = co_await s->child.read_stdout(buf.data(), buf.size());
        if (n == 0) break;
        lines.feed(std::string_view(buf.data(), n), s->handlers.on_line, s->handlers.on_oversized);
    }
    if (auto last = lines.finish()) s->handlers.on_line(std::move(*last));
    s->stdout_eof = true;
    s->stdout_done.cancel();
}

awaitable<void> read_stderr(ProcessStatePtr s) {
    LineSplitter lines(k_max_stderr_line);
    std::array<char, 16 * 1024> buf{};
    const auto too_long = [s](std::size_t n) {
        s->handlers.on_stderr("(a stderr line of " + std::to_string(n) + " bytes, not shown)");
    };
    for (;;) {
        const auto n = co_await s->child.read_stderr(buf.data(), buf.size());
        if (n == 0) break;
        lines.feed(std::string_view(buf.data(), n), s->handlers.on_stderr, too_long);
    }
    if (auto last = lines.finish()) s->handlers.on_stderr(std::move(*last));
}

// The exit is reported after the last stdout line: events printed just before exiting count.
// A grandchild holding stdout open gets one second, then the pipes are closed.
awaitable<void> watch_exit(ProcessStatePtr s) {
    const auto code = co_await s->child.wait_exit();
    if (!s->stdout_eof) {
        s->stdout_done.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await s->stdout_done.async_wait(asio::redirect_error(use_awaitable, ec));
        if (!ec) s->child.close_outputs();
    }
    s->finished = true;
    if (s->handlers.on_exit) s->handlers.on_exit(code);
    s->exited.cancel();
}

awaitable<void> drain_writes(ProcessStatePtr s) {
    while (!s->writes.empty()) {
        auto line = std::move(s->writes.front());
        s->writes.pop_front();
        if (!co_await s->child.write_stdin(std::move(line))) {
            s->writes.clear(); // the bridge closed stdin or died: its exit tells the story
            break;
        }
    }
    s->writing = false;
}

void kick_writes(const ProcessStatePtr& s) {
    if (s->writing || s->writes.empty()) return;
    s->writing = true;
    core::spawn(s->io.get_executor(), "whatsapp bridge stdin", drain_writes(s));
}

awaitable<void> cancel_on_exit(ProcessStatePtr s, std::shared_ptr<asio::steady_timer> timer) {
    boost::system::error_code ec;
    co_await s->exited.async_wait(asio::redirect_error(use_awaitable, ec));
    timer->cancel();
}

awaitable<bool> wait_exited(ProcessStatePtr s, std::chrono::milliseconds limit) {
    if (s->finished) co_return true;
    auto timer = std::make_shared<asio::steady_timer>(s->io, limit);
    // Whichever comes first: the exit (cancels `exited`) or the limit.
    core::spawn(s->io.get_executor(), "whatsapp bridge stop", cancel_on_exit(s, timer));
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
    co_return s->finished;
}

} // namespace

BridgeProcess::BridgeProcess(asio::io_context& io, const core::SpawnOptions& options,
                             BridgeHandlers handlers)
    : state_(std::make_shared<State>(io, options, std::move(handlers))) {
    auto executor = io.get_executor();
    core::spawn(executor, "whatsapp bridge stdout", read_stdout(state_));
    core::spawn(executor, "whatsapp bridge stderr", read_stderr(state_));
    core::spawn(executor, "whatsapp bridge exit", watch_exit(state_));
}

BridgeProcess::~BridgeProcess() {
    // Coroutines still reading hold the state: they must not call into a channel that is gone.
    state_->handlers = BridgeHandlers{[](std::string) {}, [](std::size_t) {}, [](std::string) {},
                                      [](std::optional<int>) {}};
    state_->child.kill();
}

void BridgeProcess::send(std::string line) {
    if (state_->stopping || state_->finished) return;
    state_->writes.push_back(std::move(line));
    kick_writes(state_);
}

awaitable<void> BridgeProcess::stop(std::string line, std::chrono::milliseconds grace) {
    auto s = state_;
    if (!s->stopping && !s->finished) {
        s->writes.push_back(std::move(line));
        kick_writes(s);
        s->stopping = true;
    }
    // EOF after the queued lines: the bridge's own signal to close the socket and exit.
    while (s->writing) {
        if (co_await wait_exited(s, std::chrono::milliseconds(50))) break;
    }
    s->child.close_stdin();
    if (co_await wait_exited(s, grace)) co_return;
    s->child.terminate();
    if (co_await wait_exited(s, grace)) co_return;
    s->child.kill();
    co_await wait_exited(s, grace);
}

bool BridgeProcess::running() const {
    return !state_->finished;
}

int BridgeProcess::pid() const {
    return state_->child.pid();
}

} // namespace nanoclaw::channels::whatsapp
