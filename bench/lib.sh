# Shared by the bench/*/run.sh scripts that race Zonal against DuckDB
# (mines, venues, communities). Source it, set DATA, RUNS and TOOLS, then
# choose_tools, measure_tools and print_figures.

# duckdb2: DuckDB 2 importable by python3, installed with pip when missing or
# older. The peers were checked with DuckDB 2; bench/city keeps the 1.5.5 its
# spatial extension pins in a folder of its own.
duckdb2() {
  python3 -c "import duckdb, sys; sys.exit(int(duckdb.__version__.split('.')[0]) < 2)" 2>/dev/null || pip install -q "duckdb>=2"
}

# choose_tools DUCKDB_SCRIPT JOB TASK: which of $TOOLS can run, into CMD, OUTDIR
# and run_list. DuckDB runs `python3 DUCKDB_SCRIPT $DATA JOB`; Zonal runs
# `zonal run JOB` with ZONAL_BIN, or a release build made first (incremental),
# once `zonal tasks` lists TASK.
choose_tools() {
  local script=$1 job=$2 task=$3 t bin listed
  declare -gA CMD OUTDIR
  run_list=()
  for t in $TOOLS; do
    case $t in
      duckdb)
        if duckdb2; then CMD[$t]="python3 $script $DATA $job"; run_list+=("$t")
        else echo "duckdb: skipped (pip install duckdb>=2 failed)"; fi ;;
      zonal)
        bin=${ZONAL_BIN:-}
        if [ -z "$bin" ]; then
          echo "zonal: building (swift build -c release --product zonal)"
          if ! swift build -c release --product zonal >"$DATA/time/zonal-build.log" 2>&1; then
            echo "zonal: skipped (build failed, see $DATA/time/zonal-build.log)"; tail -n 15 "$DATA/time/zonal-build.log"
            continue
          fi
          bin=.build/release/zonal
        fi
        if [ ! -x "$bin" ]; then echo "zonal: skipped (no executable $bin)"; continue; fi
        listed=$("$bin" tasks 2>/dev/null || true)   # captured first: grep -q would cut the pipe under pipefail
        if ! grep -qx "$task" <<<"$listed"; then echo "zonal: skipped ($bin tasks does not list $task)"; continue; fi
        CMD[$t]="$bin run $job --quiet"; run_list+=("$t") ;;
      *) echo "unknown tool $t" >&2; exit 2 ;;
    esac
    OUTDIR[$t]="$DATA/out-$t"
  done
}

# measure_tools: the best wall time of RUNS runs per tool, each from the files
# (fresh out folder and store), and the largest peak memory; into WALL and PEAK.
measure_tools() {
  declare -gA WALL PEAK
  local t best peak wall kb
  for t in "${run_list[@]}"; do
    best="" peak=0
    for _ in $(seq "$RUNS"); do
      rm -rf "${OUTDIR[$t]}"                       # Zonal's store is <out>/zonal.sqlite
      [ "$t" = duckdb ] && rm -f "$DATA/duckdb.db" "$DATA/duckdb.db.wal"
      # shellcheck disable=SC2086
      if ! /usr/bin/time -f "%e %M" -o "$DATA/time/$t.txt" ${CMD[$t]} >"$DATA/time/$t.out" 2>"$DATA/time/$t.err"; then
        echo "$t: FAILED (exit status), see $DATA/time/$t.err:"; tail -n 15 "$DATA/time/$t.err"
        continue 2
      fi
      read -r wall kb < <(tail -n 1 "$DATA/time/$t.txt")
      if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
      [ "$kb" -gt "$peak" ] && peak=$kb
    done
    WALL[$t]=$best; PEAK[$t]=$peak
  done
}

# print_figures N UNIT: per tool wall, N/wall UNIT per second, peak memory and the
# ratio to the fastest, then the target line (Zonal faster with lower peak memory).
print_figures() {
  local n=$1 unit=$2 t args=()
  grep -h '^duckdb:' "$DATA/time/duckdb.err" 2>/dev/null | sed 's/^/  /' || true
  [ ${#WALL[@]} -gt 0 ] || return 0
  for t in "${run_list[@]}"; do [ -n "${WALL[$t]:-}" ] && args+=("$t" "${WALL[$t]}" "${PEAK[$t]}"); done
  python3 - "$n" "$unit" "${args[@]}" <<'PY'
import sys
n, unit = int(sys.argv[1]), sys.argv[2]
rows = [(sys.argv[i], float(sys.argv[i + 1]), int(sys.argv[i + 2])) for i in range(3, len(sys.argv), 3)]
fastest = min(w for _, w, _ in rows)
for name, wall, kb in rows:
    per_s = round(n / wall, -3) if wall > 0 else 0
    ratio = 'fastest' if wall == fastest else f'x{wall / fastest:.2f} the fastest'
    print(f'{name}: wall {wall:.2f} s, {per_s:,.0f} {unit}/s, peak {kb // 1024} MB ({ratio})')
t = {name: (wall, kb) for name, wall, kb in rows}
if 'zonal' in t and 'duckdb' in t:
    faster, leaner = t['zonal'][0] < t['duckdb'][0], t['zonal'][1] < t['duckdb'][1]
    print(f"target: Zonal faster than DuckDB with lower peak memory: {'met' if faster and leaner else 'NOT met'} "
          f"(wall x{t['zonal'][0] / t['duckdb'][0]:.2f}, peak x{t['zonal'][1] / t['duckdb'][1]:.2f} of DuckDB's)")
PY
}
