// SPDX-License-Identifier: MIT
// Private: the Unix-socket plumbing shared by the daemon side and the CLI clients.
#pragma once

#include <filesystem>

#include <boost/asio/local/stream_protocol.hpp>

#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::channels::local {

using Protocol = asio::local::stream_protocol;
using Socket = Protocol::socket;
using Acceptor = Protocol::acceptor;

/// Listens on `path` with mode 0600 from the first instant (umask during bind). A stale socket
/// file (nobody accepting) is replaced. Throws core::FatalError when another process is listening,
/// when `path` exists but is not a socket, is too long, or cannot be bound.
Acceptor listen_unix(const asio::any_io_executor& ex, const std::filesystem::path& path);

/// Connects a client socket; throws std::runtime_error with the user-facing reason
/// ("nanoclawd is not running (no socket at <path>)" when nothing listens there).
Socket connect_unix(const asio::any_io_executor& ex, const std::filesystem::path& path);

} // namespace nanoclaw::channels::local
