#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the benchmark report (latest.json and latest.md) from the JSON each benchmark left in
a results directory and the step list scripts/bench.sh kept. A missed target is reported, not
an error; a benchmark that did not run shows as failed or skipped.

Usage: make_report.py --logs DIR --steps FILE --load-before "1m 5m 15m" --out-json F --out-md F
  DIR holds <bench>.json (daemon, proxy, container, cold_reply, agent_start); FILE has one line
  per step: kind<TAB>name<TAB>seconds<TAB>status<TAB>command (kind: setup or bench; status: ok,
  failed, skipped or a short note)."""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from metrics import METRICS  # noqa: E402

SECTIONS = [
    ("daemon", "nanoclawd: latency, memory, idle cost, start-up (bench_daemon)",
     "The real daemon with a compiled fake runtime CLI, so the numbers are the daemon's own."),
    ("proxy", "Credential proxy (bench_proxy)",
     "The same loopback upstream measured directly and through the proxy in one run."),
    ("container", "Container runner (bench_container)",
     "The runner alone with the compiled fake runtime."),
    ("cold_reply", "Message → first reply, cold, real Docker + mock API (bench/e2e/cold_reply.mjs)",
     "nanoclawd on a fresh root, the local channel, `docker run` of the agent image, the mock "
     "Messages API streaming the reply through the credential proxy; no container running when "
     "each message is sent. The reply reaches the chat when the agent's turn produces its result "
     "(replies are not streamed token by token to channels)."),
    ("agent_start", "Message → agent start, cold and warm, phase by phase (bench/agent_start)",
     "nanoclawd on the default bridge (its proxy on docker0 forwarding to the mock on loopback), "
     "cold (no container, warm pool off) and warm (`WARM_POOL_SIZE=1`, a warm container ready). "
     "Phases are the image's `phase <name> wall_us=` stderr lines; the first output at the host is "
     "the daemon's log line of the first output record. The floors are bare `docker run`s of the "
     "image measured in the same run."),
]


def first_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine_facts(load_before):
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    repo = Path(__file__).resolve().parents[2]
    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": first_line(["sh", "-c", ". /etc/os-release && echo \"$PRETTY_NAME\""]),
        "load_average_before": [float(x) for x in load_before.split()],
        "load_average_after": [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]],
        "git_commit": first_line(["git", "-C", str(repo), "rev-parse", "HEAD"]),
        "git_uncommitted_changes": bool(first_line(["git", "-C", str(repo), "status",
                                                    "--porcelain", "--untracked-files=no"])),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def read_steps(path):
    steps = []
    for line in Path(path).read_text().splitlines():
        kind, name, seconds, status, command = (line.split("\t") + [""] * 5)[:5]
        steps.append({"kind": kind, "name": name, "seconds": int(seconds), "status": status,
                      "command": command})
    return steps


def measure(logs, steps):
    status = {s["name"]: s["status"] for s in steps if s["kind"] == "bench"}
    raw, metrics = {}, []
    for bench, _, _ in SECTIONS:
        file = Path(logs) / f"{bench}.json"
        if status.get(bench) == "ok" and file.exists():
            raw[bench] = json.loads(file.read_text())
    for m in METRICS:
        entry = {"id": m.id, "bench": m.bench, "name": m.name, "unit": m.unit, "value": None,
                 "target": None, "pass": None}
        if m.target:
            entry["target"] = {"op": m.target.op, "value": m.target.value,
                               "source": m.target.source}
        if m.bench in raw:
            try:
                value = m.read(raw[m.bench])
                entry["value"] = round(value, 3) if isinstance(value, float) else value
            except (KeyError, TypeError):
                pass
        if m.target and entry["value"] is not None:
            entry["pass"] = m.target.met(entry["value"])
        metrics.append(entry)
    return raw, metrics


SYMBOL = {"<=": "≤", ">=": "≥", "==": "="}


def shown(value):
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def markdown(report):
    m, steps = report["machine"], report["steps"]
    targets = [x for x in report["metrics"] if x["pass"] is not None]
    missed = [x for x in targets if not x["pass"]]
    out = ["# Benchmark report", "",
           f"Written by `scripts/bench.sh {report['options']}`".rstrip() + f" on {m['date']}, "
           f"commit `{m['git_commit'][:12]}`"
           + (" (with uncommitted changes in the checkout)" if m["git_uncommitted_changes"] else "")
           + ". What each number means: [docs/benchmarks.md](../../docs/benchmarks.md).", "",
           "| machine | |", "|---|---|",
           f"| CPU | {m['cpu_model']} ({m['cores']} cores) |",
           f"| memory | {m['memory_gb']} GB |",
           f"| OS, kernel | {m['os']}, {m['kernel']} |",
           f"| load average before / after (1, 5, 15 min) | "
           f"{' '.join(map(str, m['load_average_before']))} / "
           f"{' '.join(map(str, m['load_average_after']))} |", ""]
    if m["load_average_before"][0] >= 0.5:
        out += ["**The machine was busy when the run started (1-minute load average "
                f"{m['load_average_before'][0]}): latencies and start-up times are pessimistic.**",
                ""]
    out += [f"**Targets: {len(targets) - len(missed)} of {len(targets)} met.**"
            + ("" if not missed else " Missed: " + "; ".join(
                f"{x['name']} ({shown(x['value'])} {x['unit']}, target "
                f"{SYMBOL[x['target']['op']]} {shown(x['target']['value'])})"
                for x in missed) + "."), ""]
    out += ["| step | seconds | status |", "|---|---:|---|"]
    out += [f"| {s['kind']}: {s['name']} | {s['seconds']} | {s['status']} |" for s in steps]
    out += [f"| **total** | **{report['wall_seconds']}** | |", ""]
    command = {s["name"]: s["command"] for s in steps if s["kind"] == "bench"}
    status = {s["name"]: s["status"] for s in steps if s["kind"] == "bench"}
    for bench, title, about in SECTIONS:
        out += [f"## {title}", "", about, ""]
        if bench not in report["raw"]:
            out += [f"Not measured: {status.get(bench, 'not run')}.", ""]
            continue
        if report["raw"][bench].get("skipped"):
            out += [f"Not measured: skipped: {report['raw'][bench]['skipped']}.", ""]
            continue
        if command.get(bench):
            out += [f"`{command[bench]}`", ""]
        out += ["| metric | measured | target | |", "|---|---:|---:|---|"]
        for x in (x for x in report["metrics"] if x["bench"] == bench):
            target = ""
            if x["target"]:
                t = x["target"]
                target = f"{SYMBOL[t['op']]} {shown(t['value'])}"
            verdict = {None: "", True: "met", False: "**missed**"}[x["pass"]]
            out.append(f"| {x['name']} | {shown(x['value'])} {x['unit']} | {target} | {verdict} |")
        out.append("")
        out += DETAILS.get(bench, lambda _: [])(report["raw"][bench])
    return "\n".join(out)


def cold_reply_details(cold):
    out = ["Cold runs, ms after the message was sent:", "",
           "| run | docker run exec'd | container started | first API request | "
           "API answered | first reply text |", "|---:|---:|---:|---:|---:|---:|"]
    for i, s in enumerate(cold["samples"], 1):
        out.append(f"| {i} | {shown(s['docker_run_ms'])} | {shown(s['container_started_ms'])}"
                   f" | {shown(s['first_api_request_ms'])} | {shown(s['api_ok_ms'])} | "
                   f"{shown(s['total_ms'])} |")
    return out + [""]


def agent_start_details(start):
    """The phase table (cold and warm p50/p90), the notes on skipped parts, and the floors."""
    def ms(v):
        return "-" if v is None else f"{v:,.0f}"
    cold, warm = start["cold"], start["warm"]
    out = [f"Phases, ms after the message was sent ({cold['runs']} cold + {warm['runs']} warm "
           "runs; negative: before the message, while the warm container waited; -: no such "
           "line):", "",
           "| phase | cold p50 | cold p90 | warm p50 | warm p90 |", "|---|---:|---:|---:|---:|"]
    for row in start["phase_rows"]:
        c, w = cold["phases"][row["key"]], warm["phases"][row["key"]]
        out.append(f"| {row['label']} | {ms(c['p50'])} | {ms(c['p90'])} | {ms(w['p50'])} | "
                   f"{ms(w['p90'])} |")
    out.append("")
    if warm.get("skipped"):
        how = "stopped early" if warm.get("samples") else "skipped"
        out += [f"Warm: {how}: {warm['skipped']}.", ""]
    for mode, r in (("cold", cold), ("warm", warm)):
        if r.get("failed_runs"):
            out += [f"{mode.capitalize()}: {r['failed_runs']} run(s) failed before replying and "
                    "were answered later by a new container (left out of the table).", ""]
        if r.get("failed_after_reply") or r.get("reprimed"):
            out += [f"{mode.capitalize()}: {r.get('failed_after_reply', 0)} run(s) ended with an "
                    f"error after replying (counted); {r.get('reprimed', 0)} uncounted message(s) "
                    "sent to refill the warm pool after a failed run.", ""]
        if r.get("cold_fallbacks"):
            out += [f"{mode.capitalize()}: {r['cold_fallbacks']} run(s) spawned a container "
                    "instead of taking the warm one (left out of the table).", ""]
        if r.get("compiled_runner"):
            out += [f"{mode.capitalize()}: {r['compiled_runner']} of {r['runs']} runs compiled the "
                    "agent runner (the group's runner source differs from the image's).", ""]
    out += ["Floors in the same run, ms after `docker run` was launched: its exit (`--rm`: "
            "removal included), the container's start (Docker's event) and how long it ran:", "",
            "| floor | exit p50 | exit p90 | started p50 | ran p50 |", "|---|---:|---:|---:|---:|"]
    for row in start["floor_rows"]:
        f = start["floors"][row["key"]]
        out.append(f"| `{row['label']}` | {ms(f['p50'])} | {ms(f['p90'])} | "
                   f"{ms(f.get('started', {}).get('p50'))} | {ms(f.get('ran', {}).get('p50'))} |")
    split = start.get("cold_split")
    if split and split.get("docker_ms") is not None:
        out += ["", f"Cold, per run (p50 of each part): the daemon {ms(split['daemon_ms'])} ms; "
                f"`docker run` → container started {ms(split['docker_ms'])} ms (floor "
                f"{ms(split['docker_floor_ms'])}); started → the runner's `main` "
                f"{ms(split['node_ms'])} ms (floor: `node -e 0` runs {ms(split['node_floor_ms'])}); "
                f"`main` → first POST {ms(split['rest_ms'])} ms (the runner, the SDK, claude)."]
    return out + [""]


DETAILS = {"cold_reply": cold_reply_details, "agent_start": agent_start_details}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--logs", required=True)
    p.add_argument("--steps", required=True)
    p.add_argument("--load-before", required=True)
    p.add_argument("--options", default="")
    p.add_argument("--wall-seconds", type=int, required=True)
    p.add_argument("--out-json", required=True)
    p.add_argument("--out-md", required=True)
    a = p.parse_args()
    steps = read_steps(a.steps)
    raw, metrics = measure(a.logs, steps)
    report = {"machine": machine_facts(a.load_before), "options": a.options,
              "wall_seconds": a.wall_seconds, "steps": steps, "metrics": metrics, "raw": raw}
    Path(a.out_json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    Path(a.out_md).write_text(markdown(report))
    targets = [x for x in metrics if x["pass"] is not None]
    missed = [x["id"] for x in targets if not x["pass"]]
    print(f"targets: {len(targets) - len(missed)} of {len(targets)} met"
          + (f"; missed: {', '.join(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
