# SPDX-License-Identifier: MIT
"""Every number the benchmark report shows: where it comes from in a benchmark's JSON, its unit,
and its target from docs/benchmarks.md (None when the docs set none). One row per metric, in the
order of the report."""

from dataclasses import dataclass
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class Target:
    op: str  # "<=", ">=" or "=="
    value: Any
    source: str = "docs/benchmarks.md"

    def met(self, measured: Any) -> bool:
        if self.op == "<=":
            return measured <= self.value
        if self.op == ">=":
            return measured >= self.value
        return measured == self.value


@dataclass(frozen=True)
class Metric:
    id: str
    bench: str  # daemon, proxy, container, cold_reply, agent_start: the JSON it is read from
    name: str
    unit: str
    read: Callable[[dict], Any]  # the value from that JSON (KeyError when it is missing)
    target: Optional[Target] = None


def at(*keys, scale=lambda v: v):
    """Reads json[k1][k2]... and applies `scale`."""
    def read(j):
        for k in keys:
            j = j[k]
        return scale(j)
    return read


def kb_to_mb(v):
    return round(v / 1024, 2)


ISSUE_20 = "issue 20 (docs/benchmarks.md, proxy side by side)"
ISSUE_21 = "issue 21 item 3 (docs/benchmarks.md, agent start)"

METRICS = [
    # nanoclawd with the compiled fake runtime (bench_daemon)
    Metric("message_to_exec_p50", "daemon", "local message → runtime exec, p50", "ms",
           at("message_to_exec_ms", "p50"), Target("<=", 2)),
    Metric("message_to_exec_p99", "daemon", "local message → runtime exec, p99", "ms",
           at("message_to_exec_ms", "p99")),
    Metric("output_to_channel_p50", "daemon", "container output → channel, p50", "ms",
           at("output_to_channel_ms", "p50"), Target("<=", 1)),
    Metric("output_to_channel_p99", "daemon", "container output → channel, p99", "ms",
           at("output_to_channel_ms", "p99")),
    Metric("ipc_to_channel_p50", "daemon", "IPC file → channel, p50", "ms",
           at("ipc_to_channel_ms", "p50"), Target("<=", 5)),
    Metric("ipc_to_channel_p99", "daemon", "IPC file → channel, p99", "ms",
           at("ipc_to_channel_ms", "p99")),
    Metric("idle_rss", "daemon", "idle RSS", "MB", at("idle", "rss_kb", scale=kb_to_mb),
           Target("<=", 8)),
    Metric("idle_rss_anon", "daemon", "idle RSS: anonymous", "MB",
           at("idle", "rss_anon_kb", scale=kb_to_mb)),
    Metric("idle_rss_file", "daemon", "idle RSS: mapped files", "MB",
           at("idle", "rss_file_kb", scale=kb_to_mb)),
    Metric("idle_threads", "daemon", "idle threads", "", at("idle", "threads"), Target("<=", 3)),
    Metric("idle_wakeups", "daemon", "idle wake-ups per minute", "/min",
           at("idle", "wakeups_per_minute"), Target("<=", 5)),
    Metric("idle_cpu", "daemon", "idle CPU over the window", "ms", at("idle", "cpu_ms")),
    Metric("idle_window", "daemon", "idle window", "s", at("idle", "seconds")),
    Metric("startup_1_group", "daemon", "start-up to ready, 1 group (median of 11)", "ms",
           at("startup_1_group_ms"), Target("<=", 15)),
    Metric("startup_1000_groups", "daemon", "start-up, 1,000 groups + 100,000 messages", "ms",
           at("startup_1000_groups_ms"), Target("<=", 50)),
    Metric("burst_all_answered", "daemon", "burst of 1,000: every message reached the agent", "",
           at("burst", "all_reached_agent"), Target("==", True)),
    Metric("burst_seconds", "daemon", "burst of 1,000: seconds until all answered", "s",
           at("burst", "seconds_until_all_answered")),
    Metric("burst_stored_per_second", "daemon", "burst: messages stored per second", "/s",
           at("burst", "stored_per_second")),
    Metric("burst_peak_rss", "daemon", "RSS under load (burst peak)", "MB",
           at("burst", "peak_rss_kb", scale=kb_to_mb), Target("<=", 16)),
    Metric("telegram_update_to_exec_p50", "daemon", "Telegram update → runtime exec, p50", "ms",
           at("telegram", "update_to_exec_ms", "p50")),
    Metric("telegram_update_to_exec_p99", "daemon", "Telegram update → runtime exec, p99", "ms",
           at("telegram", "update_to_exec_ms", "p99")),
    Metric("telegram_idle_rss", "daemon", "Telegram idle (long poll open): RSS", "MB",
           at("telegram", "idle", "rss_kb", scale=kb_to_mb), Target("<=", 8)),
    Metric("telegram_idle_threads", "daemon", "Telegram idle: threads", "",
           at("telegram", "idle", "threads")),
    Metric("telegram_idle_wakeups", "daemon", "Telegram idle: wake-ups per minute", "/min",
           at("telegram", "idle", "wakeups_per_minute"), Target("<=", 5)),
    # the credential proxy against a loopback upstream (bench_proxy)
    Metric("proxy_json_added_p50", "proxy", "added latency, small JSON, p50", "µs",
           at("json_added_p50_us"), Target("<=", 50, ISSUE_20)),
    Metric("proxy_json_added_p99", "proxy", "added latency, small JSON, p99", "µs",
           at("json_added_p99_us")),
    Metric("proxy_sse_added_p50", "proxy", "added latency, 100 KB SSE, p50", "µs",
           at("sse_added_p50_us")),
    Metric("proxy_sse_added_p99", "proxy", "added latency, 100 KB SSE, p99", "µs",
           at("sse_added_p99_us")),
    Metric("proxy_sse_ttfb_direct", "proxy", "SSE time to first byte, direct, p50", "µs",
           at("sse_ttfb_p50_us_direct")),
    Metric("proxy_sse_ttfb_proxy", "proxy", "SSE time to first byte, via proxy, p50", "µs",
           at("sse_ttfb_p50_us_proxy")),
    # bench_proxy prints what the proxy adds to the time to first byte but leaves it out of its
    # JSON; the docs' target is on this difference.
    Metric("proxy_sse_ttfb_added_p50", "proxy", "added SSE time to first byte, p50", "µs",
           lambda j: j["sse_ttfb_p50_us_proxy"] - j["sse_ttfb_p50_us_direct"],
           Target("<=", 100, ISSUE_20)),
    Metric("proxy_json_rps_direct", "proxy", "requests/s, small JSON, direct", "/s",
           at("json_rps_direct")),
    Metric("proxy_json_rps_proxy", "proxy", "requests/s, small JSON, via proxy", "/s",
           at("json_rps_proxy")),
    Metric("proxy_sse_rps_proxy", "proxy", "requests/s, 100 KB SSE, via proxy", "/s",
           at("sse_rps_proxy")),
    # the container runner alone (bench_container)
    Metric("runner_exec_p50", "container", "run requested → runtime exec'd, p50", "µs",
           at("exec_p50_us")),
    Metric("runner_exec_p99", "container", "run requested → runtime exec'd, p99", "µs",
           at("exec_p99_us")),
    Metric("runner_marker_p50", "container", "marker written → output callback, p50", "µs",
           at("marker_p50_us")),
    Metric("runner_marker_p99", "container", "marker written → output callback, p99", "µs",
           at("marker_p99_us")),
    # real Docker and the mock Messages API (bench/e2e/cold_reply.mjs)
    Metric("cold_reply_p50", "cold_reply", "message → first reply text, cold, p50", "ms",
           at("message_to_first_reply_ms", "p50")),
    Metric("cold_reply_max", "cold_reply", "message → first reply text, cold, max", "ms",
           at("message_to_first_reply_ms", "max")),
    Metric("cold_docker_run_p50", "cold_reply", "split: message → docker run exec'd, p50", "ms",
           at("message_to_docker_run_ms", "p50")),
    Metric("cold_container_started_p50", "cold_reply",
           "split: message → container started, p50", "ms",
           at("message_to_container_started_ms", "p50")),
    Metric("cold_first_api_request_p50", "cold_reply",
           "split: message → first API request at the mock, p50", "ms",
           at("message_to_first_api_request_ms", "p50")),
    # message -> agent start, cold and warm, on the default bridge (bench/agent_start)
    Metric("start_cold_first_post_p50", "agent_start",
           "cold: message → first POST at the API, p50", "ms",
           at("cold", "phases", "first_post", "p50"), Target("<=", 800, ISSUE_21)),
    Metric("start_cold_host_output_p50", "agent_start",
           "cold: message → first output at the host, p50", "ms",
           at("cold", "phases", "host_output", "p50")),
    Metric("start_warm_first_post_p50", "agent_start",
           "warm: message → first POST at the API, p50", "ms",
           at("warm", "phases", "first_post", "p50"), Target("<=", 150, ISSUE_21)),
    Metric("start_warm_host_output_p50", "agent_start",
           "warm: message → first output at the host, p50", "ms",
           at("warm", "phases", "host_output", "p50"), Target("<=", 200, ISSUE_21)),
    Metric("start_floor_docker_bridge_p50", "agent_start",
           "floor: docker run --rm --entrypoint true, bridge, to exit, p50", "ms",
           at("floors", "docker_true_bridge", "p50")),
    Metric("start_floor_docker_host_p50", "agent_start",
           "floor: docker run --rm --entrypoint true, host net, to exit, p50", "ms",
           at("floors", "docker_true_host", "p50")),
    Metric("start_floor_node_p50", "agent_start",
           "floor: docker run --rm --entrypoint node -e 0, to exit, p50", "ms",
           at("floors", "docker_node_bridge", "p50")),
]
