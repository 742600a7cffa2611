#!/usr/bin/env bash
# Builds FerretDB (MongoDB wire protocol over SQLite; Apache-2.0), pinned, for the tests of the
# MongoDB backend, and prints the binary's path. Cached outside the clone, keyed by version, so
# a fresh clone on the same machine does not rebuild it (about 3 minutes cold).
#
# A plain `go install …/cmd/ferretdb@v1.24.2` builds a binary that panics at start: the module
# lacks build/version/version.txt, which the release build writes. So: download the module,
# copy it out of the (read-only) module cache, write the version file, build.
set -euo pipefail
version=v1.24.2
cache="${TRADEAGG_CACHE:-$HOME/.cache/tradeagg}/ferretdb-$version"
binary="$cache/bin/ferretdb"
if [ -x "$binary" ]; then echo "$binary"; exit 0; fi
command -v go >/dev/null || { echo "ferretdb: go is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export GOPATH="$work/gopath" GOFLAGS=-mod=mod GOTOOLCHAIN=local
dir=$(cd "$work" && go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
[ -n "$dir" ] || { echo "ferretdb: go mod download of FerretDB $version failed" >&2; exit 1; }
cp -r "$dir" "$work/src" && chmod -R u+w "$work/src"
echo "$version" > "$work/src/build/version/version.txt"
mkdir -p "$cache/bin"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$binary.tmp" ./cmd/ferretdb)
mv "$binary.tmp" "$binary"
echo "$binary"
