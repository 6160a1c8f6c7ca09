#!/usr/bin/env bash
# Runs a benchmark and prints its table:
#   bench/run.sh api [runs]                 control plane: start-up, signup, login, keyed read
#   bench/run.sh sandbox [runs] [size-mb]   sandboxes through the API vs. the host agent (root, guest image)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${WRENN_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
which="${1:-api}"; shift || true
(cd "$ROOT" && ./mvnw -q -B -ntp -pl bench -am -Dmaven.test.skip=true package)
case "$which" in
  api) main=dev.wrenn.bench.ApiBench ;;
  sandbox) main=dev.wrenn.bench.SandboxApiBench ;;
  *) echo "usage: bench/run.sh api [runs] | sandbox [runs] [size-mb]" >&2; exit 2 ;;
esac
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$ROOT/bench/target/wrenn-bench.jar:$ROOT/bench/target/lib/*" "$main" "$@"
