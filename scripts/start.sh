#!/usr/bin/env bash
# Installs dependencies, builds nanoclaw, builds the agent image, starts nanoclawd in the
# background (local terminal chat on) and opens `nanoclaw chat`. Safe to run again: every step
# skips work that is already done. Run from anywhere; the checkout is the project root.
#   --no-chat      start the daemon but do not open the chat
#   --no-browser   build the agent image without Chromium (smaller, faster)
#   --whatsapp     build the WhatsApp bridge even before WhatsApp is linked (it is built anyway
#                  once store/auth/creds.json exists)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

open_chat=1
whatsapp=0
image_args=()
for arg in "$@"; do
  case "$arg" in
    --no-chat) open_chat=0 ;;
    --whatsapp) whatsapp=1 ;;
    --no-browser) image_args+=(--no-browser) ;;
    *) echo "start.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
say() { printf '\n==> %s\n' "$*"; }

say "dependencies"
bash scripts/install-deps.sh --with-docker --with-node

say "build (release)"
cmake --preset release >/dev/null
cmake --build --preset release --target nanoclawd nanoclaw
bin="$root/build/release/src/bin"

if [ "$whatsapp" = 1 ] || [ -f store/auth/creds.json ]; then
  say "WhatsApp bridge (channels/whatsapp-bridge)"
  (
    cd channels/whatsapp-bridge
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
      npm ci --no-audit --no-fund
    fi
    npm run build
  )
fi

say "agent image"
if ! docker image inspect "${CONTAINER_IMAGE:-nanoclaw-agent:latest}" >/dev/null 2>&1; then
  bash scripts/container/ensure-dockerd.sh
  if docker pull node:22-slim >/dev/null 2>&1; then
    ./container/build.sh
  else
    echo "no image registry reachable: building a local base image instead"
    bash scripts/container/ensure-images.sh "${image_args[@]}"
  fi
else
  bash scripts/container/ensure-dockerd.sh
  echo "image present"
fi

say "credentials"
touch .env && chmod 600 .env
if ! grep -qE '^(ANTHROPIC_API_KEY|CLAUDE_CODE_OAUTH_TOKEN|ANTHROPIC_AUTH_TOKEN)=.+' .env; then
  if [ -t 0 ]; then
    read -r -s -p "Anthropic API key (sk-ant-...; leave empty to add it to .env later): " key; echo
    [ -n "$key" ] && printf 'ANTHROPIC_API_KEY=%s\n' "$key" >> .env
  else
    echo "no credential in .env: add ANTHROPIC_API_KEY=... (or CLAUDE_CODE_OAUTH_TOKEN=...) to $root/.env"
  fi
fi

say "daemon"
mkdir -p logs
if "$bin/nanoclaw" --root "$root" status | grep -q 'daemon: running'; then
  echo "nanoclawd already running"
else
  nohup "$bin/nanoclawd" --root "$root" >>logs/nanoclawd.log 2>&1 &
  echo $! > nanoclaw.pid
  for _ in $(seq 1 50); do
    [ -S data/nanoclawd.sock ] && break
    sleep 0.1
  done
  if [ ! -S data/nanoclawd.sock ]; then
    echo "nanoclawd did not start; last log lines:" >&2
    tail -n 20 logs/nanoclawd.log >&2
    exit 1
  fi
  echo "nanoclawd running (pid $(cat nanoclaw.pid), log $root/logs/nanoclawd.log)"
fi

if [ "$open_chat" = 1 ] && [ -t 0 ]; then
  say "chat (Ctrl-D to leave; the daemon keeps running)"
  exec "$bin/nanoclaw" --root "$root" chat
fi
echo "chat with: $bin/nanoclaw --root $root chat"
