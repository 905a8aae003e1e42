// SPDX-License-Identifier: MIT
#include "local_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/errors.hpp"

namespace nanoclaw::channels::local {
namespace {

namespace fs = std::filesystem;

enum class Probe { absent, live, stale };

void check_length(const fs::path& path) {
    if (path.native().size() >= sizeof(sockaddr_un::sun_path)) {
        throw core::FatalError("socket path too long for a Unix socket (max " +
                               std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                               " bytes): " + path.string());
    }
}

// A blocking connect is fine here: it runs once at start-up and a Unix-socket connect either
// succeeds or fails immediately.
bool accepts_connections(const fs::path& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw core::FatalError(std::string("socket() failed: ") + std::strerror(errno));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.native().size());
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    int err = errno;
    ::close(fd);
    if (rc == 0) return true;
    if (err == ECONNREFUSED) return false;
    throw core::FatalError("cannot probe socket " + path.string() + ": " + std::strerror(err));
}

Probe probe(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return Probe::absent;
        throw core::FatalError("cannot stat " + path.string() + ": " + std::strerror(errno));
    }
    // Never delete something that is not a socket: it is not ours.
    if (!S_ISSOCK(st.st_mode))
        throw core::FatalError(path.string() + " exists and is not a socket");
    return accepts_connections(path) ? Probe::live : Probe::stale;
}

void bind_private(Acceptor& acceptor, const fs::path& path) {
    // The umask makes the file 0600 at creation, so there is no window in which another user
    // could connect. Start-up is single-threaded, so the process-wide umask change is safe.
    boost::system::error_code ec;
    mode_t old_mask = ::umask(0177);
    acceptor.bind(Protocol::endpoint(path.string()), ec);
    ::umask(old_mask);
    if (ec) throw core::FatalError("cannot bind " + path.string() + ": " + ec.message());
    ::chmod(path.c_str(), 0600); // belt and braces for filesystems that ignore the umask
}

} // namespace

Acceptor listen_unix(const asio::any_io_executor& ex, const fs::path& path) {
    check_length(path);
    std::error_code fs_ec;
    fs::create_directories(path.parent_path(), fs_ec);
    switch (probe(path)) {
    case Probe::live:
        throw core::FatalError("another nanoclawd is running (listening on " + path.string() + ")");
    case Probe::stale:
        spdlog::info("Removing stale local channel socket {}", path.string());
        fs::remove(path, fs_ec);
        break;
    case Probe::absent:
        break;
    }
    Acceptor acceptor(ex);
    acceptor.open(Protocol());
    bind_private(acceptor, path);
    boost::system::error_code ec;
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw core::FatalError("cannot listen on " + path.string() + ": " + ec.message());
    return acceptor;
}

Socket connect_unix(const asio::any_io_executor& ex, const fs::path& path) {
    const std::string not_running = "nanoclawd is not running (no socket at " + path.string() + ")";
    if (path.native().size() >= sizeof(sockaddr_un::sun_path)) {
        throw std::runtime_error("socket path too long: " + path.string());
    }
    Socket socket(ex);
    boost::system::error_code ec;
    socket.connect(Protocol::endpoint(path.string()), ec);
    if (ec == asio::error::connection_refused ||
        ec == boost::system::errc::no_such_file_or_directory) {
        throw std::runtime_error(not_running);
    }
    if (ec) throw std::runtime_error("cannot connect to " + path.string() + ": " + ec.message());
    return socket;
}

} // namespace nanoclaw::channels::local
