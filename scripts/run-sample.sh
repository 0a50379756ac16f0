#!/usr/bin/env bash
# Sets up, builds and runs the main sample job: the Beijing fence audit.
# Reports land in Outputs/beijing-fence-audit/ (open report.html in a browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product zonal
.build/release/zonal run Jobs/beijing-fence-audit.yaml "$@"
echo "Reports: $(pwd)/Outputs/beijing-fence-audit/ (report.html, beijing-fence-audit.xlsx, *.csv, *.geojson, zonal.sqlite)"
