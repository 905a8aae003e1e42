#!/bin/bash
# start-nanoclaw.sh — Start NanoClaw without systemd
# Written by `nanoclaw setup --step service` (docs/service.md); running it again restarts.
# To stop: kill "$(cat '/home/user/nanoclaw'/nanoclaw.pid)"

set -euo pipefail

ROOT='/home/user/nanoclaw'
DAEMON='/usr/local/bin/nanoclawd'
DAEMON_REAL=$(readlink -f "$DAEMON" 2>/dev/null || echo "$DAEMON")
PID_FILE="$ROOT/nanoclaw.pid"
# nanoclawd's own PID file, locked while it runs, however it was started.
LOCK_FILE="$ROOT/data/nanoclawd.pid"

cd "$ROOT"
mkdir -p "$ROOT/logs"

# The PID in file $1 if that process runs $DAEMON; nothing otherwise (a PID left by a crash may
# belong to another program by now). Processes are never looked up by name.
daemon_pid() {
  local pid
  [ -f "$1" ] || return 0
  pid=$(tr -cd '0-9' 2>/dev/null < "$1" || true)
  if [ -n "$pid" ] && runs_daemon "$pid"; then echo "$pid"; fi
}

# True while process $1 runs $DAEMON (links resolved). A zombie has no executable, so an exited
# daemon that nobody has reaped yet does not count.
runs_daemon() {
  local exe
  exe=$(readlink "/proc/$1/exe" 2>/dev/null || true)
  [ "$exe" = "$DAEMON_REAL" ] || [ "$exe" = "$DAEMON_REAL (deleted)" ]
}

# SIGTERM, then wait: nanoclawd lets running agents finish first (SHUTDOWN_GRACE_MS, 10 s).
stop_daemon() {
  local pid=$1 waited=0
  echo "Stopping existing NanoClaw (PID $pid)..."
  kill "$pid" 2>/dev/null || true
  while runs_daemon "$pid"; do
    if [ "$waited" -ge 300 ]; then
      echo "NanoClaw (PID $pid) did not stop within 30 s; not starting another." >&2
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

# Stop existing instance if running: the one this script started, or one started by hand.
for file in "$PID_FILE" "$LOCK_FILE"; do
  pid=$(daemon_pid "$file")
  if [ -n "$pid" ]; then stop_daemon "$pid"; fi
done

echo "Starting NanoClaw..."
export NANOCLAW_LOG_FILE="$ROOT/logs/nanoclaw.log"
nohup "$DAEMON" --root "$ROOT" \
  >> "$ROOT/logs/nanoclaw.log" \
  2>> "$ROOT/logs/nanoclaw.error.log" &

echo $! > "$PID_FILE"
echo "NanoClaw started (PID $!)"
echo "Logs: tail -f $ROOT/logs/nanoclaw.log"
