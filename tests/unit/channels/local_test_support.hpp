// SPDX-License-Identifier: MIT
// Helpers for the local channel tests: drive a real io_context until a condition holds, and a
// raw JSON-lines client that lives on the same io_context as the channel under test.
#pragma once

#include <chrono>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::testing {

/// Runs `io` until `done()` is true or `limit` passes; returns done(). Never sleeps blindly.
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        if (io.stopped()) io.restart();
        io.run_for(std::chrono::milliseconds(5));
    }
    return true;
}

/// Runs `task` to completion on `io`, rethrowing its exception.
inline void run_task(asio::io_context& io, awaitable<void> task) {
    bool done = false;
    std::exception_ptr error;
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
        error = e;
        done = true;
    });
    if (!run_until(io, [&] { return done; })) throw std::runtime_error("task did not finish");
    if (error) std::rethrow_exception(error);
}

/// A client of the local channel socket. Reads (when asked to) into `lines` until end of stream.
class RawClient {
  public:
    using Socket = asio::local::stream_protocol::socket;

    RawClient(asio::io_context& io, const std::filesystem::path& path, bool read = true)
        : state_(std::make_shared<State>(io)) {
        state_->socket.connect(asio::local::stream_protocol::endpoint(path.string()));
        if (read) asio::co_spawn(io, read_loop(state_), asio::detached); // never throws
    }

    /// Queues raw bytes for writing (asynchronously: the channel runs on the same thread).
    void write(std::string bytes) {
        asio::co_spawn(state_->socket.get_executor(), write_all(state_, std::move(bytes)),
                       asio::detached);
    }
    void send_json(const nlohmann::json& j) { write(j.dump() + "\n"); }

    const std::vector<std::string>& lines() const { return state_->lines; }
    nlohmann::json event(std::size_t i) const { return nlohmann::json::parse(state_->lines.at(i)); }
    bool closed() const { return state_->closed; }

  private:
    struct State {
        explicit State(asio::io_context& io) : socket(io) {}
        Socket socket;
        std::string buffer;
        std::vector<std::string> lines;
        bool closed = false;
    };

    static awaitable<void> read_loop(std::shared_ptr<State> s) {
        for (;;) {
            boost::system::error_code ec;
            std::size_t n =
                co_await asio::async_read_until(s->socket, asio::dynamic_buffer(s->buffer), '\n',
                                                asio::redirect_error(use_awaitable, ec));
            if (ec) break;
            s->lines.push_back(s->buffer.substr(0, n - 1));
            s->buffer.erase(0, n);
        }
        s->closed = true;
    }

    static awaitable<void> write_all(std::shared_ptr<State> s, std::string bytes) {
        boost::system::error_code ec; // the peer may hang up on purpose (oversize line)
        co_await asio::async_write(s->socket, asio::buffer(bytes),
                                   asio::redirect_error(use_awaitable, ec));
    }

    std::shared_ptr<State> state_;
};

} // namespace nanoclaw::testing
