#!/usr/bin/env bash
# Benchmark: one province day of coal-mine electronic-seal data (1,000 mines,
# ~2.88 million JSON lines: camera heartbeats, AI reports, live addresses) plus
# the mines and disposal tables, through Zonal's mine_alarms and through DuckDB
# doing the same work. Each tool goes from the input files to a persistent store
# and writes alarm_stats, camera_online and mine_alarms.
#
#   bash bench/mines/run.sh           # generates the data on first use (needs numpy, duckdb)
#   RUNS=3 bash bench/mines/run.sh    # best wall time of 3 runs per tool
#   TOOLS=duckdb bash bench/mines/run.sh
#
# Prints per tool: wall time, lines per second, peak memory (max RSS, GNU time)
# and the ratio to the fastest; the target (Zonal faster than DuckDB with lower
# peak memory); then whether the tools agree on alarm_stats and camera_online
# (exit 1 when they do not). mine_alarms is compared too, for diagnosis only.
# Without ZONAL_BIN, Zonal is built first (swift build -c release --product zonal,
# incremental); ZONAL_BIN=path uses that binary as it is.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$ROOT/bench/data/mines"
RUNS=${RUNS:-1}
TOOLS=${TOOLS:-"zonal duckdb"}
cd "$ROOT"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c "import numpy" 2>/dev/null || pip install -q numpy
if [ ! -f "$DATA/mine_reports.jsonl" ] || [ ! -f "$DATA/alarm_disposals.csv" ]; then
  python3 "$HERE/make_province_day.py" "$DATA"
fi
N_LINES=$(wc -l < "$DATA/mine_reports.jsonl")
mkdir -p "$DATA/time"

# shellcheck source=../lib.sh
source "$HERE/../lib.sh"

# ---- which tools can run
choose_tools "$HERE/duckdb_mines.py" "$HERE/province-day.yaml" mine_alarms

# ---- measure: best wall of RUNS runs, each from the files (fresh out folder and store), max peak
measure_tools

echo "province day: $(python3 -c "print(f'{$N_LINES:,}')") lines ($(( $(stat -c %s "$DATA/mine_reports.jsonl") / 1000000 )) MB); best of $RUNS run(s) per tool; $(nproc) CPUs"
print_figures "$N_LINES" lines

# ---- agreement: DuckDB is the reference
status=0
if [ -n "${WALL[zonal]:-}" ] && [ -n "${WALL[duckdb]:-}" ]; then
  echo "agreement (tolerance 0):"
  for r in alarm_stats camera_online; do
    python3 "$HERE/compare.py" "$r" "duckdb=${OUTDIR[duckdb]}" "zonal=${OUTDIR[zonal]}" || status=1
  done
  python3 "$HERE/compare.py" mine_alarms "duckdb=${OUTDIR[duckdb]}" "zonal=${OUTDIR[zonal]}" \
    || echo "  (mine_alarms: for diagnosis, not counted)"
fi
exit $status
