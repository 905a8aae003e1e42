#!/bin/bash
# SPDX-License-Identifier: MIT
# The agent's side of scripts/e2e-security.sh: run inside an agent container by the agent itself
# (a scripted Bash tool call), as a prompt-injected agent would. It looks for everything it must
# not see and writes what it found under /workspace/group/probe-out/ for the host to judge; it
# judges nothing itself. Its settings come from /workspace/group/probe.args (written by the host):
#   MARKER_A, MARKER_B  two halves of the marker every planted secret contains; only the joined
#                       text is a leak, and it is joined here, never written anywhere
#   CANARY_A, CANARY_B  halves of the content of a file planted in another group's folder
#   TAG                 text put in the proxy probes' request bodies (the mock logs prompts)
set -u
group=/workspace/group
out="$group/probe-out"
# shellcheck source=/dev/null
. "$group/probe.args"
rm -rf "$out"
mkdir -p "$out"
marker="$MARKER_A$MARKER_B"
canary="$CANARY_A$CANARY_B"

# Everything a process can learn about its environment.
env >"$out/env.txt"
tr '\0' '\n' </proc/self/environ >"$out/self-environ.txt" 2>&1
tr '\0' '\n' </proc/1/environ >"$out/pid1-environ.txt" 2>&1
for p in /proc/[0-9]*; do
  [ -r "$p/environ" ] || continue
  echo "== $p $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-120)"
  tr '\0' '\n' <"$p/environ" 2>/dev/null
  echo
done >"$out/all-environ.txt" 2>/dev/null
cat /proc/self/mountinfo >"$out/mountinfo.txt" 2>&1
mount >"$out/mount.txt" 2>&1

# Every readable file outside the kernel's and the image's system trees (bounded as the suite
# says: /proc, /sys, /dev, /usr and node_modules are skipped; symlinked top-level dirs such as
# /bin -> usr/bin are skipped with them). Binary files are searched too (no -I).
roots=()
for d in /* /.[!.]*; do
  case "$d" in /proc | /sys | /dev | /usr) continue ;; esac
  [ -e "$d" ] && [ ! -L "$d" ] && roots+=("$d")
done
printf '%s\n' "${roots[@]}" >"$out/searched-roots.txt"
grep -rlF --exclude-dir=node_modules -e "$marker" "${roots[@]}" >"$out/marker-hits.txt" 2>/dev/null
grep -rlF --exclude-dir=node_modules -e "$canary" "${roots[@]}" >"$out/canary-hits.txt" 2>/dev/null
# Run tokens (48 hex digits after /r/) anywhere readable: the host checks none is another run's.
{
  grep -rhoaE --exclude-dir=node_modules '/r/[0-9a-f]{48}' "${roots[@]}" 2>/dev/null
  grep -hoaE '/r/[0-9a-f]{48}' "$out"/*environ.txt "$out/env.txt" 2>/dev/null
} | sort -u >"$out/tokens.txt"

# What the project and the daemon's files look like from here.
{
  echo "workspace=$(cd /workspace && ls -A | tr '\n' ' ')"
  echo "ipc=$(cd /workspace/ipc 2>/dev/null && ls -A | tr '\n' ' ')"
  if [ -d /workspace/project ]; then
    echo "project=present"
    echo "project_ls=$(cd /workspace/project && ls -A | tr '\n' ' ')"
    echo "env_bytes=$(wc -c </workspace/project/.env 2>/dev/null || echo unreadable)"
    # The shadow may be /dev/null, which takes writes and stays empty: what counts is what
    # reading it gives afterwards.
    (echo probe >/workspace/project/.env) 2>/dev/null
    echo "env_bytes_after_write=$(wc -c </workspace/project/.env 2>/dev/null || echo unreadable)"
    (: >/workspace/project/probe-was-here) 2>/dev/null && echo "project_write=ok" || echo "project_write=refused"
    [ -r /workspace/project/store/messages.db ] && echo "store_db=readable" || echo "store_db=unreadable"
    echo "groups_seen=$(cd /workspace/project/groups 2>/dev/null && ls -A | tr '\n' ' ')"
  else
    echo "project=absent"
  fi
  echo "db_files=$(find "${roots[@]}" -name node_modules -prune -o -name 'messages.db*' -print 2>/dev/null | tr '\n' ' ')"
  echo "dotenv_files=$(find "${roots[@]}" -name node_modules -prune -o -name '.env' -print 2>/dev/null | tr '\n' ' ')"
  echo "daemon_sockets=$(find "${roots[@]}" -name node_modules -prune -o -name nanoclawd.sock -print 2>/dev/null | tr '\n' ' ')"
  sock=/workspace/project/data/nanoclawd.sock
  if [ -S "$sock" ]; then
    if node -e 'const s=require("net").connect(process.argv[1]);s.on("connect",()=>{console.log("ok");s.end()});s.on("error",e=>console.log(e.code))' "$sock" 2>/dev/null | grep -qx ok; then
      echo "daemon_socket=connects"
    else
      echo "daemon_socket=refused"
    fi
  elif [ -e "$sock" ]; then
    echo "daemon_socket=shadowed"
  fi
} >"$out/access.txt" 2>&1

# The credential proxy, asked without a valid run token. Every answer must be 401.
base="${ANTHROPIC_BASE_URL:-$(grep -a '^ANTHROPIC_BASE_URL=' "$out/pid1-environ.txt" | cut -d= -f2-)}"
origin="${base%%/r/*}"
own="${base##*/r/}"
own="${own%%/*}"
body="{\"model\":\"probe\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"$TAG\"}]}"
status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'content-type: application/json' \
    -H 'x-api-key: placeholder' -d "$body" "$1" || true
}
zeros=000000000000000000000000000000000000000000000000
{
  echo "no_token=$(status "$origin/v1/messages")"
  echo "unknown_token=$(status "$origin/r/$zeros/v1/messages")"
  echo "own_token_extended=$(status "$origin/r/${own}0/v1/messages")"
  echo "own_token_truncated=$(status "$origin/r/${own%?}/v1/messages")"
  echo "own_token_in_query=$(status "$origin/v1/messages?to=/r/$own")"
} >"$out/proxy.txt"

echo "probe finished: $(wc -l <"$out/marker-hits.txt") marker hits, $(wc -l <"$out/canary-hits.txt") canary hits"
