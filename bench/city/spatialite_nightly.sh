#!/usr/bin/env bash
# Peer: the city nightly (infence_rate, zone_occupancy, device_health) in the
# `spatialite` CLI (spatialite-bin), in SQL.
#
#   bash bench/city/spatialite_nightly.sh [DATA_DIR]      # default bench/data
#
# Reads DATA_DIR/district/fences/*.shp (.loadshp, CP936, SRID 4490) and
# DATA_DIR/city/*.csv (.import), builds DATA_DIR/city/spatialite.db from scratch
# (fence tables with R*Tree indexes, raw inputs, `events` with the assignment
# management_code / parking_code / noparking_code, and the report tables) and
# exports every report as CSV to DATA_DIR/city/out-spatialite/.
#
# Point-in-polygon: the R*Tree table idx_<layer>_geom is joined directly
# (CROSS JOIN fixes the loop order: R*Tree first, then the feature by pk_uid),
# exact test ST_Covers(polygon, MakePoint(lon, lat, 4490)) = 1 (boundary counts),
# smallest code when several polygons cover a point. The SpatialIndex virtual
# table is not used: inside a join SQLite's planner loops over all pairs.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA="$(cd "${1:-$HERE/../data}" && pwd)"
FENCES="$DATA/district/fences"
CITY="$DATA/city"
OUT="$CITY/out-spatialite"
DB="$CITY/spatialite.db"
mkdir -p "$OUT"
rm -f "$DB" "$DB-journal"
command -v spatialite >/dev/null || { echo "spatialite CLI not found (apt-get install spatialite-bin)" >&2; exit 1; }

SQL="$CITY/spatialite_nightly.sql"
# covering code of a point (e.lon, e.lat) in LAYER, via its R*Tree
cover() {
  cat <<EOF
(SELECT min(f.code) FROM idx_$1_geom AS r CROSS JOIN $1 AS f
   WHERE r.xmin <= e.lon AND r.xmax >= e.lon AND r.ymin <= e.lat AND r.ymax >= e.lat
     AND f.pk_uid = r.pkid AND ST_Covers(f.geom, MakePoint(e.lon, e.lat, 4490)) = 1)
EOF
}
# num/den rounded half up to 4 decimals with integers, as text
ratio4() { echo "printf('%d.%04d', (2 * ($1) * 10000 + ($2)) / (2 * ($2)) / 10000, (2 * ($1) * 10000 + ($2)) / (2 * ($2)) % 10000)"; }
# decimal text -> the correctly rounded double. SQLite 3.40's own text-to-REAL
# conversion (.import into a REAL column, CAST, even SQL literals) is sometimes
# 1 ulp off (39.89598338 -> 39.89598337999999: 883 of the 4,000,000 event
# coordinates), which moves points that lie exactly on a vertex. Integer
# mantissa / power of ten is one IEEE division, so it rounds correctly
# (mantissas below 2^53, as here: up to 8 decimals).
num() { echo "(CASE WHEN instr($1, '.') > 0 THEN CAST(replace($1, '.', '') AS INTEGER) * 1.0 / CAST('1' || substr('0000000000000000', 1, length($1) - instr($1, '.')) AS INTEGER) ELSE CAST($1 AS REAL) END)"; }
# yyyyMMddHHmmss -> yyyy-MM-dd HH:mm:ss
ts() { echo "(substr($1,1,4)||'-'||substr($1,5,2)||'-'||substr($1,7,2)||' '||substr($1,9,2)||':'||substr($1,11,2)||':'||substr($1,13,2))"; }

cat > "$SQL" <<EOF
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
.loadshp '$FENCES/MANAGEMENT' management CP936 4490 geom pk_uid AUTO 2d
.loadshp '$FENCES/PARKING' parking CP936 4490 geom pk_uid AUTO 2d
.loadshp '$FENCES/NOPARKING' noparking CP936 4490 geom pk_uid AUTO 2d
SELECT CreateSpatialIndex('management', 'geom');
SELECT CreateSpatialIndex('parking', 'geom');
SELECT CreateSpatialIndex('noparking', 'geom');
CREATE INDEX parking_code ON parking (code);

-- raw inputs (.import of this shell also loads the header line: deleted after)
CREATE TABLE raw_events (event_id TEXT, bike_id TEXT, company TEXT, lon TEXT, lat TEXT, time TEXT);
CREATE TABLE bt_sniffers (Cod TEXT PRIMARY KEY, Lon TEXT, Lat TEXT, Zone TEXT);
CREATE TABLE bt_sniffer_status (Cod_XT TEXT, Condition TEXT, Electricity TEXT, Time TEXT);
CREATE TABLE bt_studs (Cod_DD TEXT, Cod_XT TEXT, Cod_TFQ TEXT);
CREATE TABLE bt_stud_status (Cod TEXT, Condition TEXT, Electricity TEXT, Time TEXT);
CREATE TABLE bike_counts (Cod_XT TEXT, Time TEXT, Bikenumber INTEGER);
.separator ","
.import '$CITY/parking_events.csv' raw_events
.import '$CITY/bt_sniffers.csv' bt_sniffers
.import '$CITY/bt_sniffer_status.csv' bt_sniffer_status
.import '$CITY/bt_studs.csv' bt_studs
.import '$CITY/bt_stud_status.csv' bt_stud_status
.import '$CITY/bike_counts.csv' bike_counts
DELETE FROM raw_events WHERE event_id = 'event_id';
DELETE FROM bt_sniffers WHERE Cod = 'Cod';
DELETE FROM bt_sniffer_status WHERE Cod_XT = 'Cod_XT';
DELETE FROM bt_studs WHERE Cod_DD = 'Cod_DD';
DELETE FROM bt_stud_status WHERE Cod = 'Cod';
DELETE FROM bike_counts WHERE Cod_XT = 'Cod_XT';

-- coordinates converted once, exactly (see num() above)
CREATE TABLE events_in AS
  SELECT event_id, bike_id, company, $(num lon) AS lon, $(num lat) AS lat, time FROM raw_events;
DROP TABLE raw_events;

-- every event with its assignment (the persistent store)
CREATE TABLE events AS
  SELECT e.event_id AS event_id, e.bike_id AS bike_id, e.company AS company, e.lon AS lon, e.lat AS lat,
         e.time AS time,
         $(cover management) AS management_code,
         $(cover parking) AS parking_code,
         $(cover noparking) AS noparking_code
  FROM events_in AS e;
DROP TABLE events_in;
CREATE INDEX events_id ON events (event_id);

-- infence_rate, infence_by_company, noparking_events
CREATE TABLE infence_rate AS
  WITH g AS (SELECT management_code, count(*) AS z, count(parking_code) AS p
             FROM events WHERE management_code IS NOT NULL GROUP BY management_code),
       a AS (SELECT '*' AS management_code, sum(z) AS z, sum(p) AS p FROM g UNION ALL SELECT * FROM g)
  SELECT management_code, z AS events_in_zone, p AS events_in_parking, $(ratio4 p z) AS infence_rate
  FROM a ORDER BY management_code <> '*', management_code;
CREATE TABLE infence_by_company AS
  WITH g AS (SELECT management_code, company, count(*) AS z, count(parking_code) AS p
             FROM events WHERE management_code IS NOT NULL GROUP BY management_code, company),
       a AS (SELECT '*' AS management_code, company, sum(z) AS z, sum(p) AS p FROM g GROUP BY company
             UNION ALL SELECT * FROM g)
  SELECT management_code, company, z AS events_in_zone, p AS events_in_parking, $(ratio4 p z) AS infence_rate
  FROM a ORDER BY management_code <> '*', management_code, company;
CREATE TABLE noparking_events AS
  SELECT noparking_code, company, count(*) AS events FROM events
  WHERE noparking_code IS NOT NULL GROUP BY noparking_code, company ORDER BY noparking_code, company;

-- zone_occupancy: capacity = sum of floor(round(geodesic area * 100) / 114) over the
-- valid PARKING areas the MANAGEMENT zone covers (ST_Area(geom, 1): ellipsoid of SRID 4490)
CREATE TABLE zone_capacity AS
  SELECT m.code AS zone_code, sum(CAST(round(ST_Area(p.geom, 1) * 100) AS INTEGER) / 114) AS capacity
  FROM management AS m
  CROSS JOIN idx_parking_geom AS r
  CROSS JOIN parking AS p
  WHERE r.xmin <= MbrMaxX(m.geom) AND r.xmax >= MbrMinX(m.geom)
    AND r.ymin <= MbrMaxY(m.geom) AND r.ymax >= MbrMinY(m.geom)
    AND p.pk_uid = r.pkid AND ST_IsValid(p.geom) = 1 AND ST_Covers(m.geom, p.geom) = 1
  GROUP BY m.code;
CREATE TABLE zone_occupancy AS
  WITH s AS (SELECT s.Zone AS zone_code, k.Time AS t, sum(k.Bikenumber) AS b
             FROM bike_counts AS k JOIN bt_sniffers AS s ON s.Cod = k.Cod_XT GROUP BY s.Zone, k.Time),
       c AS (SELECT s.zone_code AS zone_code, s.t AS t, s.b AS b,
                    CASE WHEN s.zone_code IN (SELECT code FROM noparking) THEN 0
                         WHEN s.zone_code IN (SELECT code FROM management) THEN coalesce(zc.capacity, 0) END AS c
             FROM s LEFT JOIN zone_capacity AS zc ON zc.zone_code = s.zone_code)
  SELECT zone_code, $(ts t) AS time, b AS bikes, c AS capacity,
         CASE WHEN c > 0 THEN $(ratio4 b c) END AS utilization,
         CASE WHEN c IS NULL THEN NULL WHEN b > c THEN 'true' ELSE 'false' END AS over_capacity
  FROM c ORDER BY zone_code, t;

-- device_health
CREATE TABLE status AS
  SELECT Cod_XT AS code, Time AS t, Condition AS cond, CAST(replace(Electricity, '%', '') AS INTEGER) AS elec
  FROM bt_sniffer_status
  UNION ALL SELECT Cod, Time, Condition, CAST(replace(Electricity, '%', '') AS INTEGER) FROM bt_stud_status;
CREATE INDEX status_code ON status (code, t);
CREATE TABLE last_status AS
  WITH l AS (SELECT code, max(t) AS t, sum(cond = '异常') AS faults FROM status GROUP BY code)
  SELECT l.code AS code, l.t AS t, s.cond AS cond, s.elec AS elec, l.faults AS faults
  FROM l JOIN status AS s ON s.code = l.code AND s.t = l.t;
CREATE INDEX last_status_code ON last_status (code);
CREATE TABLE device_health AS
  WITH zones AS (SELECT code, geom FROM management UNION ALL SELECT code, geom FROM noparking),
       dev AS (SELECT s.Cod AS device_code, 'sniffer' AS kind, s.Zone AS zone_code,
                      CASE WHEN z.geom IS NULL THEN 'unknown_zone'
                           WHEN ST_Distance(ST_Transform(MakePoint($(num s.Lon), $(num s.Lat), 4490), 4547),
                                            ST_Transform(z.geom, 4547)) > 100 THEN 'far_from_zone'
                           ELSE 'ok' END AS position_check
               FROM bt_sniffers AS s LEFT JOIN zones AS z ON z.code = s.Zone
               UNION ALL
               SELECT d.Cod_DD, 'stud', s.Zone,
                      CASE WHEN p.code IS NULL THEN 'unknown_parking_area'
                           WHEN s.Cod IS NULL THEN 'unknown_sniffer' ELSE 'ok' END
               FROM bt_studs AS d LEFT JOIN bt_sniffers AS s ON s.Cod = d.Cod_XT
               LEFT JOIN parking AS p ON p.code = d.Cod_TFQ)
  SELECT dev.device_code AS device_code, dev.kind AS kind, dev.zone_code AS zone_code,
         CASE WHEN l.t IS NOT NULL THEN $(ts l.t) END AS last_time, l.cond AS last_condition,
         l.elec AS last_electricity, coalesce(l.faults, 0) AS fault_reports,
         CASE WHEN l.elec IS NULL THEN NULL WHEN l.elec < 20 THEN 'true' ELSE 'false' END AS low_battery,
         dev.position_check AS position_check
  FROM dev LEFT JOIN last_status AS l ON l.code = dev.device_code ORDER BY dev.device_code;

-- exports (list mode: csv mode of this shell quotes every non-ASCII text)
.headers on
.mode list
.separator ","
.output '$OUT/infence_rate.csv'
SELECT * FROM infence_rate;
.output '$OUT/infence_by_company.csv'
SELECT * FROM infence_by_company;
.output '$OUT/noparking_events.csv'
SELECT * FROM noparking_events;
.output '$OUT/zone_occupancy.csv'
SELECT * FROM zone_occupancy;
.output '$OUT/device_health.csv'
SELECT * FROM device_health;
.headers off
.output '$CITY/spatialite_summary.txt'
SELECT 'spatialite: ' || (SELECT count(*) FROM events) || ' events, in zones ' || events_in_zone
       || ', in parking ' || events_in_parking || ', rate ' || infence_rate
  FROM infence_rate WHERE management_code = '*';
.output stdout
EOF

spatialite -bail "$DB" < "$SQL" > "$CITY/spatialite.log" 2>&1 \
  || { echo "spatialite failed, see $CITY/spatialite.log" >&2; tail -n 20 "$CITY/spatialite.log" >&2; exit 1; }
echo "$(cat "$CITY/spatialite_summary.txt") -> $OUT" >&2
