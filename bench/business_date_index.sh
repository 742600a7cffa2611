#!/usr/bin/env bash
# What keeping each business date's trade totals (late trades, issue 8) costs ingestion, against
# a store without it and a per-trade index instead, in one run: bench/store/business_date_index_bench.cc.
#
# Usage: bench/business_date_index.sh   (builds build-release/ in Release first)
# Environment (optional): TRADES=400000 GROUP=4000 ROUNDS=3 BUILD_DIR=build-release SKIP_BUILD=0
#   DIR: where the two stores live (default: a fresh directory under $TMPDIR; it must be a real
#   disk, as the data directory is: fsync is most of the cost).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-release}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C "$BUILD_DIR" tradeagg_store_bench >/dev/null
fi
DIR="${DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tradeagg-index-bench.XXXXXX")}"
trap 'rm -rf "$DIR"' EXIT
echo "Store append with and without per-date trade totals, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs," \
  "${TRADES:-400000} trades per round and store in groups of ${GROUP:-4000}"
echo
"$BUILD_DIR/tradeagg_store_bench" --trades "${TRADES:-400000}" --group "${GROUP:-4000}" --rounds "${ROUNDS:-3}" \
  --dir "$DIR/stores"
