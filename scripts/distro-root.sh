#!/usr/bin/env bash
# Runs COMMAND on a bare Debian SUITE machine made on this host, to prove that a fresh clone works
# there (README "Tests", docs/distro-roots.md):
#   scripts/distro-root.sh [--src DIR] [--keep] SUITE [COMMAND [ARG...]]
#   scripts/distro-root.sh trixie ./scripts/test.sh
# The machine is `debootstrap --variant=minbase SUITE` plus only what a new user adds: this host's
# Temurin 25 JDK, /etc/hosts, the host's extra CA certificates (in /usr/local/share/ca-certificates,
# not yet installed: that needs the ca-certificates package, which minbase lacks) and apt sources.
# That pristine root is built once and cached; every run works on a copy of it, so each run starts
# on a bare machine. COMMAND (default: an interactive shell) runs as root in /root/wrenn, a `git
# clone` of DIR (default: the checkout this script is in), so what is tested is committed code.
# The run has its own mount, pid, uts and network namespaces: it sees none of the host's VMs, netns
# or firewall tables, and they see none of its own. Its network is a veth pair to the host with NAT
# out (nft table wrenn_distro_<pid>), so apt and Maven Central work. The root is entered with
# pivot_root, not chroot: the kernel refuses user namespaces (used by the embedded PostgreSQL) to
# chrooted processes. Needs root.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
RECIPE=1 # bump when the pristine root's recipe below changes: cached roots are rebuilt
CACHE=${WRENN_DISTRO_CACHE:-/var/cache/wrenn/roots}
MIRROR=${WRENN_DISTRO_MIRROR:-http://deb.debian.org/debian}
JDK=/usr/lib/jvm/temurin-25-jdk-amd64
die() { echo "distro-root: $*" >&2; exit 1; }

# Pid 1 of the new namespaces, still with the host's file system view (in a private mount
# namespace): waits for the outside to wire the network, mounts the run's root, pivots into it and
# runs the command. This shell stays pid 1, so it reaps orphans (a QEMU whose host agent died) like
# a machine's init does.
pid1() {
  local run=$1 suite=$2 addr=$3 gw=$4 r=$1/root
  shift 4
  read -r _ < "$run/go"
  echo "$suite" > /proc/sys/kernel/hostname
  ip link set lo up
  ip addr add "$addr/30" dev eth0
  ip link set eth0 up
  ip route add default via "$gw"
  mount --bind "$r" "$r"
  mount -t proc proc "$r/proc"
  mount -t sysfs sysfs "$r/sys"
  # A fresh sysfs has an empty /sys/fs/cgroup; a booted machine has its cgroup hierarchies there (v2, or v1's
  # per-controller mounts), which the host agent's VMM confinement needs: the host's, as they are.
  if mountpoint -q /sys/fs/cgroup; then mount --rbind /sys/fs/cgroup "$r/sys/fs/cgroup"; fi
  mount --rbind /dev "$r/dev"
  mount -t tmpfs -o mode=755 run "$r/run"
  mount -t tmpfs -o mode=1777 tmp "$r/tmp"
  mkdir -p "$r/run/lock"
  cd "$r"
  mkdir -p .old-root
  pivot_root . .old-root
  cd /
  umount -l /.old-root
  rmdir /.old-root
  # A root login's environment on a bare machine: no locale, sbin on PATH.
  env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TERM="${TERM:-dumb}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -l -c 'cd /root/wrenn && if (($# == 0)); then exec /bin/bash -i; else exec "$@"; fi' distro-root "$@"
}

# The pristine root of $SUITE in $PRISTINE, (re)built when missing or made by another recipe.
want_stamp() {
  echo "recipe $RECIPE suite $SUITE mirror $MIRROR"
  sed -n 's/^JAVA_RUNTIME_VERSION=//p' "$JDK/release"
  cat /usr/local/share/ca-certificates/* 2>/dev/null | sha256sum
}
build_root() {
  [[ -d "$PRISTINE" && "$(cat "$BASE/stamp" 2>/dev/null)" == "$(want_stamp)" ]] && return
  echo "== distro-root: building a bare $SUITE root in $PRISTINE (once)"
  local n=$BASE/root.new
  rm -rf --one-file-system "$n" "$PRISTINE" "$BASE/stamp"
  debootstrap --variant=minbase "$SUITE" "$n" "$MIRROR" > "$BASE/debootstrap.log" 2>&1 \
    || { tail -20 "$BASE/debootstrap.log"; die "debootstrap $SUITE failed (log: $BASE/debootstrap.log)"; }
  mkdir -p "$n/usr/lib/jvm"
  cp -a "$JDK" "$n/usr/lib/jvm/"
  # A JDK's trust store may be a link into the host's ca-certificates-java: take the file itself, as
  # a Temurin download ships one.
  if [[ -L "$n$JDK/lib/security/cacerts" ]]; then
    rm "$n$JDK/lib/security/cacerts"
    cp -L "$JDK/lib/security/cacerts" "$n$JDK/lib/security/cacerts"
  fi
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$SUITE" > "$n/etc/hosts"
  mkdir -p "$n/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/* "$n/usr/local/share/ca-certificates/" 2>/dev/null || true
  rm -f "$n/etc/apt/sources.list"
  cat > "$n/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$n/var/cache/apt/archives/"*.deb
  mv -T "$n" "$PRISTINE"
  want_stamp > "$BASE/stamp"
}

main() {
  local src keep=0
  src=$(cd "$(dirname "$SELF")/.." && pwd)
  while (($#)); do
    case "$1" in
      --src) src=$(cd "$2" && pwd); shift 2 ;;
      --keep) keep=1; shift ;;
      -h|--help) sed -n 2,17p "$SELF"; exit 0 ;;
      -*) die "unknown option $1" ;;
      *) break ;;
    esac
  done
  (($#)) || die "usage: scripts/distro-root.sh [--src DIR] [--keep] SUITE [COMMAND [ARG...]]"
  SUITE=$1; shift
  [[ "$SUITE" =~ ^[a-z]+$ ]] || die "suite must be a Debian code name (bookworm, trixie), got '$SUITE'"
  [[ $(id -u) == 0 ]] || die "must run as root (debootstrap, namespaces, nft)"
  [[ -x "$JDK/bin/java" ]] || die "no JDK at $JDK to copy into the root"
  local t
  for t in debootstrap:debootstrap nft:nftables ip:iproute2 unshare:util-linux git:git flock:util-linux pgrep:procps; do
    command -v "${t%%:*}" >/dev/null || apt-get install -y -q "${t#*:}" >/dev/null || die "cannot install ${t#*:}"
  done

  BASE=$CACHE/$SUITE PRISTINE=$CACHE/$SUITE/root
  mkdir -p "$BASE" "$CACHE/runs"
  exec 8>"$BASE/.lock"
  flock 8
  build_root

  # This run: a copy of the pristine root with a fresh clone in it.
  RUN=$(mktemp -d "$CACHE/runs/$SUITE.XXXXXX") HOST_IF=wdr$$h TABLE=wrenn_distro_$$ KEEP=$keep
  trap cleanup EXIT
  cp -a "$PRISTINE" "$RUN/root"
  flock -u 8
  cp /etc/resolv.conf "$RUN/root/etc/resolv.conf"
  git clone -q --no-hardlinks "$src" "$RUN/root/root/wrenn"
  echo "== distro-root: $SUITE, $(git -C "$RUN/root/root/wrenn" log -1 --format='%h %s')"
  mkfifo "$RUN/go"

  # A free /30 for the link: 172.29.N.0/30 is outside every slot range the host agents use.
  exec 7>"$CACHE/runs/.net.lock"
  flock 7
  local routes n= i
  routes=$(ip -4 route show table all)
  for i in $(seq 0 255); do
    [[ "$routes" == *"172.29.$i."* ]] || { n=$i; break; }
  done
  [[ -n "$n" ]] || die "no free 172.29.N.0/30 link network"

  # `0<&0` keeps the terminal as stdin of a job started with &.
  unshare --mount --pid --net --uts --fork --kill-child "$SELF" __pid1 "$RUN" "$SUITE" "172.29.$n.2" "172.29.$n.1" "$@" 0<&0 &
  UNSHARE=$!
  # unshare ignores SIGTERM while it waits; SIGKILL ends it, and its --kill-child takes the
  # namespaces' pid 1, and with it everything in the run.
  trap 'kill -KILL "$UNSHARE" 2>/dev/null; exit 143' TERM HUP
  trap 'kill -KILL "$UNSHARE" 2>/dev/null; exit 130' INT
  local child=
  for _ in $(seq 200); do
    child=$(pgrep -P "$UNSHARE" || true)
    [[ -n "$child" ]] && break
    sleep 0.05
  done
  [[ -n "$child" ]] || die "the namespaces did not start"
  ip link add "$HOST_IF" type veth peer name eth0 netns "$child"
  ip addr add "172.29.$n.1/30" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  flock -u 7
  echo 1 > /proc/sys/net/ipv4/ip_forward
  nft -f - <<EOF
table ip $TABLE {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr 172.29.$n.2 oifname != "$HOST_IF" masquerade
  }
}
EOF
  echo go > "$RUN/go"
  local rc=0
  wait "$UNSHARE" || rc=$?
  return "$rc"
}

cleanup() {
  nft delete table ip "$TABLE" 2>/dev/null || true
  ip link del "$HOST_IF" 2>/dev/null || true
  if ((KEEP)); then echo "== distro-root: kept $RUN" >&2; else rm -rf --one-file-system "$RUN"; fi
}

# Everything is in functions, read before anything runs: editing this file while a run is under
# way (they take long) cannot change what that run executes.
if [[ "${1:-}" == __pid1 ]]; then shift; pid1 "$@"; else main "$@"; fi; exit $?
