#!/usr/bin/env bash
# Runs Zonal's libFuzzer targets, each for SECONDS (default 600), two at a
# time, with seed corpora made from Datasets/, and keeps what they find as
# regression inputs under Tests/ZonalFuzzingTests/Fixtures/<target>/, which
# the test suite (FuzzReplayTests) replays on every CI run.
#   bash fuzz/run.sh                 # every target, 10 minutes each
#   bash fuzz/run.sh 60 csv jsonl    # two targets, 1 minute each
# Prints per target: executions, coverage, and what was found.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd .. && pwd)
SECONDS_EACH=${1:-600}; shift || true
TARGETS=${*:-"csv xlsx geojson jsonl readerlog shapefile job"}
WORK=${FUZZ_WORK:-/tmp/zonal-fuzz}
bash "$ROOT/scripts/setup.sh"
# (one --product per build: SwiftPM honours only the last one given)
for t in $TARGETS; do swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product "Fuzz$t" >/dev/null; done
BIN=$(swift build -c release --show-bin-path)

seed() { # target corpus-dir
  local t=$1 c=$2
  local d="$ROOT/Datasets/beijing"
  mkdir -p "$c"
  case $t in
    csv) cp "$d"/bt_*.csv "$d"/bike_counts.csv "$c"/; head -200 <(gzip -dc "$d/parking_events.csv.gz") > "$c/events.csv" ;;
    xlsx) cp "$d"/fences/*.xlsx "$c"/ ;;
    geojson) head -c 200000 "$d/districts.geojson" > "$c/cut.geojson"; printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":"110101"},"geometry":{"type":"Polygon","coordinates":[[[116.4,39.9],[116.5,39.9],[116.5,40.0],[116.4,39.9]]]}}]}' > "$c/small.geojson" ;;
    jsonl) printf '{"mineId":"140121000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:05:00"}\n{"mineId":"140121000001","cameraId":"10","aiTypeCode":"01","inWellNumber":3,"time":"2026-05-01 08:00:00"}\n' > "$c/bodies.jsonl" ;;
    readerlog) printf '2026-05-01 09:03:12.345 00102:00012\n\r2026-05-01 09:04:40.001 00102:00013\n\r' > "$c/finish.log" ;;
    shapefile) for l in MANAGEMENT NOPARKING; do
        python3 - "$d/fences/$l" "$c/$l.bin" <<'PY'
import struct, sys
b = sys.argv[1]
shp, shx, dbf = (open(b + e, 'rb').read() for e in ('.shp', '.shx', '.dbf'))
open(sys.argv[2], 'wb').write(struct.pack('<II', len(shp), len(shx)) + shp + shx + dbf)
PY
      done ;;
    job) cp "$ROOT"/Jobs/*.yaml "$c"/ ;;
  esac
}

run_one() {
  local t=$1
  local c="$WORK/corpus-$t" a="$WORK/artifacts-$t/"
  mkdir -p "$a"; [ -d "$c" ] || seed "$t" "$c"
  LSAN_OPTIONS="suppressions=$ROOT/fuzz/lsan.supp" "$BIN/Fuzz$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -artifact_prefix="$a" -print_final_stats=1 "$c" > "$WORK/log-$t.txt" 2>&1 || true
  local execs cov found
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$WORK/log-$t.txt" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]*' "$WORK/log-$t.txt" | tail -1 | grep -o '[0-9]*' || echo "?")
  found=$(find "$a" -type f | wc -l)
  mkdir -p "$ROOT/Tests/ZonalFuzzingTests/Fixtures/$t"
  find "$a" -type f -exec cp {} "$ROOT/Tests/ZonalFuzzingTests/Fixtures/$t/" \;
  echo "$t: $execs executions in ${SECONDS_EACH} s, coverage $cov edges, $found crash/hang/leak inputs kept (log $WORK/log-$t.txt)"
}

mkdir -p "$WORK"
set -- $TARGETS
while [ $# -gt 0 ]; do
  run_one "$1" & p1=$!
  if [ $# -gt 1 ]; then run_one "$2" & p2=$!; wait $p2; shift; fi
  wait $p1; shift
done
