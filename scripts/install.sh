#!/usr/bin/env bash
# Builds Zonal (release) and installs the `zonal` command on the PATH, so the
# README's examples work as written from any folder.
#   bash scripts/install.sh                 # installs to /usr/local/bin (root) or ~/.local/bin
#   PREFIX=/opt/zonal bash scripts/install.sh   # installs to /opt/zonal/bin
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product zonal
if [ -n "${PREFIX:-}" ]; then bin="$PREFIX/bin"
elif [ "$(id -u)" -eq 0 ]; then bin=/usr/local/bin
else bin="$HOME/.local/bin"; fi
mkdir -p "$bin"
install -m 0755 .build/release/zonal "$bin/zonal"
echo "installed $bin/zonal ($("$bin/zonal" --version))"
case ":$PATH:" in *":$bin:"*) ;; *) echo "note: $bin is not on your PATH; add it, e.g. export PATH=\"$bin:\$PATH\"" ;; esac
