#!/usr/bin/env python3
"""Reference implementation of the race rules (CONTRACT §4 race_results, §7 "Races"),
independent of Zonal and of make_race_day.py: it reads only the written files.

    python3 check_race_day.py                    # the sample day: reads README.md's job,
                                                 # writes expected/race_results.csv and
                                                 # expected/race_laps.csv, checks the planted cases
    python3 check_race_day.py --job JOB.yaml [--out DIR]
                                                 # any job in the same YAML style (e.g.
                                                 # bench/races/marathon.yaml); split_readers count only
                                                 # for DNS (no race_splits report here)

The job is read with a small parser that understands what these jobs use:
`inputs: race_athletes: PATH` and `race_reads: {name: path, ...}` (flow or block
mapping) and `params: races:` as a list of flow mappings `- {event: ..., ...}`.
Paths are relative to the job file; for README.md, relative to the repository's
Jobs/ folder (the README shows Jobs/race-day.yaml).

Rules, in short (the full list is in README.md): finish reads are the union of
the finish readers; prev = gun; a read at least min_lap_s after prev is a
crossing; stop at `laps` crossings; crossings after the cutoff do not count;
start = first start-reader read at or after the gun, else the gun; FIN with
`laps` crossings; DNS without any read at or after the gun at the race's
readers; DNF otherwise. Standard competition ranking on rank_by. Suspects from
the median lap time. Python 3.11 standard library only.
"""
import argparse
import csv
import os
import re
import sys
from datetime import datetime
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EPOCH = datetime(2000, 1, 1)

TIME_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$')
CARD_RE = re.compile(r'^\d{5}:\d{5}$')


# ----------------------------------------------------------------------------- job
def split_top(s, sep=','):
    """Split s at `sep` outside brackets/braces/quotes."""
    out, depth, quote, cur = [], 0, None, ''
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
            continue
        if ch in '"\'':
            quote = ch
        elif ch in '[{':
            depth += 1
        elif ch in ']}':
            depth -= 1
        if ch == sep and depth == 0:
            out.append(cur)
            cur = ''
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return out


def scalar(s):
    s = s.strip()
    if s.startswith('{') and s.endswith('}'):
        d = {}
        for item in split_top(s[1:-1]):
            k, v = split_top(item, ':')[0], ':'.join(split_top(item, ':')[1:])
            d[scalar(k)] = scalar(v)
        return d
    if s.startswith('[') and s.endswith(']'):
        return [scalar(x) for x in split_top(s[1:-1])]
    if len(s) >= 2 and s[0] == s[-1] and s[0] in '"\'':
        return s[1:-1]
    if re.fullmatch(r'-?\d+', s):
        return int(s)
    if re.fullmatch(r'-?\d+\.\d*', s):
        return float(s)
    return s


def strip_comment(line):
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in '"\'':
            quote = ch
        elif ch == '#' and (i == 0 or line[i - 1] in ' \t'):
            return line[:i].rstrip()
    return line.rstrip()


def read_job(path):
    text = open(path, encoding='utf-8').read()
    if path.endswith('.md'):           # the ```yaml block that holds `race_reads`
        blocks = re.findall(r'```yaml\n(.*?)```', text, re.S)
        text = next(b for b in blocks if 'race_reads' in b)
        base = os.path.join(REPO, 'Jobs')
    else:
        base = os.path.dirname(os.path.abspath(path))
    athletes, reads, races, section = None, {}, [], None
    for raw in text.splitlines():
        line = strip_comment(raw)
        if not line.strip():
            continue
        s = line.strip()
        indent = len(line) - len(line.lstrip())
        if s.startswith('race_athletes:'):
            athletes = scalar(s.split(':', 1)[1])
            section = None
        elif s.startswith('race_reads:'):
            v = s.split(':', 1)[1].strip()
            section = ('reads', indent) if not v else None
            if v:
                reads.update(scalar(v))
        elif section and section[0] == 'reads' and indent > section[1] and ':' in s:
            k, v = s.split(':', 1)
            reads[scalar(k)] = scalar(v)
        elif s.startswith('- {') and 'event' in s:
            races.append(scalar(s[2:]))
        else:
            section = None
    res = lambda p: os.path.normpath(os.path.join(base, p))
    return dict(athletes_path=athletes, athletes=res(athletes),
                reads={name: (p, res(p)) for name, p in reads.items()}, races=races)


# ----------------------------------------------------------------------------- times
def parse_time(s):
    """ms since 2000-01-01 (naive local time; Asia/Shanghai has no DST), or None."""
    m = TIME_RE.match(s)
    if not m:
        return None
    y, mo, d, h, mi, se, frac = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(se))
    except ValueError:
        return None
    ms = int((frac or '').ljust(3, '0'))
    return int((dt - EPOCH).total_seconds()) * 1000 + ms


def fmt_dur(ms):
    h, r = divmod(ms, 3600000)
    m, r = divmod(r, 60000)
    s, r = divmod(r, 1000)
    return '%d:%02d:%02d.%03d' % (h, m, s, r)


def fmt_clock(ms):
    sec, r = divmod(ms, 1000)
    from datetime import timedelta
    return (EPOCH + timedelta(seconds=sec)).strftime('%Y-%m-%d %H:%M:%S') + '.%03d' % r


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


# ----------------------------------------------------------------------------- inputs
def load_athletes(path):
    with open(path, encoding='utf-8-sig', newline='') as fh:
        rows = list(csv.DictReader(fh))
    by_card = {}
    for r in rows:
        by_card[r['card']] = r
    return rows, by_card


def split_lines(data):
    """Physical lines: a line ends at CRLF, LF CR, LF or CR (LF CR is the reader's [LF][CR])."""
    parts = re.split(r'\r\n|\n\r|\n|\r', data)
    if parts and parts[-1] == '':
        parts.pop()
    return parts


def load_reads(reads, by_card):
    """-> {reader: {card: [ms, ...]}}, rejects [(file, line, field, reason)], line counts."""
    out, rejects, nlines = {}, [], {}
    for name, (shown, path) in reads.items():
        per = out.setdefault(name, {})
        text = open(path, encoding='utf-8', newline='').read()
        lines = split_lines(text)
        nlines[name] = len(lines)
        for n, line in enumerate(lines, start=1):
            words = line.split()
            if not words:
                continue
            if len(words) != 3:
                if len(words) == 2 and TIME_RE.match(' '.join(words)):
                    rejects.append((shown, n, '', 'no card after the time'))
                else:
                    rejects.append((shown, n, '', 'not "time card"'))
                continue
            t = parse_time(words[0] + ' ' + words[1])
            if t is None:
                rejects.append((shown, n, 'time', 'bad time'))
                continue
            card = words[2]
            if not CARD_RE.match(card):
                rejects.append((shown, n, 'card', 'card is not HHHHH:PPPPP'))
                continue
            if card not in by_card:
                rejects.append((shown, n, 'card', 'unknown card'))
                continue
            per.setdefault(card, []).append(t)
    for per in out.values():
        for ts in per.values():
            ts.sort()
    return out, rejects, nlines


# ----------------------------------------------------------------------------- rules
def rank_competition(items):
    """items: [(key, time)] -> {key: rank} with 1, 2, 2, 4."""
    ordered = sorted(items, key=lambda x: x[1])
    ranks, prev_t, prev_r = {}, None, 0
    for i, (k, t) in enumerate(ordered, start=1):
        r = prev_r if t == prev_t else i
        ranks[k] = r
        prev_t, prev_r = t, r
    return ranks


def suspects(laps, plausible_ms):
    if len(laps) < 2:
        return ''
    s = sorted(laps)
    n = len(s)
    med = Fraction(s[n // 2]) if n % 2 else Fraction(s[n // 2 - 1] + s[n // 2], 2)
    notes = []
    for k, lap in enumerate(laps, start=1):
        if lap > Fraction(18, 10) * med:
            notes.append('lap %d: missed read' % k)
        if plausible_ms is not None and lap < plausible_ms:
            notes.append('lap %d: doubtful read' % k)
    return '; '.join(notes)


def run_race(race, athletes, reads):
    event = race['event']
    kind = race.get('kind', 'laps')
    nlaps = 1 if kind == 'point_to_point' else int(race['laps'])
    gun = parse_time(race['gun_time'])
    cutoff = parse_time(race['cutoff']) if race.get('cutoff') else None
    min_lap = int(round(float(race['min_lap_s']) * 1000))
    plausible = race.get('plausible_lap_s')
    plausible = int(round(float(plausible) * 1000)) if plausible is not None else None
    finish_readers = as_list(race['finish_reader'])
    start_readers = as_list(race.get('start_reader'))
    rank_by = race.get('rank_by', 'gun')
    results, laps_rows = [], []
    for a in athletes:
        if a['event'] != event:
            continue
        card = a['card']
        fin_reads = sorted(t for r in finish_readers for t in reads.get(r, {}).get(card, []))
        st_reads = sorted(t for r in start_readers for t in reads.get(r, {}).get(card, []))
        crossings, prev = [], gun
        for t in fin_reads:
            if len(crossings) == nlaps:
                break
            if t - prev >= min_lap:
                crossings.append(t)
                prev = t
        if cutoff is not None:
            crossings = [t for t in crossings if t <= cutoff]
        after_gun = [t for t in st_reads if t >= gun]
        start = after_gun[0] if after_gun else gun
        # DNS: no read at or after the gun at any reader of the race, split mats included.
        split_reads = [t for r in as_list(race.get('split_readers')) for t in reads.get(r, {}).get(card, [])]
        any_after = bool(after_gun) or any(t >= gun for t in fin_reads) or any(t >= gun for t in split_reads)
        lap_times = [c - (start if i == 0 else crossings[i - 1]) for i, c in enumerate(crossings)]
        row = dict(event=event, bib=a['bib'], name=a['name'], gender=a['gender'],
                   age_group=a.get('age_group') or '', laps=len(crossings))
        if len(crossings) == nlaps:
            row['status'] = 'FIN'
            row['gun_ms'] = crossings[-1] - gun
            row['chip_ms'] = crossings[-1] - start
            fastest = min(lap_times)
            row['fastest_ms'] = fastest
            row['fastest_no'] = lap_times.index(fastest) + 1
        else:
            row['status'] = 'DNF' if any_after else 'DNS'
        row['suspect'] = suspects(lap_times, plausible) if row['status'] != 'DNS' else ''
        results.append(row)
        if row['status'] != 'DNS':
            for k, c in enumerate(crossings, start=1):
                laps_rows.append(dict(event=event, bib=a['bib'], lap=k, split=fmt_dur(c - gun),
                                      lap_time=fmt_dur(lap_times[k - 1]), time=fmt_clock(c)))
    fin = [r for r in results if r['status'] == 'FIN']
    key = 'gun_ms' if rank_by == 'gun' else 'chip_ms'
    ranks = rank_competition([(r['bib'], r[key]) for r in fin])
    best = min((r[key] for r in fin), default=None)
    for g in set(r['gender'] for r in fin):
        ranks_g = rank_competition([(r['bib'], r[key]) for r in fin if r['gender'] == g])
        for r in fin:
            if r['gender'] == g:
                r['gender_rank'] = ranks_g[r['bib']]
    for ag in set(r['age_group'] for r in fin if r['age_group']):
        ranks_a = rank_competition([(r['bib'], r[key]) for r in fin if r['age_group'] == ag])
        for r in fin:
            if r['age_group'] == ag:
                r['group_rank'] = ranks_a[r['bib']]
    for r in fin:
        r['rank'] = ranks[r['bib']]
        r['behind_ms'] = r[key] - best
    return results, laps_rows


COLUMNS = ['event', 'rank', 'bib', 'name', 'gender', 'laps', 'gun_time', 'chip_time', 'fastest_lap',
           'fastest_lap_no', 'status', 'behind', 'gender_rank', 'group_rank', 'suspect']


def result_cells(r):
    fin = r['status'] == 'FIN'
    return [r['event'], r.get('rank', ''), r['bib'], r['name'], r['gender'], r['laps'],
            fmt_dur(r['gun_ms']) if fin else '', fmt_dur(r['chip_ms']) if fin else '',
            fmt_dur(r['fastest_ms']) if fin else '', r['fastest_no'] if fin else '', r['status'],
            fmt_dur(r['behind_ms']) if fin else '', r.get('gender_rank', ''), r.get('group_rank', ''),
            r['suspect']]


def write_csv(path, header, rows):
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--job', default=os.path.join(HERE, 'README.md'))
    ap.add_argument('--out', default=None, help='default: expected/ next to this file (sample day only)')
    args = ap.parse_args()
    sample = args.job == os.path.join(HERE, 'README.md')
    out = args.out or (os.path.join(HERE, 'expected') if sample else None)
    job = read_job(args.job)
    rows, by_card = load_athletes(job['athletes'])
    reads, rejects, nlines = load_reads(job['reads'], by_card)

    all_results, all_laps = [], []
    for race in job['races']:
        res, laps = run_race(race, rows, reads)
        all_results += res
        all_laps += laps
    events = set(r['event'] for r in job['races'])
    orphans = [r['bib'] for r in rows if r['event'] not in events]
    if orphans:
        print('athletes of events without a race definition:', orphans)

    all_results.sort(key=lambda r: (r['event'], 0 if 'rank' in r else 1, r.get('rank', 0), r['status'], int(r['bib'])))
    all_laps.sort(key=lambda r: (r['event'], int(r['bib']), r['lap']))
    if out:
        os.makedirs(out, exist_ok=True)
        write_csv(os.path.join(out, 'race_results.csv'), COLUMNS, [result_cells(r) for r in all_results])
        write_csv(os.path.join(out, 'race_laps.csv'), ['event', 'bib', 'lap', 'split', 'lap_time', 'time'],
                  [[r['event'], r['bib'], r['lap'], r['split'], r['lap_time'], r['time']] for r in all_laps])
        if not sample:
            write_csv(os.path.join(out, 'rejects_found.csv'), ['file', 'line', 'field', 'reason'], sorted(rejects))

    # ---- summary
    print('athletes: %d, read lines: %d, rejects: %d' % (len(rows), sum(nlines.values()), len(rejects)))
    for name, n in nlines.items():
        rj = sum(1 for r in rejects if r[0] == job['reads'][name][0])
        flag = '  (over max_reject_rate 0.01!)' if rj > 5 and rj > 0.01 * n else ''
        print('  %-12s %8d lines, %d rejects%s' % (name, n, rj, flag))
    ok = True
    for race in job['races']:
        ev = race['event']
        rs = [r for r in all_results if r['event'] == ev]
        st = {s: sum(1 for r in rs if r['status'] == s) for s in ('FIN', 'DNF', 'DNS')}
        sus = [(r['bib'], r['suspect']) for r in rs if r['suspect']]
        by_rank = {}
        for r in rs:
            if 'rank' in r:
                by_rank.setdefault(r['rank'], []).append(r['bib'])
        ties = [v for v in by_rank.values() if len(v) > 1]
        print('%s: %d athletes, FIN %d, DNF %d, DNS %d; suspects %s; ties %s'
              % (ev, len(rs), st['FIN'], st['DNF'], st['DNS'], sus or 'none', ties or 'none'))
    if out:
        print('wrote', os.path.join(out, 'race_results.csv'), 'and race_laps.csv')

    # ---- planted cases and rejects of the sample (written by make_race_day.py)
    if sample:
        byk = {(r['event'], r['bib']): r for r in all_results}
        with open(os.path.join(HERE, 'expected', 'planted_cases.csv'), encoding='utf-8') as fh:
            cases = list(csv.DictReader(fh))
        for c in cases:
            r = byk[(c['event'], c['bib'])]
            got = (r['status'], str(r['laps']), r['suspect'])
            want = (c['status'], c['laps'], c['suspect'])
            if got != want:
                ok = False
                print('PLANTED MISMATCH', c['case'], c['bib'], 'want', want, 'got', got)
            if c['same_rank_as'] and r.get('rank') != byk[(c['event'], c['same_rank_as'])].get('rank'):
                ok = False
                print('PLANTED MISMATCH tie', c['bib'], c['same_rank_as'])
        planted_bibs = {(c['event'], c['bib']) for c in cases}
        tie_bibs = {(c['event'], c['bib']) for c in cases if c['same_rank_as']}
        for r in all_results:
            k = (r['event'], r['bib'])
            if k in planted_bibs:
                continue
            if r['status'] != 'FIN' or r['suspect']:
                ok = False
                print('UNPLANTED', r['event'], r['bib'], r['status'], r['suspect'])
        for race in job['races']:
            rs = [r for r in all_results if r['event'] == race['event'] and 'rank' in r]
            for r in rs:
                same = [x['bib'] for x in rs if x['rank'] == r['rank'] and x is not r]
                if same and (r['event'], r['bib']) not in tie_bibs:
                    ok = False
                    print('UNPLANTED TIE', r['event'], r['bib'], same)
        with open(os.path.join(HERE, 'expected', 'rejects_planted.csv'), encoding='utf-8') as fh:
            want = sorted((r['file'], int(r['line']), r['field']) for r in csv.DictReader(fh))
        got = sorted((f, n, fld) for f, n, fld, _ in rejects)
        if want != got:
            ok = False
            print('REJECTS MISMATCH\n  planted %s\n  found   %s' % (want, got))
        print('planted cases: %d checked, rejects: %d checked -> %s' % (len(cases), len(want), 'OK' if ok else 'FAILED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
