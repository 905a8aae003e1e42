# SPDX-License-Identifier: MIT
"""Tests of the report writer: python3 -m unittest discover -s bench/report (about 0.1 s)."""

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent

DAEMON = {
    "message_to_exec_ms": {"p50": 1.5, "p99": 3.0}, "output_to_channel_ms": {"p50": 2.5, "p99": 4},
    "ipc_to_channel_ms": {"p50": 0.1, "p99": 0.2}, "startup_1_group_ms": 3.0,
    "startup_1000_groups_ms": 6.0,
    "idle": {"seconds": 30, "rss_kb": 9216, "rss_anon_kb": 1024, "rss_file_kb": 8192,
             "threads": 1, "cpu_ms": 0.0, "wakeups_per_minute": 2.0},
    "burst": {"messages": 1000, "stored_per_second": 2000.0, "all_reached_agent": False,
              "seconds_until_all_answered": 0.3, "peak_rss_kb": 8000},
    "telegram": {"update_to_exec_ms": {"p50": 1.2, "p99": 5.0},
                 "idle": {"rss_kb": 8000, "threads": 1, "wakeups_per_minute": 4.0}},
}


def agent_start(cold_post, warm_post, warm_output, warm_skipped=None):
    """An agent_start JSON with two phase rows; values of None are lines that never came."""
    rows = [{"key": "first_post", "label": "mock: first POST /v1/messages"},
            {"key": "host_output", "label": "daemon: first output record (log)"}]

    def mode(post, output, runs):
        return {"runs": runs, "phases": {"first_post": {"p50": post, "p90": post},
                                         "host_output": {"p50": output, "p90": output}},
                "samples": [], "skipped": None, "compiled_runner": 0}
    warm = mode(warm_post, warm_output, 0 if warm_skipped else 3)
    warm["skipped"] = warm_skipped
    warm["failed_runs"] = 0 if warm_skipped else 1
    floors = {k: {"p50": 300.0, "p90": 320.0, "samples": [300.0], "started": {"p50": 200.0},
                  "ran": {"p50": 20.0}}
              for k in ("docker_true_bridge", "docker_true_host", "docker_node_bridge")}
    return {"bench": "agent_start", "phase_rows": rows,
            "floor_rows": [{"key": k, "label": k} for k in floors], "floors": floors,
            "cold": mode(cold_post, 900.0, 3), "warm": warm}


class MakeReportTest(unittest.TestCase):
    def run_report(self, steps, files):
        tmp = Path(tempfile.mkdtemp())
        for name, content in files.items():
            (tmp / f"{name}.json").write_text(json.dumps(content))
        (tmp / "steps.tsv").write_text("".join("\t".join(map(str, s)) + "\n" for s in steps))
        subprocess.run([sys.executable, str(HERE / "make_report.py"), "--logs", str(tmp),
                        "--steps", str(tmp / "steps.tsv"), "--load-before", "0.1 0.2 0.3",
                        "--wall-seconds", "42", "--out-json", str(tmp / "r.json"),
                        "--out-md", str(tmp / "r.md")], check=True, capture_output=True)
        return json.loads((tmp / "r.json").read_text()), (tmp / "r.md").read_text()

    def test_verdicts_follow_the_targets(self):
        report, md = self.run_report([("bench", "daemon", 30, "ok", "bench_daemon")],
                                     {"daemon": DAEMON})
        by_id = {m["id"]: m for m in report["metrics"]}
        self.assertTrue(by_id["message_to_exec_p50"]["pass"])       # 1.5 <= 2
        self.assertFalse(by_id["output_to_channel_p50"]["pass"])    # 2.5 > 1
        self.assertEqual(by_id["idle_rss"]["value"], 9.0)           # KB shown as MB
        self.assertFalse(by_id["idle_rss"]["pass"])                 # 9 MB > 8
        self.assertFalse(by_id["burst_all_answered"]["pass"])       # must be every message
        self.assertIsNone(by_id["message_to_exec_p99"]["pass"])     # no target
        self.assertIn("**missed**", md)
        self.assertEqual(report["machine"]["load_average_before"], [0.1, 0.2, 0.3])

    def test_a_benchmark_that_did_not_run_has_no_values(self):
        report, md = self.run_report(
            [("bench", "daemon", 30, "ok", ""), ("bench", "proxy", 3, "failed (exit 1)", ""),
             ("bench", "cold_reply", 0, "skipped (--no-docker)", "")],
            {"daemon": DAEMON, "proxy": {"json_added_p50_us": 10}})
        proxy = [m for m in report["metrics"] if m["bench"] == "proxy"]
        self.assertTrue(all(m["value"] is None and m["pass"] is None for m in proxy))
        self.assertNotIn("proxy", report["raw"])  # a failed run's leftover JSON is not used
        self.assertIn("Not measured: failed (exit 1)", md)
        self.assertIn("Not measured: skipped (--no-docker)", md)

    def test_agent_start_targets_and_phase_table(self):
        report, md = self.run_report([("bench", "agent_start", 60, "ok", "agent_start.mjs")],
                                     {"agent_start": agent_start(700.0, 180.0, 190.0)})
        by_id = {m["id"]: m for m in report["metrics"]}
        self.assertTrue(by_id["start_cold_first_post_p50"]["pass"])     # 700 <= 800
        self.assertFalse(by_id["start_warm_first_post_p50"]["pass"])    # 180 > 150
        self.assertTrue(by_id["start_warm_host_output_p50"]["pass"])    # 190 <= 200
        self.assertEqual(by_id["start_floor_node_p50"]["value"], 300.0)
        self.assertIn("| mock: first POST /v1/messages | 700 | 700 | 180 | 180 |", md)
        self.assertIn("| `docker_true_host` | 300 | 320 | 200 | 20 |", md)
        self.assertIn("Warm: 1 run(s) failed before replying", md)

    def test_agent_start_without_the_warm_pool_or_docker(self):
        report, md = self.run_report(
            [("bench", "agent_start", 60, "ok", "")],
            {"agent_start": agent_start(700.0, None, None, warm_skipped="no warm container")})
        by_id = {m["id"]: m for m in report["metrics"]}
        self.assertIsNone(by_id["start_warm_first_post_p50"]["pass"])   # not measured, not missed
        self.assertTrue(by_id["start_cold_first_post_p50"]["pass"])
        self.assertIn("Warm: skipped: no warm container.", md)
        self.assertIn("| mock: first POST /v1/messages | 700 | 700 | - | - |", md)
        report, md = self.run_report([("bench", "agent_start", 1, "ok", "")],
                                     {"agent_start": {"bench": "agent_start",
                                                      "skipped": "no image x"}})
        self.assertTrue(all(m["value"] is None for m in report["metrics"]
                            if m["bench"] == "agent_start"))
        self.assertIn("Not measured: skipped: no image x.", md)


if __name__ == "__main__":
    unittest.main()
