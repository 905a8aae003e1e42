#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Makes sure the images an offline run needs exist: the local base image
# (skipped when present) and nanoclaw-agent:<tag> built on it. Re-running the
# agent build is cheap when nothing changed (the runtime's layer cache).
# Usage: scripts/container/ensure-images.sh [--tag TAG] [--no-browser] [--force-base]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="latest"
base_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --no-browser) export INSTALL_BROWSER=0; shift ;;
    --force-base) base_args+=(--force); shift ;;
    *) echo "ensure-images: unknown argument: $1" >&2; exit 2 ;;
  esac
done

"$root/scripts/container/ensure-dockerd.sh"
"$root/scripts/build-base-image.sh" "${base_args[@]}"

# The local base trusts this host's CA bundle; npm inside the build needs it
# when the sandbox re-signs TLS. Harmless elsewhere.
if [[ -z "${NODE_EXTRA_CA_CERTS:-}" && -f /etc/ssl/certs/ca-certificates.crt ]]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
BASE_IMAGE="${BASE_IMAGE:-nanoclaw-base:local}" "$root/container/build.sh" "$tag"
