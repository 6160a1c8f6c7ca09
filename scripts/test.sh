#!/usr/bin/env bash
# The one test command (README "Tests"; CI runs exactly this): installs what the tests need
# (host packages, the guest image), then builds and runs every unit and integration test,
# the integration tests against real PostgreSQL and real QEMU microVMs. Needs root.
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

echo "== build and test (unit + integration)"
./mvnw -B -ntp verify "$@"
