// SPDX-License-Identifier: MIT
// A wake-up for coroutines waiting on a condition (Asio 1.74 has no channels). The timer is armed
// once at "never" and only cancelled, so several waiters can share it without re-arming (which
// would cancel each other's waits). Waiters re-check their condition after every wake-up.
#pragma once

#include <chrono>

#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::container::detail {

class Signal {
public:
    explicit Signal(asio::io_context& io)
        : timer_(io, std::chrono::steady_clock::time_point::max()) {}
    /// Wakes every current waiter.
    void notify() { timer_.cancel(); }
    /// Suspends until the next notify(); the object must outlive the wait.
    awaitable<void> wait() {
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    }

private:
    asio::steady_timer timer_;
};

} // namespace nanoclaw::container::detail
