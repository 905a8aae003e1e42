// SPDX-License-Identifier: MIT
// An in-test stand-in for nanoclawd: a blocking Unix-socket server on its own thread that accepts
// one client, reads its first line and then runs a script of writes. Used to test the CLI
// clients, which block in their own io_context.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

namespace nanoclaw::testing {

class FakeDaemon {
  public:
    /// `script(fd)` runs after the client's first line was read; it may write and read `fd`.
    FakeDaemon(const std::filesystem::path& path, std::function<void(FakeDaemon&)> script)
        : script_(std::move(script)) {
        listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listen_fd_, 4) != 0) {
            throw std::runtime_error("fake daemon cannot listen");
        }
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeDaemon() {
        if (thread_.joinable()) thread_.join();
        ::close(listen_fd_);
    }
    FakeDaemon(const FakeDaemon&) = delete;
    FakeDaemon& operator=(const FakeDaemon&) = delete;

    void write(const std::string& line) {
        std::size_t off = 0;
        while (off < line.size()) {
            auto n = ::send(client_fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return;
            off += static_cast<std::size_t>(n);
        }
    }
    /// Reads one line ("" at end of stream).
    std::string read_line() {
        std::string line;
        char c = 0;
        while (::read(client_fd_, &c, 1) == 1) {
            if (c == '\n') return line;
            line += c;
        }
        return line;
    }
    /// Blocks until the client hangs up.
    void wait_for_hangup() {
        char buf[256];
        while (::read(client_fd_, buf, sizeof buf) > 0) {
        }
    }
    /// Waits for the script to finish and returns the client's first line.
    std::string join() {
        if (thread_.joinable()) thread_.join();
        return first_line_;
    }

  private:
    void serve() {
        client_fd_ = ::accept(listen_fd_, nullptr, nullptr);
        if (client_fd_ < 0) return;
        first_line_ = read_line();
        script_(*this);
        ::close(client_fd_);
    }

    std::function<void(FakeDaemon&)> script_;
    int listen_fd_ = -1;
    int client_fd_ = -1;
    std::string first_line_;
    std::thread thread_;
};

} // namespace nanoclaw::testing
