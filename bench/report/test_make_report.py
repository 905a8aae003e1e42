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


if __name__ == "__main__":
    unittest.main()
