// SPDX-License-Identifier: MIT
#include <poll.h>

#include "proxy_state.hpp"

#include "nanoclaw/net/upstream_stream.hpp"

namespace nanoclaw::proxy {
namespace {

// An idle HTTP connection must have nothing to read: readable means the peer closed it (EOF)
// or sent something unexpected, and either way it cannot carry another request.
bool looks_alive(UpstreamConn& conn) {
    auto& socket = conn.stream->tcp().socket();
    if (!socket.is_open() || conn.buffer.size() != 0) return false;
    pollfd fd{socket.native_handle(), POLLIN, 0};
    return ::poll(&fd, 1, 0) == 0;
}

} // namespace

std::shared_ptr<UpstreamConn> UpstreamPool::take(std::chrono::steady_clock::time_point now) {
    while (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        if (now - conn->idle_since < k_max_idle_age && looks_alive(*conn)) {
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
