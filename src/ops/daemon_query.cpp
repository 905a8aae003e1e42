// SPDX-License-Identifier: MIT
// A blocking client on purpose: the CLI asks one question and exits, so plain sockets and poll()
// are simpler than an io_context.
#include "nanoclaw/ops/daemon_query.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nanoclaw/channels/local/local_protocol.hpp"

namespace nanoclaw::ops {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Closes the descriptor on every path out.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

tl::expected<void, std::string> connect_to(const Fd& sock, const std::filesystem::path& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.native().size() >= sizeof(addr.sun_path)) {
        return tl::unexpected("socket path too long: " + path.string());
    }
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (::connect(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        if (errno == ENOENT) return tl::unexpected("no socket at " + path.string());
        return tl::unexpected("nothing accepts connections on " + path.string() + " (" +
                              std::strerror(errno) + ")");
    }
    return {};
}

// Reads until the first newline or the deadline.
tl::expected<std::string, std::string> read_line(const Fd& sock, Clock::time_point deadline) {
    std::string buffer;
    char chunk[4096];
    while (buffer.find('\n') == std::string::npos) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return tl::unexpected(std::string("the daemon did not answer in time"));
        pollfd p{sock.fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        const auto n = ::read(sock.fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return tl::unexpected(std::string("the daemon closed the connection"));
        buffer.append(chunk, static_cast<std::size_t>(n));
        if (buffer.size() > channels::local::k_max_line_bytes) {
            return tl::unexpected(std::string("the daemon's answer is too long"));
        }
    }
    buffer.resize(buffer.find('\n'));
    return buffer;
}

// Sends `request`, reads one line, and checks that its type is `expected`.
tl::expected<json, std::string> ask(const std::filesystem::path& socket_path,
                                    const std::string& request, const std::string& expected,
                                    std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    Fd sock{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    if (sock.fd < 0) return tl::unexpected(std::string("socket: ") + std::strerror(errno));
    if (auto connected = connect_to(sock, socket_path); !connected) {
        return tl::unexpected(connected.error());
    }
    if (::send(sock.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        return tl::unexpected(std::string("cannot write to the daemon's socket"));
    }
    auto line = read_line(sock, deadline);
    if (!line) return tl::unexpected(line.error());
    json answer = json::parse(*line, nullptr, /*allow_exceptions=*/false);
    if (!answer.is_object()) return tl::unexpected(std::string("the daemon's answer is not JSON"));
    const auto type = answer.value("type", std::string());
    if (type == "error") {
        // A daemon older than the request says it does not know the type.
        return tl::unexpected("the daemon answered: " + answer.value("message", std::string()));
    }
    if (type != expected) return tl::unexpected("unexpected answer type \"" + type + "\"");
    answer.erase("type");
    return answer;
}

} // namespace

tl::expected<json, std::string> query_daemon_status(const std::filesystem::path& socket_path,
                                                    std::chrono::milliseconds timeout) {
    return ask(socket_path, channels::local::encode_daemon_status_request(), "daemon_status",
               timeout);
}

tl::expected<json, std::string> query_sync_groups(const std::filesystem::path& socket_path,
                                                  std::chrono::milliseconds timeout) {
    auto answer =
        ask(socket_path, channels::local::encode_sync_groups_request(), "sync_groups", timeout);
    if (!answer) return answer;
    auto channels = (*answer)["channels"];
    if (!channels.is_array()) return tl::unexpected(std::string("the daemon's answer has no channels"));
    return channels;
}

} // namespace nanoclaw::ops
