#!/usr/bin/env bash
# Builds tradeagg. Usage: scripts/build.sh [release|asan|fuzz]
#   release (default): build/        RelWithDebInfo, the binary is build/tradeagg (beside it the
#                                    system tests' tradeagg_lake_scenarios)
#   asan:              build-asan/   Debug with AddressSanitizer and UndefinedBehaviorSanitizer
#   fuzz:              build-fuzz/   clang, the libFuzzer targets of tests/fuzz (scripts/fuzz.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-release}
targets=(tradeagg tradeagg_tests tradeagg_lake_scenarios)
case "$kind" in
  release) dir="$root/build"; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan)    dir="$root/build-asan"; flags=(-DCMAKE_BUILD_TYPE=Debug -DTRADEAGG_SANITIZE=ON) ;;
  fuzz)    dir="$root/build-fuzz"; targets=(trade_body_fuzzer http_request_fuzzer)
           flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRADEAGG_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14) ;;
  *) echo "usage: $0 [release|asan|fuzz]" >&2; exit 2 ;;
esac
# ccache, when present, keeps compiled objects outside the clone (keyed by content, paths
# relative to the clone), so a fresh clone on a machine that built before compiles in minutes.
if command -v ccache >/dev/null; then
  export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/tradeagg/ccache}" CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  flags+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$dir" -G Ninja "${flags[@]}" >/dev/null
ninja -C "$dir" -j"$(nproc)" "${targets[@]}"
