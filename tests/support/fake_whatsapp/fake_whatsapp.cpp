// SPDX-License-Identifier: MIT
#include "fake_whatsapp.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace nanoclaw::testing {

using json = nlohmann::json;

struct FakeWhatsApp::Connection {
    int fd = -1;
    bool open = true;
    std::mutex write_mutex;
};

FakeWhatsApp::FakeWhatsApp() {
    char templ[] = "/tmp/fake-wa-XXXXXX";
    if (::mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = templ;
    socket_path_ = dir_ + "/bridge.sock";
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path_.c_str(), sizeof(addr.sun_path) - 1);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listener_, 16) != 0)
        throw std::runtime_error("fake WhatsApp bridge: cannot listen on " + socket_path_);
    acceptor_ = std::thread([this] { accept_loop(); });
}

FakeWhatsApp::~FakeWhatsApp() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto& c : connections_)
            ::shutdown(c->fd, SHUT_RDWR);
    }
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (auto& t : readers_)
        t.join();
    for (auto& c : connections_)
        ::close(c->fd);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

std::string FakeWhatsApp::command() const {
    return "python3 " NANOCLAW_FAKE_WHATSAPP_DIR "/fake_bridge.py";
}

std::map<std::string, std::string> FakeWhatsApp::env() const {
    return {{"WHATSAPP_BRIDGE_COMMAND", command()}, {"FAKE_WA_SOCKET", socket_path_}};
}

json FakeWhatsApp::connected_event() {
    return json{
        {"type", "connected"},
        {"user",
         {{"id", "1234567890:1@s.whatsapp.net"}, {"lid", "9876543210:1@lid"}, {"name", "Me"}}}};
}

void FakeWhatsApp::accept_loop() {
    for (;;) {
        const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        std::lock_guard lock(mutex_);
        if (stopping_) {
            ::close(fd);
            return;
        }
        auto conn = std::make_shared<Connection>();
        conn->fd = fd;
        const int index = static_cast<int>(connections_.size());
        connections_.push_back(conn);
        hellos_.push_back(json());
        times_.push_back(std::chrono::steady_clock::now());
        readers_.emplace_back([this, conn, index] { read_loop(conn, index); });
        changed_.notify_all();
    }
}

void FakeWhatsApp::read_loop(std::shared_ptr<Connection> conn, int index) {
    std::string buffer;
    char chunk[65536];
    for (;;) {
        const auto n = ::read(conn->fd, chunk, sizeof chunk);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<std::size_t>(n));
        for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
            auto parsed = json::parse(buffer.substr(0, nl), nullptr, false);
            buffer.erase(0, nl + 1);
            if (parsed.is_object() && parsed.contains("fake_hello")) {
                std::lock_guard lock(mutex_);
                hellos_[static_cast<std::size_t>(index)] = parsed["fake_hello"];
                changed_.notify_all();
            } else if (parsed.is_object()) {
                handle(conn, index, parsed);
            }
        }
    }
    std::lock_guard lock(mutex_);
    conn->open = false;
    changed_.notify_all();
}

void FakeWhatsApp::handle(const std::shared_ptr<Connection>& conn, int index, const json& command) {
    std::vector<std::string> answers;
    {
        std::lock_guard lock(mutex_);
        auto recorded = command;
        recorded["conn"] = index;
        commands_.push_back(recorded);
        const auto cmd = command.value("cmd", "");
        const auto id = command.value("request_id", json());
        if (cmd == "connect") {
            if (!connect_reasons_.empty()) {
                const int reason = connect_reasons_.front();
                connect_reasons_.erase(connect_reasons_.begin());
                answers.push_back("O" + json{{"type", "disconnected"},
                                             {"reason", reason},
                                             {"message", "scripted"}}
                                            .dump());
            } else if (auto_connect_) {
                answers.push_back("O" + connected_event().dump());
            }
        } else if (cmd == "send" && auto_sends_) {
            if (fail_sends_ > 0) {
                --fail_sends_;
                answers.push_back("O" + json{{"type", "send_failed"},
                                             {"request_id", id},
                                             {"error", "scripted failure"}}
                                            .dump());
            } else {
                delivered_.push_back(command.value("text", ""));
                answers.push_back("O" + json{{"type", "sent"},
                                             {"request_id", id},
                                             {"id", "WA" + std::to_string(next_message_++)}}
                                            .dump());
            }
        } else if (cmd == "fetch_groups") {
            answers.push_back(
                "O" + json{{"type", "groups"}, {"request_id", id}, {"groups", groups_}}.dump());
        } else if (cmd == "shutdown") {
            answers.push_back("X0");
        }
        changed_.notify_all();
    }
    for (const auto& line : answers)
        write(conn, line);
}

void FakeWhatsApp::write(const std::shared_ptr<Connection>& conn, const std::string& line) {
    std::lock_guard lock(conn->write_mutex);
    const std::string data = line + "\n";
    std::size_t done = 0;
    while (done < data.size()) {
        const auto n = ::send(conn->fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

void FakeWhatsApp::set_auto_connect(bool on) {
    std::lock_guard lock(mutex_);
    auto_connect_ = on;
}
void FakeWhatsApp::disconnect_next_connects(std::vector<int> reasons) {
    std::lock_guard lock(mutex_);
    connect_reasons_ = std::move(reasons);
}
void FakeWhatsApp::fail_next_sends(int n) {
    std::lock_guard lock(mutex_);
    fail_sends_ = n;
}
void FakeWhatsApp::set_auto_answer_sends(bool on) {
    std::lock_guard lock(mutex_);
    auto_sends_ = on;
}
void FakeWhatsApp::set_groups(json groups) {
    std::lock_guard lock(mutex_);
    groups_ = std::move(groups);
}

void FakeWhatsApp::emit(const json& event) {
    emit_raw(event.dump());
}

void FakeWhatsApp::emit_raw(const std::string& stdout_line) {
    std::shared_ptr<Connection> conn;
    {
        std::lock_guard lock(mutex_);
        if (connections_.empty()) return;
        conn = connections_.back();
    }
    write(conn, "O" + stdout_line);
}

void FakeWhatsApp::emit_stderr(const std::string& line) {
    std::shared_ptr<Connection> conn;
    {
        std::lock_guard lock(mutex_);
        if (connections_.empty()) return;
        conn = connections_.back();
    }
    write(conn, "E" + line);
}

void FakeWhatsApp::crash() {
    std::lock_guard lock(mutex_);
    if (!connections_.empty()) ::shutdown(connections_.back()->fd, SHUT_RDWR);
}

int FakeWhatsApp::connections() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(connections_.size());
}

bool FakeWhatsApp::bridge_alive() const {
    std::lock_guard lock(mutex_);
    return !connections_.empty() && connections_.back()->open;
}

json FakeWhatsApp::hello(int index) const {
    std::lock_guard lock(mutex_);
    return index < static_cast<int>(hellos_.size()) ? hellos_[static_cast<std::size_t>(index)]
                                                    : json();
}

std::vector<std::chrono::steady_clock::time_point> FakeWhatsApp::connection_times() const {
    std::lock_guard lock(mutex_);
    return times_;
}

std::vector<json> FakeWhatsApp::commands() const {
    std::lock_guard lock(mutex_);
    return commands_;
}

std::vector<json> FakeWhatsApp::commands_of(const std::string& cmd) const {
    std::vector<json> out;
    for (auto& c : commands())
        if (c.value("cmd", "") == cmd) out.push_back(c);
    return out;
}

std::vector<std::string> FakeWhatsApp::delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
}

bool FakeWhatsApp::wait_for(const std::function<bool()>& done,
                            std::chrono::milliseconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::milliseconds(20));
    }
    return true;
}

} // namespace nanoclaw::testing
