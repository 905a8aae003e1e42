// SPDX-License-Identifier: MIT
// Private: one connected client of the local channel. A reader coroutine turns the byte stream
// into lines; a writer coroutine drains a bounded outbox, so a client that stops reading only
// ever costs its own queue and is dropped when that queue is full.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "local_socket.hpp"

namespace nanoclaw::channels::local {

class Session : public std::enable_shared_from_this<Session> {
  public:
    struct Limits {
        std::size_t max_line_bytes;
        std::size_t max_queue_bytes;
    };
    /// Called for each non-empty line (without "\n" or a trailing "\r").
    using LineHandler = std::function<void(const std::shared_ptr<Session>&, std::string)>;
    /// Called once when the session closes, for whatever reason.
    using CloseHandler = std::function<void(std::uint64_t id)>;

    Session(Socket socket, std::uint64_t id, Limits limits);

    /// Spawns the reader and writer coroutines on the socket's executor.
    void start(LineHandler on_line, CloseHandler on_close);
    /// Writes `line` (with its "\n") at once when the socket takes it, else queues it. Drops the client and returns false when its queue would
    /// exceed max_queue_bytes; also false when the session is closed or closing.
    bool send(std::string line);
    /// Stops reading; closes once everything queued so far has been written.
    void close_after_flush();
    /// Closes now (idempotent); queued lines are discarded.
    void close();

    std::uint64_t id() const { return id_; }
    bool is_open() const { return open_; }
    bool in_chat(const std::string& chat) const { return chats_.count(chat) > 0; }
    void join_chat(const std::string& chat) { chats_.insert(chat); }

  private:
    /// Non-blocking write of `line` when nothing is queued; true when it is fully sent (or the
    /// client is gone). A partial write leaves the rest in `line` for the queue.
    bool try_write_now(std::string& line);

    friend awaitable<void> read_loop(std::shared_ptr<Session> self);
    friend awaitable<void> write_loop(std::shared_ptr<Session> self);

    Socket socket_;
    asio::steady_timer wake_; ///< wakes the writer: cancelled whenever the outbox changes
    std::uint64_t id_;
    Limits limits_;
    std::deque<std::string> outbox_;
    std::size_t queued_bytes_ = 0; ///< outbox plus the line being written
    std::set<std::string> chats_;
    bool open_ = true;
    bool closing_ = false;
    bool writing_ = false; ///< write_loop has a line in flight
    LineHandler on_line_;
    CloseHandler on_close_;
};

} // namespace nanoclaw::channels::local
