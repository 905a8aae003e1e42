// SPDX-License-Identifier: MIT
#include "bench_process.hpp"

#include <algorithm>

#include "daemon_launch.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace nanoclaw::bench {
namespace fs = std::filesystem;

long long monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

Daemon::Daemon(fs::path root, std::map<std::string, std::string> env) : root_(std::move(root)) {
    fs::create_directories(root_ / "home");
    env_ = {{"HOME", (root_ / "home").string()},
            {"PATH", "/usr/bin:/bin"},
            {"TZ", "UTC"},
            {"LOG_LEVEL", "warn"},
            {"CONTAINER_RUNTIME_BIN", BENCH_FAKE_RUNTIME},
            {"CREDENTIAL_PROXY_PORT", "0"},
            {"CREDENTIAL_PROXY_HOST", "127.0.0.1"},
            // The preflight would resolve api.anthropic.com: tests and benchmarks stay on
            // loopback (the preflight's own tests turn it on against a local upstream).
            {"NANOCLAW_PREFLIGHT", "off"},
            {"MAX_CONCURRENT_CONTAINERS", "5"},
            // Message -> runtime exec is the cold path; bench/agent_start measures warm
            // containers with the real runtime.
            {"WARM_POOL_SIZE", "0"}};
    for (auto& [k, v] : env)
        env_[k] = v;
}

Daemon::~Daemon() {
    stop();
}

double Daemon::start() {
    const auto log = (root_ / "daemon.log").string();
    const auto t0 = monotonic_ns();
    pid_ = testing::launch_daemon(NANOCLAWD_PATH, root_, env_, log);
    const auto socket = root_ / "data" / "nanoclawd.sock";
    while (true) {
        if (const int fd = testing::connect_unix(socket); fd >= 0) {
            ::close(fd);
            return static_cast<double>(monotonic_ns() - t0) / 1e6;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_)
            throw std::runtime_error("nanoclawd exited; see " + log);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

void Daemon::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

ProcStats Daemon::stats() const {
    ProcStats s;
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(status, line);) {
        std::istringstream in(line);
        std::string key;
        in >> key;
        if (key == "VmRSS:") in >> s.rss_kb;
        if (key == "RssAnon:") in >> s.rss_anon_kb;
        if (key == "RssFile:") in >> s.rss_file_kb;
        if (key == "VmHWM:") in >> s.hwm_kb;
        if (key == "Threads:") in >> s.threads;
        if (key == "voluntary_ctxt_switches:") in >> s.voluntary_switches;
        if (key == "nonvoluntary_ctxt_switches:") in >> s.involuntary_switches;
    }
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string content((std::istreambuf_iterator<char>(stat)), {});
    std::istringstream fields(content.substr(content.rfind(')') + 2));
    std::vector<std::string> f((std::istream_iterator<std::string>(fields)), {});
    if (f.size() > 12)
        s.cpu_seconds =
            (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
    return s;
}

Client::Client(const fs::path& socket) : testing::LocalClient(socket) {
    if (!connected()) throw std::runtime_error("cannot connect to " + socket.string());
}

void Client::say(const std::string& chat, const std::string& text) {
    if (!testing::LocalClient::say(chat, text, "bench"))
        throw std::runtime_error("socket write failed");
}

Percentiles percentiles(std::vector<double> v) {
    if (v.empty()) return {};
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
    };
    return {at(0.50), at(0.99)};
}

std::filesystem::path fresh_root(const std::string& name) {
    auto dir =
        std::filesystem::temp_directory_path() / ("nanoclaw-bench-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}


void bench_idle(Daemon& d, int seconds, nlohmann::json& out) {
    std::this_thread::sleep_for(std::chrono::seconds(2)); // let the last run's timers settle
    const auto a = d.stats();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const auto b = d.stats();
    const double minutes = seconds / 60.0;
    out["idle"] = {
        {"seconds", seconds},
        {"rss_kb", b.rss_kb},
        {"rss_anon_kb", b.rss_anon_kb},
        {"rss_file_kb", b.rss_file_kb},
        {"threads", b.threads},
        {"cpu_ms", (b.cpu_seconds - a.cpu_seconds) * 1000},
        {"wakeups_per_minute", static_cast<double>(b.voluntary_switches + b.involuntary_switches -
                                                   a.voluntary_switches - a.involuntary_switches) /
                                   minutes}};
}


} // namespace nanoclaw::bench
