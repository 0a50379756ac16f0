#!/usr/bin/env python3
"""Compare two tools' venue reports cell by cell (used by bench/venues/run.sh).

    python3 bench/venues/compare.py REPORT REF=DIR OTHER=DIR
        # REPORT: venue_summary | venue_footfall

Reads DIR/REPORT.csv of both tools (UTF-8; Zonal's BOM is stripped). Compares
the contract's columns, plus the extra columns of the rules that both files
have (listed in the output), row by row on the report's key: numbers
numerically (0.7000 = 0.7), everything else as text, empty = empty; tolerance
0. Both files are read as streams and merged on the key (venue_footfall has
~1.4 million rows), so the rows must come sorted by the key (venue_code, date,
hour numerically) as the rules ask; a file out of order is a difference and is
then compared by key in memory. Prints the first differences; exits 1 when the
reports differ or a file is missing.
"""
import csv
import os
import sys
from decimal import Decimal, InvalidOperation

REPORTS = {  # key columns, contract columns, extras of the rules compared when both tools write them
    'venue_summary': (['venue_code', 'date'],
                      ['venue_code', 'name', 'date', 'total_in', 'total_out', 'peak_hour', 'peak_in', 'coverage'],
                      ['late_uploads', 'sources']),
    'venue_footfall': (['venue_code', 'date', 'hour'],
                       ['venue_code', 'date', 'hour', 'in_count', 'out_count'],
                       []),
}
SHOW = 8


def norm(v):
    v = (v or '').strip()
    if not v or v[0] == '0' and len(v) > 1 and '.' not in v:   # codes such as 01 stay text
        return v
    try:
        return format(Decimal(v).normalize(), 'f')
    except InvalidOperation:
        return v


NUMERIC_KEYS = {'hour'}   # sorted numerically; the other key columns are fixed-width text


class Reader:
    """Rows of one report as (sort key, key, values of cols), with a note of the first row out of order."""

    def __init__(self, path, keys, cols):
        self.fh = open(path, encoding='utf-8-sig', newline='')
        self.rows = csv.reader(self.fh)
        self.header = next(self.rows, [])
        self.ki = [self.header.index(k) for k in keys]
        self.num = [k in NUMERIC_KEYS for k in keys]
        self.ci = [self.header.index(c) for c in cols]
        self.count, self.last, self.unsorted = 0, None, None

    def __iter__(self):
        ki, ci, num = self.ki, self.ci, self.num
        for r in self.rows:
            if not r:
                continue
            self.count += 1
            k = tuple(r[i] for i in ki)
            try:
                sk = tuple(int(v) if n else v for v, n in zip(k, num))
            except ValueError:
                sk = k
            if self.last is not None and sk <= self.last and self.unsorted is None:
                self.unsorted = (self.count, k)
            self.last = sk
            yield sk, k, tuple(r[i] for i in ci)


def main(report, ref, other):
    keys, required, extras = REPORTS[report]
    (rn, rd), (on, od) = ref.split('=', 1), other.split('=', 1)
    paths = {rn: os.path.join(rd, report + '.csv'), on: os.path.join(od, report + '.csv')}
    for n, p in paths.items():
        if not os.path.exists(p):
            print(f'  {report}: {n} wrote no {report}.csv')
            return False
    with open(paths[rn], encoding='utf-8-sig', newline='') as a, open(paths[on], encoding='utf-8-sig',
                                                                     newline='') as b:
        rf, of = next(csv.reader(a), []), next(csv.reader(b), [])
    for n, f in ((rn, rf), (on, of)):
        missing = [c for c in required if c not in f]
        if missing:
            print(f'  {report}: {n} lacks the columns {missing}')
            return False
    cols = required + [c for c in extras if c in rf and c in of]
    skipped = [c for c in extras if c not in cols]
    note = f'columns: contract + {", ".join(cols[len(required):]) or "no extras"}' + \
           (f' (not in both: {", ".join(skipped)})' if skipped else '')

    # ---- streaming merge on the key
    R, O = Reader(paths[rn], keys, cols), Reader(paths[on], keys, cols)
    diffs, only_r, only_o, cells = [], 0, 0, 0
    ri, oi = iter(R), iter(O)
    r, o = next(ri, None), next(oi, None)
    while r is not None or o is not None:
        if o is None or (r is not None and r[0] < o[0]):
            only_r += 1
            if len(diffs) < SHOW:
                diffs.append(f'row {",".join(r[1])} only in {rn}')
            r = next(ri, None)
        elif r is None or o[0] < r[0]:
            only_o += 1
            if len(diffs) < SHOW:
                diffs.append(f'row {",".join(o[1])} only in {on}')
            o = next(oi, None)
        else:
            if r[2] != o[2]:
                for c, a_, b_ in zip(cols, r[2], o[2]):
                    if norm(a_) != norm(b_):
                        cells += 1
                        if len(diffs) < SHOW:
                            diffs.append(f'{",".join(r[1])} {c}: {rn} {a_!r}, {on} {b_!r}')
            r, o = next(ri, None), next(oi, None)
    n_r, n_o = R.count, O.count
    R.fh.close()
    O.fh.close()
    unsorted = [(n, x.unsorted) for n, x in ((rn, R), (on, O)) if x.unsorted]
    if unsorted:
        # a file out of order: the merge above is meaningless; compare by key in memory
        diffs, cells = [f'{n}: row {i} ({",".join(k)}) is out of order' for n, (i, k) in unsorted], 0
        rmap = {k: v for _, k, v in Reader(paths[rn], keys, cols)}
        omap = {k: v for _, k, v in Reader(paths[on], keys, cols)}
        only_r, only_o = len(rmap.keys() - omap.keys()), len(omap.keys() - rmap.keys())
        diffs += [f'row {",".join(k)} only in {rn}' for k in sorted(rmap.keys() - omap.keys())[:SHOW]]
        diffs += [f'row {",".join(k)} only in {on}' for k in sorted(omap.keys() - rmap.keys())[:SHOW]]
        for k, v in rmap.items():
            w = omap.get(k)
            for c, a_, b_ in zip(cols, v, w) if w is not None else []:
                if norm(a_) != norm(b_):
                    cells += 1
                    if cells <= SHOW:
                        diffs.append(f'{",".join(k)} {c}: {rn} {a_!r}, {on} {b_!r}')
    total = only_r + only_o + cells + len(unsorted)
    if not total and n_r == n_o:
        print(f'  {report}: {rn} and {on} agree ({n_r:,} rows; {note})')
        return True
    print(f'  {report}: {on} differs from {rn}: {n_o:,} rows vs {n_r:,}, {only_o} rows only in {on}, '
          f'{only_r} only in {rn}, {cells} cells differ{", rows out of order" if unsorted else ""} ({note})')
    for d in diffs[:SHOW]:
        print(f'    {d}')
    if total > min(SHOW, len(diffs)):
        print(f'    … {total - min(SHOW, len(diffs))} more')
    return False


if __name__ == '__main__':
    if len(sys.argv) != 4 or sys.argv[1] not in REPORTS:
        sys.exit(__doc__)
    sys.exit(0 if main(*sys.argv[1:]) else 1)
