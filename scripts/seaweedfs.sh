#!/usr/bin/env bash
# Builds SeaweedFS (S3 with SigV4 and an Iceberg REST catalog; Apache-2.0), pinned, for the
# tests of the lake on S3, and prints the binary's path. Cached outside the clone, keyed by
# version, so a fresh clone on the same machine does not rebuild it (about 13 minutes cold on
# 2 cores, a 233 MB binary). `go install` refuses the module: its go.mod has replace directives.
set -euo pipefail
version=v0.0.0-20261109003541-7506e5f91cd6
binary="${TRADEAGG_CACHE:-$HOME/.cache/tradeagg}/seaweedfs-$version/bin/weed"
if [ -x "$binary" ]; then echo "$binary"; exit 0; fi
source "$(dirname "$0")/lib/go_build.sh"
go_build_module github.com/seaweedfs/seaweedfs "$version" ./weed "$binary"
