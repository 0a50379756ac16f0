#!/usr/bin/env python3
"""Compare two tools' community_access reports (used by bench/communities/run.sh).

    python3 bench/communities/compare.py REPORT|all REF=DIR OTHER=DIR
        # REPORT: community_footfall | access_methods | suspected_residents |
        #         suspected_vehicles | device_online | address_audit

Reads DIR/REPORT.csv of both tools (UTF-8; a BOM is stripped) as streams, both
sorted as the rules ask, and merges them on the report's key. Compares every
column of the rules (by header name; other extra columns are ignored): numbers
numerically (0.2500 = 0.25), everything else as text, empty = empty; tolerance 0.
- suspected_vehicles: vehicle_id is not compared (a keyed hash, random per
  store); rows tied on (ptzcm, entries_30d, plate) may come in any order, so
  they are compared as a multiset (first_seen, last_seen, days_30d);
- address_audit: message is free text; it is checked only for what the rules
  say it holds: a missing_part message must name each field REF's message names,
  a duplicate_code message must name REF's line number(s).
A file out of order is a difference (then the two are compared by key in
memory). Prints the first differences; exits 1 when a report differs or is missing.
"""
import csv
import os
import re
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation

# columns (rules' order), sort key [(column, 's' text | 'n' number | 'd' number descending)], tie columns
# (rows equal on the sort key are a multiset), numeric columns, ignored columns
REPORTS = {
    'community_footfall': (['ptzcm', 'date', 'hour', 'persons_in', 'persons_out', 'vehicles_in', 'vehicles_out'],
                           [('ptzcm', 's'), ('date', 's'), ('hour', 'n')],
                           {'hour', 'persons_in', 'persons_out', 'vehicles_in', 'vehicles_out'}, set()),
    'access_methods': (['ptzcm', 'kmfs', 'opens', 'failures', 'failure_rate', 'kmfs_name'],
                       [('ptzcm', 's'), ('kmfs', 'n')], {'kmfs', 'opens', 'failures', 'failure_rate'}, set()),
    'suspected_residents': (['ptzcm', 'dabh', 'first_seen', 'entries_30d', 'last_seen', 'days_30d'],
                            [('ptzcm', 's'), ('dabh', 's')], {'entries_30d', 'days_30d'}, set()),
    'suspected_vehicles': (['ptzcm', 'plate', 'first_seen', 'entries_30d', 'vehicle_id', 'last_seen', 'days_30d'],
                           [('ptzcm', 's'), ('plate', 's'), ('first_seen', 's'), ('entries_30d', 'n')], {'entries_30d', 'days_30d'},
                           {'vehicle_id'}),
    'device_online': (['ptzcm', 'sblx', 'devices', 'online', 'online_rate', 'sblx_name', 'offline', 'fault',
                       'not_in_use'],
                      [('ptzcm', 's'), ('sblx', 'n')],
                      {'sblx', 'devices', 'online', 'online_rate', 'offline', 'fault', 'not_in_use'}, set()),
    'address_audit': (['dzbm', 'rule', 'message', 'line', 'xqmc', 'ptzcm'],
                      [('line', 'n'), ('rule', 's')], {'line'}, {'message'}),
}
RULE_ORDER = {'missing_part': 0, 'duplicate_code': 1, 'duplicate_address': 2, 'unknown_community': 3}
FIELDS = {'dzbm', 'xz', 'xqmc', 'ldphxlh', 'ldph', 'dyhxh', 'dyh', 'lch', 'fjhxh', 'fjh', 'djsj'}
SHOW = 8


def num(v):
    v = (v or '').strip()
    if not v:
        return ''
    try:
        return format(Decimal(v).normalize(), 'f')
    except InvalidOperation:
        return v


def sort_part(v, kind):
    try:
        if kind == 'n':
            return Decimal(v)
        if kind == 'd':
            return -Decimal(v)
    except InvalidOperation:
        return Decimal('Infinity')
    if kind == 'r':
        return RULE_ORDER.get(v, 9)
    return v


class Reader:
    """Groups of rows with an equal sort key, as (sort key, shown key, Counter of value tuples)."""

    def __init__(self, path, report, cols):
        _, key, numeric, ignored = REPORTS[report]
        self.fh = open(path, encoding='utf-8-sig', newline='')
        self.rows = csv.reader(self.fh)
        header = next(self.rows, [])
        self.ki = [(header.index(c), k) for c, k in key]
        self.vi = [(header.index(c), c in numeric) for c in cols]
        self.count, self.unsorted = 0, None

    def __iter__(self):
        last, group, gkey, shown = None, None, None, None
        for r in self.rows:
            if not r:
                continue
            self.count += 1
            sk = tuple(sort_part(r[i], k) for i, k in self.ki)
            vals = tuple(num(r[i]) if n else r[i] for i, n in self.vi)
            if last is not None and sk < last and self.unsorted is None:
                self.unsorted = (self.count, ','.join(r[i] for i, _ in self.ki))
            last = sk
            if sk == gkey:
                group[vals] += 1
                continue
            if group is not None:
                yield gkey, shown, group
            gkey, shown, group = sk, ','.join(r[i] for i, _ in self.ki), Counter([vals])
        if group is not None:
            yield gkey, shown, group
        self.fh.close()


def message_ok(rule, ref, other):
    if rule == 'missing_part':
        return set(re.findall(r'[a-z]+', ref)) & FIELDS <= set(re.findall(r'[a-z]+', other))
    if rule == 'duplicate_code':
        return set(re.findall(r'\d+', ref)) <= set(re.findall(r'\d+', other))
    return True


def compare(report, ref, other):
    cols_all, key, numeric, ignored = REPORTS[report]
    (rn, rd), (on, od) = ref.split('=', 1), other.split('=', 1)
    paths = {rn: os.path.join(rd, report + '.csv'), on: os.path.join(od, report + '.csv')}
    for n, p in paths.items():
        if not os.path.exists(p):
            print(f'  {report}: {n} wrote no {report}.csv')
            return False
    heads = {}
    for n, p in paths.items():
        with open(p, encoding='utf-8-sig', newline='') as fh:
            heads[n] = next(csv.reader(fh), [])
        missing = [c for c in cols_all if c not in heads[n] and c not in ignored]
        if missing:
            print(f'  {report}: {n} lacks the columns {missing}')
            return False
    cols = [c for c in cols_all if c not in ignored]
    msg = 'message' in ignored and all('message' in h for h in heads.values())
    if msg:
        cols.append('message')
    note = 'vehicle_id not compared, ties as a multiset' if report == 'suspected_vehicles' else \
        'message checked for its fields / line' if msg else 'all columns'

    diffs, only_r, only_o, cells, n_msg = [], 0, 0, 0, 0

    def cmp_groups(shown, a, b):
        nonlocal cells, n_msg
        if msg:   # the message is compared apart: strip it, check it loosely
            ka, kb = sorted(a.elements()), sorted(b.elements())
            if len(ka) == len(kb) and all(x[:-1] == y[:-1] for x, y in zip(ka, kb)):
                for x, y in zip(ka, kb):
                    if not message_ok(x[1], x[-1], y[-1]):
                        n_msg += 1
                        if len(diffs) < SHOW:
                            diffs.append(f'{shown} message: {rn} {x[-1]!r}, {on} {y[-1]!r}')
                return
        if a != b:
            cells += 1
            if len(diffs) < SHOW:
                ra, ob = a - b, b - a
                diffs.append(f'{shown}: {rn} {dict(zip(cols, next(iter(ra)))) if ra else "-"}, '
                             f'{on} {dict(zip(cols, next(iter(ob)))) if ob else "-"}')

    R, O = Reader(paths[rn], report, cols), Reader(paths[on], report, cols)
    ri, oi = iter(R), iter(O)
    r, o = next(ri, None), next(oi, None)
    while r is not None or o is not None:
        if o is None or (r is not None and r[0] < o[0]):
            only_r += sum(r[2].values())
            if len(diffs) < SHOW:
                diffs.append(f'row {r[1]} only in {rn}')
            r = next(ri, None)
        elif r is None or o[0] < r[0]:
            only_o += sum(o[2].values())
            if len(diffs) < SHOW:
                diffs.append(f'row {o[1]} only in {on}')
            o = next(oi, None)
        else:
            cmp_groups(r[1], r[2], o[2])
            r, o = next(ri, None), next(oi, None)
    unsorted = [(n, x.unsorted) for n, x in ((rn, R), (on, O)) if x.unsorted]
    if unsorted:   # the merge is meaningless: compare by key in memory
        diffs, cells, n_msg = [f'{n}: row {i} ({k}) is out of order' for n, (i, k) in unsorted], 0, 0
        rmap = {g: (s, c) for g, s, c in Reader(paths[rn], report, cols)}
        omap = {}
        for g, s, c in Reader(paths[on], report, cols):
            omap[g] = (s, omap[g][1] + c if g in omap else c)
        only_r = sum(sum(rmap[g][1].values()) for g in rmap.keys() - omap.keys())
        only_o = sum(sum(omap[g][1].values()) for g in omap.keys() - rmap.keys())
        for g in sorted(rmap.keys() & omap.keys()):
            cmp_groups(rmap[g][0], rmap[g][1], omap[g][1])
    total = only_r + only_o + cells + n_msg + len(unsorted)
    if not total and R.count == O.count:
        print(f'  {report}: {rn} and {on} agree ({R.count:,} rows; {note})')
        return True
    print(f'  {report}: {on} differs from {rn}: {O.count:,} rows vs {R.count:,}, {only_o} rows only in {on}, '
          f'{only_r} only in {rn}, {cells} keys with other values, {n_msg} messages'
          f'{", rows out of order" if unsorted else ""} ({note})')
    for d in diffs[:SHOW]:
        print(f'    {d}')
    return False


if __name__ == '__main__':
    if len(sys.argv) != 4 or (sys.argv[1] not in REPORTS and sys.argv[1] != 'all'):
        sys.exit(__doc__)
    names = list(REPORTS) if sys.argv[1] == 'all' else [sys.argv[1]]
    ok = [compare(n, sys.argv[2], sys.argv[3]) for n in names]
    sys.exit(0 if all(ok) else 1)
