// SPDX-License-Identifier: MIT
// Per-connection deadlines with one lazily re-armed timer. Beast's per-operation timeouts armed
// and cancelled a timer wait around every socket operation (four to five per proxied request,
// each a heap insert, a cancellation and a posted completion); here a phase change only stores
// a time. The timer wakes at the earliest deadline it was armed for, and then either acts (the
// deadline really passed) or re-arms for the deadline that has moved on meanwhile. Only a
// deadline earlier than the armed one (a 30 s body read inside a 120 s keep-alive wait) touches
// the timer at once.
#include "exchange.hpp"

#include <boost/asio/steady_timer.hpp>

#include "nanoclaw/net/upstream_stream.hpp"

namespace nanoclaw::proxy {
namespace {

using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

void arm(const std::shared_ptr<ClientConn>& conn);

// The phase's deadline passed: stop what it was waiting for.
void expire(ClientConn& conn) {
    error_code ignored;
    switch (conn.phase) {
    case ClientConn::Phase::reading:
        // Cancel, not close: the session still answers 408 on this connection.
        conn.read_timed_out = true;
        conn.stream.socket().cancel(ignored);
        break;
    case ClientConn::Phase::upstream:
        conn.upstream_timed_out = true;
        if (conn.upstream) conn.upstream->stream->close();
        break;
    case ClientConn::Phase::writing:
        conn.stream.socket().close(ignored);
        break;
    case ClientConn::Phase::none:
        break;
    }
    conn.phase = ClientConn::Phase::none;
}

void on_timer(const std::weak_ptr<ClientConn>& weak, const error_code& ec) {
    // Aborted: re-armed for an earlier deadline (a newer wait is pending), or the connection
    // is being destroyed.
    if (ec) return;
    auto conn = weak.lock();
    if (!conn) return;
    conn->timer_armed = false;
    if (conn->phase == ClientConn::Phase::none) return;
    if (SteadyClock::now() < conn->due) {
        arm(conn); // the deadline moved on since the timer was armed
        return;
    }
    expire(*conn);
}

void arm(const std::shared_ptr<ClientConn>& conn) {
    conn->timer_armed = true;
    conn->armed_for = conn->due;
    conn->deadline_timer.expires_at(conn->due); // cancels a pending wait, if any
    conn->deadline_timer.async_wait(
        [weak = std::weak_ptr<ClientConn>(conn)](const error_code& ec) { on_timer(weak, ec); });
}

} // namespace

void set_deadline(const std::shared_ptr<ClientConn>& conn, ClientConn::Phase phase,
                  std::chrono::milliseconds limit) {
    conn->phase = phase;
    conn->due = SteadyClock::now() + limit;
    if (!conn->timer_armed || conn->due < conn->armed_for) arm(conn);
}

void clear_deadline(ClientConn& conn) { conn.phase = ClientConn::Phase::none; }

void end_deadlines(ClientConn& conn) {
    conn.phase = ClientConn::Phase::none;
    conn.timer_armed = false;
    conn.deadline_timer.cancel();
}

} // namespace nanoclaw::proxy
