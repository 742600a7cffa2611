#!/usr/bin/env bash
# Runs the real-browser tests: tests/browser/*.test.mjs under `node --test`, with playwright-core
# driving Debian's chromium against build/tradeagg (or $TRADEAGG_BIN), each test file on a server of
# its own. Screenshots go to tests/browser/artifacts/ (or $TRADEAGG_ARTIFACTS_DIR).
# Arguments go to node --test (e.g. --test-name-pattern=member).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Idempotent and quick when nothing changed: the pinned npm packages and chromium.
bash "$root/scripts/web.sh"
cd "$root"
exec node --test "$@" tests/browser/
