#!/usr/bin/env bash
# Runs every benchmark once with its smallest parameters, on its real path (real VMs, PostgreSQL,
# HTTP, gRPC), so that a broken harness fails the build instead of rotting until someone needs a
# figure. scripts/test.sh runs it after the tests. The figures of such short runs mean nothing.
# A benchmark fails the smoke run if it exits non-zero, exceeds its time limit or prints no table.
# Needs what the benchmarks need: root and the guest image (see bench/run.sh). Usage: bench/smoke.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A hung benchmark must fail the build, not stall it: the eight take ~9 min together on 2 TCG cores.
LIMIT="${WRENN_BENCH_SMOKE_LIMIT_SEC:-300}"
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/wrenn-bench-smoke.XXXXXX")"

benches=(
  "api|bench/run.sh api 1"
  "sandbox|bench/run.sh sandbox 1 1 1"
  "process|bench/run.sh process 1"
  "host-agent|bench/host-agent.sh --runs 1 --size-mb 1 --execs 1"
  "snapshots|bench/snapshots.sh --runs 1 --clones 1 --cold 1"
  "e2b|bench/run.sh e2b 1 1"
  "defences|bench/defences.sh --runs 1 --size-mb 1 --execs 1"
  "build|bench/run.sh build 1"
  "code|bench/run.sh code 1"
)

start=$SECONDS
# One build for all of them instead of one per benchmark script; none when the caller just built.
if [[ "${WRENN_BENCH_NO_BUILD:-}" != 1 ]]; then
  echo "== bench smoke: building"
  "$ROOT/bench/build.sh"
  export WRENN_BENCH_NO_BUILD=1
fi

failed=()
for b in "${benches[@]}"; do
  name="${b%%|*}"; cmd="${b#*|}"
  echo "== bench smoke: $cmd"
  t0=$SECONDS
  rc=0
  (cd "$ROOT" && timeout --kill-after=30 "$LIMIT" $cmd) >"$LOGS/$name.out" 2>"$LOGS/$name.err" || rc=$?
  cat "$LOGS/$name.out"
  why=""
  if ((rc == 124 || rc == 137)); then why="timed out after ${LIMIT} s"
  elif ((rc != 0)); then why="exit code $rc"
  elif ! grep -q '^|---' "$LOGS/$name.out"; then why="printed no table"
  elif grep -qE '\| *(NaN|Infinity) *\|' "$LOGS/$name.out"; then why="printed a figure that was never measured"
  fi
  if [[ -n "$why" ]]; then
    failed+=("$name ($why)")
    echo "-- $name FAILED: $why; the end of its stderr ($LOGS/$name.err):"
    tail -n 40 "$LOGS/$name.err"
  fi
  echo "-- $name: $((SECONDS - t0)) s"
done

echo "== bench smoke: ${#benches[@]} benchmarks in $((SECONDS - start)) s"
if ((${#failed[@]} > 0)); then
  printf 'bench smoke FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
rm -rf "$LOGS"
