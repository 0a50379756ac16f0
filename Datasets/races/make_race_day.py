#!/usr/bin/env python3
"""A race day of RFID timing data (seed 003; CONTRACT §3.5, §4 race_results, §7 "Races").

    python3 make_race_day.py [OUT_DIR]        # default: the folder of this file

Writes, for 2026-05-01 (Beijing time):

    race_athletes.csv          bib,card,name,gender,event,age_group (330 athletes)
    track.log, track-b.log     the two antennas on the finish line of the 400 m
                               track (10000m, 25 laps, gun 09:00)
    road-start.log             the start mat of the 5km road race (gun 10:00)
    road-finish.log            the finish mat of the 5km
    expected/rejects_planted.csv   file,line,field of every line planted to be rejected
    expected/planted_cases.csv     case,event,bib,status,laps,suspect,same_rank_as,note:
                                   what the rules must give for each planted case

Each log line is `yyyy-MM-dd HH:mm:ss.SSS HHHHH:PPPPP` followed by LF CR (the
reader's [LF][CR], seed 003 appendix), in time order per file, as the timing PC
writes them. A card is read 1-10 times while it passes an antenna.

This script only simulates the day; the reference reports in expected/ are
computed from the written files by check_race_day.py, an independent
implementation of the rules. Python 3.11 standard library only; fixed seed, so
two runs give byte-identical files.
"""
import csv
import os
import random
import sys
from datetime import datetime, timedelta

SEED = 20260501
DAY = datetime(2026, 5, 1)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else HERE
# file names as the job (Jobs/race-day.yaml) writes them: rejects.file is the path in the job
JOB_PATH = {
    'track': '../Datasets/races/track.log',
    'track-b': '../Datasets/races/track-b.log',
    'road-start': '../Datasets/races/road-start.log',
    'road-finish': '../Datasets/races/road-finish.log',
}
FILE = {r: os.path.basename(p) for r, p in JOB_PATH.items()}

rng = random.Random(SEED)


def T(hh, mm, ss=0, ms=0):
    """Milliseconds since 2026-05-01 00:00:00 (naive Beijing time)."""
    return ((hh * 60 + mm) * 60 + ss) * 1000 + ms


def clock(t):
    d = DAY + timedelta(milliseconds=t)
    return d.strftime('%Y-%m-%d %H:%M:%S') + '.%03d' % (t % 1000)


# ----------------------------------------------------------------------------- names
SURNAMES = ('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程'
            '苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝'
            '龚邵万钱严覃武戴莫孔向汤')
MALE = '伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆峰建国志海东亮林龙文博晨阳旭坤锋川'
FEMALE = '芳娜敏静丽艳娟霞秀玲燕红琳婷雪梅慧洁颖倩莉萍晶佳欣悦瑶璐琪妍彤雯蕾薇岚月'
used_names = set()


def make_name(gender):
    chars = MALE if gender == 1 else FEMALE
    while True:
        n = rng.choice(SURNAMES) + rng.choice(chars)
        if rng.random() < 0.6:
            n += rng.choice(chars)
        if n not in used_names:
            used_names.add(n)
            return n


def age_group(gender, age):
    if age < 35:
        return ''
    return ('M' if gender == 1 else 'W') + str(min(age // 5 * 5, 70))


# ----------------------------------------------------------------------------- reads
lines = {r: [] for r in FILE}          # reader -> [(t, text, planted_field or None)]


def read(reader, t, card):
    lines[reader].append((t, clock(t) + ' ' + card, None))


def bad_line(reader, t, text, field):
    lines[reader].append((t, text, field))


def passing(t, card, antennas, nmin=1, nmax=6, window=800, p_silent=0.0, primary=None):
    """One pass of a card over the line at time t (ms): each antenna reads it
    nmin..nmax times within `window` ms; the first read of the pass (on the
    primary antenna) is at t exactly, so t is the time the rules will see.
    With two antennas, each stays silent with probability p_silent (never both)."""
    counts = {a: (0 if rng.random() < p_silent else rng.randint(nmin, nmax)) for a in antennas}
    if primary is not None and counts[primary] == 0:
        counts[primary] = rng.randint(nmin, nmax)
    if not any(counts.values()):
        counts[rng.choice(antennas)] = rng.randint(nmin, nmax)
    if primary is None:
        primary = rng.choice([a for a in antennas if counts[a]])
    for a in antennas:
        n = counts[a]
        if n == 0:
            continue
        first = 0 if a == primary else rng.randint(1, min(300, window))
        offs = [first] + sorted(rng.randint(first + 1, window) for _ in range(n - 1))
        for o in offs:
            read(a, t + o, card)


athletes = []                          # dicts: bib, card, name, gender, event, age_group
planted = []                           # case, event, bib, status, laps, suspect, same_rank_as, note

# ============================================================================ 10000m
# 30 athletes, 25 laps of the 400 m track, start and finish on the finish line,
# antennas `track` and `track-b` side by side on that line.
GUN10 = T(9, 0)
CUT10 = T(9, 40)
TRACK = ('track', 'track-b')
B_DNS, B_DNF14, B_CUTOFF, B_MISSED, B_DOUBT, B_TIE = 517, 508, 526, 512, 521, (504, 519)
MISSED_CROSSING = 9        # real crossing of B_MISSED that no antenna reads
DOUBT_AFTER = 16           # stray read of B_DOUBT 45 s after this crossing

bibs10 = list(range(501, 531))     # track bibs; the 5km has 1-300
pids10 = rng.sample(range(10, 1000), len(bibs10))
pids10[bibs10.index(B_MISSED)] = 12   # the seed's example card 00102:00012
if pids10.count(12) > 1:
    pids10[[i for i, p in enumerate(pids10) if p == 12 and bibs10[i] != B_MISSED][0]] = 1000
free = [b for b in bibs10 if b not in (B_DNS, B_DNF14, B_CUTOFF, B_MISSED) + B_TIE]
women10 = rng.sample(free, 8)
if B_DOUBT not in women10:          # the doubtful read happens to a woman
    women10[-1] = B_DOUBT

card10 = {}
for bib, pid in zip(bibs10, pids10):
    g = 2 if bib in women10 else 1
    age = rng.randint(19, 58)
    if bib in B_TIE:
        age = {504: 41, 519: 43}[bib]
    if bib == B_CUTOFF:
        age = 57
    card10[bib] = '00102:%05d' % pid
    athletes.append(dict(bib=bib, card=card10[bib], name=make_name(g), gender=g, event='10000m',
                         age_group=age_group(g, age)))


def lap_list(n, pace_s):
    """Lap times in ms: per-athlete pace, ~1.2 % noise, a slight fade, a standing
    start on lap 1 and a kick on the last lap (not for one who drops out)."""
    out = []
    for k in range(n):
        t = pace_s * (1 + rng.gauss(0, 0.012) + 0.0006 * k)
        if k == 0:
            t += 1.2
        if k == n - 1 and n >= 25:
            t *= 0.95
        out.append(int(round(t * 1000)))
    return out


def crossings_from(laps):
    c, t = [], GUN10
    for lap in laps:
        t += lap
        c.append(t)
    return c


cross10 = {}
for a in athletes:
    bib = a['bib']
    if bib == B_DNS:
        continue
    pace = rng.uniform(62.0, 74.0) if a['gender'] == 1 else rng.uniform(68.0, 80.0)
    pace = {504: 66.0, 519: 66.0, B_MISSED: 70.0, B_DOUBT: 68.0, B_DNF14: 72.0, B_CUTOFF: 96.0}.get(bib, pace)
    n = {B_MISSED: 26, B_DNF14: 14}.get(bib, 25)   # B_MISSED runs one lap more: the lap board was one short
    laps = lap_list(n, pace)
    if bib == B_CUTOFF:        # 25th crossing 4.871 s after the cutoff, 24th well before it
        target = CUT10 + 4871 - GUN10
        total = sum(laps)
        laps = [int(round(x * target / total)) for x in laps]
        laps[-1] += target - sum(laps)
    cross10[bib] = crossings_from(laps)
# the tie: 519 runs on 504's shoulder and they hit the line together on the last lap
c504 = cross10[504]
cross10[519] = [t + rng.randint(-450, 450) for t in c504[:-1]] + [c504[-1]]
# no other equal finish times (the tie stays the only one)
seen = {c504[-1]}
for bib in sorted(cross10):
    if bib in B_TIE or len(cross10[bib]) != 25:
        continue
    while cross10[bib][-1] in seen:
        cross10[bib][-1] += 1
    seen.add(cross10[bib][-1])

# warm-up strides over the line in the quarter hour before the gun
for bib in rng.sample(sorted(cross10), 20):
    for _ in range(rng.randint(1, 3)):
        passing(rng.randint(T(8, 45), T(8, 58, 30)), card10[bib], TRACK, p_silent=0.1)
# lined up on the line before the gun, and leaving it at the gun (both within min_lap_s of the gun)
for bib in sorted(cross10):
    for _ in range(rng.randint(0, 2)):
        read(rng.choice(TRACK), rng.randint(GUN10 - 60000, GUN10 - 500), card10[bib])
    for _ in range(rng.randint(1, 4)):
        read(rng.choice(TRACK), rng.randint(GUN10 + 150, GUN10 + 3500), card10[bib])
# the race
for bib in sorted(cross10):
    for k, t in enumerate(cross10[bib], start=1):
        if bib == B_MISSED and k == MISSED_CROSSING:
            continue                                    # neither antenna reads it
        primary = None
        if bib in B_TIE and k == len(cross10[bib]):
            primary = 'track' if bib == 504 else 'track-b'
        passing(t, card10[bib], TRACK, p_silent=0.08, primary=primary)
    last = cross10[bib][-1]
    if bib == B_DOUBT:
        read('track-b', cross10[bib][DOUBT_AFTER - 1] + 45000, card10[bib])
    if bib == B_DNF14:
        read('track', last + 3100, card10[bib])         # steps off the track after the line
        continue
    if bib == B_CUTOFF:
        continue
    for _ in range(rng.randint(0, 2)):                  # slowing down past the line
        read(rng.choice(TRACK), last + rng.randint(1500, 6000), card10[bib])
    if rng.random() < 0.4:                              # cool-down lap: a crossing after the finish
        passing(last + rng.randint(150000, 240000), card10[bib], TRACK, p_silent=0.08)

planted += [
    ('10000m DNS: registered, never read', '10000m', B_DNS, 'DNS', 0, '', '', 'no line of card %s in any log' % card10[B_DNS]),
    ('10000m DNF: stops after 14 laps', '10000m', B_DNF14, 'DNF', 14, '', '', '14 rows in race_laps'),
    ('10000m 25th crossing after the cutoff', '10000m', B_CUTOFF, 'DNF', 24, '', '',
     '25th crossing %s > cutoff %s; 24 rows in race_laps' % (clock(cross10[B_CUTOFF][24]), clock(CUT10))),
    ('10000m one crossing read by neither antenna', '10000m', B_MISSED, 'FIN', 25, 'lap %d: missed read' % MISSED_CROSSING, '',
     'real crossing %d (%s) unread; his 25th counted crossing is his real 26th (seed: a lap miscounted)'
     % (MISSED_CROSSING, clock(cross10[B_MISSED][MISSED_CROSSING - 1]))),
    ('10000m stray read 45 s after a crossing', '10000m', B_DOUBT, 'FIN', 25, 'lap %d: doubtful read' % (DOUBT_AFTER + 1), '',
     'track-b read at %s counts as crossing %d (>= 40 s, < 55 s); real crossing %d becomes a duplicate'
     % (clock(cross10[B_DOUBT][DOUBT_AFTER - 1] + 45000), DOUBT_AFTER + 1, DOUBT_AFTER + 1)),
    ('10000m tie to the millisecond', '10000m', 504, 'FIN', 25, '', 519,
     'finish %s first read on track' % clock(c504[-1])),
    ('10000m tie to the millisecond', '10000m', 519, 'FIN', 25, '', 504,
     'finish %s first read on track-b' % clock(c504[-1])),
]

# ============================================================================ 5km
# ~300 athletes, mass start over a start mat (road-start), finish mat road-finish.
GUN5 = T(10, 0)
CUT5 = T(11, 0)
N5 = 300
P_NOSTART, P_PREONLY, P_ATGUN, P_DNS, P_DNF, P_ATCUT, P_AFTERCUT = 57, 143, 5, 211, 88, 299, 300
P_CHIPTIE, P_GUNTIE, P_BACK = (34, 162), (71, 250), 120

pids5 = rng.sample(range(1, 3000), N5 + 1)
UNKNOWN_PID = pids5.pop()            # a spare card nobody was given
card5 = {}
target = {}                          # bib -> intended chip time (ms)
for bib in range(1, N5 + 1):
    g = 1 if rng.random() < 0.6 else 2
    age = rng.randint(18, 68)
    if bib in P_CHIPTIE:
        g, age = 2, {34: 42, 162: 44}[bib]
    if bib in (P_ATCUT, P_AFTERCUT):
        age = rng.randint(60, 68)
    card5[bib] = '00103:%05d' % pids5[bib - 1]
    athletes.append(dict(bib=bib, card=card5[bib], name=make_name(g), gender=g, event='5km',
                         age_group=age_group(g, age)))
    mean = 25.5 if g == 1 else 29.0
    m = 0.0
    while not 16.2 <= m <= 39.8:      # redraw outside 16-40 min (no pile-up at the ends)
        m = rng.gauss(mean, 4.3) + max(0, age - 40) * 0.2
    target[bib] = int(round(m * 60000)) + rng.randint(0, 999)
target[P_ATGUN] = 17 * 60000 + 48213
target[P_CHIPTIE[0]] = target[P_CHIPTIE[1]] = 27 * 60000 + 41318

# start order: faster runners in front, with some disorder; the crowd passes the mat over ~90 s
order = sorted(range(1, N5 + 1), key=lambda b: (target[b] + rng.gauss(0, 180000), b))
start5 = {}
for i, bib in enumerate(order):
    start5[bib] = GUN5 + max(300, 1500 + int(88000 * i / (N5 - 1)) + rng.randint(-1500, 1500))
start5[P_ATGUN] = GUN5                       # standing on the mat at the gun
start5[P_CHIPTIE[0]] = GUN5 + 35127
start5[P_CHIPTIE[1]] = GUN5 + 52904
start5[P_ATCUT] = GUN5 + 88412
start5[P_AFTERCUT] = GUN5 + 89776
start5[P_GUNTIE[0]] = GUN5 + 21075
start5[P_GUNTIE[1]] = GUN5 + 47611

finish5 = {b: start5[b] + target[b] for b in start5}
finish5[P_ATCUT] = CUT5                      # a walker on the line at the cutoff: counts
finish5[P_AFTERCUT] = CUT5 + 1               # one millisecond late: does not count
finish5[P_GUNTIE[1]] = finish5[P_GUNTIE[0]]  # same clock time at the line, different chip times
for b in (P_DNS, P_DNF):
    del finish5[b]
# keep every other chip time and finish time distinct (the planted ties stay the only ones)
chip_seen, fin_seen = set(), set()
for bib in sorted(finish5):
    if bib in P_CHIPTIE + P_GUNTIE or bib in (P_ATCUT, P_AFTERCUT):
        continue
    while (finish5[bib] - start5[bib]) in chip_seen or finish5[bib] in fin_seen:
        finish5[bib] += 1
    chip_seen.add(finish5[bib] - start5[bib])
    fin_seen.add(finish5[bib])
for bib in P_CHIPTIE + P_GUNTIE:
    assert finish5[bib] - start5[bib] not in chip_seen and finish5[bib] not in fin_seen, bib

# lining up: a few athletes walk over the start mat before the gun
pre = rng.sample([b for b in range(1, N5 + 1) if b not in (P_CHIPTIE + P_GUNTIE + (P_NOSTART,))], 10)
for bib in sorted(set(pre) | {P_PREONLY, P_DNS}):
    for _ in range(rng.randint(1, 2)):
        passing(rng.randint(T(9, 45), T(9, 59, 50)), card5[bib], ('road-start',), nmin=2, nmax=6, window=1000)
read('road-start', GUN5 - 130, card5[P_ATGUN])
# warm-up jogs over the finish mat before the gun
for bib in rng.sample([b for b in range(1, N5 + 1) if b not in (P_DNS, P_DNF)], 5):
    passing(rng.randint(T(9, 30), T(9, 50)), card5[bib], ('road-finish',), nmin=2, nmax=6, window=1000)

for bib in range(1, N5 + 1):
    if bib == P_DNS:
        continue
    if bib == P_ATGUN:
        for o in (0, 410, 780):
            read('road-start', GUN5 + o, card5[bib])
    elif bib not in (P_NOSTART, P_PREONLY):
        passing(start5[bib], card5[bib], ('road-start',), nmin=2, nmax=10, window=1000)
    if bib == P_DNF:       # drops out, walks back through the finish area at 10:07: before gun + min_lap_s
        passing(T(10, 7, 12, 466), card5[bib], ('road-finish',), nmin=2, nmax=3, window=1000)
        continue
    passing(finish5[bib], card5[bib], ('road-finish',), nmin=2, nmax=10, window=1000)
    if bib == P_BACK:      # walks back over the finish mat 12 minutes later: after the finish, ignored
        passing(finish5[bib] + 12 * 60000 + 3307, card5[bib], ('road-finish',), nmin=2, nmax=5, window=1000)
    elif rng.random() < 0.1:   # lingers in the chute near the mat
        passing(finish5[bib] + rng.randint(5000, 60000), card5[bib], ('road-finish',), nmin=1, nmax=3, window=1000)

# cards that are not in race_athletes: a spare card a pacer carried, and one from another system
unknown1, unknown2 = '00103:%05d' % UNKNOWN_PID, '00088:00012'
for o in (0, 187, 560):
    bad_line('road-start', GUN5 + 30912 + o, clock(GUN5 + 30912 + o) + ' ' + unknown1, 'card')
for o in (0, 95, 402, 733):
    bad_line('road-finish', T(10, 24, 3, 271) + o, clock(T(10, 24, 3, 271) + o) + ' ' + unknown1, 'card')
for o in (0, 618):
    bad_line('road-finish', T(10, 31, 40, 52) + o, clock(T(10, 31, 40, 52) + o) + ' ' + unknown2, 'card')
# malformed lines, each in the middle of an athlete's read burst (the burst's first read is intact)
victim_s = order[40]
t = start5[victim_s] + 1001            # after the burst's reads (window 1000 ms)
bad_line('road-start', t, clock(t) + ' ' + card5[victim_s][:8], 'card')                  # line cut short
victim_f = sorted(finish5, key=lambda b: finish5[b])[100]
t = finish5[victim_f] + 1001
bad_line('road-finish', t, clock(t) + ' ' + card5[victim_f][1:], 'card')                 # 4-digit HID

chip = lambda b: finish5[b] - (GUN5 if b in (P_NOSTART, P_PREONLY) else start5[b])
planted += [
    ('5km no start read: chip = gun', '5km', P_NOSTART, 'FIN', 1, '', '', 'no road-start line; chip_time = gun_time'),
    ('5km start reads only before the gun: chip = gun', '5km', P_PREONLY, 'FIN', 1, '', '',
     'road-start reads at 09:4x/09:5x only; chip_time = gun_time'),
    ('5km start read exactly at the gun', '5km', P_ATGUN, 'FIN', 1, '', '',
     'road-start reads %s, 10:00:00.000, .410, .780: start = 10:00:00.000 so chip_time = gun_time'
     % clock(GUN5 - 130)),
    ('5km DNS: only reads before the gun', '5km', P_DNS, 'DNS', 0, '', '', 'road-start reads before 10:00 only'),
    ('5km DNF: drops out, walks over the finish mat at 10:07', '5km', P_DNF, 'DNF', 0, '', '',
     'finish-mat reads at 10:07:12 < gun + 600 s are not a crossing'),
    ('5km finish exactly at the cutoff', '5km', P_ATCUT, 'FIN', 1, '', '', 'finish 11:00:00.000 counts'),
    ('5km finish 1 ms after the cutoff', '5km', P_AFTERCUT, 'DNF', 0, '', '', 'finish 11:00:00.001 does not count'),
    ('5km chip-time tie', '5km', P_CHIPTIE[0], 'FIN', 1, '', P_CHIPTIE[1], 'chip %d ms, gun times differ' % chip(P_CHIPTIE[0])),
    ('5km chip-time tie', '5km', P_CHIPTIE[1], 'FIN', 1, '', P_CHIPTIE[0], 'chip %d ms, gun times differ' % chip(P_CHIPTIE[1])),
    ('5km same finish clock, different chip (no tie by chip)', '5km', P_GUNTIE[0], 'FIN', 1, '', '', 'finish %s' % clock(finish5[P_GUNTIE[0]])),
    ('5km same finish clock, different chip (no tie by chip)', '5km', P_GUNTIE[1], 'FIN', 1, '', '', 'finish %s' % clock(finish5[P_GUNTIE[1]])),
    ('5km walks back over the finish mat 12 min after finishing', '5km', P_BACK, 'FIN', 1, '', '',
     'the later pass (>= 600 s after the finish) is ignored: the race has 1 crossing'),
]


# ============================================================================ write
def write_log(reader):
    entries = sorted(lines[reader], key=lambda e: (e[0], e[1]))
    rejects = []
    with open(os.path.join(OUT, FILE[reader]), 'w', encoding='utf-8', newline='') as fh:
        for n, (t, text, field) in enumerate(entries, start=1):
            fh.write(text + '\n\r')
            if field:
                rejects.append((JOB_PATH[reader], n, field))
    return len(entries), rejects


os.makedirs(os.path.join(OUT, 'expected'), exist_ok=True)
with open(os.path.join(OUT, 'race_athletes.csv'), 'w', encoding='utf-8', newline='') as fh:
    w = csv.writer(fh, lineterminator='\n')
    w.writerow(['bib', 'card', 'name', 'gender', 'event', 'age_group'])
    for a in athletes:
        w.writerow([a['bib'], a['card'], a['name'], a['gender'], a['event'], a['age_group']])

all_rejects, counts = [], {}
for reader in FILE:
    counts[reader], rj = write_log(reader)
    all_rejects += rj
with open(os.path.join(OUT, 'expected', 'rejects_planted.csv'), 'w', encoding='utf-8', newline='') as fh:
    w = csv.writer(fh, lineterminator='\n')
    w.writerow(['file', 'line', 'field'])
    w.writerows(sorted(all_rejects))
with open(os.path.join(OUT, 'expected', 'planted_cases.csv'), 'w', encoding='utf-8', newline='') as fh:
    w = csv.writer(fh, lineterminator='\n')
    w.writerow(['case', 'event', 'bib', 'status', 'laps', 'suspect', 'same_rank_as', 'note'])
    w.writerows(planted)

print('athletes: %d (10000m %d, 5km %d)' % (len(athletes), len(bibs10), N5))
for reader in FILE:
    print('%-12s %5d lines' % (FILE[reader], counts[reader]))
print('reads: %d lines, %d planted rejects, %d planted cases -> %s'
      % (sum(counts.values()), len(all_rejects), len(planted), OUT))
