#!/usr/bin/env bash
# Benchmark: a marathon of 30,000 athletes timed at the start, four split
# mats and the finish (~1.8 million raw RFID reads in six reader logs), from
# the files to race_results, race_laps and race_splits with a persistent store.
#   bash bench/races/run.sh          # generates the data on first use (needs pip numpy)
#   RUNS=3 bash bench/races/run.sh   # best of 3
# Prints wall time, reads/s and peak memory against the targets (3 s, 300 MB).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$ROOT/bench/data/races"
RUNS=${RUNS:-1}
cd "$ROOT"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c "import numpy" 2>/dev/null || pip install -q numpy
[ -f "$DATA/finish.log" ] || python3 "$HERE/make_marathon.py" "$DATA"
[ -x .build/release/zonal ] || swift build -c release --product zonal >/dev/null
READS=$(cat "$DATA"/*.log | wc -l)
best="" peak=0
for _ in $(seq "$RUNS"); do
  rm -rf "$DATA/out-zonal"
  /usr/bin/time -f "%e %M" -o "$DATA/time.txt" .build/release/zonal run "$HERE/marathon.yaml" --quiet
  read -r wall kb < "$DATA/time.txt"
  if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
  [ "$kb" -gt "$peak" ] && peak=$kb
done
python3 - "$READS" "$best" "$peak" <<'PY'
import sys
reads, wall, kb = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"marathon: {reads:,} reads; wall {wall:.2f} s (target < 3 s), {reads / wall:,.0f} reads/s, peak {kb // 1024} MB (target < 300 MB)")
PY
