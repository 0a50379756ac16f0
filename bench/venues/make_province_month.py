#!/usr/bin/env python3
"""Generate one province month of sports-venue footfall (seed 000).

    python3 bench/venues/make_province_month.py [OUT_DIR]     # default bench/data/venues

Writes, deterministically (fixed seed; two runs give identical bytes):
- venues.csv           2,000 Zhejiang venues (+ 5 rejected rows: 3 codes whose
                       parts differ from their columns, one 11-digit code, one
                       code listed twice)
- venue_footfall.csv   2026-04-01 … 2026-04-30 (Beijing time): two counting
                       devices a venue, one row per 15-minute slot (zeros at
                       night; some venues upload nothing while closed), device
                       and network outages, late uploads, ~0.1 % exact duplicate
                       rows, re-uploads, a few rows in other time forms, a
                       handful of rejects; in upload order
- expected_counts.json the generator's own counts (stored rows, repeats, rejects
                       per kind, sums, late rows, venue-days, slots);
                       duckdb_venues.py checks its results against them

The rules are those of /tmp/venues-rules.md (the venue_footfall task).
"""
import csv
import functools
import json
import os
import sys
import time as _time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20260401
N_VENUES = 2000
DAYS = 30                      # 2026-04-01 (a Wednesday) … 2026-04-30
SLOTS = 96                     # times are seconds from 2026-04-01 00:00:00 Beijing time
LATE_S = 3600                  # late: uploaded_at - period_end > 60 min

CITIES = {  # adcode prefix: (name, lon, lat, weight)
    '3301': ('杭州市', 120.16, 30.27, 1.6), '3302': ('宁波市', 121.55, 29.87, 1.4),
    '3303': ('温州市', 120.70, 28.00, 1.2), '3304': ('嘉兴市', 120.76, 30.75, 1.0),
    '3305': ('湖州市', 120.09, 30.89, 0.9), '3306': ('绍兴市', 120.58, 30.03, 1.0),
    '3307': ('金华市', 119.65, 29.08, 1.0), '3308': ('衢州市', 118.87, 28.94, 0.8),
    '3309': ('舟山市', 122.21, 29.99, 0.7), '3310': ('台州市', 121.42, 28.66, 1.0),
    '3311': ('丽水市', 119.92, 28.45, 0.8),
}
# Zhejiang county-level adcodes (GB/T 2260, 2024): 90 counties of the 11 cities
COUNTIES = {
    '330102': '上城区', '330105': '拱墅区', '330106': '西湖区', '330108': '滨江区', '330109': '萧山区',
    '330110': '余杭区', '330111': '富阳区', '330112': '临安区', '330113': '临平区', '330114': '钱塘区',
    '330122': '桐庐县', '330127': '淳安县', '330182': '建德市',
    '330203': '海曙区', '330205': '江北区', '330206': '北仑区', '330211': '镇海区', '330212': '鄞州区',
    '330213': '奉化区', '330225': '象山县', '330226': '宁海县', '330281': '余姚市', '330282': '慈溪市',
    '330302': '鹿城区', '330303': '龙湾区', '330304': '瓯海区', '330305': '洞头区', '330324': '永嘉县',
    '330326': '平阳县', '330327': '苍南县', '330328': '文成县', '330329': '泰顺县', '330381': '瑞安市',
    '330382': '乐清市', '330383': '龙港市',
    '330402': '南湖区', '330411': '秀洲区', '330421': '嘉善县', '330424': '海盐县', '330481': '海宁市',
    '330482': '平湖市', '330483': '桐乡市',
    '330502': '吴兴区', '330503': '南浔区', '330521': '德清县', '330522': '长兴县', '330523': '安吉县',
    '330602': '越城区', '330603': '柯桥区', '330604': '上虞区', '330624': '新昌县', '330681': '诸暨市',
    '330683': '嵊州市',
    '330702': '婺城区', '330703': '金东区', '330723': '武义县', '330726': '浦江县', '330727': '磐安县',
    '330781': '兰溪市', '330782': '义乌市', '330783': '东阳市', '330784': '永康市',
    '330802': '柯城区', '330803': '衢江区', '330822': '常山县', '330824': '开化县', '330825': '龙游县',
    '330881': '江山市',
    '330902': '定海区', '330903': '普陀区', '330921': '岱山县', '330922': '嵊泗县',
    '331002': '椒江区', '331003': '黄岩区', '331004': '路桥区', '331022': '三门县', '331023': '天台县',
    '331024': '仙居县', '331081': '温岭市', '331082': '临海市', '331083': '玉环市',
    '331102': '莲都区', '331121': '青田县', '331122': '缙云县', '331123': '遂昌县', '331124': '松阳县',
    '331125': '云和县', '331126': '庆元县', '331127': '景宁畲族自治县', '331181': '龙泉市',
}
TYPES = {'01': '体育场', '02': '体育馆', '03': '游泳馆', '04': '全民健身中心', '05': '冰上运动中心',
         '06': '综合训练馆'}
TYPE_P = [0.10, 0.25, 0.20, 0.30, 0.03, 0.12]
TYPE_SIZE = [2.0, 1.5, 1.0, 1.2, 0.8, 0.7]
LEVEL_P = [0.06, 0.24, 0.70]           # level 1 / 2 / 3
LEVEL_SIZE = [2.0, 1.3, 1.0]
PLACES = ['文晖', '黄龙', '东湖', '北山', '南苑', '青年', '新城', '江南', '城东', '城西', '奥体', '滨海',
          '西溪', '湖畔', '月湖', '鼓楼', '凤凰', '龙山', '望江', '翠苑', '明珠', '天马', '金沙', '紫金']
# device pairs per venue (seed 000: gates, face recognition, behaviour analysis, QR check-in, …)
PAIRS = [('gate', 'face'), ('gate', 'binocular'), ('face', 'ai_video'), ('binocular', 'qr'), ('gate', 'lbs')]
PAIR_P = [0.55, 0.15, 0.15, 0.10, 0.05]
DEV_PREFIX = {'gate': 'ZJ', 'face': 'RL', 'binocular': 'SM', 'ai_video': 'AI', 'qr': 'QR', 'lbs': 'LB'}
# time forms (per device): plain yyyy-MM-dd HH:mm:ss, device yyyyMMddHHmmss, ISO …Z, ISO +08:00/+0800/+08,
# plain with .SSS
PLAIN, DEVICE, ISOZ, ISO8, MS = range(5)
STYLE_P = [0.955, 0.015, 0.010, 0.010, 0.010]
OFFSETS = ['+08:00', '+0800', '+08']
# share of the venue's peak arrivals per hour (weekday / weekend); 0 outside opening hours
PROFILE_WD = np.array([0, 0, 0, 0, 0, 0, .35, .55, .45, .30, .30, .35, .40, .30, .30, .35, .45, .60,
                       .90, 1.0, .95, .70, .40, .20])
PROFILE_WE = np.array([0, 0, 0, 0, 0, 0, .30, .50, .75, .90, .95, .90, .80, .80, .90, .95, .95, .90,
                       .90, .95, .85, .60, .35, .20])


def main(out):
    t0 = _time.time()
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)

    # ------------------------------------------------------------------ venues
    ccodes = list(COUNTIES)
    w = np.array([CITIES[c[:4]][3] * (1.4 if c[4] == '0' else 1.0) for c in ccodes])
    county = rng.choice(len(ccodes), size=N_VENUES, p=w / w.sum())
    vtype = rng.choice(len(TYPES), size=N_VENUES, p=TYPE_P)
    level = rng.choice(3, size=N_VENUES, p=LEVEL_P)
    seq = {}
    venues = []                                            # [code, name, type, level, admin, lon, lat]
    cjit = {c: (rng.normal(0, 0.10), rng.normal(0, 0.08)) for c in ccodes}
    for i in range(N_VENUES):
        adm, ty, lv = ccodes[county[i]], f'{vtype[i] + 1:02d}', str(level[i] + 1)
        seq[adm, ty, lv] = seq.get((adm, ty, lv), 0) + 1
        code = f'{adm}{ty}{lv}{seq[adm, ty, lv]:03d}'
        _, clon, clat, _ = CITIES[adm[:4]]
        lon = float(np.clip(clon + cjit[adm][0] + rng.normal(0, 0.05), 118.05, 122.90))
        lat = float(np.clip(clat + cjit[adm][1] + rng.normal(0, 0.04), 27.05, 31.15))
        place = PLACES[int(rng.integers(0, len(PLACES)))]
        name = f'{COUNTIES[adm]}{place}{TYPES[ty]}'
        if i % 157 == 11:
            name = f'{COUNTIES[adm]}{place}体育中心,{TYPES[ty]}'          # a comma: quoted in the CSV
        if i % 233 == 5:
            name = f'{COUNTIES[adm]}"{place}"{TYPES[ty]}'                # quotes doubled in the CSV
        venues.append([code, name, ty, lv, adm, f'{lon:.6f}', f'{lat:.6f}'])
    codes = [v[0] for v in venues]
    assert len(set(codes)) == N_VENUES
    # rejected venue rows (not loaded): parts differ from the columns, 11 digits, a code listed twice
    bad_venues = [
        (300, ['330106021901', '西湖区测试体育馆', '02', '1', '330105', '120.130000', '30.260000']),  # admin
        (700, ['330102041902', '上城区望江全民健身中心', '02', '1', '330102', '120.180000', '30.240000']),  # type
        (1100, ['330782021903', '义乌市稠州体育馆', '02', '2', '330782', '120.070000', '29.300000']),  # level
        (1500, ['33010302190', '临安区锦城体育馆', '02', '1', '330103', '119.720000', '30.230000']),  # 11 digits
        (1900, [codes[10], venues[10][1] + '（重复登记）', *venues[10][2:]]),                     # listed twice
    ]
    with open(os.path.join(out, 'venues.csv'), 'w', encoding='utf-8', newline='') as fh:
        wr = csv.writer(fh, lineterminator='\n')
        wr.writerow(['venue_code', 'name', 'venue_type', 'level', 'admin_code', 'lon', 'lat'])
        bad = dict(bad_venues)
        for i, v in enumerate(venues):
            wr.writerow(v)
            if i in bad:
                wr.writerow(bad[i])

    # ------------------------------------------------------------------ devices
    ndev = 2 * N_VENUES
    pair = rng.choice(len(PAIRS), size=N_VENUES, p=PAIR_P)
    dsrc = [PAIRS[pair[d // 2]][d % 2] for d in range(ndev)]
    dev_id = [f'{DEV_PREFIX[dsrc[d]]}{d + 1:05d}' for d in range(ndev)]
    style = rng.choice(5, size=ndev, p=STYLE_P)
    phase = np.where(rng.random(ndev) < 0.15, rng.integers(1, 15, size=ndev), 0)   # minutes after the slot
    special = np.where((style == PLAIN) & (phase == 0))[0]
    pick = rng.choice(special, size=16, replace=False)
    half_hour, five_min = np.sort(pick[:10]), np.sort(pick[10:])  # 30-minute periods (warnings); 5-minute
    upload_every = rng.choice([300, 900, 1800, 3600], size=ndev, p=[0.3, 0.4, 0.2, 0.1])
    no_upload_at = np.sort(rng.choice(ndev, size=15, replace=False))               # uploaded_at empty

    # ------------------------------------------------------------------ counts on the grid
    weekday = (np.arange(DAYS) + 2) % 7                  # 0 = Monday; 2026-04-01 is a Wednesday
    weekend = weekday >= 5
    size = rng.lognormal(0.9, 0.6, size=N_VENUES) * np.array(TYPE_SIZE)[vtype] * np.array(LEVEL_SIZE)[level]
    open_h = rng.integers(6, 10, size=N_VENUES)
    close_h = rng.integers(20, 24, size=N_VENUES)
    closed_quiet = rng.random(N_VENUES) < 0.10           # upload nothing while closed (no data, no upload)
    monday_off = rng.random(N_VENUES) < 0.15
    slot = np.arange(SLOTS)
    start = open_h[:, None] * 4 - np.where(weekend, 4, 0)[None, :]                    # (venue, day)
    is_open = (slot[None, None, :] >= start[:, :, None]) & (slot[None, None, :] < close_h[:, None, None] * 4)
    is_open &= ~(monday_off[:, None, None] & (weekday == 0)[None, :, None])
    prof = np.where(weekend[:, None], PROFILE_WE[None, slot // 4], PROFILE_WD[None, slot // 4])  # (day, slot)
    dayf = rng.lognormal(0, 0.15, size=(N_VENUES, DAYS))
    lam = size[:, None, None] * dayf[:, :, None] * prof[None] * is_open * 3.0
    for v in rng.choice(np.where(vtype <= 1)[0], size=40, replace=False):          # match / event nights
        for d in rng.choice(DAYS, size=int(rng.integers(1, 4)), replace=False):
            lam[v, d, 76:88] *= 15
    lam += 0.01                                                                    # staff at night
    dev_factor = np.where(np.arange(ndev) % 2 == 0, 1.0, rng.uniform(0.6, 1.0, size=ndev))
    lam_d = np.repeat(lam, 2, axis=0) * dev_factor[:, None, None]
    IN = rng.poisson(lam_d).astype(np.int32)
    shift = np.zeros_like(lam_d)                                                   # leave 1–2 h later
    shift[:, :, 4:] += 0.5 * lam_d[:, :, :-4]
    shift[:, :, 8:] += 0.5 * lam_d[:, :, :-8]
    OUT = rng.poisson(shift * 0.97).astype(np.int32)
    del lam, lam_d, shift

    # ------------------------------------------------------------------ which slots report
    V = np.ones((ndev, DAYS, SLOTS), bool)
    quiet = np.repeat(closed_quiet, 2)
    open_d = np.repeat(is_open, 2, axis=0)
    near = open_d.copy()                                 # switched on 30 min before opening, off 30 min after
    near[:, :, :-2] |= open_d[:, :, 2:]
    near[:, :, 2:] |= open_d[:, :, :-2]
    V[quiet] = near[quiet]
    del open_d, near
    V = V.reshape(ndev, DAYS * SLOTS)
    for d in range(ndev):                                # device outages: 1–8 slots, some hours, a few days
        for _ in range(rng.poisson(0.8)):
            u = rng.random()
            n = int(rng.integers(1, 9) if u < 0.7 else rng.integers(8, 49) if u < 0.95 else rng.integers(48, 300))
            a = int(rng.integers(0, DAYS * SLOTS))
            V[d, a:a + n] = False
    V = V.reshape(ndev, DAYS, SLOTS)
    off = rng.random((N_VENUES, DAYS)) < 0.01            # venue-days with nothing at all (network down)
    V &= ~np.repeat(off, 2, axis=0)[:, :, None]
    for v in rng.choice(N_VENUES, size=20, replace=False):   # installed during the month
        V[2 * v:2 * v + 2, :int(rng.integers(3, 20))] = False
    silent = rng.choice(N_VENUES, size=6, replace=False)      # never report
    V[np.concatenate([2 * silent, 2 * silent + 1])] = False
    # two venue-days that report only zeros, 08:00–20:00 (peak_in 0: peak_hour is the earliest hour with data)
    zero_days = [(int(v), int(d)) for v, d in zip(rng.choice(np.where(closed_quiet)[0], 2, replace=False), [8, 22])]
    for v, d in zero_days:
        for dv in (2 * v, 2 * v + 1):
            V[dv, d] = False
            V[dv, d, 32:80] = True
            IN[dv, d] = 0
            OUT[dv, d] = 0

    # ------------------------------------------------------------------ rows (originals), by device then time
    idx = np.flatnonzero(V.reshape(-1))
    dev = (idx // (DAYS * SLOTS)).astype(np.int64)
    k = idx % (DAYS * SLOTS)
    ps = k * 900 + phase[dev] * 60
    pe = ps + 900
    inn = IN.reshape(-1)[idx].astype(np.int64)
    outn = OUT.reshape(-1)[idx].astype(np.int64)
    INf, OUTf = IN.reshape(-1), OUT.reshape(-1)
    keep = np.ones(len(idx), bool)
    hh = np.isin(dev, half_hour)                         # 30-minute periods: even slots carry both
    keep &= ~(hh & (k % 2 == 1))
    inn = np.where(hh, inn + INf[np.minimum(idx + 1, len(INf) - 1)], inn)
    outn = np.where(hh, outn + OUTf[np.minimum(idx + 1, len(OUTf) - 1)], outn)
    pe = np.where(hh, ps + 1800, pe)
    dev, ps, pe, inn, outn = dev[keep], ps[keep], pe[keep], inn[keep], outn[keep]
    fm = np.isin(dev, five_min)                          # 5-minute periods: three rows a slot
    f_dev, f_ps, f_in, f_out = dev[fm], ps[fm], inn[fm], outn[fm]
    a_in = rng.binomial(f_in, 1 / 3)
    b_in = rng.binomial(f_in - a_in, 1 / 2)
    a_out = rng.binomial(f_out, 1 / 3)
    b_out = rng.binomial(f_out - a_out, 1 / 2)
    dev = np.concatenate([dev[~fm], np.repeat(f_dev, 3)])
    ps = np.concatenate([ps[~fm], (f_ps[:, None] + np.array([0, 300, 600])[None, :]).ravel()])
    pe = np.concatenate([pe[~fm], (f_ps[:, None] + np.array([300, 600, 900])[None, :]).ravel()])
    inn = np.concatenate([inn[~fm], np.stack([a_in, b_in, f_in - a_in - b_in], 1).ravel()])
    outn = np.concatenate([outn[~fm], np.stack([a_out, b_out, f_out - a_out - b_out], 1).ravel()])
    o = np.lexsort((ps, dev))
    dev, ps, pe, inn, outn = dev[o], ps[o], pe[o], inn[o], outn[o]
    n = len(dev)

    # upload: in batches every upload_every seconds (at most 55 min after period_end), + a per-batch delay
    U = upload_every[dev]
    batch = -(-pe // U)
    up = np.minimum(batch * U, pe + 3300) + (dev * 7919 + batch * 104729) % 178 + 3
    # network outages: rows held back until the line is up again (late when more than 60 min)
    first = np.searchsorted(dev, np.arange(ndev))
    last = np.searchsorted(dev, np.arange(ndev), side='right')
    held = np.zeros(n, bool)
    for d in range(ndev):
        for _ in range(rng.poisson(0.55)):
            a = int(rng.integers(0, DAYS * 86400))
            b = a + int(rng.integers(5400, 43200))
            s = slice(first[d], last[d])
            m = (up[s] >= a) & (up[s] < b)
            up[s] = np.where(m, b + int(rng.integers(10, 600)), up[s])
            held[s] |= m
    upms = np.zeros(n, np.int64)
    msrow = style[dev] == MS
    upms[msrow] = rng.integers(0, 1000, size=int(msrow.sum()))
    # edges: exactly 60 min after period_end (on time) and one second / one millisecond more (late)
    plain_free = np.where((style[dev] == PLAIN) & ~held & ~np.isin(dev, no_upload_at))[0]
    e = rng.choice(plain_free, size=60, replace=False)
    up[e[:30]] = pe[e[:30]] + 3600
    up[e[30:]] = pe[e[30:]] + 3601
    ms_free = np.where(msrow & ~held & ~np.isin(dev, no_upload_at))[0]
    e2 = rng.choice(ms_free, size=10, replace=False)
    up[e2] = pe[e2] + 3600
    upms[e2[:5]] = 0
    upms[e2[5:]] = 1
    noup = np.isin(dev, no_upload_at)
    up[noup] = -1
    late = (up >= 0) & ((up - pe) * 1000 + upms > LATE_S * 1000)
    key = np.where(noup, pe + 120, up).astype(np.float64)

    # ------------------------------------------------------------------ repeats, rejects
    stored = np.ones(n, bool)
    used = np.zeros(n, bool)
    used[e] = used[e2] = True
    lit = {}                                             # row -> literal line (rejects written as text)
    plain_rows = np.where((style[dev] == PLAIN) & ~noup & ~used)[0]
    pool = rng.permutation(plain_rows)[:200]
    used[pool] = True
    p = iter(pool.tolist())
    rej = {'unknown_venue': 0, 'negative_count': 0, 'non_whole_count': 0, 'period_end': 0,
           'uploaded_at_before_end': 0, 'other_counts': 0, 'source': 0, 'time': 0, 'device_id': 0}

    def fields(i, st=None):
        st = style[dev[i]] if st is None else st
        d = int(dev[i])
        return [codes[d // 2], dev_id[d], dsrc[d], fmt_period(int(st), int(ps[i]), d % 3),
                fmt_period(int(st), int(pe[i]), d % 3), str(inn[i]), str(outn[i]), fmt(st, up[i], upms[i], d)]

    for j in range(12):                                  # negative counts
        i = next(p)
        f = fields(i)
        f[5 if j < 8 else 6] = str(-int(rng.integers(1, 6)))
        lit[i] = f
        rej['negative_count'] += 1
    for _ in range(3):                                   # non-whole counts
        i = next(p)
        f = fields(i)
        f[5] = f'{inn[i]}.5'
        lit[i] = f
        rej['non_whole_count'] += 1
    for j in range(4):                                   # period_end not after period_start
        i = next(p)
        f = fields(i)
        f[4] = f[3] if j < 2 else fmt(PLAIN, ps[i] - 900, 0, dev[i])
        lit[i] = f
        rej['period_end'] += 1
    for _ in range(4):                                   # uploaded before the period ended
        i = next(p)
        f = fields(i)
        f[7] = fmt(PLAIN, pe[i] - int(rng.integers(60, 600)), 0, dev[i])
        lit[i] = f
        rej['uploaded_at_before_end'] += 1
    for _ in range(2):                                   # unknown source
        i = next(p)
        f = fields(i)
        f[2] = 'wifi'
        lit[i] = f
        rej['source'] += 1
    for bad_t in ('2026-04-31 10:00:00', '2026-04-12 24:15:00'):   # no such time
        i = next(p)
        f = fields(i)
        f[3] = bad_t
        lit[i] = f
        rej['time'] += 1
    i = next(p)                                          # empty device_id
    f = fields(i)
    f[1] = ''
    lit[i] = f
    rej['device_id'] += 1
    for i in lit:
        stored[i] = False
    lit = {i: ','.join(f) + '\n' for i, f in lit.items()}

    # extra rows: (source row, literal or None, sort key)
    extra = []
    # exact duplicates (~0.1 %): the same line again, a few lines later
    cand = np.where(~used)[0]
    dup = np.sort(rng.choice(cand, size=int(n * 0.001), replace=False))
    used[dup] = True
    for i, dk in zip(dup.tolist(), rng.uniform(0.5, 10, size=len(dup)).tolist()):
        extra.append((i, None, key[i] + dk))
    n_dup = len(dup)
    # re-uploads: a device sends an hour again 1–6 h later; a third of them in another time form
    n_reup = 0
    dh = dev * (DAYS * 24) + ps // 3600
    starts = np.flatnonzero(np.r_[True, dh[1:] != dh[:-1]])
    ends = np.r_[starts[1:], n]
    full = np.where((ends - starts == 4) & ~np.isin(dev[starts], np.r_[no_upload_at, half_hour, five_min]))[0]
    for g in rng.choice(full, size=300, replace=False).tolist():
        rows_ = np.arange(starts[g], ends[g])
        if used[rows_].any():
            continue
        used[rows_] = True
        later = int(rng.integers(3600, 6 * 3600))
        alt = None
        if g % 3 == 0:
            alt = ISOZ if style[dev[rows_[0]]] == PLAIN else PLAIN
        for i in rows_.tolist():
            f = fields(i, alt)
            f[7] = fmt(style[dev[i]] if alt is None else alt, up[i] + later, upms[i], dev[i])
            extra.append((i, ','.join(f) + '\n', key[i] + later))
            n_reup += 1
    # same device and period_start as an earlier row, other counts or period_end: rejects
    for j in range(6):
        i = next(p)
        f = fields(i)
        if j < 4:
            f[5 + j % 2] = str((inn[i] if j % 2 == 0 else outn[i]) + 1)
        else:
            f[4] = fmt(PLAIN, pe[i] + 60, 0, dev[i])
        later = int(rng.integers(2 * 3600, 5 * 3600))
        f[7] = fmt(PLAIN, up[i] + later, 0, dev[i])
        extra.append((i, ','.join(f) + '\n', key[i] + later))
        rej['other_counts'] += 1
    # footfall of venues that are not loaded (rejected venue rows) or not listed at all
    for code in [b[1][0] for b in bad_venues[:4]] + ['330110019999']:
        for s in range(36, 44 if code != '330110019999' else 46):     # 2026-04-10 09:00 …
            t = 9 * 86400 + s * 900
            c = int(rng.poisson(3))
            line = (f'{code},ZJ9{code[-4:]},gate,{fmt(PLAIN, t, 0, 0)},{fmt(PLAIN, t + 900, 0, 0)},{c},'
                    f'{max(c - 1, 0)},{fmt(PLAIN, t + 900 + 240, 0, 0)}\n')
            extra.append((-1, line, float(t + 1140)))
            rej['unknown_venue'] += 1

    # ------------------------------------------------------------------ expected counts (rows that stand)
    st = np.where(stored)[0]
    sv = dev[st] // 2
    day = ps[st] // 86400
    def distinct(ids, size):
        seen = np.zeros(size, bool)
        seen[ids] = True
        return int(seen.sum())
    vday = distinct(sv * DAYS + day, N_VENUES * DAYS)
    vhour = distinct(sv * (DAYS * 24) + ps[st] // 3600, N_VENUES * DAYS * 24)
    vslot = distinct(sv * (DAYS * SLOTS) + ps[st] // 900, N_VENUES * DAYS * SLOTS)
    # per venue-day figures of venue_summary, summed: peak hour (the earliest of the largest in_count among
    # the hours with rows), peak_in, coverage in ten-thousandths (half away from zero), hour-weighted in
    vh = sv * (DAYS * 24) + ps[st] // 3600
    h_in = np.bincount(vh, weights=inn[st], minlength=N_VENUES * DAYS * 24).astype(np.int64)
    h_any = np.bincount(vh, minlength=N_VENUES * DAYS * 24).reshape(N_VENUES * DAYS, 24) > 0
    h_in = np.where(h_any, h_in.reshape(N_VENUES * DAYS, 24), -1)
    has = h_any.any(axis=1)
    peak_h = h_in.argmax(axis=1)[has]
    peak_in = h_in.max(axis=1)[has]
    seen = np.zeros(N_VENUES * DAYS * SLOTS, bool)
    seen[sv * (DAYS * SLOTS) + ps[st] // 900] = True
    d_slots = seen.reshape(N_VENUES * DAYS, SLOTS).sum(axis=1)[has]
    n_lines = n + len(extra)
    expected = {
        'data_rows': int(n_lines), 'stored_rows': int(len(st)), 'repeats': int(n_dup + n_reup),
        'exact_duplicates': int(n_dup), 're_uploads': int(n_reup),
        'rejects': rej, 'rejects_total': int(sum(rej.values())),
        'total_in': int(inn[st].sum()), 'total_out': int(outn[st].sum()),
        'late_uploads': int(late[st].sum()), 'venue_days': vday, 'venue_hours': vhour,
        'slots': vslot, 'sum_peak_hour': int(peak_h.sum()), 'sum_peak_in': int(peak_in.sum()),
        'sum_coverage_e4': int(((2 * d_slots * 10000 + SLOTS) // (2 * SLOTS)).sum()),
        'hour_weighted_in': int((inn[st] * (ps[st] // 3600 + 1)).sum()),
        'rows_longer_than_15_min': int((pe[st] - ps[st] > 900).sum()),
        'venues_loaded': N_VENUES, 'venue_rows_rejected': len(bad_venues),
        'zero_days': [[codes[v], f'2026-04-{d + 1:02d}'] for v, d in zero_days],
    }

    # ------------------------------------------------------------------ write in upload order
    src_row = np.concatenate([np.arange(n), np.array([x[0] for x in extra], np.int64)])
    order_key = np.concatenate([key, np.array([x[2] for x in extra])])
    tie_dev = np.where(src_row >= 0, dev[np.maximum(src_row, 0)], -1)
    tie_ps = np.where(src_row >= 0, ps[np.maximum(src_row, 0)], 0)
    order = np.lexsort((np.arange(len(src_row)), tie_ps, tie_dev, order_key))
    ext_lit = {n + j: x[1] for j, x in enumerate(extra) if x[1] is not None}
    PRE = [f'{codes[d // 2]},{dev_id[d]},{dsrc[d]},' for d in range(ndev)]
    TSM = [fmt(PLAIN, m * 60, 0, 0) for m in range(DAYS * 1440 + 120)]
    DD = [fmt(PLAIN, d * 86400, 0, 0)[:11] for d in range(DAYS + 4)] + ['']
    HMS = [f'{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}' for s in range(86400)] + ['']
    nonplain = (style[dev] != PLAIN)
    path = os.path.join(out, 'venue_footfall.csv')
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        fh.write('venue_code,device_id,source,period_start,period_end,in_count,out_count,uploaded_at\n')
        CH = 1_000_000
        for c0 in range(0, len(order), CH):
            oc = order[c0:c0 + CH]
            r = src_row[oc]
            base = np.maximum(r, 0)
            dl, pl, el = dev[base].tolist(), ps[base].tolist(), pe[base].tolist()
            il, ol, ul, ml = inn[base].tolist(), outn[base].tolist(), up[base].tolist(), upms[base].tolist()
            ud = np.where(up[base] >= 0, up[base] // 86400, len(DD) - 1).tolist()
            us = np.where(up[base] >= 0, up[base] % 86400, 86400).tolist()
            lines = [f'{PRE[d]}{TSM[a // 60]},{TSM[b // 60]},{x},{y},{DD[g]}{HMS[h]}\n'
                     for d, a, b, x, y, g, h in zip(dl, pl, el, il, ol, ud, us)]
            for j in np.where((r < 0) | (oc >= n) | nonplain[base] | ~stored[base])[0].tolist():
                o_, i = int(oc[j]), int(r[j])
                if o_ in ext_lit:
                    lines[j] = ext_lit[o_]
                elif i in lit and o_ < n:
                    lines[j] = lit[i]
                else:                                    # a device with another time form (or its duplicate)
                    d, st_ = dl[j], int(style[dl[j]])
                    lines[j] = (f'{PRE[d]}{fmt_period(st_, pl[j], d % 3)},{fmt_period(st_, el[j], d % 3)},'
                                f'{il[j]},{ol[j]},{fmt(st_, ul[j], ml[j], d)}\n')
            fh.write(''.join(lines))

    with open(os.path.join(out, 'expected_counts.json'), 'w', encoding='utf-8') as fh:
        json.dump(expected, fh, indent=1, ensure_ascii=False)
        fh.write('\n')
    print(f'venues: {N_VENUES} venues (+{len(bad_venues)} rejected rows), {n_lines:,} footfall rows '
          f'({os.path.getsize(path) / 1e6:.0f} MB): {len(st):,} stored, {n_dup:,} exact duplicates, '
          f'{n_reup:,} re-uploaded, {expected["rejects_total"]} rejects, {expected["late_uploads"]:,} late '
          f'-> {out} in {_time.time() - t0:.1f} s', file=sys.stderr)


_DATE = {}


def _date(d):
    """2026-04-01 + d days as yyyy-MM-dd (d from -1 to 40)."""
    s = _DATE.get(d)
    if s is None:
        dd = d + 1
        s = '2026-03-31' if d == -1 else f'2026-04-{dd:02d}' if dd <= 30 else f'2026-05-{dd - 30:02d}'
        _DATE[d] = s
    return s


def fmt(st, s, ms, d):
    """Seconds from 2026-04-01 00:00 Beijing time in the device's time form ('' when s < 0)."""
    s, ms, d = int(s), int(ms), int(d)
    if s < 0:
        return ''
    if st == ISOZ:
        s -= 8 * 3600
    day, sec = divmod(s, 86400)
    date, hms = _date(day), f'{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}'
    if st == PLAIN:
        return f'{date} {hms}'
    if st == MS:
        return f'{date} {hms}.{ms:03d}'
    if st == DEVICE:
        return date.replace('-', '') + hms.replace(':', '')
    if st == ISOZ:
        return f'{date}T{hms}Z'
    return f'{date}T{hms}{OFFSETS[d % 3]}'


@functools.lru_cache(maxsize=None)
def fmt_period(st, s, off):
    """fmt for period times (whole seconds, repeated across devices): cached."""
    return fmt(st, s, 0, off)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), 'data', 'venues'))
