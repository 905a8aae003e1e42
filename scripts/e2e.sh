#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CI entry for the container end-to-end tests, fully offline except for the
# image build's package downloads. Three steps against one agent image built
# without Chromium (nanoclaw-agent:e2e by default, so a browser-enabled
# :latest on the same machine is left alone):
#   1. scripts/e2e-image.sh --no-browser --tag TAG  (builds base + agent image,
#      drives the image directly with docker)
#   2. scripts/e2e-host.sh with CONTAINER_IMAGE=nanoclaw-agent:TAG (the real
#      nanoclawd + nanoclaw CLI + credential proxy + the image)
#   3. scripts/e2e-security.sh with the same image and binaries (secrets, group
#      isolation, proxy admission, permissions, logs; docs/security.md)
# Needs root, docker.io (dockerd is started if down), node >= 20, sqlite3 and
# the C++ build at build/dev (built here if the binaries are missing).
#
# Usage: scripts/e2e.sh [--tag TAG] [--keep]
#   --tag   agent image tag to build and test (default: e2e)
#   --keep  keep the tests' scratch directories
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="e2e"
keep_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --keep) keep_args+=(--keep); shift ;;
    -h|--help) sed -n '3,19p' "$0"; exit 0 ;;
    *) echo "e2e: unknown argument: $1" >&2; exit 2 ;;
  esac
done

t0=$SECONDS
bin_dir="${NANOCLAW_BIN_DIR:-$repo/build/dev/src/bin}"
if [[ ! -x "$bin_dir/nanoclawd" || ! -x "$bin_dir/nanoclaw" ]]; then
  echo "e2e: building nanoclawd and nanoclaw (build/dev)"
  (cd "$repo" && { [[ -f build/dev/CMakeCache.txt ]] || cmake --preset dev; } \
    && cmake --build build/dev --target nanoclawd nanoclaw -j"$(nproc)")
fi
t_image=$SECONDS

image_rc=0
echo "=== e2e step 1/3: scripts/e2e-image.sh --no-browser --tag $tag"
"$repo/scripts/e2e-image.sh" --no-browser --tag "$tag" "${keep_args[@]}" || image_rc=$?
t_host=$SECONDS

host_rc=0
echo "=== e2e step 2/3: scripts/e2e-host.sh (CONTAINER_IMAGE=nanoclaw-agent:$tag)"
CONTAINER_IMAGE="nanoclaw-agent:$tag" NANOCLAW_BIN_DIR="$bin_dir" \
  "$repo/scripts/e2e-host.sh" "${keep_args[@]}" || host_rc=$?
t_security=$SECONDS

security_rc=0
echo "=== e2e step 3/3: scripts/e2e-security.sh (CONTAINER_IMAGE=nanoclaw-agent:$tag)"
CONTAINER_IMAGE="nanoclaw-agent:$tag" NANOCLAW_BIN_DIR="$bin_dir" \
  "$repo/scripts/e2e-security.sh" "${keep_args[@]}" || security_rc=$?
t_end=$SECONDS

echo
echo "| e2e step | seconds | result |"
echo "|---|---:|---|"
echo "| C++ build (skipped if built) | $((t_image - t0)) | |"
echo "| e2e-image.sh --no-browser (images + image flow) | $((t_host - t_image)) | $([[ $image_rc -eq 0 ]] && echo pass || echo "FAIL ($image_rc)") |"
echo "| e2e-host.sh | $((t_security - t_host)) | $([[ $host_rc -eq 0 ]] && echo pass || echo "FAIL ($host_rc)") |"
echo "| e2e-security.sh | $((t_end - t_security)) | $([[ $security_rc -eq 0 ]] && echo pass || echo "FAIL ($security_rc)") |"
echo "| total | $((t_end - t0)) | |"
[[ $image_rc -eq 0 && $host_rc -eq 0 && $security_rc -eq 0 ]]
