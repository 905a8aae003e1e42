#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The benchmark report in one command: installs what is missing, builds the bench preset in
# build/bench (the release preset's -O2 and static deps, without debug info, as a unity build:
# about 4 minutes cold on 2 cores), runs every benchmark in bench/ with one progress line each,
# and writes <out>/latest.json and <out>/latest.md (machine facts, every metric with its unit,
# target and verdict; see docs/benchmarks.md). Each benchmark's own table output is kept in
# <out>/logs/<name>.log. Exits non-zero when a benchmark fails to run; a missed target is
# reported, not an error.
#
# Usage: scripts/bench.sh [--quick] [--no-docker] [--out DIR]
#   --quick      short runs: checks that everything runs, numbers not worth quoting
#   --no-docker  skip the real-Docker benchmarks (message -> first reply, agent start); needs
#                neither Docker nor Node
#   --out DIR    where the report goes (default bench/results)
# Environment: BENCH_IMAGE (agent image, default nanoclaw-agent:latest; built with
# scripts/container/ensure-images.sh --no-browser when missing), BENCH_COLD_RUNS (default 5),
# BENCH_AGENT_START_RUNS (cold and warm samples each of bench/agent_start, default 10; 3 quick).
# The Docker benchmark must run as root (dockerd; the daemon chowns group folders to uid 1000).
set -euo pipefail
load_before="$(cut -d' ' -f1-3 /proc/loadavg)" # before this script adds any load of its own
cd "$(dirname "$0")/.."
repo="$(pwd)"

quick=0 docker=1 out="$repo/bench/results" options=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1; options+=(--quick); shift ;;
    --no-docker) docker=0; options+=(--no-docker); shift ;;
    --out) [[ $# -ge 2 ]] || { echo "bench.sh: --out needs a directory" >&2; exit 2; }
           out="$(mkdir -p "$2" && cd "$2" && pwd)"; options+=(--out "$2"); shift 2 ;;
    -h|--help) sed -n '3,20p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

image="${BENCH_IMAGE:-nanoclaw-agent:latest}"
if [[ $quick -eq 1 ]]; then
  messages=200 idle_s=5 proxy_n=500 runner_n=200 cold_runs="${BENCH_COLD_RUNS:-2}"
  start_runs="${BENCH_AGENT_START_RUNS:-3}"
else
  messages=1000 idle_s=60 proxy_n=3000 runner_n=1000 cold_runs="${BENCH_COLD_RUNS:-5}"
  start_runs="${BENCH_AGENT_START_RUNS:-10}"
fi
if [[ $docker -eq 1 && $(id -u) -ne 0 ]]; then
  echo "bench.sh: the Docker benchmark needs root (dockerd, chown of group folders); use --no-docker" >&2
  exit 2
fi

logs="$out/logs"
mkdir -p "$logs"
rm -f "$logs"/*.json "$logs"/*.log
steps="$logs/steps.tsv"
: >"$steps"
build="$repo/build/bench"
bins="$build/bench"
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1

# step KIND NAME LABEL COMMAND...: runs COMMAND with its output in logs/NAME.log, prints
# "LABEL ... N s" and records the step; returns COMMAND's status.
step() {
  local kind="$1" name="$2" label="$3" t0=$SECONDS rc=0
  shift 3
  printf '%s ... ' "$label"
  "$@" >"$logs/$name.log" 2>&1 || rc=$?
  local took=$((SECONDS - t0)) status=ok
  [[ $rc -eq 0 ]] || status="failed (exit $rc, $logs/$name.log)"
  if [[ $rc -eq 0 ]]; then echo "$took s"; else echo "$took s FAILED"; tail -n 15 "$logs/$name.log" | sed 's/^/    /'; fi
  local shown="${*//$repo\//}"
  printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$name" "$took" "$status" "$shown" >>"$steps"
  return $rc
}
note() { printf '%s\t%s\t0\t%s\t\n' "$1" "$2" "$3" >>"$steps"; echo "$4"; }

# ---------------------------------------------------------------- setup
deps_args=()
[[ $docker -eq 1 ]] && deps_args=(--with-docker --with-node)
step setup dependencies "setup: dependencies" bash scripts/install-deps.sh "${deps_args[@]}" \
  || { echo "bench.sh: installing dependencies failed" >&2; exit 1; }

images_pid=""
if [[ $docker -eq 1 ]]; then
  step setup dockerd "setup: Docker engine" scripts/container/ensure-dockerd.sh \
    || { echo "bench.sh: no Docker engine (or use --no-docker)" >&2; exit 1; }
  if docker image inspect "$image" >/dev/null 2>&1; then
    note setup image "$image present" "setup: agent image $image present"
  elif [[ "$image" == nanoclaw-agent:* ]]; then
    # Built while C++ compiles, as scripts/test.sh does: the image build is mostly I/O.
    echo "setup: agent image $image missing: building it in the background"
    images_t0=$SECONDS
    scripts/container/ensure-images.sh --no-browser --tag "${image#nanoclaw-agent:}" \
      >"$logs/image.log" 2>&1 &
    images_pid=$!
  else
    echo "bench.sh: image $image not found; build it or unset BENCH_IMAGE" >&2
    exit 1
  fi
fi

# The bench build preset's targets: nanoclawd, bench_daemon, bench_proxy, bench_container.
build_bench() {
  cmake --preset bench && cmake --build --preset bench -j2
}
step setup build "setup: build (bench preset, build/bench)" build_bench \
  || { echo "bench.sh: the bench build failed" >&2; exit 1; }

if [[ -n "$images_pid" ]]; then
  printf 'setup: waiting for the agent image ... '
  rc=0
  wait "$images_pid" || rc=$?
  took=$((SECONDS - images_t0))
  if [[ $rc -ne 0 ]]; then
    echo "FAILED"; tail -n 30 "$logs/image.log" >&2
    echo "bench.sh: building $image failed (or use --no-docker)" >&2
    exit 1
  fi
  echo "built in $took s since the start of the build"
  printf 'setup\timage\t%s\tbuilt\t%s\n' "$took" "scripts/container/ensure-images.sh --no-browser" >>"$steps"
fi

# ---------------------------------------------------------------- benchmarks
total=3
[[ $docker -eq 1 ]] && total=5
failed=0
step bench daemon "[1/$total] daemon: message → exec, IPC, idle RSS + wake-ups (${idle_s} s), start-up, burst, Telegram" \
  "$bins/daemon/bench_daemon" --messages "$messages" --idle-seconds "$idle_s" --json "$logs/daemon.json" \
  || failed=$((failed + 1))
step bench proxy "[2/$total] proxy overhead and SSE time to first byte" \
  "$bins/proxy/bench_proxy" "$proxy_n" --json "$logs/proxy.json" || failed=$((failed + 1))
step bench container "[3/$total] container runner" \
  "$bins/container/bench_container" "$runner_n" --json "$logs/container.json" || failed=$((failed + 1))
if [[ $docker -eq 1 ]]; then
  step bench cold_reply "[4/$total] message → first reply, cold, real Docker + mock API ($cold_runs runs)" \
    env NANOCLAW_BIN_DIR="$build/src/bin" node bench/e2e/cold_reply.mjs --runs "$cold_runs" \
    --image "$image" --json "$logs/cold_reply.json" || failed=$((failed + 1))
  # Without Docker, the image or a daemon with the warm pool it prints why and skips (exit 0).
  step bench agent_start "[5/$total] message → agent start, cold and warm, phase by phase ($start_runs + $start_runs runs)" \
    env NANOCLAW_BIN_DIR="$build/src/bin" node bench/agent_start/agent_start.mjs --runs "$start_runs" \
    --image "$image" --json "$logs/agent_start.json" || failed=$((failed + 1))
  grep -hE '^agent start: .*(skipped|stopped after)' "$logs/agent_start.log" 2>/dev/null | sed 's/^/    /' || true
else
  note bench cold_reply "skipped (--no-docker)" "[-] message → first reply, cold: skipped (--no-docker)"
  note bench agent_start "skipped (--no-docker)" "[-] message → agent start, cold and warm: skipped (--no-docker)"
fi

# ---------------------------------------------------------------- report
python3 bench/report/make_report.py --logs "$logs" --steps "$steps" --load-before "$load_before" \
  --options "${options[*]:-}" --wall-seconds "$SECONDS" \
  --out-json "$out/latest.json" --out-md "$out/latest.md"
echo "report: $out/latest.md and latest.json ($SECONDS s in all)"
if [[ $failed -gt 0 ]]; then
  echo "bench.sh: $failed benchmark(s) failed to run (see above)" >&2
  exit 1
fi
