#!/usr/bin/env bash
# Renders an Outputs/<job>/report.html in headless Chromium to a PNG, to look
# at what a supervisor sees. Needs Debian's chromium (installed if missing).
#   bash scripts/screenshot-report.sh Outputs/beijing-fence-audit/report.html /tmp/report.png
set -euo pipefail
html=${1:-Outputs/beijing-fence-audit/report.html}
png=${2:-/tmp/zonal-report.png}
command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,${HEIGHT:-2400} \
  --screenshot="$png" "file://$(realpath "$html")" 2>/dev/null
echo "$png"
