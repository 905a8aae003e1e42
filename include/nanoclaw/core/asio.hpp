// SPDX-License-Identifier: MIT
// The one place that includes Boost.Asio for the project. Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, so it must come first.
#pragma once

#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace nanoclaw {
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
} // namespace nanoclaw
