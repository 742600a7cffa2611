#!/usr/bin/env bash
# Installs what the web front end and its browser tests need, pinned by their lock files:
#   web/node_modules            uPlot 1.6.32 (the dashboard's charts) and swagger-ui-dist 5.35.0
#                               (the API docs), served by tradeagg under /vendor/ (no CDN: the
#                               server's Content-Security-Policy allows only 'self')
#   tests/browser/node_modules  playwright-core 1.65.1, which drives Debian's chromium
#   /usr/bin/chromium           Debian's package; playwright-core downloads no browser of its own
# scripts/setup.sh runs it. Idempotent: `npm ci` runs only when package.json or its lock file
# changed since the last install (a stamp in node_modules holds their sha256). npm's cache lives
# under ~/.cache/tradeagg/npm, outside the clone, so a fresh clone reinstalls from it offline.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
npm_cache="${XDG_CACHE_HOME:-$HOME/.cache}/tradeagg/npm"
mkdir -p "$npm_cache"

log() { printf '[web] %s\n' "$*"; }

for dir in web tests/browser; do
  stamp="$root/$dir/node_modules/.tradeagg-install.sha256"
  want=$(cat "$root/$dir/package.json" "$root/$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && continue
  log "npm ci in $dir"
  # --ignore-scripts: no dependency needs an install script (swagger-ui-dist's @scarf/scarf only
  # reports the install to a tracker); --prefer-offline: the cache answers before the registry.
  (cd "$root/$dir" && npm ci --cache "$npm_cache" --prefer-offline --ignore-scripts \
     --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" > "$stamp"
done

# The browser tests launch /usr/bin/chromium (tests/browser/harness.mjs). Its fonts come from
# Recommends, which --no-install-recommends skips: without them pages render in no font at all.
# The dashboard's stylesheet asks for DejaVu Sans, then Liberation Sans.
apt_packages=(chromium fonts-dejavu-core fonts-liberation)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ! -x /usr/bin/chromium ] || [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]:-chromium}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]:-chromium}" >/dev/null
fi
