#!/bin/bash
# SPDX-License-Identifier: MIT
# Container entrypoint. The host mounts the group's own copy of the runner
# source at /app/src, so a group's agent may change its runner without
# touching other groups. Unchanged copies run the image's prebuilt code;
# changed ones are compiled into /tmp/dist and made read-only, so the running
# agent cannot alter the code it is running.
set -euo pipefail

dist=/app/dist
src_hash="$(find /app/src -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1)"
if [[ "$src_hash" != "$(cat /app/dist/.source-hash 2>/dev/null)" ]]; then
  echo "[entrypoint] runner source differs from the image build; compiling it" >&2
  # Compiler output goes to stderr: stdout carries only output markers. Exit 78 tells the
  # host this run will fail the same way until the source is fixed, so it is not retried.
  if ! (cd /app && node_modules/.bin/tsc -p tsconfig.json --outDir /tmp/dist) >&2; then
    echo "[entrypoint] the agent-runner source in /app/src does not compile" >&2
    exit 78
  fi
  ln -s /app/node_modules /tmp/dist/node_modules
  # Node 20 needs this to load the compiled files as ES modules.
  echo '{"type":"module"}' > /tmp/dist/package.json
  chmod -R a-w /tmp/dist
  dist=/tmp/dist
else
  echo "[entrypoint] runner source unchanged; using the prebuilt runner" >&2
fi

# Read all of stdin before starting, then run node as PID 1 so signals reach it.
cat > /tmp/input.json
exec node "$dist/index.js" < /tmp/input.json
