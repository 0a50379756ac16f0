#!/usr/bin/env bash
# Baseline: the core of Zonal's fence_audit + parking_capacity done in the
# `spatialite` CLI, in SQL, on the same Shapefiles.
#
#   python3 bench/make_district.py          # once: writes bench/data/district/
#   bash bench/spatialite_audit.sh [FENCE_DIR]
#
# FENCE_DIR defaults to bench/data/district/fences. Work files go to
# bench/data/spatialite/ (audit.sqlite, findings.csv, parking_capacity.csv,
# spatialite.log). Prints counts, then one line
#   spatialite: wall 12.34 s, peak 123 MB
# for the whole spatialite process (load + index + audit + export).
#
# What it does (same work as Zonal, minus the xlsx attribute checks, which the
# spatialite CLI cannot read):
#   .loadshp of MANAGEMENT / PARKING / NOPARKING, charset CP936, SRID 4490
#   CreateSpatialIndex on all three (R*Tree)
#   F004  ST_IsValid / ST_IsValidReason on every feature
#   F015  overlapping pairs within PARKING (R*Tree candidates, interiors intersect)
#   F009  NOPARKING x PARKING overlaps (same)
#   F010/parking_capacity: the MANAGEMENT zone covering each PARKING area,
#         geodesic area ST_Area(geom, 1) on the CGCS2000 ellipsoid, capacity
#         = floor(round(area*100)/114)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FENCES="${1:-$HERE/data/district/fences}"
FENCES="$(cd "$FENCES" && pwd)"
WORK="$HERE/data/spatialite"
mkdir -p "$WORK"
DB="$WORK/audit.sqlite"
rm -f "$DB" "$WORK/findings.csv" "$WORK/parking_capacity.csv" "$WORK/summary.txt"

command -v spatialite >/dev/null || { echo "spatialite CLI not found (apt-get install spatialite-bin)" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (/usr/bin/time) ..." >&2
    apt-get install -y time >/dev/null 2>&1 || true
fi

# Shapefile base names in any case (MANAGEMENT.shp or management.shp)
find_base() {
    local f
    f="$(find "$FENCES" -maxdepth 1 -iname "$1.shp" | head -n 1)"
    [ -n "$f" ] || { echo "no $1.shp in $FENCES" >&2; exit 1; }
    echo "${f%.*}"
}
M="$(find_base MANAGEMENT)"; P="$(find_base PARKING)"; N="$(find_base NOPARKING)"

SQL="$WORK/audit.sql"
cat > "$SQL" <<EOF
.loadshp '$M' management CP936 4490 geom pk_uid AUTO 2d
.loadshp '$P' parking CP936 4490 geom pk_uid AUTO 2d
.loadshp '$N' noparking CP936 4490 geom pk_uid AUTO 2d
SELECT CreateSpatialIndex('management', 'geom');
SELECT CreateSpatialIndex('parking', 'geom');
SELECT CreateSpatialIndex('noparking', 'geom');

-- F004: validity of every feature
ALTER TABLE management ADD COLUMN valid INTEGER;
ALTER TABLE parking ADD COLUMN valid INTEGER;
ALTER TABLE noparking ADD COLUMN valid INTEGER;
UPDATE management SET valid = ST_IsValid(geom);
UPDATE parking SET valid = ST_IsValid(geom);
UPDATE noparking SET valid = ST_IsValid(geom);

CREATE TABLE findings (layer TEXT, code TEXT, rule TEXT, message TEXT);
INSERT INTO findings
  SELECT 'MANAGEMENT', code, 'F004', ST_IsValidReason(geom) FROM management WHERE valid = 0
  UNION ALL SELECT 'PARKING', code, 'F004', ST_IsValidReason(geom) FROM parking WHERE valid = 0
  UNION ALL SELECT 'NOPARKING', code, 'F004', ST_IsValidReason(geom) FROM noparking WHERE valid = 0;

-- The R*Tree is joined directly (idx_<table>_geom, CROSS JOIN fixes the loop
-- order); the SpatialIndex virtual table inside a join's IN (...) makes SQLite's
-- planner loop over all pairs (minutes instead of seconds on 20,000 features).

-- F015: PARKING x PARKING, candidates from the R*Tree, interiors intersect
INSERT INTO findings
  SELECT 'PARKING', a.code, 'F015', 'overlaps PARKING ' || b.code
  FROM parking AS a
  CROSS JOIN idx_parking_geom AS r
  CROSS JOIN parking AS b
  WHERE r.xmin <= MbrMaxX(a.geom) AND r.xmax >= MbrMinX(a.geom)
    AND r.ymin <= MbrMaxY(a.geom) AND r.ymax >= MbrMinY(a.geom)
    AND b.pk_uid = r.pkid
    AND a.pk_uid < b.pk_uid AND a.valid = 1 AND b.valid = 1
    AND ST_Relate(a.geom, b.geom, 'T********') = 1;

-- F009: NOPARKING x PARKING
INSERT INTO findings
  SELECT 'NOPARKING', n.code, 'F009', 'overlaps PARKING ' || p.code
  FROM noparking AS n
  CROSS JOIN idx_parking_geom AS r
  CROSS JOIN parking AS p
  WHERE r.xmin <= MbrMaxX(n.geom) AND r.xmax >= MbrMinX(n.geom)
    AND r.ymin <= MbrMaxY(n.geom) AND r.ymax >= MbrMinY(n.geom)
    AND p.pk_uid = r.pkid
    AND n.valid = 1 AND p.valid = 1
    AND ST_Relate(n.geom, p.geom, 'T********') = 1;

-- parking_capacity: covering zone, geodesic area (ellipsoid of SRID 4490), capacity
CREATE TABLE parking_capacity AS
  SELECT p.code AS code, p.name AS name,
         (SELECT m.code FROM management AS m
           WHERE m.pk_uid IN (SELECT pkid FROM idx_management_geom
                              WHERE xmin <= MbrMinX(p.geom) AND xmax >= MbrMaxX(p.geom)
                                AND ymin <= MbrMinY(p.geom) AND ymax >= MbrMaxY(p.geom))
             AND m.valid = 1 AND ST_Covers(m.geom, p.geom) = 1
           ORDER BY m.code LIMIT 1) AS management_code,
         round(ST_Area(p.geom, 1), 2) AS area_m2,
         CAST(round(ST_Area(p.geom, 1) * 100) AS INTEGER) / 114 AS capacity
  FROM parking AS p WHERE p.valid = 1;

-- geodesic areas of the zones too (MANAGEMENT in km², NOPARKING in m²)
CREATE TABLE zone_areas AS
  SELECT 'MANAGEMENT' AS layer, code, round(ST_Area(geom, 1) / 1e6, 4) AS area FROM management WHERE valid = 1
  UNION ALL SELECT 'NOPARKING', code, round(ST_Area(geom, 1), 2) FROM noparking WHERE valid = 1;

.headers on
.mode csv
.output '$WORK/findings.csv'
SELECT * FROM findings ORDER BY layer, code, rule, message;
.output '$WORK/parking_capacity.csv'
SELECT * FROM parking_capacity ORDER BY code;
.headers off
.mode list
.output '$WORK/summary.txt'
SELECT 'spatialite: features MANAGEMENT ' || (SELECT count(*) FROM management)
    || ', PARKING ' || (SELECT count(*) FROM parking)
    || ', NOPARKING ' || (SELECT count(*) FROM noparking);
SELECT 'spatialite: F004 ' || (SELECT count(*) FROM findings WHERE rule = 'F004')
    || ', F015 ' || (SELECT count(*) FROM findings WHERE rule = 'F015')
    || ', F009 ' || (SELECT count(*) FROM findings WHERE rule = 'F009')
    || ', parking in a zone ' || (SELECT count(*) FROM parking_capacity WHERE management_code IS NOT NULL)
    || ', total area ' || printf('%.2f', (SELECT sum(area_m2) FROM parking_capacity)) || ' m2'
    || ', total capacity ' || (SELECT sum(capacity) FROM parking_capacity);
.output stdout
EOF

TIMES="$WORK/time.txt"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$TIMES" spatialite -bail "$DB" < "$SQL" > "$WORK/spatialite.log" 2>&1 \
        || { echo "spatialite failed, see $WORK/spatialite.log" >&2; tail -n 20 "$WORK/spatialite.log" >&2; exit 1; }
    cat "$WORK/summary.txt"
    awk -F': ' '
        /Elapsed \(wall clock\) time/ {
            n = split($NF, t, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + t[i]
            wall = s
        }
        /Maximum resident set size/ { peak = $NF / 1024 }
        END { printf "spatialite: wall %.2f s, peak %d MB\n", wall, peak }
    ' "$TIMES"
else
    start=$(date +%s.%N)
    spatialite -bail "$DB" < "$SQL" > "$WORK/spatialite.log" 2>&1 \
        || { echo "spatialite failed, see $WORK/spatialite.log" >&2; exit 1; }
    end=$(date +%s.%N)
    cat "$WORK/summary.txt"
    awk -v a="$start" -v b="$end" 'BEGIN { printf "spatialite: wall %.2f s, peak ? MB\n", b - a }'
fi
