// SPDX-License-Identifier: MIT
// The one way to start a background coroutine: failures are logged with the task's name instead
// of vanishing (asio::detached) or terminating the process.
#pragma once

#include <exception>
#include <string>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::core {

/// Starts `task` on `ex`; an escaping exception is logged as "<name> failed: <what>".
template <typename Executor>
void spawn(Executor ex, std::string name, awaitable<void> task) {
    asio::co_spawn(ex, std::move(task), [name = std::move(name)](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& err) {
            spdlog::error("{} failed: {}", name, err.what());
        }
    });
}

} // namespace nanoclaw::core
