#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the agent image nanoclaw-agent:<tag> (default tag: latest).
#
# Usage: container/build.sh [tag]
# Environment:
#   CONTAINER_RUNTIME      docker (default) or podman
#   CONTAINER_RUNTIME_BIN  explicit runtime binary (default: $CONTAINER_RUNTIME)
#   BASE_IMAGE             base image (default node:22-slim; offline: nanoclaw-base:local)
#   INSTALL_BROWSER        1 (default) installs Chromium; 0 builds a smaller image without it
#   http_proxy/https_proxy/no_proxy (or upper case), NODE_EXTRA_CA_CERTS,
#   npm_config_strict_ssl  passed through as build args when set. Behind a proxy
#                          (https_proxy or HTTPS_PROXY set) npm_config_strict_ssl
#                          defaults to false: a TLS-intercepting proxy such as the
#                          Docker Sandbox's presents a CA the build cannot see
#                          (docs/docker-sandboxes.md). Set it to true to keep
#                          npm's checks behind a proxy that does not intercept.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

image="nanoclaw-agent"
tag="${1:-latest}"
runtime="${CONTAINER_RUNTIME:-docker}"
runtime_bin="${CONTAINER_RUNTIME_BIN:-$runtime}"

args=(build -t "$image:$tag")
[[ -n "${BASE_IMAGE:-}" ]] && args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
[[ -n "${INSTALL_BROWSER:-}" ]] && args+=(--build-arg "INSTALL_BROWSER=$INSTALL_BROWSER")
# Lower case wins, as curl and npm treat it.
for name in http_proxy https_proxy no_proxy; do
  upper="${name^^}"
  value="${!name:-${!upper:-}}"
  [[ -n "$value" ]] && args+=(--build-arg "$name=$value")
done
[[ -n "${NODE_EXTRA_CA_CERTS:-}" ]] && args+=(--build-arg "NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")
strict_ssl="${npm_config_strict_ssl:-}"
if [[ -z "$strict_ssl" && -n "${https_proxy:-${HTTPS_PROXY:-}}" ]]; then
  strict_ssl=false
fi
[[ -n "$strict_ssl" ]] && args+=(--build-arg "npm_config_strict_ssl=$strict_ssl")
args+=(.)

echo "Building $image:$tag"
echo "+ $runtime_bin ${args[*]}"
started=$SECONDS
"$runtime_bin" "${args[@]}"

echo
echo "Built $image:$tag in $((SECONDS - started))s"
echo "Smoke test:"
echo "  echo '{\"prompt\":\"What is 2+2?\",\"groupFolder\":\"test\",\"chatJid\":\"test@g.us\",\"isMain\":false}' | $runtime_bin run -i --rm $image:$tag"
