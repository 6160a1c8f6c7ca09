#!/usr/bin/env bash
# Runs a benchmark of the bench module and prints its table (medians and p99s):
#   bench/run.sh api [runs=50]                            control plane: start-up, sign-up, login, keyed read
#   bench/run.sh sandbox [runs=5] [size-mb=100] [burst=20] sandboxes through the API beside the host agent
#   bench/run.sh process [runs=20]                         processes, terminal, file system through the API
#   bench/run.sh e2b [runs=5] [stream-mb=16]               the E2B SDK through the proxy beside /v1 and the guest
#   bench/run.sh build [runs=3]                            template builds from recipes beside the same by hand
#   bench/run.sh code [runs=3]                             the code interpreter template: builds, first cell, cells
# The e2b bench also needs node and compat/e2b's packages (scripts/install-deps.sh).
# The sandbox bench needs root and the guest image: WRENN_IMAGE_DIR (the images root or the image's
# own dir) or else $WRENN_DATA_DIR/images (default ~/.wrenn/images), where ./wrenn image build puts it.
# Exits non-zero, with no table, if anything fails. bench/smoke.sh runs every benchmark once, small.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${WRENN_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
usage() { sed -n 3,8p "$0" | sed 's/^#  */usage: /' >&2; exit 2; }
case "${1:-api}" in
  api) main=dev.wrenn.bench.ApiBench ;;
  sandbox) main=dev.wrenn.bench.SandboxApiBench ;;
  process) main=dev.wrenn.bench.ProcessBench ;;
  e2b) main=dev.wrenn.bench.E2bBench ;;
  build) main=dev.wrenn.bench.BuildBench ;;
  code) main=dev.wrenn.bench.CodeBench ;;
  *) usage ;;
esac
shift || true
[[ "${WRENN_BENCH_NO_BUILD:-}" == 1 ]] || "$ROOT/bench/build.sh"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$ROOT/bench/target/wrenn-bench.jar:$ROOT/bench/target/lib/*" "$main" "$@"
