#!/usr/bin/env bash
# make bench: Bulwark beside a peer in the same run, reported as ratios.
# The cases, their peers and the knobs (BENCH_RUNS, BENCH_BIG_MB,
# BENCH_FILES, BENCH_SPARSE_MB, BENCH_HANDSHAKES, BENCH_CASES) are described
# in scripts/bench.py and README.md (Benchmarks). Loopback only.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
for p in bench_crypto stream-openssl stream-wolfssl; do
	[ -x "$top/build/bench/$p" ] || { echo "bench: build/bench/$p is missing; run make bench" >&2; exit 1; }
done
exec python3 "$top/scripts/bench.py"
