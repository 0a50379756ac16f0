#!/usr/bin/env bash
# Sets up, builds and runs a sample job: by default the Beijing fence audit.
#   bash scripts/run-sample.sh                                   # Jobs/beijing-fence-audit.yaml
#   bash scripts/run-sample.sh Jobs/beijing-nightly-infence.yaml [zonal run options]
# Reports land in Outputs/<job>/ (open report.html in a browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product zonal
job=Jobs/beijing-fence-audit.yaml
if [ $# -gt 0 ] && [[ "$1" == *.yaml ]]; then job=$1; shift; fi
.build/release/zonal run "$job" "$@"
name=$(basename "$job" .yaml)
echo "Reports: $(pwd)/Outputs/$name/ (report.html, $name.xlsx, *.csv, *.geojson, zonal.sqlite)"
