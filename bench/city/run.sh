#!/usr/bin/env bash
# Benchmark: one city day (2,000,000 parking events + Appendix B device files
# over the bench district) through infence_rate, zone_occupancy and
# device_health, in Zonal and in four peers (DuckDB + spatial, SedonaDB,
# GeoPandas, the spatialite CLI). Each tool goes from the input files to a persistent
# store holding every event with its assignment, and writes the reports.
#
#   bash bench/city/run.sh          # generates the data on first use (needs pip)
#   RUNS=3 bash bench/city/run.sh   # best wall time of 3 runs per tool
#   TOOLS="duckdb zonal" bash bench/city/run.sh
#
# Prints per tool: wall time, events per second, peak memory (max RSS, GNU
# time), and the ratio to the fastest; then whether the tools agree on
# infence_rate.csv (and on the other reports). Exit 1 when they disagree.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$ROOT/bench/data"
CITY="$DATA/city"
RUNS=${RUNS:-1}
TOOLS=${TOOLS:-"zonal duckdb sedonadb geopandas spatialite"}
cd "$ROOT"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c "import numpy, shapefile, shapely" 2>/dev/null || pip install -q numpy pyshp shapely
python3 -c "import openpyxl, pyproj" 2>/dev/null || pip install -q openpyxl pyproj
if [ ! -f "$CITY/parking_events.csv" ] || [ ! -f "$CITY/bike_counts.csv" ]; then
  python3 "$HERE/make_city_day.py"
fi
N_EVENTS=$(( $(wc -l < "$CITY/parking_events.csv") - 1 ))
mkdir -p "$CITY/time"

# ---- which tools can run
declare -A CMD OUTDIR
run_list=()
for t in $TOOLS; do
  case $t in
    duckdb)
      # The spatial extension pins its DuckDB (1.5.5); it lives in its own
      # folder so the DuckDB 2 that the other benchmarks were checked with stays.
      PYDEPS="$DATA/pydeps-duckdb-spatial"
      if PYTHONPATH="$PYDEPS" python3 -c "import duckdb, duckdb_extension_spatial, sys; sys.exit(not duckdb.__file__.startswith('$PYDEPS'))" 2>/dev/null \
         || pip install -q --target "$PYDEPS" duckdb-extension-spatial; then
        CMD[$t]="env PYTHONPATH=$PYDEPS python3 $HERE/duckdb_nightly.py $DATA"; run_list+=("$t")
      else echo "duckdb: skipped (pip install duckdb duckdb-extension-spatial failed)"; fi ;;
    sedonadb)
      if python3 -c "import sedonadb, pyogrio, pyarrow" 2>/dev/null || pip install -q sedonadb pyogrio pyarrow; then
        CMD[$t]="python3 $HERE/sedonadb_nightly.py $DATA"; run_list+=("$t")
      else echo "sedonadb: skipped (pip install sedonadb pyogrio pyarrow failed)"; fi ;;
    geopandas)
      if python3 -c "import geopandas, pyarrow, pyogrio" 2>/dev/null || pip install -q geopandas pyarrow pyogrio; then
        CMD[$t]="python3 $HERE/geopandas_nightly.py $DATA"; run_list+=("$t")
      else echo "geopandas: skipped (pip install geopandas pyarrow pyogrio failed)"; fi ;;
    spatialite)
      if command -v spatialite >/dev/null; then
        CMD[$t]="bash $HERE/spatialite_nightly.sh $DATA"; run_list+=("$t")
      else echo "spatialite: skipped (apt-get install spatialite-bin)"; fi ;;
    zonal)
      if [ ! -x .build/release/zonal ]; then
        command -v swift >/dev/null && swift build -c release --product zonal >/dev/null 2>&1 || true
      fi
      if [ ! -x .build/release/zonal ]; then
        echo "zonal: skipped (no .build/release/zonal; swift build -c release --product zonal)"
        continue
      fi
      listed=$(.build/release/zonal tasks 2>/dev/null || true)
      if ! grep -qx 'infence_rate' <<<"$listed"; then
        echo "zonal: skipped (zonal tasks does not list infence_rate yet)"
        continue
      fi
      job="$HERE/nightly.yaml"
      missing=""
      for task in zone_occupancy device_health; do grep -qx "$task" <<<"$listed" || missing="$missing $task"; done
      if [ -n "$missing" ]; then
        # a reduced job in bench/data/city/ with the tasks (and inputs) Zonal knows today
        tasks="infence_rate"
        for task in zone_occupancy device_health; do grep -qx "$task" <<<"$listed" && tasks="$tasks, $task"; done
        job="$CITY/nightly-available.yaml"
        {
          echo "version: 1"; echo "job: bench-city-nightly"; echo "out: out-zonal"; echo "inputs:"
          echo "  fences: ../district/fences"; echo "  parking_events: parking_events.csv"
          for k in bt_sniffers bt_sniffer_status bt_studs bt_stud_status bike_counts; do
            grep -q "^  $k:" <<<"$listed" && echo "  $k: $k.csv"
          done
          echo "tasks: [$tasks]"; echo "formats: [csv]"
        } > "$job"
        echo "zonal: tasks not listed yet:$missing — running $job (tasks: $tasks)"
      fi
      CMD[$t]=".build/release/zonal run $job --quiet"; run_list+=("$t") ;;
    *) echo "unknown tool $t" >&2; exit 2 ;;
  esac
  OUTDIR[$t]="$CITY/out-$t"
done

# ---- measure: best wall of RUNS runs (each from a fresh store and out folder), max peak
declare -A WALL=() PEAK=()
for t in "${run_list[@]}"; do
  best="" peak=0
  for _ in $(seq "$RUNS"); do
    rm -rf "${OUTDIR[$t]}"
    [ "$t" = zonal ] && rm -f "$CITY/zonal.sqlite"
    # shellcheck disable=SC2086
    if ! /usr/bin/time -f "%e %M" -o "$CITY/time/$t.txt" ${CMD[$t]} >"$CITY/time/$t.out" 2>"$CITY/time/$t.err"; then
      echo "$t: FAILED (exit status), see $CITY/time/$t.err:"; tail -n 15 "$CITY/time/$t.err"
      continue 2
    fi
    read -r wall kb < <(tail -n 1 "$CITY/time/$t.txt")
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  WALL[$t]=$best; PEAK[$t]=$peak
done

echo "city day: $(printf "%'d" "$N_EVENTS") events; best of $RUNS run(s) per tool; $(nproc) CPUs"
if [ ${#WALL[@]} -gt 0 ]; then
  args=()
  for t in "${run_list[@]}"; do [ -n "${WALL[$t]:-}" ] && args+=("$t" "${WALL[$t]}" "${PEAK[$t]}"); done
  python3 - "$N_EVENTS" "${args[@]}" <<'PY'
import sys
n = int(sys.argv[1])
rows = [(sys.argv[i], float(sys.argv[i + 1]), int(sys.argv[i + 2])) for i in range(2, len(sys.argv), 3)]
fastest = min(w for _, w, _ in rows)
for name, wall, kb in rows:
    eps = round(n / wall, -3) if wall > 0 else 0
    ratio = 'fastest' if wall == fastest else f'x{wall / fastest:.2f} the fastest'
    print(f'{name}: wall {wall:.2f} s, {eps:,.0f} events/s, peak {kb // 1024} MB ({ratio})')
PY
fi

# ---- agreement: infence_rate across all tools; the other reports across the tools that wrote them
status=0
pairs=()
for t in "${run_list[@]}"; do [ -n "${WALL[$t]:-}" ] && pairs+=("$t=${OUTDIR[$t]}"); done
if [ ${#pairs[@]} -ge 2 ]; then
  echo "agreement (tolerance 0):"
  python3 "$HERE/compare.py" infence_rate "${pairs[@]}" || status=1
  for r in infence_by_company noparking_events zone_occupancy device_health; do
    have=()
    for p in "${pairs[@]}"; do [ -f "${p#*=}/$r.csv" ] && have+=("$p"); done
    if [ ${#have[@]} -ge 2 ]; then python3 "$HERE/compare.py" "$r" "${have[@]}" || status=1; fi
  done
fi
exit $status
