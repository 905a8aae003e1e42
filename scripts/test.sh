#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test suite:
#   1. C++ unit + integration tests (dev preset: Debug, -Werror)
#   2. the same under AddressSanitizer + UBSan (asan preset)
#   3. agent-runner / MCP server tests (node's test runner)
#   4. the container end-to-end test against a real Docker engine and a mock Anthropic API
# Options: --quick (only step 1), --no-e2e (skip step 4), --no-asan (skip step 2).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 e2e=1 asan=1
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --no-e2e) e2e=0 ;;
    --no-asan) asan=0 ;;
    *) echo "test.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
[ "$quick" = 1 ] && { e2e=0; asan=0; }

step() { printf '\n==== %s ====\n' "$*"; }

step "dependencies"
if [ "$e2e" = 1 ]; then
  bash scripts/install-deps.sh --with-docker --with-node
else
  bash scripts/install-deps.sh --with-node
fi

step "build + test (dev)"
cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev

if [ "$asan" = 1 ]; then
  step "build + test (asan)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  ctest --preset asan
fi

if [ "$quick" = 0 ] && [ -f container/agent-runner/package.json ]; then
  step "agent-runner tests (node)"
  (cd container/agent-runner && npm ci --no-audit --no-fund && npm test)
fi

if [ "$e2e" = 1 ] && [ -x scripts/e2e.sh ]; then
  step "container end-to-end"
  bash scripts/e2e.sh
fi

step "all test suites passed"
