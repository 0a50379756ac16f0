#!/usr/bin/env bash
# Benchmark: fence_audit + parking_capacity on one large district (20,000
# PARKING, 400 MANAGEMENT, 1,000 NOPARKING), beside the same core work in the
# spatialite CLI. Prints wall time and peak memory of each, and checks that
# both find the same invalid polygons and overlaps.
#
#   bash bench/run.sh            # generates the data on first use (needs pip)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [ ! -f "$HERE/data/district/fences/PARKING.shp" ]; then
  python3 -c "import shapefile, openpyxl, pyproj, shapely" 2>/dev/null || pip install -q pyshp openpyxl pyproj shapely
  python3 "$HERE/make_district.py"
fi
swift build -c release --product zonal >/dev/null
rm -rf "$HERE/data/out-zonal"
/usr/bin/time -f "%e %M" -o "$HERE/data/zonal.time" \
  .build/release/zonal run "$HERE/district-audit.yaml" --quiet
read -r wall kb < "$HERE/data/zonal.time"
printf 'zonal: wall %.2f s, peak %d MB\n' "$wall" "$((kb / 1024))"
python3 - "$HERE/data/out-zonal" <<'PY'
import csv, json, sys, collections
out = sys.argv[1]
s = json.load(open(f"{out}/summary.json"))
print("zonal steps: " + ", ".join(f"{st['step']} {st['seconds']:.2f} s" for st in s["steps"]))
rules = collections.Counter(r["rule"] for r in csv.DictReader(open(f"{out}/fence_audit.csv", encoding="utf-8-sig")))
cap = list(csv.DictReader(open(f"{out}/parking_capacity.csv", encoding="utf-8-sig")))
print(f"zonal: F004 {rules['F004']}, F015 {rules['F015']}, F009 {rules['F009']}, "
      f"parking in a zone {sum(1 for r in cap if r['management_code'])}, "
      f"total area {sum(float(r['area_m2']) for r in cap):.2f} m2, total capacity {sum(int(r['capacity']) for r in cap)}")
PY
bash "$HERE/spatialite_audit.sh" | grep -E '^spatialite: '
