#!/usr/bin/env python3
"""Benchmark data: a city marathon timed with RFID mats (seed 003; CONTRACT §3.5).

    python3 bench/races/make_marathon.py [OUT_DIR]      # default bench/data/races/

30,000 registered athletes, gun 2026-10-18 07:30:00.000 (Beijing time), six
mats, each with its own reader log: start, 10k, 20k, 30k, 40k, finish. A card
is read ~10 times as it crosses a mat (6-15 reads within 2 s). Writes

    race_athletes.csv                 bib,card,name,gender,event,age_group
    start.log 10k.log 20k.log 30k.log 40k.log finish.log
                                      `yyyy-MM-dd HH:mm:ss.SSS HHHHH:PPPPP` + LF CR, time order

about 1.8 million log lines (~66 MB). What is in it (see bench/races/README.md):
mass start over ~20 minutes (waves; bibs 1-40 are the elite field in front),
chip times 2:07-7:00 with a positive split, ~3.5 % DNS (a few of them only read before the gun while lining up),
~3 % DNF (stopping after the start or a split mat), finishers after the 13:30
cutoff, one missed read in ~200 at each mat, a few unknown cards and malformed
lines (well under 1 % of any file).

Deterministic (numpy Generator with a fixed seed; no wall-clock input): two
runs give byte-identical files. Needs numpy.
"""
import os
import sys
import time

import numpy as np

SEED = 20261018
N = 30000
DATE = b'2026-10-18'
GUN = (7 * 3600 + 30 * 60) * 1000            # ms of the day
CUTOFF = (13 * 3600 + 30 * 60) * 1000
MATS = [('start', 0.0), ('10k', 10.0), ('20k', 20.0), ('30k', 30.0), ('40k', 40.0), ('finish', 42.195)]
LINE = 37                                      # 23 time + 1 space + 11 card + LF CR

SURNAMES = list('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程'
                '苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝')
MALE = list('伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆峰建国志海东亮林龙文博晨阳旭坤锋川')
FEMALE = list('芳娜敏静丽艳娟霞秀玲燕红琳婷雪梅慧洁颖倩莉萍晶佳欣悦瑶璐琪妍彤雯蕾薇岚月')


def main():
    t0 = time.perf_counter()
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(here, '..', 'data', 'races')
    out = os.path.normpath(out)
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)

    # ------------------------------------------------------------------ athletes
    gender = np.where(rng.random(N) < 0.74, 1, 2)
    age = rng.integers(20, 71, N)
    pid = rng.permutation(99999)[:N] + 1
    hid = 201 + rng.integers(0, 3, N)
    cards = np.array(['%05d:%05d' % (h, p) for h, p in zip(hid.tolist(), pid.tolist())])
    sn = rng.integers(0, len(SURNAMES), N)
    g1 = rng.integers(0, 40, N)
    g2 = rng.integers(0, 40, N)
    two = rng.random(N) < 0.6
    names = []
    for i in range(N):
        chars = MALE if gender[i] == 1 else FEMALE
        names.append(SURNAMES[sn[i]] + chars[g1[i] % len(chars)] + (chars[g2[i] % len(chars)] if two[i] else ''))
    groups = ['' if a < 35 else ('M' if g == 1 else 'W') + str(min(a // 5 * 5, 70))
              for g, a in zip(gender.tolist(), age.tolist())]
    with open(os.path.join(out, 'race_athletes.csv'), 'w', encoding='utf-8', newline='') as fh:
        fh.write('bib,card,name,gender,event,age_group\n')
        fh.writelines('%d,%s,%s,%d,marathon,%s\n' % (i + 1, cards[i], names[i], gender[i], groups[i]) for i in range(N))

    # ------------------------------------------------------------------ the race
    # chip time: log-normal around 4:05 (women +8 %, +0.3 %/year over 40), within 2:06-7:00;
    # bibs 1-40 are the invited elite field (2:07-2:35)
    logt = np.log(4.08 * 3600) + rng.normal(0, 0.15, N)
    chip = np.exp(logt) * np.where(gender == 2, 1.08, 1.0) * (1 + 0.003 * np.clip(age - 40, 0, None))
    chip[:40] = rng.uniform(2.12 * 3600, 2.58 * 3600, 40)
    chip = np.clip(chip, 2.1 * 3600, 7.0 * 3600)
    # waves: faster runners in front; the crowd crosses the start mat over ~20 minutes
    order = np.argsort(chip * np.exp(rng.normal(0, 0.05, N)), kind='stable')
    pos = np.empty(N)
    pos[order] = np.arange(N) / (N - 1)
    start = GUN + (1500 + pos * 1_200_000 + rng.normal(0, 3000, N)).clip(300).astype(np.int64)
    # mat times: positive split, time(d) = chip * (d / 42.195)^1.06, ~1 % noise per mat
    mat_t = []
    for _, d in MATS:
        frac = (d / 42.195) ** 1.06 if d > 0 else 0.0
        noise = rng.normal(0, 0.01 * frac, N) if 0 < d < 42.195 else 0.0
        mat_t.append(start + np.round(chip * (frac + noise) * 1000).astype(np.int64))
    # who reaches which mat: DNS 3.5 % (no reads), DNF 3 % (last mat 0-4)
    status = rng.random(N)
    dns = status < 0.035
    dnf = (status >= 0.035) & (status < 0.065)
    last_mat = np.where(dnf, rng.integers(0, 5, N), 5)
    preonly = dns & (rng.random(N) < 0.1)            # lined up, read before the gun, then withdrew
    # lining up: 10 % of the field crosses the start mat in the hour before the gun
    pregun = (rng.random(N) < 0.10) & ~dns | preonly
    pregun_t = GUN - rng.integers(20_000, 3_600_000, N)

    # ------------------------------------------------------------------ reads
    rows = {}
    unknown = np.array(['00201:00000', '00299:%05d' % 31337, '00202:%05d' % 0])   # not in race_athletes
    stats = {}
    for m, (name, _) in enumerate(MATS):
        crossing = ~dns & (last_mat >= m) & (rng.random(N) >= 0.005)    # ~1 in 200 crossings unread
        who = np.nonzero(crossing)[0]
        ts = [mat_t[m][who]]
        ids = [who]
        if name == 'start':
            w = np.nonzero(pregun)[0]
            ts.append(pregun_t[w])
            ids.append(w)
        base_t = np.concatenate(ts)
        base_id = np.concatenate(ids)
        k = rng.integers(6, 16, base_t.size)                            # reads per crossing, mean 10.5
        rep_t = np.repeat(base_t, k)
        rep_id = np.repeat(base_id, k)
        first = np.zeros(rep_t.size, dtype=bool)
        first[np.concatenate(([0], np.cumsum(k)[:-1]))] = True
        offs = rng.integers(1, 2000, rep_t.size)
        offs[first] = 0                                                 # first read at the crossing time
        rep_t = rep_t + offs
        card_txt = cards[rep_id]
        # unknown cards: 2 passes of 4-8 reads per mat
        for j in range(2):
            c = unknown[(m + j) % len(unknown)]
            tt = GUN + int(rng.integers(0, 6 * 3600 * 1000)) + np.arange(int(rng.integers(4, 9))) * 137
            rep_t = np.concatenate((rep_t, tt))
            card_txt = np.concatenate((card_txt, np.full(tt.size, c)))
        o = np.lexsort((card_txt, rep_t))
        rep_t, card_txt = rep_t[o], card_txt[o]
        rows[name] = (rep_t, card_txt)
        stats[name] = crossing.sum()

    # ------------------------------------------------------------------ write (fixed-width lines)
    total = 0
    for m, (name, _) in enumerate(MATS):
        t, c = rows[name]
        n = t.size
        buf = np.empty((n, LINE), dtype=np.uint8)
        buf[:, 0:10] = np.frombuffer(DATE, dtype=np.uint8)
        buf[:, 10] = ord(' ')
        h, r = np.divmod(t, 3_600_000)
        mi, r = np.divmod(r, 60_000)
        s, ms = np.divmod(r, 1000)
        for col, v, w in ((11, h, 2), (14, mi, 2), (17, s, 2), (20, ms, 3)):
            for d in range(w):
                buf[:, col + d] = ord('0') + (v // 10 ** (w - 1 - d)) % 10
        buf[:, 13] = buf[:, 16] = ord(':')
        buf[:, 19] = ord('.')
        buf[:, 23] = ord(' ')
        buf[:, 24:35] = np.frombuffer(c.astype('S11').tobytes(), dtype=np.uint8).reshape(n, 11)
        buf[:, 35] = ord('\n')
        buf[:, 36] = ord('\r')
        # two malformed lines per file: a line cut short and a 4-digit HID
        cut = sorted(rng.choice(np.arange(1000, n - 1000), 2, replace=False).tolist())
        bad = [bytes(buf[cut[0], :32]) + b'\n\r', bytes(buf[cut[1], :24]) + bytes(buf[cut[1], 25:35]) + b'\n\r']
        with open(os.path.join(out, name + '.log'), 'wb') as fh:
            prev = 0
            for p, b in zip(cut, bad):
                fh.write(buf[prev:p + 1].tobytes())
                fh.write(b)
                prev = p + 1
            fh.write(buf[prev:].tobytes())
        total += n + 2
        print('%-10s %9d lines  %7.1f MB  (%d athletes crossed)' % (name + '.log', n + 2, (n + 2) * LINE / 1e6, stats[name]))

    fin = ~dns & ~dnf
    late = fin & (mat_t[5] > CUTOFF)
    print('race_athletes.csv %d athletes (%d men, %d women)' % (N, (gender == 1).sum(), (gender == 2).sum()))
    print('intended: %d start, %d DNS (%d read only before the gun), %d DNF on the course, '
          '%d finish after the 13:30 cutoff; finish mat misses ~0.5 %% of crossings'
          % ((~dns).sum(), dns.sum(), preonly.sum(), dnf.sum(), late.sum()))
    print('wrote %d lines to %s in %.1f s' % (total, out, time.perf_counter() - t0))


if __name__ == '__main__':
    main()
