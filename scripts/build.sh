#!/usr/bin/env bash
# Builds tradeagg. Usage: scripts/build.sh [release|asan]
#   release (default): build/        RelWithDebInfo, the binary is build/tradeagg (beside it the
#                                    system tests' tradeagg_lake_scenarios)
#   asan:              build-asan/   Debug with AddressSanitizer and UndefinedBehaviorSanitizer
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-release}
case "$kind" in
  release) dir="$root/build"; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan)    dir="$root/build-asan"; flags=(-DCMAKE_BUILD_TYPE=Debug -DTRADEAGG_SANITIZE=ON) ;;
  *) echo "usage: $0 [release|asan]" >&2; exit 2 ;;
esac
cmake -S "$root" -B "$dir" -G Ninja "${flags[@]}" >/dev/null
ninja -C "$dir" -j"$(nproc)" tradeagg tradeagg_tests tradeagg_lake_scenarios
