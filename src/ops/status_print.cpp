// SPDX-License-Identifier: MIT
// `nanoclaw status`, the printing half: the --json report laid out for a person.
#include <ostream>

#include <fmt/format.h>

#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/ops/status.hpp"

namespace nanoclaw::ops {
namespace {

using json = nlohmann::json;

constexpr const char* k_indent = "            ";

std::string str(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "2025-01-02T09:00:00.000Z (in 3h 5m)" or "(2m ago)" for an overdue one.
std::string when(const std::string& iso, long long now_ms) {
    const auto t = core::parse_iso(iso);
    if (!t) return iso;
    const long long ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
    const long long delta = (ms - now_ms) / 1000;
    if (delta >= 0) return fmt::format("{} (in {})", iso, format_duration(delta));
    return fmt::format("{} ({} ago)", iso, format_duration(-delta));
}

// "warm pool  1 of 2 (TTL 30m)" and one line per idle warm container with what it costs.
void print_warm_pool(const json& w, std::ostream& out) {
    const int size = w.value("size", 0);
    const auto containers = w.value("containers", json::array());
    if (size == 0) {
        out << "warm pool   off (WARM_POOL_SIZE=0)\n";
        return;
    }
    out << fmt::format("warm pool   {} of {} (TTL {})\n", containers.size(), size,
                       format_duration(w.value("ttl_s", 0LL)));
    for (const auto& c : containers) {
        std::string usage = "memory and CPU not readable here";
        if (c.contains("memory_bytes") || c.contains("cpu_s")) {
            usage = fmt::format("{:.1f} MiB, CPU {:.2f} s",
                                c.value("memory_bytes", 0.0) / (1024.0 * 1024.0),
                                c.value("cpu_s", 0.0));
        }
        const bool hot = c.value("hot", false);
        out << fmt::format("{}{:<24} {} for {}, {} in {}, {} {}\n", k_indent, str(c, "folder"),
                           c.value("ready", false) ? "ready" : "starting",
                           format_duration(c.value("age_s", 0LL)),
                           hot ? "hot, renewed" : "expires",
                           format_duration(c.value("expires_in_s", 0LL)), usage,
                           str(c, "container"));
    }
}

void print_daemon(const json& d, std::ostream& out) {
    if (!d.value("running", false)) {
        out << fmt::format("daemon      not running ({})\n", str(d, "reason"));
        out << fmt::format("{}start it: {}\n", k_indent, str(d, "start"));
        return;
    }
    if (!d.value("live", true)) {
        out << fmt::format("daemon      running, pid {}; live state unavailable: {}\n",
                           d.value("pid", 0LL), str(d, "reason"));
        return;
    }
    out << fmt::format("daemon      running, pid {}, version {}, up {} (since {})\n",
                       d.value("pid", 0LL), str(d, "version"),
                       format_duration(d.value("uptime_s", 0LL)), str(d, "started_at"));
    bool first = true;
    for (const auto& c : d.value("channels", json::array())) {
        out << fmt::format("{:<12}{:<10} {:<13} {}\n", first ? "channels" : "", str(c, "name"),
                           c.value("connected", false) ? "connected" : "not connected",
                           str(c, "detail"));
        first = false;
    }
    const auto runs = d.value("runs", json::object());
    out << fmt::format("containers  {} running (max {}), {} warm, {} queued\n",
                       runs.value("active", 0), runs.value("max", 0), runs.value("warm", 0),
                       runs.value("queued", 0));
    for (const auto& r : runs.value("groups", json::array())) {
        const auto kind = str(r, "kind");
        out << fmt::format("{}{:<24} {}{} {}\n", k_indent, str(r, "jid"), str(r, "state"),
                           kind.empty() ? "" : " (" + kind + ")", str(r, "container"));
    }
    if (d.contains("warm_pool")) print_warm_pool(d["warm_pool"], out); // absent: older daemon
    const auto proxy = d.value("proxy", json::object());
    out << fmt::format("proxy       {}:{} ({})\n", str(proxy, "host"), proxy.value("port", 0),
                       str(proxy, "auth_mode"));
}

void print_groups(const json& groups, std::ostream& out) {
    out << fmt::format("groups      {} registered\n", groups.size());
    for (const auto& g : groups) {
        const std::string how = g.value("main", false)              ? "main, no trigger needed"
                                : g.value("requires_trigger", true) ? "trigger " + str(g, "trigger")
                                                                    : "no trigger needed";
        out << fmt::format("{}{:<24} {:<16} folder={:<16} {}\n", k_indent, str(g, "jid"),
                           str(g, "name"), str(g, "folder"), how);
    }
}

void print_tasks(const json& tasks, std::ostream& out, long long now_ms) {
    int active = 0, paused = 0, done = 0;
    for (const auto& t : tasks) {
        const auto status = str(t, "status");
        active += status == "active";
        paused += status == "paused";
        done += status == "completed";
    }
    out << fmt::format("tasks       {} active, {} paused, {} completed\n", active, paused, done);
    for (const auto& t : tasks) {
        const auto status = str(t, "status");
        if (status == "completed") continue;
        auto prompt = str(t, "prompt");
        if (prompt.size() > 40) prompt = prompt.substr(0, 37) + "...";
        const std::string next = status == "paused" ? std::string("paused")
                                 : t["next_run"].is_string()
                                     ? "next " + when(str(t, "next_run"), now_ms)
                                     : std::string("no next run");
        out << fmt::format("{}{} [{}] {} {}: {}  \"{}\"\n", k_indent, str(t, "id"),
                           str(t, "group_folder"), str(t, "schedule_type"),
                           str(t, "schedule_value"), next, prompt);
    }
}

void print_usage(const json& usage, std::ostream& out) {
    if (usage.empty()) {
        out << "tokens      none recorded yet\n";
        return;
    }
    out << fmt::format("tokens      {:<20} {:>8} {:>12} {:>12} {:>12} {:>12}\n", "group",
                       "requests", "input", "output", "cache write", "cache read");
    for (const auto& u : usage) {
        out << fmt::format(
            "{}{:<20} {:>8} {:>12} {:>12} {:>12} {:>12}\n", k_indent, str(u, "group_folder"),
            u.value("requests", 0LL), u.value("input_tokens", 0LL), u.value("output_tokens", 0LL),
            u.value("cache_creation_input_tokens", 0LL), u.value("cache_read_input_tokens", 0LL));
    }
}

} // namespace

std::string format_duration(long long s) {
    if (s < 60) return fmt::format("{}s", s);
    if (s < 3600) return fmt::format("{}m {}s", s / 60, s % 60);
    if (s < 86400) return fmt::format("{}h {}m", s / 3600, s % 3600 / 60);
    return fmt::format("{}d {}h", s / 86400, s % 86400 / 3600);
}

void print_status(const json& report, std::ostream& out, long long now_ms) {
    out << fmt::format("nanoclaw {}, root {}\n", str(report, "cli_version"), str(report, "root"));
    print_daemon(report.value("daemon", json::object()), out);
    if (!report.value("database", json::object()).value("exists", false)) {
        out << "database    not created yet (nanoclawd creates it on its first start)\n";
        return;
    }
    print_groups(report.value("groups", json::array()), out);
    print_tasks(report.value("tasks", json::array()), out, now_ms);
    print_usage(report.value("usage", json::array()), out);
}

} // namespace nanoclaw::ops
