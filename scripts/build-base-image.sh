#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds a local base image for the agent container without any image
# registry: a Debian bookworm minbase root filesystem from debootstrap, plus
# this machine's own Node (>= 20) and npm, imported with `docker import`.
# `container/build.sh` then works offline with BASE_IMAGE=nanoclaw-base:local.
#
# The image mirrors what the Dockerfile expects of node:22-slim: node and npm
# on PATH, a `node` user with uid/gid 1000 and home /home/node.
#
# Usage: scripts/build-base-image.sh [--force] [--tag TAG] [--mirror URL] [--no-host-ca]
#   --force       rebuild even if the tag exists
#   --tag         image tag (default nanoclaw-base:local)
#   --mirror      Debian mirror (default: the first one in this host's apt sources)
#   --no-host-ca  do not add this host's CA bundle to the image's trust store
# Environment: CONTAINER_RUNTIME_BIN (default docker). Must run as root.
set -euo pipefail

tag="nanoclaw-base:local"
force=0
mirror=""
host_ca=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) force=1; shift ;;
    --tag) tag="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    --no-host-ca) host_ca=0; shift ;;
    -h|--help) sed -n '3,20p' "$0"; exit 0 ;;
    *) echo "build-base-image: unknown argument: $1" >&2; exit 2 ;;
  esac
done

runtime="${CONTAINER_RUNTIME_BIN:-docker}"
say() { echo "build-base-image: $*"; }
die() { echo "build-base-image: $*" >&2; exit 1; }

if [[ $force -eq 0 ]] && "$runtime" image inspect "$tag" >/dev/null 2>&1; then
  say "$tag already exists (use --force to rebuild)"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap and chroot need it)"

node_bin="$(command -v node || true)"
[[ -n "$node_bin" ]] || die "node is not installed on this host"
node_bin="$(readlink -f "$node_bin")"
node_major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
(( node_major >= 20 )) || die "host node is v$node_major; the SDK needs node >= 20"
npm_dir="$(dirname "$node_bin")/../lib/node_modules/npm"
[[ -f "$npm_dir/bin/npm-cli.js" ]] || die "npm not found next to $node_bin (looked in $npm_dir)"
npm_dir="$(readlink -f "$npm_dir")"

# The first Debian mirror this host uses: it is known to be reachable.
host_mirror() {
  local uri
  uri="$(grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)"
  if [[ -z "$uri" ]]; then
    uri="$(grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | grep -v security | awk '{print $2}' | head -n1 || true)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}
host_security_mirror() {
  { grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'
  } | grep -- '-security' | head -n1 || true
}
[[ -n "$mirror" ]] || mirror="$(host_mirror)"

if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; } \
    || die "could not install debootstrap"
fi

work="$(mktemp -d /var/tmp/nanoclaw-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
started=$SECONDS

say "debootstrap bookworm (minbase) from $mirror"
# Two stages so dpkg can be told to skip fsync for the package installs: the
# fsyncs dominate on busy machines and a failed build is thrown away anyway.
debootstrap --foreign --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap (download) failed"; }
mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/nanoclaw-build-unsafe-io"
chroot "$rootfs" /debootstrap/debootstrap --second-stage >>"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap (install) failed"; }
rm -f "$rootfs/etc/dpkg/dpkg.cfg.d/nanoclaw-build-unsafe-io"
say "rootfs ready after $((SECONDS - started))s"

# Same mirror for apt inside the image, so `apt-get install` in the
# Dockerfile reaches a mirror we know works from here.
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
SOURCES
# Security updates matter for Chromium; take the host's security mirror if it has one.
security="$(host_security_mirror)"
[[ -n "$security" ]] && echo "deb $security bookworm-security main" >>"$rootfs/etc/apt/sources.list"

say "adding host node $("$node_bin" --version) and npm $("$node_bin" "$npm_dir/bin/npm-cli.js" --version)"
install -m 0755 "$node_bin" "$rootfs/usr/bin/node"
mkdir -p "$rootfs/usr/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/bin/npx"

if [[ $host_ca -eq 1 && -f /etc/ssl/certs/ca-certificates.crt ]]; then
  # Sandboxes that re-sign TLS need their CA inside the image for npm and
  # apt over https. It is public trust material, never a secret; normal
  # machines building FROM node:22-slim are unaffected.
  say "adding this host's CA bundle to the image trust store"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/usr/local/share/ca-certificates/nanoclaw-host-bundle.crt"
  chroot "$rootfs" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the rootfs"
fi

chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

chroot "$rootfs" node -e 'process.exit(0)' || die "the host node binary does not run in the rootfs"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log

say "importing as $tag"
tar -C "$rootfs" -c . | "$runtime" import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV LANG=C.UTF-8' \
  -c 'CMD ["/bin/bash"]' \
  - "$tag" >/dev/null
"$runtime" run --rm "$tag" node -e 'console.log("base image node " + process.version)'
say "done in $((SECONDS - started))s"
