#!/usr/bin/env python3
"""Compare two tools' mine reports cell by cell (used by bench/mines/run.sh).

    python3 bench/mines/compare.py REPORT REF=DIR OTHER=DIR
        # REPORT: alarm_stats | camera_online | mine_alarms

Reads DIR/REPORT.csv of both tools (UTF-8; Zonal's BOM is stripped). Compares
the contract's columns, plus the extra columns of the rules that both files
have (listed in the output), row by row on the report's key: numbers
numerically (0.7000 = 0.7), everything else as text, empty = empty; tolerance
0. Then checks that the rows come in the same order. Prints the first
differences; exits 1 when the reports differ or a file is missing.
"""
import csv
import os
import sys
from decimal import Decimal, InvalidOperation

REPORTS = {  # key columns, contract columns, extras of the rules compared when both tools write them
    'alarm_stats': (['region_code', 'alarm_type'],
                    ['region_code', 'alarm_type', 'alarms', 'disposed', 'disposal_rate', 'avg_duration_min',
                     'min_duration_min', 'max_duration_min', 'overdue'],
                    ['level', 'open', 'median_duration_min', 'p90_duration_min']),
    'camera_online': (['mine_id', 'camera_id'],
                      ['mine_id', 'camera_id', 'expected', 'online', 'online_rate'],
                      ['position', 'first_heartbeat', 'last_heartbeat', 'outages', 'offline_min',
                       'offline_reports']),
    'mine_alarms': (['alarm_id'],
                    ['alarm_id', 'mine_id', 'camera_id', 'ai_type_code', 'alarm_type', 'time', 'count',
                     'disposal_type', 'disposed_at', 'duration_min', 'overdue'],
                    ['region_code', 'until', 'deadline']),
}
SHOW = 8


def norm(v):
    v = (v or '').strip()
    if not v or v[0] == '0' and len(v) > 1 and '.' not in v:   # codes such as 01, 0001 stay text
        return v
    try:
        return format(Decimal(v).normalize(), 'f')
    except InvalidOperation:
        return v


def load(path):
    with open(path, encoding='utf-8-sig', newline='') as fh:
        r = csv.DictReader(fh)
        return r.fieldnames or [], list(r)


def main(report, ref, other):
    keys, required, extras = REPORTS[report]
    (rn, rd), (on, od) = ref.split('=', 1), other.split('=', 1)
    paths = {rn: os.path.join(rd, report + '.csv'), on: os.path.join(od, report + '.csv')}
    for n, p in paths.items():
        if not os.path.exists(p):
            print(f'  {report}: {n} wrote no {report}.csv')
            return False
    (rf, rrows), (of, orows) = load(paths[rn]), load(paths[on])
    for n, f in ((rn, rf), (on, of)):
        missing = [c for c in required if c not in f]
        if missing:
            print(f'  {report}: {n} lacks the columns {missing}')
            return False
    cols = required + [c for c in extras if c in rf and c in of]
    skipped = [c for c in extras if c not in cols]
    rmap = {tuple(r[k] for k in keys): r for r in rrows}
    omap = {tuple(r[k] for k in keys): r for r in orows}
    diffs = []
    for k in rmap.keys() - omap.keys():
        diffs.append(f'row {",".join(k)} only in {rn}')
    for k in omap.keys() - rmap.keys():
        diffs.append(f'row {",".join(k)} only in {on}')
    cells = 0
    for k, r in rmap.items():
        o = omap.get(k)
        if o is None:
            continue
        for c in cols:
            if norm(r[c]) != norm(o[c]):
                cells += 1
                diffs.append(f'{",".join(k)} {c}: {rn} {r[c]!r}, {on} {o[c]!r}')
    order_ok = [tuple(r[k] for k in keys) for r in rrows if tuple(r[k] for k in keys) in omap] == \
               [tuple(r[k] for k in keys) for r in orows if tuple(r[k] for k in keys) in rmap]
    note = f'columns: contract + {", ".join(cols[len(required):]) or "no extras"}' + \
           (f' (not in both: {", ".join(skipped)})' if skipped else '')
    if not diffs and order_ok and len(rrows) == len(orows):
        print(f'  {report}: {rn} and {on} agree ({len(rrows):,} rows; {note})')
        return True
    print(f'  {report}: {on} differs from {rn}: {len(orows):,} rows vs {len(rrows):,}, '
          f'{len(omap.keys() - rmap.keys())} rows only in {on}, {len(rmap.keys() - omap.keys())} only in {rn}, '
          f'{cells} cells differ{"" if order_ok else ", rows in another order"} ({note})')
    for d in sorted(diffs)[:SHOW]:
        print(f'    {d}')
    if len(diffs) > SHOW:
        print(f'    … {len(diffs) - SHOW} more')
    return False


if __name__ == '__main__':
    if len(sys.argv) != 4 or sys.argv[1] not in REPORTS:
        sys.exit(__doc__)
    sys.exit(0 if main(*sys.argv[1:]) else 1)
