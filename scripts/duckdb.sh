#!/usr/bin/env bash
# Fetches DuckDB 1.4.4 (LTS), pinned, into .deps/duckdb-1.4.4 (where CMakeLists.txt looks):
# the header from the npm source package, the library from the node bindings (linux-x64), both
# with `npm pack` and checked against their sha256. scripts/setup.sh and the Dockerfile run it.
# Idempotent: does nothing when the header and the library are there. Needs npm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duckdb_version=1.4.4
duckdb_bindings=1.4.4-r.4
duckdb_dir="$root/.deps/duckdb-$duckdb_version"
if [ -f "$duckdb_dir/lib/libduckdb.so" ] && [ -f "$duckdb_dir/include/duckdb.h" ]; then exit 0; fi

printf '[duckdb] %s\n' "fetching DuckDB $duckdb_version with npm pack"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "duckdb@$duckdb_version" "@duckdb/node-bindings-linux-x64@$duckdb_bindings" >/dev/null)
echo "5bb967dcbcd517670ba5f169f238fb9d6787e53752c60ebe24386169d76941ed  $tmp/duckdb-$duckdb_version.tgz" | sha256sum -c --quiet
echo "732fac4dc6b8f198870b9c4bb6ddf13544466daca00ad28ba2f1d80de5d7aa4b  $tmp/duckdb-node-bindings-linux-x64-$duckdb_bindings.tgz" | sha256sum -c --quiet
mkdir -p "$duckdb_dir/include" "$duckdb_dir/lib"
tar xzf "$tmp/duckdb-$duckdb_version.tgz" -C "$tmp" package/src/duckdb/src/include/duckdb.h
cp "$tmp/package/src/duckdb/src/include/duckdb.h" "$duckdb_dir/include/"
rm -rf "$tmp/package"
tar xzf "$tmp/duckdb-node-bindings-linux-x64-$duckdb_bindings.tgz" -C "$tmp" package/libduckdb.so
cp "$tmp/package/libduckdb.so" "$duckdb_dir/lib/"
