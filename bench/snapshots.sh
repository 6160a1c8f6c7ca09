#!/usr/bin/env bash
# Pause / resume / template / clone benchmark (docs/snapshots.md): boots real VMs (root, qemu, nftables,
# the guest image in ${WRENN_IMAGE_DIR:-~/.wrenn/images/minimal}). Prints a markdown table.
# Usage: bench/snapshots.sh [--runs 10] [--clones 4] [--cold 2]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -pl host-agent-proto,host-agent -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="host-agent/target/test-classes:host-agent/target/classes:$(cat host-agent/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.wrenn.hostagent.bench.SnapshotBench "$@"
