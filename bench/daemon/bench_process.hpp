// SPDX-License-Identifier: MIT
// Process plumbing for the daemon benchmark: start nanoclawd, read /proc, talk over the socket.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "local_client.hpp"

namespace nanoclaw::bench {

long long monotonic_ns();

struct ProcStats {
    long rss_kb = 0;
    long rss_anon_kb = 0; ///< heap, stacks, relocated data: memory only this process holds
    long rss_file_kb = 0; ///< mapped code and data of the binary and its libraries (page cache)
    long hwm_kb = 0;
    int threads = 0;
    long voluntary_switches = 0;
    long involuntary_switches = 0;
    double cpu_seconds = 0;
};

/// A nanoclawd child with the bench fake runtime.
class Daemon {
  public:
    Daemon(std::filesystem::path root, std::map<std::string, std::string> env = {});
    ~Daemon();
    /// Starts it and returns the time until its socket accepted a connection (ms).
    double start();
    void stop();
    pid_t pid() const { return pid_; }
    ProcStats stats() const;

  private:
    std::filesystem::path root_;
    std::map<std::string, std::string> env_;
    pid_t pid_ = -1;
};

/// A client of the local socket that must connect (the benchmark cannot go on without it).
class Client : public testing::LocalClient {
  public:
    explicit Client(const std::filesystem::path& socket);
    void say(const std::string& chat, const std::string& text);
};

struct Percentiles {
    double p50 = 0, p99 = 0;
};
Percentiles percentiles(std::vector<double> values);

/// An empty directory under the temp dir, named for this benchmark and process.
std::filesystem::path fresh_root(const std::string& name);

/// Idle cost of `d` over `seconds` (after a 2 s settle): out["idle"] = RSS, threads, CPU,
/// wake-ups per minute.
void bench_idle(Daemon& d, int seconds, nlohmann::json& out);

} // namespace nanoclaw::bench
