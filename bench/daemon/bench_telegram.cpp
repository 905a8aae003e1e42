// SPDX-License-Identifier: MIT
#include "bench_telegram.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "bench_process.hpp"
#include "fake_telegram.hpp"

namespace nanoclaw::bench {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr std::int64_t k_chat = -100200300;

// The group the updates go to, registered as the main agent would (an IPC request).
void register_group(const fs::path& root) {
    const auto dir = root / "data" / "ipc" / "main" / "tasks";
    fs::create_directories(dir);
    {
        std::ofstream f(dir / "1-tg.json.tmp");
        f << nlohmann::json{{"type", "register_group"}, {"jid", "tg:" + std::to_string(k_chat)},
                            {"name", "Bench"}, {"folder", "tg_bench"}, {"trigger", "@Andy"}}
                 .dump();
    }
    fs::rename(dir / "1-tg.json.tmp", dir / "1-tg.json");
    const auto deadline = monotonic_ns() + 10'000'000'000LL;
    while (!fs::exists(root / "groups" / "tg_bench" / "logs")) {
        if (monotonic_ns() > deadline) throw std::runtime_error("Telegram group not registered");
        std::this_thread::sleep_for(5ms);
    }
}

} // namespace

void bench_telegram(int n, int idle_seconds, nlohmann::json& out) {
    const auto root = fresh_root("telegram");
    testing::FakeTelegram bot("123456:BENCH-token");
    std::ofstream(root / ".env") << "TELEGRAM_BOT_TOKEN=123456:BENCH-token\n";
    Daemon d(root, {{"TELEGRAM_API_BASE_URL", bot.base_url()}});
    d.start();
    if (!bot.wait_for([&] { return !bot.calls_of("getUpdates").empty(); }))
        throw std::runtime_error("the daemon never polled the fake Bot API");
    register_group(root);
    std::vector<double> to_exec;
    for (int i = 0; i < n; ++i) {
        const auto t0 = monotonic_ns();
        bot.push_update(bot.text_update(k_chat, "group", "@andy_ai_bot latency " + std::to_string(i)));
        if (!bot.wait_for([&] { return bot.sent_messages().size() > static_cast<std::size_t>(i); }))
            throw std::runtime_error("no reply to update " + std::to_string(i));
        long long exec_ns = 0, write_ns = 0;
        const auto text = bot.sent_messages()[static_cast<std::size_t>(i)].value("text", "");
        std::sscanf(text.c_str(), "%lld %lld", &exec_ns, &write_ns);
        to_exec.push_back(static_cast<double>(exec_ns - t0) / 1e6);
        std::this_thread::sleep_for(10ms);
    }
    const auto p = percentiles(to_exec);
    nlohmann::json t;
    t["update_to_exec_ms"] = {{"p50", p.p50}, {"p99", p.p99}, {"n", n}};
    bench_idle(d, idle_seconds, t);
    t["connections_opened"] = bot.connections_accepted();
    out["telegram"] = t;
    d.stop();
    fs::remove_all(root);
}

} // namespace nanoclaw::bench
