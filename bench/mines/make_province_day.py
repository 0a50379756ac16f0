#!/usr/bin/env python3
"""Generate one province day of coal-mine "electronic seal" data (seed 004 §5.3).

    python3 bench/mines/make_province_day.py [OUT_DIR]     # default bench/data/mines

Writes, deterministically (fixed seed; two runs give identical bytes):
- mines.csv            1,000 mines over Shanxi's counties (all six statuses)
- mine_reports.jsonl   2026-05-01 (Beijing time): ~2.85 M camera heartbeats
                       (10 cameras a mine, every 5 min with jitter, outages),
                       ~100,000 AI reports (01–06), live addresses, ~0.1 %
                       exact duplicate lines, roughly in time order
- alarm_disposals.csv  disposals of ~70 % of the alarms the rules raise
- expected_counts.json the generator's own count of alarms, disposals and
                       overdue alarms per type (duckdb_mines.py checks it)

The alarm ids of the disposals are computed here from the rules of
/tmp/mines-rules.md (AI alarms; offline = gap > 600 s between a camera's
distinct alarm:1 heartbeats), independently of duckdb_mines.py and Zonal.
"""
import csv
import json
import os
import sys
import time as _time
from datetime import datetime, timedelta

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DAY = datetime(2026, 5, 1)
AS_OF = datetime(2026, 5, 3)          # params.as_of of province-day.yaml
OVERDUE_H = 24
SEED = 20260501

CITIES = {  # adcode prefix: (name, lon, lat, coal weight)
    '1401': ('太原', 112.40, 37.90, 1.0), '1402': ('大同', 113.20, 39.95, 1.6),
    '1403': ('阳泉', 113.50, 37.90, 1.2), '1404': ('长治', 112.95, 36.35, 1.8),
    '1405': ('晋城', 112.70, 35.65, 1.6), '1406': ('朔州', 112.40, 39.40, 1.5),
    '1407': ('晋中', 112.90, 37.40, 1.4), '1408': ('运城', 111.20, 35.20, 0.2),
    '1409': ('忻州', 112.30, 38.70, 1.1), '1410': ('临汾', 111.60, 36.20, 1.3),
    '1411': ('吕梁', 111.20, 37.40, 1.4),
}
# Shanxi county-level adcodes (GB/T 2260, 2024)
COUNTIES = """140105 140106 140107 140108 140109 140110 140121 140122 140123 140181
140212 140213 140214 140215 140221 140222 140223 140224 140225 140226
140302 140303 140311 140321 140322
140403 140404 140405 140406 140423 140425 140426 140427 140428 140429 140430 140431
140502 140521 140522 140524 140525 140581
140602 140603 140621 140622 140623 140681
140702 140703 140721 140722 140723 140724 140725 140727 140728 140729 140781
140802 140821 140822 140823 140824 140825 140826 140827 140828 140829 140830 140881 140882
140902 140921 140922 140923 140924 140925 140926 140927 140928 140929 140930 140931 140932 140981
141002 141021 141022 141023 141024 141025 141026 141027 141028 141029 141030 141031 141032 141033 141034 141081 141082
141102 141121 141122 141123 141124 141125 141126 141127 141128 141129 141130 141181 141182""".split()
STATUSES = ['生产', '建设', '停产', '停建', '长期停产停建', '关闭']
STATUS_P = [0.76, 0.07, 0.07, 0.03, 0.04, 0.03]
CAMERAS = ['10', '11', '12', '20', '21', '30', '31', '32', '40', '41']
SYL = list('晋兴泰鑫源隆盛丰华安宏达昌荣康永福祥瑞德恒通宝金')
DISPOSAL_TYPES = ['疑似违规生产', '系统误报', '非生产人员经过', '其他']
NOTES = ['', '', '', '现场核查，未发现违规生产', '检修人员入井，已报备', '摄像头已恢复', '网络中断，已恢复',
         '通知煤矿整改，限期上报', '夜班交接班', '已约谈矿长, 责令停产整顿', '车辆为外运设备，非出煤']


def tstr(dt):
    return dt.strftime('%Y-%m-%d %H:%M:%S')


def main(out):
    t0 = _time.time()
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)

    # ---------------------------------------------------------------- mines
    n_mines = 1000
    w = np.array([CITIES[c[:4]][3] * (3.0 if c in ('140181', '140322', '140431', '140429', '140581', '140603',
                                                      '140226', '141129', '141125', '140729', '141124') else 1.0)
                  for c in COUNTIES])
    county = rng.choice(len(COUNTIES), size=n_mines, p=w / w.sum())
    region = [COUNTIES[i] for i in county]
    for i in range(0, 18):                         # registered at city level: no county row
        region[i * 53 % n_mines] = region[i * 53 % n_mines][:4] + '00'
    region[997] = '140000'                         # one mine registered at province level
    status = rng.choice(len(STATUSES), size=n_mines, p=STATUS_P)
    seqs = rng.choice(np.arange(1000, 999999), size=n_mines, replace=False)
    mine_id = [region[i][:6] if not region[i].endswith('00') else region[i][:4] + '99' for i in range(n_mines)]
    mine_id = [f'{mine_id[i]}{seqs[i]:06d}' for i in range(n_mines)]
    person_thr = rng.integers(15, 61, size=n_mines).astype(object)
    truck_thr = rng.integers(5, 26, size=n_mines).astype(object)
    person_thr[rng.random(n_mines) < 0.14] = None
    truck_thr[rng.random(n_mines) < 0.20] = None
    idle = np.where(~np.isin(status, [0, 1]))[0]
    person_thr[[5, 105, 205, idle[0], idle[1]]] = 0   # threshold 0: any person fires (at 2 idle mines
    truck_thr[[6, 106, idle[0]]] = 0                  # too: reason "production; threshold")
    rows = []
    for i in range(n_mines):
        cname, clon, clat, _ = CITIES[region[i][:4]] if region[i] != '140000' else ('山西', 112.5, 37.8, 0)
        lon = float(np.clip(clon + rng.normal(0, 0.22), 110.25, 114.55))
        lat = float(np.clip(clat + rng.normal(0, 0.18), 34.65, 40.65))
        a, b = rng.choice(len(SYL), 2, replace=False)
        name = f'{cname}{SYL[a]}{SYL[b]}煤业有限公司'
        if i % 97 == 3:
            name = f'{cname}{SYL[a]}{SYL[b]}煤业有限公司,{SYL[b]}家沟矿'   # a comma: quoted in the CSV
        if i % 211 == 7:
            name = f'{cname}"{SYL[a]}{SYL[b]}"煤矿'                        # quotes doubled in the CSV
        dept = f'{cname}市能源局' if region[i] != '140000' else '山西省能源局'
        rows.append([mine_id[i], name, region[i], dept, STATUSES[status[i]], f'{lon:.6f}', f'{lat:.6f}',
                     '' if person_thr[i] is None else str(person_thr[i]),
                     '' if truck_thr[i] is None else str(truck_thr[i])])
    with open(os.path.join(out, 'mines.csv'), 'w', encoding='utf-8', newline='') as fh:
        wr = csv.writer(fh, lineterminator='\n')
        wr.writerow(['mine_id', 'name', 'region_code', 'department', 'status', 'lon', 'lat',
                     'person_threshold', 'truck_threshold'])
        wr.writerows(rows)
    producing = np.isin(status, [0, 1])

    # Mines without any data: 8 closed / long-halted mines whose seal is switched off.
    silent = np.zeros(n_mines, bool)
    silent[np.where(np.isin(status, [4, 5]))[0][:8]] = True
    active = np.where(~silent)[0]
    style = (rng.random(n_mines) < 0.5).tolist()   # per front-end: compact or spaced JSON

    # ---------------------------------------------------------------- heartbeats
    cam_mine = np.repeat(active, len(CAMERAS))
    cam_code = np.tile(np.arange(len(CAMERAS)), len(active))
    nc = len(cam_mine)
    K = 288
    phase = rng.integers(3, 291, size=nc)
    edge = rng.random(nc) < 0.01
    phase[edge] = rng.integers(294, 300, size=edge.sum())    # beats straddle the slot boundary
    T = np.arange(K)[None, :] * 300 + phase[:, None] + rng.integers(-3, 4, size=(nc, K))
    A = np.ones((nc, K), np.int8)
    V = (T >= 0) & (T < 86400)
    kk = np.arange(K)[None, :]
    late = rng.random(nc) < 0.03                   # powered on during the day
    V &= ~(late[:, None] & (kk < rng.integers(12, 200, size=nc)[:, None]))
    early = rng.random(nc) < 0.03                  # switched off during the day
    V &= ~(early[:, None] & (kk > rng.integers(100, 280, size=nc)[:, None]))
    clean = np.ones(nc, bool)                      # cameras without outages (for the planted gaps)

    def outage(rows_, start, dur, zero):
        inside = (T[rows_] >= start[:, None]) & (T[rows_] < (start + dur)[:, None])
        if zero is None:
            V[rows_] &= ~inside
        else:
            A[rows_] = np.where(inside & zero[:, None], 0, A[rows_])
            V[rows_] &= ~(inside & ~zero[:, None])
        clean[rows_] = False

    # camera outages: 15 min – 3 h, 40 % of them report alarm:0 meanwhile
    n_out = rng.poisson(0.12, size=nc)
    for rep in range(1, n_out.max() + 1):
        rows_ = np.where(n_out >= rep)[0]
        dur = np.exp(rng.uniform(np.log(900), np.log(10800), size=len(rows_))).astype(int)
        outage(rows_, rng.integers(0, 86400, size=len(rows_)), dur, rng.random(len(rows_)) < 0.4)
    # mine-wide outages (the seal's line is down): 3 % of the mines, 30 min – 2 h
    for m in rng.choice(active, size=30, replace=False):
        rows_ = np.where(cam_mine == m)[0]
        start, dur = int(rng.integers(0, 80000)), int(rng.integers(1800, 7200))
        outage(rows_, np.full(len(rows_), start), np.full(len(rows_), dur),
               np.full(len(rows_), bool(rng.random() < 0.5)))
    # lost single heartbeats: gaps of 600 ± 6 s, about half of them outages
    V &= ~(rng.random((nc, K)) < 0.001)
    # planted edges: a missed beat with the neighbours exactly 600 s / 601 s apart
    cand = np.where(clean & ~late & ~early & ~edge)[0]
    pick = rng.choice(cand, size=60, replace=False)
    for j, c in enumerate(pick):
        k = 100 + j
        T[c, k - 1] = (k - 1) * 300 + phase[c]
        T[c, k + 1] = (k + 1) * 300 + phase[c] + (0 if j < 30 else 1)
        V[c, k - 1] = V[c, k + 1] = True
        V[c, k] = False
        V[c, k - 2] &= T[c, k - 2] < T[c, k - 1]
        V[c, k + 2] &= T[c, k + 2] > T[c, k + 1]
    hc, hk = np.nonzero(V)
    ht = T[hc, hk]
    ha = A[hc, hk]
    n_hb = len(ht)

    # offline alarms: per camera, distinct alarm:1 times, gaps > 600 s
    on = ha == 1
    key = np.unique(hc[on].astype(np.int64) * 100000 + ht[on])
    kc, kt = key // 100000, key % 100000
    gap = (kc[1:] == kc[:-1]) & (kt[1:] - kt[:-1] > 600)
    off_c, off_t, off_u = kc[:-1][gap], kt[:-1][gap], kt[1:][gap]

    # ---------------------------------------------------------------- AI reports
    rates = {'01': 46, '02': 36, '03': 24, '04': 3.2, '05': 1.6, '06': 3.4}
    cams_of = {'01': ['10', '11', '12', '20', '21'], '02': ['30', '31', '32'], '03': ['10', '11', '12'],
               '04': CAMERAS, '05': CAMERAS, '06': ['40', '41']}
    extra13 = active[rng.choice(len(active), size=30, replace=False)]   # camera 13: AI reports, no heartbeat
    hour_w = np.array([3, 2, 2, 2, 2, 3, 5, 8, 10, 9, 8, 8, 7, 7, 8, 9, 10, 9, 7, 6, 5, 4, 4, 3], float)
    ai = []                                         # (mine, cam, type, t, value)
    for ty, rate in rates.items():
        lam = np.where(producing[active], rate, rate * (0.1 if ty in ('01', '02') else 0.25 if ty == '03' else 1))
        n = rng.poisson(lam)
        mines_ = np.repeat(active, n)
        cams = np.array(cams_of[ty])[rng.integers(0, len(cams_of[ty]), size=len(mines_))]
        if ty == '01':
            cams = np.where(np.isin(mines_, extra13) & (rng.random(len(mines_)) < 0.2), '13', cams)
        hours = rng.choice(24, size=len(mines_), p=hour_w / hour_w.sum())
        t = hours * 3600 + rng.integers(0, 3600, size=len(mines_))
        prod = producing[mines_]
        if ty == '01':
            u = rng.random(len(mines_))
            val = np.where(u < 0.70, rng.poisson(4, len(mines_)),
                           np.where(u < 0.95, rng.poisson(15, len(mines_)), rng.poisson(45, len(mines_))))
            val = np.where(prod, val, rng.poisson(1.5, len(mines_)))
        elif ty == '02':
            val = np.where(rng.random(len(mines_)) < 0.8, rng.poisson(2, len(mines_)) + 1,
                           rng.poisson(12, len(mines_)))
            val = np.where(prod, val, rng.poisson(1, len(mines_)))
        elif ty == '03':
            val = np.where(prod, rng.choice([1, 2, 3], size=len(mines_), p=[0.55, 0.30, 0.15]),
                           rng.choice([1, 2, 3], size=len(mines_), p=[0.2, 0.2, 0.6]))
        else:
            val = np.zeros(len(mines_), int)
        ai += list(zip(mines_.tolist(), cams.tolist(), [ty] * len(mines_), t.tolist(), val.tolist()))
    seen, uniq = set(), []
    for r in ai:                                    # one report per (mine, camera, type, second)
        k = r[:4]
        if k not in seen:
            seen.add(k)
            uniq.append(r)
    ai = uniq

    # AI alarms by the rules
    alarms = []                                     # (alarm_id, mine, t, alarm_type)
    atype = {'01': 'persons', '02': 'trucks', '03': 'belt', '04': 'occlusion', '05': 'moved', '06': 'dispatch_room'}
    TS = [f'2026-05-01 {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}' for s in range(86400)]
    ID = [f'20260501{s // 3600:02d}{s // 60 % 60:02d}{s % 60:02d}' for s in range(86400)]
    for m, cam, ty, t, val in ai:
        fire = ty in ('04', '05', '06')
        if not producing[m] and (ty in ('01', '02') or (ty == '03' and val in (1, 2))):
            fire = True
        if ty == '01' and person_thr[m] is not None and val > person_thr[m]:
            fire = True
        if ty == '02' and truck_thr[m] is not None and val > truck_thr[m]:
            fire = True
        if fire:
            alarms.append((mine_id[m] + cam + ty + ID[t], m, t, atype[ty]))
    for c, t in zip(off_c.tolist(), off_t.tolist()):
        alarms.append((mine_id[cam_mine[c]] + CAMERAS[cam_code[c]] + '00' + ID[t], cam_mine[c], t, 'offline'))
    alarms.sort()

    # ---------------------------------------------------------------- JSON lines
    def hb_prefix(m, cam, spaced):
        if spaced:
            return f'{{"mineId": "{mine_id[m]}", "cameraId": "{cam}", "alarm": '
        return f'{{"mineId":"{mine_id[m]}","cameraId":"{cam}","alarm":'
    pre = [hb_prefix(cam_mine[c], CAMERAS[cam_code[c]], style[cam_mine[c]]) for c in range(nc)]
    mid = [',"time":"', ', "time": "']
    cmid = [mid[style[cam_mine[c]]] for c in range(nc)]
    lines = [pre[c] + str(a) + cmid[c] + TS[t] + '"}\n'
             for c, a, t in zip(hc.tolist(), ha.tolist(), ht.tolist())]
    keys = ht.astype(float)
    # 50 heartbeats carry a key no heartbeat uses (a warning, not a reject)
    for i in rng.choice(n_hb, 50, replace=False):
        lines[i] = lines[i][:-2] + ', "firmware": "V2.1.7"}\n'
    extra, extra_keys = [], []
    # 300 heartbeats sent twice in another form: same mineId, cameraId, time, alarm (counts once)
    for i in rng.choice(n_hb, 300, replace=False):
        c, a, t = int(hc[i]), int(ha[i]), int(ht[i])
        m = cam_mine[c]
        if i % 2:
            s = f'{{"mineId":"{mine_id[m]}","cameraId":"{CAMERAS[cam_code[c]]}","alarm":"{a}","time":"{TS[t]}"}}\n'
        else:
            s = hb_prefix(m, CAMERAS[cam_code[c]], not style[m]) + str(a) + mid[not style[m]] + TS[t] + '"}\n'
        extra.append(s)
        extra_keys.append(t + rng.uniform(1, 120))
    # AI reports
    field = {'01': 'inWellNumber', '02': 'outMineNumber', '03': 'beltStatus'}
    for j, (m, cam, ty, t, val) in enumerate(ai):
        sp = style[m]
        q = ': ' if sp else ':'
        c_ = ', ' if sp else ','
        parts = [f'"mineId"{q}"{mine_id[m]}"', f'"cameraId"{q}"{cam}"', f'"aiTypeCode"{q}"{ty}"']
        if ty in field:
            v = f'{val}' if (ty != '03' and j % 211 == 5) else f'"{val:04d}"'   # a few JSON integers
            parts.append(f'"{field[ty]}"{q}{v}')
        parts.append(f'"time"{q}"{TS[t]}"')
        extra.append('{' + c_.join(parts) + '}\n')
        extra_keys.append(t)
    # live addresses
    for m in rng.choice(active, 300, replace=False):
        for _ in range(int(rng.integers(1, 4))):
            t = int(rng.integers(0, 86400))
            cam = CAMERAS[int(rng.integers(0, 10))]
            extra.append(f'{{"mineId":"{mine_id[m]}","cameraId":"{cam}",'
                         f'"liveUrl":"rtsp://10.14.{m % 250}.{int(rng.integers(2, 250))}:554/live/{cam}",'
                         f'"time":"{TS[t]}"}}\n')
            extra_keys.append(t)
    # a handful of rejects (well under the 1 % budget)
    bad = ['{"mineId":"149999000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:00:03"}\n',
           '{"mineId":"149999000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:05:04"}\n',
           '{"mineId":"149999000002","cameraId":"20","aiTypeCode":"04","time":"2026-05-01 09:10:11"}\n',
           f'{{"mineId":"{mine_id[active[0]]}","cameraId":"50","alarm":1,"time":"2026-05-01 10:00:00"}}\n',
           f'{{"mineId":"{mine_id[active[1]]}","cameraId":"5","aiTypeCode":"05","time":"2026-05-01 10:00:01"}}\n',
           f'{{"mineId":"{mine_id[active[2]]}","cameraId":"10","alarm":1,"time":"2026-02-30 10:00:02"}}\n',
           f'{{"mineId":"{mine_id[active[3]]}","cameraId":"11","alarm":2,"time":"2026-05-01 10:00:03"}}\n',
           f'{{"mineId":"{mine_id[active[4]]}","cameraId":"30","aiTypeCode":"07","time":"2026-05-01 10:00:04"}}\n',
           f'{{"mineId":"{mine_id[active[5]]}","cameraId":"12","aiTypeCode":"03","beltStatus":"0004","time":"2026-05-01 10:00:05"}}\n',
           f'{{"mineId":"{mine_id[active[6]]}","cameraId":"40","status":"ok","time":"2026-05-01 10:00:06"}}\n']
    extra += bad
    extra_keys += [28800 + 600 * i for i in range(len(bad))]
    lines += extra
    keys = np.concatenate([keys, np.array(extra_keys)])
    keys += rng.uniform(0, 15, size=len(keys))      # forwarding latency: roughly in time order
    order = np.argsort(keys, kind='stable')
    # ~0.1 % exact duplicate lines, a few lines after the original
    dup = rng.random(len(order)) < 0.001
    with open(os.path.join(out, 'mine_reports.jsonl'), 'w', encoding='utf-8', newline='\n') as fh:
        buf, pending = [], []
        for pos, i in enumerate(order.tolist()):
            buf.append(lines[i])
            if dup[pos]:
                pending.append((pos + int(rng.integers(1, 50)), lines[i]))
            while pending and pending[0][0] <= pos:
                buf.append(pending.pop(0)[1])
            if len(buf) >= 100000:
                fh.write(''.join(buf))
                buf = []
        buf += [s for _, s in pending]
        fh.write(''.join(buf))
    n_lines = len(order) + int(dup.sum())

    # ---------------------------------------------------------------- disposals
    dept = [r[3] for r in rows]
    disp = []                                        # (disposed_at datetime, alarm_id, type, dept, note)
    exp = {}
    as_of_ms = int((AS_OF - DAY).total_seconds()) * 1000
    for j, (aid, m, t, ty) in enumerate(alarms):
        e = exp.setdefault(ty, [0, 0, 0])
        e[0] += 1
        t_ms = t * 1000
        deadline = t_ms + OVERDUE_H * 3600 * 1000
        final = None
        u = rng.random()
        if u < 0.70:
            v = rng.random()
            if v < 0.05:
                dur = int(rng.integers(60, 1800)) * 1000
            elif v < 0.65:
                dur = int(rng.integers(720, 28800)) * 1000
            elif v < 0.93:
                dur = int(rng.integers(28800, 86400)) * 1000
            else:
                dur = int(rng.integers(86401, 216000)) * 1000
            if rng.random() < 0.3:
                dur += int(rng.integers(1, 1000))          # disposed_at with milliseconds
            if j % 401 == 0:
                dur = 86400 * 1000                          # exactly at the deadline: on time
            elif j % 401 == 1:
                dur = 86400 * 1000 + 1                      # 1 ms late
            final = dur
            if ty == 'offline':
                dt_ = DISPOSAL_TYPES[int(rng.choice(4, p=[0.02, 0.45, 0.0, 0.53]))]
            else:
                dt_ = DISPOSAL_TYPES[int(rng.choice(4, p=[0.22, 0.40, 0.28, 0.10]))]
            disp.append((t_ms + dur, aid, dt_, dept[m], NOTES[int(rng.integers(0, len(NOTES)))]))
            if rng.random() < 0.06:                         # an earlier disposal, replaced by the later one
                earlier = t_ms + int(dur * rng.uniform(0.05, 0.9))
                if earlier < t_ms + dur:
                    disp.append((earlier, aid, DISPOSAL_TYPES[int(rng.integers(0, 4))], dept[m], '初步处置'))
        elif u < 0.7015 and t >= 3600:                      # rejected: disposed before the alarm
            disp.append((t_ms - 3600 * 1000, aid, '其他', dept[m], '时间录入错误'))
        if final is not None:
            e[1] += 1
        if (final is None or t_ms + final > deadline) and as_of_ms > deadline:
            e[2] += 1
    ids = {a[0] for a in alarms}
    for k in range(5):                                      # rejected: no such alarm
        fake = mine_id[active[k]] + '10' + '04' + ID[3600 * (k + 1) + 1]
        if fake not in ids:
            disp.append(((3600 * (k + 2)) * 1000, fake, '系统误报', dept[active[k]], ''))
    disp.sort(key=lambda r: (r[0], r[1]))

    def fmt_ms(ms):
        d = DAY + timedelta(milliseconds=ms)
        s = d.strftime('%Y-%m-%d %H:%M:%S')
        return s + (f'.{ms % 1000:03d}' if ms % 1000 else '')
    with open(os.path.join(out, 'alarm_disposals.csv'), 'w', encoding='utf-8', newline='') as fh:
        wr = csv.writer(fh, lineterminator='\n')
        wr.writerow(['alarm_id', 'disposed_at', 'disposal_type', 'department', 'note'])
        for ms, aid, ty, d, note in disp:
            wr.writerow([aid, fmt_ms(ms), ty, d, note])

    expected = {'alarms': {k: v[0] for k, v in sorted(exp.items())},
                'disposed': {k: v[1] for k, v in sorted(exp.items())},
                'overdue': {k: v[2] for k, v in sorted(exp.items())},
                'heartbeat_cameras': int(len(np.unique(hc))), 'ai_reports': len(ai),
                'mine_reports_lines': n_lines, 'disposal_rows': len(disp)}
    with open(os.path.join(out, 'expected_counts.json'), 'w') as fh:
        json.dump(expected, fh, indent=1, ensure_ascii=False)
        fh.write('\n')
    size = os.path.getsize(os.path.join(out, 'mine_reports.jsonl'))
    print(f'mines: {n_mines} mines, {n_hb:,} heartbeats, {len(ai):,} AI reports, {n_lines:,} lines '
          f'({size / 1e6:.0f} MB), {len(alarms):,} alarms, {len(disp):,} disposal rows '
          f'-> {out} in {_time.time() - t0:.1f} s', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), 'data', 'mines'))
