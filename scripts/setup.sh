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
  libhowardhinnant-date-dev libzstd-dev libssl-dev libcurl4-openssl-dev libmongoc-dev libbson-dev
  libgtest-dev googletest nginx-light wrk python3-venv
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
duckdb_version=1.4.4
duckdb_bindings=1.4.4-r.4
duckdb_dir="$deps/duckdb-$duckdb_version"
if [ ! -f "$duckdb_dir/lib/libduckdb.so" ] || [ ! -f "$duckdb_dir/include/duckdb.h" ]; then
  log "fetching DuckDB $duckdb_version with npm pack"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "duckdb@$duckdb_version" "@duckdb/node-bindings-linux-x64@$duckdb_bindings" >/dev/null)
  echo "5bb967dcbcd517670ba5f169f238fb9d6787e53752c60ebe24386169d76941ed  $tmp/duckdb-$duckdb_version.tgz" | sha256sum -c --quiet
  echo "732fac4dc6b8f198870b9c4bb6ddf13544466daca00ad28ba2f1d80de5d7aa4b  $tmp/duckdb-node-bindings-linux-x64-$duckdb_bindings.tgz" | sha256sum -c --quiet
  mkdir -p "$duckdb_dir/include" "$duckdb_dir/lib"
  tar xzf "$tmp/duckdb-$duckdb_version.tgz" -C "$tmp" package/src/duckdb/src/include/duckdb.h
  cp "$tmp/package/src/duckdb/src/include/duckdb.h" "$duckdb_dir/include/"
  rm -rf "$tmp/package"
  tar xzf "$tmp/duckdb-node-bindings-linux-x64-$duckdb_bindings.tgz" -C "$tmp" package/libduckdb.so
  cp "$tmp/package/libduckdb.so" "$duckdb_dir/lib/"
  rm -rf "$tmp"
fi

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
log "ready"
