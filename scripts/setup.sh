#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine lacks to build, run and test tradeagg.
# Idempotent: each step checks first and caches downloads under .deps/ (ignored by git).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deps="$root/.deps"
mkdir -p "$deps"

log() { printf '[setup] %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
apt_packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates tzdata
  libboost1.81-dev libboost-url1.81-dev libsimdjson-dev nlohmann-json3-dev
  libsqlite3-dev libsodium-dev libtomlplusplus-dev libcli11-dev libspdlog-dev
  libhowardhinnant-date-dev libzstd-dev libssl-dev libcurl4-openssl-dev libexpat1-dev libmongoc-dev libbson-dev
  libgtest-dev googletest nginx-light wrk python3-venv ccache
  # libFuzzer targets (tests/fuzz): clang with its runtime
  clang-14 libclang-rt-14-dev
  # Spark's check of the lake: Spark 3.5 runs on Java 17; mvn fetches its jars (section below)
  openjdk-17-jre-headless maven
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- DuckDB 1.4.4 (LTS): header from the npm source package, library from the node bindings ---
# scripts/duckdb.sh holds the pins (versions, sha256) for this script and the Dockerfile.
bash "$root/scripts/duckdb.sh"

# --- Web front end: uPlot and Swagger UI for the pages tradeagg serves, and the browser tests'
# playwright-core and Debian chromium (pinned by web/ and tests/browser/ lock files) -----------
bash "$root/scripts/web.sh"

# --- Python venv for system tests and benchmark peers ----------------------------------------
venv="$root/.venv"
req="$root/tests/requirements.txt"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "preparing Python venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip >/dev/null
  "$venv/bin/pip" install -q -r "$req"
  echo "$want" > "$stamp"
fi

# --- Spark's check of the lake: Iceberg's Spark runtime, the SQLite JDBC driver, AWS bundle ---
# pyspark (Spark 3.5, Scala 2.12) is pinned in tests/requirements.txt; these jars must match its
# Spark and Scala versions. mvn is the ordinary client for Maven Central; sha256 as published there.
# iceberg-aws-bundle (the AWS SDK v2 for S3FileIO, same Iceberg version as the runtime) reads the
# lake on S3; sqlite-jdbc is JdbcCatalog's driver for the SQL catalog.
spark_jars="$deps/spark-jars"
spark_pins=(
  "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.12.0 8dd8c90e54ed1a20f2461309d047a255ee56382eb7c0a46162b27a4936fd86dc"
  "org.xerial:sqlite-jdbc:3.54.1.0 f8dce420a6016278497f4f0560f65602b9db858de141b541cf91a4644ebe4639"
  "org.apache.iceberg:iceberg-aws-bundle:1.12.0 dd7e49ffa4ac9b215bed846581991259e3aec9bb2fa08d6cec029c46cd66d957"
)
mkdir -p "$spark_jars"
wanted_jars=()
for pin in "${spark_pins[@]}"; do
  read -r coords sum <<<"$pin"
  IFS=: read -r _ artifact version <<<"$coords"
  jar="$spark_jars/$artifact-$version.jar"
  wanted_jars+=("$jar")
  echo "$sum  $jar" | sha256sum -c --quiet >/dev/null 2>&1 && continue
  log "fetching $coords with mvn"
  tmp=$(mktemp -d)
  # mvn -q still prints terminal resets: keep its output for when it fails.
  mvn -q -B dependency:copy -Dartifact="$coords" -DoutputDirectory="$tmp" >"$tmp/mvn.log" 2>&1 ||
    { cat "$tmp/mvn.log" >&2; exit 1; }
  echo "$sum  $tmp/$artifact-$version.jar" | sha256sum -c --quiet
  mv "$tmp/$artifact-$version.jar" "$jar"
  rm -rf "$tmp"
done
# The test puts every jar here on Spark's class path: a jar of an older pin must not linger.
for jar in "$spark_jars"/*.jar; do
  [[ " ${wanted_jars[*]} " == *" $jar "* ]] || rm -f "$jar"
done
# --- FerretDB, the MongoDB-wire server the MongoDB backend's tests run against (cached) -------
log "FerretDB: $(bash "$root/scripts/ferretdb.sh")"
# --- SeaweedFS, the S3 server the S3 object store's tests run against (cached) ----------------
log "SeaweedFS: $(bash "$root/scripts/seaweedfs.sh")"
# --- Iceberg's REST catalog fixture, the server the REST catalog's tests run against (cached) -
# A Java program: mvn fetches its jars and Java 17 (both installed above) runs it.
log "Iceberg REST fixture: $(bash "$root/scripts/iceberg_rest_fixture.sh")"
log "ready"
