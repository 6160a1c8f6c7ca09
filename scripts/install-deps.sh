#!/usr/bin/env bash
# Installs the host packages Wrenn needs (Debian 12 or 13), only those that are missing. Needs root.
# Every program the host agent runs is declared with its package in host-agent's HostTool;
# HostToolTest fails when one of those packages is neither here nor part of every Debian.
#   qemu-system-x86, qemu-utils   the VMM and qcow2 overlays
#   nftables, iproute2            network slots (namespaces, veth, TAP, NAT, isolation)
#   e2fsprogs                     ext4 tools (image build, chattr in tests)
# The guest image builder (guest-image/build.sh) installs its own extra tools (debootstrap, ...).
set -euo pipefail

PACKAGES=(
  ca-certificates curl
  qemu-system-x86 qemu-utils
  nftables iproute2
  e2fsprogs
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing host packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
