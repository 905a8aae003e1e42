// SPDX-License-Identifier: MIT
#include "daemon_harness.hpp"

#include "daemon_launch.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

namespace nanoclaw::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string read_all(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

fs::path fake_runtime_path() {
    return fs::path(NANOCLAW_SOURCE_DIR) / "tests" / "support" / "fake-runtime" / "fake-runtime";
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

DaemonProcess::DaemonProcess(fs::path root, std::map<std::string, std::string> extra_env)
    : root_(std::move(root)) {
    fs::create_directories(root_ / "home");
    env_ = {{"HOME", (root_ / "home").string()},
            {"PATH", "/usr/local/bin:/usr/bin:/bin"},
            {"TZ", "UTC"},
            {"LOG_LEVEL", "debug"},
            {"CONTAINER_RUNTIME_BIN", fake_runtime_path().string()},
            {"FAKE_RUNTIME_RECORD", (root_ / "runtime-record.jsonl").string()},
            {"FAKE_RUNTIME_STATE", (root_ / "runtime-state").string()},
            {"CREDENTIAL_PROXY_PORT", "0"},
            {"CREDENTIAL_PROXY_HOST", "127.0.0.1"},
            // The preflight would resolve api.anthropic.com: tests and benchmarks stay on
            // loopback (the preflight's own tests turn it on against a local upstream).
            {"NANOCLAW_PREFLIGHT", "off"},
            {"SHUTDOWN_GRACE_MS", "2000"}};
    fs::create_directories(root_ / "runtime-state");
    for (auto& [k, v] : extra_env)
        env_[k] = v;
}

DaemonProcess::~DaemonProcess() {
    if (pid_ > 0) kill9();
}

void DaemonProcess::start() {
    const auto log_path = root_ / "daemon.log";
    std::error_code size_ec;
    const auto log_offset = fs::exists(log_path) ? fs::file_size(log_path, size_ec) : 0;
    pid_ = launch_daemon(NANOCLAWD_PATH, root_, env_, log_path);
    int status = 0;
    // Ready means this daemon said so: a socket file left by a killed daemon must not count.
    const bool up = eventually([&] {
        const bool ready = log().find(" ready root=", log_offset) != std::string::npos;
        const int fd = ready ? connect_unix(socket()) : -1;
        if (fd >= 0) ::close(fd);
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return true;
        }
        return fd >= 0;
    });
    if (!up || pid_ < 0) {
        throw std::runtime_error("nanoclawd did not start (status " + std::to_string(status) +
                                 "):\n" + log());
    }
}

int DaemonProcess::terminate(std::chrono::milliseconds limit) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    const bool exited =
        eventually([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, limit);
    if (!exited) {
        kill9();
        return -1;
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void DaemonProcess::kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

std::vector<std::vector<std::string>> DaemonProcess::commands() const {
    std::vector<std::vector<std::string>> out;
    std::istringstream lines(read_all(root_ / "runtime-record.jsonl"));
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        auto argv = nlohmann::json::parse(line, nullptr, false)["argv"];
        if (argv.is_array() && !argv.empty()) out.push_back(argv.get<std::vector<std::string>>());
    }
    return out;
}

std::vector<std::vector<std::string>> DaemonProcess::runs() const {
    auto all = commands();
    std::erase_if(all, [](const auto& argv) { return argv.front() != "run"; });
    return all;
}

std::string DaemonProcess::log() const {
    return read_all(root_ / "daemon.log");
}

void write_ipc_request(const fs::path& root, const std::string& folder, const std::string& kind,
                       const std::string& name, const std::string& json) {
    const auto dir = root / "data" / "ipc" / folder / kind;
    fs::create_directories(dir);
    {
        std::ofstream out(dir / (name + ".tmp"));
        out << json;
    }
    fs::rename(dir / (name + ".tmp"), dir / name);
}

} // namespace nanoclaw::testing
