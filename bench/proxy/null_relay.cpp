// SPDX-License-Identifier: MIT
// The floor any HTTP proxy pays in ../shared/bench-reference's side-by-side harness: a relay
// that copies bytes between each client connection and its own upstream connection, with no
// parsing, no admission, no rewriting and no timeouts (one thread, epoll, level-triggered).
// Same command line as proxy_standalone, so the harness can run it as PORT_PROXY_BIN:
// `null_relay <root> <port>` reads ANTHROPIC_BASE_URL's port from <root>/.env (the upstream must
// be http://127.0.0.1:<port>), prints a run prefix (`/r/null-relay`, passed on untouched: the
// harness's mock answers by query, whatever the path) and relays until killed.
// What it measures: the CPU and req/s left for the proxy after the kernel's share of two
// loopback hops; not a proxy to use.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <unordered_map>

namespace {

int upstream_port(const std::string& root) {
    std::ifstream env(root + "/.env");
    const std::string prefix = "ANTHROPIC_BASE_URL=http://127.0.0.1:";
    for (std::string line; std::getline(env, line);) {
        if (line.rfind(prefix, 0) == 0) return std::stoi(line.substr(prefix.size()));
    }
    return 0;
}

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: null_relay <root> <port>\n";
        return 2;
    }
    const int up_port = upstream_port(argv[1]);
    if (up_port <= 0) {
        std::cerr << "null_relay: <root>/.env needs ANTHROPIC_BASE_URL=http://127.0.0.1:<port>\n";
        return 2;
    }
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const auto listen_at = loopback(std::stoi(argv[2]));
    if (::bind(listener, reinterpret_cast<const sockaddr*>(&listen_at), sizeof listen_at) != 0 ||
        ::listen(listener, 128) != 0) {
        std::perror("null_relay: listen");
        return 1;
    }
    std::cout << "/r/null-relay" << std::endl;
    const int ep = ::epoll_create1(0);
    auto watch = [ep](int fd) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    };
    watch(listener);
    std::unordered_map<int, int> peer;
    std::array<char, 65536> buf{};
    std::array<epoll_event, 64> events{};
    for (;;) {
        const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
        for (int i = 0; i < n; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            if (fd == listener) {
                const int client = ::accept(listener, nullptr, nullptr);
                const int up = ::socket(AF_INET, SOCK_STREAM, 0);
                const auto to = loopback(up_port);
                if (client < 0 || ::connect(up, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
                    ::close(client);
                    ::close(up);
                    continue;
                }
                ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                ::setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                peer[client] = up;
                peer[up] = client;
                watch(client);
                watch(up);
                continue;
            }
            const auto it = peer.find(fd);
            if (it == peer.end()) continue;
            const int other = it->second;
            const auto got = ::recv(fd, buf.data(), buf.size(), 0);
            if (got <= 0) {
                ::close(fd);
                ::close(other);
                peer.erase(fd);
                peer.erase(other);
                continue;
            }
            // Blocking sockets: a full send buffer just waits (loopback, a benchmark).
            for (ssize_t off = 0; off < got;) {
                const auto sent = ::send(other, buf.data() + off, static_cast<std::size_t>(got - off), MSG_NOSIGNAL);
                if (sent <= 0) break;
                off += sent;
            }
        }
    }
}
