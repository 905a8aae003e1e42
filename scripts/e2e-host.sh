#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End-to-end test of the real host: nanoclawd + the `nanoclaw` CLI + the real
# agent image + the mock Messages API, all on 127.0.0.1 (containers use
# --network host). Installs the build (cmake --install) into a scratch prefix
# and runs the installed binaries with --root set to a fresh, empty scratch
# directory outside the checkout: the shipped files (agent-runner source, skills,
# CLAUDE.md templates) must come from <prefix>/share/nanoclaw. Phases:
#   A (IDLE_TIMEOUT 30 s): send with an IPC message, a Bash tool call and a
#     final reply; a second send answered by the same container and session;
#     SIGTERM -> `_close`, container gone, exit 0.
#   B (restart, IDLE_TIMEOUT 3 s): a third send resumes the stored session; the
#     idle timeout closes the container; SIGTERM -> exit 0.
#   C (failures): a send whose API call gets 401 ends with the plain notice
#     (exit 3) within seconds; then a runner copy that does not compile is told
#     with the compiler's first error; one spawn each, no retry.
#   The warm pool is off here (every run here is a cold start, counted); e2e-security.sh's
#     phase warm covers warm containers.
#   Secrecy: the fake API key never reaches the container (inspect, env, files
#     it can read), the scratch root or the daemon's logs; the mock saw it on
#     every request (the proxy injected it) and no run token in the path.
# Prints one PASS/FAIL line per check and "N passed, M failed"; exits 1 on any
# failure. Must run as root (dockerd; the daemon chowns group folders to 1000).
#
# Usage: scripts/e2e-host.sh [--image IMAGE] [--keep]
#   --image  agent image (default: $CONTAINER_IMAGE or nanoclaw-agent:latest)
#   --keep   keep the scratch directory (logs, root, mock log) for inspection
# Environment: NANOCLAW_BIN_DIR (default build/dev/src/bin; the build tree two
# levels above it is installed), CONTAINER_RUNTIME_BIN (default docker),
# E2E_SEND_TIMEOUT (seconds per send, default 240).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/e2e-common.sh
. "$repo/scripts/lib/e2e-common.sh"
image="${CONTAINER_IMAGE:-nanoclaw-agent:latest}"
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --image) image="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '3,25p' "$0"; exit 0 ;;
    *) echo "e2e-host: unknown argument: $1" >&2; exit 2 ;;
  esac
done

bin_dir="${NANOCLAW_BIN_DIR:-$repo/build/dev/src/bin}"
build_dir="$(cd "$bin_dir/../.." 2>/dev/null && pwd || true)"
nanoclawd="$bin_dir/nanoclawd"
nanoclaw="$bin_dir/nanoclaw"
runtime="${CONTAINER_RUNTIME_BIN:-docker}"
send_timeout="${E2E_SEND_TIMEOUT:-240}"

say() { echo "e2e-host: $*"; }
die() { echo "e2e-host: $*" >&2; exit 1; }

[[ -x "$nanoclawd" && -x "$nanoclaw" ]] \
  || die "no binaries in $bin_dir (cmake --preset dev && cmake --build build/dev --target nanoclawd nanoclaw)"
[[ -n "$build_dir" && -f "$build_dir/cmake_install.cmake" ]] \
  || die "no install rules in ${build_dir:-$bin_dir/../..} (re-run cmake there, then build nanoclawd nanoclaw)"
command -v sqlite3 >/dev/null || die "sqlite3 is required (apt-get install sqlite3)"
command -v node >/dev/null || die "node is required for the mock Messages API"
"$repo/scripts/container/ensure-dockerd.sh" >/dev/null
"$runtime" image inspect "$image" >/dev/null 2>&1 \
  || die "image $image not found (scripts/container/ensure-images.sh [--tag T] [--no-browser])"

# ---------------------------------------------------------------- install and scratch root
work="$(mktemp -d "${TMPDIR:-/tmp}/nanoclaw-e2e-host.XXXXXX")"
# An installed copy: a rebuild in the checkout during the run must not swap the binaries, and
# the daemon must find its shipped files under prefix/share/nanoclaw, not in the checkout.
prefix="$work/prefix"
install_build "$build_dir" "$prefix"
nanoclawd="$prefix/bin/nanoclawd"
nanoclaw="$prefix/bin/nanoclaw"
share="$prefix/share/nanoclaw"
# The data root starts empty (the daemon seeds groups/ from $share); only .env is added below.
root="$work/root"
mkdir -p "$root" "$work/home"
secret="sk-ant-e2e-secret-$(random_hex 12)"
sock="$root/data/nanoclawd.sock"

mock_pid=""
forwarder_pid=""
daemon_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null || true
  fi
  [[ -n "$mock_pid" ]] && kill "$mock_pid" 2>/dev/null || true
  [[ -n "$forwarder_pid" ]] && kill "$forwarder_pid" 2>/dev/null || true
  remove_our_containers # only the containers this test started (see scan_ours)
  if [[ $keep -eq 1 || $rc -ne 0 ]]; then echo "e2e-host: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Our containers are found with scan_ours (scripts/lib/e2e-common.sh): the daemon's log file is
# flushed only on warnings and at exit, so it cannot tell us the names while the daemon runs.
seen_containers() { sort -u "$work/containers" 2>/dev/null | grep -c . || true; }

# ---------------------------------------------------------------- mock and daemon
eval "$("$repo/scripts/container/start-mock.sh" --dir "$work/mock")"
mock_pid="$MOCK_PID"
# The agent gets an XML prompt: the forwarder decodes the entities in the tool directives'
# JSON before the mock parses them (scripts/lib/xml-unescape-forwarder.mjs).
start_unescape_forwarder "$MOCK_URL"
api_url="$forwarder_url"
say "mock Messages API at $MOCK_URL (via $api_url), image $image, scratch $work"
printf 'ANTHROPIC_API_KEY=%s\nANTHROPIC_BASE_URL=%s\n' "$secret" "$api_url" >"$root/.env"
chmod 600 "$root/.env"

start_daemon() { # start_daemon PHASE IDLE_MS
  local phase="$1" idle="$2"
  rm -f "$sock"
  env -u ANTHROPIC_API_KEY -u ANTHROPIC_BASE_URL -u CLAUDE_CODE_OAUTH_TOKEN -u NANOCLAW_SHARE_DIR \
    HOME="$work/home" CONTAINER_IMAGE="$image" CONTAINER_RUNTIME_BIN="$runtime" \
    CREDENTIAL_PROXY_HOST=127.0.0.1 CREDENTIAL_PROXY_PORT=0 NANOCLAW_CONTAINER_NETWORK=host \
    IDLE_TIMEOUT="$idle" SHUTDOWN_GRACE_MS=20000 LOG_LEVEL=debug WARM_POOL_SIZE=0 \
    NANOCLAW_LOG_FILE="$work/daemon-$phase.log" \
    "$nanoclawd" --root "$root" >"$work/daemon-$phase.out" 2>&1 </dev/null &
  daemon_pid=$!
  local deadline=$((SECONDS + 60))
  until [[ -S "$sock" ]] && "$nanoclaw" --root "$root" status >/dev/null 2>&1; do
    if ! kill -0 "$daemon_pid" 2>/dev/null; then
      tail -n 30 "$work/daemon-$phase.out" >&2
      die "nanoclawd ($phase) exited during start-up"
    fi
    (( SECONDS < deadline )) || die "nanoclawd ($phase) did not answer within 60 s"
    sleep 0.2
  done
  say "daemon $phase up (pid $daemon_pid, IDLE_TIMEOUT=$idle)"
}

# stop_daemon: SIGTERM, wait; sets daemon_rc and stop_seconds.
stop_daemon() {
  local t0=$SECONDS
  kill -TERM "$daemon_pid"
  daemon_rc=0
  wait "$daemon_pid" || daemon_rc=$?
  daemon_pid=""
  stop_seconds=$((SECONDS - t0))
}

send() { # send OUTFILE TEXT
  local out="$1" text="$2" t0=$SECONDS rc=0
  timeout $((send_timeout + 30)) "$nanoclaw" --root "$root" send --chat main \
    --timeout "$send_timeout" "$text" >"$out" 2>&1 || rc=$?
  say "send took $((SECONDS - t0)) s (exit $rc): $(tr '\n' '|' <"$out" | cut -c1-200)"
  return $rc
}

spawn_count() { grep -c 'Spawning container agent' "$1" || true; }
same_session() { local now; now="$(stored_session)"; [[ -n "$now" && "$now" == "$session1" ]]; }
stored_session() {
  sqlite3 "$root/store/messages.db" "select session_id from sessions where group_folder='main'" 2>/dev/null || true
}
# All mock requests whose prompt contains $1, as JSON lines.
mock_requests_for() { node -e '
  const fs = require("fs");
  for (const line of fs.readFileSync(process.argv[1], "utf8").split("\n")) {
    if (!line) continue;
    const e = JSON.parse(line);
    if ((e.prompt_text || "").includes(process.argv[2])) console.log(line);
  }' "$MOCK_LOG" "$1"; }
# Largest message_count among the API requests for a prompt containing $1 (0 if none).
message_count_for() {
  mock_requests_for "$1" | node -e '
    const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
    console.log(Math.max(0, ...lines.map((l) => JSON.parse(l).message_count || 0)));'
}

t_start=$SECONDS
# ================================================================ phase A
check "the install has the shipped agent-runner source" test -f "$share/container/agent-runner/src/index.ts"
check "the install has the CLAUDE.md templates" \
  test -f "$share/groups/main/CLAUDE.md" -a -f "$share/groups/global/CLAUDE.md"
check "the install has no node_modules or agent-runner tests" \
  test ! -e "$share/container/agent-runner/node_modules" -a ! -e "$share/container/agent-runner/test"
start_daemon A 30000
check "the empty root was seeded with the shipped templates" \
  cmp -s "$share/groups/global/CLAUDE.md" "$root/groups/global/CLAUDE.md"
check "the root holds no shipped code (no container/)" test ! -e "$root/container"

prompt1='e2e one [[tool:mcp__nanoclaw__send_message {"text":"ipc hello"}]] [[tool:Bash {"command":"echo e2e > /workspace/group/bash-was-here","description":"touch a file"}]] [[reply:final answer]]'
t0=$SECONDS
check "send 1 exits 0" send "$work/send1.out" "$prompt1"
t_send1=$((SECONDS - t0))
check "send 1 printed the final reply (OUTPUT markers)" contains "$work/send1.out" "final answer"
check "send 1 printed the IPC message (IPC watcher -> local channel)" contains "$work/send1.out" "ipc hello"
check "Bash tool wrote groups/main/bash-was-here" test -f "$root/groups/main/bash-was-here"
check "the run's /app/src is the installed agent-runner source" \
  cmp -s "$share/container/agent-runner/src/index.ts" "$root/data/sessions/main/agent-runner-src/index.ts"

# The container idles (IDLE_TIMEOUT 30 s): look at it while it runs.
name1="$(running_of_ours | head -n1)"
check "the container is still running after the turn" test -n "$name1"
if [[ -n "$name1" ]]; then
  "$runtime" inspect "$name1" >"$work/inspect.json" 2>&1 || true
  check "docker inspect of the running container has no secret" not_contains "$work/inspect.json" "$secret"
  check "the container runs with --network host" contains "$work/inspect.json" '"NetworkMode": "host"'
  # The pattern goes in on stdin so it is not part of the exec's command line.
  leak="$(printf '%s\n' "$secret" | "$runtime" exec -i "$name1" sh -c \
    'read -r s; env | grep -F "$s"; grep -rIlF -- "$s" /workspace /home/node /app/src /tmp 2>/dev/null; true' || true)"
  check "no secret in the container's env or readable files" test -z "$leak"
  [[ -z "$leak" ]] || echo "  leak: $leak"
fi

session1="$(stored_session)"
check "session id stored in sessions table" test -n "$session1"
say "session $session1"

t0=$SECONDS
check "send 2 exits 0" send "$work/send2.out" 'e2e two [[reply:second answer]]'
t_send2=$((SECONDS - t0))
check "send 2 printed its reply" contains "$work/send2.out" "second answer"
running_of_ours >/dev/null
check "send 2 was answered by the same container (one container so far)" \
  test "$(seen_containers)" -eq 1 -a "$(running_of_ours)" = "$name1"
check "send 2 kept the same session" same_session
check "send 2's API request carried the earlier conversation" \
  test "$(message_count_for 'e2e two')" -gt 1

stop_daemon
check "daemon A exits 0 on SIGTERM (${stop_seconds} s)" test "$daemon_rc" -eq 0
check "daemon A wrote _close and the container is gone" test -z "$(running_of_ours)"
check "daemon A: the runner saw _close at shutdown" contains "$work/daemon-A.log" "Close sentinel seen"
check "daemon A: the container exited 0 (graceful, not killed)" \
  grep -q 'Container completed: .*exitCode=0' "$work/daemon-A.log"
check "daemon A logged one spawn" test "$(spawn_count "$work/daemon-A.log")" -eq 1
check "daemon A logged no errors" \
  sh -c '! grep -qE "^[0-9T:.-]+ (error|critical) " "$1"' _ "$work/daemon-A.log"

# ================================================================ phase B
start_daemon B 3000
t0=$SECONDS
check "send 3 (after restart) exits 0" send "$work/send3.out" 'e2e three [[reply:third answer]]'
t_send3=$((SECONDS - t0))
check "send 3 printed its reply" contains "$work/send3.out" "third answer"
check "send 3's API request resumed the conversation (prompts 1 and 2 included)" \
  test "$(message_count_for 'e2e three')" -ge 5
check "session unchanged after resume" same_session

# IDLE_TIMEOUT 3 s: the daemon closes the container on its own.
deadline=$((SECONDS + 60))
while [[ -n "$(running_of_ours)" ]] && (( SECONDS < deadline )); do sleep 0.5; done
check "idle timeout closed the container (no nanoclaw container of ours left)" test -z "$(running_of_ours)"
check "daemon B still running after the idle close" kill -0 "$daemon_pid"
# The run log (verbose at LOG_LEVEL=debug) is written when the container exits.
deadline=$((SECONDS + 20))
until grep -rqF "\"sessionId\": \"$session1\"" "$root/groups/main/logs" || (( SECONDS >= deadline )); do
  sleep 0.5
done
check "send 3 started the runner with the stored session (run log input)" \
  grep -rqF "\"sessionId\": \"$session1\"" "$root/groups/main/logs"
stop_daemon
check "daemon B exits 0 on SIGTERM" test "$daemon_rc" -eq 0
# In the (flushed) log the container ended with exit 0 before the SIGTERM arrived.
check "daemon B: the idle close ended the container with exit 0 before shutdown" awk '
  /Container completed: .*exitCode=0/ && !sig { done = 1 }
  /received signal/ { sig = 1 }
  END { exit done ? 0 : 1 }' "$work/daemon-B.log"

# ================================================================ phase C: a rejected key
# The real SDK gets a 401 through the proxy: the chat hears the plain sentence within seconds,
# `nanoclaw send` exits 3 with it on stderr, and the run is neither left running nor retried.
start_daemon C 3000
t0=$SECONDS
rc4=0
send "$work/send4.out" 'e2e four [[http_error:401]]' || rc4=$?
t_send4=$((SECONDS - t0))
check "send 4 (API answers 401) exits 3 (no reply, a notice)" test "$rc4" -eq 3
check "send 4 printed the rejected-key sentence" \
  contains "$work/send4.out" "The API key was rejected (401). Check ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in .env."
check "send 4 was told within 15 s (${t_send4} s)" test "$t_send4" -le 15
deadline=$((SECONDS + 30))
while [[ -n "$(running_of_ours)" ]] && (( SECONDS < deadline )); do sleep 0.5; done
check "the failed run's container is gone" test -z "$(running_of_ours)"
sleep 6 # past the queue's first retry delay (5 s): a retry would have spawned again
check "daemon C spawned once (a rejected key is not retried)" test "$(spawn_count "$work/daemon-C.log")" -eq 1

# The group's own runner copy no longer compiles: one notice quoting the compiler, one spawn.
echo 'const broken: number = ;' >>"$root/data/sessions/main/agent-runner-src/prompt.ts"
t0=$SECONDS
rc5=0
send "$work/send5.out" 'e2e five [[reply:never]]' || rc5=$?
t_send5=$((SECONDS - t0))
check "send 5 (runner does not compile) exits 3" test "$rc5" -eq 3
check "send 5 quotes the compiler's first error" \
  grep -qE 'The agent could not start: src/prompt\.ts\([0-9]+,[0-9]+\): error TS[0-9]+' "$work/send5.out"
sleep 6
check "daemon C spawned once more (a compile error is not retried)" \
  test "$(spawn_count "$work/daemon-C.log")" -eq 2
stop_daemon
check "daemon C exits 0 on SIGTERM" test "$daemon_rc" -eq 0

# ================================================================ secrecy and the proxy
check "mock saw API requests" test -s "$MOCK_LOG"
node -e '
  const fs = require("fs");
  const [log, secret] = process.argv.slice(1);
  const entries = fs.readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const bad = (pred) => entries.filter(pred).map((e) => `${e.n} ${e.method} ${e.url}`);
  const report = {
    total: entries.length,
    no_key: bad((e) => e.headers["x-api-key"] !== secret),
    bad_path: bad((e) => !String(e.path).startsWith("/v1/messages") &&
                         !(e.method === "GET" && e.url === "/v1/models?limit=1")),
    preflights: entries.filter((e) => e.method === "GET" && e.url === "/v1/models?limit=1").length,
    token_in_url: bad((e) => String(e.url).includes("/r/")),
    bearer: bad((e) => "authorization" in e.headers),
  };
  fs.writeFileSync(process.argv[1] + ".report.json", JSON.stringify(report, null, 1));
' "$MOCK_LOG" "$secret"
report="$MOCK_LOG.report.json"
field_empty() { node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])); const v = r[process.argv[2]]; if (v.length) console.log("  " + process.argv[2] + ": " + v.join(", ")); process.exit(v.length ? 1 : 0)' "$report" "$1"; }
check "every request carried x-api-key = the secret (proxy injection)" field_empty no_key
check "every request path is /v1/messages (or the start-up preflight)" field_empty bad_path
check "one start-up preflight per daemon start (3), with the injected key" \
  node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1])).preflights === 3 ? 0 : 1)' "$report"
check "the run token was stripped from every path" field_empty token_in_url
check "no Authorization header reached the API (API-key mode)" field_empty bearer
check "secret absent from <root>/groups and <root>/data" \
  sh -c '! grep -rqF -- "$1" "$2/groups" "$2/data"' _ "$secret" "$root"
check "secret absent from the daemon logs" \
  sh -c '! grep -qF -- "$1" "$2"/daemon-*.log "$2"/daemon-*.out' _ "$secret" "$work"
check "one container per daemon run and failed send (4 spawns in total)" \
  test "$(cat "$work"/daemon-*.log | grep -c 'Spawning container agent')" -eq 4

echo
echo "| step | seconds |"
echo "|---|---:|"
echo "| send 1 (cold container, 2 tools) | $t_send1 |"
echo "| send 2 (warm container, follow-up) | $t_send2 |"
echo "| send 3 (restart, resumed session) | $t_send3 |"
echo "| send 4 (API answers 401: notice) | $t_send4 |"
echo "| send 5 (runner does not compile: notice) | $t_send5 |"
echo "| total e2e-host | $((SECONDS - t_start)) |"
print_totals
