// SPDX-License-Identifier: MIT
// Private: pieces shared by the two CLI clients (`nanoclaw chat`, `nanoclaw send`).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "local_socket.hpp"
#include "nanoclaw/channels/local/local_client.hpp"

namespace nanoclaw::channels::local {

/// The next daemon line (without "\n"), or nullopt at end of stream or on any error. `socket`
/// and `buffer` belong to the caller's frame and outlive the call.
awaitable<std::optional<std::string>> read_line(Socket& socket, std::string& buffer);

/// Validates the chat name and connects; on failure writes "nanoclaw: <reason>" to `err` and
/// returns nullopt.
std::optional<Socket> open_client(asio::io_context& io, const std::filesystem::path& socket_path,
                                  const std::string& chat, std::ostream& err);

/// Writes one encoded line (blocking: the client has nothing else to do meanwhile); false and a
/// message on `err` when the line is too long or the daemon is gone.
bool write_line(Socket& socket, const std::string& line, std::ostream& err);

} // namespace nanoclaw::channels::local
