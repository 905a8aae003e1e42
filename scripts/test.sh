#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test suite:
#   1. C++ unit + integration tests (dev preset: Debug, -Werror)
#   2. the same under AddressSanitizer + UBSan (asan preset), then each libFuzzer harness for 60 s
#   3. agent-runner / MCP server / WhatsApp bridge / mock API tests (node's test runner)
#   4. the benchmark report end to end (scripts/bench.sh --quick --no-docker: the bench preset's
#      unity build, every benchmark, the report) and the report script's own tests
#   5. the container end-to-end tests against a real Docker engine and a mock Anthropic API
# The agent images are built in the background while C++ compiles (that work is mostly I/O).
# Options: --quick (only step 1), --no-e2e (skip step 5), --no-asan (skip step 2),
# --no-fuzz (skip the fuzzing in step 2), --no-bench (skip step 4).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

quick=0 e2e=1 asan=1 fuzz=1 bench=1
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --no-e2e) e2e=0 ;;
    --no-asan) asan=0 ;;
    --no-fuzz) fuzz=0 ;;
    --no-bench) bench=0 ;;
    *) echo "test.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
[ "$quick" = 1 ] && { e2e=0; asan=0; fuzz=0; bench=0; }

# ccache: key on paths relative to the checkout, so another clone of the same tree hits the cache.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1

step() { printf '\n==== %s (%ds) ====\n' "$*" "$SECONDS"; }

step "dependencies"
if [ "$e2e" = 1 ]; then
  bash scripts/install-deps.sh --with-docker --with-node
else
  bash scripts/install-deps.sh --with-node
fi

images_pid=""
images_log="$root/build/images.log"
mkdir -p build
if [ "$e2e" = 1 ]; then
  step "agent images (background, log: build/images.log)"
  bash scripts/container/ensure-images.sh --no-browser >"$images_log" 2>&1 &
  images_pid=$!
fi

step "build + test (dev)"
cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev

if [ "$asan" = 1 ]; then
  step "build + test (asan)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  ctest --preset asan
fi

if [ "$fuzz" = 1 ]; then
  step "fuzz (each libFuzzer harness 60 s, 2 at a time)"
  bash scripts/fuzz.sh --seconds 60 --jobs 2
fi

if [ "$quick" = 0 ]; then
  step "agent-runner, WhatsApp bridge and mock API tests (node)"
  (cd container/agent-runner && npm ci --no-audit --no-fund && npm test)
  (cd channels/whatsapp-bridge && npm ci --no-audit --no-fund && npm test)
  node --test tests/mock-anthropic/test/
fi

if [ "$bench" = 1 ]; then
  # Short runs (numbers not worth quoting): proves the benchmark build (a unity build no other
  # step compiles) and every benchmark still run and the report is written.
  step "benchmark report (bench.sh --quick --no-docker)"
  python3 bench/report/test_make_report.py
  node --test bench/agent_start/
  bash scripts/bench.sh --quick --no-docker --out "$root/build/bench-report"
fi

if [ "$e2e" = 1 ]; then
  step "waiting for the agent images"
  if ! wait "$images_pid"; then
    echo "building the agent images failed:" >&2
    tail -n 50 "$images_log" >&2
    exit 1
  fi
  tail -n 3 "$images_log"
  step "container end-to-end"
  bash scripts/e2e.sh
fi

step "all test suites passed"
