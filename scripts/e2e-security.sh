#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Security suite with the real Docker: the claims of docs/security.md ("Threat model"), checked
# against the installed nanoclawd + nanoclaw CLI, the real agent image, the mock Messages API and
# a fake Telegram Bot API (both on 127.0.0.1). The daemon runs as installed on Linux: default
# bridge network, the proxy on the docker0 address it picks itself.
#   Secrets: .env holds an API key, an OAuth token, ANTHROPIC_AUTH_TOKEN, a Telegram bot token
#     (really used: the channel polls the fake) and a key the daemon never reads. Each contains
#     one random marker. Phase api-key: three groups (main, alpha, beta) run at once; phase
#     oauth (the key removed, so the proxy injects the OAuth token): main and alpha. Each agent runs
#     scripts/lib/security-probe.sh with a scripted Bash tool call: env, /proc/*/environ, mounts,
#     a grep for the marker through every readable file, the other groups' files, the project,
#     the database, the socket, the proxy without a valid token. The host judges its output,
#     plus `docker inspect` of every container (env, Mounts: no .env, only the group's own dirs).
#   Proxy: listens on docker0 only (not on loopback or any other local address); no token, an
#     unknown, altered or stale token get 401 from the host and from containers, and the mock's
#     request log shows none was forwarded.
#   Files: data/nanoclawd.sock and .env are 0600; a group-readable .env is warned about by the
#     daemon and by `nanoclaw doctor`.
#   Warm pool: the container started ahead of alpha's next message holds no secret (docker
#     inspect, docker exec env and /proc/*/environ), its token is refused until a message takes
#     it, the take runs the full probe in it (same network, mounts and user as a cold run), and
#     its token is refused again once the run is over.
#   Logs: no planted secret in the daemon's log or output, the CLI's output, or any file under
#     the root but .env (groups/, data/, store/ incl. the database, logs/).
# Prints one PASS/FAIL line per check and "N passed, M failed"; exits 1 on any failure. Root only.
#
# Usage: scripts/e2e-security.sh [--image IMAGE] [--keep]
#   --image  agent image (default: $CONTAINER_IMAGE or nanoclaw-agent:latest)
#   --keep   keep the scratch directory (logs, root, probe output, mock log)
# Environment: NANOCLAW_BIN_DIR (default build/dev/src/bin; the build tree two levels above it
# is installed), CONTAINER_RUNTIME_BIN (default docker), E2E_SEND_TIMEOUT (default 180 s).
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
    -h|--help) sed -n '3,27p' "$0"; exit 0 ;;
    *) echo "e2e-security: unknown argument: $1" >&2; exit 2 ;;
  esac
done

bin_dir="${NANOCLAW_BIN_DIR:-$repo/build/dev/src/bin}"
build_dir="$(cd "$bin_dir/../.." 2>/dev/null && pwd || true)"
runtime="${CONTAINER_RUNTIME_BIN:-docker}"
send_timeout="${E2E_SEND_TIMEOUT:-180}"
groups=(main alpha beta)

say() { echo "e2e-security: $*"; }
die() { echo "e2e-security: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (dockerd; the daemon chowns group folders to 1000)"
[[ -n "$build_dir" && -f "$build_dir/cmake_install.cmake" && -x "$bin_dir/nanoclawd" ]] \
  || die "no build with install rules at ${build_dir:-$bin_dir/../..} (cmake --build <dir> --target nanoclawd nanoclaw)"
for tool in sqlite3 node; do command -v "$tool" >/dev/null || die "$tool is required"; done
"$repo/scripts/container/ensure-dockerd.sh" >/dev/null
"$runtime" image inspect "$image" >/dev/null 2>&1 || die "image $image not found (scripts/e2e-image.sh)"
# docker0's address: where the daemon's proxy binds by default on Linux (docs/credential-proxy.md).
bridge_ip="$("$runtime" network inspect bridge --format '{{(index .IPAM.Config 0).Gateway}}' 2>/dev/null || true)"
[[ -n "$bridge_ip" ]] || die "no default bridge network: the suite tests the default docker0 set-up"
net() { node "$repo/scripts/lib/host-net.mjs" "$@"; }

# ---------------------------------------------------------------- scratch, install, secrets
work="$(mktemp -d "${TMPDIR:-/tmp}/nanoclaw-e2e-security.XXXXXX")"
prefix="$work/prefix"
root="$work/root"
sock="$root/data/nanoclawd.sock"
mock_pid="" forwarder_pid="" bot_pid="" daemon_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null || true
  fi
  local pid
  for pid in "$mock_pid" "$forwarder_pid" "$bot_pid"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  remove_our_containers
  if [[ $keep -eq 1 || $rc -ne 0 ]]; then echo "e2e-security: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
t_start=$SECONDS

install_build "$build_dir" "$prefix"
nanoclawd="$prefix/bin/nanoclawd"
nanoclaw="$prefix/bin/nanoclaw"
mkdir -p "$root" "$work/home"

# Every secret contains the marker, so a probe can search for all of them at once without ever
# holding one: it gets the marker in two halves and joins them only in memory.
marker_a="$(random_hex 8)"
marker_b="$(random_hex 8)"
marker="$marker_a$marker_b"
declare -A secret=(
  [ANTHROPIC_API_KEY]="sk-ant-api03-$marker-$(random_hex 12)"
  [CLAUDE_CODE_OAUTH_TOKEN]="sk-ant-oat01-$marker-$(random_hex 12)"
  [ANTHROPIC_AUTH_TOKEN]="e2e-auth-$marker-$(random_hex 12)"
  [TELEGRAM_BOT_TOKEN]="712345678:AA$marker$(random_hex 12)"
  [OPENAI_API_KEY]="sk-e2e-unread-$marker-$(random_hex 12)" # in .env, read by nothing
)
# Grep patterns for every secret, one per line, for `grep -F -f`.
printf '%s\n' "${secret[@]}" >"$work/secrets.pattern"
printf '%s\n' "$marker" >>"$work/secrets.pattern"

eval "$("$repo/scripts/container/start-mock.sh" --dir "$work/mock")"
mock_pid="$MOCK_PID"
start_unescape_forwarder "$MOCK_URL"
EXPECTED_TOKEN="${secret[TELEGRAM_BOT_TOKEN]}" PORT_FILE="$work/bot.port" LOG="$work/bot.log" \
  node "$repo/scripts/lib/fake-bot-api.mjs" >"$work/bot.out" 2>&1 </dev/null &
bot_pid=$!
wait_for_file "$work/bot.port" "$bot_pid" "the fake Bot API"

write_env() { # write_env KEY...: .env with those secrets and the mock's URL, 0600
  local key
  for key in "$@"; do echo "$key=${secret[$key]}"; done >"$root/.env"
  echo "ANTHROPIC_BASE_URL=$forwarder_url" >>"$root/.env"
  chmod 600 "$root/.env"
  # The agents run as uid 1000 (the daemon runs as root here). Owned by 1000, the file is one the
  # agents' user could read, as on a desktop install where both are the same user: only the
  # shadow mount stands between the main agent and .env, which is what the suite must prove.
  chown 1000:1000 "$root/.env"
}
write_env "${!secret[@]}"
say "mock API $MOCK_URL (via $forwarder_url), Bot API 127.0.0.1:$(cat "$work/bot.port"), image $image, scratch $work"

# ---------------------------------------------------------------- groups and canaries
cli() { HOME="$work/home" "$nanoclaw" --root "$root" "$@"; }
register() { # register FOLDER [--is-main]
  cli setup --step register --jid "local:$1" --name "$1" --trigger @Andy --folder "$1" \
    --channel local --no-trigger-required "${@:2}" >"$work/register-$1.out" 2>&1 \
    || { cat "$work/register-$1.out" >&2; die "registering $1 failed"; }
}
register main --is-main
register alpha
register beta
declare -A canary
for g in "${groups[@]}"; do
  canary[$g]="canary-$g-$(random_hex 10)"
  echo "${canary[$g]}" >"$root/groups/$g/canary.txt"
  cp "$repo/scripts/lib/security-probe.sh" "$root/groups/$g/probe.sh"
done
# Each probe looks for another group's canary: alpha and beta for each other's (must not find
# it), main for beta's (it must: main reads the whole project, which also proves the search works).
declare -A other=([main]=beta [alpha]=beta [beta]=alpha)
for g in "${groups[@]}"; do
  c="${canary[${other[$g]}]}"
  printf 'MARKER_A=%s\nMARKER_B=%s\nCANARY_A=%s\nCANARY_B=%s\nTAG=probe-unauth-%s\n' \
    "$marker_a" "$marker_b" "${c:0:10}" "${c:10}" "$g" >"$root/groups/$g/probe.args"
done

# ---------------------------------------------------------------- daemon
start_daemon() { # start_daemon NAME IDLE_MS [WARM_POOL_SIZE, default 0]
  local name="$1" idle="$2" warm="${3:-0}"
  rm -f "$sock"
  env -u ANTHROPIC_API_KEY -u ANTHROPIC_BASE_URL -u CLAUDE_CODE_OAUTH_TOKEN -u ANTHROPIC_AUTH_TOKEN \
    -u TELEGRAM_BOT_TOKEN -u NANOCLAW_SHARE_DIR -u CREDENTIAL_PROXY_HOST -u NANOCLAW_CONTAINER_NETWORK \
    HOME="$work/home" CONTAINER_IMAGE="$image" CONTAINER_RUNTIME_BIN="$runtime" \
    CREDENTIAL_PROXY_PORT=0 TELEGRAM_API_BASE_URL="http://127.0.0.1:$(cat "$work/bot.port")" \
    IDLE_TIMEOUT="$idle" SHUTDOWN_GRACE_MS=20000 LOG_LEVEL=debug WARM_POOL_SIZE="$warm" \
    NANOCLAW_LOG_FILE="$work/daemon-$name.log" \
    "$nanoclawd" --root "$root" >"$work/daemon-$name.out" 2>&1 </dev/null &
  daemon_pid=$!
  local deadline=$((SECONDS + 60))
  until [[ -S "$sock" ]] && cli status >/dev/null 2>&1; do
    kill -0 "$daemon_pid" 2>/dev/null || { tail -n 30 "$work/daemon-$name.out" >&2; die "nanoclawd exited during start-up"; }
    (( SECONDS < deadline )) || die "nanoclawd did not answer within 60 s"
    sleep 0.2
  done
  proxy_port="$(net listeners "$daemon_pid" | sed -n 's/.*:\([0-9]*\)$/\1/p' | head -n1)"
}
stop_daemon() { # sets daemon_rc
  kill -TERM "$daemon_pid"
  daemon_rc=0
  wait "$daemon_pid" || daemon_rc=$?
  daemon_pid=""
}
mode_of() { stat -c %a "$1"; }
proxy_status() { # proxy_status PATH [TAG]: HTTP status of a POST from the host
  net status "http://$bridge_ip:$proxy_port$1" \
    "{\"model\":\"probe\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"${2:-probe-unauth-host}\"}]}"
}
# The negative checks first make sure there is something to look at: a missing file must fail them.
no_secret_in() { # no_secret_in FILE...: every file exists and holds no secret and no marker
  local f
  for f in "$@"; do [[ -f "$f" ]] || { echo "  missing: $f"; return 1; }; done
  ! grep -qaF -f "$work/secrets.pattern" "$@"
}
lacks_regex() { [[ -f "$1" ]] && ! grep -qE -- "$2" "$1"; } # lacks_regex FILE REGEX
lacks_lines() { # lacks_lines FILE LINE...: FILE exists and has none of the lines
  local file="$1"; shift
  [[ -f "$file" ]] || return 1
  [[ $# -eq 0 ]] || ! printf '%s\n' "$@" | grep -qxF -f - "$file"
}
secrets_anywhere() { grep -rlaF -f "$work/secrets.pattern" "$@" 2>/dev/null || true; }

# ---------------------------------------------------------------- probing runs
# run_probes PHASE FOLDER...: one agent run per group at once, each running the probe with a
# scripted Bash tool call; every container is `docker inspect`ed while it runs (from the host, as
# an operator would). Leaves $work/PHASE/{send-,inspect-,summary-}* and probe-<folder>/ (a copy of
# the probe's output), and the run tokens in token[FOLDER].
declare -A token
run_probes() {
  local phase="$1"; shift
  local dir="$work/$phase" g name rc busy deadline t0=$SECONDS
  local -A send_pid inspected
  mkdir -p "$dir"
  local prompt='security probe [[tool:Bash {"command":"bash /workspace/group/probe.sh","description":"security probe"}]]'
  for g in "$@"; do
    timeout $((send_timeout + 30)) "$nanoclaw" --root "$root" send --chat "$g" --timeout "$send_timeout" \
      "$prompt" >"$dir/send-$g.out" 2>&1 &
    send_pid[$g]=$!
  done
  deadline=$((SECONDS + send_timeout + 30))
  while (( SECONDS < deadline )); do
    for name in $(running_of_ours); do
      [[ -n "${inspected[$name]:-}" ]] && continue
      "$runtime" inspect "$name" >"$dir/inspect-$name.json" 2>/dev/null && inspected[$name]=1
    done
    busy=0
    for g in "$@"; do kill -0 "${send_pid[$g]}" 2>/dev/null && busy=1; done
    [[ $busy -eq 0 ]] && break
    sleep 0.3
  done
  for name in $(running_of_ours); do # a container that started between two scans
    [[ -n "${inspected[$name]:-}" ]] || "$runtime" inspect "$name" >"$dir/inspect-$name.json" 2>/dev/null || true
  done
  t_runs[$phase]=$((SECONDS - t0))
  for g in "$@"; do
    rc=0; wait "${send_pid[$g]}" || rc=$?
    check "$phase/$g: the probing run answered (exit $rc)" contains "$dir/send-$g.out" "probe finished"
    [[ -d "$root/groups/$g/probe-out" ]] && cp -r "$root/groups/$g/probe-out" "$dir/probe-$g"
  done
  node "$repo/scripts/lib/inspect-summary.mjs" "$dir" "$root"
  for g in "$@"; do
    token[$phase/$g]=""
    [[ -f "$dir/summary-$g.json" ]] && token[$phase/$g]="$(summary "$phase" "$g" token)"
  done
}
summary() { # summary PHASE FOLDER FIELD
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1])); const v = s[process.argv[2]]; console.log(typeof v === "object" ? JSON.stringify(v) : v)' \
    "$work/$1/summary-$2.json" "$3"
}

# judge_container PHASE FOLDER PLACEHOLDER: what `docker inspect` showed of the group's container.
judge_container() {
  local phase="$1" g="$2" placeholder="$3" foreign
  local c="$phase/$g"
  if [[ ! -f "$work/$phase/summary-$g.json" ]]; then
    check "$c: its container was inspected while running" false
    return
  fi
  check "$c: docker inspect shows no secret (env, args, labels, mounts)" no_secret_in "$work/$phase/inspect-nanoclaw-$g-"*.json
  check "$c: the container's credential is the placeholder $placeholder" \
    test "$(summary "$phase" "$g" placeholder_key)" = "[\"$placeholder=placeholder\"]"
  check "$c: the base URL carries a run token (48 hex digits)" test "${#token[$c]}" -eq 48
  check "$c: on the default bridge network (not host)" test "$(summary "$phase" "$g" network)" = default
  check "$c: runs as a non-root user ($(summary "$phase" "$g" user))" \
    sh -c 'case "$1" in ""|root|0|0:*) exit 1;; esac' _ "$(summary "$phase" "$g" user)"
  check "$c: .env is not among the Mounts" test "$(summary "$phase" "$g" env_mounted)" = false
  foreign="$(summary "$phase" "$g" foreign_mounts)"
  check "$c: every mount is the group's own (or main's project view)" test "$foreign" = '[]'
  [[ "$foreign" == '[]' ]] || echo "  foreign mounts: $foreign"
  if [[ "$g" == main ]]; then
    check "$c: the project root is mounted read-only" \
      test "$(summary "$phase" "$g" project)" = "{\"source\":\"$root\",\"rw\":false}"
    check "$c: /workspace/project/.env is a shadow (/dev/null or data/empty-env)" \
      sh -c 'case "$1" in /dev/null|"$2/data/empty-env") exit 0;; esac; exit 1' _ "$(summary "$phase" "$g" env_shadow)" "$root"
  else
    check "$c: no project mount" test "$(summary "$phase" "$g" project)" = null
  fi
}

# judge_probe PHASE FOLDER PLACEHOLDER: what the agent found from inside its container.
judge_probe() {
  local phase="$1" g="$2" placeholder="$3" o
  local c="$phase/$g" p="$work/$phase/probe-$g"
  [[ -d "$p" ]] || { check "$c: the probe wrote its findings" false; return; }
  check "$c: no secret or marker in env, /proc/{self,1,*}/environ, mountinfo, mount" \
    no_secret_in "$p/env.txt" "$p/self-environ.txt" "$p/pid1-environ.txt" "$p/all-environ.txt" "$p/mountinfo.txt" "$p/mount.txt"
  check "$c: the probe read /proc/1/environ and saw the placeholder" contains "$p/pid1-environ.txt" "$placeholder=placeholder"
  check "$c: the file search covered /workspace, /home, /app, /etc, /tmp" \
    sh -c 'for d in /workspace /home /app /etc /tmp; do grep -qx "$d" "$1" || exit 1; done' _ "$p/searched-roots.txt"
  check "$c: the marker is in no readable file" test ! -s "$p/marker-hits.txt"
  [[ -s "$p/marker-hits.txt" ]] && sed 's/^/  marker in: /' "$p/marker-hits.txt"
  check "$c: proxy from inside without a valid token: all 401 (none, unknown, +1 digit, -1 digit, in query)" \
    sh -c '[ "$(cut -d= -f2 "$1" | sort -u)" = 401 ] && [ "$(grep -c . "$1")" -eq 5 ]' _ "$p/proxy.txt"
  grep -v '=401$' "$p/proxy.txt" | sed 's/^/  /' || true
  if [[ "$g" == main ]]; then
    check "$c: /workspace/project/.env is empty (0 bytes)" contains "$p/access.txt" "env_bytes=0"
    check "$c: the project is read-only and .env reads empty after a write attempt" \
      sh -c 'grep -qx env_bytes_after_write=0 "$1" && grep -qx project_write=refused "$1"' _ "$p/access.txt"
    check "$c: the only .env it finds is the shadow" contains "$p/access.txt" "dotenv_files=/workspace/project/.env "
    check "$c (admin, by design): reads other groups' files (beta's canary found)" \
      contains "$p/canary-hits.txt" "/workspace/project/groups/beta/canary.txt"
    check "$c (admin, by design): reads the database" contains "$p/access.txt" "store_db=readable"
    check "$c: the daemon socket in its project view is covered (not a socket)" \
      contains "$p/access.txt" "daemon_socket=shadowed"
    return
  fi
  o="${other[$g]}"
  check "$c: no /workspace/project" contains "$p/access.txt" "project=absent"
  check "$c: /workspace holds only group, ipc, global, extra, ca-cert" \
    sh -c 'line=$(grep "^workspace=" "$1") || exit 1; for w in ${line#workspace=}; do case $w in group|ipc|global|extra|ca-cert) ;; *) exit 1;; esac; done' _ "$p/access.txt"
  check "$c: the $o canary is in no readable file" test ! -s "$p/canary-hits.txt"
  check "$c: no trace of $o's or the root's paths in its mounts" \
    lacks_regex "$p/mountinfo.txt" "groups/$o|ipc/$o|sessions/$o|$root "
  check "$c: no database, .env or daemon socket anywhere readable" \
    sh -c 'grep -qx "db_files=" "$1" && grep -qx "dotenv_files=" "$1" && grep -qx "daemon_sockets=" "$1"' _ "$p/access.txt"
  check "$c: its IPC dir holds only its own queues" \
    sh -c 'line=$(grep "^ipc=" "$1") || exit 1; for w in ${line#ipc=}; do case $w in messages|tasks|input|current_tasks.json|available_groups.json) ;; *) exit 1;; esac; done' _ "$p/access.txt"
  local t others=()
  for t in "${!token[@]}"; do [[ "$t" == "$c" || -z "${token[$t]}" ]] || others+=("/r/${token[$t]}"); done
  check "$c: the token search finds its own token (in its environment)" contains "$p/tokens.txt" "/r/${token[$c]}"
  check "$c: no other run's token readable (${#others[@]} looked for)" lacks_lines "$p/tokens.txt" "${others[@]}"
}

# judge_mock PHASE FROM MODE CREDENTIAL: the mock's log from line FROM on (this phase's requests).
judge_mock() {
  local phase="$1" from="$2" mode="$3" credential="$4" s others=()
  for s in "${secret[@]}"; do [[ "$s" == "$credential" ]] || others+=("$s"); done
  local report="$work/$phase/mock-report.json"
  node "$repo/scripts/lib/mock-report.mjs" "$MOCK_LOG" "$from" "$mode" "$credential" "${others[@]}" >"$report"
  check "$phase: the mock saw the agents' requests" \
    node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1])).total >= 2 ? 0 : 1)' "$report"
  check "$phase: no unauthenticated probe request was forwarded (mock log)" report_empty "$report" unauth_forwarded
  check "$phase: every forwarded request carried the real credential ($mode, injected by the proxy)" \
    report_empty "$report" wrong_credential
  check "$phase: no other planted secret reached the API" report_empty "$report" other_secret
  check "$phase: no run token reached the API" report_empty "$report" token_in_url
}
report_empty() { # report_empty REPORT FIELD: the list is empty, else it is printed
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])); const v = r[process.argv[2]]; if (v.length) console.log("  " + process.argv[2] + ": " + v.join(", ")); process.exit(v.length ? 1 : 0)' "$1" "$2"
}
mock_lines() { grep -c . "$MOCK_LOG" || true; }
wait_runs_ended() { # until no container of ours runs (the idle timeout closes them)
  local deadline=$((SECONDS + 60))
  while [[ -n "$(running_of_ours)" ]] && (( SECONDS < deadline )); do sleep 0.5; done
  check "$1: the runs ended (idle timeout)" test -z "$(running_of_ours)"
}

declare -A t_runs
# ================================================================ phase api-key
check ".env is 0600 before start" test "$(mode_of "$root/.env")" = 600
start_daemon api-key 8000
say "daemon up (pid $daemon_pid)"
check "data/nanoclawd.sock is a socket with mode 0600" test -S "$sock" -a "$(mode_of "$sock")" = 600
check "data/ is not world-writable" sh -c '[ $(( 0$(stat -c %a "$1") & 02 )) -eq 0 ]' _ "$root/data"

# Where the proxy listens: docker0 only, nothing on the port at any other address of this machine
# (never one outside it). Link-local IPv6 addresses are left out: they need a zone to be reached.
net listeners "$daemon_pid" >"$work/proxy-listen.txt"
say "nanoclawd listens on: $(tr '\n' ' ' <"$work/proxy-listen.txt")"
check "the daemon listens on one TCP address, the docker0 bridge ($bridge_ip)" \
  test "$(cat "$work/proxy-listen.txt")" = "$bridge_ip:$proxy_port"
{ net addresses | awk '{print $2}'; echo 127.0.0.1; echo localhost; } \
  | grep -vxF "$bridge_ip" | grep -v '^fe80:' | sort -u >"$work/other-addresses.txt"
unreachable_elsewhere() {
  local addr host code bad=0
  while read -r addr; do
    host="$addr"; [[ "$addr" == *:* ]] && host="[$addr]"
    code="$(net status "http://$host:$proxy_port/v1/messages")"
    [[ "$code" == 000 ]] || { echo "  $addr:$proxy_port answered $code"; bad=1; }
  done <"$work/other-addresses.txt"
  return $bad
}
check "the proxy port answers on no other local address ($(tr '\n' ' ' <"$work/other-addresses.txt" | sed 's/ $//'))" \
  unreachable_elsewhere
check "host, no token: 401" test "$(proxy_status /v1/messages)" = 401
check "host, unknown token: 401" test "$(proxy_status "/r/$(random_hex 24)/v1/messages")" = 401
check "host, GET /r/ with an empty token: 401" test "$(net status "http://$bridge_ip:$proxy_port/r//v1/models")" = 401

run_probes api-key "${groups[@]}"
for g in "${groups[@]}"; do judge_container api-key "$g" ANTHROPIC_API_KEY; done
check "api-key: three distinct run tokens" \
  test "$(printf '%s\n' "${token[@]}" | grep . | sort -u | grep -c .)" -eq 3
for g in "${groups[@]}"; do judge_probe api-key "$g" ANTHROPIC_API_KEY; done

# Ended runs' tokens, from the host and from another container on the bridge (not an agent run).
wait_runs_ended api-key
for g in "${groups[@]}"; do
  check "host, $g's token after its run ended: 401" \
    test "$(proxy_status "/r/${token[api-key/$g]}/v1/messages" "probe-unauth-stale-$g")" = 401
done
"$runtime" run --rm --add-host=host.docker.internal:host-gateway --entrypoint sh "$image" -c '
  for path in /v1/messages /r/'"${token[api-key/alpha]:-$(random_hex 24)}"'/v1/messages; do
    curl -s -o /dev/null -w "%{http_code}\n" --max-time 5 -X POST -H "content-type: application/json" \
      -d "{\"model\":\"probe\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"probe-unauth-foreign\"}]}" \
      "http://host.docker.internal:'"$proxy_port"'$path"
  done' >"$work/foreign.txt" 2>&1 || true
check "another container, no token and a stale token: 401, 401" test "$(tr '\n' ' ' <"$work/foreign.txt")" = "401 401 "
check "Telegram ran with the bot token (the fake Bot API saw getMe and getUpdates with it)" \
  sh -c 'grep -q "\"method\":\"getMe\",\"token_ok\":true" "$1" && grep -q "\"method\":\"getUpdates\",\"token_ok\":true" "$1"' _ "$work/bot.log"
stop_daemon
check "api-key: daemon exits 0 on SIGTERM" test "$daemon_rc" -eq 0
judge_mock api-key 0 api-key "${secret[ANTHROPIC_API_KEY]}"

# ================================================================ phase warm
# A warm container is started before anyone needs it: until a message takes it, it must hold
# nothing worth stealing (no secret, and a token the proxy refuses), and once taken it must be
# exactly as confined as a cold one.
warm_dir="$work/warm"
mkdir -p "$warm_dir"
start_daemon warm 3000 1
timeout $((send_timeout + 30)) "$nanoclaw" --root "$root" send --chat alpha --timeout "$send_timeout" \
  "warm-up [[reply:warmed up]]" >"$warm_dir/send-warmup.out" 2>&1 || true
check "warm: a first (cold) run of alpha answered" contains "$warm_dir/send-warmup.out" "warmed up"
deadline=$((SECONDS + 90))
until grep -q 'Warm container ready: group=alpha' "$work/daemon-warm.log" 2>/dev/null || (( SECONDS > deadline )); do sleep 0.3; done
check "warm: the daemon started a warm container for alpha after its run" \
  grep -q 'Warm container ready: group=alpha' "$work/daemon-warm.log"
warm_name="$(sed -n 's/.*Warm container ready: group=alpha container=\([^ ]*\).*/\1/p' "$work/daemon-warm.log" | tail -n1)"
"$runtime" inspect "${warm_name:-none}" >"$warm_dir/idle-inspect.json" 2>/dev/null || true
check "warm, idle: docker inspect shows no secret (env, args, labels, mounts)" no_secret_in "$warm_dir/idle-inspect.json"
"$runtime" exec "${warm_name:-none}" sh -c 'env; cat /proc/[0-9]*/environ 2>/dev/null | tr "\0" "\n"' \
  >"$warm_dir/idle-env.txt" 2>&1 || true
check "warm, idle: the agent is up inside (claude among its processes' environments)" grep -q 'ANTHROPIC_BASE_URL=' "$warm_dir/idle-env.txt"
check "warm, idle: no secret in its environment or any of its processes' (docker exec)" no_secret_in "$warm_dir/idle-env.txt"
warm_token="$(node -e 'const [c] = JSON.parse(require("fs").readFileSync(process.argv[1])); const e = (c.Config.Env || []).find((v) => v.startsWith("ANTHROPIC_BASE_URL=")) || ""; const m = e.match(/\/r\/([0-9a-f]+)/); console.log(m ? m[1] : "")' "$warm_dir/idle-inspect.json" 2>/dev/null || true)"
check "warm, idle: its ANTHROPIC_BASE_URL carries a run token" test -n "$warm_token"
check "warm, idle: that token is refused by the proxy before the take (401)" \
  test "$(proxy_status "/r/${warm_token:-none}/v1/messages" "probe-unauth-warm-idle")" = 401
run_probes warm alpha
check "warm: the message took the warm container (no new docker run)" \
  grep -q "Warm container taken: group=alpha container=$warm_name" "$work/daemon-warm.log"
check "warm: the probing run ran in the warm container" test -f "$warm_dir/inspect-$warm_name.json"
judge_container warm alpha ANTHROPIC_API_KEY
judge_probe warm alpha ANTHROPIC_API_KEY
deadline=$((SECONDS + 60)) # the taken container closes after IDLE_TIMEOUT
while running_of_ours | grep -qxF "${warm_name:-none}" && (( SECONDS < deadline )); do sleep 0.3; done
check "warm: the taken container's run ended" \
  sh -c 'case " $2 " in *" $1 "*) exit 1 ;; esac' _ "${warm_name:-none}" "$(running_of_ours | tr '\n' ' ')"
check "warm: the taken container's token is refused after its run (401)" \
  test "$(proxy_status "/r/${warm_token:-none}/v1/messages" "probe-unauth-warm-stale")" = 401
stop_daemon
check "warm: daemon exits 0 on SIGTERM (warm containers dismissed)" test "$daemon_rc" -eq 0
deadline=$((SECONDS + 30))
while [[ -n "$(running_of_ours)" ]] && (( SECONDS < deadline )); do sleep 0.5; done
check "warm: no container left after the daemon stopped (the refilled warm one was dismissed)" test -z "$(running_of_ours)"
token[warm/idle]="$warm_token"

# ================================================================ a group-readable .env
chmod 640 "$root/.env"
cli doctor --offline >"$work/doctor.out" 2>&1 || true
check "doctor warns about a group-readable .env (with chmod 600 as the fix)" \
  sh -c 'grep -qE "^warn +env_file .*0640" "$1" && grep -qF "chmod 600" "$1"' _ "$work/doctor.out"
start_daemon loose 8000
stop_daemon
check "the daemon warns at start-up about a group-readable .env" \
  grep -qE ' warning .*\.env is readable by its group \(mode 0640\)' "$work/daemon-loose.log"
chmod 600 "$root/.env"
cli doctor --offline >"$work/doctor-ok.out" 2>&1 || true
check "doctor: env_file ok at 0600" grep -qE '^ok +env_file' "$work/doctor-ok.out"

# ================================================================ phase oauth
# Without the API key the proxy injects the OAuth token and containers get its placeholder: the
# token the daemon now uses must stay as invisible as the key was.
write_env CLAUDE_CODE_OAUTH_TOKEN ANTHROPIC_AUTH_TOKEN TELEGRAM_BOT_TOKEN OPENAI_API_KEY
from="$(mock_lines)"
start_daemon oauth 8000
run_probes oauth main alpha
for g in main alpha; do judge_container oauth "$g" CLAUDE_CODE_OAUTH_TOKEN; done
for g in main alpha; do judge_probe oauth "$g" CLAUDE_CODE_OAUTH_TOKEN; done
wait_runs_ended oauth
stop_daemon
check "oauth: daemon exits 0 on SIGTERM" test "$daemon_rc" -eq 0
judge_mock oauth "$from" oauth "${secret[CLAUDE_CODE_OAUTH_TOKEN]}"

# ================================================================ logs and files
find "$root" -path "$root/.env" -prune -o -type f -print >"$work/root-files.txt"
root_hits="$(xargs -d '\n' grep -laF -f "$work/secrets.pattern" <"$work/root-files.txt" 2>/dev/null || true)"
check "no secret in any file under the root but .env ($(grep -c . "$work/root-files.txt") files: groups, data, store, logs)" \
  test -z "$root_hits"
[[ -z "$root_hits" ]] || sed 's/^/  secret in: /' <<<"$root_hits"
check ".env still holds the 4 secrets of the last phase (the search finds them there)" \
  test "$(grep -cF -f <(printf '%s\n' "${secret[@]}") "$root/.env")" -eq 4
sqlite3 "$root/store/messages.db" .dump >"$work/db.dump"
check "no secret in the database (sqlite3 .dump, $(grep -c . "$work/db.dump") lines)" no_secret_in "$work/db.dump"
log_hits="$(secrets_anywhere "$work"/daemon-*.log "$work"/daemon-*.out "$work"/*/send-*.out "$work"/register-*.out "$work"/doctor*.out)"
check "no secret in the daemon's logs and stdout/stderr, or the CLI's output (send, setup, doctor)" test -z "$log_hits"
[[ -z "$log_hits" ]] || sed 's/^/  secret in: /' <<<"$log_hits"
check "the daemon's log is not empty (debug level, runs logged)" grep -q 'Spawning container agent' "$work/daemon-api-key.log"
# A run token admits its holder to the proxy while the run lives; the debug log and the run logs
# (groups/<folder>/logs, which the main agent reads) print the argv with `<run token>` instead.
printf '%s\n' "${token[@]}" | grep . >"$work/tokens.pattern"
token_hits="$( { grep -laF -f "$work/tokens.pattern" "$work"/daemon-*.log "$work"/daemon-*.out; \
  grep -rlaF -f "$work/tokens.pattern" "$root" --exclude-dir=probe-out; } 2>/dev/null || true)"
check "no run token in the daemon's logs or output, or under the root (probe output aside)" test -z "$token_hits"
[[ -z "$token_hits" ]] || sed 's/^/  token in: /' <<<"$token_hits"

echo
echo "| step | seconds |"
echo "|---|---:|"
echo "| api-key: three probing runs at once (cold containers, to the last reply) | ${t_runs[api-key]} |"
echo "| oauth: two probing runs at once | ${t_runs[oauth]} |"
echo "| total e2e-security | $((SECONDS - t_start)) |"
print_totals
