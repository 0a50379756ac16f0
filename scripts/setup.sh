#!/usr/bin/env bash
# Installs the Debian packages Zonal builds and tests with, if any is missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
packages=(pkg-config libgeos-dev libproj-dev proj-data libshp-dev libsqlite3-dev
          libspatialite-dev libsqlite3-mod-spatialite libxlsxwriter-dev libssl-dev libpq-dev spatialite-bin sqlite3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: Swift is not on PATH (install Swift 6.x first)" >&2; exit 1; }
