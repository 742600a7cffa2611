#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz for a bounded time each, from their corpus in the
# repository. Usage: scripts/fuzz.sh [seconds per target, default 60]
#   New inputs the fuzzer finds go to build-fuzz/corpus/<target>/ (not the repository); a crash
#   leaves its input in build-fuzz/ and fails the run. To keep a finding as a regression input,
#   copy it into tests/fuzz/corpus/<target>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
for target in trade_body_fuzzer http_request_fuzzer; do
  corpus="$root/tests/fuzz/corpus/${target%_fuzzer}"
  work="$root/build-fuzz/corpus/${target%_fuzzer}"
  mkdir -p "$work"
  echo "== fuzzing $target for ${seconds}s =="
  log="$root/build-fuzz/$target.log"
  status=0
  (cd "$root/build-fuzz" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "./$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "$work" "$corpus") >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log"
    echo "fuzz: $target failed (exit $status); the input is in build-fuzz/, the log in $log" >&2
    exit 1
  fi
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done)" "$log" || tail -n 3 "$log"
done
