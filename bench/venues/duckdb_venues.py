#!/usr/bin/env python3
"""Peer: the province month of venue_footfall in DuckDB, from the files to the reports.

    python3 bench/venues/duckdb_venues.py [DATA_DIR] [JOB_YAML]
        # defaults bench/data/venues, bench/venues/province-month.yaml

Builds the persistent database DATA_DIR/duckdb.db from scratch: venues (the rows
that load: 12-digit codes whose parts match their columns, the first row of a
code), footfall_rows (every line of venue_footfall.csv in file order, times
parsed, with its reject reason or NULL), footfall (the rows that stand: one per
venue, device, source and period_start, the first in the file), and the reports
venue_footfall and venue_summary; exports both as UTF-8 CSV (no BOM) to
DATA_DIR/out-duckdb/. The job's timezone is read from the job file.

The rules are those of the venue_footfall task (bench/venues/README.md), written
independently in SQL: read_csv with explicit column types (all text: the times
come in several forms and the counts are checked before they are cast), times
parsed per form (naive = local; ISO with Z or an offset converted to the job's
zone), file order from the table's rowid (insertion order is preserved),
integer arithmetic for coverage. When DATA_DIR/expected_counts.json (written by
make_province_month.py) exists, the totals are checked against it.
"""
import json
import os
import re
import sys

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = ('gate', 'face', 'binocular', 'ai_video', 'qr', 'lbs')

# x / d rounded half away from zero (x, d >= 0) in integers, printed with 4 places;
# pt(s, tz): a time of any of the job's forms as a local TIMESTAMP (NULL when it is none of them)
MACROS = """
CREATE MACRO rnd(x, d) AS (2 * CAST(x AS HUGEINT) + d) // (2 * CAST(d AS HUGEINT));
CREATE MACRO fmt4(x, d) AS printf('%d.%04d', rnd(x, d) // 10000, rnd(x, d) % 10000);
CREATE MACRO pt(s, tz) AS CASE
    WHEN s IS NULL OR s = '' THEN NULL
    WHEN length(s) = 14 THEN try_strptime(s, '%Y%m%d%H%M%S')
    WHEN contains(s, 'T') THEN timezone(tz, try_strptime(CASE WHEN suffix(s, 'Z') THEN left(s, -1) || '+00:00'
                                                                ELSE s END,
                                                           ['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%g%z']))
    ELSE try_strptime(s, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%g']) END;
"""


def job_timezone(path):
    m = re.search(r'^timezone:\s*"?([A-Za-z_/+-]+)"?', open(path, encoding='utf-8').read(), re.M)
    return m.group(1) if m else 'Asia/Shanghai'


def main(data, job):
    out = os.path.join(data, 'out-duckdb')
    os.makedirs(out, exist_ok=True)
    db = os.path.join(data, 'duckdb.db')
    for f in (db, db + '.wal'):
        if os.path.exists(f):
            os.remove(f)
    tz = job_timezone(job)
    con = duckdb.connect(db)
    q = con.execute
    for stmt in MACROS.strip().split(';\n'):
        q(stmt)

    # ---- venues: valid codes, the first row of a code stands
    q(f"""CREATE TABLE venues_in AS
          SELECT * FROM read_csv('{os.path.join(data, 'venues.csv')}', header = true, auto_detect = false,
                                 quote = '"', escape = '"',
                                 columns = {{'venue_code': 'VARCHAR', 'name': 'VARCHAR', 'venue_type': 'VARCHAR',
                                             'level': 'VARCHAR', 'admin_code': 'VARCHAR', 'lon': 'DOUBLE',
                                             'lat': 'DOUBLE'}})""")
    q("""CREATE TABLE venues AS
         SELECT * EXCLUDE (rid) FROM (
           SELECT rowid AS rid, * FROM venues_in
           WHERE regexp_full_match(venue_code, '[0-9]{12}') AND regexp_full_match(admin_code, '[0-9]{6}')
             AND regexp_full_match(venue_type, '[0-9]{2}') AND regexp_full_match(level, '[0-9]')
             AND left(venue_code, 6) = admin_code AND substr(venue_code, 7, 2) = venue_type
             AND substr(venue_code, 9, 1) = level
             AND lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90)
         QUALIFY row_number() OVER (PARTITION BY venue_code ORDER BY rid) = 1""")

    # ---- footfall rows: every line, in file order (the table's rowid), times as local TIMESTAMPs, the reason
    #      of a reject (a projection of the scan only, so the rows keep the file's order)
    q(f"""CREATE TABLE footfall_rows AS
          SELECT venue_code, device_id, source, period_start, period_end, in_text, out_text, uploaded_at,
                 CASE WHEN coalesce(device_id, '') = '' THEN 'device_id'
                      WHEN source IS NULL OR source NOT IN {SOURCES} THEN 'source'
                      WHEN period_start IS NULL OR period_end IS NULL
                           OR (coalesce(up_text, '') <> '' AND uploaded_at IS NULL) THEN 'time'
                      WHEN NOT regexp_full_match(coalesce(in_text, ''), '[0-9]+') THEN 'in_count'
                      WHEN NOT regexp_full_match(coalesce(out_text, ''), '[0-9]+') THEN 'out_count'
                      WHEN period_end <= period_start THEN 'period_end'
                      WHEN uploaded_at < period_end THEN 'uploaded_at' END AS reject
          FROM (SELECT venue_code, device_id, source, pt(period_start, '{tz}') AS period_start,
                       pt(period_end, '{tz}') AS period_end, in_count AS in_text, out_count AS out_text,
                       pt(uploaded_at, '{tz}') AS uploaded_at, uploaded_at AS up_text
                FROM read_csv('{os.path.join(data, 'venue_footfall.csv')}', header = true, auto_detect = false,
                              quote = '"', escape = '"',
                              columns = {{'venue_code': 'VARCHAR', 'device_id': 'VARCHAR', 'source': 'VARCHAR',
                                          'period_start': 'VARCHAR', 'period_end': 'VARCHAR',
                                          'in_count': 'VARCHAR', 'out_count': 'VARCHAR',
                                          'uploaded_at': 'VARCHAR'}}))""")

    # ---- the rows that stand: per venue, device, source and period_start the first valid line;
    #      later equal lines (period_end and counts) are repeats, the others rejects
    q("""CREATE TABLE footfall AS
         SELECT venue_code, device_id, source, period_start, f.period_end, f.in_count, f.out_count, f.uploaded_at,
                f.uploaded_at IS NOT NULL
                  AND epoch_us(f.uploaded_at) - epoch_us(f.period_end) > 3600000000 AS late,
                n - 1 AS later_lines
         FROM (SELECT venue_code, device_id, source, period_start,
                      arg_min({'period_end': period_end, 'in_count': CAST(in_text AS BIGINT),
                               'out_count': CAST(out_text AS BIGINT), 'uploaded_at': uploaded_at}, rowid) AS f,
                      count(*) AS n
               FROM footfall_rows WHERE reject IS NULL GROUP BY ALL)
         WHERE venue_code IN (SELECT venue_code FROM venues)""")
    n_rep, n_other = q("""
         SELECT count(*) FILTER (WHERE same) - count(DISTINCT (r.venue_code, r.device_id, r.source, r.period_start)),
                count(*) FILTER (WHERE NOT same)
         FROM (SELECT r.venue_code, r.device_id, r.source, r.period_start,
                      r.period_end = f.period_end AND CAST(r.in_text AS BIGINT) = f.in_count
                        AND CAST(r.out_text AS BIGINT) = f.out_count AS same
               FROM footfall_rows r JOIN (SELECT * FROM footfall WHERE later_lines > 0) f
                 USING (venue_code, device_id, source, period_start)
               WHERE r.reject IS NULL) r""").fetchone()
    n_unknown = q("""SELECT count(*) FROM footfall_rows
                     WHERE reject IS NULL AND venue_code NOT IN (SELECT venue_code FROM venues)""").fetchone()[0]

    # ---- reports
    q("""CREATE TABLE venue_footfall AS
         SELECT venue_code, CAST(period_start AS DATE) AS date, hour(period_start) AS hour,
                sum(in_count) AS in_count, sum(out_count) AS out_count
         FROM footfall GROUP BY ALL ORDER BY venue_code, date, hour""")
    q("""CREATE TABLE venue_summary AS
         WITH d AS (
           SELECT venue_code, CAST(period_start AS DATE) AS date,
                  count(DISTINCT hour(period_start) * 4 + minute(period_start) // 15) AS slots,
                  count(*) FILTER (WHERE late) AS late_uploads,
                  array_to_string(list_sort(list(DISTINCT source)), ';') AS sources
           FROM footfall GROUP BY ALL),
         h AS (
           SELECT venue_code, date, sum(in_count) AS total_in, sum(out_count) AS total_out,
                  arg_min(hour, -in_count * 24 + hour) AS peak_hour, max(in_count) AS peak_in
           FROM venue_footfall GROUP BY ALL)
         SELECT h.venue_code, v.name, h.date, h.total_in, h.total_out, h.peak_hour, h.peak_in,
                fmt4(d.slots * 10000, 96) AS coverage, d.late_uploads, d.sources, d.slots
         FROM h JOIN d USING (venue_code, date) JOIN venues v USING (venue_code)
         ORDER BY h.venue_code, h.date""")

    # ---- export
    q(f"""COPY (SELECT * FROM venue_footfall ORDER BY venue_code, date, hour)
          TO '{os.path.join(out, 'venue_footfall.csv')}' (HEADER, DELIMITER ',')""")
    q(f"""COPY (SELECT * EXCLUDE (slots) FROM venue_summary ORDER BY venue_code, date)
          TO '{os.path.join(out, 'venue_summary.csv')}' (HEADER, DELIMITER ',')""")

    # ---- summary (and the generator's own counts, when present)
    got = dict(zip(
        ['data_rows', 'stored_rows', 'total_in', 'total_out', 'late_uploads', 'venue_days', 'venue_hours', 'slots',
         'rows_longer_than_15_min', 'venues_loaded'],
        q("""SELECT (SELECT count(*) FROM footfall_rows), count(*), sum(in_count), sum(out_count),
                    count(*) FILTER (WHERE late), (SELECT count(*) FROM venue_summary),
                    (SELECT count(*) FROM venue_footfall), (SELECT sum(slots) FROM venue_summary),
                    count(*) FILTER (WHERE period_end - period_start > INTERVAL 15 MINUTE),
                    (SELECT count(*) FROM venues)
             FROM footfall""").fetchone()))
    got.update(zip(['sum_peak_hour', 'sum_peak_in', 'sum_coverage_e4', 'hour_weighted_in'], q(
        """SELECT sum(peak_hour), sum(peak_in), sum(rnd(slots * 10000, 96)),
                  (SELECT sum(in_count * (epoch(period_start)::BIGINT // 3600 + 1 - (SELECT
                                epoch(min(CAST(period_start AS DATE)))::BIGINT // 3600 FROM footfall)))
                   FROM footfall)
           FROM venue_summary""").fetchone()))
    got['repeats'] = n_rep
    rejects = dict(q("SELECT reject, count(*) FROM footfall_rows WHERE reject IS NOT NULL GROUP BY ALL "
                     "ORDER BY ALL").fetchall())
    if n_unknown:
        rejects['venue_code'] = n_unknown
    if n_other:
        rejects['in_count (other counts)'] = n_other
    got['rejects_total'] = sum(rejects.values())
    con.close()
    print(f"duckdb: {got['data_rows']:,} footfall rows, {got['stored_rows']:,} stand, {n_rep:,} repeats, "
          f"{got['rejects_total']} rejects ({', '.join(f'{k} {v}' for k, v in rejects.items())}), "
          f"{got['late_uploads']:,} late; {got['venue_days']:,} venue-days, {got['venue_hours']:,} venue-hours "
          f"-> {out}", file=sys.stderr)
    exp_path = os.path.join(data, 'expected_counts.json')
    if os.path.exists(exp_path):
        exp = json.load(open(exp_path, encoding='utf-8'))
        diff = {k: (v, exp.get(k)) for k, v in got.items() if v != exp.get(k)}
        print('duckdb: totals match the generator' if not diff else
              f'duckdb: totals differ from the generator (duckdb, generator): {diff}', file=sys.stderr)
        if diff:
            sys.exit(1)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), 'data', 'venues'),
         sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, 'province-month.yaml'))
