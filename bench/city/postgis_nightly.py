#!/usr/bin/env python3
"""Peer: the city nightly (infence_rate, zone_occupancy, device_health) in PostgreSQL + PostGIS.

    python3 bench/city/postgis_nightly.py [DATA_DIR]     # default bench/data

Connects to POSTGIS_DSN (default: the throwaway server of scripts/pg-server.sh,
"host=/tmp/zonal-pg port=55432 user=zonal dbname=zonal"), drops and recreates
the schema bench_postgis, and builds the store there: fence tables management,
parking, noparking (SRID 4490, GiST indexes), the device inputs, `events` (every
event with management_code, parking_code, noparking_code) and the reports
infence_rate, infence_by_company, noparking_events, zone_occupancy,
device_health, each also written as CSV to DATA_DIR/city/out-postgis/.

Fences are read with pyogrio (GBK DBFs) and sent with COPY as SRID=4490;<hex WKB>; the CSVs
go in with COPY FROM STDIN. The assignment is SQL: a GiST index on the event
points, then per layer JOIN ... ON ST_Covers(f.geom, p.geom) (boundary
counts; min(code) per event). Capacity uses ST_Area(geography, true)
(spheroid of SRID 4490 = GRS80/CGCS2000, Karney via GeographicLib).
"""
import os
import sys
import time

import psycopg
import pyogrio

HERE = os.path.dirname(os.path.abspath(__file__))
DSN = os.environ.get('POSTGIS_DSN', 'host=/tmp/zonal-pg port=55432 user=zonal dbname=zonal')
SCHEMA = 'bench_postgis'
DEVICE_FILES = {   # columns lower-cased, all text (as the DuckDB peer's all_varchar)
    'bt_sniffers': 'cod, lon, lat, zone',
    'bt_sniffer_status': 'cod_xt, condition, electricity, time',
    'bt_studs': 'cod_dd, cod_xt, cod_tfq',
    'bt_stud_status': 'cod, condition, electricity, time',
    'bike_counts': 'cod_xt, time, bikenumber',
}


def ratio(num, den):
    """num/den rounded half up to 4 decimals with integers, as text (no binary-float ties)."""
    r = f'((2 * ({num}) * 10000 + ({den})) / (2 * ({den})))'
    return f"(({r} / 10000)::text || '.' || lpad(({r} % 10000)::text, 4, '0'))"


def main(data):
    fences = os.path.join(data, 'district', 'fences')
    city = os.path.join(data, 'city')
    out = os.path.join(city, 'out-postgis')
    os.makedirs(out, exist_ok=True)
    steps = []
    t0 = time.monotonic()

    def step(name):
        nonlocal t0
        t = time.monotonic()
        steps.append(f'{name} {t - t0:.2f}')
        t0 = t

    con = psycopg.connect(DSN, autocommit=True)
    q = con.execute
    # JIT only adds compile time (the work is in PostGIS functions, which it cannot compile);
    # work_mem keeps the 2-million-group aggregate in memory; parallel costs at zero let the
    # fence-side nested loops run on every core. Text is COLLATE "C" throughout: byte order,
    # as the other peers sort (the database's C.UTF-8 goes through strcoll).
    for s in ("SET jit = off", "SET work_mem = '512MB'", "SET maintenance_work_mem = '512MB'",
              "SET TimeZone = 'UTC'", "SET client_min_messages = warning",
              "SET parallel_setup_cost = 0", "SET parallel_tuple_cost = 0", "SET min_parallel_table_scan_size = 0"):
        q(s)
    q(f'DROP SCHEMA IF EXISTS {SCHEMA} CASCADE')
    q(f'CREATE SCHEMA {SCHEMA}')
    q(f'SET search_path = {SCHEMA}, public')

    # ---- load: fences as EWKB hex ('SRID=4490;' + WKB) through COPY
    for layer in ('MANAGEMENT', 'PARKING', 'NOPARKING'):
        t = layer.lower()
        _, _, geoms, fields = pyogrio.raw.read(os.path.join(fences, layer + '.shp'), encoding='gbk',
                                               columns=['CODE', 'NAME'])
        q(f'CREATE TABLE {t} (code text COLLATE "C", name text, geom geometry(Geometry, 4490))')
        with con.cursor().copy(f'COPY {t} (code, name, geom) FROM STDIN') as cp:
            for code, name, g in zip(fields[0], fields[1], geoms):
                cp.write_row((code, name, 'SRID=4490;' + g.hex()))
        q(f'CREATE INDEX {t}_geom ON {t} USING gist (geom)')
        q(f'ANALYZE {t}')
    step('fences')

    def copy_file(table, path, columns=''):
        with open(path, 'rb') as fh, con.cursor().copy(
                f'COPY {table} {columns} FROM STDIN (FORMAT csv, HEADER true)') as cp:
            while block := fh.read(1 << 20):
                cp.write(block)

    # events: a scratch table (unlogged) with the point computed during COPY. Autovacuum is off
    # for the run's big tables: a background vacuum of 2M fresh rows would compete with the run
    # (2 CPUs) and block the next run's DROP SCHEMA.
    q('''CREATE UNLOGGED TABLE raw_events (
           event_id text COLLATE "C", bike_id text, company text COLLATE "C",
           lon double precision, lat double precision, time timestamp,
           geom geometry(Point, 4490) GENERATED ALWAYS AS (ST_Point(lon, lat, 4490)) STORED)
         WITH (autovacuum_enabled = off)''')
    copy_file('raw_events', os.path.join(city, 'parking_events.csv'),
              '(event_id, bike_id, company, lon, lat, time)')
    step('events copy')
    for name, cols in DEVICE_FILES.items():
        q(f'CREATE TABLE {name} (' + ', '.join(c + ' text COLLATE "C"' for c in cols.split(', ')) + ')')
        copy_file(name, os.path.join(city, name + '.csv'))
    step('device files')

    # ---- assignment: GiST on the points; per fence an index scan of the points in its box,
    # then ST_Covers (boundary counts). The three layers in one UNION ALL so that one
    # GROUP BY (min(code) per event and layer) and one hash join make the store.
    q('CREATE INDEX raw_events_geom ON raw_events USING gist (geom)')
    q('ANALYZE raw_events')
    step('points index')
    covers = ' UNION ALL '.join(
        f'SELECT e.event_id, {i} AS layer, f.code FROM {layer} f JOIN raw_events e ON ST_Covers(f.geom, e.geom)'
        for i, layer in enumerate(('management', 'parking', 'noparking')))
    q(f'''CREATE TABLE events WITH (autovacuum_enabled = off) AS
          SELECT e.event_id, e.bike_id, e.company, e.lon, e.lat, e.time,
                 a.management_code, a.parking_code, a.noparking_code
          FROM raw_events e LEFT JOIN (
            SELECT event_id, min(code) FILTER (WHERE layer = 0) AS management_code,
                   min(code) FILTER (WHERE layer = 1) AS parking_code,
                   min(code) FILTER (WHERE layer = 2) AS noparking_code
            FROM ({covers}) j GROUP BY event_id) a USING (event_id)''')
    q('DROP TABLE raw_events')
    step('assignment')

    # ---- infence_rate, infence_by_company, noparking_events
    reports = {}
    reports['infence_rate'] = f'''
        WITH g AS (SELECT management_code, count(*) AS z, count(parking_code) AS p
                   FROM events WHERE management_code IS NOT NULL GROUP BY management_code),
             a AS (SELECT '*' COLLATE "C" AS management_code, sum(z)::bigint AS z, sum(p)::bigint AS p FROM g
                   UNION ALL SELECT * FROM g)
        SELECT management_code, z AS events_in_zone, p AS events_in_parking, {ratio('p', 'z')} AS infence_rate
        FROM a''', "management_code <> '*', management_code"
    reports['infence_by_company'] = f'''
        WITH g AS (SELECT management_code, company, count(*) AS z, count(parking_code) AS p
                   FROM events WHERE management_code IS NOT NULL GROUP BY management_code, company),
             a AS (SELECT '*' COLLATE "C" AS management_code, company, sum(z)::bigint AS z, sum(p)::bigint AS p
                   FROM g GROUP BY company UNION ALL SELECT * FROM g)
        SELECT management_code, company, z AS events_in_zone, p AS events_in_parking,
               {ratio('p', 'z')} AS infence_rate
        FROM a''', "management_code <> '*', management_code, company"
    reports['noparking_events'] = '''
        SELECT noparking_code, company, count(*) AS events FROM events
        WHERE noparking_code IS NOT NULL GROUP BY noparking_code, company''', 'noparking_code, company'

    # ---- zone_occupancy: capacity = sum of floor(round(geodesic area * 100) / 114) of the valid
    # PARKING areas a MANAGEMENT zone covers; the validity filter runs first (MATERIALIZED), so
    # GEOS never sees a bow-tie
    q('''CREATE TABLE zone_capacity AS
         WITH vp AS MATERIALIZED (SELECT code, geom FROM parking WHERE ST_IsValid(geom))
         SELECT m.code AS zone_code,
                sum(round((ST_Area(p.geom::geography, true) * 100)::numeric)::bigint / 114)::bigint AS capacity
         FROM management m JOIN vp p ON ST_Covers(m.geom, p.geom) GROUP BY m.code''')
    step('zone_capacity')
    reports['zone_occupancy'] = f'''
        WITH s AS (SELECT s.zone AS zone_code, to_timestamp(k.time, 'YYYYMMDDHH24MISS') AS t,
                          sum(k.bikenumber::bigint)::bigint AS b
                   FROM bike_counts k JOIN bt_sniffers s ON s.cod = k.cod_xt GROUP BY s.zone, k.time),
             c AS (SELECT s.zone_code, s.t, s.b,
                          CASE WHEN s.zone_code IN (SELECT code FROM noparking) THEN 0
                               WHEN s.zone_code IN (SELECT code FROM management)
                               THEN coalesce(zc.capacity, 0) END AS c
                   FROM s LEFT JOIN zone_capacity zc USING (zone_code))
        SELECT zone_code, to_char(t, 'YYYY-MM-DD HH24:MI:SS') AS time, b AS bikes, c AS capacity,
               CASE WHEN c > 0 THEN {ratio('b', 'c')} END AS utilization,
               CASE WHEN c IS NULL THEN NULL WHEN b > c THEN 'true' ELSE 'false' END AS over_capacity
        FROM c''', 'zone_code, time'

    # ---- device_health
    reports['device_health'] = '''
        WITH st AS (SELECT cod_xt AS code, to_timestamp(time, 'YYYYMMDDHH24MISS') AS t, condition AS cond,
                           replace(electricity, '%', '')::integer AS elec FROM bt_sniffer_status
                    UNION ALL
                    SELECT cod, to_timestamp(time, 'YYYYMMDDHH24MISS'), condition,
                           replace(electricity, '%', '')::integer FROM bt_stud_status),
             last AS (SELECT code, max(t) AS t, (array_agg(cond ORDER BY t DESC))[1] AS cond,
                             (array_agg(elec ORDER BY t DESC))[1] AS elec,
                             count(*) FILTER (WHERE cond = '异常') AS faults FROM st GROUP BY code),
             zones AS (SELECT code, geom FROM management UNION ALL SELECT code, geom FROM noparking),
             sn AS (SELECT s.cod AS device_code, 'sniffer' AS kind, s.zone AS zone_code,
                           CASE WHEN z.geom IS NULL THEN 'unknown_zone'
                                WHEN ST_Distance(ST_Transform(ST_Point(s.lon::float8, s.lat::float8, 4490), 4547),
                                                 ST_Transform(z.geom, 4547)) > 100
                                THEN 'far_from_zone' ELSE 'ok' END AS position_check
                    FROM bt_sniffers s LEFT JOIN zones z ON z.code = s.zone),
             sd AS (SELECT d.cod_dd, 'stud', s.zone,
                           CASE WHEN p.code IS NULL THEN 'unknown_parking_area'
                                WHEN s.cod IS NULL THEN 'unknown_sniffer' ELSE 'ok' END
                    FROM bt_studs d LEFT JOIN bt_sniffers s ON s.cod = d.cod_xt
                    LEFT JOIN parking p ON p.code = d.cod_tfq),
             dev AS (SELECT * FROM sn UNION ALL SELECT * FROM sd)
        SELECT dev.device_code, dev.kind, dev.zone_code, to_char(l.t, 'YYYY-MM-DD HH24:MI:SS') AS last_time,
               l.cond AS last_condition, l.elec AS last_electricity, coalesce(l.faults, 0) AS fault_reports,
               CASE WHEN l.elec IS NULL THEN NULL WHEN l.elec < 20 THEN 'true' ELSE 'false' END AS low_battery,
               dev.position_check
        FROM dev LEFT JOIN last l ON l.code = dev.device_code''', 'device_code'

    # reports: (query, row order); stored as tables, exported with COPY TO STDOUT (NULL = empty
    # field, quotes only when needed) in the row order (a table scan has none)
    for name, (sql, order) in reports.items():
        q(f'CREATE TABLE {name} AS {sql}')
        with open(os.path.join(out, name + '.csv'), 'wb') as fh, con.cursor().copy(
                f'COPY (SELECT * FROM {name} ORDER BY {order}) TO STDOUT (FORMAT csv, HEADER true)') as cp:
            for block in cp:
                fh.write(block)
        step(name)

    tot = q("SELECT events_in_zone, events_in_parking, infence_rate FROM infence_rate "
            "WHERE management_code = '*'").fetchone()
    n = q('SELECT count(*) FROM events').fetchone()[0]
    con.close()
    print(f'postgis: {n:,} events, in zones {tot[0]:,}, in parking {tot[1]:,}, rate {tot[2]} -> {out} '
          f'(schema {SCHEMA}; s: {", ".join(steps)})', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), 'data'))
