// SPDX-License-Identifier: MIT
#include "local_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

namespace nanoclaw::testing {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds left_until(Clock::time_point deadline) {
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
                    std::chrono::milliseconds(0));
}

} // namespace

int connect_unix(const std::filesystem::path& socket) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket.c_str(), sizeof(addr.sun_path) - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

LocalClient::LocalClient(const std::filesystem::path& socket) : fd_(connect_unix(socket)) {}

LocalClient::~LocalClient() {
    if (fd_ >= 0) ::close(fd_);
}

bool LocalClient::send_line(std::string_view line) {
    if (fd_ < 0) return false;
    std::string data(line);
    data += '\n';
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

bool LocalClient::subscribe(const std::string& chat) {
    return send_line(nlohmann::json{{"type", "subscribe"}, {"chat", chat}}.dump());
}

bool LocalClient::say(const std::string& chat, const std::string& text, const std::string& sender) {
    return send_line(
        nlohmann::json{{"type", "message"}, {"chat", chat}, {"sender", sender}, {"text", text}}
            .dump());
}

std::optional<std::string> LocalClient::next_line(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (true) {
        if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        const auto left = left_until(deadline);
        if (left.count() <= 0 || fd_ < 0) return std::nullopt;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
        char buf[65536];
        const auto n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) return std::nullopt;
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
}

std::optional<std::string> LocalClient::next_reply(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (auto line = next_line(left_until(deadline))) {
        const auto j = nlohmann::json::parse(*line, nullptr, false);
        if (j.is_object() && j.value("type", "") == "message") return j.value("text", "");
    }
    return std::nullopt;
}

std::vector<std::string> LocalClient::replies_for(std::chrono::milliseconds limit) {
    std::vector<std::string> out;
    const auto deadline = Clock::now() + limit;
    while (auto reply = next_reply(left_until(deadline)))
        out.push_back(*reply);
    return out;
}

} // namespace nanoclaw::testing
