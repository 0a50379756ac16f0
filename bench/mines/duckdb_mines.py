#!/usr/bin/env python3
"""Peer: the province day of mine_alarms in DuckDB, from the files to the reports.

    python3 bench/mines/duckdb_mines.py [DATA_DIR] [JOB_YAML]
        # defaults bench/data/mines, bench/mines/province-day.yaml

Builds the persistent database DATA_DIR/duckdb.db from scratch: mines,
reports (every valid body of mine_reports.jsonl, typed), heartbeats and
ai_reports (deduplicated), alarms (AI rules + offline outages), disposals
(latest disposed_at stands, the others marked replaced), mine_alarms,
alarm_stats and camera_online; exports the three reports as UTF-8 CSV (no BOM)
to DATA_DIR/out-duckdb/. params.as_of and params.overdue_hours are read from
the job file so both tools use the same values.

The rules are those of the mine_alarms task (bench/mines/README.md), written
independently in SQL: read_json with explicit columns, window functions for the
outages, integer milliseconds and integer rounding for every duration.
When DATA_DIR/expected_counts.json (written by make_province_day.py) exists,
the alarm, disposal and overdue counts per type are checked against it.
"""
import json
import os
import re
import sys

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))

# x / d rounded half away from zero (x, d >= 0) with integer arithmetic, printed with 2 or 4 places
MACROS = """
CREATE MACRO rnd(x, d) AS (2 * CAST(x AS HUGEINT) + d) // (2 * CAST(d AS HUGEINT));
CREATE MACRO fmt2(x, d) AS CASE WHEN x IS NOT NULL THEN
    printf('%d.%02d', rnd(x, d) // 100, rnd(x, d) % 100) END;
CREATE MACRO fmt4(x, d) AS CASE WHEN x IS NOT NULL THEN
    printf('%d.%04d', rnd(x, d) // 10000, rnd(x, d) % 10000) END;
CREATE MACRO ts(t) AS strftime(t, '%Y-%m-%d %H:%M:%S');
"""


def job_params(path):
    text = open(path, encoding='utf-8').read()
    as_of = re.search(r'as_of:\s*"?([0-9-]+ [0-9:]+)"?', text).group(1)
    m = re.search(r'overdue_hours:\s*([0-9]+)', text)
    return as_of, int(m.group(1)) if m else 24


def main(data, job):
    out = os.path.join(data, 'out-duckdb')
    os.makedirs(out, exist_ok=True)
    db = os.path.join(data, 'duckdb.db')
    for f in (db, db + '.wal'):
        if os.path.exists(f):
            os.remove(f)
    as_of, overdue_h = job_params(job)
    con = duckdb.connect(db)
    q = con.execute
    for stmt in MACROS.strip().split(';\n'):
        q(stmt)

    # ---- mines (valid rows only; no duplicate ids in this data)
    q(f"""CREATE TABLE mines AS
          SELECT mine_id, name, region_code, department, status, CAST(lon AS DOUBLE) AS lon,
                 CAST(lat AS DOUBLE) AS lat,
                 CAST(nullif(person_threshold, '') AS INTEGER) AS person_threshold,
                 CAST(nullif(truck_threshold, '') AS INTEGER) AS truck_threshold
          FROM read_csv('{os.path.join(data, 'mines.csv')}', header = true, all_varchar = true)
          WHERE regexp_full_match(mine_id, '[0-9]{{12}}') AND regexp_full_match(region_code, '[0-9]{{6}}')
            AND status IN ('生产', '建设', '停产', '停建', '长期停产停建', '关闭')""")

    # ---- mine_reports: every body, its kind, its checks
    q(f"""CREATE TABLE reports AS
          WITH r AS (
            SELECT * FROM read_json('{os.path.join(data, 'mine_reports.jsonl')}', format = 'newline_delimited',
              columns = {{'mineId': 'VARCHAR', 'cameraId': 'VARCHAR', 'aiTypeCode': 'VARCHAR',
                          'inWellNumber': 'VARCHAR', 'outMineNumber': 'VARCHAR', 'beltStatus': 'VARCHAR',
                          'alarm': 'INTEGER', 'liveUrl': 'VARCHAR', 'time': 'VARCHAR'}})),
          k AS (
            SELECT *, CASE WHEN aiTypeCode IS NOT NULL THEN 'ai' WHEN alarm IS NOT NULL THEN 'heartbeat'
                           WHEN liveUrl IS NOT NULL THEN 'live' END AS kind,
                      CASE WHEN regexp_full_match(time, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}} [0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}')
                           THEN try_strptime(time, '%Y-%m-%d %H:%M:%S') END AS t,
                      CASE aiTypeCode WHEN '01' THEN inWellNumber WHEN '02' THEN outMineNumber
                                      WHEN '03' THEN beltStatus END AS value
            FROM r)
          SELECT kind, mineId AS mine_id, cameraId AS camera_id, aiTypeCode AS ai_type_code,
                 CASE WHEN aiTypeCode IN ('01', '02') THEN CAST(value AS INTEGER) END AS count,
                 CASE WHEN aiTypeCode = '03' THEN value END AS belt_status,
                 alarm, liveUrl AS live_url, t AS time
          FROM k
          WHERE kind IS NOT NULL AND t IS NOT NULL
            AND regexp_full_match(cameraId, '[1-4][0-9]')
            AND mineId IN (SELECT mine_id FROM mines)
            AND CASE kind
                  WHEN 'heartbeat' THEN alarm IN (0, 1)
                  WHEN 'live' THEN liveUrl <> ''
                  ELSE CASE aiTypeCode
                         WHEN '01' THEN regexp_full_match(coalesce(value, ''), '[0-9]{{1,4}}')
                         WHEN '02' THEN regexp_full_match(coalesce(value, ''), '[0-9]{{1,4}}')
                         WHEN '03' THEN coalesce(value, '') IN ('0001', '0002', '0003')
                         ELSE aiTypeCode IN ('04', '05', '06') END END""")
    q("""CREATE TABLE heartbeats AS
         SELECT DISTINCT mine_id, camera_id, time, alarm FROM reports WHERE kind = 'heartbeat'""")
    q("""CREATE TABLE ai_reports AS
         SELECT DISTINCT mine_id, camera_id, ai_type_code, count, belt_status, time FROM reports WHERE kind = 'ai'""")
    clash = q("""SELECT count(*) FROM (SELECT mine_id, camera_id, ai_type_code, time FROM ai_reports
                 GROUP BY ALL HAVING count(*) > 1)""").fetchone()[0]
    if clash:
        print(f'duckdb: {clash} AI reports share an alarm id with a different report (rejects in Zonal; '
              'this peer cannot tell which came first)', file=sys.stderr)

    # ---- alarms: AI rules, then offline outages (gap > 600 s between distinct alarm:1 times)
    q("""CREATE TABLE alarms AS
         WITH ai AS (
           SELECT a.*, m.status NOT IN ('生产', '建设')
                         AND (a.ai_type_code IN ('01', '02') OR a.belt_status IN ('0001', '0002')) AS r_prod,
                  (a.ai_type_code = '01' AND a.count > m.person_threshold)
                    OR (a.ai_type_code = '02' AND a.count > m.truck_threshold) AS r_thr,
                  a.ai_type_code IN ('04', '05', '06') AS r_type
           FROM ai_reports a JOIN mines m USING (mine_id)),
         on1 AS (SELECT DISTINCT mine_id, camera_id, time FROM heartbeats WHERE alarm = 1),
         gaps AS (SELECT mine_id, camera_id, lag(time) OVER w AS prev, time AS next
                  FROM on1 WINDOW w AS (PARTITION BY mine_id, camera_id ORDER BY time))
         SELECT mine_id || camera_id || ai_type_code || strftime(time, '%Y%m%d%H%M%S') AS alarm_id,
                mine_id, camera_id, ai_type_code,
                CASE ai_type_code WHEN '01' THEN 'persons' WHEN '02' THEN 'trucks' WHEN '03' THEN 'belt'
                     WHEN '04' THEN 'occlusion' WHEN '05' THEN 'moved' ELSE 'dispatch_room' END AS alarm_type,
                time, coalesce(CAST(count AS VARCHAR), belt_status) AS count,
                concat_ws('; ', CASE WHEN r_prod THEN 'production' END, CASE WHEN r_thr THEN 'threshold' END,
                          CASE WHEN r_type THEN 'type' END) AS reason,
                CAST(NULL AS TIMESTAMP) AS until
         FROM ai WHERE r_prod OR coalesce(r_thr, false) OR r_type
         UNION ALL
         SELECT mine_id || camera_id || '00' || strftime(prev, '%Y%m%d%H%M%S'), mine_id, camera_id, NULL,
                'offline', prev, NULL, 'offline', next
         FROM gaps WHERE epoch_ms(next) - epoch_ms(prev) > 600000""")

    # ---- disposals: valid rows; the latest disposed_at of an alarm stands
    q(f"""CREATE TABLE disposals AS
          WITH d AS (
            SELECT alarm_id, try_strptime(disposed_at, ['%Y-%m-%d %H:%M:%S.%g', '%Y-%m-%d %H:%M:%S',
                                                         '%Y%m%d%H%M%S']) AS disposed_at,
                   disposal_type, department, note
            FROM read_csv('{os.path.join(data, 'alarm_disposals.csv')}', header = true, all_varchar = true))
          SELECT d.*, row_number() OVER (PARTITION BY d.alarm_id ORDER BY d.disposed_at DESC) > 1 AS replaced
          FROM d JOIN alarms a USING (alarm_id)
          WHERE d.disposed_at >= a.time
            AND d.disposal_type IN ('疑似违规生产', '系统误报', '非生产人员经过', '其他')""")
    bad = q("SELECT count(*) FROM read_csv('" + os.path.join(data, 'alarm_disposals.csv') +
            "', header = true, all_varchar = true)").fetchone()[0] - q("SELECT count(*) FROM disposals").fetchone()[0]

    # ---- mine_alarms
    q(f"""CREATE TABLE mine_alarms AS
          SELECT a.alarm_id, a.mine_id, a.camera_id, a.ai_type_code, a.alarm_type, a.time, a.count,
                 d.disposal_type, d.disposed_at,
                 epoch_ms(d.disposed_at) - epoch_ms(a.time) AS duration_ms,
                 (d.disposed_at IS NULL OR d.disposed_at > a.time + INTERVAL {overdue_h} HOUR)
                   AND TIMESTAMP '{as_of}' > a.time + INTERVAL {overdue_h} HOUR AS overdue,
                 m.name AS mine_name, m.region_code, m.department, a.reason, a.until,
                 a.time + INTERVAL {overdue_h} HOUR AS deadline,
                 d.department AS disposal_department, d.note AS disposal_note
          FROM alarms a JOIN mines m USING (mine_id)
          LEFT JOIN (SELECT * FROM disposals WHERE NOT replaced) d USING (alarm_id)
          ORDER BY a.alarm_id""")

    # ---- alarm_stats: county / city / province rows, per type and '*'
    q("""CREATE TABLE alarm_stats AS
         WITH lv AS (
           SELECT region_code AS rc, 'county' AS level, * EXCLUDE (region_code) FROM mine_alarms
           WHERE right(region_code, 2) <> '00'
           UNION ALL
           SELECT left(region_code, 4) || '00', 'city', * EXCLUDE (region_code) FROM mine_alarms
           WHERE right(region_code, 4) <> '0000'
           UNION ALL
           SELECT left(region_code, 2) || '0000', 'province', * EXCLUDE (region_code) FROM mine_alarms),
         g AS (
           SELECT rc, level, CASE WHEN grouping(alarm_type) = 1 THEN '*' ELSE alarm_type END AS alarm_type,
                  count(*) AS n, count(duration_ms) AS d, sum(duration_ms) AS s,
                  min(duration_ms) AS mn, max(duration_ms) AS mx,
                  list_sort(list(duration_ms) FILTER (WHERE duration_ms IS NOT NULL)) AS l,
                  count(*) FILTER (WHERE overdue) AS o
           FROM lv GROUP BY GROUPING SETS ((rc, level, alarm_type), (rc, level)))
         SELECT rc AS region_code, alarm_type, n AS alarms, d AS disposed, fmt4(d * 10000, n) AS disposal_rate,
                CASE WHEN d > 0 THEN fmt2(s, 600 * d) END AS avg_duration_min,
                fmt2(mn, 600) AS min_duration_min, fmt2(mx, 600) AS max_duration_min, o AS overdue,
                level, CAST(NULL AS VARCHAR) AS region_name, n - d AS open,
                CASE WHEN d = 0 THEN NULL
                     WHEN d % 2 = 1 THEN fmt2(l[(d + 1) // 2], 600)
                     ELSE fmt2(l[d // 2] + l[d // 2 + 1], 1200) END AS median_duration_min,
                CASE WHEN d > 0 THEN fmt2(l[(9 * d + 9) // 10], 600) END AS p90_duration_min
         FROM g ORDER BY region_code, alarm_type <> '*', alarm_type""")

    # ---- camera_online: clock 5-minute slots, first to last heartbeat (any alarm value)
    q("""CREATE TABLE camera_online AS
         WITH h AS (SELECT *, epoch(time)::BIGINT // 300 AS slot FROM heartbeats),
              c AS (SELECT mine_id, camera_id, min(time) AS first, max(time) AS last,
                           max(slot) - min(slot) + 1 AS expected,
                           count(DISTINCT slot) FILTER (WHERE alarm = 1) AS online,
                           count(*) FILTER (WHERE alarm = 0) AS offline_reports
                    FROM h GROUP BY ALL),
              o AS (SELECT mine_id, camera_id, count(*) AS outages,
                           sum(epoch_ms(until) - epoch_ms(time)) AS offline_ms
                    FROM alarms WHERE alarm_type = 'offline' GROUP BY ALL)
         SELECT mine_id, camera_id, expected, online, fmt4(online * 10000, expected) AS online_rate,
                CASE left(camera_id, 1) WHEN '1' THEN '主井口' WHEN '2' THEN '副井口'
                     WHEN '3' THEN '货运车辆入口' ELSE '调度室' END AS position,
                ts(first) AS first_heartbeat, ts(last) AS last_heartbeat,
                coalesce(outages, 0) AS outages, fmt2(coalesce(offline_ms, 0), 600) AS offline_min,
                offline_reports
         FROM c LEFT JOIN o USING (mine_id, camera_id) ORDER BY mine_id, camera_id""")

    # ---- export
    q(f"""COPY (SELECT alarm_id, mine_id, camera_id, ai_type_code, alarm_type, ts(time) AS time, count,
                       disposal_type, ts(disposed_at) AS disposed_at,
                       fmt2(duration_ms, 600) AS duration_min, overdue, mine_name, region_code, department,
                       reason, ts(until) AS until, ts(deadline) AS deadline, disposal_department, disposal_note
                FROM mine_alarms ORDER BY alarm_id)
          TO '{os.path.join(out, 'mine_alarms.csv')}' (HEADER, DELIMITER ',')""")
    for report in ('alarm_stats', 'camera_online'):
        q(f"COPY (SELECT * FROM {report}) TO '{os.path.join(out, report + '.csv')}' (HEADER, DELIMITER ',')")

    # ---- summary (and the generator's own counts, when present)
    per = q("""SELECT alarm_type, count(*), count(disposed_at), count(*) FILTER (WHERE overdue)
               FROM mine_alarms GROUP BY ALL ORDER BY alarm_type""").fetchall()
    n_rep, n_hb, n_ai = q("""SELECT count(*), (SELECT count(*) FROM heartbeats), (SELECT count(*) FROM ai_reports)
                             FROM reports""").fetchone()
    con.close()
    print(f'duckdb: {n_rep:,} valid bodies (duplicate lines included), {n_hb:,} distinct heartbeats, {n_ai:,} AI reports, '
          f'{sum(r[1] for r in per):,} alarms ({", ".join(f"{r[0]} {r[1]}" for r in per)}), '
          f'{sum(r[2] for r in per):,} disposed, {sum(r[3] for r in per):,} overdue, '
          f'{bad} disposal rows rejected -> {out}', file=sys.stderr)
    exp_path = os.path.join(data, 'expected_counts.json')
    if os.path.exists(exp_path):
        exp = json.load(open(exp_path, encoding='utf-8'))
        got = {'alarms': {r[0]: r[1] for r in per}, 'disposed': {r[0]: r[2] for r in per},
               'overdue': {r[0]: r[3] for r in per}}
        diff = [k for k in got if got[k] != exp[k]]
        print('duckdb: counts per type match the generator' if not diff else
              f'duckdb: counts differ from the generator in {diff}: {got} vs {exp}', file=sys.stderr)
        if diff:
            sys.exit(1)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), 'data', 'mines'),
         sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, 'province-day.yaml'))
