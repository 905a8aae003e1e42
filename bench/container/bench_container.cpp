// SPDX-License-Identifier: MIT
// p50/p99 of "run requested -> runtime CLI exec'd" and "marker written -> output callback" over
// N sequential runs of the real ContainerRunner.
// Usage: bench_container [runs] [--json FILE] (default 1000 runs; FILE gets the JSON line).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "nanoclaw/container/runner.hpp"

namespace nc = nanoclaw;
namespace fs = std::filesystem;

namespace {

long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Samples {
    std::vector<double> exec_us;
    std::vector<double> marker_us;
    long long requested_ns = 0;
};

nc::awaitable<void> on_output(Samples* s, nc::container::ContainerOutput out) {
    const auto received = now_ns();
    long long exec_ns = 0, write_ns = 0;
    if (out.result && std::sscanf(out.result->c_str(), "%lld %lld", &exec_ns, &write_ns) == 2) {
        s->exec_us.push_back(static_cast<double>(exec_ns - s->requested_ns) / 1000.0);
        s->marker_us.push_back(static_cast<double>(received - write_ns) / 1000.0);
    }
    co_return;
}

nc::awaitable<void> run_all(nc::container::ContainerRunner* runner, Samples* s, int runs) {
    nc::core::RegisteredGroup group{"Bench", "bench", "@Andy", "", {}, {}, {}};
    auto callback = [s](nc::container::ContainerOutput o) { return on_output(s, std::move(o)); };
    for (int i = 0; i < runs; ++i) {
        nc::container::ContainerInput input;
        input.prompt = "bench";
        input.group_folder = "bench";
        input.chat_jid = "bench@g.us";
        s->requested_ns = now_ns();
        co_await runner->run(group, input, callback, {});
    }
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(idx, v.size() - 1)];
}

} // namespace

int main(int argc, char** argv) {
    int runs = 1000;
    std::string json_file;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json" && i + 1 < argc) {
            json_file = argv[++i];
        } else if (!arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos) {
            runs = std::max(1, std::atoi(arg.c_str()));
        } else {
            std::fprintf(stderr, "usage: bench_container [runs] [--json FILE]\n");
            return 2;
        }
    }
    spdlog::set_level(spdlog::level::warn);
    const auto root = fs::temp_directory_path() / ("nanoclaw-bench-" + std::to_string(getpid()));
    nc::core::Config config;
    config.root = root;
    config.groups_dir = root / "groups";
    config.data_dir = root / "data";
    config.store_dir = root / "store";
    config.container_runtime_bin = NANOCLAW_BENCH_FAKE_RUNTIME;
    fs::create_directories(config.groups_dir);
    // A stand-in for the shipped files: host preparation copies the agent-runner source.
    config.share_dir = root / "share";
    fs::create_directories(config.share_dir / "container/agent-runner/src");
    std::ofstream(config.share_dir / "container/agent-runner/src/index.ts") << "// bench\n";
    nc::container::Settings settings;
    nc::container::MountSecurity security(root / "no-allowlist.json", root, root);
    nc::core::SystemClock clock;
    nc::asio::io_context io;
    nc::container::ContainerRunner runner(
        io, config, settings,
        [](const std::string&, nc::container::Admission) {
            return nc::container::RunCredentials{"http://h:1", false, {}, {}};
        },
        security, clock);
    Samples samples;
    nc::asio::co_spawn(io, run_all(&runner, &samples, runs), nc::asio::detached);
    io.run();
    fs::remove_all(root);
    const double e50 = percentile(samples.exec_us, 0.5), e99 = percentile(samples.exec_us, 0.99);
    const double m50 = percentile(samples.marker_us, 0.5),
                 m99 = percentile(samples.marker_us, 0.99);
    std::printf("%-40s %10s %10s %8s\n", "metric", "p50 (us)", "p99 (us)", "samples");
    std::printf("%-40s %10.1f %10.1f %8zu\n", "run requested -> runtime exec'd", e50, e99,
                samples.exec_us.size());
    std::printf("%-40s %10.1f %10.1f %8zu\n", "marker written -> output callback", m50, m99,
                samples.marker_us.size());
    char json[256];
    std::snprintf(json, sizeof json,
                  "{\"bench\":\"container\",\"runs\":%d,\"exec_p50_us\":%.1f,\"exec_p99_us\":%.1f,"
                  "\"marker_p50_us\":%.1f,\"marker_p99_us\":%.1f}\n",
                  runs, e50, e99, m50, m99);
    std::fputs(json, stdout);
    if (!json_file.empty()) std::ofstream(json_file) << json;
    return samples.exec_us.size() == static_cast<std::size_t>(runs) ? 0 : 1;
}
