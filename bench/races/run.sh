#!/usr/bin/env bash
# Benchmark: a marathon of 30,000 athletes timed at the start, four split
# mats and the finish (~1.8 million raw RFID reads in six reader logs), from
# the files to race_results, race_laps and race_splits with a persistent store.
#   bash bench/races/run.sh          # generates the data on first use (needs pip numpy)
#   RUNS=3 bash bench/races/run.sh   # best of 3
# Prints wall time, reads/s and peak memory against the targets (3 s, 300 MB),
# and whether race_results and race_laps match the independent checker's.
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
# The independent checker's results (pure Python, ~10 s; made once).
[ -f "$DATA/out-reference/race_results.csv" ] || python3 "$ROOT/Datasets/races/check_race_day.py" --job "$HERE/marathon.yaml" --out "$DATA/out-reference" >/dev/null
python3 - "$READS" "$best" "$peak" "$DATA" <<'PY'
import csv, sys
reads, wall, kb, data = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
print(f"marathon: {reads:,} reads; wall {wall:.2f} s (target < 3 s), {reads / wall:,.0f} reads/s, peak {kb // 1024} MB (target < 300 MB)")
for report in ("race_results", "race_laps"):
    ref = list(csv.reader(open(f"{data}/out-reference/{report}.csv", encoding="utf-8-sig")))
    got = [row[:len(ref[0])] for row in csv.reader(open(f"{data}/out-zonal/{report}.csv", encoding="utf-8-sig"))]
    diff = next((i for i, (g, r) in enumerate(zip(got, ref)) if g != r), None)
    if diff is None and len(got) == len(ref):
        print(f"{report}: {len(ref) - 1:,} rows, the same as the independent checker's")
    else:
        at = diff if diff is not None else min(len(got), len(ref))
        print(f"{report}: DIFFERS from the checker at row {at + 1}: zonal {got[at] if at < len(got) else None}, checker {ref[at] if at < len(ref) else None}")
        sys.exit(1)
PY
