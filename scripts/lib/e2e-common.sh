# shellcheck shell=bash disable=SC2154,SC2034
# SPDX-License-Identifier: MIT
# Helpers for the host end-to-end scripts (e2e-host.sh, e2e-security.sh); sourced, never run. The
# caller sets `set -euo pipefail` and, before using the helpers that need them, the variables
# `work` (its scratch directory), `root` (the daemon's data root) and `runtime` (docker).

passed=0
failed=0
# check NAME COMMAND...: runs the command and prints one PASS or FAIL line.
check() {
  local name="$1"; shift
  if "$@"; then
    echo "PASS $name"; passed=$((passed + 1))
  else
    echo "FAIL $name"; failed=$((failed + 1))
  fi
}
contains() { grep -qF -- "$2" "$1"; }
not_contains() { ! grep -qF -- "$2" "$1"; }
# The summary line every e2e script ends with; returns non-zero when a check failed.
print_totals() {
  echo
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}

# A random lower-case hex string of 2*N digits.
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

# wait_for_file FILE PID WHAT: until FILE is non-empty; fails if PID exits or 10 s pass.
wait_for_file() {
  local file="$1" pid="$2" what="$3"
  for _ in $(seq 1 200); do
    [[ -s "$file" ]] && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$what exited during start-up" >&2; return 1; }
    sleep 0.05
  done
  echo "$what did not start within 10 s" >&2
  return 1
}

# install_build BUILD_DIR PREFIX: `cmake --install` into a scratch prefix, so a rebuild in the
# checkout cannot swap the binaries mid-run and the daemon finds its shipped files in the prefix.
install_build() {
  cmake --install "$1" --prefix "$2" >"$work/install.out" 2>&1 \
    || { cat "$work/install.out" >&2; echo "cmake --install $1 failed" >&2; return 1; }
}

# start_unescape_forwarder MOCK_URL: starts scripts/lib/xml-unescape-forwarder.mjs in front of
# the mock; sets forwarder_pid and forwarder_url.
start_unescape_forwarder() {
  local here
  here="$(dirname "${BASH_SOURCE[0]}")"
  UPSTREAM="$1" PORT_FILE="$work/forwarder.port" node "$here/xml-unescape-forwarder.mjs" \
    >"$work/forwarder.out" 2>&1 </dev/null &
  forwarder_pid=$!
  wait_for_file "$work/forwarder.port" "$forwarder_pid" "the entity-decoding forwarder"
  forwarder_url="http://127.0.0.1:$(cat "$work/forwarder.port")"
}

# Our containers are the nanoclaw-* ones with a bind mount from our scratch root. Prints
# "name running" lines; every one seen is remembered in $work/containers for cleanup.
scan_ours() {
  local id
  for id in $("$runtime" ps -aq --filter name=nanoclaw- 2>/dev/null); do
    "$runtime" inspect --format '{{.Name}}|{{.State.Running}}|{{range .Mounts}}{{.Source}};{{end}}' \
      "$id" 2>/dev/null || true
  done | awk -F'|' -v mine="$root/" 'index($3, mine) == 1 || index($3, ";" mine) { sub("^/", "", $1); print $1, $2 }'
}
# The names of our running containers.
running_of_ours() {
  local now
  now="$(scan_ours)"
  [[ -n "$now" ]] && awk '{print $1}' <<<"$now" >>"$work/containers"
  awk '$2 == "true" {print $1}' <<<"$now"
}
# Removes every container of ours seen so far (for an EXIT trap).
remove_our_containers() {
  local name
  for name in $(running_of_ours; cat "$work/containers" 2>/dev/null); do
    "$runtime" rm -f "$name" >/dev/null 2>&1 || true
  done
}
