#!/usr/bin/env bash
# Runs a command as if on a machine of its own: private network, process and mount namespaces,
# with an empty /run/netns. Two test suites or benchmarks can then run at once on one host without
# seeing (or reclaiming) each other's VMs, network slots and firewall tables. There is no route out:
# build (Maven, image) first. Needs root.
#   scripts/isolated.sh ./scripts/test.sh -pl host-agent
set -euo pipefail
if (($# == 0)); then echo "usage: scripts/isolated.sh COMMAND [ARG...]" >&2; exit 2; fi
exec unshare --mount --net --pid --fork --mount-proc bash -c '
  set -e
  mkdir -p /run/netns && mount -t tmpfs -o mode=755 wrenn-netns /run/netns
  ip link set lo up
  # Not exec: bash stays pid 1 of the namespace and reaps what the command orphans (a daemonized
  # database, a VMM whose agent was killed), as init does on a real machine.
  "$@"; rc=$?; exit $rc' isolated "$@"
