#!/usr/bin/env python3
"""Peer: the city nightly (infence_rate, zone_occupancy, device_health) in SedonaDB.

    python3 bench/city/sedonadb_nightly.py [DATA_DIR]     # default bench/data

Reads DATA_DIR/district/fences/*.shp (SedonaDB's read_pyogrio, GBK DBFs) and
DATA_DIR/city/*.csv (CREATE EXTERNAL TABLE ... STORED AS CSV with explicit
column types), assigns every event with SedonaDB's spatial join
(JOIN ... ON ST_Covers(fence, point): boundary counts; min(code) when several
polygons cover a point), persists the store DATA_DIR/city/sedonadb/ from
scratch (GeoParquet: events.parquet = every event with its assignment and its
point, management/parking/noparking.parquet = the fence layers) and writes
the reports infence_rate, infence_by_company, noparking_events,
zone_occupancy, device_health as CSV to DATA_DIR/city/out-sedonadb/.

Geodesic areas (zone capacity) come from a Python UDF registered in SedonaDB
(pyproj.Geod on CGCS2000, Karney), because SedonaDB's ST_Area has no spheroid
variant (on a geography it is spherical: ~0.1 % below the ellipsoid here,
enough to change 516 of the 19,995 valid parking-area capacities).
"""
import csv
import os
import shutil
import sys
import warnings

with warnings.catch_warnings():       # the GDAL probe warns unless pyogrio/rasterio is importable
    warnings.simplefilter('ignore')
    import sedonadb
    from sedonadb import udf

import numpy as np
import pyarrow as pa
import shapely
from pyproj import Geod

HERE = os.path.dirname(os.path.abspath(__file__))
CGCS2000 = Geod(a=6378137.0, rf=298.257222101)


@udf.arrow_udf(pa.float64(), [udf.GEOMETRY])
def geodesic_area(geom):
    """|geodesic area| in m² on the CGCS2000 ellipsoid (Karney), like geopandas_nightly.py."""
    g = shapely.from_wkb(np.asarray(pa.array(geom.storage.to_array()).to_pylist(), dtype=object))
    return pa.array([abs(CGCS2000.geometry_area_perimeter(p)[0]) if p is not None else None for p in g],
                    pa.float64())


def main(data):
    fences = os.path.join(data, 'district', 'fences')
    city = os.path.join(data, 'city')
    out = os.path.join(city, 'out-sedonadb')
    store = os.path.join(city, 'sedonadb')
    shutil.rmtree(store, ignore_errors=True)
    os.makedirs(store)
    os.makedirs(out, exist_ok=True)
    sd = sedonadb.connect()
    sd.register(geodesic_area)
    q = lambda sql: sd.sql(sql)  # noqa: E731

    # ---- load: fences through pyogrio (GDAL honours the .cpg, so GBK names decode), kept
    # in memory and persisted as GeoParquet; CSVs with explicit types (lon/lat DOUBLE).
    for layer in ('MANAGEMENT', 'PARKING', 'NOPARKING'):
        # whole file first: a projection pushed into the pyogrio scan fails in 0.5.0
        sd.read_pyogrio(os.path.join(fences, layer + '.shp')).to_memtable().to_view(f'{layer.lower()}_file')
        t = q(f'SELECT "CODE" AS code, "NAME" AS name, wkb_geometry AS geom FROM {layer.lower()}_file').to_memtable()
        t.to_view(layer.lower())
        t.to_parquet(os.path.join(store, layer.lower() + '.parquet'))
    csv_path = lambda name: os.path.join(city, name + '.csv')  # noqa: E731
    q(f"""CREATE EXTERNAL TABLE raw_events (event_id VARCHAR, bike_id VARCHAR, company VARCHAR,
                                            lon DOUBLE, lat DOUBLE, time VARCHAR)
          STORED AS CSV LOCATION '{csv_path('parking_events')}' OPTIONS ('format.has_header' 'true')""").execute()
    for name in ('bt_sniffers', 'bt_sniffer_status', 'bt_studs', 'bt_stud_status', 'bike_counts'):
        with open(csv_path(name), encoding='utf-8-sig', newline='') as fh:
            header = next(csv.reader(fh))
        cols = ', '.join(f'"{c.lower()}" VARCHAR' for c in header)
        q(f"""CREATE EXTERNAL TABLE {name} ({cols}) STORED AS CSV LOCATION '{csv_path(name)}'
              OPTIONS ('format.has_header' 'true')""").execute()

    # ---- assignment: SedonaDB's spatial join on ST_Covers (boundary counts), min(code) per event
    q("""SELECT event_id, bike_id, company, lon, lat, to_timestamp(time, '%Y-%m-%d %H:%M:%S') AS time,
                ST_SetSRID(ST_Point(lon, lat), 4490) AS geometry
         FROM raw_events""").to_memtable().to_view('points')

    def assign(layer):
        return (f"SELECT e.event_id, min(f.code) AS code FROM points e JOIN {layer} f "
                f"ON ST_Covers(f.geom, e.geometry) GROUP BY e.event_id")
    events = q(f"""SELECT e.event_id, e.bike_id, e.company, e.lon, e.lat, e.time,
                          m.code AS management_code, p.code AS parking_code, n.code AS noparking_code, e.geometry
                   FROM points e
                   LEFT JOIN ({assign('management')}) m ON m.event_id = e.event_id
                   LEFT JOIN ({assign('parking')}) p ON p.event_id = e.event_id
                   LEFT JOIN ({assign('noparking')}) n ON n.event_id = e.event_id""").to_memtable()
    events.to_view('events')
    sd.drop_view('points')
    events_file = os.path.join(store, 'events.parquet')
    q('SELECT * FROM events ORDER BY event_id').to_parquet(events_file)

    # ---- infence_rate, infence_by_company, noparking_events
    def ratio(num, den):
        r = f'((2 * {num} * 10000 + {den}) / (2 * {den}))'
        return f"concat(CAST({r} / 10000 AS VARCHAR), '.', lpad(CAST({r} % 10000 AS VARCHAR), 4, '0'))"
    reports = {}
    reports['infence_rate'] = f"""
        WITH g AS (SELECT management_code, count(*) AS z, count(parking_code) AS p
                   FROM events WHERE management_code IS NOT NULL GROUP BY management_code),
             a AS (SELECT '*' AS management_code, sum(z) AS z, sum(p) AS p FROM g
                   UNION ALL SELECT management_code, z, p FROM g)
        SELECT management_code, z AS events_in_zone, p AS events_in_parking, {ratio('p', 'z')} AS infence_rate
        FROM a ORDER BY management_code <> '*', management_code"""
    reports['infence_by_company'] = f"""
        WITH g AS (SELECT management_code, company, count(*) AS z, count(parking_code) AS p
                   FROM events WHERE management_code IS NOT NULL GROUP BY management_code, company),
             a AS (SELECT '*' AS management_code, company, sum(z) AS z, sum(p) AS p FROM g GROUP BY company
                   UNION ALL SELECT management_code, company, z, p FROM g)
        SELECT management_code, company, z AS events_in_zone, p AS events_in_parking,
               {ratio('p', 'z')} AS infence_rate
        FROM a ORDER BY management_code <> '*', management_code, company"""
    reports['noparking_events'] = """
        SELECT noparking_code, company, count(*) AS events FROM events
        WHERE noparking_code IS NOT NULL GROUP BY noparking_code, company ORDER BY noparking_code, company"""

    # ---- zone_occupancy: capacity = sum of floor(round(geodesic area * 100) / 114) of the valid
    # PARKING areas a MANAGEMENT zone covers (ST_Covers spatial join in SedonaDB). The physical
    # planner rejects `x IN (SELECT ...)` inside CASE, hence the LEFT JOINs on the code lists.
    q("""SELECT m.code AS zone_code,
                sum(CAST(round(geodesic_area(p.geom) * 100) AS BIGINT) / 114) AS capacity
         FROM management m JOIN parking p ON ST_Covers(m.geom, p.geom)
         WHERE ST_IsValid(p.geom) GROUP BY m.code""").to_memtable().to_view('zone_capacity')
    reports['zone_occupancy'] = f"""
        WITH s AS (SELECT s.zone AS zone_code, to_timestamp(k.time, '%Y%m%d%H%M%S') AS t,
                          sum(CAST(k.bikenumber AS BIGINT)) AS b
                   FROM bike_counts k JOIN bt_sniffers s ON s.cod = k.cod_xt GROUP BY s.zone, k.time),
             c AS (SELECT s.zone_code, s.t, s.b,
                          CASE WHEN np.code IS NOT NULL THEN 0
                               WHEN mg.code IS NOT NULL THEN coalesce(zc.capacity, 0) END AS c
                   FROM s LEFT JOIN zone_capacity zc ON zc.zone_code = s.zone_code
                   LEFT JOIN (SELECT DISTINCT code FROM noparking) np ON np.code = s.zone_code
                   LEFT JOIN (SELECT DISTINCT code FROM management) mg ON mg.code = s.zone_code)
        SELECT zone_code, to_char(t, '%Y-%m-%d %H:%M:%S') AS time, b AS bikes, c AS capacity,
               CASE WHEN c > 0 THEN {ratio('b', 'c')} END AS utilization,
               CASE WHEN c IS NULL THEN NULL WHEN b > c THEN 'true' ELSE 'false' END AS over_capacity
        FROM c ORDER BY zone_code, t"""

    # ---- device_health
    reports['device_health'] = """
        WITH st AS (SELECT cod_xt AS code, to_timestamp(time, '%Y%m%d%H%M%S') AS t, "condition" AS cond,
                           CAST(replace(electricity, '%', '') AS INTEGER) AS elec FROM bt_sniffer_status
                    UNION ALL
                    SELECT cod, to_timestamp(time, '%Y%m%d%H%M%S'), "condition",
                           CAST(replace(electricity, '%', '') AS INTEGER) FROM bt_stud_status),
             last AS (SELECT code, max(t) AS t, last_value(cond ORDER BY t) AS cond,
                             last_value(elec ORDER BY t) AS elec,
                             count(*) FILTER (WHERE cond = '异常') AS faults FROM st GROUP BY code),
             zones AS (SELECT code, geom FROM management UNION ALL SELECT code, geom FROM noparking),
             sn AS (SELECT s.cod AS device_code, 'sniffer' AS kind, s.zone AS zone_code,
                           CASE WHEN z.geom IS NULL THEN 'unknown_zone'
                                WHEN ST_Distance(
                                       ST_Transform(ST_SetSRID(ST_Point(CAST(s.lon AS DOUBLE), CAST(s.lat AS DOUBLE)), 4490),
                                                    'EPSG:4547'),
                                       ST_Transform(z.geom, 'EPSG:4547')) > 100
                                THEN 'far_from_zone' ELSE 'ok' END AS position_check
                    FROM bt_sniffers s LEFT JOIN zones z ON z.code = s.zone),
             sd AS (SELECT d.cod_dd AS device_code, 'stud' AS kind, s.zone AS zone_code,
                           CASE WHEN p.code IS NULL THEN 'unknown_parking_area'
                                WHEN s.cod IS NULL THEN 'unknown_sniffer' ELSE 'ok' END AS position_check
                    FROM bt_studs d LEFT JOIN bt_sniffers s ON s.cod = d.cod_xt
                    LEFT JOIN parking p ON p.code = d.cod_tfq),
             dev AS (SELECT * FROM sn UNION ALL SELECT * FROM sd)
        SELECT dev.device_code, dev.kind, dev.zone_code, to_char(l.t, '%Y-%m-%d %H:%M:%S') AS last_time,
               l.cond AS last_condition, l.elec AS last_electricity, coalesce(l.faults, 0) AS fault_reports,
               CASE WHEN l.elec IS NULL THEN NULL WHEN l.elec < 20 THEN 'true' ELSE 'false' END AS low_battery,
               dev.position_check
        FROM dev LEFT JOIN last l ON l.code = dev.device_code ORDER BY dev.device_code"""

    for name, sql in reports.items():
        q(sql).to_csv(os.path.join(out, name + '.csv'))

    with open(os.path.join(out, 'infence_rate.csv'), encoding='utf-8', newline='') as fh:
        tot = next(csv.DictReader(fh))
    n = sd.read_parquet(events_file).count()
    print(f"sedonadb: {n:,} events, in zones {int(tot['events_in_zone']):,}, "
          f"in parking {int(tot['events_in_parking']):,}, rate {tot['infence_rate']} -> {out}", file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), 'data'))
