// SPDX-License-Identifier: MIT
#include "nanoclaw/ops/status.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "nanoclaw/core/iso_time.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::ops {
namespace {

using json = nlohmann::json;

TEST(StatusTest, Durations) {
    EXPECT_EQ(format_duration(12), "12s");
    EXPECT_EQ(format_duration(250), "4m 10s");
    EXPECT_EQ(format_duration(7500), "2h 5m");
    EXPECT_EQ(format_duration(3 * 86400 + 4 * 3600 + 5), "3d 4h");
}

TEST(StatusTest, WithoutADaemonItSaysHowToStartItAndStillReadsNothingElse) {
    testing::TempDir dir;
    const core::EnvMap env{{"HOME", (dir.path() / "home").string()}, {"PATH", "/nonexistent"}};
    const auto config = core::load_config(dir.path(), env);
    const auto report = gather_status(config, env);
    EXPECT_FALSE(report["daemon"]["running"].get<bool>());
    EXPECT_NE(report["daemon"]["start"].get<std::string>().find("nanoclawd --root"),
              std::string::npos);
    EXPECT_FALSE(report["database"]["exists"].get<bool>());

    std::ostringstream out;
    EXPECT_EQ(run_status(config, env, out, false), 3);
    EXPECT_NE(out.str().find("daemon      not running (no socket at "), std::string::npos);
    EXPECT_NE(out.str().find("start it: nanoclawd --root "), std::string::npos);
}

TEST(StatusTest, PrintsLiveStateGroupsTasksAndUsage) {
    const long long now_ms = 1'700'000'000'000;
    const auto in_an_hour =
        core::format_iso(core::TimePoint(std::chrono::milliseconds(now_ms + 3'600'000)));
    const auto report = json::parse(R"({
      "root": "/srv/nc", "cli_version": "0.1.0",
      "daemon": {"running": true, "pid": 42, "version": "0.1.0", "uptime_s": 7500,
                 "started_at": "2023-11-14T20:00:00.000Z",
                 "channels": [{"name": "local", "connected": true, "detail": "0 clients"},
                              {"name": "telegram", "connected": false, "detail": "connecting to the Bot API"}],
                 "runs": {"active": 1, "max": 5, "queued": 1, "warm": 0,
                          "groups": [{"jid": "local:main", "state": "working", "kind": "messages",
                                      "container": "nanoclaw-main-1"},
                                     {"jid": "tg:1", "state": "queued"}]},
                 "proxy": {"host": "172.17.0.1", "port": 3001, "auth_mode": "api-key"}},
      "database": {"exists": true},
      "groups": [{"jid": "local:main", "name": "Main", "folder": "main", "trigger": "@Andy",
                  "requires_trigger": false, "main": true}],
      "tasks": [{"id": "t1", "group_folder": "main", "schedule_type": "cron",
                 "schedule_value": "0 9 * * *", "status": "active", "next_run": null, "prompt": "x"}],
      "usage": [{"group_folder": "main", "requests": 3, "input_tokens": 100, "output_tokens": 20,
                 "cache_creation_input_tokens": 0, "cache_read_input_tokens": 50}]})");
    auto with_next = report;
    with_next["tasks"][0]["next_run"] = in_an_hour;
    std::ostringstream out;
    print_status(with_next, out, now_ms);
    const auto text = out.str();
    EXPECT_NE(text.find("running, pid 42, version 0.1.0, up 2h 5m"), std::string::npos) << text;
    EXPECT_NE(text.find("telegram   not connected connecting to the Bot API"), std::string::npos)
        << text;
    EXPECT_NE(text.find("1 running (max 5), 0 warm, 1 queued"), std::string::npos);
    EXPECT_NE(text.find("working (messages) nanoclaw-main-1"), std::string::npos);
    EXPECT_NE(text.find("main, no trigger needed"), std::string::npos);
    EXPECT_NE(text.find("next " + in_an_hour + " (in 1h 0m)"), std::string::npos) << text;
    EXPECT_NE(text.find("main                        3          100"), std::string::npos) << text;
}

TEST(StatusTest, WarmPoolShowsEachContainerWithItsCostOrSaysItIsOff) {
    auto report = json::parse(R"({
      "root": "/srv/nc", "cli_version": "0.1.0",
      "daemon": {"running": true, "pid": 42, "version": "0.1.0", "uptime_s": 60,
                 "started_at": "2023-11-14T20:00:00.000Z", "channels": [],
                 "runs": {"active": 0, "max": 5, "queued": 0, "warm": 0, "groups": []},
                 "warm_pool": {"size": 2, "ttl_s": 1800, "containers": [
                   {"folder": "family", "container": "nanoclaw-family-1", "ready": true,
                    "age_s": 242, "expires_in_s": 1558, "memory_bytes": 196395008, "cpu_s": 1.42},
                   {"folder": "work", "container": "nanoclaw-work-2", "ready": false,
                    "age_s": 1, "expires_in_s": 1799, "hot": true}]},
                 "proxy": {"host": "127.0.0.1", "port": 3001, "auth_mode": "api-key"}},
      "database": {"exists": false}, "groups": [], "tasks": [], "usage": []})");
    std::ostringstream out;
    print_status(report, out, 0);
    const auto text = out.str();
    EXPECT_NE(text.find("warm pool   2 of 2 (TTL 30m"), std::string::npos) << text;
    EXPECT_NE(text.find("family                   ready for 4m 2s, expires in 25m 58s, 187.3 MiB, "
                        "CPU 1.42 s nanoclaw-family-1"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("work                     starting for 1s, hot, renewed in 29m 59s, memory "
                        "and CPU not readable here"),
              std::string::npos)
        << text;

    report["daemon"]["warm_pool"] = json::parse(R"({"size": 0, "ttl_s": 1800, "containers": []})");
    std::ostringstream off;
    print_status(report, off, 0);
    EXPECT_NE(off.str().find("warm pool   off (WARM_POOL_SIZE=0)"), std::string::npos) << off.str();

    report["daemon"].erase("warm_pool"); // an older daemon: no line rather than a wrong one
    std::ostringstream old;
    print_status(report, old, 0);
    EXPECT_EQ(old.str().find("warm pool"), std::string::npos) << old.str();
}

} // namespace
} // namespace nanoclaw::ops
