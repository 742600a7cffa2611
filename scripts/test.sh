#!/usr/bin/env bash
# Sets up a fresh machine, builds, and runs every test: unit tests (normal and ASan/UBSan
# builds), the fuzz targets for a bounded time, the system tests (pytest driving the real
# binary over HTTP), and the browser tests (the dashboard and API docs in headless chromium).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
bash scripts/build.sh release
bash scripts/build.sh asan
bash scripts/build.sh fuzz

echo "== unit tests =="
ctest --test-dir build --output-on-failure -j"$(nproc)"
echo "== unit tests under ASan/UBSan =="
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)"

echo "== fuzzing (bounded) =="
bash scripts/fuzz.sh 60

# The system suite runs once per store backend (tests/system/store_backend.py), not copied;
# test_mongodb*.py hold what only the MongoDB backend has (pymongo checks, two instances).
# What only the S3 lake and the REST catalog have runs in the lake runs below, not here.
local_lake=(--ignore=tests/system/test_lake_s3.py --ignore=tests/system/test_lake_rest_catalog.py)
echo "== system tests (SQLite store) =="
.venv/bin/pytest tests/system -q --ignore-glob="tests/system/test_mongodb*.py" "${local_lake[@]}"
echo "== system tests (MongoDB store, against FerretDB) =="
TRADEAGG_SYSTEM_STORE=mongodb .venv/bin/pytest tests/system -q "${local_lake[@]}"
# The lake's suites run once more per object store and catalog (tests/system/lake_backend.py):
# on S3 (SeaweedFS) with the SQL catalog, on S3 with a REST catalog (SeaweedFS's), and as the
# reference stack (MongoDB store + S3 lake + REST catalog).
lake_suites=(tests/system/test_lake.py tests/system/test_exposures.py tests/system/test_run_completeness.py
             tests/system/test_iceberg_rest_endpoint.py tests/system/test_spark.py tests/system/test_lake_s3.py)
echo "== lake system tests (S3 lake, SQL catalog; against SeaweedFS) =="
TRADEAGG_SYSTEM_LAKE=s3 .venv/bin/pytest "${lake_suites[@]}" -q
echo "== lake system tests (S3 lake, REST catalog) =="
TRADEAGG_SYSTEM_LAKE=s3 TRADEAGG_SYSTEM_CATALOG=rest \
  .venv/bin/pytest "${lake_suites[@]}" tests/system/test_lake_rest_catalog.py -q
echo "== lake system tests (MongoDB store + S3 lake + REST catalog) =="
TRADEAGG_SYSTEM_STORE=mongodb TRADEAGG_SYSTEM_LAKE=s3 TRADEAGG_SYSTEM_CATALOG=rest \
  .venv/bin/pytest "${lake_suites[@]}" tests/system/test_lake_rest_catalog.py -q
echo "== browser tests (headless Debian chromium driven by playwright-core) =="
bash scripts/browser_test.sh
echo "== system tests against the ASan/UBSan build (SQLite store) =="
TRADEAGG_BIN="$root/build-asan/tradeagg" ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  .venv/bin/pytest tests/system -q --ignore-glob="tests/system/test_mongodb*.py" "${local_lake[@]}"
