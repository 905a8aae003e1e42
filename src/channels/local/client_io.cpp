// SPDX-License-Identifier: MIT
#include "client_io.hpp"

#include <cstdlib>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "nanoclaw/channels/local/local_protocol.hpp"

namespace nanoclaw::channels {

std::string default_sender(const std::string& sender) {
    if (!sender.empty()) return sender;
    const char* user = std::getenv("USER");
    if (user != nullptr && *user != '\0') return user;
    return "user";
}

namespace local {

awaitable<std::optional<std::string>> read_line(Socket& socket, std::string& buffer) {
    boost::system::error_code ec;
    // The daemon's lines are bounded by what the agent writes; allow generous headroom.
    std::size_t n =
        co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer, 64 * k_max_line_bytes),
                                        '\n', asio::redirect_error(use_awaitable, ec));
    if (ec) co_return std::nullopt;
    std::string line = buffer.substr(0, n - 1);
    buffer.erase(0, n);
    co_return line;
}

std::optional<Socket> open_client(asio::io_context& io, const std::filesystem::path& socket_path,
                                  const std::string& chat, std::ostream& err) {
    if (auto problem = chat_name_error(chat)) {
        err << "nanoclaw: " << *problem << "\n";
        return std::nullopt;
    }
    try {
        return connect_unix(io.get_executor(), socket_path);
    } catch (const std::exception& e) {
        err << "nanoclaw: " << e.what() << "\n";
        return std::nullopt;
    }
}

bool write_line(Socket& socket, const std::string& line, std::ostream& err) {
    if (line.size() > k_max_line_bytes) {
        err << "nanoclaw: message too long (limit " << k_max_line_bytes << " bytes)\n";
        return false;
    }
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(line), ec);
    if (ec) {
        err << "nanoclaw: lost the connection to nanoclawd: " << ec.message() << "\n";
        return false;
    }
    return true;
}

} // namespace local
} // namespace nanoclaw::channels
