#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End-to-end test of the agent image, fully offline: builds the local base
# image and the agent image (no registry), starts the mock Messages API on
# 127.0.0.1, then runs scripts/container/e2e-agent-flow.mjs, which drives the
# image with `docker run -i --rm --network host --user 1000:1000` and the
# host's mounts, and checks replies, IPC files, sessions, follow-ups, `_close`,
# cleanup, secrecy and follow-up latency. Must run as root (dockerd,
# debootstrap, chown of the mounted dirs).
#
# Usage: scripts/e2e-image.sh [--no-browser] [--tag TAG] [--keep] [--result FILE]
#   --no-browser  build the image without Chromium (faster CI)
#   --tag         agent image tag to build and test (default: latest)
#   --keep        keep the scratch directory for inspection
#   --result      also write the timing JSON here
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="latest"
keep=0
browser=1
result=""
image_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-browser) image_args+=(--no-browser); browser=0; shift ;;
    --tag) tag="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --result) result="$2"; shift 2 ;;
    *) echo "e2e-image: unknown argument: $1" >&2; exit 2 ;;
  esac
done

runtime="${CONTAINER_RUNTIME_BIN:-docker}"
work="$(mktemp -d "${TMPDIR:-/tmp}/nanoclaw-e2e.XXXXXX")"
mock_pid=""
cleanup() {
  [[ -n "$mock_pid" ]] && kill "$mock_pid" 2>/dev/null || true
  # Only our own containers: the flow names them nanoclaw-e2e-group-<ms>.
  local left
  left="$("$runtime" ps -aq --filter name=nanoclaw-e2e-group- 2>/dev/null || true)"
  [[ -n "$left" ]] && "$runtime" rm -f $left >/dev/null 2>&1 || true
  if [[ $keep -eq 1 ]]; then echo "e2e-image: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

t0=$SECONDS
"$root/scripts/container/ensure-dockerd.sh"
t_base=$SECONDS
"$root/scripts/build-base-image.sh"
t_agent=$SECONDS
"$root/scripts/container/ensure-images.sh" --tag "$tag" "${image_args[@]}" >"$work/agent-build.log" 2>&1 \
  || { tail -n 40 "$work/agent-build.log" >&2; echo "e2e-image: agent image build failed" >&2; exit 1; }
t_flow=$SECONDS

eval "$("$root/scripts/container/start-mock.sh" --dir "$work/mock")"
echo "e2e-image: mock Messages API at $MOCK_URL (pid $MOCK_PID)"
mock_pid="$MOCK_PID"

IMAGE="nanoclaw-agent:$tag" MOCK_URL="$MOCK_URL" MOCK_LOG="$MOCK_LOG" E2E_WORK="$work" \
  E2E_RESULT_JSON="${result:-$work/result.json}" E2E_BROWSER="$browser" \
  node "$root/scripts/container/e2e-agent-flow.mjs"
t_end=$SECONDS

echo
echo "| step | seconds |"
echo "|---|---:|"
echo "| ensure dockerd | $((t_base - t0)) |"
echo "| base image (skipped if present) | $((t_agent - t_base)) |"
echo "| agent image (cached if unchanged) | $((t_flow - t_agent)) |"
echo "| container flow | $((t_end - t_flow)) |"
echo "| total | $((t_end - t0)) |"
