#!/usr/bin/env bash
# Installs everything needed to build, test and run nanoclaw on Debian 12 / Ubuntu 22.04+.
# Idempotent: packages already present are skipped by apt. Needs root (or sudo).
#   --with-docker   also install the Docker engine (docker.io) for real agent containers / e2e tests
#   --with-node     also install Node.js + npm when missing (agent-runner tests, mock API)
set -euo pipefail

with_docker=0
with_node=0
for arg in "$@"; do
  case "$arg" in
    --with-docker) with_docker=1 ;;
    --with-node) with_node=1 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost-all-dev libsqlitecpp-dev libsqlite3-dev sqlite3 nlohmann-json3-dev libspdlog-dev libfmt-dev
  libssl-dev openssl ca-certificates libgtest-dev libgmock-dev libexpected-dev
  libhowardhinnant-date-dev tzdata libcli11-dev python3
  libqrencode-dev  # the WhatsApp login QR code (setup --step whatsapp-auth)
  systemd  # systemd-analyze: the unit test runs `verify` on the generated service unit
  clang libclang-rt-14-dev  # the libFuzzer harnesses (scripts/fuzz.sh, the fuzz preset)
)
[ "$with_docker" = 1 ] && packages+=(docker.io debootstrap)
if [ "$with_node" = 1 ] && ! command -v npm >/dev/null; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
