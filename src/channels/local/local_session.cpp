// SPDX-License-Identifier: MIT
#include "local_session.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/channels/local/local_protocol.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels::local {

awaitable<void> read_loop(std::shared_ptr<Session> self) {
    std::string buffer;
    // One byte over the limit leaves room for the newline of a maximal line.
    auto dynamic = asio::dynamic_buffer(buffer, self->limits_.max_line_bytes + 1);
    while (self->open_ && !self->closing_) {
        boost::system::error_code ec;
        std::size_t n = co_await asio::async_read_until(self->socket_, dynamic, '\n',
                                                        asio::redirect_error(use_awaitable, ec));
        if (ec == asio::error::not_found) { // buffer full and still no newline
            spdlog::warn("Local channel: client {} sent a line over {} bytes; disconnecting",
                         self->id_, self->limits_.max_line_bytes);
            self->send(encode_error("line too long (limit " +
                                    std::to_string(self->limits_.max_line_bytes) + " bytes)"));
            self->close_after_flush();
            co_return;
        }
        if (ec) { // end of stream, reset, or our own close
            self->close();
            co_return;
        }
        std::string line = buffer.substr(0, n - 1);
        buffer.erase(0, n);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty() && self->on_line_) self->on_line_(self, std::move(line));
    }
}

awaitable<void> write_loop(std::shared_ptr<Session> self) {
    while (self->open_) {
        if (self->outbox_.empty()) {
            if (self->closing_) break;
            self->wake_.expires_at(asio::steady_timer::time_point::max());
            boost::system::error_code ec;
            co_await self->wake_.async_wait(asio::redirect_error(use_awaitable, ec));
            continue;
        }
        // The line moves into this frame so close() can never free a buffer under a write.
        std::string line = std::move(self->outbox_.front());
        self->outbox_.pop_front();
        boost::system::error_code ec;
        self->writing_ = true;
        co_await asio::async_write(self->socket_, asio::buffer(line),
                                   asio::redirect_error(use_awaitable, ec));
        self->writing_ = false;
        self->queued_bytes_ -= line.size();
        if (ec) break;
    }
    self->close();
}

Session::Session(Socket socket, std::uint64_t id, Limits limits)
    : socket_(std::move(socket)), wake_(socket_.get_executor()), id_(id), limits_(limits) {}

void Session::start(LineHandler on_line, CloseHandler on_close) {
    on_line_ = std::move(on_line);
    on_close_ = std::move(on_close);
    auto ex = socket_.get_executor();
    core::spawn(ex, "local client reader", read_loop(shared_from_this()));
    core::spawn(ex, "local client writer", write_loop(shared_from_this()));
}

bool Session::try_write_now(std::string& line) {
    if (!outbox_.empty() || writing_) return false; // keep the order of queued lines
    boost::system::error_code ec;
    socket_.non_blocking(true, ec);
    const std::size_t n = ec ? 0 : socket_.write_some(asio::buffer(line), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return false;
    if (ec) {
        close();
        return true; // the client is gone; nothing left to send
    }
    line.erase(0, n);
    return line.empty();
}

bool Session::send(std::string line) {
    if (!open_ || closing_) return false;
    // Most lines fit in the socket buffer at once: then they are in the kernel when send()
    // returns, so a reply counted as delivered really left the daemon (even if it dies next).
    if (try_write_now(line)) return open_;
    if (queued_bytes_ > 0 && queued_bytes_ + line.size() > limits_.max_queue_bytes) {
        spdlog::warn("Local channel: client {} is not reading ({} bytes queued); dropping it", id_,
                     queued_bytes_);
        close();
        return false;
    }
    queued_bytes_ += line.size();
    outbox_.push_back(std::move(line));
    wake_.cancel();
    return true;
}

void Session::close_after_flush() {
    closing_ = true;
    wake_.cancel();
}

void Session::close() {
    if (!open_) return;
    open_ = false;
    boost::system::error_code ec;
    socket_.shutdown(Socket::shutdown_both, ec);
    socket_.close(ec);
    wake_.cancel();
    if (auto on_close = std::move(on_close_)) on_close(id_);
}

} // namespace nanoclaw::channels::local
