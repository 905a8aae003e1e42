// SPDX-License-Identifier: MIT
#include <poll.h>

#include "proxy_state.hpp"

#include "nanoclaw/net/upstream_stream.hpp"

namespace nanoclaw::proxy {
namespace {

// An idle HTTP connection must have nothing to read: readable means the peer closed it (EOF)
// or sent something unexpected, and either way it cannot carry another request. A connection
// back in the pool for less than k_fresh_idle is taken without the poll() (a syscall on every
// request under load): servers close idle connections after seconds, and the rare one closed
// sooner fails before any response byte, which send_request retries once on a fresh connection.
bool looks_alive(UpstreamConn& conn, std::chrono::steady_clock::duration idle_for) {
    auto& socket = conn.stream->tcp().socket();
    if (!socket.is_open() || conn.buffer.size() != 0) return false;
    if (idle_for < UpstreamPool::k_fresh_idle) return true;
    pollfd fd{socket.native_handle(), POLLIN, 0};
    return ::poll(&fd, 1, 0) == 0;
}

} // namespace

std::shared_ptr<UpstreamConn> UpstreamPool::take(std::chrono::steady_clock::time_point now) {
    while (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        const auto idle_for = now - conn->idle_since;
        if (idle_for < k_max_idle_age && looks_alive(*conn, idle_for)) {
            conn->reused = true;
            return conn;
        }
        conn->stream->close();
    }
    return nullptr;
}

void UpstreamPool::give(std::shared_ptr<UpstreamConn> conn,
                        std::chrono::steady_clock::time_point now) {
    if (idle_.size() >= k_max_idle) {
        idle_.front()->stream->close();
        idle_.erase(idle_.begin());
    }
    conn->idle_since = now;
    idle_.push_back(std::move(conn));
}

void UpstreamPool::clear() {
    for (auto& conn : idle_) conn->stream->close();
    idle_.clear();
}

} // namespace nanoclaw::proxy
