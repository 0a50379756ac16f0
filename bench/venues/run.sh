#!/usr/bin/env bash
# Benchmark: one province month of sports-venue footfall (2,000 Zhejiang venues,
# two counting devices each, 15-minute periods for 30 days: ~10.9 million CSV
# rows with repeats, late uploads and a few rejects) through Zonal's
# venue_footfall and through DuckDB doing the same work. Each tool goes from the
# input files to a persistent store and writes venue_footfall and venue_summary.
#
#   bash bench/venues/run.sh           # generates the data on first use (needs numpy, duckdb)
#   RUNS=3 bash bench/venues/run.sh    # best wall time of 3 runs per tool
#   TOOLS=duckdb bash bench/venues/run.sh
#
# Prints per tool: wall time, rows per second, peak memory (max RSS, GNU time)
# and the ratio to the fastest; the target (Zonal faster than DuckDB with lower
# peak memory); then whether the tools agree on venue_summary and
# venue_footfall (exit 1 when they do not).
# Without ZONAL_BIN, Zonal is built first (swift build -c release --product zonal,
# incremental); ZONAL_BIN=path uses that binary as it is.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$ROOT/bench/data/venues"
RUNS=${RUNS:-1}
TOOLS=${TOOLS:-"zonal duckdb"}
cd "$ROOT"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c "import numpy" 2>/dev/null || pip install -q numpy
if [ ! -f "$DATA/venue_footfall.csv" ] || [ ! -f "$DATA/venues.csv" ] || [ ! -f "$DATA/expected_counts.json" ]; then
  python3 "$HERE/make_province_month.py" "$DATA"
fi
N_ROWS=$(( $(wc -l < "$DATA/venue_footfall.csv") - 1 ))
mkdir -p "$DATA/time"

# shellcheck source=../lib.sh
source "$HERE/../lib.sh"

# ---- which tools can run
choose_tools "$HERE/duckdb_venues.py" "$HERE/province-month.yaml" venue_footfall

# ---- measure: best wall of RUNS runs, each from the files (fresh out folder and store), max peak
measure_tools

echo "province month: $(python3 -c "print(f'{$N_ROWS:,}')") footfall rows ($(( $(stat -c %s "$DATA/venue_footfall.csv") / 1000000 )) MB); best of $RUNS run(s) per tool; $(nproc) CPUs"
print_figures "$N_ROWS" rows

# ---- agreement: DuckDB is the reference
status=0
if [ -n "${WALL[zonal]:-}" ] && [ -n "${WALL[duckdb]:-}" ]; then
  echo "agreement (tolerance 0):"
  for r in venue_summary venue_footfall; do
    python3 "$HERE/compare.py" "$r" "duckdb=${OUTDIR[duckdb]}" "zonal=${OUTDIR[zonal]}" || status=1
  done
fi
exit $status
