#!/usr/bin/env python3
"""Peer: the city nightly (infence_rate, zone_occupancy, device_health) in DuckDB + spatial.

    python3 bench/city/duckdb_nightly.py [DATA_DIR]     # default bench/data

Reads DATA_DIR/district/fences/*.shp and DATA_DIR/city/*.csv, builds the
persistent database DATA_DIR/city/duckdb.db from scratch (tables management,
parking, noparking, raw inputs, events with their assignment, and the reports
infence_rate, infence_by_company, noparking_events, zone_occupancy,
device_health) and exports every report as CSV to DATA_DIR/city/out-duckdb/.

The spatial extension is loaded offline from the PyPI package
duckdb-extension-spatial (LOAD '<site-packages>/duckdb_extension_spatial/
extensions/v<duckdb version>/spatial.duckdb_extension').
"""
import glob
import os
import sys

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))


def load_spatial(con):
    try:
        import duckdb_extension_spatial
        base = os.path.dirname(duckdb_extension_spatial.__file__)
        paths = sorted(glob.glob(os.path.join(base, 'extensions', f'v{duckdb.__version__}', 'spatial.duckdb_extension'))) \
            or sorted(glob.glob(os.path.join(base, 'extensions', '*', 'spatial.duckdb_extension')))
        con.execute(f"LOAD '{paths[-1]}'")
    except Exception as e:            # fall back to an installed extension, if any
        print(f'duckdb: loading the packaged spatial extension failed ({e}); trying LOAD spatial', file=sys.stderr)
        con.execute('LOAD spatial')


def main(data):
    fences = os.path.join(data, 'district', 'fences')
    city = os.path.join(data, 'city')
    out = os.path.join(city, 'out-duckdb')
    os.makedirs(out, exist_ok=True)
    db = os.path.join(city, 'duckdb.db')
    for f in (db, db + '.wal'):
        if os.path.exists(f):
            os.remove(f)
    con = duckdb.connect(db)
    load_spatial(con)
    q = con.execute

    # ---- load. The GDAL inside the extension cannot decode the GBK DBFs
    # (ST_ReadSHP has no GBK either), so only CODE (ASCII) is read.
    for layer in ('MANAGEMENT', 'PARKING', 'NOPARKING'):
        q(f"CREATE TABLE {layer.lower()} AS SELECT CODE AS code, geom "
          f"FROM ST_Read('{os.path.join(fences, layer + '.shp')}')")
    csv = lambda name: os.path.join(city, name + '.csv')  # noqa: E731
    q(f"""CREATE TABLE raw_events AS SELECT * FROM read_csv('{csv('parking_events')}', header = true,
          columns = {{'event_id': 'VARCHAR', 'bike_id': 'VARCHAR', 'company': 'VARCHAR',
                      'lon': 'DOUBLE', 'lat': 'DOUBLE', 'time': 'VARCHAR'}})""")
    for name in ('bt_sniffers', 'bt_sniffer_status', 'bt_studs', 'bt_stud_status', 'bike_counts'):
        q(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{csv(name)}', header = true, all_varchar = true)")

    # ---- assignment: ST_Covers (boundary counts) through DuckDB's SPATIAL_JOIN
    def assign(layer):
        return (f"SELECT e.event_id, min(f.code) AS code FROM raw_events e JOIN {layer} f "
                f"ON ST_Covers(f.geom, ST_Point(e.lon, e.lat)) GROUP BY e.event_id")
    q(f"""CREATE TABLE events AS
          SELECT e.event_id, e.bike_id, e.company, e.lon, e.lat,
                 strptime(e.time, '%Y-%m-%d %H:%M:%S') AS time,
                 m.code AS management_code, p.code AS parking_code, n.code AS noparking_code
          FROM raw_events e
          LEFT JOIN ({assign('management')}) m USING (event_id)
          LEFT JOIN ({assign('parking')}) p USING (event_id)
          LEFT JOIN ({assign('noparking')}) n USING (event_id)
          ORDER BY e.event_id""")
    q("DROP TABLE raw_events")

    # ---- infence_rate, infence_by_company, noparking_events
    rate = "printf('%d.%04d', (2 * p * 10000 + z) // (2 * z) // 10000, (2 * p * 10000 + z) // (2 * z) % 10000)"
    q(f"""CREATE TABLE infence_rate AS
          WITH g AS (SELECT management_code, count(*) AS z, count(parking_code) AS p
                     FROM events WHERE management_code IS NOT NULL GROUP BY ALL),
               a AS (SELECT '*' AS management_code, sum(z)::BIGINT AS z, sum(p)::BIGINT AS p FROM g
                     UNION ALL SELECT * FROM g)
          SELECT management_code, z AS events_in_zone, p AS events_in_parking, {rate} AS infence_rate
          FROM a ORDER BY management_code <> '*', management_code""")
    q(f"""CREATE TABLE infence_by_company AS
          WITH g AS (SELECT management_code, company, count(*) AS z, count(parking_code) AS p
                     FROM events WHERE management_code IS NOT NULL GROUP BY ALL),
               a AS (SELECT '*' AS management_code, company, sum(z)::BIGINT AS z, sum(p)::BIGINT AS p
                     FROM g GROUP BY company UNION ALL SELECT * FROM g)
          SELECT management_code, company, z AS events_in_zone, p AS events_in_parking, {rate} AS infence_rate
          FROM a ORDER BY management_code <> '*', management_code, company""")
    q("""CREATE TABLE noparking_events AS
         SELECT noparking_code, company, count(*) AS events FROM events
         WHERE noparking_code IS NOT NULL GROUP BY ALL ORDER BY noparking_code, company""")

    # ---- zone_occupancy: capacity = sum of floor(round(geodesic area * 100) / 114) of the
    # valid PARKING areas a MANAGEMENT zone covers. ST_Area_Spheroid wants lat/lon order.
    q("""CREATE TABLE zone_capacity AS
         SELECT m.code AS zone_code,
                sum(CAST(round(ST_Area_Spheroid(ST_FlipCoordinates(p.geom)) * 100) AS BIGINT) // 114) AS capacity
         FROM management m JOIN parking p ON ST_Covers(m.geom, p.geom)
         WHERE ST_IsValid(p.geom) GROUP BY m.code""")
    util = "printf('%d.%04d', (2 * b * 10000 + c) // (2 * c) // 10000, (2 * b * 10000 + c) // (2 * c) % 10000)"
    q(f"""CREATE TABLE zone_occupancy AS
          WITH s AS (SELECT s.Zone AS zone_code, strptime(k.Time, '%Y%m%d%H%M%S') AS t,
                            sum(CAST(k.Bikenumber AS BIGINT)) AS b
                     FROM bike_counts k JOIN bt_sniffers s ON s.Cod = k.Cod_XT GROUP BY ALL),
               c AS (SELECT s.zone_code, s.t, s.b,
                            CASE WHEN s.zone_code IN (SELECT code FROM noparking) THEN 0
                                 WHEN s.zone_code IN (SELECT code FROM management)
                                 THEN coalesce(zc.capacity, 0) END AS c
                     FROM s LEFT JOIN zone_capacity zc USING (zone_code))
          SELECT zone_code, strftime(t, '%Y-%m-%d %H:%M:%S') AS time, b AS bikes, c AS capacity,
                 CASE WHEN c > 0 THEN {util} END AS utilization,
                 CASE WHEN c IS NULL THEN NULL WHEN b > c THEN 'true' ELSE 'false' END AS over_capacity
          FROM c ORDER BY zone_code, t""")

    # ---- device_health
    q("""CREATE TABLE device_health AS
         WITH st AS (SELECT Cod_XT AS code, strptime(Time, '%Y%m%d%H%M%S') AS t, Condition AS cond,
                            CAST(replace(Electricity, '%', '') AS INTEGER) AS elec FROM bt_sniffer_status
                     UNION ALL
                     SELECT Cod, strptime(Time, '%Y%m%d%H%M%S'), Condition,
                            CAST(replace(Electricity, '%', '') AS INTEGER) FROM bt_stud_status),
              last AS (SELECT code, max(t) AS t, arg_max(cond, t) AS cond, arg_max(elec, t) AS elec,
                              count(*) FILTER (WHERE cond = '异常') AS faults FROM st GROUP BY code),
              zones AS (SELECT code, geom FROM management UNION ALL SELECT code, geom FROM noparking),
              sn AS (SELECT s.Cod AS device_code, 'sniffer' AS kind, s.Zone AS zone_code,
                            CASE WHEN z.geom IS NULL THEN 'unknown_zone'
                                 WHEN ST_Distance(
                                        ST_Transform(ST_Point(CAST(s.Lon AS DOUBLE), CAST(s.Lat AS DOUBLE)),
                                                     'EPSG:4490', 'EPSG:4547', always_xy := true),
                                        ST_Transform(z.geom, 'EPSG:4490', 'EPSG:4547', always_xy := true)) > 100
                                 THEN 'far_from_zone' ELSE 'ok' END AS position_check
                     FROM bt_sniffers s LEFT JOIN zones z ON z.code = s.Zone),
              sd AS (SELECT d.Cod_DD, 'stud', s.Zone,
                            CASE WHEN p.code IS NULL THEN 'unknown_parking_area'
                                 WHEN s.Cod IS NULL THEN 'unknown_sniffer' ELSE 'ok' END
                     FROM bt_studs d LEFT JOIN bt_sniffers s ON s.Cod = d.Cod_XT
                     LEFT JOIN parking p ON p.code = d.Cod_TFQ),
              dev AS (SELECT * FROM sn UNION ALL SELECT * FROM sd)
         SELECT dev.device_code, dev.kind, dev.zone_code, strftime(l.t, '%Y-%m-%d %H:%M:%S') AS last_time,
                l.cond AS last_condition, l.elec AS last_electricity, coalesce(l.faults, 0) AS fault_reports,
                CASE WHEN l.elec IS NULL THEN NULL WHEN l.elec < 20 THEN 'true' ELSE 'false' END AS low_battery,
                dev.position_check
         FROM dev LEFT JOIN last l ON l.code = dev.device_code ORDER BY dev.device_code""")

    for report in ('infence_rate', 'infence_by_company', 'noparking_events', 'zone_occupancy', 'device_health'):
        q(f"COPY (SELECT * FROM {report}) TO '{os.path.join(out, report + '.csv')}' (HEADER, DELIMITER ',')")
    tot = q("SELECT events_in_zone, events_in_parking, infence_rate FROM infence_rate WHERE management_code = '*'").fetchone()
    n = q("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    print(f'duckdb: {n:,} events, in zones {tot[0]:,}, in parking {tot[1]:,}, rate {tot[2]} -> {out}', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), 'data'))
