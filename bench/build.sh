#!/usr/bin/env bash
# Builds what every benchmark runs, in one Maven run: the bench module's jar and its libraries
# (bench/run.sh), and the host agent's test classes with their class path, target/bench.classpath
# (bench/host-agent.sh, bench/snapshots.sh). Any `./mvnw package` or `verify` of the whole project
# builds the same; the bench scripts call this first unless WRENN_BENCH_NO_BUILD=1 says it ran.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${WRENN_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -B -ntp -pl bench -am -DskipTests package >&2
