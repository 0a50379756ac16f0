#!/usr/bin/env bash
# Benchmark: one city day (2,000,000 parking events + Appendix B device files
# over the bench district) through infence_rate, zone_occupancy and
# device_health, in Zonal and in five peers (DuckDB + spatial, SedonaDB,
# GeoPandas, the spatialite CLI, PostgreSQL + PostGIS). Each tool goes from the
# input files to a persistent store holding every event with its assignment,
# and writes the reports. `zonal-postgis` is Zonal with its store on the
# PostgreSQL server of scripts/pg-server.sh (schema bench_zonal).
#
#   bash bench/city/run.sh          # generates the data on first use (needs pip)
#   RUNS=3 bash bench/city/run.sh   # best wall time of 3 runs per tool
#   TOOLS="duckdb zonal" bash bench/city/run.sh
#   TOOLS="postgis zonal-postgis" bash bench/city/run.sh   # starts the server when needed
#
# Prints per tool: wall time, events per second, peak memory (max RSS, GNU
# time; for the tools on the PostgreSQL server also the server's peak, see
# pg_memory.sh), and the ratio to the fastest; then whether the tools agree on
# infence_rate.csv (and on the other reports). Exit 1 when they disagree.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$ROOT/bench/data"
CITY="$DATA/city"
RUNS=${RUNS:-1}
TOOLS=${TOOLS:-"zonal duckdb sedonadb geopandas spatialite postgis"}   # and zonal-postgis, by name
cd "$ROOT"
# shellcheck source=pg_memory.sh
. "$HERE/pg_memory.sh"
# the throwaway server of scripts/pg-server.sh (socket connections need no password)
PG_DIR=${ZONAL_PG_DIR:-/tmp/zonal-pg}
PG_PORT=${ZONAL_PG_PORT:-55432}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U zonal -d zonal)
PG_URL="postgresql://zonal@${PG_DIR//\//%2F}:$PG_PORT/zonal"   # the socket folder, percent-encoded

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c "import numpy, shapefile, shapely" 2>/dev/null || pip install -q numpy pyshp shapely
python3 -c "import openpyxl, pyproj" 2>/dev/null || pip install -q openpyxl pyproj
if [ ! -f "$CITY/parking_events.csv" ] || [ ! -f "$CITY/bike_counts.csv" ]; then
  python3 "$HERE/make_city_day.py"
fi
N_EVENTS=$(( $(wc -l < "$CITY/parking_events.csv") - 1 ))
mkdir -p "$CITY/time"

# pg_server: the PostgreSQL + PostGIS server is up (started when needed); once
pg_ok=""
pg_server() {
  if [ -z "$pg_ok" ]; then
    if bash "$ROOT/scripts/pg-server.sh" start >"$CITY/time/pg-server.out" 2>&1 \
       && "${PSQL[@]}" -tAc "SELECT postgis_lib_version()" >/dev/null 2>&1; then pg_ok=yes
    else pg_ok=no; fi
  fi
  [ "$pg_ok" = yes ]
}

# zonal_job TOOL: the job Zonal runs, into $job (a reduced one while tasks are missing)
zonal_job_state=""
zonal_job() {
  [ -n "$zonal_job_state" ] || zonal_job_find "$1"
  [ "$zonal_job_state" = yes ] || { echo "$1: skipped ($zonal_job_why)"; return 1; }
}
zonal_job_find() {
  local listed missing task tasks k
  zonal_job_state=no
  if [ ! -x .build/release/zonal ]; then
    command -v swift >/dev/null && swift build -c release --product zonal >/dev/null 2>&1 || true
  fi
  if [ ! -x .build/release/zonal ]; then
    zonal_job_why="no .build/release/zonal; swift build -c release --product zonal"; return 0
  fi
  listed=$(.build/release/zonal tasks 2>/dev/null || true)
  if ! grep -qx 'infence_rate' <<<"$listed"; then
    zonal_job_why="zonal tasks does not list infence_rate yet"; return 0
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
    echo "$1: tasks not listed yet:$missing — running $job (tasks: $tasks)"
  fi
  zonal_job_state=yes
}

# ---- which tools can run
declare -A CMD OUTDIR SERVER=()
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
    postgis)
      if ! pg_server; then echo "postgis: skipped (no PostgreSQL + PostGIS server: bash scripts/pg-server.sh start, see $CITY/time/pg-server.out)"; continue; fi
      if python3 -c "import psycopg, pyogrio" 2>/dev/null || pip install -q "psycopg[binary]" pyogrio; then
        CMD[$t]="env POSTGIS_DSN=$PG_URL python3 $HERE/postgis_nightly.py $DATA"; SERVER[$t]=bench_postgis; run_list+=("$t")
      else echo "postgis: skipped (pip install psycopg[binary] pyogrio failed)"; fi ;;
    zonal)
      zonal_job "$t" || continue
      CMD[$t]=".build/release/zonal run $job --quiet"; run_list+=("$t") ;;
    zonal-postgis)
      # Zonal with its store on the server; its own out folder (the job's is out-zonal)
      zonal_job "$t" || continue
      if ! pg_server; then echo "zonal-postgis: skipped (no PostgreSQL + PostGIS server: bash scripts/pg-server.sh start, see $CITY/time/pg-server.out)"; continue; fi
      CMD[$t]=".build/release/zonal run $job --quiet --store $PG_URL?schema=bench_zonal --out $CITY/out-$t"
      SERVER[$t]=bench_zonal; run_list+=("$t") ;;
    *) echo "unknown tool $t" >&2; exit 2 ;;
  esac
  OUTDIR[$t]="$CITY/out-$t"
done

# ---- measure: best wall of RUNS runs (each from a fresh store and out folder), max peak
set -f   # the words of CMD are no file patterns (the store URL has a '?')
declare -A WALL=() PEAK=() SPEAK=()
for t in "${run_list[@]}"; do
  best="" peak=0 speak=0
  for _ in $(seq "$RUNS"); do
    rm -rf "${OUTDIR[$t]}"
    [ "$t" = zonal ] && rm -f "$CITY/zonal.sqlite"
    if [ -n "${SERVER[$t]:-}" ]; then
      # the tool's schema from the last run goes outside the timing, and a checkpoint
      # so that no earlier writes are flushed during the run
      "${PSQL[@]}" -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS ${SERVER[$t]} CASCADE" -c "CHECKPOINT" \
        || echo "$t: could not drop schema ${SERVER[$t]} before the run"
      stray_before=$(ls -d "$ROOT/postgresql:" 2>/dev/null || true)
      pg_memory_start "$PG_DIR/data"
    fi
    # shellcheck disable=SC2086
    if ! /usr/bin/time -f "%e %M" -o "$CITY/time/$t.txt" ${CMD[$t]} >"$CITY/time/$t.out" 2>"$CITY/time/$t.err"; then
      [ -n "${SERVER[$t]:-}" ] && pg_memory_stop >/dev/null
      echo "$t: FAILED (exit status), see $CITY/time/$t.err:"; tail -n 15 "$CITY/time/$t.err"
      continue 2
    fi
    if [ -n "${SERVER[$t]:-}" ]; then
      skb=$(pg_memory_stop)
      [ "$skb" -gt "$speak" ] && speak=$skb
      # a zonal binary without server stores takes the URL for a relative SQLite path
      # (./postgresql:/...) and succeeds: no figures for it
      tables=$("${PSQL[@]}" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = '${SERVER[$t]}'" || true)
      if [ "${tables:-0}" = 0 ]; then
        [ "$t" = zonal-postgis ] && [ -z "$stray_before" ] && rm -rf -- "$ROOT/postgresql:"
        echo "$t: FAILED: no tables in schema ${SERVER[$t]} on the server after the run (does this zonal binary know postgresql:// stores?)"
        continue 2
      fi
    fi
    read -r wall kb < <(tail -n 1 "$CITY/time/$t.txt")
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  WALL[$t]=$best; PEAK[$t]=$peak; SPEAK[$t]=$speak
done

echo "city day: $(printf "%'d" "$N_EVENTS") events; best of $RUNS run(s) per tool; $(nproc) CPUs"
if [ ${#WALL[@]} -gt 0 ]; then
  args=()
  for t in "${run_list[@]}"; do [ -n "${WALL[$t]:-}" ] && args+=("$t" "${WALL[$t]}" "${PEAK[$t]}" "${SERVER[$t]:+${SPEAK[$t]}}"); done
  python3 - "$N_EVENTS" "${args[@]}" <<'PY'
import sys
n = int(sys.argv[1])
rows = [(sys.argv[i], float(sys.argv[i + 1]), int(sys.argv[i + 2]), sys.argv[i + 3]) for i in range(2, len(sys.argv), 4)]
fastest = min(r[1] for r in rows)
for name, wall, kb, server_kb in rows:
    eps = round(n / wall, -3) if wall > 0 else 0
    ratio = 'fastest' if wall == fastest else f'x{wall / fastest:.2f} the fastest'
    # tools with a PostgreSQL store: the client process and the server (PSS, pg_memory.sh)
    mem = f'client peak {kb // 1024} MB, server peak {int(server_kb) // 1024} MB' if server_kb else f'peak {kb // 1024} MB'
    print(f'{name}: wall {wall:.2f} s, {eps:,.0f} events/s, {mem} ({ratio})')
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
