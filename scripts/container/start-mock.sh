#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Starts the mock Messages API (tests/mock-anthropic/server.mjs) in the
# background on 127.0.0.1 and a free port, waits until it listens, and prints
# shell assignments for the caller to eval:
#   eval "$(scripts/container/start-mock.sh --dir /tmp/x)"
#   -> MOCK_PID, MOCK_PORT, MOCK_URL, MOCK_LOG
# Stop it with: kill "$MOCK_PID"
set -euo pipefail

dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    *) echo "start-mock: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$dir" ]] || dir="$(mktemp -d "${TMPDIR:-/tmp}/nanoclaw-mock.XXXXXX")"
mkdir -p "$dir"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
port_file="$dir/mock.port"
log_file="$dir/requests.jsonl"
rm -f "$port_file"
: >"$log_file"

MOCK_PORT=0 MOCK_PORT_FILE="$port_file" MOCK_LOG="$log_file" \
  node "$root/tests/mock-anthropic/server.mjs" >"$dir/mock.out" 2>&1 </dev/null &
pid=$!

for _ in $(seq 1 200); do
  [[ -s "$port_file" ]] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-mock: the mock exited early:" >&2
    cat "$dir/mock.out" >&2
    exit 1
  fi
  sleep 0.05
done
[[ -s "$port_file" ]] || { kill "$pid"; echo "start-mock: no port after 10 s" >&2; exit 1; }
port="$(tr -d '[:space:]' <"$port_file")"
echo "MOCK_PID=$pid"
echo "MOCK_PORT=$port"
echo "MOCK_URL=http://127.0.0.1:$port"
echo "MOCK_LOG=$log_file"
