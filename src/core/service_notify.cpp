// SPDX-License-Identifier: MIT
#include "nanoclaw/core/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace nanoclaw::core {
namespace {

std::optional<std::string> take(const char* key) {
    const char* value = std::getenv(key);
    if (value == nullptr) return std::nullopt;
    std::string copy(value);
    ::unsetenv(key);
    return copy;
}

std::optional<long long> positive_number(const std::optional<std::string>& text) {
    if (!text || text->empty()) return std::nullopt;
    char* end = nullptr;
    const long long n = std::strtoll(text->c_str(), &end, 10);
    if (*end != '\0' || n <= 0) return std::nullopt;
    return n;
}

} // namespace

ServiceNotifier ServiceNotifier::take_from_environment() {
    auto socket = take("NOTIFY_SOCKET");
    const auto usec = positive_number(take("WATCHDOG_USEC"));
    const auto pid = positive_number(take("WATCHDOG_PID"));
    std::optional<std::chrono::microseconds> watchdog;
    // WATCHDOG_PID names the process the watchdog is for; absent means this one (sd_watchdog_enabled).
    if (usec && (!pid || *pid == static_cast<long long>(::getpid()))) {
        watchdog = std::chrono::microseconds(*usec);
    }
    return ServiceNotifier(socket.value_or(""), watchdog);
}

bool ServiceNotifier::notify(std::string_view state) const {
    if (socket_.empty()) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_.size() >= sizeof(addr.sun_path)) return false;
    std::memcpy(addr.sun_path, socket_.data(), socket_.size());
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0'; // abstract namespace
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size());
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return false;
    const auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                               reinterpret_cast<const sockaddr*>(&addr), len);
    ::close(fd);
    return sent == static_cast<ssize_t>(state.size());
}

} // namespace nanoclaw::core
