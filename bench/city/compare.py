#!/usr/bin/env python3
"""Compare the reports of several tools (used by bench/city/run.sh).

    python3 bench/city/compare.py REPORT TOOL=DIR [TOOL=DIR ...]

Reads DIR/REPORT.csv of every tool (UTF-8, BOM accepted), keeps the contract's
required columns in their order, and compares the rows in file order with the
first tool's: numbers numerically (0.7280 = 0.728), everything else as text,
empty = empty (tolerance 0). Prints one line per tool and the first few
differences; exits 1 when a tool differs or lacks the file.
"""
import csv
import os
import sys
from decimal import Decimal, InvalidOperation

COLUMNS = {
    'infence_rate': ['management_code', 'events_in_zone', 'events_in_parking', 'infence_rate'],
    'infence_by_company': ['management_code', 'company', 'events_in_zone', 'events_in_parking', 'infence_rate'],
    'noparking_events': ['noparking_code', 'company', 'events'],
    'zone_occupancy': ['zone_code', 'time', 'bikes', 'capacity', 'utilization', 'over_capacity'],
    'device_health': ['device_code', 'kind', 'zone_code', 'last_time', 'last_condition', 'last_electricity',
                      'fault_reports', 'low_battery', 'position_check'],
}


def norm(v):
    v = v.strip()
    try:
        return format(Decimal(v).normalize(), 'f') if v else ''
    except InvalidOperation:
        return v


def load(path, cols):
    with open(path, encoding='utf-8-sig', newline='') as fh:
        r = csv.DictReader(fh)
        missing = [c for c in cols if c not in (r.fieldnames or [])]
        if missing:
            raise SystemExit(f'{path}: missing columns {missing}')
        return [tuple(norm(row[c] or '') for c in cols) for row in r]


def main(report, pairs):
    cols = COLUMNS[report]
    tools = [p.split('=', 1) for p in pairs]
    ok = True
    for name, d in tools:
        if not os.path.exists(os.path.join(d, report + '.csv')):
            print(f'  {report}: {name} wrote no {report}.csv')
            ok = False
    tools = [(n, d) for n, d in tools if os.path.exists(os.path.join(d, report + '.csv'))]
    if len(tools) < 2:
        return False
    ref_name, ref_dir = tools[0]
    ref = load(os.path.join(ref_dir, report + '.csv'), cols)
    same = True
    for name, d in tools[1:]:
        path = os.path.join(d, report + '.csv')
        rows = load(path, cols)
        if rows == ref:
            continue
        ok = same = False
        a, b = set(ref), set(rows)
        print(f'  {report}: {name} differs from {ref_name}: {len(rows)} rows vs {len(ref)}, '
              f'{len(b - a)} rows only in {name}, {len(a - b)} only in {ref_name}'
              + (' (same rows, other order)' if a == b else ''))
        for row in sorted(a - b, key=str)[:3]:
            print(f'    {ref_name}: {",".join(map(str, row))}')
        for row in sorted(b - a, key=str)[:3]:
            print(f'    {name}: {",".join(map(str, row))}')
    if same:
        print(f'  {report}: {", ".join(n for n, _ in tools)} agree ({len(ref):,} rows)')
    return ok


if __name__ == '__main__':
    sys.exit(0 if main(sys.argv[1], sys.argv[2:]) else 1)
