#!/usr/bin/env bash
# Builds FerretDB (MongoDB wire protocol over SQLite; Apache-2.0), pinned, for the tests of the
# MongoDB backend, and prints the binary's path. Cached outside the clone, keyed by version, so
# a fresh clone on the same machine does not rebuild it (about 3 minutes cold).
#
# A plain `go install …/cmd/ferretdb@v1.24.2` builds a binary that panics at start: the module
# lacks build/version/version.txt, which the release build writes; it is written before building.
set -euo pipefail
version=v1.24.2
binary="${TRADEAGG_CACHE:-$HOME/.cache/tradeagg}/ferretdb-$version/bin/ferretdb"
if [ -x "$binary" ]; then echo "$binary"; exit 0; fi
source "$(dirname "$0")/lib/go_build.sh"
go_build_module github.com/FerretDB/FerretDB "$version" ./cmd/ferretdb "$binary" \
  "echo $version > build/version/version.txt"
