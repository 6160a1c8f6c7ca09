#!/usr/bin/env bash
# The one test command (README "Tests"; CI runs exactly this): installs what the tests need
# (host packages, the guest image), then builds and runs every unit and integration test,
# the integration tests against real PostgreSQL and real QEMU microVMs, and then runs every
# benchmark once with its smallest parameters (bench/smoke.sh), so that a broken benchmark fails
# the build too. Needs root.
#
# Extra arguments go to Maven (`./scripts/test.sh -pl control-plane -Dit.test=SandboxApiIT`): they
# ask for a subset of the tests, so the benchmark smoke stage is then skipped, and says so.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export JAVA_HOME="${WRENN_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [[ ! -x "$JAVA_HOME/bin/java" ]]; then
  echo "test: JDK 25 not found at $JAVA_HOME (set WRENN_JAVA_HOME)" >&2
  exit 1
fi

"$ROOT/scripts/install-deps.sh"

echo "== guest image"
"$ROOT/wrenn" image build
export WRENN_IMAGE_DIR="${WRENN_IMAGE_DIR:-${WRENN_DATA_DIR:-$HOME/.wrenn}/images/minimal}"

echo "== formatting (the build formats; this refuses sources committed unformatted)"
./mvnw -B -ntp -q spotless:check

echo "== build and test (unit + integration)"
./mvnw -B -ntp verify "$@"

if (($# > 0)); then
  echo "== benchmark smoke run skipped: Maven arguments ($*) select a subset; run bench/smoke.sh for it"
  exit 0
fi
echo "== benchmark smoke run (every benchmark once, smallest parameters)"
# `verify` above built everything the benchmarks run.
WRENN_BENCH_NO_BUILD=1 "$ROOT/bench/smoke.sh"
