#!/usr/bin/env python3
"""Generate one Tianjin district year of smart-safe-community data (seed 001).

    python3 bench/communities/make_district_year.py [OUT_DIR] [--scale S]
        # default bench/data/communities, scale 1 (20 M person + 5 M vehicle records)

Writes, deterministically (fixed seed; two runs give identical bytes), for
2025-06-01 00:00:00 … 2026-05-31 23:59:59 Beijing time, 南开区 (120104):
- communities.csv        200 communities (UTF-8 with BOM, one name quoted) + 3 rejected rows
- addresses.csv          ~20,000 B.7 standard addresses + planted problems (audit
                         findings) and 3 rejected rows (djsj not a time)
- community_devices.csv  ~3,300 B.6.1 devices (all sblx / zxzt / syzt) + 7 rejected rows
- person_access.csv      20,000,000 B.2.3 records (residents, ~15 % strangers with a
                         dabh, some frequent; ~3 % failures), fake personal xm/zjhm/lxfs
- vehicle_access.csv     5,000,000 B.5.3 records (plates 津A12345, visitors, ~2 %
                         refused), fake personal czxm/czsfzhm/czlxfs
- expected_counts.json   the generator's own totals (rows, rejects planted per kind,
                         loaded rows, in/out sums, report row counts and checksums,
                         planted suspected rows); duckdb_communities.py checks them

Everything the reports need is computed here from the generator's own arrays
(numpy), independently of duckdb_communities.py and Zonal; the written files'
line counts are checked against it before the script ends. The rules are
/tmp/community-rules.md (task community_access); as_of 2026-05-31 20:00:00,
resident_entries_30d 10.
"""
import csv
import json
import os
import sys
import time as _time
from datetime import date, datetime, timedelta

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20250601
BASE = datetime(2025, 6, 1)          # second 0 of the data, Beijing time
DAYS = 365                           # 2025-06-01 … 2026-05-31
N_COMM = 200
N_PERSON = 20_000_000
N_VEHICLE = 5_000_000
AS_OF = 364 * 86400 + 20 * 3600      # 2026-05-31 20:00:00
W0 = AS_OF - 30 * 86400              # window: W0 < t <= AS_OF
THRESHOLD = 10                       # params.resident_entries_30d
ADMIN = '120104'                     # 天津市南开区

KMFS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99]
KMFS_P = np.array([0.20, 0.02, 0.04, 0.04, 0.005, 0.015, 0.08, 0.01, 0.55, 0.03, 0.01])
KMFS_FAIL = np.array([0.030, 0.060, 0.015, 0.004, 0.010, 0.040, 0.070, 0.080, 0.028, 0.010, 0.050])
SBLX_NAMES = {1: '卡口', 2: '摄像头', 3: '道闸', 4: '门禁', 5: '人脸识别', 6: '人脸抓拍机'}
PLACES = ['华苑', '王顶堤', '天拖', '长虹', '鹤园', '黄河', '迎水', '红旗', '林苑', '密云', '宜宾', '咸阳',
          '白堤', '万德庄', '西湖', '体院北', '时代奥城', '嘉陵', '怡安', '日华', '碧华', '地华', '居华', '安华',
          '雅士', '凌宾', '龙井', '风荷', '川府', '南丰', '水上', '卫津', '宾水', '航天', '复康', '向阳']
SUFFIXES = ['里', '新村', '花园', '家园', '小区', '公寓', '东里', '西里', '北里', '南里', '新苑', '名居']
SURNAMES = list('王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎')
GIVEN = list('伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文宇浩然子涵欣怡思雨俊杰雪梅')
TJ_LETTERS = list('ABCEFGHJKLMNQR')
PLATE_CHARS = list('ABCDEFGHJKLMNPQRSTUVWXYZ')

# hourly shape (relative), persons / vehicles, entering / leaving, workday / rest day
P_IN_WD = [.30, .15, .10, .08, .10, .30, .80, 1.2, 1.3, 1.3, 1.4, 1.8, 2.2, 1.5, 1.3, 1.5, 2.0, 3.0, 3.5, 3.0, 2.2, 1.6, 1.0, .60]
P_OUT_WD = [.20, .10, .08, .08, .20, .80, 2.5, 3.5, 2.8, 1.8, 1.5, 1.6, 1.8, 1.6, 1.4, 1.4, 1.5, 1.6, 1.6, 1.5, 1.2, .80, .50, .30]
P_IN_WE = [.40, .20, .10, .08, .08, .15, .40, .80, 1.2, 1.6, 1.9, 2.2, 2.3, 1.9, 1.8, 1.9, 2.2, 2.5, 2.6, 2.3, 1.9, 1.4, 1.0, .70]
P_OUT_WE = [.30, .15, .08, .06, .10, .30, .80, 1.4, 2.0, 2.4, 2.4, 2.0, 1.8, 2.0, 2.0, 1.8, 1.6, 1.5, 1.4, 1.2, .90, .60, .40, .30]
V_IN_WD = [.20, .10, .05, .05, .05, .10, .30, .60, .80, .90, 1.0, 1.2, 1.4, 1.0, 1.0, 1.2, 1.6, 2.6, 3.4, 2.8, 1.8, 1.2, .70, .40]
V_OUT_WD = [.10, .05, .05, .05, .15, .60, 2.4, 3.6, 2.6, 1.4, 1.0, 1.0, 1.2, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 1.0, .80, .50, .30, .20]
V_IN_WE = [.30, .10, .05, .05, .05, .08, .20, .40, .70, 1.0, 1.3, 1.5, 1.5, 1.3, 1.3, 1.5, 1.9, 2.2, 2.2, 1.9, 1.5, 1.1, .70, .40]
V_OUT_WE = [.15, .05, .05, .05, .08, .20, .50, 1.0, 1.8, 2.3, 2.3, 1.8, 1.4, 1.6, 1.6, 1.4, 1.2, 1.1, 1.0, .90, .70, .50, .30, .20]
HOLIDAYS = ([date(2025, 6, 1), date(2025, 6, 2)] + [date(2025, 10, d) for d in range(1, 9)] +
            [date(2026, 1, d) for d in range(1, 4)] + [date(2026, 2, d) for d in range(15, 24)] +
            [date(2026, 4, d) for d in range(4, 7)] + [date(2026, 5, d) for d in range(1, 6)])
SPRING = [date(2026, 2, d) for d in range(14, 25)]


def tstr(s):
    """Seconds from 2025-06-01 00:00:00 as yyyy-MM-dd HH:mm:ss."""
    return (BASE + timedelta(seconds=int(s))).strftime('%Y-%m-%d %H:%M:%S')


def hexstr(rng, n, k=32):
    digits = np.array(list('0123456789abcdef'))
    return [''.join(r) for r in digits[rng.integers(0, 16, size=(n, k))].tolist()]


def id_check(body):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return '10X98765432'[sum(int(a) * b for a, b in zip(body, w)) % 11]


def people(rng, n, empty_share=0.0):
    """n fake (xm, zjhm, lxfs) strings joined as ',xm,zjhm,lxfs' ('' parts for a share)."""
    sur = rng.integers(0, len(SURNAMES), n)
    g1 = rng.integers(0, len(GIVEN), n)
    g2 = rng.integers(-len(GIVEN) // 2, len(GIVEN), n)          # < 0: a one-character given name
    birth = rng.integers(0, 365 * 60, n)
    seq = rng.integers(0, 1000, n)
    phone = rng.integers(0, 10 ** 9, n)
    pre = rng.choice(['13', '15', '18', '17', '19'], n)
    empty = rng.random(n) < empty_share
    b0 = date(1950, 1, 1)
    out = []
    for i in range(n):
        if empty[i]:
            out.append(',,,')
            continue
        xm = SURNAMES[sur[i]] + GIVEN[g1[i]] + (GIVEN[g2[i]] if g2[i] >= 0 else '')
        body = '1201' + ('04', '03', '02', '05', '06')[seq[i] % 5] + (b0 + timedelta(days=int(birth[i]))).strftime('%Y%m%d') + f'{seq[i]:03d}'
        out.append(f',{xm},{body}{id_check(body)},{pre[i]}{phone[i]:09d}')
    return out


def day_factors(rng, kind):
    f = np.ones(DAYS)
    for d in range(DAYS):
        dd = (BASE + timedelta(days=d)).date()
        if dd.weekday() >= 5:
            f[d] = 0.95 if kind == 'p' else 0.90
        if dd in HOLIDAYS:
            f[d] = 0.90 if kind == 'p' else 0.85
        if dd in SPRING:
            f[d] = 0.62 if kind == 'p' else 0.70
        if dd.month in (12, 1, 2):
            f[d] *= 0.93
        if dd.month in (7, 8):
            f[d] *= 1.04
    return f * rng.lognormal(0, 0.08, DAYS)


def rest_days():
    return np.array([(BASE + timedelta(days=d)).date().weekday() >= 5 or
                     (BASE + timedelta(days=d)).date() in HOLIDAYS for d in range(DAYS)])


def sample_times(rng, n, cd_p, profiles, crlx, rest):
    """Community, day, second of day for n records: (community, day) by cd_p, the hour by the
    profile of the direction and kind of day, the second within the hour uniform."""
    cd = rng.choice(len(cd_p), size=n, p=cd_p).astype(np.int32)
    c = (cd // DAYS).astype(np.int16)
    d = cd % DAYS
    del cd
    hour = np.empty(n, np.int32)
    for k, (dirn, rd) in enumerate([(1, False), (1, True), (2, False), (2, True)]):
        m = (crlx == dirn) & (rest[d] == rd)
        p = np.array(profiles[k], float)
        hour[m] = rng.choice(24, size=int(m.sum()), p=p / p.sum())
    t = d.astype(np.int64) * 86400 + hour * 3600 + rng.integers(0, 3600, n)
    return c, t


def main(out, scale=1.0):
    t0 = _time.time()
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    n_person = int(N_PERSON * scale)
    n_vehicle = int(N_VEHICLE * scale)
    DAYSTR = [(BASE + timedelta(days=d)).strftime('%Y-%m-%d') for d in range(-5, DAYS + 2)]
    HMS = [f'{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}' for s in range(86400)]

    def ts(s):
        return f'{DAYSTR[s // 86400 + 5]} {HMS[s % 86400]}'

    # ------------------------------------------------------------------ communities
    names = [p + s for p in PLACES for s in SUFFIXES]
    order = rng.permutation(len(names))[:N_COMM]
    xqmc = [names[i] for i in order]
    xqmc[37] = '水上花园（一期,二期）'                       # a comma: quoted in the CSV
    assert len(set(xqmc)) == N_COMM
    ptzcm = hexstr(rng, N_COMM + 4)
    ptz, X1, X2, X3 = ptzcm[:N_COMM], ptzcm[N_COMM], ptzcm[N_COMM + 1], ptzcm[N_COMM + 2]   # X*: not loaded
    X4 = ptzcm[N_COMM + 3]                                  # never listed anywhere
    size = rng.lognormal(0, 0.5, N_COMM)
    size /= size.mean()
    lon = 117.10 + rng.random(N_COMM) * 0.10
    lat = 39.07 + rng.random(N_COMM) * 0.08
    DUP_NAME = '龙井里（重复登记）'
    comm_rows = []
    for i in range(N_COMM):
        comm_rows.append([ptz[i], xqmc[i], ADMIN, f'{lon[i]:.6f}', f'{lat[i]:.6f}'])
        if i == 50:          # the same ptzcm again (later row: a reject, the first stands)
            comm_rows.append([ptz[10], DUP_NAME, ADMIN, f'{lon[10]:.6f}', f'{lat[10]:.6f}'])
        if i == 120:         # admin_code of 5 digits
            comm_rows.append([X1, '南开区测试小区', '12010', '117.150000', '39.100000'])
        if i == 160:         # lon out of range
            comm_rows.append([X2, '卫津河畔', ADMIN, '217.150000', '39.110000'])
    with open(os.path.join(out, 'communities.csv'), 'w', encoding='utf-8-sig', newline='') as fh:
        wr = csv.writer(fh, lineterminator='\n')
        wr.writerow(['ptzcm', 'xqmc', 'admin_code', 'lon', 'lat'])
        wr.writerows(comm_rows)
    rejects = {'communities': {'duplicate_ptzcm': 1, 'admin_code': 1, 'lon': 1}}

    # ------------------------------------------------------------------ devices
    dev = []        # [sbbm, sbmc, sblx, zxzt, syzt, sbjd, sbwd, ptzcm, community]
    spots = ['东门', '西门', '南门', '北门', '地库', '中心广场', '' ]
    for c in range(N_COMM):
        counts = {1: 1 + rng.poisson(0.5), 2: 3 + rng.poisson(2), 3: 1 + rng.poisson(1),
                  4: 2 + rng.poisson(2), 5: 1 + rng.poisson(1.5), 6: rng.poisson(1.5)}
        if c in (33, 77, 144):
            counts[6] = max(counts[6], 2)
        for sblx in range(1, 7):
            for k in range(counts[sblx]):
                zxzt = int(rng.choice([1, 2, 3], p=[0.85, 0.10, 0.05]))
                syzt = int(rng.choice([10, 20, 30, 40, 50, 90], p=[0.88, 0.04, 0.03, 0.02, 0.02, 0.01]))
                if c in (33, 77, 144) and sblx == 6:
                    syzt = 30                                # installed, not in use yet: devices 0
                    zxzt = 2
                jd, wd = ('', '') if rng.random() < 0.05 else (f'{lon[c] + rng.normal(0, 0.001):.6f}',
                                                               f'{lat[c] + rng.normal(0, 0.001):.6f}')
                spot = spots[int(rng.integers(0, len(spots)))]
                dev.append([f'TJNK{c + 1:03d}{sblx:02d}{k + 1:03d}', f'{xqmc[c]}{spot}{SBLX_NAMES[sblx]}{k + 1:02d}',
                            str(sblx), str(zxzt), str(syzt), jd, wd, ptz[c], c])
    dev_ok = list(dev)
    bad_dev = {   # position in the list: the rejected row written after it
        100: [dev[40][0], '重复设备', '2', '1', '10', '', '', dev[40][7]],      # sbbm listed twice
        400: ['TJNK901070001', '测试设备', '7', '1', '10', '', '', ptz[3]],     # sblx 7
        800: ['TJNK902040001', '东门门禁99', '4', '4', '10', '', '', ptz[5]],   # zxzt 4
        1200: ['TJNK903050001', '人脸识别99', '5', '1', '60', '', '', ptz[7]],  # syzt 60
        1600: ['TJNK904020001', '摄像头99', '2', '1', '10', '117.150000', '', ptz[9]],   # sbjd without sbwd
        2000: ['TJNK905040001', '门禁98', '4', '1', '10', '', '', X1],          # community not loaded
        2400: ['TJNK906020001', '', '2', '1', '10', '', '', ptz[11]],           # sbmc empty
    }
    with open(os.path.join(out, 'community_devices.csv'), 'w', encoding='utf-8', newline='') as fh:
        wr = csv.writer(fh, lineterminator='\n')
        wr.writerow(['sbbm', 'sbmc', 'sblx', 'zxzt', 'syzt', 'sbjd', 'sbwd', 'ptzcm'])
        for i, d in enumerate(dev):
            wr.writerow(d[:8])
            if i in bad_dev:
                wr.writerow(bad_dev[i])
    rejects['community_devices'] = {'duplicate_sbbm': 1, 'sblx': 1, 'zxzt': 1, 'syzt': 1, 'sbwd': 1, 'ptzcm': 1,
                                    'sbmc': 1}
    dgrp = {}
    for d in dev_ok:
        g = dgrp.setdefault((d[7], int(d[2])), [0, 0, 0, 0, 0])
        if d[4] == '10':
            g[0] += 1
            g[{'1': 1, '2': 2, '3': 3}[d[3]]] += 1
        else:
            g[4] += 1
    dev_expect = {'device_rows': len(dgrp), 'devices_loaded': len(dev_ok),
                  'devices': sum(g[0] for g in dgrp.values()), 'online': sum(g[1] for g in dgrp.values()),
                  'offline': sum(g[2] for g in dgrp.values()), 'fault': sum(g[3] for g in dgrp.values()),
                  'not_in_use': sum(g[4] for g in dgrp.values()),
                  'rows_without_devices_in_use': sum(1 for g in dgrp.values() if g[0] == 0)}
    # devices the access records name: persons at 门禁 / 人脸识别, vehicles at 卡口 / 道闸
    p_dev = [[d[0] for d in dev_ok if d[8] == c and d[2] in ('4', '5')] for c in range(N_COMM)]
    v_dev = [[d[0] for d in dev_ok if d[8] == c and d[2] in ('1', '3')] for c in range(N_COMM)]

    # ------------------------------------------------------------------ addresses
    addr_expect = write_addresses(rng, out, xqmc, ptz, X1, X4, DUP_NAME, ts)
    rejects['addresses'] = {'djsj': 3}

    # ------------------------------------------------------------------ (community, day) weights
    rest = rest_days()
    avail = np.ones((N_COMM, DAYS), bool)
    late = rng.choice(np.arange(2, N_COMM), size=10, replace=False)       # joined during the year
    for c in late:
        avail[c, :int(rng.integers(30, 150))] = False
    for _ in range(60):                                                    # a day with no data (outage)
        c, d = int(rng.integers(2, N_COMM)), int(rng.integers(0, DAYS - 40))
        avail[c, d:d + int(rng.integers(1, 3))] = False

    # ------------------------------------------------------------------ persons (the people)
    R = np.maximum(20, np.round(size * 300)).astype(np.int64)              # residents per community
    F = np.maximum(4, np.round(size * 25)).astype(np.int64)                # frequent strangers
    S = np.full(N_COMM, 2000, np.int64)                                    # occasional visitors
    A = np.full(N_COMM, 4000, np.int64)                                    # unrecognised captures
    offs = {}
    pos = 0
    for kind, cnt in (('res', R), ('freq', F), ('occ', S), ('anon', A)):
        offs[kind] = pos + np.concatenate([[0], np.cumsum(cnt)[:-1]])
        pos += int(cnt.sum())
    n_people = pos
    p_comm = np.concatenate([np.repeat(np.arange(N_COMM), R), np.repeat(np.arange(N_COMM), F),
                             np.repeat(np.arange(N_COMM), S), np.repeat(np.arange(N_COMM), A)])
    nr, nf, ns, na = int(R.sum()), int(F.sum()), int(S.sum()), int(A.sum())
    # per person: ryId, dabh, zhlx, sfbxq (1, 0 or empty)
    ry = hexstr(rng, nr + nf + ns)
    res_zhlx = rng.choice(['2', '3', '1'], size=nr, p=[0.6, 0.25, 0.15])
    res_sf = np.where(rng.random(nr) < 0.005, '', '1')
    PRE, TAIL, SFB, HASDA = [], [], [], []
    pers_res = people(rng, nr)
    for i in range(nr):
        c = int(p_comm[i])
        PRE.append(f'{ry[i]},DA{ADMIN}{c + 1:03d}{i:07d},{res_zhlx[i]},')
        TAIL.append(f',{res_sf[i]},{ptz[c]}{pers_res[i]}\n')
        SFB.append(1 if res_sf[i] == '1' else -1)
        HASDA.append(True)
    str_zhlx = rng.choice(['4', '5', '0'], size=nf + ns, p=[0.5, 0.4, 0.1])
    str_ry = rng.random(nf + ns) < 0.3
    pers_str = people(rng, nf + ns, empty_share=0.4)
    for j in range(nf + ns):
        i = nr + j
        c = int(p_comm[i])
        PRE.append(f'{ry[i] if str_ry[j] else ""},FK{ADMIN}{c + 1:03d}{j:07d},{str_zhlx[j]},')
        TAIL.append(f',0,{ptz[c]}{pers_str[j]}\n')
        SFB.append(0)
        HASDA.append(True)
    anon_zhlx = rng.choice(['0', '5', '9'], size=na, p=[0.6, 0.3, 0.1])
    anon_sf = rng.choice(['0', ''], size=na, p=[0.7, 0.3])
    for j in range(na):
        i = nr + nf + ns + j
        c = int(p_comm[i])
        PRE.append(f'ZP{ADMIN}{c + 1:03d}{j:08d},,{anon_zhlx[j]},')
        TAIL.append(f',{anon_sf[j]},{ptz[c]},,,\n')
        SFB.append(0 if anon_sf[j] == '0' else -1)
        HASDA.append(False)

    # planted persons (community 0 and 1): the window's edges, failures, exits, sfbxq empty, …
    P0, P1 = 0, 1
    planted_p = []                         # (person, community, t, crlx, kmzt)
    plant_people = []                      # (dabh, ryId, sfbxq, community)

    def plant_person(dabh, c, sf='0', ryid=''):
        PRE.append(f'{ryid},{dabh},5,')
        TAIL.append(f',{sf},{ptz[c]},,,\n')
        SFB.append(0 if sf == '0' else -1)
        HASDA.append(True)
        plant_people.append((dabh, c))
        return len(PRE) - 1

    def at(y, m, d, hh, mm=0, ss=0):
        return int((datetime(y, m, d, hh, mm, ss) - BASE).total_seconds())

    def entries(p, c, times, crlx=1, kmzt=1):
        for t in times:
            planted_p.append((p, c, t, crlx, kmzt))

    in_days = [at(2026, 5, d, 8, 30) for d in range(3, 31, 3)]                         # 10 days in the window
    p = plant_person('FKJC000001', P0)       # edges: W0 out, W0+1 in, as_of in, as_of+1 out; 10 listed
    entries(p, P0, [at(2026, 3, 10, 9, 15), W0, W0 + 1] + in_days[:7] + [at(2026, 5, 20, 23, 59, 59),
                                                                         at(2026, 5, 21, 0, 0, 0), AS_OF, AS_OF + 1])
    entries(p, P0, [at(2026, 5, 10, 7, 0), at(2026, 5, 11, 7, 0)], crlx=2)
    p = plant_person('FKJC000002', P0)       # 9 in the window (+ one exactly at W0): not listed
    entries(p, P0, [W0] + in_days[:9])
    entries(p, P0, in_days[:6], crlx=2)      # leaving does not count
    p = plant_person('FKJC000003', P0)       # 10 attempts, one failed: 9
    entries(p, P0, in_days[:9])
    entries(p, P0, [in_days[9]], kmzt=2)
    p = plant_person('FKJC000004', P0, sf='')   # sfbxq empty: not a candidate
    entries(p, P0, in_days + [at(2026, 5, 30, 18, 0), at(2026, 5, 31, 9, 0)])
    for c in (P0, P1):                       # the same dabh in two communities: two rows
        p = plant_person('FKJC000005', c)
        entries(p, c, in_days + [at(2026, 5, 31, 12, 0)])
    p = plant_person('FKJC000006', P0)       # only after as_of: not listed
    entries(p, P0, [AS_OF + 1 + 600 * k for k in range(12)])
    p = plant_person('FKJC000007', P0)       # 10 on one day
    entries(p, P0, [at(2026, 5, 18, 8 + k, 5) for k in range(10)])
    p = plant_person('FKJC000008', P0)       # 10 on ten days: ties with 000007, sorted by dabh
    entries(p, P0, in_days)
    p = plant_person('FKJC000009', P0, ryid='9f0c2d1e8b7a46c5a3e2f1d0c9b8a7f6')   # with a ryId, 20 entries
    entries(p, P0, [at(2026, 5, 2 + k, 23 if k % 2 else 0, 30) for k in range(20)])
    p = plant_person('FKJC000010', P0)       # exactly at the threshold, first entry long before
    entries(p, P0, [at(2025, 6, 1, 0, 0, 0)] + [at(2026, 5, 5 + k, 19, 59, 59) for k in range(10)])
    n_people = len(PRE)
    p_comm = np.concatenate([p_comm, np.array([c for _, c in plant_people])])
    SFB = np.array(SFB, np.int8)
    HASDA = np.array(HASDA, bool)

    # ------------------------------------------------------------------ person records
    n_rand = n_person - len(planted_p)
    pf = day_factors(rng, 'p')
    cd_p = (size[:, None] * pf[None, :] * avail).ravel()
    cd_p /= cd_p.sum()
    crlx = np.where(rng.random(n_rand) < 0.5, 1, 2).astype(np.int8)
    c, t = sample_times(rng, n_rand, cd_p, [P_IN_WD, P_IN_WE, P_OUT_WD, P_OUT_WE], crlx, rest)
    u = rng.random(n_rand)
    cat = np.where(u < 0.82, 0, np.where(u < 0.82 + 0.06, 1, np.where(u < 0.97, 2, 3))).astype(np.int8)
    u = rng.random(n_rand)
    person = np.empty(n_rand, np.int64)
    for k, (kind, cnt, expo) in enumerate((('res', R, 1.3), ('freq', F, 1.5), ('occ', S, 1.0), ('anon', A, 1.0))):
        m = cat == k
        cc = c[m]
        person[m] = offs[kind][cc] + np.minimum((cnt[cc] * u[m] ** expo).astype(np.int64), cnt[cc] - 1)
    del u
    ki = rng.choice(len(KMFS), size=n_rand, p=KMFS_P).astype(np.int8)
    allowed = np.ones((N_COMM, len(KMFS)), bool)        # methods a community does not have → face
    allowed[:, [1, 4, 5, 7, 9]] = rng.random((N_COMM, 5)) < 0.6
    ki = np.where(allowed[c, ki], ki, 8).astype(np.int8)
    fail = KMFS_FAIL[ki] * np.where(cat == 0, 0.9, 1.6)
    kmzt = np.where(rng.random(n_rand) < fail, 2, 1).astype(np.int8)
    del fail
    nd = np.array([len(x) for x in p_dev])
    doff = np.concatenate([[0], np.cumsum(nd)[:-1]])
    SB = [s for x in p_dev for s in x] + ['']
    sb = doff[c] + (rng.random(n_rand) * nd[c]).astype(np.int64)
    sb[rng.random(n_rand) < 0.01] = len(SB) - 1
    # the other time: exits carry an entry time now and then (not used)
    other = np.where((crlx == 2) & (rng.random(n_rand) < 0.15), t - rng.integers(60, 36000, n_rand), -1)
    other[other < 0] = -1
    # planted records appended
    pl = np.array(planted_p, np.int64).reshape(-1, 5)
    person = np.concatenate([person, pl[:, 0]])
    c = np.concatenate([c, pl[:, 1].astype(np.int16)])
    t = np.concatenate([t, pl[:, 2]])
    crlx = np.concatenate([crlx, pl[:, 3].astype(np.int8)])
    kmzt = np.concatenate([kmzt, pl[:, 4].astype(np.int8)])
    ki = np.concatenate([ki, np.full(len(pl), 8, np.int8)])
    sb = np.concatenate([sb, doff[pl[:, 1]]])
    other = np.concatenate([other, np.full(len(pl), -1)])
    is_planted = np.zeros(n_person, bool)
    is_planted[n_rand:] = True
    o = np.argsort(t, kind='stable')
    person, c, t, crlx, kmzt, ki, sb, other, is_planted = (a[o] for a in (person, c, t, crlx, kmzt, ki, sb, other,
                                                                          is_planted))
    del o
    assert (p_comm[person] == c).all()

    # person rejects: a row of the data made invalid in one field
    KM = [f'{KMFS[k]},{z},{r},' for k in range(len(KMFS)) for z in (1, 2) for r in (1, 2)]
    km = (ki.astype(np.int64) * 2 + (kmzt - 1)) * 2 + (crlx - 1)

    def pfields(i):
        pre = PRE[person[i]].split(',')
        tail = TAIL[person[i]].rstrip('\n').split(',')
        tm, ot = ts(int(t[i])), ts(int(other[i])) if other[i] >= 0 else ''
        jr, lk = (tm, ot) if crlx[i] == 1 else (ot, tm)
        return pre[:3] + [str(KMFS[ki[i]]), str(kmzt[i]), str(crlx[i]), SB[sb[i]], jr, lk] + tail[1:]

    # columns: 0 ryId 1 dabh 2 zhlx 3 kmfs 4 kmzt 5 crlx 6 sbbm 7 jrsj 8 lksj 9 sfbxq 10 ptzcm 11.. personal
    sc = max(scale, 0.05)
    p_kinds = [('ptzcm', int(600 * sc)), ('ptzcm_empty', int(50 * sc)), ('zhlx', int(100 * sc)),
               ('kmfs', int(150 * sc)), ('kmzt', int(100 * sc)), ('crlx', int(100 * sc)), ('sfbxq', int(100 * sc)),
               ('dabh', int(200 * sc)), ('jrsj_missing', int(150 * sc)), ('lksj_missing', int(150 * sc)),
               ('time', int(300 * sc))]
    BAD_TIMES = ['2026-02-29 08:10:00', '2025-06-31 12:00:00', '2025-11-12 24:10:00', '2025-11-12 08:60:00',
                 '2025/11/12 08:00:00', '2025-11-12 08:00']
    lit = {}
    cand = rng.permutation(np.flatnonzero(~is_planted))[:sum(k for _, k in p_kinds) * 3]
    ci = 0
    prej = {}
    for kind, cnt in p_kinds:
        done = 0
        while done < cnt:
            i = int(cand[ci])
            ci += 1
            f = pfields(i)
            if kind == 'ptzcm':
                f[10] = (X1, X2, X3, X4)[done % 4]
            elif kind == 'ptzcm_empty':
                f[10] = ''
            elif kind == 'zhlx':
                f[2] = ('6', '8', '')[done % 3]
            elif kind == 'kmfs':
                f[3] = ('0', '11', '12', '')[done % 4]
            elif kind == 'kmzt':
                f[4] = ('0', '3')[done % 2]
            elif kind == 'crlx':
                f[5] = ('0', '3', '')[done % 3]
            elif kind == 'sfbxq':
                f[9] = ('2', '是')[done % 2]
            elif kind == 'dabh':
                f[0], f[1] = '', ''
            elif kind == 'jrsj_missing':
                if crlx[i] != 1:
                    continue
                f[7] = ''
            elif kind == 'lksj_missing':
                if crlx[i] != 2:
                    continue
                f[8] = ''
            elif kind == 'time':
                f[7 if crlx[i] == 1 else 8] = BAD_TIMES[done % len(BAD_TIMES)]
            lit[i] = ','.join(f) + '\n'
            done += 1
        prej[kind] = cnt
    rejects['person_access'] = prej
    p_ok = np.ones(n_person, bool)
    p_ok[list(lit)] = False

    path = os.path.join(out, 'person_access.csv')
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        fh.write('ryId,dabh,zhlx,kmfs,kmzt,crlx,sbbm,jrsj,lksj,sfbxq,ptzcm,xm,zjhm,lxfs\n')
        CH = 1_000_000
        for a in range(0, n_person, CH):
            b = min(a + CH, n_person)
            tl = t[a:b].tolist()
            ol = other[a:b].tolist()
            tstr_ = [f'{DAYSTR[x // 86400 + 5]} {HMS[x % 86400]}' for x in tl]
            ostr_ = [f'{DAYSTR[x // 86400 + 5]} {HMS[x % 86400]}' if x >= 0 else '' for x in ol]
            lines = [f'{PRE[p]}{KM[k]}{SB[s]},{x},{y}{TAIL[p]}' if r == 1 else f'{PRE[p]}{KM[k]}{SB[s]},{y},{x}{TAIL[p]}'
                     for p, k, s, x, y, r in zip(person[a:b].tolist(), km[a:b].tolist(), sb[a:b].tolist(),
                                                 tstr_, ostr_, crlx[a:b].tolist())]
            for i in [i for i in lit if a <= i < b]:
                lines[i - a] = lit[i]
            fh.write(''.join(lines))
    del km, other
    print(f'persons: {n_person:,} rows ({os.path.getsize(path) / 1e6:.0f} MB) in {_time.time() - t0:.0f} s',
          file=sys.stderr)

    # person expectations
    ok = p_ok
    pin = ok & (kmzt == 1) & (crlx == 1)
    pout = ok & (kmzt == 1) & (crlx == 2)
    hours = DAYS * 24
    ff = np.zeros(N_COMM * hours, np.int64)
    ff += np.bincount(c[pin].astype(np.int64) * hours + t[pin] // 3600, minlength=N_COMM * hours)
    ff += np.bincount(c[pout].astype(np.int64) * hours + t[pout] // 3600, minlength=N_COMM * hours)
    am = np.bincount(c[ok].astype(np.int64) * len(KMFS) + ki[ok], minlength=N_COMM * len(KMFS))
    cand_m = ok & (kmzt == 1) & (crlx == 1) & (SFB[person] == 0) & HASDA[person] & (t <= AS_OF)
    sr = suspects(person[cand_m], t[cand_m], n_people)
    exp = {'person_rows': n_person, 'person_loaded': int(ok.sum()), 'persons_in': int(pin.sum()),
           'persons_out': int(pout.sum()), 'person_failures': int((ok & (kmzt == 2)).sum()),
           'access_methods_rows': int((am > 0).sum()),
           'suspected_residents_rows': sr['rows'], 'suspected_residents_entries': sr['entries'],
           'suspected_residents_days': sr['days'], 'suspected_residents_first_seen_s': sr['first'],
           'suspected_residents_last_seen_s': sr['last']}
    del pin, pout, cand_m, person, ki, sb, kmzt, crlx, is_planted, ok, p_ok
    PRE = TAIL = None
    planted_res = planted_rows_res(planted_p, plant_people, ptz)
    del planted_p

    # ------------------------------------------------------------------ vehicles
    t1 = _time.time()
    RV = np.maximum(10, np.round(size * 150)).astype(np.int64)    # residents' cars
    FV = np.maximum(3, np.round(size * 10)).astype(np.int64)      # frequent visitors
    SV = np.full(N_COMM, 1500, np.int64)                          # occasional visitors
    UV = np.full(N_COMM, 600, np.int64)                           # unrecognised / others (sfbxq empty)
    voffs = {}
    pos = 0
    for kind, cnt in (('res', RV), ('freq', FV), ('occ', SV), ('unk', UV)):
        voffs[kind] = pos + np.concatenate([[0], np.cumsum(cnt)[:-1]])
        pos += int(cnt.sum())
    n_cars = pos
    v_comm = np.concatenate([np.repeat(np.arange(N_COMM), x) for x in (RV, FV, SV, UV)])
    PLANTED_PLATES = ['津A12345', '津A19945', '津AD12345', '冀B8K345', '津C55555', 'AB123', 'WJ12345678', '津E66666']
    plates = make_plates(rng, n_cars, set(PLANTED_PLATES))
    nrv, nfv, nsv, nuv = int(RV.sum()), int(FV.sum()), int(SV.sum()), int(UV.sum())
    owners = people(rng, n_cars, empty_share=0.0)
    kind_of = np.concatenate([np.full(nrv, 0), np.full(nfv, 1), np.full(nsv, 2), np.full(nuv, 3)])
    vis_empty = rng.random(n_cars) < 0.8
    VPRE, VTAIL, VSF = [], [], []
    for i in range(n_cars):
        k = kind_of[i]
        cc = int(v_comm[i])
        tclx = ('2', '1', '1', '0')[k]
        if k == 0 and i % 37 == 0:
            tclx = ''
        sf = ('1', '0', '0', '')[k]
        VPRE.append(f'{plates[i]},{tclx},')
        own = owners[i] if k == 0 or not vis_empty[i] else ',,,'
        VTAIL.append(f'{sf},{ptz[cc]}{own}\n')
        VSF.append({'1': 1, '0': 0, '': -1}[sf])
    planted_v = []                          # (vehicle, community, t, crlx, txqk)
    plant_cars = []                         # (plate, community, sfbxq)

    def plant_car(plate, cc, sf='0'):
        VPRE.append(f'{plate},1,')
        VTAIL.append(f'{sf},{ptz[cc]},,,\n')
        VSF.append(0 if sf == '0' else -1)
        plant_cars.append((plate, cc))
        return len(VPRE) - 1

    def ventries(v, cc, times, crlx=1, txqk=1):
        for x in times:
            planted_v.append((v, cc, x, crlx, txqk))

    days12 = [at(2026, 5, d, 18, 40) for d in range(4, 28, 2)]
    v = plant_car('津A12345', P0)             # three plates masking alike (津A***45)
    ventries(v, P0, [at(2026, 2, 1, 8, 0)] + days12)
    v = plant_car('津A19945', P0)
    ventries(v, P0, [at(2026, 4, 20, 10, 30)] + days12)
    v = plant_car('津AD12345', P0)
    ventries(v, P0, [at(2026, 5, 2, 7, 15) + 3600 * 24 * k for k in range(15)])
    v = plant_car('冀B8K345', P0)             # window edges
    ventries(v, P0, [W0, W0 + 1] + days12[:8] + [AS_OF, AS_OF + 1])
    ventries(v, P0, days12[:5], crlx=2)
    v = plant_car('津C55555', P0)             # one refused: 9
    ventries(v, P0, days12[:9])
    ventries(v, P0, [days12[9]], txqk=0)
    v = plant_car('AB123', P0)                # 5 characters
    ventries(v, P0, days12[:10])
    v = plant_car('WJ12345678', P0)           # 10 characters
    ventries(v, P0, days12[:11])
    v = plant_car('津E66666', P0, sf='')      # sfbxq empty: not a candidate
    ventries(v, P0, days12 + [AS_OF - 60])
    v = plant_car('津A12345', P1)             # the same plate in another community
    ventries(v, P1, days12[:10])
    n_cars = len(VPRE)
    v_comm = np.concatenate([v_comm, np.array([cc for _, cc in plant_cars])])
    VSF = np.array(VSF, np.int8)

    n_vrand = n_vehicle - len(planted_v)
    vf = day_factors(rng, 'v')
    cd_p = (size[:, None] * vf[None, :] * avail).ravel()
    cd_p /= cd_p.sum()
    vcr = np.where(rng.random(n_vrand) < 0.5, 1, 2).astype(np.int8)
    vc, vt = sample_times(rng, n_vrand, cd_p, [V_IN_WD, V_IN_WE, V_OUT_WD, V_OUT_WE], vcr, rest)
    u = rng.random(n_vrand)
    vcat = np.where(u < 0.75, 0, np.where(u < 0.75 + 0.11, 1, np.where(u < 0.97, 2, 3))).astype(np.int8)
    u = rng.random(n_vrand)
    car = np.empty(n_vrand, np.int64)
    for k, (kind, cnt, expo) in enumerate((('res', RV, 1.2), ('freq', FV, 1.5), ('occ', SV, 1.0), ('unk', UV, 1.0))):
        m = vcat == k
        cc = vc[m]
        car[m] = voffs[kind][cc] + np.minimum((cnt[cc] * u[m] ** expo).astype(np.int64), cnt[cc] - 1)
    del u
    txqk = np.where(rng.random(n_vrand) < np.where(vcat == 0, 0.01, 0.05), 0, 1).astype(np.int8)
    vnd = np.array([len(x) for x in v_dev])
    vdoff = np.concatenate([[0], np.cumsum(vnd)[:-1]])
    VSB = [s for x in v_dev for s in x]
    vsb = vdoff[vc] + (rng.random(n_vrand) * vnd[vc]).astype(np.int64)
    vother = np.where((vcr == 2) & (rng.random(n_vrand) < 0.6),
                      vt - np.minimum(rng.exponential(8 * 3600, n_vrand).astype(np.int64) + 300, 3 * 86400), -1)
    vother[vother < 0] = -1
    pv = np.array(planted_v, np.int64).reshape(-1, 5)
    car = np.concatenate([car, pv[:, 0]])
    vc = np.concatenate([vc, pv[:, 1].astype(np.int16)])
    vt = np.concatenate([vt, pv[:, 2]])
    vcr = np.concatenate([vcr, pv[:, 3].astype(np.int8)])
    txqk = np.concatenate([txqk, pv[:, 4].astype(np.int8)])
    vsb = np.concatenate([vsb, vdoff[pv[:, 1]]])
    vother = np.concatenate([vother, np.full(len(pv), -1)])
    v_planted = np.zeros(n_vehicle, bool)
    v_planted[n_vrand:] = True
    o = np.argsort(vt, kind='stable')
    car, vc, vt, vcr, txqk, vsb, vother, v_planted = (a[o] for a in (car, vc, vt, vcr, txqk, vsb, vother, v_planted))
    del o
    assert (v_comm[car] == vc).all()

    def vfields(i):
        pre = VPRE[car[i]].split(',')
        tail = VTAIL[car[i]].rstrip('\n').split(',')
        tm, ot = ts(int(vt[i])), ts(int(vother[i])) if vother[i] >= 0 else ''
        jr, lk = (tm, ot) if vcr[i] == 1 else (ot, tm)
        return pre[:2] + [str(vcr[i]), VSB[vsb[i]], jr, lk, str(txqk[i])] + tail

    # columns: 0 cphm 1 tclx 2 crlx 3 sbbm 4 jrsj 5 lksj 6 txqk 7 sfbxq 8 ptzcm 9.. personal
    v_kinds = [('cphm_short', int(50 * sc)), ('cphm_long', int(50 * sc)), ('cphm_space', int(50 * sc)),
               ('cphm_star', int(50 * sc)), ('cphm_empty', int(50 * sc)), ('tclx', int(50 * sc)),
               ('crlx', int(30 * sc)), ('sbbm', int(50 * sc)), ('txqk', int(60 * sc)), ('sfbxq', int(30 * sc)),
               ('ptzcm', int(150 * sc)), ('jrsj_missing', int(30 * sc)), ('lksj_missing', int(30 * sc)),
               ('time', int(60 * sc))]
    vlit = {}
    cand = rng.permutation(np.flatnonzero(~v_planted))[:sum(k for _, k in v_kinds) * 3]
    ci = 0
    vrej = {}
    for kind, cnt in v_kinds:
        done = 0
        while done < cnt:
            i = int(cand[ci])
            ci += 1
            f = vfields(i)
            pl_ = f[0]
            if kind == 'cphm_short':
                f[0] = pl_[:4]
            elif kind == 'cphm_long':
                f[0] = (pl_ + '1234567890')[:11]
            elif kind == 'cphm_space':
                f[0] = pl_[:2] + ' ' + pl_[2:]
            elif kind == 'cphm_star':
                f[0] = pl_[:2] + '***' + pl_[-2:]
            elif kind == 'cphm_empty':
                f[0] = ''
            elif kind == 'tclx':
                f[1] = '3'
            elif kind == 'crlx':
                f[2] = ('0', '3', '')[done % 3]
            elif kind == 'sbbm':
                f[3] = ''
            elif kind == 'txqk':
                f[6] = ('2', '')[done % 2]
            elif kind == 'sfbxq':
                f[7] = '9'
            elif kind == 'ptzcm':
                f[8] = (X1, X2, X3, X4, '')[done % 5]
            elif kind == 'jrsj_missing':
                if vcr[i] != 1:
                    continue
                f[4] = ''
            elif kind == 'lksj_missing':
                if vcr[i] != 2:
                    continue
                f[5] = ''
            elif kind == 'time':
                f[4 if vcr[i] == 1 else 5] = BAD_TIMES[done % len(BAD_TIMES)]
            vlit[i] = ','.join(f) + '\n'
            done += 1
        vrej[kind] = cnt
    rejects['vehicle_access'] = vrej
    v_ok = np.ones(n_vehicle, bool)
    v_ok[list(vlit)] = False

    vpath = os.path.join(out, 'vehicle_access.csv')
    CR = ['', '1,', '2,']
    TX = ['0,', '1,']
    with open(vpath, 'w', encoding='utf-8', newline='') as fh:
        fh.write('cphm,tclx,crlx,sbbm,jrsj,lksj,txqk,sfbxq,ptzcm,czxm,czsfzhm,czlxfs\n')
        CH = 1_000_000
        for a in range(0, n_vehicle, CH):
            b = min(a + CH, n_vehicle)
            tstr_ = [f'{DAYSTR[x // 86400 + 5]} {HMS[x % 86400]}' for x in vt[a:b].tolist()]
            ostr_ = [f'{DAYSTR[x // 86400 + 5]} {HMS[x % 86400]}' if x >= 0 else '' for x in vother[a:b].tolist()]
            lines = [f'{VPRE[p]}{CR[r]}{VSB[s]},{x},,{TX[z]}{VTAIL[p]}' if r == 1 else
                     f'{VPRE[p]}{CR[r]}{VSB[s]},{y},{x},{TX[z]}{VTAIL[p]}'
                     for p, r, s, x, y, z in zip(car[a:b].tolist(), vcr[a:b].tolist(), vsb[a:b].tolist(), tstr_,
                                                 ostr_, txqk[a:b].tolist())]
            for i in [i for i in vlit if a <= i < b]:
                lines[i - a] = vlit[i]
            fh.write(''.join(lines))
    print(f'vehicles: {n_vehicle:,} rows ({os.path.getsize(vpath) / 1e6:.0f} MB) in {_time.time() - t1:.0f} s',
          file=sys.stderr)

    ok = v_ok
    vin = ok & (txqk == 1) & (vcr == 1)
    vout = ok & (txqk == 1) & (vcr == 2)
    ff += np.bincount(vc[vin].astype(np.int64) * hours + vt[vin] // 3600, minlength=N_COMM * hours)
    ff += np.bincount(vc[vout].astype(np.int64) * hours + vt[vout] // 3600, minlength=N_COMM * hours)
    cand_v = vin & (VSF[car] == 0) & (vt <= AS_OF)
    sv = suspects(car[cand_v], vt[cand_v], n_cars)
    hour_idx = np.arange(N_COMM * hours) % hours
    exp.update({
        'vehicle_rows': n_vehicle, 'vehicle_loaded': int(ok.sum()), 'vehicles_in': int(vin.sum()),
        'vehicles_out': int(vout.sum()), 'vehicles_refused': int((ok & (txqk == 0)).sum()),
        'distinct_plates_loaded': int(len(set(plates_of(VPRE, np.unique(car[ok]))))),
        'suspected_vehicles_rows': sv['rows'], 'suspected_vehicles_entries': sv['entries'],
        'suspected_vehicles_days': sv['days'], 'suspected_vehicles_first_seen_s': sv['first'],
        'suspected_vehicles_last_seen_s': sv['last'],
        'community_footfall_rows': int((ff > 0).sum()),
        'community_footfall_hour_weighted': int(((hour_idx % 24) * (ff > 0)).sum()),
        'communities_loaded': N_COMM, 'community_rows': len(comm_rows),
    })
    exp.update(dev_expect)
    exp.update(addr_expect)
    exp['rejects'] = rejects
    exp['rejects_total'] = {k: sum(v.values()) for k, v in rejects.items()}
    exp['as_of'] = tstr(AS_OF)
    exp['resident_entries_30d'] = THRESHOLD
    exp['planted_suspected_residents'] = planted_res
    exp['planted_suspected_vehicles'] = planted_rows_veh(planted_v, plant_cars, ptz)

    with open(os.path.join(out, 'expected_counts.json'), 'w', encoding='utf-8') as fh:
        json.dump(exp, fh, indent=1, ensure_ascii=False)
        fh.write('\n')

    # ------------------------------------------------------------------ check the files against the counts
    def data_lines(p):
        n = 0
        with open(p, 'rb') as fh:
            while True:
                b = fh.read(1 << 24)
                if not b:
                    break
                n += b.count(b'\n')
        return n - 1
    problems = []
    for name, want in (('person_access.csv', n_person), ('vehicle_access.csv', n_vehicle)):
        got = data_lines(os.path.join(out, name))
        if got != want:
            problems.append(f'{name}: {got} data lines, expected {want}')
    for name, want in (('communities.csv', len(comm_rows)), ('community_devices.csv', len(dev_ok) + len(bad_dev)),
                       ('addresses.csv', addr_expect['address_rows'])):
        with open(os.path.join(out, name), encoding='utf-8-sig', newline='') as fh:
            got = sum(1 for _ in csv.reader(fh)) - 1
        if got != want:
            problems.append(f'{name}: {got} records, expected {want}')
    if exp['person_loaded'] != n_person - exp['rejects_total']['person_access']:
        problems.append('person rejects do not add up')
    if exp['vehicle_loaded'] != n_vehicle - exp['rejects_total']['vehicle_access']:
        problems.append('vehicle rejects do not add up')
    if problems:
        sys.exit('make_district_year: ' + '; '.join(problems))
    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out) if f.endswith('.csv'))
    print(f'communities: {N_COMM} (+3 rejected), {len(dev_ok):,} devices (+7), {addr_expect["address_rows"]:,} '
          f'addresses ({addr_expect["address_findings"]} findings, 3 rejected), {n_person:,} person records '
          f'({exp["rejects_total"]["person_access"]} rejects), {n_vehicle:,} vehicle records '
          f'({exp["rejects_total"]["vehicle_access"]} rejects); suspected residents {sr["rows"]:,}, vehicles '
          f'{sv["rows"]:,}; footfall rows {exp["community_footfall_rows"]:,}; {total / 1e9:.2f} GB -> {out} '
          f'in {_time.time() - t0:.0f} s (checked)', file=sys.stderr)


def plates_of(VPRE, idx):
    return [VPRE[i].split(',', 1)[0] for i in idx.tolist()]


def suspects(who, t, n_who):
    """Groups (person or car; each belongs to one community) with >= THRESHOLD entries in the window."""
    inw = (t > W0) & (t <= AS_OF)
    cnt = np.bincount(who[inw], minlength=n_who)
    listed = cnt >= THRESHOLD
    first = np.full(n_who, np.iinfo(np.int64).max)
    np.minimum.at(first, who, t)
    last = np.full(n_who, -1)
    np.maximum.at(last, who[inw], t[inw])
    wd = np.unique(who[inw] * 400 + t[inw] // 86400)
    days = np.bincount(wd // 400, minlength=n_who)
    return {'rows': int(listed.sum()), 'entries': int(cnt[listed].sum()), 'days': int(days[listed].sum()),
            'first': int(first[listed].sum()), 'last': int(last[listed].sum())}


def _rows(recs, ident, ptz, key_name):
    out = []
    by = {}
    for k, cc, t, cr, ok in recs:
        by.setdefault(k, []).append((t, cr, ok))
    for k, rs in by.items():
        name, cc = ident[k]
        ent = sorted(t for t, cr, ok in rs if cr == 1 and ok == 1 and t <= AS_OF)
        win = [t for t in ent if W0 < t <= AS_OF]
        row = {'ptzcm': ptz[cc], key_name: name, 'listed': len(win) >= THRESHOLD}
        if ent:
            row['first_seen'] = tstr(ent[0])
        if win:
            row.update(entries_30d=len(win), last_seen=tstr(win[-1]), days_30d=len({t // 86400 for t in win}))
        out.append(row)
    return out


def planted_rows_res(planted_p, plant_people, ptz):
    first = min(p for p, *_ in planted_p)
    ident = {first + j: pc for j, pc in enumerate(plant_people)}
    rows = _rows(planted_p, ident, ptz, 'dabh')
    for r in rows:     # FKJC000004 has sfbxq empty: never a candidate
        if r['dabh'] == 'FKJC000004':
            r.update(listed=False)
    return rows


def planted_rows_veh(planted_v, plant_cars, ptz):
    first = min(v for v, *_ in planted_v)
    ident = {first + j: (pl[:2] + '***' + pl[-2:], cc) for j, (pl, cc) in enumerate(plant_cars)}
    rows = _rows(planted_v, ident, ptz, 'plate')
    for r in rows:     # 津E66666 has sfbxq empty
        if r['plate'] == '津E***66':
            r.update(listed=False)
    return rows


def make_plates(rng, n, reserved):
    """n distinct plates: 津 (small cars 5 characters, new-energy D/F + 5 digits) and a share of
    other provinces (visitors)."""
    m = int(n * 1.3) + 1000
    prov = rng.choice(['津', '冀', '京', '鲁', '晋', '蒙'], size=m, p=[0.80, 0.10, 0.05, 0.02, 0.02, 0.01])
    letter = rng.integers(0, len(TJ_LETTERS), m)
    kind = rng.choice(3, size=m, p=[0.65, 0.20, 0.15])        # digits only, one letter inside, new energy
    num = rng.integers(0, 100000, m)
    lpos = rng.integers(0, 4, m)
    lch = rng.integers(0, len(PLATE_CHARS), m)
    ne = rng.choice(['D', 'F'], size=m, p=[0.8, 0.2])
    seen = set(reserved)
    out = []
    for i in range(m):
        digits = f'{num[i]:05d}'
        if kind[i] == 0:
            body = digits
        elif kind[i] == 1:
            body = digits[:lpos[i]] + PLATE_CHARS[lch[i]] + digits[lpos[i] + 1:]
        else:
            body = ne[i] + digits
        p = f'{prov[i]}{TJ_LETTERS[letter[i]]}{body}'
        if p not in seen:
            seen.add(p)
            out.append(p)
            if len(out) == n:
                return out
    raise RuntimeError('not enough distinct plates')


def write_addresses(rng, out, xqmc, ptz, X1, X4, DUP_NAME, ts):
    """addresses.csv: a registry of ~100 addresses a community, then planted problems (inserted or
    edited lines); the expected findings are re-derived from the written rows by audit() below."""
    rows = []        # dicts with the B.7 fields + ptzcm
    for c in range(N_COMM):
        nb = int(rng.integers(3, 13))
        villas = c % 23 == 7
        nu = 1 if villas else int(rng.integers(1, 5))
        nf = 1 if villas else int(rng.integers(6, 19))
        nr = 1 if villas else int(rng.integers(2, 5))
        n = int(rng.integers(62, 152))
        combos = np.sort(rng.choice(nb * nu * nf * nr, size=min(n, nb * nu * nf * nr), replace=False))
        for k in combos.tolist():
            b, rest = divmod(k, nu * nf * nr)
            u, rest = divmod(rest, nf * nr)
            f, r = divmod(rest, nr)
            reg = int(rng.integers(0, 6 * 365 * 86400)) - 6 * 365 * 86400      # 2019 … 2025-05
            if villas:
                d = dict(dzbm=f'{ADMIN}{c + 1:03d}{b + 1:03d}0000000', ldphxlh=str(b + 1), ldph=f'{b + 1}号',
                         dyhxh='', dyh='', lch='', fjhxh='', fjh='', xz=f'天津市南开区{xqmc[c]}{b + 1}号')
            else:
                d = dict(dzbm=f'{ADMIN}{c + 1:03d}{b + 1:03d}{u + 1:02d}{f + 1:03d}{r + 1:02d}', ldphxlh=str(b + 1),
                         ldph=f'{b + 1}号楼', dyhxh=str(u + 1), dyh=f'{u + 1}单元', lch=str(f + 1),
                         fjhxh=str(r + 1), fjh=f'{f + 1}{r + 1:02d}室',
                         xz=f'天津市南开区{xqmc[c]}{b + 1}号楼{u + 1}单元{f + 1}{r + 1:02d}室')
            d.update(xqmc=xqmc[c], djsj=tstr(reg), ptzcm=ptz[c])
            rows.append(d)
    n0 = len(rows)
    pick = iter(rng.permutation(np.arange(100, n0)).tolist())     # lines edited or copied (each once)

    def later(i):       # a position after line i (inserted rows sort by position)
        return i + 0.5 + rng.random() * min(2000, n0 - i - 1)

    pos = [float(i) for i in range(n0)]
    extra = []          # (position, row)
    for _ in range(40):
        rows[next(pick)]['djsj'] = ''
    for _ in range(30):
        rows[next(pick)]['xz'] = ''
    for _ in range(15):
        rows[next(pick)]['ldphxlh'] = ''
    n_pair = 0
    while n_pair < 20:                         # dyh without dyhxh
        i = next(pick)
        if rows[i]['dyh']:
            rows[i]['dyhxh'] = ''
            n_pair += 1
    n_pair = 0
    while n_pair < 20:                         # fjhxh without fjh
        i = next(pick)
        if rows[i]['fjhxh']:
            rows[i]['fjh'] = ''
            n_pair += 1
    for _ in range(8):
        rows[next(pick)]['dzbm'] = ''
    for _ in range(3):                         # xqmc and ptzcm empty: missing_part only, no community
        i = next(pick)
        rows[i]['xqmc'] = ''
        rows[i]['ptzcm'] = ''
    for k in range(15):                        # ptzcm empty, xqmc known: ptzcm from the name; 5 also lack djsj
        i = next(pick)
        rows[i]['ptzcm'] = ''
        if k < 5:
            rows[i]['djsj'] = ''
    for k in range(25):                        # ptzcm of no loaded community
        i = next(pick)
        rows[i]['ptzcm'] = X1 if k < 15 else X4
        if k < 3:
            rows[i]['djsj'] = ''
    for _ in range(10):                        # ptzcm empty and xqmc of no community
        i = next(pick)
        rows[i]['ptzcm'] = ''
        rows[i]['xqmc'] = DUP_NAME
    for k in range(40):                        # the dzbm of an earlier line, another address
        i = next(pick)
        d = dict(rows[i])
        d.update(fjhxh='99', fjh=f'99{k:02d}室', lch='99', xz=d['xz'] + f'（加层99{k:02d}）')
        if k < 5:
            d['djsj'] = ''
        extra.append((later(i), d))
    for _ in range(10):                        # the same line again
        i = next(pick)
        extra.append((later(i), dict(rows[i])))
    for k in range(40):                        # the same address, another dzbm (10 with spaces around)
        i = next(pick)
        if not rows[i]['ldph'] or not rows[i]['dzbm']:
            continue
        d = dict(rows[i])
        d['dzbm'] = f'{ADMIN}98{k:013d}'
        if k < 10 and (k < 5 or not d['fjh']):
            d['ldph'] = d['ldph'] + ' '
        elif k < 10:
            d['fjh'] = ' ' + d['fjh']
        extra.append((later(i), d))
    for k in range(3):                         # same address as one line, dzbm of another
        i, j = next(pick), next(pick)
        if not rows[i]['ldph']:
            continue
        d = dict(rows[i])
        d['dzbm'] = rows[j]['dzbm']
        extra.append((max(later(i), later(j)), d))
    for k in range(2):                         # ldph empty twice, other dzbm: not duplicate_address
        i = next(pick)
        d = dict(rows[i])
        d['ldph'] = ''
        rows[i]['ldph'] = ''
        d['dzbm'] = f'{ADMIN}97{k:013d}'
        extra.append((later(i), d))
    bad = []
    for k, v in enumerate(['2025-02-29 10:00:00', '2024/05/01 10:00:00', '未知']):   # rejects
        d = dict(rows[next(pick)])
        d.update(dzbm=f'{ADMIN}9990000000{k}', djsj=v, fjh=f'8{k}01室', fjhxh='8', lch='8')
        bad.append(d)
        extra.append((300.5 + 4000 * k, d))
    # a detailed address over two physical lines (quoted newline and comma), early in the file
    rows[40]['xz'] = rows[40]['xz'] + '\n（原' + rows[40]['xqmc'] + ',旧址）'
    allrows = [r for _, r in sorted([(p, r) for p, r in zip(pos, rows)] + extra, key=lambda x: x[0])]

    cols = ['dzbm', 'xz', 'xqmc', 'ldphxlh', 'ldph', 'dyhxh', 'dyh', 'lch', 'fjhxh', 'fjh', 'djsj', 'ptzcm']
    path = os.path.join(out, 'addresses.csv')
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        wr = csv.writer(fh, lineterminator='\n')
        wr.writerow(cols)
        for r in allrows:
            wr.writerow([r[c_] for c_ in cols])
    # findings re-derived from the file as written (plain Python, the rules of address_audit)
    findings = audit(path, set(ptz), dict(zip(xqmc, ptz)))
    counts = {}
    for f in findings:
        counts[f[1]] = counts.get(f[1], 0) + 1
    planned = {'missing_part': 40 + 30 + 15 + 20 + 20 + 8 + 3 + 5 + 3 + 5 + 4,
               'duplicate_code': 40 + 10 + 3, 'unknown_community': 25 + 10}
    for k, v in planned.items():
        assert counts.get(k) == v, (k, counts.get(k), v)
    assert counts.get('duplicate_address', 0) >= 30, counts
    return {'address_rows': len(allrows), 'address_findings': len(findings),
            'address_findings_by_rule': dict(sorted(counts.items())),
            'address_findings_line_sum': sum(f[0] for f in findings),
            'address_findings_with_ptzcm': sum(1 for f in findings if f[3])}


def audit(path, known_ptz, name_ptz):
    """The address_audit rules in plain Python: [(line, rule, dzbm, ptzcm)] sorted by line, rule."""
    req = ['dzbm', 'xz', 'xqmc', 'ldphxlh', 'ldph', 'djsj']
    out = []
    first_code, first_addr = {}, {}
    with open(path, encoding='utf-8', newline='') as fh:
        rd = csv.reader(fh)
        header = next(rd)
        line = 2
        for rec in rd:
            r = dict(zip(header, rec))
            here = line
            line += sum(v.count('\n') for v in rec) + 1
            dj = r['djsj']
            if dj:
                try:
                    datetime.strptime(dj, '%Y-%m-%d %H:%M:%S')
                except ValueError:
                    continue                                  # a reject: not audited
            p = r['ptzcm'] or name_ptz.get(r['xqmc'], '')
            miss = [f for f in req if not r[f]]
            for a, b in (('dyhxh', 'dyh'), ('fjhxh', 'fjh')):
                if bool(r[a]) != bool(r[b]):
                    miss.append(a if not r[a] else b)
            if miss:
                out.append((here, 'missing_part', r['dzbm'], p))
            if r['dzbm']:
                if r['dzbm'] in first_code:
                    out.append((here, 'duplicate_code', r['dzbm'], p))
                else:
                    first_code[r['dzbm']] = here
            key = tuple(r[f].strip() for f in ('xqmc', 'ldph', 'dyh', 'lch', 'fjh'))
            if key[1]:
                prev = first_addr.setdefault(key, [])
                if any(dz != r['dzbm'] for _, dz in prev):
                    out.append((here, 'duplicate_address', r['dzbm'], p))
                prev.append((here, r['dzbm']))
            if r['ptzcm']:
                if r['ptzcm'] not in known_ptz:
                    out.append((here, 'unknown_community', r['dzbm'], p))
            elif r['xqmc'] and r['xqmc'] not in name_ptz:
                out.append((here, 'unknown_community', r['dzbm'], p))
    return out


if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    scale = 1.0
    if '--scale' in sys.argv:
        scale = float(sys.argv[sys.argv.index('--scale') + 1])
        args = [a for a in args if a != sys.argv[sys.argv.index('--scale') + 1]]
    main(args[0] if args else os.path.join(os.path.dirname(HERE), 'data', 'communities'), scale)
