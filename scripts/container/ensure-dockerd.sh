#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Make sure a Docker daemon answers. CI machines and sandboxes often have the
# docker.io package but no init system to start it, so we start dockerd
# ourselves (logging to a file) and wait until `docker info` succeeds.
# Usage: scripts/container/ensure-dockerd.sh [--log FILE] [--timeout SECONDS]
set -euo pipefail

log_file="${TMPDIR:-/tmp}/nanoclaw-dockerd.log"
timeout_s=60
while [[ $# -gt 0 ]]; do
  case "$1" in
    --log) log_file="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    *) echo "ensure-dockerd: unknown argument: $1" >&2; exit 2 ;;
  esac
done

docker_bin="${CONTAINER_RUNTIME_BIN:-docker}"

if "$docker_bin" info >/dev/null 2>&1; then
  echo "ensure-dockerd: daemon already running"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 && [[ ! -x /usr/sbin/dockerd ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "ensure-dockerd: dockerd is not installed and we are not root; install docker.io" >&2
    exit 1
  fi
  echo "ensure-dockerd: installing docker.io"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "ensure-dockerd: the daemon is down and only root can start it" >&2
  exit 1
fi

dockerd_bin="$(command -v dockerd || echo /usr/sbin/dockerd)"
echo "ensure-dockerd: starting $dockerd_bin (log: $log_file)"
# setsid: the daemon must outlive this script and the CI step that ran it.
setsid "$dockerd_bin" >>"$log_file" 2>&1 < /dev/null &

deadline=$((SECONDS + timeout_s))
until "$docker_bin" info >/dev/null 2>&1; do
  if (( SECONDS >= deadline )); then
    echo "ensure-dockerd: daemon did not answer within ${timeout_s}s; last log lines:" >&2
    tail -n 20 "$log_file" >&2 || true
    exit 1
  fi
  sleep 0.5
done
echo "ensure-dockerd: daemon ready after $((SECONDS))s"
