#!/usr/bin/env bash
# What the defences cost (docs/security.md): the same figures from an agent with VMM confinement and
# egress policies off, then on, in one run. Boots real VMs (root, qemu, nftables, the guest image:
# WRENN_IMAGE_DIR, the images root or the image's own dir, else $WRENN_DATA_DIR/images).
# Prints a markdown table; exits non-zero, with no table, if anything fails.
# Usage: bench/defences.sh [--runs 5] [--size-mb 16] [--execs 20]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${WRENN_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[[ "${WRENN_BENCH_NO_BUILD:-}" == 1 ]] || bench/build.sh
CP="host-agent/target/test-classes:host-agent/target/classes:$(cat host-agent/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.wrenn.hostagent.bench.DefenceBench "$@"
