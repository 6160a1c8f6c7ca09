#!/usr/bin/env bash
# Host agent benchmark: boots real VMs (needs root, qemu-system-x86, nftables, iproute2, qemu-utils and
# the guest image in ${WRENN_IMAGE_DIR:-~/.wrenn/images/minimal}). Prints a markdown table.
# Usage: bench/host-agent.sh [--runs 5] [--size-mb 100] [--execs 20]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -pl host-agent-proto,host-agent -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="host-agent/target/test-classes:host-agent/target/classes:$(cat host-agent/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.wrenn.hostagent.bench.HostAgentBench "$@"
