#!/usr/bin/env bash
# Benchmark: one Tianjin district year of smart-safe-community data (200 communities,
# ~20,500 addresses, ~3,300 devices, 20 million person and 5 million vehicle access
# records, a few rejects) through Zonal's community_access and through DuckDB doing
# the same work. Each tool goes from the input files to a persistent store and writes
# the six reports (community_footfall, access_methods, suspected_residents,
# suspected_vehicles, device_online, address_audit).
#
#   bash bench/communities/run.sh                  # generates the data on first use (numpy, duckdb)
#   RUNS=3 bash bench/communities/run.sh           # best wall time of 3 runs per tool
#   TOOLS=duckdb bash bench/communities/run.sh
#   ZONAL_BIN=.build/release/zonal bash bench/communities/run.sh   # no build: use this binary
#
# Without ZONAL_BIN, Zonal is built first (swift build -c release --product zonal).
# Prints per tool: wall time, records per second (person + vehicle records / wall),
# peak memory (max RSS, GNU time) and the ratio to the fastest; the target (Zonal
# faster than DuckDB with lower peak memory); then whether the tools agree on the six
# reports (exit 1 when they do not).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$ROOT/bench/data/communities"
JOB="$HERE/district-year.yaml"
RUNS=${RUNS:-1}
TOOLS=${TOOLS:-"zonal duckdb"}
REPORTS="community_footfall access_methods suspected_residents suspected_vehicles device_online address_audit"
cd "$ROOT"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c "import numpy" 2>/dev/null || pip install -q numpy
for f in communities.csv addresses.csv community_devices.csv person_access.csv vehicle_access.csv expected_counts.json; do
  if [ ! -f "$DATA/$f" ]; then
    echo "generating the data into $DATA (2–4 min, ~3 GB of memory, 3.9 GB on disk)"
    python3 "$HERE/make_district_year.py" "$DATA"
    break
  fi
done
N_REC=$(python3 -c "import json,sys; e=json.load(open(sys.argv[1])); print(e['person_rows'] + e['vehicle_rows'])" \
        "$DATA/expected_counts.json")
mkdir -p "$DATA/time"

# shellcheck source=../lib.sh
source "$HERE/../lib.sh"

# ---- which tools can run
choose_tools "$HERE/duckdb_communities.py" "$JOB" community_access

# ---- measure: best wall of RUNS runs, each from the files (fresh out folder and store), max peak
measure_tools

mb=$(( ($(stat -c %s "$DATA/person_access.csv") + $(stat -c %s "$DATA/vehicle_access.csv")) / 1000000 ))
echo "district year: $(python3 -c "print(f'{$N_REC:,}')") access records ($mb MB); best of $RUNS run(s) per tool; $(nproc) CPUs"
print_figures "$N_REC" records

# ---- agreement: DuckDB is the reference
status=0
if [ -n "${WALL[zonal]:-}" ] && [ -n "${WALL[duckdb]:-}" ]; then
  echo "agreement (tolerance 0; vehicle_id not compared):"
  for r in $REPORTS; do
    python3 "$HERE/compare.py" "$r" "duckdb=${OUTDIR[duckdb]}" "zonal=${OUTDIR[zonal]}" || status=1
  done
fi
exit $status
