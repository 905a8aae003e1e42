#!/bin/bash
# SPDX-License-Identifier: MIT
# Container entrypoint. The host mounts the group's own copy of the runner
# source at /app/src, so a group's agent may change its runner without
# touching other groups. Unchanged copies run the image's prebuilt code;
# changed ones are compiled once, cached in the group's own ~/.claude, and run
# from a read-only copy in /tmp/dist, so the running agent cannot alter the
# code it is running.
#
# Phase lines (`[entrypoint] phase <name> wall_us=<µs since the epoch>`) feed
# the start-up benchmark; $EPOCHREALTIME costs no fork.
echo "[entrypoint] phase start wall_us=${EPOCHREALTIME/[.,]/}" >&2
set -euo pipefail

# Only `claude` and the tools it runs make TLS connections; the runner's own
# node process does not, and loading a CA bundle costs every node start ~50 ms.
# The runner hands it back to claude under its real name (src/sdk-env.ts).
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" ]]; then
  export NANOCLAW_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"
  unset NODE_EXTRA_CA_CERTS
fi

# Compiles /app/src into directory $1; compiler output goes to stderr (stdout
# carries only output markers). Callers exit 78 when it fails: that tells the
# host this run will fail the same way until the source is fixed, so it is not
# retried.
compile_into() {
  if ! (cd /app && node_modules/.bin/tsc -p tsconfig.json --outDir "$1") >&2; then
    echo "[entrypoint] the agent-runner source in /app/src does not compile" >&2
    return 1
  fi
}

# Puts the compiled runner of source hash $1 into /tmp/dist: from the group's
# cache when an earlier start compiled it, else compiled now and cached.
# Entries are written to a temporary name and renamed, so an entry with its
# .complete stamp is whole; anything else is ignored and rebuilt.
prepare_changed_runner() {
  local hash="$1" cache="${NANOCLAW_RUNNER_CACHE:-/home/node/.claude/.nanoclaw-runner-cache}"
  local entry="$cache/$hash" tmp=""
  rm -rf /tmp/dist
  if [[ "$(cat "$entry/.complete" 2>/dev/null)" == "$hash" ]] && cp -R "$entry" /tmp/dist 2>/dev/null; then
    echo "[entrypoint] runner source differs from the image build; using the copy compiled at an earlier start" >&2
    touch "$entry" 2>/dev/null || true # most recently used: kept by the pruning below
    rm -f /tmp/dist/.complete
    return
  fi
  rm -rf /tmp/dist
  echo "[entrypoint] runner source differs from the image build; compiling it" >&2
  if mkdir -p "$cache" 2>/dev/null && tmp="$(mktemp -d "$cache/.tmp-XXXXXX" 2>/dev/null)"; then
    compile_into "$tmp" || { rm -rf "$tmp"; exit 78; }
    cp -R "$tmp" /tmp/dist
    echo "$hash" > "$tmp/.complete"
    rm -rf "$entry" 2>/dev/null || true
    # Losing a race with another start of the same group is fine: its entry is as good.
    mv -T "$tmp" "$entry" 2>/dev/null || rm -rf "$tmp"
    # Keep the three most recently used entries and no abandoned temporaries.
    ls -1dt "$cache"/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
    find "$cache" -maxdepth 1 -name '.tmp-*' -mmin +10 -exec rm -rf {} + 2>/dev/null || true
  else
    echo "[entrypoint] cannot write the runner cache $cache; compiling without it" >&2
    compile_into /tmp/dist || exit 78
  fi
}

dist=/app/dist
src_hash="$(find /app/src -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1)"
if [[ "$src_hash" != "$(cat /app/dist/.source-hash 2>/dev/null)" ]]; then
  prepare_changed_runner "$src_hash"
  ln -s /app/node_modules /tmp/dist/node_modules
  # Node 20 needs this to load the compiled files as ES modules.
  echo '{"type":"module"}' > /tmp/dist/package.json
  chmod -R a-w /tmp/dist
  dist=/tmp/dist
else
  echo "[entrypoint] runner source unchanged; using the prebuilt runner" >&2
fi

# Warm mode: the host writes the start line now and the prompt later, so node
# reads stdin itself, line by line.
if [[ "${NANOCLAW_WARM:-}" == 1 ]]; then
  echo "[entrypoint] phase exec wall_us=${EPOCHREALTIME/[.,]/}" >&2
  exec node "$dist/index.js"
fi

# Cold mode: read all of stdin before starting, then run node as PID 1 so
# signals reach it (exit 143 on SIGTERM instead of waiting for SIGKILL).
cat > /tmp/input.json
echo "[entrypoint] phase exec wall_us=${EPOCHREALTIME/[.,]/}" >&2
exec node "$dist/index.js" < /tmp/input.json
