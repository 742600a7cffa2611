#!/usr/bin/env bash
# Fetches DuckDB 1.4.4 (LTS), pinned, into .deps/duckdb-1.4.4 (where CMakeLists.txt looks):
# the header from the npm source package, the library from the node bindings (linux-x64), both
# with `npm pack` and checked against their sha256; and its httpfs extension (which reads the
# lake's Parquet files in place on S3) from the PyPI wheel duckdb-ext-httpfs, signed by DuckDB,
# into extensions/. scripts/setup.sh and the Dockerfile run it.
# Idempotent: does nothing when the header, the library and the extension are there. Needs npm
# and pip.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duckdb_version=1.4.4
duckdb_bindings=1.4.4-r.4
duckdb_dir="$root/.deps/duckdb-$duckdb_version"
httpfs_wheel=duckdb_ext_httpfs-1.4.4.20260205-py3-none-manylinux_2_28_x86_64.whl
httpfs="$duckdb_dir/extensions/httpfs.duckdb_extension"
if [ -f "$duckdb_dir/lib/libduckdb.so" ] && [ -f "$duckdb_dir/include/duckdb.h" ] && [ -f "$httpfs" ]; then exit 0; fi

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
rm -rf "$tmp/package"

printf '[duckdb] %s\n' "fetching DuckDB's httpfs extension from PyPI"
python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_28_x86_64 \
  "duckdb-ext-httpfs==1.4.4.20260205" -d "$tmp"
echo "c5ea47d6804910747e7816198168ce4ac100ca5f748d6a0e55ead994aa047329  $tmp/$httpfs_wheel" | sha256sum -c --quiet
mkdir -p "$duckdb_dir/extensions"
python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
  "$tmp/$httpfs_wheel" duckdb_ext/extensions/v1.4.4/linux_amd64/httpfs.duckdb_extension >"$httpfs.partial"
mv "$httpfs.partial" "$httpfs"
