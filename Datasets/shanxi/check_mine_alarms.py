#!/usr/bin/env python3
"""Reference implementation of the mine alarm rules (CONTRACT §3.6, §4 mine_alarms,
§7 "Mines"; README.md "The rules"), independent of Zonal and of make_shanxi_day.py:
it reads only the job and the files the job names.

    python3 check_mine_alarms.py                  # the sample: Jobs/shanxi-mine-alarms.yaml,
                                                  # writes expected/*.csv, checks the planted cases
    python3 check_mine_alarms.py --job JOB.yaml [--out DIR]
                                                  # any job of the same shape (no planted checks)

Writes mine_alarms.csv, alarm_stats.csv, camera_online.csv, alarm_worklist.csv,
disposal_types.csv and mine_status.csv (UTF-8 without BOM, LF; Zonal writes a
BOM, compare after stripping it). Exact arithmetic throughout (integer
milliseconds, Fraction), rounding half away from zero. The job is read with a
small parser for what these jobs use: `inputs:` and `params:` blocks of
`key: value` lines. Python 3.11 standard library only.
"""
import argparse
import csv
import gzip
import io
import json
import os
import re
import sys
from datetime import datetime, timedelta
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_JOB = os.path.join(REPO, 'Jobs', 'shanxi-mine-alarms.yaml')

STATUSES = ('生产', '建设', '停产', '停建', '长期停产停建', '关闭')
MAY_PRODUCE = ('生产', '建设')
AI_TYPES = {'01': 'persons', '02': 'trucks', '03': 'belt', '04': 'occlusion', '05': 'moved', '06': 'dispatch_room'}
VALUE_KEY = {'01': 'inWellNumber', '02': 'outMineNumber', '03': 'beltStatus'}
BELT = ('0001', '0002', '0003')
POSITION = {'1': '主井口', '2': '副井口', '3': '货运车辆入口', '4': '调度室'}
DISPOSAL_TYPES = ('疑似违规生产', '系统误报', '非生产人员经过', '其他')
USED_KEYS = {
    'ai': ('mineId', 'cameraId', 'aiTypeCode', 'inWellNumber', 'outMineNumber', 'beltStatus', 'time'),
    'heartbeat': ('mineId', 'cameraId', 'alarm', 'time'),
    'live': ('mineId', 'cameraId', 'liveUrl', 'time'),
}
EPOCH = datetime(2000, 1, 1)       # naive job-zone clock; Asia/Shanghai has had no DST since 1991
SLOT_MS = 300_000
OUTAGE_MS = 600_000


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


def parse_time(s):
    """Milliseconds on the job's naive clock, or None: yyyy-MM-dd HH:mm:ss[.SSS] or yyyyMMddHHmmss."""
    if not isinstance(s, str):
        return None
    m = re.fullmatch(r'(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?', s) or \
        re.fullmatch(r'(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})()', s)
    if not m:
        return None
    try:
        d = datetime(*(int(x) for x in m.groups()[:6]))
    except ValueError:
        return None
    ms = int(m.group(7)) if m.group(7) else 0
    return int((d - EPOCH).total_seconds()) * 1000 + ms


def fmt_time(ms):
    if ms is None:
        return ''
    return (EPOCH + timedelta(seconds=ms // 1000)).strftime('%Y-%m-%d %H:%M:%S')


def stamp(ms):
    return re.sub(r'\D', '', fmt_time(ms))


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


def minutes(ms):
    return Fraction(ms, 60_000)


def boolean(b):
    return 'true' if b else 'false'


def open_text(path):
    with open(path, 'rb') as fh:
        data = fh.read()
    if path.endswith('.gz'):
        data = gzip.decompress(data)
    if data.startswith(b'\xef\xbb\xbf'):
        data = data[3:]
    return data


def csv_rows(path):
    """(physical line of the record's start, dict) for each data row; header = line 1."""
    text = open_text(path).decode('utf-8')
    rd = csv.reader(io.StringIO(text, newline=''))
    header = next(rd)
    start = rd.line_num + 1
    out = []
    for row in rd:
        if row:
            out.append((start, dict(zip(header, row + [''] * (len(header) - len(row))))))
        start = rd.line_num + 1
    return header, out


def roll_up(code):
    if code.endswith('0000'):
        return [(code, 'province')]
    if code.endswith('00'):
        return [(code, 'city'), (code[:2] + '0000', 'province')]
    return [(code, 'county'), (code[:4] + '00', 'city'), (code[:2] + '0000', 'province')]


def write_csv(path, header, rows):
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(c, '') for c in header])


def sort_key(v):
    """Report sort order: `*` first, numbers numerically, text, empty last."""
    if v == '*':
        return (0, 0, '')
    if v == '':
        return (3, 0, '')
    if re.fullmatch(r'-?\d+(\.\d+)?', v):
        return (1, Fraction(v), '')
    return (2, 0, v)


# ----------------------------------------------------------------------------- loading
class Rejects:
    def __init__(self):
        self.rows = []

    def add(self, file, line, field, reason):
        self.rows.append((file, line, field, reason))


def load_mines(path, written, rej):
    header, rows = csv_rows(path)
    mines = {}
    for line, r in rows:
        mid = r.get('mine_id', '')
        problem = None
        if not re.fullmatch(r'\d{12}', mid):
            problem = ('mine_id', 'not 12 digits')
        elif mid in mines:
            problem = ('mine_id', 'listed twice')
        elif not re.fullmatch(r'\d{6}', r.get('region_code', '')):
            problem = ('region_code', 'not 6 digits')
        elif r.get('status') not in STATUSES:
            problem = ('status', 'unknown status')
        else:
            for k, lim in (('lon', 180), ('lat', 90)):
                try:
                    v = float(r[k])
                    if not -lim <= v <= lim:
                        raise ValueError
                except (ValueError, KeyError):
                    problem = (k, 'not a coordinate')
                    break
            for k in ('person_threshold', 'truck_threshold'):
                v = r.get(k, '')
                if v != '' and not re.fullmatch(r'\d+', v):
                    problem = problem or (k, 'not an integer >= 0')
        if problem:
            rej.add(written, line, problem[0], problem[1])
            continue
        mines[mid] = {
            'id': mid, 'name': r['name'], 'region_code': r['region_code'], 'department': r.get('department', ''),
            'status': r['status'],
            'pthr': int(r['person_threshold']) if r.get('person_threshold', '') != '' else None,
            'tthr': int(r['truck_threshold']) if r.get('truck_threshold', '') != '' else None,
        }
    return mines, len(rows)


class BadField(Exception):
    def __init__(self, field, reason):
        self.field, self.reason = field, reason


def check_mine_id(v, mines):
    if isinstance(v, bool):
        raise BadField('mineId', 'not a mine code')
    if isinstance(v, int) and 10 ** 11 <= v < 10 ** 12:
        v = str(v)
    if not isinstance(v, str) or not re.fullmatch(r'\d{12}', v):
        raise BadField('mineId', 'not 12 digits')
    if v not in mines:
        raise BadField('mineId', 'not in mines')
    return v


def check_camera(v):
    if not isinstance(v, str) or not re.fullmatch(r'[1-4]\d', v):
        raise BadField('cameraId', 'not a camera code (table 5-25)')
    return v


def check_count(key, v):
    if isinstance(v, bool):
        raise BadField(key, 'not a count')
    if isinstance(v, int) and 0 <= v <= 9999:
        return v
    if isinstance(v, str) and re.fullmatch(r'\d{4}', v):
        return int(v)
    raise BadField(key, 'not a count')


def load_reports(path, written, mines, rej, warn):
    data = open_text(path)
    lines = data.split(b'\n')
    if lines and lines[-1] == b'':
        lines.pop()
    seen = set()
    st = {'lines': len(lines), 'exact_duplicate_lines': 0, 'repeated_heartbeats': 0, 'unused': {}}
    ai_by_key = {}          # (mine, cam, type, ms) -> report
    reports = []
    heartbeats = {}         # (mine, cam) -> {(ms, alarm)}
    lives = []              # (mine, cam, ms, line, url)
    cameras = {}            # mine -> [cam]
    for no, raw in enumerate(lines, 1):
        raw = raw[:-1] if raw.endswith(b'\r') else raw
        if raw in seen:
            st['exact_duplicate_lines'] += 1
            continue
        seen.add(raw)
        try:
            o = json.loads(raw.decode('utf-8'))
        except (ValueError, UnicodeDecodeError):
            rej.add(written, no, '', 'not a JSON object')
            continue
        if not isinstance(o, dict):
            rej.add(written, no, '', 'not a JSON object')
            continue
        kind = 'ai' if 'aiTypeCode' in o else 'heartbeat' if 'alarm' in o else 'live' if 'liveUrl' in o else None
        if kind is None:
            rej.add(written, no, '', 'not an AI report, heartbeat or live address')
            continue
        try:
            def need(k):
                if k not in o:
                    raise BadField(k, 'missing')
                return o[k]
            mid = check_mine_id(need('mineId'), mines)
            cam = check_camera(need('cameraId'))
            val = None
            if kind == 'ai':
                tc = need('aiTypeCode')
                if tc not in AI_TYPES:
                    raise BadField('aiTypeCode', 'not 01-06')
                if tc in ('01', '02'):
                    val = check_count(VALUE_KEY[tc], need(VALUE_KEY[tc]))
                elif tc == '03':
                    val = need('beltStatus')
                    if val not in BELT:
                        raise BadField('beltStatus', 'not 0001-0003')
            elif kind == 'heartbeat':
                a = need('alarm')
                if isinstance(a, bool) or a not in (0, 1, '0', '1'):
                    raise BadField('alarm', 'not 0 or 1')
                val = int(a)
            else:
                val = need('liveUrl')
                if not isinstance(val, str) or val == '':
                    raise BadField('liveUrl', 'empty')
            ms = parse_time(need('time'))
            if ms is None:
                raise BadField('time', 'not a time')
        except BadField as e:
            rej.add(written, no, e.field, e.reason)
            continue
        for k in o:
            if k not in USED_KEYS[kind]:
                st['unused'].setdefault(k, 0)
                st['unused'][k] += 1
        cameras.setdefault(mid, [])
        if cam not in cameras[mid]:
            cameras[mid].append(cam)
        if kind == 'heartbeat':
            s = heartbeats.setdefault((mid, cam), set())
            if (ms, val) in s:
                st['repeated_heartbeats'] += 1
            s.add((ms, val))
        elif kind == 'live':
            lives.append((mid, cam, ms, no, val))
        else:
            key = (mid, cam, tc, ms)
            if key in ai_by_key:
                rej.add(written, no, VALUE_KEY.get(tc, 'aiTypeCode'), 'same mine, camera, type and time as line %d' % ai_by_key[key]['line'])
                continue
            r = {'mine': mid, 'cam': cam, 'type': tc, 'ms': ms, 'val': val, 'line': no}
            ai_by_key[key] = r
            reports.append(r)
    for k in sorted(st['unused']):
        warn.append('%s: key %r is not part of its body, ignored (%d lines)' % (written, k, st['unused'][k]))
    return reports, heartbeats, lives, cameras, st


def load_videos(path, written, mines, rej):
    text = open_text(path).decode('utf-8')
    names = []
    if os.path.isdir(path):
        names = [(i, n) for i, n in enumerate(sorted(os.listdir(path), key=lambda s: s.encode()), 1)
                 if os.path.isfile(os.path.join(path, n))]
    else:
        for i, ln in enumerate(text.split('\n'), 1):
            ln = ln.rstrip('\r').strip()
            if ln:
                names.append((i, re.split(r'[/\\]', ln)[-1]))
    seen = set()
    videos = []
    st = {'lines': len(names), 'repeated_names': 0}
    for line, name in names:
        if name in seen:
            st['repeated_names'] += 1
            continue
        seen.add(name)
        why = None
        stem = name[:-4]
        if len(name) <= 4 or name[-4:].upper() != '.MP4':
            why = 'not .MP4'
        elif not re.fullmatch(r'\d+', stem):
            why = 'not digits'
        elif len(stem) < 16 or stem[14:16] not in AI_TYPES:
            why = 'analysis type not 01-06'
        elif len(stem) != (34 if stem[14:16] in VALUE_KEY else 30):
            why = 'wrong length'
        elif stem[:12] not in mines:
            why = 'mine not in mines'
        elif not re.fullmatch(r'[1-4]\d', stem[12:14]):
            why = 'bad camera code'
        elif stem[14:16] == '03' and stem[16:20] not in BELT:
            why = 'bad belt state'
        elif parse_time(stem[-14:]) is None:
            why = 'bad time'
        if why:
            rej.add(written, line, 'name', why)
            continue
        ms = parse_time(stem[-14:])
        videos.append({'name': name, 'id': stem[:16] + stem[-14:], 'ms': ms})
    return videos, st


def load_disposals(path, written, alarms, rej):
    header, rows = csv_rows(path)
    out = {}
    times = []
    for line, r in rows:
        aid = r.get('alarm_id', '')
        if aid not in alarms:
            rej.add(written, line, 'alarm_id', 'not an alarm raised from these reports')
            continue
        ms = parse_time(r.get('disposed_at', ''))
        if ms is None:
            rej.add(written, line, 'disposed_at', 'not a time')
            continue
        if ms < alarms[aid]['ms']:
            rej.add(written, line, 'disposed_at', 'before the alarm')
            continue
        if r.get('disposal_type') not in DISPOSAL_TYPES:
            rej.add(written, line, 'disposal_type', 'unknown disposal type')
            continue
        times.append(ms)
        d = {'ms': ms, 'type': r['disposal_type'], 'department': r.get('department', ''), 'note': r.get('note', ''), 'line': line}
        if aid not in out or ms >= out[aid]['ms']:
            out[aid] = d
    return out, times, len(rows)


# ----------------------------------------------------------------------------- rules
def raise_alarms(reports, heartbeats, mines):
    alarms = {}
    for r in reports:
        m = mines[r['mine']]
        tc, v = r['type'], r['val']
        why = []
        running = tc in ('01', '02') or (tc == '03' and v in ('0001', '0002'))
        if running and m['status'] not in MAY_PRODUCE:
            what = {'01': '%s persons entering the shaft' % v, '02': '%s trucks leaving' % v}.get(
                tc, 'belt running with coal' if v == '0001' else 'belt running empty')
            why.append('%s at a mine that is %s' % (what, m['status']))
        if tc == '01' and m['pthr'] is not None and v > m['pthr']:
            why.append('%d persons > threshold %d' % (v, m['pthr']))
        if tc == '02' and m['tthr'] is not None and v > m['tthr']:
            why.append('%d trucks > threshold %d' % (v, m['tthr']))
        why += {'04': ['camera occluded'], '05': ['camera moved'], '06': ['dispatch room empty for 3 minutes']}.get(tc, [])
        if why:
            aid = r['mine'] + r['cam'] + tc + stamp(r['ms'])
            alarms[aid] = {'id': aid, 'mine': r['mine'], 'cam': r['cam'], 'tc': tc, 'type': AI_TYPES[tc], 'ms': r['ms'],
                           'count': '' if tc not in VALUE_KEY else (str(v) if tc != '03' else v),
                           'reason': '; '.join(why), 'until': None}
    outages = {}
    for (mid, cam), hbs in sorted(heartbeats.items()):
        ons = sorted(ms for ms, a in hbs if a == 1)
        outages[(mid, cam)] = []
        for a, b in zip(ons, ons[1:]):
            if b - a > OUTAGE_MS:
                aid = mid + cam + '00' + stamp(a)
                alarms[aid] = {'id': aid, 'mine': mid, 'cam': cam, 'tc': '', 'type': 'offline', 'ms': a, 'count': '',
                               'reason': 'no online heartbeat for %s min' % dec(minutes(b - a), 2), 'until': b}
                outages[(mid, cam)].append((a, b))
    return alarms, outages


def median(xs):
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def p90(xs):
    n = len(xs)
    k = -((-9 * n) // 10)          # ceil(0.9 n)
    return xs[k - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--job', default=DEFAULT_JOB)
    ap.add_argument('--out', default=None)
    args = ap.parse_args()
    sample = os.path.abspath(args.job) == os.path.abspath(DEFAULT_JOB)
    out = args.out or (os.path.join(HERE, 'expected') if sample else None)
    job = read_job(args.job)
    inp = job['inputs']

    def path(key):
        return os.path.normpath(os.path.join(job['dir'], inp[key]))

    overdue_ms = int(Fraction(job['params'].get('overdue_hours', '24')) * 3_600_000)
    rej = Rejects()
    warn = []
    names = {}
    if 'districts' in inp:
        with open(path('districts'), encoding='utf-8') as fh:
            for f in json.load(fh)['features']:
                p = f.get('properties') or {}
                if p.get('adcode') and str(p['adcode']) not in names:
                    names[str(p['adcode'])] = p.get('name') or ''
    mines, n_mines = load_mines(path('mines'), inp['mines'], rej)
    reports, heartbeats, lives, cameras, rst = load_reports(path('mine_reports'), inp['mine_reports'], mines, rej, warn)
    alarms, outages = raise_alarms(reports, heartbeats, mines)
    videos, vst = load_videos(path('mine_videos'), inp['mine_videos'], mines, rej) if 'mine_videos' in inp else ([], {'lines': 0})
    disposals, dtimes, n_disp = load_disposals(path('alarm_disposals'), inp['alarm_disposals'], alarms, rej) \
        if 'alarm_disposals' in inp else ({}, [], 0)
    evidence = {}
    unmatched = 0
    for v in videos:
        if v['id'] in alarms:
            evidence.setdefault(v['id'], []).append(v['name'])
        else:
            unmatched += 1
    if unmatched:
        warn.append('%s: %d videos match no alarm' % (inp['mine_videos'], unmatched))
    vst['unmatched_videos'] = unmatched

    if job['params'].get('as_of'):
        as_of = parse_time(job['params']['as_of'])
    else:
        times = [r['ms'] for r in reports] + [ms for s in heartbeats.values() for ms, _ in s] + \
                [x[2] for x in lives] + [v['ms'] for v in videos] + dtimes
        as_of = max(times)

    # ---- per alarm
    rows_alarms = []
    for aid in sorted(alarms):
        a = alarms[aid]
        m = mines[a['mine']]
        d = disposals.get(aid)
        deadline = a['ms'] + overdue_ms
        a['deadline'] = deadline
        a['disposed'] = d is not None
        a['duration'] = minutes(d['ms'] - a['ms']) if d else None
        a['overdue'] = (d is None or d['ms'] > deadline) and as_of > deadline
        rows_alarms.append({
            'alarm_id': aid, 'mine_id': a['mine'], 'camera_id': a['cam'], 'ai_type_code': a['tc'], 'alarm_type': a['type'],
            'time': fmt_time(a['ms']), 'count': a['count'], 'disposal_type': d['type'] if d else '',
            'disposed_at': fmt_time(d['ms']) if d else '', 'duration_min': dec(a['duration'], 2) if d else '',
            'overdue': boolean(a['overdue']), 'mine_name': m['name'], 'region_code': m['region_code'],
            'department': m['department'], 'reason': a['reason'], 'until': fmt_time(a['until']),
            'deadline': fmt_time(deadline), 'evidence': '; '.join(sorted(evidence.get(aid, []))),
            'disposal_department': d['department'] if d else '', 'disposal_note': d['note'] if d else ''})

    # ---- alarm_stats
    groups = {}
    for a in alarms.values():
        for code, level in roll_up(mines[a['mine']]['region_code']):
            for t in ('*', a['type']):
                groups.setdefault((code, t), (level, []))[1].append(a)
    rows_stats = []
    for (code, t), (level, al) in groups.items():
        durs = sorted(a['duration'] for a in al if a['disposed'])
        n, nd = len(al), len(durs)
        rows_stats.append({
            'region_code': code, 'alarm_type': t, 'alarms': n, 'disposed': nd, 'disposal_rate': dec(Fraction(nd, n), 4),
            'avg_duration_min': dec(sum(durs) / nd, 2) if nd else '', 'min_duration_min': dec(durs[0], 2) if nd else '',
            'max_duration_min': dec(durs[-1], 2) if nd else '', 'overdue': sum(1 for a in al if a['overdue']),
            'level': level, 'region_name': names.get(code, ''), 'open': n - nd,
            'median_duration_min': dec(median(durs), 2) if nd else '', 'p90_duration_min': dec(p90(durs), 2) if nd else ''})
    rows_stats.sort(key=lambda r: (sort_key(r['region_code']), sort_key(r['alarm_type'])))

    # ---- camera_online
    rows_cam = []
    cam_stat = {}
    for (mid, cam), hbs in sorted(heartbeats.items(), key=lambda kv: (sort_key(kv[0][0]), sort_key(kv[0][1]))):
        times = sorted(ms for ms, _ in hbs)
        ons = sorted(ms for ms, a in hbs if a == 1)
        expected = times[-1] // SLOT_MS - times[0] // SLOT_MS + 1
        online = len({ms // SLOT_MS for ms in ons})
        outs = outages[(mid, cam)]
        cam_stat[(mid, cam)] = (expected, online, ons)
        rows_cam.append({
            'mine_id': mid, 'camera_id': cam, 'expected': expected, 'online': online,
            'online_rate': dec(Fraction(online, expected), 4), 'position': POSITION[cam[0]],
            'first_heartbeat': fmt_time(times[0]), 'last_heartbeat': fmt_time(times[-1]), 'outages': len(outs),
            'offline_min': dec(sum((minutes(b - a) for a, b in outs), Fraction(0)), 2),
            'offline_reports': sum(1 for _, a in hbs if a == 0)})
    for mid in cameras:
        for cam in cameras[mid]:
            if (mid, cam) not in heartbeats:
                warn.append('camera %s/%s has AI reports or a live address but no heartbeat: no camera_online row' % (mid, cam))

    # ---- alarm_worklist
    rows_work = []
    for a in sorted(alarms.values(), key=lambda a: (a['ms'], a['id'])):
        if a['disposed']:
            continue
        m = mines[a['mine']]
        rows_work.append({
            'time': fmt_time(a['ms']), 'alarm_id': a['id'], 'alarm_type': a['type'], 'mine_id': a['mine'],
            'mine_name': m['name'], 'region_code': m['region_code'], 'region_name': names.get(m['region_code'], ''),
            'department': m['department'], 'age_h': dec(Fraction(as_of - a['ms'], 3_600_000), 2),
            'deadline': fmt_time(a['deadline']), 'overdue': boolean(a['overdue']), 'reason': a['reason'],
            'evidence': '; '.join(sorted(evidence.get(a['id'], [])))})

    # ---- disposal_types
    dgroups = {}
    for a in alarms.values():
        if not a['disposed']:
            continue
        for code, level in roll_up(mines[a['mine']]['region_code']):
            g = dgroups.setdefault(code, (level, {}))
            t = disposals[a['id']]['type']
            g[1][t] = g[1].get(t, 0) + 1
    rows_dtypes = []
    for code in sorted(dgroups, key=sort_key):
        level, byt = dgroups[code]
        total = sum(byt.values())
        for t in sorted(byt):
            rows_dtypes.append({'region_code': code, 'disposal_type': t, 'alarms': byt[t],
                                'share': dec(Fraction(byt[t], total), 4), 'level': level,
                                'region_name': names.get(code, '')})

    # ---- mine_status
    rows_mine = []
    for mid in sorted(mines, key=sort_key):
        m = mines[mid]
        cams = [c for c in cameras.get(mid, [])]
        hb_cams = [c for c in cams if (mid, c) in heartbeats]
        now = [c for c in hb_cams if any(as_of - OUTAGE_MS <= ms <= as_of for ms in cam_stat[(mid, c)][2])]
        exp = sum(cam_stat[(mid, c)][0] for c in hb_cams)
        onl = sum(cam_stat[(mid, c)][1] for c in hb_cams)
        mine_alarms = [a for a in alarms.values() if a['mine'] == mid]
        open_ = [a for a in mine_alarms if not a['disposed']]
        last_hb = max((ms for c in hb_cams for ms, _ in heartbeats[(mid, c)]), default=None)
        lv = [x for x in lives if x[0] == mid]
        live = max(lv, key=lambda x: (x[2], x[3]))[4] if lv else ''
        rows_mine.append({
            'mine_id': mid, 'name': m['name'], 'region_code': m['region_code'], 'department': m['department'],
            'status': m['status'], 'cameras': len(cams), 'cameras_online_now': len(now),
            'online_rate': dec(Fraction(onl, exp), 4) if exp else '', 'open_alarms': len(open_),
            'overdue_open': sum(1 for a in open_ if a['overdue']), 'last_heartbeat': fmt_time(last_hb),
            'online_now': boolean(bool(now)), 'live_url': live})

    reports_out = {
        'mine_alarms': (['alarm_id', 'mine_id', 'camera_id', 'ai_type_code', 'alarm_type', 'time', 'count', 'disposal_type',
                         'disposed_at', 'duration_min', 'overdue', 'mine_name', 'region_code', 'department', 'reason',
                         'until', 'deadline', 'evidence', 'disposal_department', 'disposal_note'], rows_alarms),
        'alarm_stats': (['region_code', 'alarm_type', 'alarms', 'disposed', 'disposal_rate', 'avg_duration_min',
                         'min_duration_min', 'max_duration_min', 'overdue', 'level', 'region_name', 'open',
                         'median_duration_min', 'p90_duration_min'], rows_stats),
        'camera_online': (['mine_id', 'camera_id', 'expected', 'online', 'online_rate', 'position', 'first_heartbeat',
                           'last_heartbeat', 'outages', 'offline_min', 'offline_reports'], rows_cam),
        'alarm_worklist': (['time', 'alarm_id', 'alarm_type', 'mine_id', 'mine_name', 'region_code', 'region_name',
                            'department', 'age_h', 'deadline', 'overdue', 'reason', 'evidence'], rows_work),
        'disposal_types': (['region_code', 'disposal_type', 'alarms', 'share', 'level', 'region_name'], rows_dtypes),
        'mine_status': (['mine_id', 'name', 'region_code', 'department', 'status', 'cameras', 'cameras_online_now',
                         'online_rate', 'open_alarms', 'overdue_open', 'last_heartbeat', 'online_now', 'live_url'], rows_mine),
    }
    if out:
        os.makedirs(out, exist_ok=True)
        for name, (header, rows) in reports_out.items():
            write_csv(os.path.join(out, name + '.csv'), header, rows)

    # ---- summary
    ok = True
    data_rows = {inp['mines']: n_mines, inp['mine_reports']: rst['lines'], inp.get('mine_videos'): vst['lines'],
                 inp.get('alarm_disposals'): n_disp}
    print('as_of %s, overdue_hours %s' % (fmt_time(as_of), job['params'].get('overdue_hours', '24')))
    print('mines %d, cameras with heartbeats %d, AI reports %d, heartbeats %d, live addresses %d'
          % (len(mines), len(heartbeats), len(reports), sum(len(s) for s in heartbeats.values()), len(lives)))
    for f, n in data_rows.items():
        if f is None:
            continue
        k = sum(1 for r in rej.rows if r[0] == f)
        bad = k * 100 > n and k > 5        # CONTRACT §7: > 1 % of data rows and > 5
        ok &= not bad
        print('  %-42s %7d rows, %d rejects%s' % (f, n, k, '  TOO MANY (run fails)' if bad else ''))
    print('  exact duplicate lines %d, repeated heartbeats %d, repeated video names %d, videos matching no alarm %d'
          % (rst['exact_duplicate_lines'], rst['repeated_heartbeats'], vst.get('repeated_names', 0), unmatched))
    for w in warn:
        print('  warning:', w)
    types = ['persons', 'trucks', 'belt', 'occlusion', 'moved', 'dispatch_room', 'offline']
    print('alarms %d: %s' % (len(alarms), ', '.join('%s %d' % (t, sum(1 for a in alarms.values() if a['type'] == t)) for t in types)))
    print('disposed %d, open %d, overdue %d (open and overdue %d, disposed late %d)' % (
        sum(a['disposed'] for a in alarms.values()), sum(not a['disposed'] for a in alarms.values()),
        sum(a['overdue'] for a in alarms.values()), sum(a['overdue'] and not a['disposed'] for a in alarms.values()),
        sum(a['overdue'] and a['disposed'] for a in alarms.values())))
    print('rows: ' + ', '.join('%s %d' % (k, len(v[1])) for k, v in reports_out.items()))

    if not sample:
        return 0 if ok else 1
    # ---- planted cases (written by make_shanxi_day.py)
    index = {
        'mine_alarms': {r['alarm_id']: r for r in rows_alarms},
        'alarm_worklist': {r['alarm_id']: r for r in rows_work},
        'camera_online': {r['mine_id'] + '/' + r['camera_id']: r for r in rows_cam},
        'mine_status': {r['mine_id']: r for r in rows_mine},
        'alarm_stats': {r['region_code'] + '/' + r['alarm_type']: r for r in rows_stats},
        'disposal_types': {r['region_code'] + '/' + r['disposal_type']: r for r in rows_dtypes},
        'load': {'as_of': {'value': fmt_time(as_of)},
                 'mine_reports': {'exact_duplicate_lines': rst['exact_duplicate_lines'],
                                  'repeated_heartbeats': rst['repeated_heartbeats'],
                                  'unused_keys': ';'.join(sorted(rst['unused']))},
                 'mine_videos': {'unmatched_videos': unmatched, 'repeated_names': vst.get('repeated_names', 0)}},
    }
    with open(os.path.join(HERE, 'expected', 'planted_cases.csv'), encoding='utf-8') as fh:
        cases = list(csv.DictReader(fh))
    planted_ids = set()
    for c in cases:
        rows = index[c['report']]
        row = rows.get(c['key'])
        if c['report'] in ('mine_alarms', 'alarm_worklist'):
            planted_ids.add(c['key'])
        if c['column'] == 'row':
            got = 'present' if row is not None else 'absent'
        else:
            got = None if row is None else str(row.get(c['column'], ''))
        if got != c['expected']:
            ok = False
            print('PLANTED MISMATCH %s | %s %s %s: want %r, got %r' % (c['case'], c['report'], c['key'], c['column'], c['expected'], got))
    # every production or threshold alarm is a planted one
    for a in alarms.values():
        if ('at a mine that is' in a['reason'] or 'threshold' in a['reason']) and a['id'] not in planted_ids:
            ok = False
            print('UNPLANTED', a['id'], a['reason'])
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
