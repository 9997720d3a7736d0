#!/usr/bin/env bash
# Terrane benchmarks in one run: builds a release binary, starts `terrane serve` on port 0 with
# temporary data directories (loopback only) and prints a markdown table of measured values next
# to their targets. Every phase is bounded in time.
#
#   bench/run.sh                      build into build-release/, run everything
#   SKIP_BUILD=1 bench/run.sh         reuse build-release/terrane (or $TERRANE_BIN)
#   BENCH_WORKSPACES=20000 bench/run.sh   a smaller list benchmark
#
# Knobs (environment): JOBS (build parallelism, default nproc), BUILD_DIR (build-release),
# TERRANE_BIN, BENCH_DURATION (wrk seconds, 10), BENCH_WORKSPACES (100000),
# BENCH_SEED_TIMEOUT (seconds allowed for creating the workspaces, 900),
# BENCH_STATE_MIB (64), BENCH_VERSIONS (1000). Needs `wrk` (Debian package) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-release}
if [[ -z "${SKIP_BUILD:-}" && -z "${TERRANE_BIN:-}" ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DTERRANE_BUILD_TESTS=OFF
  cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target terrane
fi
export TERRANE_BIN=${TERRANE_BIN:-$BUILD_DIR/terrane}
if [[ ! -x "$TERRANE_BIN" ]]; then
  echo "bench: no terrane binary at $TERRANE_BIN" >&2
  exit 1
fi
if ! command -v wrk >/dev/null; then
  echo "bench: wrk is not installed (Debian package 'wrk'; scripts/install-deps.sh installs it)" >&2
  exit 1
fi

mkdir -p bench/results
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ).md"
python3 bench/bench.py --output "$out" "$@"
echo "bench: results written to $out"
