#!/usr/bin/env python3
"""Peer: the district year of community_access in DuckDB, from the files to the reports.

    python3 bench/communities/duckdb_communities.py [DATA_DIR] [JOB_YAML]
        # defaults bench/data/communities, bench/communities/district-year.yaml

Builds the persistent database DATA_DIR/duckdb.db from scratch, as a store would:
- communities, community_devices, addresses: every row with its physical line and
  the reject field (NULL when it loads); the first valid row of a ptzcm / sbbm stands;
- person_access: every record (file order = the table's rowid), personal columns
  (xm, zjhm, lxfs, photos) never read, codes as numbers, the record's own event time
  (jrsj for crlx 1, lksj for crlx 2) as a local TIMESTAMP, the reject field;
- vehicle_access: the same; the plate stored only masked (first two characters +
  *** + last two) with a keyed hash (sha256 of a random per-store key + plate, 64
  bits) that tells vehicles apart; the clear plate is not stored;
- rejects: file, line, field, reason of every rejected row;
then the six reports of the rules (/tmp/community-rules.md, bench/communities/README.md)
in SQL, exported as UTF-8 CSV (no BOM) to DATA_DIR/out-duckdb/ (+ rejects.csv).

Input paths, params.as_of and params.resident_entries_30d come from the job file
(paths relative to it). Columns are found by header name, case-insensitively.
When DATA_DIR/expected_counts.json (written by make_district_year.py) exists, the
totals and the planted suspected rows are checked against it (exit 1 when they differ).
"""
import csv
import io
import json
import os
import re
import secrets
import sys
from datetime import datetime

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = datetime(2025, 6, 1)        # the generator's second 0, for its checksums only

KMFS = [(1, '刷卡开门'), (2, '指纹开门'), (3, '远程开门'), (4, '按钮开门'), (5, '钥匙开门'), (6, '身份证开门'),
        (7, '二维码开门'), (8, '动态密码开门'), (9, '人脸开门'), (10, '无感知'), (99, '其他')]
SBLX = [(1, '卡口'), (2, '摄像头'), (3, '道闸'), (4, '门禁'), (5, '人脸识别'), (6, '人脸抓拍机')]

# x / d rounded half up (x, d >= 0) with 4 decimals, in integers; pt(s): a time of the rules' forms as a
# Beijing-time TIMESTAMP (NULL when empty; 'bad' marks a non-empty string that is no time)
MACROS = r"""
CREATE MACRO rnd4(x, d) AS (2 * CAST(x AS HUGEINT) * 10000 + d) // (2 * CAST(d AS HUGEINT));
CREATE MACRO fmt4(x, d) AS printf('%d.%04d', rnd4(x, d) // 10000, rnd4(x, d) % 10000);
CREATE MACRO pt(s) AS CASE
    WHEN s IS NULL OR s = '' THEN NULL
    WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{3})?')
        THEN try_strptime(s, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%g'])
    WHEN regexp_full_match(s, '\d{14}') THEN try_strptime(s, '%Y%m%d%H%M%S')
    WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?')   -- ISO without an offset: naive, Beijing time
        THEN try_strptime(s, ['%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%g'])
    WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)')
        THEN timezone('Asia/Shanghai', try_strptime(
               regexp_replace(regexp_replace(s, 'Z$', '+00:00'), '([+-]\d{2})$', '\1:00'),
               ['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z']))
    END;
CREATE MACRO bad_time(s) AS coalesce(s, '') <> '' AND pt(s) IS NULL;
CREATE MACRO e(s) AS coalesce(s, '') = '';
CREATE MACRO num_ok(s) AS e(s) OR TRY_CAST(s AS DOUBLE) IS NOT NULL;
"""


def job(path):
    text = open(path, encoding='utf-8').read()
    base = os.path.dirname(os.path.abspath(path))
    inputs, params, sec = {}, {}, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        m = re.match(r'^(\w+):\s*(.*)$', line)
        if m:
            sec = m.group(1)
            continue
        m = re.match(r'^\s+(\w+):\s*"?([^"#]*?)"?\s*(#.*)?$', line)
        if m and sec == 'inputs':
            inputs[m.group(1)] = m.group(2)
        elif m and sec == 'params':
            params[m.group(1)] = m.group(2)
    return {k: (v, os.path.normpath(os.path.join(base, v))) for k, v in inputs.items()}, params


def header(path):
    """The file's header names (BOM stripped) and a map lower-case name -> header name."""
    with open(path, 'rb') as fh:
        raw = fh.readline()
    text = raw.decode('utf-8-sig')
    names = next(csv.reader(io.StringIO(text)))
    return names, {n.strip().lower(): n for n in names}


def scan(path, wanted):
    """read_csv of every column as text (all named, so nothing is sniffed); a SELECT list of the
    wanted columns by their lower-case names (NULL for a missing optional column)."""
    names, lower = header(path)
    cols = ', '.join(f"'{n}': 'VARCHAR'" for n in names)
    src = (f"read_csv('{path}', header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
           f"columns = {{{cols}}})")
    sel = ', '.join(f'"{lower[w]}" AS {w}' if w in lower else f'CAST(NULL AS VARCHAR) AS {w}' for w in wanted)
    return src, sel


def main(data, job_path):
    inputs, params = job(job_path)
    out = os.path.join(data, 'out-duckdb')
    os.makedirs(out, exist_ok=True)
    db = os.path.join(data, 'duckdb.db')
    for f in (db, db + '.wal'):
        if os.path.exists(f):
            os.remove(f)
    con = duckdb.connect(db)
    q = con.execute
    for stmt in MACROS.strip().split(';\n'):
        q(stmt)
    q('CREATE TABLE kmfs_names (kmfs UTINYINT, kmfs_name VARCHAR)')
    q('INSERT INTO kmfs_names VALUES ' + ', '.join(f"({k}, '{n}')" for k, n in KMFS))
    q('CREATE TABLE sblx_names (sblx UTINYINT, sblx_name VARCHAR)')
    q('INSERT INTO sblx_names VALUES ' + ', '.join(f"({k}, '{n}')" for k, n in SBLX))
    q("CREATE TABLE rejects (file VARCHAR, line BIGINT, field VARCHAR, reason VARCHAR)")
    kmfs_codes = tuple(str(k) for k, _ in KMFS)

    # ---- communities: line (+ newlines inside quoted fields before it), checks, the first valid ptzcm stands
    shown, path = inputs['communities']
    src, sel = scan(path, ['ptzcm', 'xqmc', 'admin_code', 'lon', 'lat'])
    q(f"""CREATE TABLE communities_in AS SELECT * FROM (SELECT {sel} FROM {src})""")
    lines = """2 + rowid + coalesce(sum(nl) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)"""

    def nl(cols):
        return ' + '.join(f"(length(coalesce({c}, '')) - length(replace(coalesce({c}, ''), chr(10), '')))"
                          for c in cols)
    q(f"""CREATE TABLE communities_all AS
          SELECT {lines} AS line, * EXCLUDE (nl, rowid),
                 CASE WHEN e(ptzcm) THEN 'ptzcm' WHEN e(xqmc) THEN 'xqmc'
                      WHEN NOT regexp_full_match(coalesce(admin_code, ''), '[0-9]{{6}}') THEN 'admin_code'
                      WHEN NOT num_ok(lon) OR TRY_CAST(lon AS DOUBLE) NOT BETWEEN -180 AND 180 THEN 'lon'
                      WHEN NOT num_ok(lat) OR TRY_CAST(lat AS DOUBLE) NOT BETWEEN -90 AND 90 THEN 'lat' END AS reject
          FROM (SELECT rowid, *, {nl(['ptzcm', 'xqmc', 'admin_code', 'lon', 'lat'])} AS nl FROM communities_in)""")
    q("""UPDATE communities_all SET reject = 'ptzcm' FROM (
           SELECT line, row_number() OVER (PARTITION BY ptzcm ORDER BY line) AS k FROM communities_all
           WHERE reject IS NULL) d WHERE communities_all.line = d.line AND d.k > 1""")
    q("""CREATE TABLE communities AS SELECT ptzcm, xqmc, admin_code, TRY_CAST(lon AS DOUBLE) AS lon,
                TRY_CAST(lat AS DOUBLE) AS lat FROM communities_all WHERE reject IS NULL ORDER BY line""")
    q(f"""INSERT INTO rejects SELECT '{shown}', line, reject, 'invalid or repeated ' || reject
          FROM communities_all WHERE reject IS NOT NULL""")
    q('DROP TABLE communities_in')

    # ---- devices
    shown, path = inputs['community_devices']
    dcols = ['sbbm', 'sbmc', 'sblx', 'zxzt', 'syzt', 'sbjd', 'sbwd', 'ptzcm']
    src, sel = scan(path, dcols)
    q(f"""CREATE TABLE devices_in AS SELECT {sel} FROM {src}""")
    q(f"""CREATE TABLE devices_all AS
          SELECT {lines} AS line, * EXCLUDE (nl, rowid),
                 CASE WHEN e(sbbm) THEN 'sbbm' WHEN e(sbmc) THEN 'sbmc'
                      WHEN coalesce(sblx, '') NOT IN ('1', '2', '3', '4', '5', '6') THEN 'sblx'
                      WHEN coalesce(zxzt, '') NOT IN ('1', '2', '3') THEN 'zxzt'
                      WHEN coalesce(syzt, '') NOT IN ('10', '20', '30', '40', '50', '90') THEN 'syzt'
                      WHEN NOT num_ok(sbjd) THEN 'sbjd' WHEN NOT num_ok(sbwd) THEN 'sbwd'
                      WHEN e(sbjd) AND NOT e(sbwd) THEN 'sbjd' WHEN e(sbwd) AND NOT e(sbjd) THEN 'sbwd'
                      WHEN e(ptzcm) OR ptzcm NOT IN (SELECT ptzcm FROM communities) THEN 'ptzcm' END AS reject
          FROM (SELECT rowid, *, {nl(dcols)} AS nl FROM devices_in)""")
    q("""UPDATE devices_all SET reject = 'sbbm' FROM (
           SELECT line, row_number() OVER (PARTITION BY sbbm ORDER BY line) AS k FROM devices_all
           WHERE reject IS NULL) d WHERE devices_all.line = d.line AND d.k > 1""")
    q("""CREATE TABLE community_devices AS
         SELECT sbbm, sbmc, CAST(sblx AS UTINYINT) AS sblx, CAST(zxzt AS UTINYINT) AS zxzt,
                CAST(syzt AS UTINYINT) AS syzt, TRY_CAST(sbjd AS DOUBLE) AS sbjd, TRY_CAST(sbwd AS DOUBLE) AS sbwd,
                ptzcm
         FROM devices_all WHERE reject IS NULL ORDER BY line""")
    q(f"""INSERT INTO rejects SELECT '{shown}', line, reject, 'invalid or repeated ' || reject
          FROM devices_all WHERE reject IS NOT NULL""")
    q('DROP TABLE devices_in')

    # ---- addresses (B.7): all text; djsj, when not empty, must be a time
    shown, path = inputs['addresses']
    acols = ['dzbm', 'xz', 'xqmc', 'ldphxlh', 'ldph', 'dyhxh', 'dyh', 'lch', 'fjhxh', 'fjh', 'djsj', 'ptzcm']
    src, sel = scan(path, acols)
    q(f"""CREATE TABLE addresses_in AS SELECT {sel} FROM {src}""")
    q(f"""CREATE TABLE addresses AS
          SELECT {lines} AS line, * EXCLUDE (nl, rowid, djsj), djsj, pt(djsj) AS registered,
                 CASE WHEN bad_time(djsj) THEN 'djsj' END AS reject
          FROM (SELECT rowid, *, {nl(acols)} AS nl FROM addresses_in)""")
    q(f"""INSERT INTO rejects SELECT '{shown}', line, reject, 'not a time' FROM addresses WHERE reject IS NOT NULL""")
    q('DROP TABLE addresses_in')

    # ---- person records: a projection of the scan only (rowid = file order); personal columns never read
    shown, path = inputs['person_access']
    src, sel = scan(path, ['ryid', 'dabh', 'zhlx', 'kmfs', 'kmzt', 'crlx', 'sbbm', 'jrsj', 'lksj', 'sfbxq', 'ptzcm'])
    q(f"""CREATE TABLE person_access AS
          SELECT ryid, dabh, TRY_CAST(zhlx AS UTINYINT) AS zhlx, TRY_CAST(kmfs AS UTINYINT) AS kmfs,
                 TRY_CAST(kmzt AS UTINYINT) AS kmzt, TRY_CAST(crlx AS UTINYINT) AS crlx, sbbm,
                 CASE crlx WHEN '1' THEN jr WHEN '2' THEN lk END AS t,
                 TRY_CAST(sfbxq AS UTINYINT) AS sfbxq, ptzcm,
                 CASE WHEN coalesce(zhlx, '') NOT IN ('0', '1', '2', '3', '4', '5', '9') THEN 'zhlx'
                      WHEN coalesce(kmfs, '') NOT IN {kmfs_codes} THEN 'kmfs'
                      WHEN coalesce(kmzt, '') NOT IN ('1', '2') THEN 'kmzt'
                      WHEN coalesce(crlx, '') NOT IN ('1', '2') THEN 'crlx'
                      WHEN NOT e(sfbxq) AND sfbxq NOT IN ('0', '1') THEN 'sfbxq'
                      WHEN e(ptzcm) THEN 'ptzcm'
                      WHEN e(ryid) AND e(dabh) THEN 'dabh'
                      WHEN bad_time(jrsj) OR (crlx = '1' AND jr IS NULL) THEN 'jrsj'
                      WHEN bad_time(lksj) OR (crlx = '2' AND lk IS NULL) THEN 'lksj' END AS reject
          FROM (SELECT *, pt(jrsj) AS jr, pt(lksj) AS lk FROM (SELECT {sel} FROM {src}))""")
    q("""UPDATE person_access SET reject = 'ptzcm'
         WHERE reject IS NULL AND ptzcm NOT IN (SELECT ptzcm FROM communities)""")
    q(f"""INSERT INTO rejects SELECT '{shown}', rowid + 2, reject,
                 CASE WHEN reject = 'ptzcm' THEN 'empty or no community' ELSE 'missing or invalid' END
          FROM person_access WHERE reject IS NOT NULL""")

    # ---- vehicle records: plate masked + keyed hash, never stored in clear
    shown, path = inputs['vehicle_access']
    key = secrets.token_hex(16)
    src, sel = scan(path, ['cphm', 'tclx', 'crlx', 'sbbm', 'jrsj', 'lksj', 'txqk', 'sfbxq', 'ptzcm', 'clpp', 'cllx'])
    q(f"""CREATE TABLE vehicle_access AS
          SELECT left(cphm, 2) || '***' || right(cphm, 2) AS plate,
                 ('0x' || left(sha256('{key}' || cphm), 16))::UBIGINT AS vkey,
                 TRY_CAST(tclx AS UTINYINT) AS tclx, TRY_CAST(crlx AS UTINYINT) AS crlx, sbbm,
                 CASE crlx WHEN '1' THEN jr WHEN '2' THEN lk END AS t,
                 TRY_CAST(txqk AS UTINYINT) AS txqk, TRY_CAST(sfbxq AS UTINYINT) AS sfbxq, ptzcm,
                 TRY_CAST(clpp AS TINYINT) AS clpp, TRY_CAST(cllx AS UTINYINT) AS cllx,
                 CASE WHEN e(cphm) OR length(cphm) NOT BETWEEN 5 AND 10 OR contains(cphm, ' ')
                           OR contains(cphm, '*') THEN 'cphm'
                      WHEN NOT e(tclx) AND tclx NOT IN ('0', '1', '2') THEN 'tclx'
                      WHEN coalesce(crlx, '') NOT IN ('1', '2') THEN 'crlx'
                      WHEN e(sbbm) THEN 'sbbm'
                      WHEN coalesce(txqk, '') NOT IN ('0', '1') THEN 'txqk'
                      WHEN NOT e(sfbxq) AND sfbxq NOT IN ('0', '1') THEN 'sfbxq'
                      WHEN e(ptzcm) THEN 'ptzcm'
                      WHEN NOT e(clpp) AND clpp NOT IN ('-1', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10',
                           '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25',
                           '26', '27', '28') THEN 'clpp'
                      WHEN NOT e(cllx) AND cllx NOT IN ('0', '1', '2', '3', '4', '5', '6', '10', '11', '12', '14',
                           '99') THEN 'cllx'
                      WHEN bad_time(jrsj) OR (crlx = '1' AND jr IS NULL) THEN 'jrsj'
                      WHEN bad_time(lksj) OR (crlx = '2' AND lk IS NULL) THEN 'lksj' END AS reject
          FROM (SELECT *, pt(jrsj) AS jr, pt(lksj) AS lk FROM (SELECT {sel} FROM {src}))""")
    q("""UPDATE vehicle_access SET reject = 'ptzcm'
         WHERE reject IS NULL AND ptzcm NOT IN (SELECT ptzcm FROM communities)""")
    q(f"""INSERT INTO rejects SELECT '{shown}', rowid + 2, reject,
                 CASE WHEN reject = 'ptzcm' THEN 'empty or no community' ELSE 'missing or invalid' END
          FROM vehicle_access WHERE reject IS NOT NULL""")

    # ---- as_of and the threshold
    if params.get('as_of'):
        as_of = q("SELECT pt(?)", [params['as_of']]).fetchone()[0]
        if as_of is None:
            sys.exit(f"duckdb: params.as_of {params['as_of']!r} is not a time")
    else:
        as_of = q("""SELECT max(t) FROM (SELECT t FROM person_access WHERE reject IS NULL
                     UNION ALL SELECT t FROM vehicle_access WHERE reject IS NULL)""").fetchone()[0]
    n_min = int(params.get('resident_entries_30d', 10))
    A = f"TIMESTAMP '{as_of:%Y-%m-%d %H:%M:%S}'"

    # ---- reports
    q("""CREATE TABLE community_footfall AS
         SELECT ptzcm, CAST(t AS DATE) AS date, hour(t) AS hour,
                count(*) FILTER (WHERE k = 1) AS persons_in, count(*) FILTER (WHERE k = 2) AS persons_out,
                count(*) FILTER (WHERE k = 3) AS vehicles_in, count(*) FILTER (WHERE k = 4) AS vehicles_out
         FROM (SELECT ptzcm, t, crlx AS k FROM person_access WHERE reject IS NULL AND kmzt = 1
               UNION ALL
               SELECT ptzcm, t, crlx + 2 FROM vehicle_access WHERE reject IS NULL AND txqk = 1)
         GROUP BY ALL""")
    q("""CREATE TABLE access_methods AS
         SELECT ptzcm, kmfs, opens, failures, fmt4(failures, opens) AS failure_rate, kmfs_name
         FROM (SELECT ptzcm, kmfs, count(*) AS opens, count(*) FILTER (WHERE kmzt = 2) AS failures
               FROM person_access WHERE reject IS NULL GROUP BY ALL)
         JOIN kmfs_names USING (kmfs)""")
    W = f"t > {A} - INTERVAL 30 DAY"
    q(f"""CREATE TABLE suspected_residents AS
          SELECT * FROM (
            SELECT ptzcm, dabh, min(t) AS first_seen, count(*) FILTER (WHERE {W}) AS entries_30d,
                   max(t) FILTER (WHERE {W}) AS last_seen,
                   count(DISTINCT CAST(t AS DATE)) FILTER (WHERE {W}) AS days_30d
            FROM person_access
            WHERE reject IS NULL AND sfbxq = 0 AND NOT e(dabh) AND kmzt = 1 AND crlx = 1 AND t <= {A}
            GROUP BY ptzcm, dabh)
          WHERE entries_30d >= {n_min}""")
    q(f"""CREATE TABLE suspected_vehicles AS
          SELECT * FROM (
            SELECT ptzcm, any_value(plate) AS plate, vkey, min(t) AS first_seen,
                   count(*) FILTER (WHERE {W}) AS entries_30d, max(t) FILTER (WHERE {W}) AS last_seen,
                   count(DISTINCT CAST(t AS DATE)) FILTER (WHERE {W}) AS days_30d
            FROM vehicle_access
            WHERE reject IS NULL AND sfbxq = 0 AND txqk = 1 AND crlx = 1 AND t <= {A}
            GROUP BY ptzcm, vkey)
          WHERE entries_30d >= {n_min}""")
    q("""CREATE TABLE device_online AS
         SELECT ptzcm, sblx, devices, online,
                CASE WHEN devices > 0 THEN fmt4(online, devices) END AS online_rate, sblx_name,
                offline, fault, not_in_use
         FROM (SELECT ptzcm, sblx, count(*) FILTER (WHERE syzt = 10) AS devices,
                      count(*) FILTER (WHERE syzt = 10 AND zxzt = 1) AS online,
                      count(*) FILTER (WHERE syzt = 10 AND zxzt = 2) AS offline,
                      count(*) FILTER (WHERE syzt = 10 AND zxzt = 3) AS fault,
                      count(*) FILTER (WHERE syzt <> 10) AS not_in_use
               FROM community_devices GROUP BY ALL)
         JOIN sblx_names USING (sblx)""")
    q("""CREATE TABLE address_audit AS
         WITH a AS (
           SELECT *, coalesce(dzbm, '') AS dz,
                  [trim(coalesce(xqmc, '')), trim(coalesce(ldph, '')), trim(coalesce(dyh, '')),
                   trim(coalesce(lch, '')), trim(coalesce(fjh, ''))] AS addr,
                  coalesce(nullif(ptzcm, ''), (SELECT min(c.ptzcm) FROM communities c WHERE c.xqmc = addresses.xqmc),
                           '') AS ptzcm_shown
           FROM addresses WHERE reject IS NULL),
         missing AS (
           SELECT line, concat_ws(', ',
                    CASE WHEN e(dzbm) THEN 'dzbm' END, CASE WHEN e(xz) THEN 'xz' END,
                    CASE WHEN e(xqmc) THEN 'xqmc' END, CASE WHEN e(ldphxlh) THEN 'ldphxlh' END,
                    CASE WHEN e(ldph) THEN 'ldph' END,
                    CASE WHEN e(dyhxh) AND NOT e(dyh) THEN 'dyhxh' END, CASE WHEN e(dyh) AND NOT e(dyhxh) THEN 'dyh' END,
                    CASE WHEN e(fjhxh) AND NOT e(fjh) THEN 'fjhxh' END, CASE WHEN e(fjh) AND NOT e(fjhxh) THEN 'fjh' END,
                    CASE WHEN e(djsj) THEN 'djsj' END) AS fields
           FROM a),
         first_code AS (SELECT dz, min(line) AS first FROM a WHERE dz <> '' GROUP BY dz),
         same_addr AS (
           SELECT r.line, min(o.line) AS first FROM a r JOIN a o ON o.addr = r.addr AND o.line < r.line AND o.dz <> r.dz
           WHERE r.addr[2] <> '' GROUP BY r.line),
         f AS (
           SELECT line, 1 AS k, 'missing_part' AS rule, 'missing ' || fields AS message FROM missing WHERE fields <> ''
           UNION ALL
           SELECT a.line, 2, 'duplicate_code', 'dzbm already on line ' || first_code.first
           FROM a JOIN first_code USING (dz) WHERE a.line > first_code.first
           UNION ALL
           SELECT line, 3, 'duplicate_address', 'same address as line ' || first FROM same_addr
           UNION ALL
           SELECT line, 4, 'unknown_community',
                  CASE WHEN NOT e(ptzcm) THEN 'ptzcm is no community' ELSE 'xqmc is no community''s name' END
           FROM a WHERE CASE WHEN NOT e(ptzcm) THEN ptzcm NOT IN (SELECT ptzcm FROM communities)
                             ELSE NOT e(xqmc) AND xqmc NOT IN (SELECT xqmc FROM communities) END)
         SELECT a.dzbm, f.rule, f.message, f.line, a.xqmc, a.ptzcm_shown AS ptzcm, f.k
         FROM f JOIN a USING (line)""")

    # ---- export (sorted as the rules ask)
    T = "'%Y-%m-%d %H:%M:%S'"
    exports = {
        'community_footfall': "SELECT ptzcm, strftime(date, '%Y-%m-%d') AS date, hour, persons_in, persons_out, "
                              "vehicles_in, vehicles_out FROM community_footfall ORDER BY ptzcm, date, hour",
        'access_methods': 'SELECT * FROM access_methods ORDER BY ptzcm, kmfs',
        'suspected_residents': f'SELECT ptzcm, dabh, strftime(first_seen, {T}) AS first_seen, entries_30d, '
                               f'strftime(last_seen, {T}) AS last_seen, days_30d FROM suspected_residents '
                               f'ORDER BY ptzcm, dabh',
        'suspected_vehicles': f"SELECT ptzcm, plate, strftime(first_seen, {T}) AS first_seen, entries_30d, "
                              f"printf('%012x', vkey >> 16) AS vehicle_id, strftime(last_seen, {T}) AS last_seen, "
                              f"days_30d FROM suspected_vehicles ORDER BY ptzcm, plate, first_seen, entries_30d, vehicle_id",
        'device_online': 'SELECT * FROM device_online ORDER BY ptzcm, sblx',
        'address_audit': 'SELECT * EXCLUDE (k) FROM address_audit ORDER BY line, rule',   # one line's rules by name
        'rejects': 'SELECT * FROM rejects ORDER BY file, line',
    }
    for name, sql in exports.items():
        q(f"COPY ({sql}) TO '{os.path.join(out, name + '.csv')}' (HEADER, DELIMITER ',')")

    # ---- summary and the generator's own counts
    def one(sql):
        return q(sql).fetchone()
    got = {}
    got['person_rows'], got['person_loaded'], got['persons_in'], got['persons_out'], got['person_failures'] = one(
        """SELECT count(*), count(*) FILTER (WHERE reject IS NULL),
                  count(*) FILTER (WHERE reject IS NULL AND kmzt = 1 AND crlx = 1),
                  count(*) FILTER (WHERE reject IS NULL AND kmzt = 1 AND crlx = 2),
                  count(*) FILTER (WHERE reject IS NULL AND kmzt = 2) FROM person_access""")
    (got['vehicle_rows'], got['vehicle_loaded'], got['vehicles_in'], got['vehicles_out'], got['vehicles_refused'],
     got['distinct_plates_loaded']) = one(
        """SELECT count(*), count(*) FILTER (WHERE reject IS NULL),
                  count(*) FILTER (WHERE reject IS NULL AND txqk = 1 AND crlx = 1),
                  count(*) FILTER (WHERE reject IS NULL AND txqk = 1 AND crlx = 2),
                  count(*) FILTER (WHERE reject IS NULL AND txqk = 0),
                  count(DISTINCT vkey) FILTER (WHERE reject IS NULL) FROM vehicle_access""")
    got['access_methods_rows'] = one('SELECT count(*) FROM access_methods')[0]
    base = f"TIMESTAMP '{BASE:%Y-%m-%d %H:%M:%S}'"
    for name, key in (('suspected_residents', 'residents'), ('suspected_vehicles', 'vehicles')):
        r = one(f"""SELECT count(*), coalesce(sum(entries_30d), 0), coalesce(sum(days_30d), 0),
                           coalesce(sum(date_diff('second', {base}, first_seen)), 0),
                           coalesce(sum(date_diff('second', {base}, last_seen)), 0) FROM {name}""")
        for k, v in zip(('rows', 'entries', 'days', 'first_seen_s', 'last_seen_s'), r):
            got[f'suspected_{key}_{k}'] = int(v)
    got['community_footfall_rows'], got['community_footfall_hour_weighted'] = one(
        'SELECT count(*), sum(hour) FROM community_footfall')
    got['communities_loaded'] = one('SELECT count(*) FROM communities')[0]
    got['community_rows'] = one('SELECT count(*) FROM communities_all')[0]
    (got['device_rows'], got['devices_loaded'], got['devices'], got['online'], got['offline'], got['fault'],
     got['not_in_use'], got['rows_without_devices_in_use']) = one(
        """SELECT count(*), (SELECT count(*) FROM community_devices), sum(devices), sum(online), sum(offline),
                  sum(fault), sum(not_in_use), count(*) FILTER (WHERE devices = 0) FROM device_online""")
    got['address_rows'] = one('SELECT count(*) FROM addresses')[0]
    got['address_findings'], got['address_findings_line_sum'], got['address_findings_with_ptzcm'] = one(
        "SELECT count(*), sum(line), count(*) FILTER (WHERE ptzcm <> '') FROM address_audit")
    got['address_findings_by_rule'] = dict(q('SELECT rule, count(*) FROM address_audit GROUP BY ALL ORDER BY ALL')
                                           .fetchall())
    files = {v[0]: k for k, v in inputs.items()}
    got['rejects_total'] = {files[f]: n for f, n in q('SELECT file, count(*) FROM rejects GROUP BY ALL').fetchall()}
    rej_fields = q('SELECT file, field, count(*) FROM rejects GROUP BY ALL ORDER BY ALL').fetchall()

    planted_r = {(p, d): (f, n, l, dd) for p, d, f, n, l, dd in q(
        f"""SELECT ptzcm, dabh, strftime(first_seen, {T}), entries_30d, strftime(last_seen, {T}), days_30d
            FROM suspected_residents WHERE dabh LIKE 'FKJC%'""").fetchall()}
    planted_v = sorted(q(f"""SELECT ptzcm, plate, strftime(first_seen, {T}), entries_30d, strftime(last_seen, {T}),
                                    days_30d FROM suspected_vehicles
                             WHERE plate IN ('津A***45', '冀B***45', '津C***55', 'AB***23', 'WJ***78', '津E***66')
                          """).fetchall())
    con.close()

    fmt = lambda d: ', '.join(f'{k} {v}' for k, v in d.items())
    print(f"duckdb: persons {got['person_rows']:,} ({got['person_rows'] - got['person_loaded']} rejects), vehicles "
          f"{got['vehicle_rows']:,} ({got['vehicle_rows'] - got['vehicle_loaded']} rejects, "
          f"{got['distinct_plates_loaded']:,} vehicles); footfall rows {got['community_footfall_rows']:,}, "
          f"suspected residents {got['suspected_residents_rows']:,}, vehicles {got['suspected_vehicles_rows']:,}, "
          f"device rows {got['device_rows']}, address findings {got['address_findings']} "
          f"({fmt(got['address_findings_by_rule'])}); as_of {as_of:%Y-%m-%d %H:%M:%S} -> {out}", file=sys.stderr)
    print('duckdb: rejects ' + '; '.join(f'{files[f]} {fl} {n}' for f, fl, n in rej_fields), file=sys.stderr)

    exp_path = os.path.join(data, 'expected_counts.json')
    if not os.path.exists(exp_path):
        return
    exp = json.load(open(exp_path, encoding='utf-8'))
    diff = {k: (v, exp.get(k)) for k, v in got.items() if v != exp.get(k)}
    for r in exp.get('planted_suspected_residents', []):
        g = planted_r.get((r['ptzcm'], r['dabh']))
        want = (r['first_seen'], r['entries_30d'], r['last_seen'], r['days_30d']) if r['listed'] else None
        if g != want:
            diff[f"planted resident {r['dabh']}"] = (g, want)
    want_v = sorted((r['ptzcm'], r['plate'], r['first_seen'], r['entries_30d'], r['last_seen'], r['days_30d'])
                    for r in exp.get('planted_suspected_vehicles', []) if r['listed'])
    absent = {(r['ptzcm'], r['plate'], r.get('first_seen')) for r in exp.get('planted_suspected_vehicles', [])
              if not r['listed']}
    have = [g for g in planted_v if g in want_v]
    if sorted(have) != want_v or any((g[0], g[1], g[2]) in absent for g in planted_v):
        diff['planted vehicles'] = (planted_v, want_v)
    print('duckdb: totals and planted rows match the generator' if not diff else
          f'duckdb: differs from the generator (duckdb, generator): {diff}', file=sys.stderr)
    if diff:
        sys.exit(1)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), 'data', 'communities'),
         sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, 'district-year.yaml'))
