#!/usr/bin/env bash
# Benchmark: fence_audit + parking_capacity on one large district (20,000
# PARKING, 400 MANAGEMENT, 1,000 NOPARKING), beside the same core work in the
# spatialite CLI (validity, overlaps, geodesic areas, zone of each parking area).
# Each tool runs RUNS times (default 3) from the input files to a fresh store;
# the best and the median wall time are printed with peak memory.
#
#   bash bench/run.sh            # generates the data on first use (needs pip)
#
# Two Zonal figures: with the Appendix A .xlsx tables (all 17 rules), and on
# the Shapefiles alone — exactly the files the spatialite script reads.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RUNS=${RUNS:-3}
cd "$ROOT"
bash scripts/setup.sh
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [ ! -f "$HERE/data/district/fences/PARKING.shp" ]; then
  python3 -c "import shapefile, openpyxl, pyproj, shapely" 2>/dev/null || pip install -q pyshp openpyxl pyproj shapely
  python3 "$HERE/make_district.py"
fi
# Shapefiles only (no attribute tables), as links to the same files.
mkdir -p "$HERE/data/district/fences-shp-only"
for f in "$HERE"/data/district/fences/*.{shp,shx,dbf,prj,cpg}; do ln -sf "$f" "$HERE/data/district/fences-shp-only/"; done
sed -e 's#data/district/fences#data/district/fences-shp-only#' -e 's#out-zonal#out-zonal-shp#' -e 's#bench-district-audit#bench-district-shp#' \
  "$HERE/district-audit.yaml" > "$HERE/data/district-audit-shp.yaml"
sed -i 's#data/district/#district/#; s#out: data/#out: #' "$HERE/data/district-audit-shp.yaml"
swift build -c release --product zonal >/dev/null

# measure LABEL OUTDIR COMMAND… : RUNS runs, each from a fresh output folder.
measure() {
  local label=$1 out=$2; shift 2
  local walls=() peak=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$out"
    /usr/bin/time -f "%e %M" -o "$HERE/data/time.txt" "$@" >/dev/null 2>"$HERE/data/stderr.txt" || { cat "$HERE/data/stderr.txt"; exit 1; }
    read -r wall kb < "$HERE/data/time.txt"
    walls+=("$wall"); [ "$kb" -gt "$peak" ] && peak=$kb
  done
  python3 - "$label" "$peak" "${walls[@]}" <<'PY'
import statistics, sys
label, peak, walls = sys.argv[1], int(sys.argv[2]), sorted(map(float, sys.argv[3:]))
print(f"{label}: wall best {walls[0]:.2f} s, median {statistics.median(walls):.2f} s, peak {peak // 1024} MB")
PY
}

measure "zonal (shp + xlsx, 17 rules)" "$HERE/data/out-zonal" .build/release/zonal run "$HERE/district-audit.yaml" --quiet
python3 - "$HERE/data/out-zonal" <<'PY'
import csv, json, sys, collections
out = sys.argv[1]
s = json.load(open(f"{out}/summary.json"))
print("  steps: " + ", ".join(f"{st['step']} {st['seconds']:.2f} s" for st in s["steps"]))
rules = collections.Counter(r["rule"] for r in csv.DictReader(open(f"{out}/fence_audit.csv", encoding="utf-8-sig")))
cap = list(csv.DictReader(open(f"{out}/parking_capacity.csv", encoding="utf-8-sig")))
print(f"  F004 {rules['F004']}, F015 {rules['F015']}, F009 {rules['F009']}, "
      f"parking in a zone {sum(1 for r in cap if r['management_code'])}, "
      f"total capacity {sum(int(r['capacity']) for r in cap)}")
PY
measure "zonal (shp only)" "$HERE/data/out-zonal-shp" .build/release/zonal run "$HERE/data/district-audit-shp.yaml" --quiet
measure "spatialite CLI (shp only, SQL)" "$HERE/data/spatialite" bash "$HERE/spatialite_audit.sh"
bash "$HERE/spatialite_audit.sh" | grep -E '^spatialite: F004'
