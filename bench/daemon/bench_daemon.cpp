// SPDX-License-Identifier: MIT
// nanoclawd benchmark (issue: orchestrator targets). Starts the real daemon with a compiled fake
// runtime and measures, black-box: message -> runtime exec, container output -> channel,
// IPC file -> channel, idle cost, start-up (1 group; 1,000 groups + 100,000 messages), and a
// burst of messages (store rate, everything reaching the agent, peak RSS).
// Usage: bench_daemon [--messages N] [--idle-seconds S] [--gap-ms G] [--json FILE]
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include "bench_process.hpp"
#include "bench_telegram.hpp"
#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/store/store.hpp"

using namespace nanoclaw;
using namespace nanoclaw::bench;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Message -> exec and output -> channel, one message at a time (each is a full agent run).
// Messages are `gap` apart, as a person types: the fake agent exits right after its reply, and
// a message landing in the millisecond before that exit is reaped is (correctly) piped into the
// finishing run, then taken back and run anew; that would measure the fake's exit, not a start.
void bench_latency(Daemon& d, const fs::path& root, int n, std::chrono::milliseconds gap,
                   nlohmann::json& out) {
    Client c(root / "data" / "nanoclawd.sock");
    std::vector<double> to_exec, to_channel;
    for (int i = 0; i < n; ++i) {
        const auto t0 = monotonic_ns();
        c.say("main", "latency " + std::to_string(i));
        auto reply = c.next_reply(10s);
        const auto received = monotonic_ns();
        if (!reply) throw std::runtime_error("no reply to message " + std::to_string(i));
        long long exec_ns = 0, write_ns = 0;
        std::sscanf(reply->c_str(), "%lld %lld", &exec_ns, &write_ns);
        to_exec.push_back(static_cast<double>(exec_ns - t0) / 1e6);
        to_channel.push_back(static_cast<double>(received - write_ns) / 1e6);
        std::this_thread::sleep_for(gap);
    }
    (void)d;
    const auto e = percentiles(to_exec), o = percentiles(to_channel);
    out["message_to_exec_ms"] = {{"p50", e.p50}, {"p99", e.p99}, {"n", n}, {"gap_ms", gap.count()}};
    out["output_to_channel_ms"] = {{"p50", o.p50}, {"p99", o.p99}, {"n", n}};
}

void bench_ipc(const fs::path& root, int n, nlohmann::json& out) {
    Client c(root / "data" / "nanoclawd.sock");
    c.send_line(R"({"type":"subscribe","chat":"main"})");
    std::this_thread::sleep_for(100ms);
    const auto dir = root / "data" / "ipc" / "main" / "messages";
    fs::create_directories(dir);
    std::vector<double> lat;
    for (int i = 0; i < n; ++i) {
        const std::string text = "ipc " + std::to_string(i);
        const auto name = std::to_string(1'700'000'000'000LL + i) + "-bench.json";
        const auto t0 = monotonic_ns();
        {
            std::ofstream f(dir / (name + ".tmp"));
            f << nlohmann::json{{"type", "message"}, {"chatJid", "local:main"}, {"text", text}}
                     .dump();
        }
        fs::rename(dir / (name + ".tmp"), dir / name);
        auto reply = c.next_reply(10s);
        if (!reply || *reply != text)
            throw std::runtime_error("IPC message not delivered: " + text);
        lat.push_back(static_cast<double>(monotonic_ns() - t0) / 1e6);
    }
    const auto p = percentiles(lat);
    out["ipc_to_channel_ms"] = {{"p50", p.p50}, {"p99", p.p99}, {"n", n}};
}

long long count_messages(const fs::path& root, const std::string& like) {
    SQLite::Database db((root / "store" / "messages.db").string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(2000);
    SQLite::Statement q(db, "SELECT COUNT(*) FROM messages WHERE content LIKE ?");
    q.bind(1, like);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

bool all_answered(const fs::path& root) {
    SQLite::Database db((root / "store" / "messages.db").string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(2000);
    SQLite::Statement q(
        db, "SELECT (SELECT MAX(rowid) FROM messages WHERE chat_jid = 'local:main') <= "
            "json_extract((SELECT value FROM router_state WHERE key = 'delivery_cursors'), "
            "'$.\"local:main\".seq')");
    return q.executeStep() && q.getColumn(0).getInt() == 1;
}

void bench_burst(Daemon& d, const fs::path& root, int n, nlohmann::json& out) {
    Client c(root / "data" / "nanoclawd.sock");
    const auto t0 = monotonic_ns();
    for (int i = 0; i < n; ++i)
        c.say("main", "burst " + std::to_string(i));
    while (count_messages(root, "burst %") < n)
        std::this_thread::sleep_for(1ms);
    const double store_s = static_cast<double>(monotonic_ns() - t0) / 1e9;
    const auto deadline = monotonic_ns() + 120'000'000'000LL;
    while (!all_answered(root) && monotonic_ns() < deadline) {
        c.next_reply(20ms); // keep reading so the client is never the bottleneck
    }
    out["burst"] = {{"messages", n},
                    {"stored_per_second", n / store_s},
                    {"all_reached_agent", all_answered(root)},
                    {"seconds_until_all_answered", static_cast<double>(monotonic_ns() - t0) / 1e9},
                    {"peak_rss_kb", d.stats().hwm_kb}};
}

// A store with 1,000 groups and 100,000 messages, all already answered.
void populate_large(const fs::path& root) {
    core::SystemClock clock;
    auto db = store::Store::open(root / "store" / "messages.db", store::StoreOptions(clock));
    std::vector<core::NewMessage> messages;
    const auto base = std::chrono::system_clock::now() - 24h;
    for (int g = 0; g < 1000; ++g) {
        const std::string jid = "local:g" + std::to_string(g);
        db.store_chat_metadata(jid, core::format_iso(base), jid, std::string("local"), false);
        core::RegisteredGroup group{"group " + std::to_string(g),
                                    "g" + std::to_string(g),
                                    "@Andy",
                                    core::format_iso(base),
                                    {},
                                    {},
                                    g == 0 ? std::optional(true) : std::nullopt};
        db.set_registered_group(jid, group);
        for (int m = 0; m < 100; ++m) {
            core::NewMessage msg;
            msg.id = "m" + std::to_string(g) + "-" + std::to_string(m);
            msg.chat_jid = jid;
            msg.sender = msg.sender_name = "user";
            msg.content = "message " + std::to_string(m);
            msg.timestamp = core::format_iso(base + std::chrono::milliseconds(g * 100 + m));
            messages.push_back(std::move(msg));
        }
        db.set_delivery_cursor(jid, 1LL << 40, "");
    }
    db.store_messages(messages);
}

void print_table(const nlohmann::json& r) {
    std::printf("%-40s %12s %12s\n", "metric", "p50 / value", "p99");
    auto row = [&](const char* name, const char* key) {
        if (r.contains(key))
            std::printf("%-40s %12.3f %12.3f\n", name, r[key]["p50"].get<double>(),
                        r[key]["p99"].get<double>());
    };
    row("message -> runtime exec (ms)", "message_to_exec_ms");
    row("container output -> channel (ms)", "output_to_channel_ms");
    row("IPC file -> channel (ms)", "ipc_to_channel_ms");
    auto val = [&](const char* name, double v) { std::printf("%-40s %12.3f\n", name, v); };
    val("start-up to ready, 1 group (ms)", r["startup_1_group_ms"].get<double>());
    val("start-up, 1000 groups + 100k msgs (ms)", r["startup_1000_groups_ms"].get<double>());
    val("idle RSS (MB)", r["idle"]["rss_kb"].get<double>() / 1024);
    val("  of which anonymous (MB)", r["idle"]["rss_anon_kb"].get<double>() / 1024);
    val("  of which mapped files (MB)", r["idle"]["rss_file_kb"].get<double>() / 1024);
    val("idle threads", r["idle"]["threads"].get<double>());
    val("idle CPU (ms over the window)", r["idle"]["cpu_ms"].get<double>());
    val("idle wake-ups per minute", r["idle"]["wakeups_per_minute"].get<double>());
    if (r.contains("telegram")) {
        const auto& t = r["telegram"];
        std::printf("%-40s %12.3f %12.3f\n", "Telegram update -> runtime exec (ms)",
                    t["update_to_exec_ms"]["p50"].get<double>(),
                    t["update_to_exec_ms"]["p99"].get<double>());
        val("Telegram idle RSS (MB)", t["idle"]["rss_kb"].get<double>() / 1024);
        val("Telegram idle wake-ups per minute", t["idle"]["wakeups_per_minute"].get<double>());
        val("Telegram idle threads", t["idle"]["threads"].get<double>());
    }
    val("burst: messages stored per second", r["burst"]["stored_per_second"].get<double>());
    val("burst: seconds until all answered",
        r["burst"]["seconds_until_all_answered"].get<double>());
    val("burst: peak RSS (MB)", r["burst"]["peak_rss_kb"].get<double>() / 1024);
    std::printf("burst: every message reached the agent: %s\n",
                r["burst"]["all_reached_agent"].get<bool>() ? "yes" : "NO");
}

} // namespace

int main(int argc, char** argv) {
    int messages = 1000, idle_seconds = 60, gap_ms = 10;
    std::string json_file;
    const char* usage =
        "usage: bench_daemon [--messages N] [--idle-seconds S] [--gap-ms G] [--json FILE]\n";
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            std::printf("%s", usage);
            return 0;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "%s: missing value\n%s", flag.c_str(), usage);
            return 2;
        }
        try {
            if (flag == "--messages")
                messages = std::stoi(argv[i + 1]);
            else if (flag == "--idle-seconds")
                idle_seconds = std::stoi(argv[i + 1]);
            else if (flag == "--gap-ms")
                gap_ms = std::stoi(argv[i + 1]);
            else if (flag == "--json")
                json_file = argv[i + 1];
            else {
                std::fprintf(stderr, "unknown option %s\n%s", flag.c_str(), usage);
                return 2;
            }
        } catch (const std::exception&) {
            std::fprintf(stderr, "%s: not a number: %s\n", flag.c_str(), argv[i + 1]);
            return 2;
        }
    }
    nlohmann::json result;
    const auto root = fresh_root("main");
    {
        Daemon first(root);
        first.start(); // creates the database and registers local:main
    }
    // The median of 11 starts: a single start in a shared VM varies by several milliseconds.
    std::vector<double> starts;
    for (int i = 0; i < 11; ++i) {
        Daemon d(root);
        starts.push_back(d.start());
    }
    result["startup_1_group_ms"] = percentiles(starts).p50;
    {
        Daemon d(root);
        d.start();
        bench_latency(d, root, messages, std::chrono::milliseconds(gap_ms), result);
        bench_ipc(root, std::min(messages, 200), result);
        bench_idle(d, idle_seconds, result);
    }
    {
        const auto burst_root = fresh_root("burst");
        Daemon d(burst_root);
        d.start();
        bench_burst(d, burst_root, 1000, result);
        fs::remove_all(burst_root);
    }
    bench_telegram(std::min(messages, 200), idle_seconds, result);
    const auto large = fresh_root("large");
    populate_large(large);
    std::vector<double> large_starts;
    for (int i = 0; i < 3; ++i) {
        Daemon d(large);
        large_starts.push_back(d.start());
    }
    result["startup_1000_groups_ms"] = percentiles(large_starts).p50;
    fs::remove_all(large);
    fs::remove_all(root);
    print_table(result);
    std::printf("%s\n", result.dump().c_str());
    if (!json_file.empty()) std::ofstream(json_file) << result.dump(2) << "\n";
    return 0;
}
