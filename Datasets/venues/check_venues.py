#!/usr/bin/env python3
"""Reference implementation of the venue rules (CONTRACT §3.3, §4 venue_footfall,
§7 "Venues"; README.md "The rules"), independent of Zonal and of
make_venue_weeks.py: it reads only the job and the files the job names.

    python3 check_venues.py                   # the sample: Jobs/venue-footfall.yaml,
                                              # writes expected/*.csv, checks the planted cases
    python3 check_venues.py --job JOB.yaml [--out DIR]
                                              # any job of the same shape (no planted checks)

Writes venue_footfall.csv, venue_summary.csv (task venue_footfall) and
venue_reporting.csv, venue_occupancy.csv (task venue_audit); UTF-8 without BOM,
LF (Zonal writes a BOM: compare after stripping it). Times are parsed here
(every form of the rules) to integer milliseconds since the epoch and placed on
the job's clock with zoneinfo; rates and means are Fractions rounded half away
from zero. Districts: ray casting on the GeoJSON rings, a point on an edge or
vertex counts as inside. The job is read with a small parser for what these
jobs use (`key: value` lines, `inputs:`/`params:` blocks). Python 3.11 standard
library only.
"""
import argparse
import csv
import io
import json
import math
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_JOB = os.path.join(REPO, 'Jobs', 'venue-footfall.yaml')

SOURCES = ('gate', 'face', 'binocular', 'ai_video', 'qr', 'lbs')
SLOT_MS = 900_000
LATE_MS = 3_600_000
UNIX = datetime(1970, 1, 1, tzinfo=timezone.utc)


# ----------------------------------------------------------------------------- small helpers
def read_job(path):
    job = {'inputs': {}, 'params': {}, 'dir': os.path.dirname(os.path.abspath(path))}
    block = None
    with open(path, encoding='utf-8') as fh:
        for raw in fh:
            line = raw.split('#', 1)[0].rstrip() if not raw.lstrip().startswith('#') else ''
            if not line.strip():
                continue
            if not line.startswith(' '):
                k, _, v = line.partition(':')
                block = k.strip() if not v.strip() else None
                if v.strip():
                    job[k.strip()] = v.strip()
                continue
            if block in ('inputs', 'params'):
                k, _, v = line.strip().partition(':')
                job[block][k.strip()] = v.strip().strip('"').strip("'")
    return job


RE_DEV = re.compile(r'(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})')
RE_STD = re.compile(r'(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?')
RE_ISO = re.compile(r'(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)')


def parse_instant(s, zone):
    """Milliseconds since 1970-01-01T00:00Z, or None. Naive forms are in `zone`."""
    m = RE_DEV.fullmatch(s) or RE_STD.fullmatch(s)
    off = None
    if m:
        g = m.groups()
        frac = g[6] if len(g) > 6 else None
    else:
        m = RE_ISO.fullmatch(s)
        if not m:
            return None
        g = m.groups()
        frac, off = g[6], g[7]
    try:
        y, mo, d, h, mi, se = (int(x) for x in g[:6])
        naive = datetime(y, mo, d, h, mi, se)
    except ValueError:
        return None
    ms = int((frac or '0')[:3].ljust(3, '0'))
    if off is None:
        dt = naive.replace(tzinfo=zone)
    elif off == 'Z':
        dt = naive.replace(tzinfo=timezone.utc)
    else:
        sign = -1 if off[0] == '-' else 1
        digits = off[1:].replace(':', '')
        hh, mm = int(digits[:2]), int(digits[2:] or '0')
        if hh > 23 or mm > 59:
            return None
        dt = naive.replace(tzinfo=timezone(sign * timedelta(hours=hh, minutes=mm)))
    td = dt - UNIX
    return (td.days * 86400 + td.seconds) * 1000 + td.microseconds // 1000 + ms


def local(ms, zone):
    """(date text, hour, 15-minute slot) of an instant on the job's clock."""
    lt = (UNIX + timedelta(milliseconds=ms)).astimezone(zone)
    return lt.strftime('%Y-%m-%d'), lt.hour, (lt.hour * 60 + lt.minute) // 15


def dec(x, places):
    """A Fraction rounded half away from zero to `places` decimals, as text."""
    if x is None:
        return ''
    x = Fraction(x)
    scale = 10 ** places
    n = abs(x) * scale
    q = int(n)
    if n - q >= Fraction(1, 2):
        q += 1
    sign = '-' if x < 0 and q else ''
    s = str(q).rjust(places + 1, '0')
    return sign + (s[:-places] + '.' + s[-places:] if places else s)


def boolean(b):
    return 'true' if b else 'false'


def csv_rows(path):
    """header, [(physical line of the record's start, dict)]; header = line 1."""
    with open(path, 'rb') as fh:
        data = fh.read()
    if data.startswith(b'\xef\xbb\xbf'):
        data = data[3:]
    rd = csv.reader(io.StringIO(data.decode('utf-8'), newline=''))
    header = next(rd)
    start = rd.line_num + 1
    out = []
    for row in rd:
        if row:
            out.append((start, dict(zip(header, row + [''] * (len(header) - len(row))))))
        start = rd.line_num + 1
    return header, out


def write_csv(path, header, rows):
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(c, '') for c in header])


def sort_key(v):
    """Report sort order: `*` first, numbers numerically, text, empty last."""
    v = str(v)
    if v == '*':
        return (0, 0, '')
    if v == '':
        return (3, 0, '')
    if re.fullmatch(r'-?\d+(\.\d+)?', v):
        return (1, Fraction(v), '')
    return (2, 0, v)


class Rejects:
    def __init__(self):
        self.rows = []

    def add(self, file, line, field, reason):
        self.rows.append((file, line, field, reason))


# ----------------------------------------------------------------------------- districts
def on_segment(px, py, x1, y1, x2, y2):
    if (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1) != 0:
        return False
    return min(x1, x2) <= px <= max(x1, x2) and min(y1, y2) <= py <= max(y1, y2)


def polygon_covers(rings, x, y):
    """Exterior ring minus holes; a point on any ring counts as inside."""
    inside = False
    for ring in rings:
        pts = ring if ring[0] == ring[-1] else ring + [ring[0]]
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            if on_segment(x, y, x1, y1, x2, y2):
                return True
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def load_districts(path):
    out = []
    with open(path, encoding='utf-8') as fh:
        for f in json.load(fh)['features']:
            p = f.get('properties') or {}
            code = str(p.get('adcode') or p.get('code') or '')
            g = f['geometry']
            polys = g['coordinates'] if g['type'] == 'MultiPolygon' else [g['coordinates']]
            out.append((code, p.get('name') or '', polys))
    return out


def district_of(districts, x, y):
    hits = sorted(code for code, _, polys in districts if any(polygon_covers(rings, x, y) for rings in polys))
    return hits[0] if hits else ''


# ----------------------------------------------------------------------------- loading
def load_venues(path, written, rej):
    """Loaded venues {code: row} and the rows rejected for their code (for venue_reporting)."""
    _, rows = csv_rows(path)
    venues, bad_code = {}, []
    for line, r in rows:
        code = r['venue_code'].strip()
        ad, vt, lv = r['admin_code'].strip(), r['venue_type'].strip(), r['level'].strip()
        reason = field = None
        if not re.fullmatch(r'\d{12}', code):
            # Zonal's wording (quoted, with the code's structure)
            field, reason = 'venue_code', "'%s' is not a venue code: 12 digits, admin_code(6) + venue_type(2) + level(1) + sequence(3)" % code
        elif not re.fullmatch(r'\d{6}', ad):
            field, reason = 'admin_code', 'admin_code %s is not 6 digits' % ad
        elif not re.fullmatch(r'\d{2}', vt):
            field, reason = 'venue_type', 'venue_type %s is not 2 digits' % vt
        elif not re.fullmatch(r'\d', lv):
            field, reason = 'level', 'level %s is not 1 digit' % lv
        elif code[:6] != ad:
            field, reason = 'venue_code', 'characters 1–6 (%s) differ from admin_code %s' % (code[:6], ad)
        elif code[6:8] != vt:
            field, reason = 'venue_code', 'characters 7–8 (%s) differ from venue_type %s' % (code[6:8], vt)
        elif code[8] != lv:
            field, reason = 'venue_code', 'character 9 (%s) differs from level %s' % (code[8], lv)
        lon = lat = None
        try:
            lon, lat = float(r['lon']), float(r['lat'])
            if not (math.isfinite(lon) and math.isfinite(lat)):
                raise ValueError
        except ValueError:
            lon = lat = None
        if reason is None:
            if lon is None:
                field, reason = 'lon', 'lon/lat %s,%s are not numbers' % (r['lon'], r['lat'])
            elif not -180 <= lon <= 180:
                field, reason = 'lon', 'lon %s is out of range' % r['lon']
            elif not -90 <= lat <= 90:
                field, reason = 'lat', 'lat %s is out of range' % r['lat']
            elif code in venues:
                field, reason = 'venue_code', 'venue_code %s is already listed on line %d' % (code, venues[code]['line'])
        if reason:
            rej.add(written, line, field, reason)
            if field == 'venue_code' and not reason.startswith('venue_code %s is already' % code):
                bad_code.append({'code': code, 'name': r['name'], 'admin_code': ad, 'lon': lon, 'lat': lat,
                                 'reason': reason, 'line': line})
            continue
        venues[code] = {'code': code, 'name': r['name'], 'admin_code': ad, 'venue_type': vt, 'level': lv,
                        'lon': lon, 'lat': lat, 'line': line}
    return venues, bad_code, len(rows)


def load_footfall(path, written, venues, zone, rej):
    header, rows = csv_rows(path)
    stored = {}        # (venue, device, source, start) -> row
    st = {'lines': len(rows), 'duplicate_rows': {}, 'long': [], 'exact_duplicate_lines': 0}
    seen_lines = set()
    for line, r in rows:
        def bad(field, reason):
            rej.add(written, line, field, reason)
        code = r['venue_code'].strip()
        if code not in venues:
            bad('venue_code', 'venue %s is not in venues' % code)
            continue
        dev = r['device_id'].strip()
        if not dev:
            bad('device_id', 'device_id is empty')
            continue
        src = r['source'].strip()
        if src not in SOURCES:
            bad('source', 'source %s is not one of %s' % (src, '|'.join(SOURCES)))
            continue
        ps = parse_instant(r['period_start'].strip(), zone)
        if ps is None:
            bad('period_start', 'period_start %s is not a time' % r['period_start'])
            continue
        pe = parse_instant(r['period_end'].strip(), zone)
        if pe is None:
            bad('period_end', 'period_end %s is not a time' % r['period_end'])
            continue
        if pe <= ps:
            bad('period_end', 'period_end %s is not after period_start %s' % (r['period_end'], r['period_start']))
            continue
        counts = []
        for k in ('in_count', 'out_count'):
            v = r[k].strip()
            if not re.fullmatch(r'\d+', v):
                bad(k, '%s %s is not a whole number ≥ 0' % (k, v))
                break
            counts.append(int(v))
        if len(counts) < 2:
            continue
        up = None
        if r.get('uploaded_at', '').strip():
            up = parse_instant(r['uploaded_at'].strip(), zone)
            if up is None:
                bad('uploaded_at', 'uploaded_at %s is not a time' % r['uploaded_at'])
                continue
            if up < pe:
                bad('uploaded_at', 'uploaded_at %s is before period_end %s' % (r['uploaded_at'], r['period_end']))
                continue
        key = (code, dev, src, ps)
        if key in stored:
            o = stored[key]
            if (o['pe'], o['in'], o['out']) == (pe, counts[0], counts[1]):
                st['duplicate_rows'][code] = st['duplicate_rows'].get(code, 0) + 1
                raw = tuple(r.get(h, '') for h in header)
                if raw in seen_lines:
                    st['exact_duplicate_lines'] += 1
                continue
            bad('in_count', 'line %d already reports this device and period with other counts' % o['line'])
            continue
        seen_lines.add(tuple(r.get(h, '') for h in header))
        date, hour, slot = local(ps, zone)
        stored[key] = {'venue': code, 'dev': dev, 'src': src, 'ps': ps, 'pe': pe, 'in': counts[0], 'out': counts[1],
                       'late': up is not None and up - pe > LATE_MS, 'line': line,
                       'date': date, 'hour': hour, 'slot': slot}
        if pe - ps > SLOT_MS:
            st['long'].append(line)
    return list(stored.values()), st


# ----------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--job', default=DEFAULT_JOB)
    ap.add_argument('--out', default=None)
    args = ap.parse_args()
    sample = os.path.abspath(args.job) == os.path.abspath(DEFAULT_JOB)
    out = args.out or (os.path.join(HERE, 'expected') if sample else None)
    job = read_job(args.job)
    inp = job['inputs']
    zone = ZoneInfo(job.get('timezone', 'Asia/Shanghai'))
    max_gap = Fraction(job['params'].get('max_gap_h', '1'))
    drift_rate = Fraction(job['params'].get('occupancy_drift', '0.05'))

    def path(key):
        return os.path.normpath(os.path.join(job['dir'], inp[key]))

    rej = Rejects()
    warn = []
    districts = load_districts(path('districts')) if 'districts' in inp else None
    dnames = {c: n for c, n, _ in districts} if districts else {}
    venues, bad_code, n_venues = load_venues(path('venues'), inp['venues'], rej)
    rows, st = load_footfall(path('venue_footfall'), inp['venue_footfall'], venues, zone, rej)
    if st['long']:
        warn.append('%s: %d rows with a period longer than 15 minutes, the first on line %d'
                    % (inp['venue_footfall'], len(st['long']), min(st['long'])))

    # ---- per venue and date
    vd = {}
    for r in rows:
        g = vd.setdefault((r['venue'], r['date']), {'slots': set(), 'hin': {}, 'hout': {}, 'late': 0, 'src': set()})
        g['slots'].add(r['slot'])
        g['hin'][r['hour']] = g['hin'].get(r['hour'], 0) + r['in']
        g['hout'][r['hour']] = g['hout'].get(r['hour'], 0) + r['out']
        g['late'] += r['late']
        g['src'].add(r['src'])
    keys = sorted(vd, key=lambda k: (sort_key(k[0]), k[1]))

    rows_hourly, rows_summary, rows_occ = [], [], []
    drift_days = []
    for code, date in keys:
        g = vd[(code, date)]
        hours = sorted(g['hin'])
        for h in hours:
            rows_hourly.append({'venue_code': code, 'date': date, 'hour': h, 'in_count': g['hin'][h],
                                'out_count': g['hout'][h]})
        peak = hours[0]
        for h in hours:
            if g['hin'][h] > g['hin'][peak]:
                peak = h
        total_in, total_out = sum(g['hin'].values()), sum(g['hout'].values())
        rows_summary.append({'venue_code': code, 'name': venues[code]['name'], 'date': date, 'total_in': total_in,
                             'total_out': total_out, 'peak_hour': peak, 'peak_in': g['hin'][peak],
                             'coverage': dec(Fraction(len(g['slots']), 96), 4), 'late_uploads': g['late'],
                             'sources': ';'.join(sorted(g['src']))})
        net, nets = 0, []
        for h in range(hours[0], hours[-1] + 1):
            net += g['hin'].get(h, 0) - g['hout'].get(h, 0)
            nets.append((h, net))
        lowest = min(n for _, n in nets)
        drift = max(abs(nets[-1][1]), -lowest if lowest < 0 else 0)
        bound = max(10, math.ceil(drift_rate * total_in))
        flag = drift > bound
        if flag:
            drift_days.append('%s %s (drift %d > %d)' % (code, date, drift, bound))
        for h, n in nets:
            rows_occ.append({'venue_code': code, 'date': date, 'hour': h, 'occupancy': max(0, n),
                             'in_count': g['hin'].get(h, 0), 'out_count': g['hout'].get(h, 0), 'net': n,
                             'drift_flag': boolean(flag)})

    # ---- the period
    dates = sorted({d for _, d in vd})
    if dates:
        d0 = datetime.strptime(dates[0], '%Y-%m-%d')
        d1 = datetime.strptime(dates[-1], '%Y-%m-%d')
        period_days = (d1 - d0).days + 1
    else:
        period_days = 0

    # ---- venue_reporting
    rows_rep = []
    entries = [dict(v, rejected=None) for v in venues.values()] + [dict(b, rejected=b['reason']) for b in bad_code]
    for v in entries:
        code = v['code']
        dist = ''
        if districts is not None and v['lon'] is not None:
            dist = district_of(districts, v['lon'], v['lat'])
        days = sorted(d for (c, d) in vd if c == code) if not v['rejected'] else []
        n_days = len(days)
        slots = sum(len(vd[(code, d)]['slots']) for d in days)
        gaps = []
        for d in days:
            s = sorted(vd[(code, d)]['slots'])
            gaps.append(max([b - a - 1 for a, b in zip(s, s[1:])] + [0]))
        longest = Fraction(max(gaps), 4) if gaps else None
        late = sum(vd[(code, d)]['late'] for d in days)
        dups = st['duplicate_rows'].get(code, 0) if not v['rejected'] else 0
        reasons = []
        if v['rejected']:
            verdict, reasons = 'invalid_code', [v['rejected']]
        elif districts is not None and dist and dist != v['admin_code']:
            verdict = 'invalid_code'
            reasons = ['code says %s, lies in %s %s' % (v['admin_code'], dist, dnames.get(dist, ''))]
        else:
            if districts is not None and not dist:
                reasons.append('point lies in no district (not judged)')
            if n_days == 0:
                verdict = 'silent'
                reasons.append('no footfall rows')
            else:
                if n_days < period_days:
                    reasons.append('no data on %d of %d days' % (period_days - n_days, period_days))
                if longest > max_gap:
                    reasons.append('longest gap %s h' % dec(longest, 2))
                verdict = 'gaps' if (n_days < period_days or longest > max_gap) else 'ok'
        rows_rep.append({
            'venue_code': code, 'name': v['name'], 'admin_code': v['admin_code'], 'district': dist,
            'days_with_data': n_days, 'period_days': period_days,
            'avg_coverage': dec(Fraction(slots, 96 * n_days), 4) if n_days else '',
            'longest_gap_h': dec(longest, 2) if n_days else '', 'late_uploads': late, 'duplicate_rows': dups,
            'verdict': verdict, 'reason': '; '.join(reasons)})
    rows_rep.sort(key=lambda r: sort_key(r['venue_code']))

    reports = {
        'venue_footfall': (['venue_code', 'date', 'hour', 'in_count', 'out_count'], rows_hourly),
        'venue_summary': (['venue_code', 'name', 'date', 'total_in', 'total_out', 'peak_hour', 'peak_in', 'coverage',
                           'late_uploads', 'sources'], rows_summary),
        'venue_reporting': (['venue_code', 'name', 'admin_code', 'district', 'days_with_data', 'period_days',
                             'avg_coverage', 'longest_gap_h', 'late_uploads', 'duplicate_rows', 'verdict', 'reason'],
                            rows_rep),
        'venue_occupancy': (['venue_code', 'date', 'hour', 'occupancy', 'in_count', 'out_count', 'net', 'drift_flag'],
                            rows_occ),
    }
    if out:
        os.makedirs(out, exist_ok=True)
        for name, (header, rws) in reports.items():
            write_csv(os.path.join(out, name + '.csv'), header, rws)

    # ---- summary
    ok = True
    print('period %s .. %s (%d days), max_gap_h %s, occupancy_drift %s' % (
        dates[0] if dates else '-', dates[-1] if dates else '-', period_days,
        job['params'].get('max_gap_h', '1.0 (default)'), job['params'].get('occupancy_drift', '0.05 (default)')))
    print('venues %d loaded, %d rejected for their code; footfall rows stored %d, re-sent %d (exact duplicate lines %d)'
          % (len(venues), len(bad_code), len(rows), sum(st['duplicate_rows'].values()), st['exact_duplicate_lines']))
    for f, n in ((inp['venues'], n_venues), (inp['venue_footfall'], st['lines'])):
        k = sum(1 for r in rej.rows if r[0] == f)
        too_many = k * 100 > n and k > 5        # CONTRACT §7: > 1 % of data rows and > 5
        ok &= not too_many
        print('  %-40s %6d rows, %d rejects%s' % (f, n, k, '  TOO MANY (run fails)' if too_many else ''))
    for r in sorted(rej.rows, key=lambda r: (r[0], r[1])):
        print('    reject %s:%d %s: %s' % r)
    for w in warn:
        print('  warning:', w)
    late = sum(r['late'] for r in rows)
    print('late uploads %d; drift days %d: %s' % (late, len(drift_days), ', '.join(drift_days)))
    verdicts = {}
    for r in rows_rep:
        verdicts[r['verdict']] = verdicts.get(r['verdict'], 0) + 1
    print('verdicts: ' + ', '.join('%s %d' % (k, verdicts.get(k, 0)) for k in ('invalid_code', 'silent', 'gaps', 'ok')))
    print('rows: ' + ', '.join('%s %d' % (k, len(v[1])) for k, v in reports.items()))

    if not sample:
        return 0 if ok else 1
    # ---- planted cases (written by make_venue_weeks.py)
    index = {
        'venue_footfall': {'%s/%s/%d' % (r['venue_code'], r['date'], r['hour']): r for r in rows_hourly},
        'venue_summary': {'%s/%s' % (r['venue_code'], r['date']): r for r in rows_summary},
        'venue_occupancy': {'%s/%s/%d' % (r['venue_code'], r['date'], r['hour']): r for r in rows_occ},
        'venue_reporting': {},
        'load': {'period': {'first_date': dates[0], 'last_date': dates[-1], 'period_days': period_days},
                 'venue_footfall': {'long_periods': len(st['long']), 'long_periods_first_line': min(st['long']),
                                    'duplicate_rows': sum(st['duplicate_rows'].values()), 'loaded_rows': len(rows)},
                 'venues': {'loaded_venues': len(venues)}},
    }
    for r in rows_rep:
        if r['venue_code'] in index['venue_reporting']:
            ok = False
            print('VENUE LISTED TWICE in venue_reporting:', r['venue_code'])
        index['venue_reporting'][r['venue_code']] = r
    with open(os.path.join(HERE, 'expected', 'planted_cases.csv'), encoding='utf-8') as fh:
        cases = list(csv.DictReader(fh))
    for c in cases:
        row = index[c['report']].get(c['key'])
        if c['column'] == 'row':
            got = 'present' if row is not None else 'absent'
        else:
            got = None if row is None else str(row.get(c['column'], ''))
        if got != c['expected']:
            ok = False
            print('PLANTED MISMATCH %s | %s %s %s: want %r, got %r' % (c['case'], c['report'], c['key'], c['column'],
                                                                     c['expected'], got))
    with open(os.path.join(HERE, 'expected', 'rejects_planted.csv'), encoding='utf-8') as fh:
        want = sorted((r['file'], int(r['line']), r['field']) for r in csv.DictReader(fh))
    got = sorted((f, n, fld) for f, n, fld, _ in rej.rows)
    if want != got:
        ok = False
        print('REJECTS MISMATCH\n  planted %s\n  found   %s' % (sorted(set(want) - set(got)), sorted(set(got) - set(want))))
    print('planted cases: %d checked, rejects: %d checked -> %s' % (len(cases), len(want), 'OK' if ok else 'FAILED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
