#!/usr/bin/env python3
"""One month of smart-safe-community data in Tianjin (seed 001, Appendix B.2.3,
B.5.3, B.6.1, B.7 and code tables C.1-C.18; rules in README.md "The rules").

    python3 make_tianjin_month.py [OUT_DIR]      # default: the folder of this file

Writes, for 2026-05-01 00:00 to 2026-05-31 23:59:59 (Beijing time):

    communities.csv          ptzcm,xqmc,admin_code,lon,lat            UTF-8, LF
    addresses.csv            dzbm,xz,xqmc,ldphxlh,ldph,dyhxh,dyh,lch,fjhxh,fjh,djsj,ptzcm
                                                                      UTF-8, LF
    community_devices.csv    sbbm,sbmc,sblx,zxzt,syzt,sbjd,sbwd,ptzcm GBK (cp936), CRLF
    person_access.csv        ryId,dabh,zhlx,kmfs,kmzt,crlx,sbbm,jrsj,lksj,sfbxq,ptzcm,xm,zjhm,lxfs
                                                                      UTF-8 with BOM, LF
    vehicle_access.csv       cphm,tclx,crlx,sbbm,jrsj,lksj,txqk,sfbxq,ptzcm,clpp,cllx,czxm,czsfzhm,czlxfs
                                                                      UTF-8, LF
    fake_personal_values.txt every name, ID number, phone and clear plate in the inputs
    expected/rejects_planted.csv   file,line,field of every row planted to be rejected
    expected/planted_cases.csv     case,report,key,column,expected,note

Every personal value is fake: names start with 测试, ID numbers are
11010119900101NNNN (18 characters), phones 1380013NNNN / 1390013NNNN, plates are
random. The expected values in planted_cases.csv are written here by hand from
the planted schedules (not computed from the written files); check_community.py
(an independent implementation of the rules) verifies them.
Python 3 standard library only; fixed seed, no set iteration, so two runs (any
PYTHONHASHSEED) give byte-identical files.
"""
import csv
import hashlib
import io
import os
import random
import sys
from datetime import datetime, timedelta

SEED = 20260501
DAY0 = datetime(2026, 5, 1)          # Friday; naive Beijing time
NDAYS = 31
AS_OF = datetime(2026, 5, 31, 20, 0, 0)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else HERE
PREFIX = '../Datasets/tianjin/'      # paths as Jobs/tianjin-community.yaml writes them

rng = random.Random(SEED)

# ----------------------------------------------------------------------------- communities
COMMS = [
    # ptzcm, xqmc, admin_code, lon, lat, district, road, buildings
    dict(ptzcm='TJHP0001', xqmc='云南路小区', admin='120101', lon=117.198420, lat=39.114870,
         dist='和平区', road='云南路', nb=8),
    dict(ptzcm='TJHX0001', xqmc='友谊北里', admin='120103', lon=117.213560, lat=39.099310,
         dist='河西区', road='友谊路', nb=9),
    dict(ptzcm='TJNK0001', xqmc='华苑居华里', admin='120104', lon=117.160930, lat=39.089420,
         dist='南开区', road='华苑路', nb=8),
    dict(ptzcm='TJHB0001', xqmc='中山路北小区', admin='120105', lon=117.204310, lat=39.157980,
         dist='河北区', road='中山路', nb=7),
]
CBY = {c['ptzcm']: c for c in COMMS}
HP, HX, NK, HB = (c['ptzcm'] for c in COMMS)

KMFS_NAME = {'1': '刷卡开门', '2': '指纹开门', '3': '远程开门', '4': '按钮开门', '5': '钥匙开门',
             '6': '身份证开门', '7': '二维码开门', '8': '动态密码开门', '9': '人脸开门', '10': '无感知',
             '99': '其他'}
SBLX_NAME = {'1': '卡口', '2': '摄像头', '3': '道闸', '4': '门禁', '5': '人脸识别', '6': '人脸抓拍机'}


# ----------------------------------------------------------------------------- helpers
def fmt(t, form):
    """A naive Beijing time in one of the input time forms."""
    if form == 'std':
        return t.strftime('%Y-%m-%d %H:%M:%S')
    if form == 'dev':
        return t.strftime('%Y%m%d%H%M%S')
    if form == 'ms':
        return t.strftime('%Y-%m-%d %H:%M:%S') + '.%03d' % (t.microsecond // 1000)
    if form == 'iso':
        return t.strftime('%Y-%m-%dT%H:%M:%S+08:00')
    if form == 'Z':
        return (t - timedelta(hours=8)).strftime('%Y-%m-%dT%H:%M:%SZ')
    raise ValueError(form)


def T(day, hh, mm=0, ss=0):
    """2026-05-<day> hh:mm:ss (naive Beijing time)."""
    return datetime(2026, 5, day, hh, mm, ss)


def hexid(name):
    """A stable 32-hex dabh (B.8: GUID 32位) for a planted case."""
    return hashlib.md5(('tianjin-2026-05/' + name).encode()).hexdigest()


def rand_dabh():
    return '%032x' % rng.getrandbits(128)


def day_of(t):
    return (t - DAY0).days


def off_day(d):
    """Days off: weekends and the Labour Day holiday 05-01..05-05; 05-09 (Sat) is a make-up workday."""
    t = DAY0 + timedelta(days=d)
    if t.day <= 5:
        return True
    if t.day == 9:
        return False
    return t.weekday() >= 5


def rand_time(d, h0, h1):
    """A random time on day index d between h0:00 and h1:00 (hours may be fractional)."""
    s = rng.randint(int(h0 * 3600), int(h1 * 3600) - 1)
    return DAY0 + timedelta(days=d, seconds=s)


def clamp(t, d):
    """Keep simulated traffic within 06:00 and 23:50 of day d (planted cases own the night)."""
    lo = DAY0 + timedelta(days=d, hours=6)
    hi = DAY0 + timedelta(days=d, hours=23, minutes=50)
    return min(max(t, lo), hi)


# ----------------------------------------------------------------------------- fake persons
SURNAMES = '张李王赵刘陈杨黄周吴徐孙马朱胡郭何林高罗'
GIVEN = ['三', '四', '五', '六', '七', '八', '九', '十', '伟', '芳', '娜', '敏', '静', '丽', '强', '磊',
         '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '建华',
         '建国', '志强', '海燕', '淑珍', '玉兰', '文', '斌', '宇', '浩']
_names = ['测试' + s + g for s in SURNAMES for g in GIVEN]
_first = ['测试张三', '测试李四', '测试王五', '测试赵六']
_rest = [n for n in _names if n not in _first]
rng.shuffle(_rest)
NAME_POOL = _first + _rest
_id_nums = list(range(1, 10000))
rng.shuffle(_id_nums)
_phone_nums = list(range(1, 10000))
rng.shuffle(_phone_nums)


class Pools:
    def __init__(self):
        self.n_name = 0
        self.n_id = 0
        self.n_phone = 0

    def name(self):
        v = NAME_POOL[self.n_name]
        self.n_name += 1
        return v

    def idno(self):
        if self.n_id == 0:
            v = '11010119900101123X'
        else:
            n = _id_nums[self.n_id]
            v = '11010119900101%04d' % n if n % 11 else '11010119900101%03dX' % (n // 10)
        self.n_id += 1
        return v

    def phone(self):
        if self.n_phone == 0:
            v = '13800138000'
        elif self.n_phone == 1:
            v = '13900139000'
        else:
            n = _phone_nums[self.n_phone]
            v = ('1380013%04d' if self.n_phone % 2 else '1390013%04d') % n
        self.n_phone += 1
        return v


POOLS = Pools()
FAKE = {}          # value -> kind (insertion order kept; written sorted)


def fake(v, kind):
    if v:
        FAKE.setdefault(v, kind)
    return v


# ----------------------------------------------------------------------------- devices
DIRS = ['东', '南', '西', '北']


def make_devices():
    """{ptzcm: [device dict]} and the list of rows to write (with planted rejects)."""
    devs = {}
    for ci, c in enumerate(COMMS):
        p = c['ptzcm']
        seq = [0]
        out = []

        def add(sblx, sbmc, zxzt=None, syzt=None):
            seq[0] += 1
            if syzt is None:
                r = rng.random()
                syzt = '10' if r < 0.90 else '20' if r < 0.94 else '40' if r < 0.97 else '50' if r < 0.99 else '30'
            if zxzt is None:
                r = rng.random()
                if syzt != '10':
                    zxzt = '2' if r < 0.7 else '3'
                else:
                    zxzt = '1' if r < 0.88 else '2' if r < 0.97 else '3'
            lon = c['lon'] + rng.uniform(-0.0025, 0.0025)
            lat = c['lat'] + rng.uniform(-0.0019, 0.0019)
            d = dict(sbbm='TJ%s%s%05d' % (c['admin'], sblx, seq[0]), sbmc=sbmc, sblx=sblx, zxzt=zxzt,
                     syzt=syzt, sbjd='%.6f' % lon, sbwd='%.6f' % lat, ptzcm=p)
            out.append(d)
            return d

        # 1 卡口
        if p == HB:
            add('1', '北门卡口', zxzt='2', syzt='50')            # planted: the only 卡口, scrapped
        else:
            add('1', '东门卡口')
            add('1', '北门卡口')
        # 3 道闸
        if p == NK:                                              # planted: 2 online, 1 offline, 1 fault, 1 in repair
            for name, z, s in (('东门入口道闸', '1', '10'), ('东门出口道闸', '1', '10'), ('北门入口道闸', '2', '10'),
                               ('北门出口道闸', '3', '10'), ('西门入口道闸', '2', '40')):
                add('3', name, zxzt=z, syzt=s)
        else:
            for g in ('东门', '北门'):
                add('3', g + '入口道闸', zxzt='1', syzt='10')
                add('3', g + '出口道闸', zxzt='1', syzt='10')
        # 4 门禁: one per building unit + the gates
        k = 0
        for b in range(1, c['nb'] + 1):
            for u in range(1, 4):
                if p == HP:                                      # planted: 28 in use, 26 online, 2 offline
                    z = '2' if k in (5, 17) else '1'
                    add('4', '%d号楼%d单元门禁' % (b, u), zxzt=z, syzt='10')
                else:
                    add('4', '%d号楼%d单元门禁' % (b, u))
                k += 1
        for g in DIRS:
            if p == HP:
                add('4', g + '门门禁', zxzt='1', syzt='10')
            else:
                add('4', g + '门门禁', zxzt='1', syzt='10')
        # 5 人脸识别
        if p == HX:                                              # planted: 32 in use, 31 online, 1 fault, 2 stopped
            names = []
            for g in DIRS:
                for n in range(1, 9):
                    names.append('%s门人脸识别%d' % (g, n))
            for i, name in enumerate(names):
                add('5', name, zxzt='3' if i == 13 else '1', syzt='10')
            add('5', '北门人脸识别9', zxzt='2', syzt='20')
            add('5', '南门人脸识别9', zxzt='2', syzt='20')
        else:
            add('5', '东门人脸识别,进口', zxzt='1', syzt='10')    # a name with a comma (quoted)
            add('5', '东门人脸识别,出口', zxzt='1', syzt='10')
            for g in DIRS[1:]:
                add('5', g + '门人脸识别', zxzt='1', syzt='10')
        # 6 人脸抓拍机
        for g in DIRS:
            for n in (1, 2):
                add('6', '%s门人脸抓拍机%d' % (g, n))
        # 2 摄像头
        places = ['楼道', '电梯厅', '单元门口', '楼顶', '消防通道']
        n_cam = 150 + 5 * ci
        b = u = 1
        i = 0
        while i < n_cam - 10:
            for pl in places:
                if i >= n_cam - 10:
                    break
                add('2', '%d号楼%d单元%s摄像头' % (b, u, pl))
                i += 1
            u += 1
            if u > 3:
                u, b = 1, b + 1
                if b > c['nb']:
                    b = 1
        for name in ('地下车库摄像头1', '地下车库摄像头2', '地下车库摄像头3', '东门摄像头', '北门摄像头',
                     '西门摄像头', '南门摄像头', '中心广场摄像头', '儿童乐园摄像头', '垃圾站摄像头'):
            add('2', name)
        # a few devices without a position (both empty: allowed)
        for d in out:
            if d['sblx'] == '2' and rng.random() < 0.02:
                d['sbjd'] = d['sbwd'] = ''
        devs[p] = out
    return devs


# ----------------------------------------------------------------------------- residents & strangers
def make_people(devs):
    res = {}
    for c in COMMS:
        p = c['ptzcm']
        lst = []
        nh = {HP: 58, HX: 62, NK: 60, HB: 55}[p]
        for h in range(nh):
            size = rng.choice([1, 2, 2, 2, 3, 3])
            rented = rng.random() < 0.2
            for m in range(size):
                zhlx = '1' if rented else ('2' if m == 0 else '3')
                kind = rng.choices(['worker', 'retiree', 'student', 'home'], [0.5, 0.25, 0.12, 0.13])[0]
                pref = rng.choices(['9', '1', '7', '10', '2', '6', '4', '5', '3', '8', '99'],
                                   [40, 20, 10, 8, 6, 5, 3, 2, 2, 3, 1])[0]
                lst.append(dict(ryId='%sR%04d' % (p, len(lst) + 1), zhlx=zhlx, kind=kind, pref=pref,
                                xm=POOLS.name(), zjhm=POOLS.idno(), lxfs=POOLS.phone()))
        res[p] = lst
    return res


PFAIL = {'1': 0.01, '2': 0.10, '3': 0.0, '4': 0.0, '5': 0.05, '6': 0.03, '7': 0.04, '8': 0.06, '9': 0.035,
         '10': 0.02, '99': 0.05}
# planted access_methods groups: no random record may use these (ptzcm, kmfs)
RESERVED_KMFS = {(NK, '8'), (HB, '99'), (HX, '5'), (HP, '3')}


def person_devices(devs, p):
    ds = [d for d in devs[p] if d['sblx'] in ('4', '5') and d['syzt'] == '10']
    return ds


def main():
    devs = make_devices()
    residents = make_people(devs)

    # per-device habits: time form and whether it sends the personal fields
    dev_form = {}
    dev_personal = {}
    for p in devs:
        for d in devs[p]:
            r = rng.random()
            dev_form[d['sbbm']] = 'std' if r < 0.8 else 'dev'
            dev_personal[d['sbbm']] = rng.random() < 0.7

    persons = []   # (time, seq, row dict or raw list)
    vehicles = []
    seq = [0]

    def put(lst, t, row):
        seq[0] += 1
        lst.append((t, seq[0], row))

    def prow(p, t, crlx, kmfs, kmzt='1', ryId='', dabh='', zhlx='5', sbbm=None, sfbxq='0', form=None,
             xm='', zjhm='', lxfs='', other=None):
        """A person record; t is the record's own time (jrsj for crlx 1, lksj for crlx 2)."""
        if sbbm is None:
            sbbm = rng.choice(person_devices(devs, p))['sbbm']
        form = form or dev_form[sbbm]
        row = dict(ryId=ryId, dabh=dabh, zhlx=zhlx, kmfs=kmfs, kmzt=kmzt, crlx=crlx, sbbm=sbbm,
                   jrsj='', lksj='', sfbxq=sfbxq, ptzcm=p, xm=fake(xm, 'name'), zjhm=fake(zjhm, 'id'),
                   lxfs=fake(lxfs, 'phone'))
        row['jrsj' if crlx == '1' else 'lksj'] = fmt(t, form)
        if other is not None:
            row['lksj' if crlx == '1' else 'jrsj'] = other
        put(persons, t, row)
        return row

    # ---- residents
    for c in COMMS:
        p = c['ptzcm']
        pdevs = person_devices(devs, p)
        for r in residents[p]:
            away = set()
            if rng.random() < 0.15:                        # a trip away for some days
                a = rng.randint(0, 25)
                away = set(range(a, a + rng.randint(2, 6)))
            home_dev = rng.choice(pdevs)
            pref = r['pref']
            if (p, pref) in RESERVED_KMFS:
                pref = '9'
            trips = []
            for d in range(NDAYS):
                if d in away:
                    continue
                off = off_day(d)
                k = r['kind']
                if k == 'worker' and not off and rng.random() < 0.9:
                    trips.append((rand_time(d, 7, 8.75), rand_time(d, 17.5, 20)))
                elif k == 'student' and not off and rng.random() < 0.95:
                    trips.append((rand_time(d, 6.8, 7.5), rand_time(d, 16.5, 18)))
                elif k == 'retiree' and rng.random() < 0.8:
                    a = rand_time(d, 6.5, 9)
                    trips.append((a, a + timedelta(minutes=rng.randint(40, 120))))
                if off and k != 'retiree' and rng.random() < 0.6:
                    a = rand_time(d, 9, 15)
                    trips.append((a, a + timedelta(minutes=rng.randint(60, 300))))
                if rng.random() < (0.35 if k in ('retiree', 'home') else 0.15):
                    a = rand_time(d, 19.3, 20.6)
                    trips.append((a, a + timedelta(minutes=rng.randint(30, 70))))
                if k == 'home' and rng.random() < 0.5:
                    a = rand_time(d, 9.5, 11)
                    trips.append((a, a + timedelta(minutes=rng.randint(30, 90))))
            for out_t, in_t in trips:
                d = day_of(out_t)
                out_t, in_t = clamp(out_t, d), clamp(in_t, d)
                for crlx, t in (('2', out_t), ('1', in_t)):
                    dev = home_dev if rng.random() < 0.7 else rng.choice(pdevs)
                    if crlx == '2':
                        kmfs = rng.choices([pref, '4', '10'], [60, 30, 10])[0]
                    else:
                        kmfs = pref if rng.random() < 0.93 else rng.choice(['1', '9', '7'])
                    if (p, kmfs) in RESERVED_KMFS:
                        kmfs = '9'
                    personal = dev_personal[dev['sbbm']]
                    sfbxq = '1' if rng.random() < 0.95 else ''
                    form = None
                    x = rng.random()
                    if x < 0.004:
                        form = 'iso'
                    elif x < 0.007:
                        form = 'ms'
                        t = t.replace(microsecond=rng.randint(0, 999) * 1000)
                    kw = dict(ryId=r['ryId'], zhlx=r['zhlx'], sbbm=dev['sbbm'], sfbxq=sfbxq, form=form,
                              xm=r['xm'] if personal else '', zjhm=r['zjhm'] if personal else '',
                              lxfs=r['lxfs'] if personal and rng.random() < 0.6 else '')
                    if rng.random() < PFAIL[kmfs]:
                        prow(p, t, crlx, kmfs, kmzt='2', **kw)
                        t = t + timedelta(seconds=rng.randint(3, 25))
                        if rng.random() < 0.3:
                            kmfs = '1' if (p, '1') not in RESERVED_KMFS else '9'
                    prow(p, t, crlx, kmfs, **kw)

    # ---- strangers: couriers (frequent), visitors, passers-by
    for c in COMMS:
        p = c['ptzcm']
        gate_devs = [d for d in person_devices(devs, p) if '门' in d['sbmc'] and '号楼' not in d['sbmc']]
        for i in range(6):                                   # couriers / delivery riders
            dabh = rand_dabh()
            rate = [0.15, 0.25, 0.35, 0.45, 0.3, 0.6][i]
            zhlx = rng.choice(['4', '5', '0'])
            for d in range(NDAYS):
                if rng.random() >= rate:
                    continue
                for _ in range(rng.choice([1, 1, 2])):
                    t = clamp(rand_time(d, 9, 20.5), d)
                    dev = rng.choice(gate_devs)
                    kmfs = rng.choice(['9', '9', '7', '3'])
                    if (p, kmfs) in RESERVED_KMFS:
                        kmfs = '9'
                    if rng.random() < 0.08:
                        prow(p, t, '1', kmfs, kmzt='2', dabh=dabh, zhlx=zhlx, sbbm=dev['sbbm'])
                        t += timedelta(seconds=rng.randint(5, 40))
                    prow(p, t, '1', kmfs, dabh=dabh, zhlx=zhlx, sbbm=dev['sbbm'])
                    if rng.random() < 0.85:
                        t2 = clamp(t + timedelta(minutes=rng.randint(3, 15)), d)
                        prow(p, t2, '2', rng.choice(['9', '4']), dabh=dabh, zhlx=zhlx, sbbm=dev['sbbm'])
        for i in range(55):                                  # visitors, some registered with name/phone
            dabh = rand_dabh()
            reg = rng.random() < 0.4
            xm = POOLS.name() if reg else ''
            lxfs = POOLS.phone() if reg else ''
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
                d = rng.randint(0, NDAYS - 1)
                t = clamp(rand_time(d, 8, 21), d)
                dev = rng.choice(gate_devs)
                kmfs = rng.choice(['7', '7', '9', '3']) if (p, '3') not in RESERVED_KMFS else rng.choice(['7', '9'])
                if (p, kmfs) in RESERVED_KMFS:
                    kmfs = '9'
                personal = dev_personal[dev['sbbm']]
                prow(p, t, '1', kmfs, dabh=dabh, zhlx='4', sbbm=dev['sbbm'],
                     xm=xm if personal else '', lxfs=lxfs if personal else '')
                t2 = clamp(t + timedelta(minutes=rng.randint(20, 180)), d)
                prow(p, t2, '2', rng.choice(['4', '9', '10']), dabh=dabh, zhlx='4', sbbm=dev['sbbm'],
                     xm=xm if personal else '', lxfs=lxfs if personal else '')
        for i in range(70):                                  # passers-by refused at the face gate
            dabh = rand_dabh()
            d = rng.randint(0, NDAYS - 1)
            t = clamp(rand_time(d, 7, 22), d)
            dev = rng.choice(gate_devs)
            ok = rng.random() < 0.6
            prow(p, t, '1', '9', kmzt='1' if ok else '2', dabh=dabh, zhlx=rng.choice(['5', '0', '9']),
                 sbbm=dev['sbbm'])
            if ok:
                prow(p, clamp(t + timedelta(minutes=rng.randint(5, 60)), d), '2', '9', dabh=dabh, zhlx='5',
                     sbbm=dev['sbbm'])

    # ---- planted: suspected residents (as_of 2026-05-31 20:00:00, threshold 10)
    PL = []   # planted_cases rows

    def case(name, report, key, column, expected, note=''):
        PL.append([name, report, key, column, str(expected), note])

    def face_dev(p, i=0):
        ds = [d for d in person_devices(devs, p) if d['sblx'] == '5']
        return ds[i % len(ds)]['sbbm']

    def ent(p, dabh, t, form='std', kmzt='1', sfbxq='0', crlx='1', kmfs='9'):
        return prow(p, t, crlx, kmfs, kmzt=kmzt, dabh=dabh, zhlx='5', sbbm=face_dev(p), sfbxq=sfbxq, form=form)

    def listed(name, p, dabh, n, first, last, days, note=''):
        k = p + '/' + dabh
        case(name, 'suspected_residents', k, 'row', 'present', note)
        case(name, 'suspected_residents', k, 'entries_30d', n)
        case(name, 'suspected_residents', k, 'first_seen', first)
        case(name, 'suspected_residents', k, 'last_seen', last)
        case(name, 'suspected_residents', k, 'days_30d', days)

    def absent(name, p, dabh, note):
        case(name, 'suspected_residents', p + '/' + dabh, 'row', 'absent', note)

    d_ = hexid('P_R10')
    for i, day in enumerate(range(3, 22, 2)):
        ent(HP, d_, T(day, 19, day))
        ent(HP, d_, T(day, 20, day), crlx='2', kmfs='4')
    listed('resident_10_entries', HP, d_, 10, '2026-05-03 19:03:00', '2026-05-21 19:21:00', 10,
           'exactly the threshold: listed')
    d_ = hexid('P_R9')
    for day in range(4, 21, 2):
        ent(HP, d_, T(day, 8, day))
    absent('resident_9_entries', HP, d_, '9 entries < 10')
    d_ = hexid('P_R11')
    ent(HX, d_, T(2, 6, 30), crlx='2', kmfs='4')
    ent(HX, d_, T(2, 7, 0), kmzt='2')
    sched11 = [T(2, 7, 0, 15), T(2, 18, 0), T(6, 7, 10), T(6, 18, 10), T(10, 7, 20), T(14, 7, 30), T(14, 18, 30),
               T(18, 7, 40), T(22, 7, 50), T(26, 8, 0), T(30, 8, 10)]
    for i, t in enumerate(sched11):
        ent(HX, d_, t, form='dev' if i % 3 == 1 else 'std')
    listed('resident_11_entries', HX, d_, 11, '2026-05-02 07:00:15', '2026-05-30 08:10:00', 8,
           'first_seen is the first successful entry, not the earlier exit (06:30) or failure (07:00:00)')
    d_ = hexid('P_EDGE')
    ent(NK, d_, T(1, 20, 0, 0), form='dev')
    ent(NK, d_, T(1, 20, 0, 1))
    for day in range(4, 29, 3):
        ent(NK, d_, T(day, 12, 0))
    listed('resident_window_edge', NK, d_, 10, '2026-05-01 20:00:00', '2026-05-28 12:00:00', 10,
           '20260501200000 = as_of - 30 d is out of the window (still first_seen); 2026-05-01 20:00:01 is in')
    d_ = hexid('P_AT')
    for day in range(23, 32):
        ent(NK, d_, T(day, 9, 0))
    ent(NK, d_, T(31, 20, 0), form='iso')
    ent(NK, d_, T(31, 21, 0))
    listed('resident_at_as_of', NK, d_, 10, '2026-05-23 09:00:00', '2026-05-31 20:00:00', 9,
           '2026-05-31T20:00:00+08:00 = as_of is in; 2026-05-31 21:00:00 is after as_of: not counted, not last_seen')
    d_ = hexid('P_LATE')
    for i in range(10):
        ent(HP, d_, T(31, 20, 0, 1) if i == 0 else T(31, 20, 0) + timedelta(minutes=20 * i))
    absent('resident_only_after_as_of', HP, d_, '10 entries 2026-05-31 20:00:01 .. 23:00:00, all after as_of')
    d_ = hexid('P_FAIL')
    for day in range(5, 17):
        ent(HB, d_, T(day, 10, 0), kmzt='2')
    absent('resident_all_failures', HB, d_, '12 entries, all kmzt 2')
    d_ = hexid('P_LOCAL')
    for day in range(5, 17):
        ent(HB, d_, T(day, 11, 0), sfbxq='1')
    absent('resident_sfbxq_1', HB, d_, '12 entries with sfbxq 1 (dabh set, ryId empty)')
    d_ = hexid('P_EMPTYSF')
    for day in range(5, 15):
        ent(HB, d_, T(day, 12, 0), sfbxq='' if day == 9 else '0')
    absent('resident_sfbxq_empty', HB, d_, '10 entries, the one of 05-09 has sfbxq empty: 9 candidates')
    d_ = hexid('P_DUP')
    for day in range(6, 15):
        r = ent(HP, d_, T(day, 15, 0))
        if day == 10:
            put(persons, T(day, 15, 0), dict(r))              # the same line again (consecutive)
    listed('resident_duplicate_line', HP, d_, 10, '2026-05-06 15:00:00', '2026-05-14 15:00:00', 9,
           '9 distinct entries + the 05-10 line written twice: no de-duplication')
    d_ = hexid('P_DUO')
    for day in range(2, 9):
        ent(HP, d_, T(day, 16, 0))
    for day in range(9, 16):
        ent(HX, d_, T(day, 16, 0))
    absent('resident_two_communities_7_7', HP, d_, '7 here + 7 in TJHX0001: counted per community')
    absent('resident_two_communities_7_7', HX, d_, '7 here + 7 in TJHP0001: counted per community')
    d_ = hexid('P_DUO2')
    for day in range(2, 14):
        ent(HX, d_, T(day, 17, 0))
    for day in range(14, 24):
        ent(NK, d_, T(day, 17, 0))
    listed('resident_two_communities_12_10', HX, d_, 12, '2026-05-02 17:00:00', '2026-05-13 17:00:00', 12)
    listed('resident_two_communities_12_10', NK, d_, 10, '2026-05-14 17:00:00', '2026-05-23 17:00:00', 10)
    d_ = hexid('P_EXITS')
    for day in range(3, 12):
        ent(HX, d_, T(day, 14, 0))
    for day in range(3, 9):
        ent(HX, d_, T(day, 14, 30), crlx='2', kmfs='4')
    absent('resident_exits_not_entries', HX, d_, '9 entries + 6 exits')
    d_ = hexid('P_TZ')
    ent(NK, d_, T(10, 23, 0))
    ent(NK, d_, T(11, 0, 30), form='Z')                      # 2026-05-10T16:30:00Z
    for day in range(12, 20):
        ent(NK, d_, T(day, 13, 0), form='dev')
    listed('resident_utc_time', NK, d_, 10, '2026-05-10 23:00:00', '2026-05-19 13:00:00', 10,
           '2026-05-10T16:30:00Z is 2026-05-11 00:30 in Beijing: a day of its own')

    # ---- planted: access_methods groups
    k8 = [r for r in residents[NK]][:3]
    for i in range(32):
        r = k8[i % 3]
        d = 2 + i
        t = T(1 + (d % 30), 7 + (i % 12), 5 + i)
        crlx = '1' if i % 2 else '2'
        prow(NK, t, crlx, '8', kmzt='2' if i == 17 else '1', ryId=r['ryId'], zhlx=r['zhlx'],
             sbbm=person_devices(devs, NK)[i % 5]['sbbm'], sfbxq='1')
    case('kmfs_half_up', 'access_methods', NK + '/8', 'opens', 32)
    case('kmfs_half_up', 'access_methods', NK + '/8', 'failures', 1)
    case('kmfs_half_up', 'access_methods', NK + '/8', 'failure_rate', '0.0313', '1/32 = 0.03125, half up')
    case('kmfs_half_up', 'access_methods', NK + '/8', 'kmfs_name', '动态密码开门')
    r = residents[HB][4]
    for i, t in enumerate((T(7, 9, 12), T(19, 14, 40))):
        prow(HB, t, '1', '99', kmzt='2', ryId=r['ryId'], zhlx=r['zhlx'], sfbxq='1')
    case('kmfs_all_failed', 'access_methods', HB + '/99', 'opens', 2)
    case('kmfs_all_failed', 'access_methods', HB + '/99', 'failures', 2)
    case('kmfs_all_failed', 'access_methods', HB + '/99', 'failure_rate', '1.0000')
    case('kmfs_all_failed', 'access_methods', HB + '/99', 'kmfs_name', '其他')
    r = residents[HX][7]
    for t, crlx, kz in ((T(8, 8, 1), '2', '1'), (T(8, 18, 2), '1', '1'), (T(9, 8, 3), '2', '2'),
                        (T(9, 8, 4), '2', '1')):
        prow(HX, t, crlx, '5', kmzt=kz, ryId=r['ryId'], zhlx=r['zhlx'], sfbxq='1')
    case('kmfs_both_directions', 'access_methods', HX + '/5', 'opens', 4, '2 exits, 1 failed exit, 1 entry')
    case('kmfs_both_directions', 'access_methods', HX + '/5', 'failure_rate', '0.2500')
    for i in range(7):
        d_ = rand_dabh()
        prow(HP, T(3 + 4 * i, 10, 30), '1', '3', dabh=d_, zhlx='4')
    case('kmfs_no_failures', 'access_methods', HP + '/3', 'opens', 7)
    case('kmfs_no_failures', 'access_methods', HP + '/3', 'failures', 0)
    case('kmfs_no_failures', 'access_methods', HP + '/3', 'failure_rate', '0.0000')
    case('kmfs_no_failures', 'access_methods', HP + '/3', 'kmfs_name', '远程开门')

    # ---- planted: the night of 05-12 at TJHP0001 and the Z entry at TJNK0001
    rn = residents[HP][0]
    kwn = dict(ryId=rn['ryId'], zhlx=rn['zhlx'], sfbxq='1', sbbm=face_dev(HP, 1))
    prow(HP, T(12, 3, 10, 0), '1', '9', kmzt='2', **kwn)
    prow(HP, T(12, 3, 10, 20), '1', '9', **kwn)
    prow(HP, T(12, 4, 5, 0), '2', '4', other='2026-05-12 03:50:00', **kwn)

    # ---- vehicles
    def plate(prov=None, new_energy=False):
        prov = prov or rng.choices(['津', '京', '冀', '鲁', '晋', '辽'], [80, 8, 7, 2, 2, 1])[0]
        letter = rng.choice('ABCDEFGHJKLMNQR')
        if new_energy:
            return prov + letter + rng.choice('DF') + '%05d' % rng.randint(0, 99999)
        tail = ['%d' % rng.randint(0, 9) for _ in range(5)]
        if rng.random() < 0.3:
            tail[rng.randint(0, 3)] = rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')
        return prov + letter + ''.join(tail)

    used_plates = set()
    planted_plates = ['冀D52810', '冀D52809', '津C66011', '鲁B71220', '京N30410', '京N30499', '冀E44812',
                      '津H20512', '冀A88812', '津B10045', '津B99945', '津E31907', '津AD03321', '津A123',
                      '津A88888', '津M06620', '津M06621', '津K30001']
    for pp in planted_plates:
        used_plates.add(pp)

    def new_plate(prov=None, new_energy=False):
        while True:
            v = plate(prov, new_energy)
            if v not in used_plates:
                used_plates.add(v)
                return v

    def gate(p, kind):
        ds = [d for d in devs[p] if d['sblx'] in ('3', '1') and d['syzt'] == '10']
        ins = [d for d in ds if '入口' in d['sbmc'] or d['sblx'] == '1']
        outs = [d for d in ds if '出口' in d['sbmc'] or d['sblx'] == '1']
        return rng.choice(ins if kind == '1' else outs)['sbbm']

    def vrow(p, t, crlx, cphm, txqk='1', sfbxq='0', tclx='1', sbbm=None, form=None, clpp='', cllx='1',
             czxm='', czsfzhm='', czlxfs='', other=None):
        sbbm = sbbm or gate(p, crlx)
        form = form or dev_form[sbbm]
        row = dict(cphm=fake(cphm, 'plate'), tclx=tclx, crlx=crlx, sbbm=sbbm, jrsj='', lksj='', txqk=txqk,
                   sfbxq=sfbxq, ptzcm=p, clpp=clpp, cllx=cllx, czxm=fake(czxm, 'name'),
                   czsfzhm=fake(czsfzhm, 'id'), czlxfs=fake(czlxfs, 'phone'))
        row['jrsj' if crlx == '1' else 'lksj'] = fmt(t, form)
        if other is not None:
            row['lksj' if crlx == '1' else 'jrsj'] = other
        put(vehicles, t, row)
        return row

    for c in COMMS:
        p = c['ptzcm']
        cars = []
        owners = [r for r in residents[p] if r['zhlx'] in ('1', '2')]
        rng.shuffle(owners)
        for i in range(26):
            o = owners[i]
            cars.append(dict(cphm=new_plate('津' if rng.random() < 0.85 else None, new_energy=rng.random() < 0.15),
                             clpp=rng.choice(['%d' % k for k in range(0, 29)] + ['-1']),
                             cllx=rng.choices(['1', '2', '99', '14'], [90, 3, 4, 3])[0], owner=o,
                             commute=rng.random() < 0.65))
        for car in cars:
            last_in = None
            for d in range(NDAYS):
                trips = []
                if car['commute'] and not off_day(d) and rng.random() < 0.85:
                    trips.append((rand_time(d, 7, 8.75), rand_time(d, 17.5, 20.5)))
                elif rng.random() < 0.35:
                    a = rand_time(d, 9, 16)
                    trips.append((a, a + timedelta(minutes=rng.randint(40, 240))))
                for out_t, in_t in trips:
                    out_t, in_t = clamp(out_t, d), clamp(in_t, d)
                    o = car['owner']
                    kw = dict(sfbxq='1', tclx=rng.choice(['2', '2', '2', '0', '']), clpp=car['clpp'],
                              cllx=car['cllx'], czxm=o['xm'], czsfzhm=o['zjhm'],
                              czlxfs=o['lxfs'] if rng.random() < 0.5 else '')
                    for crlx, t in (('2', out_t), ('1', in_t)):
                        sb = gate(p, crlx)
                        if not dev_personal[sb]:
                            kw2 = dict(kw, czxm='', czsfzhm='', czlxfs='')
                        else:
                            kw2 = kw
                        x = rng.random()
                        form = 'iso' if x < 0.01 else None
                        if rng.random() < 0.025:
                            vrow(p, t, crlx, car['cphm'], txqk='0', sbbm=sb, form=form, **kw2)
                            t += timedelta(seconds=rng.randint(4, 30))
                        other = None
                        if crlx == '2' and last_in is not None and rng.random() < 0.5:
                            other = fmt(last_in, 'std')
                        vrow(p, t, crlx, car['cphm'], sbbm=sb, form=form, other=other, **kw2)
                        if crlx == '1':
                            last_in = t
        # visitors: taxis, deliveries, guests; a few regular vans
        for i in range(85):
            cp = new_plate(new_energy=rng.random() < 0.1)
            regular = i < 3
            n = rng.randint(10, 22) if regular else rng.choice([1, 1, 1, 2, 2, 3])
            days = sorted(rng.sample(range(NDAYS), n))
            clpp = rng.choice(['0', '%d' % rng.randint(1, 28), '-1', ''])
            cllx = rng.choices(['1', '2', '0', '99', ''], [70, 10, 8, 5, 7])[0]
            for d in days:
                t = clamp(rand_time(d, 8, 21), d)
                if rng.random() < 0.03:
                    vrow(p, t, '1', cp, txqk='0', clpp=clpp, cllx=cllx)
                    t += timedelta(seconds=rng.randint(4, 30))
                vrow(p, t, '1', cp, clpp=clpp, cllx=cllx, tclx=rng.choice(['1', '1', '0']))
                t2 = clamp(t + timedelta(minutes=rng.randint(10, 150)), d)
                vrow(p, t2, '2', cp, clpp=clpp, cllx=cllx, tclx='1', other=fmt(t, 'std') if rng.random() < 0.5 else None)

    # ---- planted: suspected vehicles
    def ven(p, cp, t, form='std', txqk='1', sfbxq='0', crlx='1'):
        return vrow(p, t, crlx, cp, txqk=txqk, sfbxq=sfbxq, tclx='1', sbbm=gate(p, crlx), form=form,
                    clpp='0', cllx='1')

    def vlisted(name, p, cp, masked, n, first, last, days, note=''):
        k = p + '/' + masked + '/' + first     # no clear plate in expected/
        case(name, 'suspected_vehicles', k, 'row', 'present', note)
        case(name, 'suspected_vehicles', k, 'entries_30d', n)
        case(name, 'suspected_vehicles', k, 'first_seen', first)
        case(name, 'suspected_vehicles', k, 'last_seen', last)
        case(name, 'suspected_vehicles', k, 'days_30d', days)

    def vabsent(name, p, cp, masked, note):
        case(name, 'suspected_vehicles', p + '/' + masked, 'row', 'absent', note + ' (no row with this masked plate)')

    for day in range(3, 22, 2):
        ven(HP, '冀D52810', T(day, 18, day))
    vlisted('vehicle_10_entries', HP, '冀D52810', '冀D***10', 10, '2026-05-03 18:03:00', '2026-05-21 18:21:00', 10)
    for day in range(4, 21, 2):
        ven(HP, '冀D52809', T(day, 8, day))
    vabsent('vehicle_9_entries', HP, '冀D52809', '冀D***09', '9 entries')
    ven(HX, '津C66011', T(2, 6, 30), crlx='2')
    ven(HX, '津C66011', T(2, 7, 0), txqk='0')
    for i, t in enumerate(sched11):
        ven(HX, '津C66011', t, form='dev' if i % 3 == 1 else 'std')
    vlisted('vehicle_11_entries', HX, '津C66011', '津C***11', 11, '2026-05-02 07:00:15', '2026-05-30 08:10:00', 8,
            'the exit at 06:30 and the failed entry (txqk 0) at 07:00:00 are not first_seen')
    ven(NK, '鲁B71220', T(1, 20, 0, 0), form='dev')
    ven(NK, '鲁B71220', T(1, 20, 0, 1))
    for day in range(4, 29, 3):
        ven(NK, '鲁B71220', T(day, 12, 0))
    vlisted('vehicle_window_edge', NK, '鲁B71220', '鲁B***20', 10, '2026-05-01 20:00:00', '2026-05-28 12:00:00', 10,
            '20260501200000 out of the window (still first_seen), 2026-05-01 20:00:01 in')
    for day in range(23, 32):
        ven(NK, '京N30410', T(day, 9, 0))
    ven(NK, '京N30410', T(31, 20, 0), form='iso')
    ven(NK, '京N30410', T(31, 21, 0))
    vlisted('vehicle_at_as_of', NK, '京N30410', '京N***10', 10, '2026-05-23 09:00:00', '2026-05-31 20:00:00', 9,
            'entry at as_of counted; 21:00 not')
    for i in range(10):
        ven(HP, '京N30499', T(31, 20, 0, 1) if i == 0 else T(31, 20, 0) + timedelta(minutes=20 * i))
    vabsent('vehicle_only_after_as_of', HP, '京N30499', '京N***99', '10 entries after as_of')
    for day in range(5, 17):
        ven(HB, '冀E44812', T(day, 10, 0), txqk='0')
    vabsent('vehicle_all_failures', HB, '冀E44812', '冀E***12', '12 entries, all txqk 0')
    for day in range(5, 17):
        ven(HB, '津H20512', T(day, 11, 0), sfbxq='1')
    vabsent('vehicle_sfbxq_1', HB, '津H20512', '津H***12', '12 entries with sfbxq 1')
    for day in range(2, 14):
        ven(HX, '冀A88812', T(day, 17, 0))
    for day in range(14, 24):
        ven(NK, '冀A88812', T(day, 17, 0))
    vlisted('vehicle_two_communities', HX, '冀A88812', '冀A***12', 12, '2026-05-02 17:00:00', '2026-05-13 17:00:00', 12,
            'same clear plate as in TJNK0001: same vehicle_id')
    vlisted('vehicle_two_communities', NK, '冀A88812', '冀A***12', 10, '2026-05-14 17:00:00', '2026-05-23 17:00:00', 10,
            'same clear plate as in TJHX0001: same vehicle_id')
    for day in range(3, 14):
        ven(HX, '津B10045', T(day, 10, 0))
    for day in range(14, 25):
        ven(HX, '津B99945', T(day, 10, 30))
    vlisted('vehicle_masks_alike', HX, '津B10045', '津B***45', 11, '2026-05-03 10:00:00', '2026-05-13 10:00:00', 11,
            'masks like the next one: two rows, two vehicle_ids, a tie in the sort')
    vlisted('vehicle_masks_alike', HX, '津B99945', '津B***45', 11, '2026-05-14 10:30:00', '2026-05-24 10:30:00', 11,
            'masks like the previous one')
    for day in range(6, 15):
        r = ven(HB, '津E31907', T(day, 15, 0))
        if day == 10:
            put(vehicles, T(day, 15, 0), dict(r))
    vlisted('vehicle_duplicate_line', HB, '津E31907', '津E***07', 10, '2026-05-06 15:00:00', '2026-05-14 15:00:00', 9,
            'the 05-10 line written twice')
    for day in range(15, 25):
        ven(HB, '津AD03321', T(day, 8, 30))
    vlisted('vehicle_new_energy_plate', HB, '津AD03321', '津A***21', 10, '2026-05-15 08:30:00', '2026-05-24 08:30:00', 10,
            '8 characters: first two + *** + last two')
    for day in range(20, 30):
        ven(HB, '津A123', T(day, 9, 15))
    vlisted('vehicle_5_char_plate', HB, '津A123', '津A***23', 10, '2026-05-20 09:15:00', '2026-05-29 09:15:00', 10,
            '5 characters is the shortest valid plate')

    # night of 05-12 at TJHP0001 (vehicles) and the last event of the month
    car = dict(sfbxq='1', tclx='2', clpp='5', cllx='1')
    vrow(HP, T(12, 3, 40, 0), '1', '津M06620', txqk='0', **car)
    vrow(HP, T(12, 3, 40, 30), '1', '津M06620', **car)
    vrow(HP, T(12, 5, 10, 0), '2', '津M06620', txqk='0', **car)
    vrow(HB, T(31, 22, 10, 0), '1', '津M06621', other='2026-06-01 07:30:00', **car)
    vrow(HB, T(31, 23, 59, 30), '2', '津K30001', other='2026-05-31 21:15:00', **car)

    case('night_hour_3', 'community_footfall', HP + '/2026-05-12/3', 'persons_in', 1,
         'a failed entry 03:10:00 then a successful one 03:10:20')
    case('night_hour_3', 'community_footfall', HP + '/2026-05-12/3', 'persons_out', 0,
         'the exit with jrsj 03:50 counts by its lksj 04:05')
    case('night_hour_3', 'community_footfall', HP + '/2026-05-12/3', 'vehicles_in', 1, 'txqk 0 at 03:40:00, txqk 1 at 03:40:30')
    case('night_hour_3', 'community_footfall', HP + '/2026-05-12/3', 'vehicles_out', 0)
    case('night_hour_4', 'community_footfall', HP + '/2026-05-12/4', 'persons_in', 0)
    case('night_hour_4', 'community_footfall', HP + '/2026-05-12/4', 'persons_out', 1, 'by lksj 04:05:00')
    case('night_hour_4', 'community_footfall', HP + '/2026-05-12/4', 'vehicles_in', 0)
    case('night_hour_5', 'community_footfall', HP + '/2026-05-12/5', 'row', 'absent', 'only a failed vehicle exit (txqk 0)')
    case('night_hour_2', 'community_footfall', HP + '/2026-05-12/2', 'row', 'absent', 'no record')
    case('utc_midnight', 'community_footfall', NK + '/2026-05-11/0', 'persons_in', 1,
         '2026-05-10T16:30:00Z = 05-11 00:30 Beijing')
    case('utc_midnight', 'community_footfall', NK + '/2026-05-11/0', 'persons_out', 0)
    case('default_as_of', 'load', 'as_of', 'default', '2026-05-31 23:59:30',
         'latest event time of a loaded record: the vehicle exit lksj 23:59:30; not the lksj 2026-06-01 07:30 of an '
         'entry (unused), not the rejected rows dated 2026-06-01')
    case('default_as_of', 'suspected_residents@default', HP + '/' + hexid('P_LATE'), 'entries_30d', 10,
         'with the default as_of (23:59:30) the late entries count')
    case('default_as_of', 'suspected_residents@default', NK + '/' + hexid('P_EDGE'), 'row', 'absent',
         'with the default as_of the window starts 2026-05-01 23:59:30: 9 entries')

    # ---- planted rejects in person_access and vehicle_access
    P_HEAD = ['ryId', 'dabh', 'zhlx', 'kmfs', 'kmzt', 'crlx', 'sbbm', 'jrsj', 'lksj', 'sfbxq', 'ptzcm', 'xm', 'zjhm',
              'lxfs']
    V_HEAD = ['cphm', 'tclx', 'crlx', 'sbbm', 'jrsj', 'lksj', 'txqk', 'sfbxq', 'ptzcm', 'clpp', 'cllx', 'czxm',
              'czsfzhm', 'czlxfs']
    p_rej = []      # (time, seq, row, field, note)
    v_rej = []

    def prej(field, note, t, changes, raw=None, base_res=None):
        r = base_res or rng.choice(residents[rng.choice([HP, HX, NK, HB])])
        p = r['ryId'][:8]
        row = dict(ryId=r['ryId'], dabh='', zhlx=r['zhlx'], kmfs='9', kmzt='1', crlx='1',
                   sbbm=rng.choice(person_devices(devs, p))['sbbm'], jrsj=fmt(t, 'std'), lksj='', sfbxq='1',
                   ptzcm=p, xm=fake(r['xm'], 'name'), zjhm=fake(r['zjhm'], 'id'), lxfs=fake(r['lxfs'], 'phone'))
        row.update(changes)
        seq[0] += 1
        if raw is not None:
            row = raw(row)
        p_rej.append((t, seq[0], row, field, note))

    prej('zhlx', 'zhlx 6 (not in C.7)', T(4, 9, 12), dict(zhlx='6'))
    prej('zhlx', 'zhlx empty (required)', T(6, 18, 2), dict(zhlx=''))
    prej('kmfs', 'kmfs 11 (not in C.11)', T(8, 7, 40), dict(kmfs='11'))
    prej('kmfs', 'a fake name in kmfs', T(9, 19, 5), dict(kmfs='测试王五'))
    prej('kmzt', 'kmzt 0 (not in C.12)', T(11, 8, 3), dict(kmzt='0'))
    prej('kmzt', 'a fake phone in kmzt', T(13, 17, 55), dict(kmzt='13800138000'))
    prej('crlx', 'crlx 3 (not in C.6); jrsj and lksj both valid', T(15, 12, 30),
         dict(crlx='3', lksj='2026-05-15 12:45:00'))
    prej('sfbxq', 'sfbxq 2 (not in C.4)', T(16, 20, 11), dict(sfbxq='2'))
    prej('ptzcm', 'unknown ptzcm TJHP0009, dated 2026-06-01 (must not move the default as_of)',
         datetime(2026, 6, 1, 0, 10), dict(ptzcm='TJHP0009', jrsj='2026-06-01 00:10:00'))
    prej('ptzcm', 'a fake phone in ptzcm', T(18, 9, 9), dict(ptzcm='13900139000'))
    prej('jrsj', 'jrsj 2026-05-32 08:15:00 (no such day)', T(20, 8, 15), dict(jrsj='2026-05-32 08:15:00'))
    prej('jrsj', 'a fake ID number in jrsj', T(21, 7, 1), dict(jrsj='11010119900101123X'))
    prej('lksj', 'lksj 2026/05/22 18:30:00 (not a time form)', T(22, 18, 30),
         dict(crlx='2', jrsj='', lksj='2026/05/22 18:30:00'))
    prej('jrsj', 'crlx 1 without jrsj', T(23, 19, 0), dict(jrsj='', lksj='2026-05-23 19:00:00'))
    prej('lksj', 'crlx 2 without lksj', T(24, 7, 45), dict(crlx='2', jrsj='2026-05-24 07:45:00'))
    prej('dabh', 'ryId and dabh both empty', T(25, 16, 20), dict(ryId='', dabh=''))
    prej('', '15 fields (a stray trailing comma)', T(26, 18, 44), {},
         raw=lambda row: [row[h] for h in P_HEAD] + [''])
    prej('', '13 fields (lxfs missing)', T(27, 8, 8), {}, raw=lambda row: [row[h] for h in P_HEAD[:13]])
    for v, kind in (('测试王五', 'name'), ('13800138000', 'phone'), ('13900139000', 'phone'),
                    ('11010119900101123X', 'id')):
        fake(v, kind)           # the personal values put into checked fields above

    def vrej(field, note, t, changes, raw=None):
        p = rng.choice([HP, HX, NK, HB])
        o = rng.choice([r for r in residents[p] if r['zhlx'] in ('1', '2')])
        row = dict(cphm=new_plate('津'), tclx='2', crlx='1', sbbm=gate(p, '1'), jrsj=fmt(t, 'std'), lksj='',
                   txqk='1', sfbxq='1', ptzcm=p, clpp='3', cllx='1', czxm=o['xm'], czsfzhm=o['zjhm'],
                   czlxfs=o['lxfs'])
        row.update(changes)
        for k, kind in (('cphm', 'plate'), ('czxm', 'name'), ('czsfzhm', 'id'), ('czlxfs', 'phone')):
            fake(row[k], kind)
        seq[0] += 1
        if raw is not None:
            row = raw(row)
        v_rej.append((t, seq[0], row, field, note))

    vrej('tclx', 'tclx 3 (not in C.5)', T(3, 8, 20), dict(tclx='3'))
    vrej('tclx', 'a fake name in tclx', T(5, 18, 40), dict(tclx='测试赵六'))
    vrej('crlx', 'crlx 0 (not in C.6); jrsj and lksj both valid', T(7, 7, 50), dict(crlx='0', lksj='2026-05-07 09:20:00'))
    vrej('txqk', 'txqk 2', T(9, 8, 10), dict(txqk='2'))
    vrej('txqk', 'a fake phone in txqk', T(11, 19, 25), dict(txqk='13900139000'))
    vrej('sfbxq', 'sfbxq 9 (not in C.4)', T(12, 17, 33), dict(sfbxq='9'))
    vrej('clpp', 'clpp 29 (not in C.1)', T(14, 9, 2), dict(clpp='29'))
    vrej('cllx', 'cllx 7 (not in C.2)', T(16, 8, 48), dict(cllx='7'))
    vrej('cllx', 'a clear plate in cllx', T(17, 18, 6), dict(cllx='津A88888'))
    vrej('ptzcm', 'unknown ptzcm TJXQ0001, dated 2026-06-01', datetime(2026, 6, 1, 0, 30),
         dict(ptzcm='TJXQ0001', jrsj='2026-06-01 00:30:00'))
    vrej('jrsj', 'jrsj 2026-05-19 25:10:00 (no such hour)', T(19, 23, 10), dict(jrsj='2026-05-19 25:10:00'))
    vrej('lksj', 'a fake ID number in lksj', T(20, 7, 30), dict(crlx='2', jrsj='', lksj=POOLS.idno()))
    vrej('jrsj', 'crlx 1 without jrsj', T(21, 18, 50), dict(jrsj='', lksj='2026-05-21 18:50:00'))
    vrej('lksj', 'crlx 2 without lksj', T(22, 8, 5), dict(crlx='2', jrsj='2026-05-21 18:00:00'))
    vrej('cphm', 'plate of 4 characters', T(24, 12, 12), dict(cphm='津A12'))
    vrej('cphm', 'plate with a space', T(26, 13, 13), dict(cphm='津A 12345'))
    vrej('cphm', 'plate empty', T(27, 14, 14), dict(cphm=''))
    vrej('sbbm', 'sbbm empty (required for vehicles)', T(28, 15, 15), dict(sbbm=''))
    vrej('', '13 fields', T(29, 9, 40), {}, raw=lambda row: [row[h] for h in V_HEAD[:13]])
    # the personal values put into checked fields above
    for t, s_, row, f, note in v_rej:
        if isinstance(row, dict) and f == 'lksj' and row['lksj'].startswith('110101'):
            fake(row['lksj'], 'id')
    for v, kind in (('测试赵六', 'name'), ('13900139000', 'phone'), ('津A88888', 'plate')):
        fake(v, kind)

    # ---- write the access files (chronological by the record's own time; rejects among them)
    def write_access(name, head, rows, rejs, bom):
        allrows = [(t, s, r, None, None) for t, s, r in rows] + list(rejs)
        allrows.sort(key=lambda x: (x[0], x[1]))
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator='\n')
        w.writerow(head)
        rej_lines = []
        for i, (t, s, r, field, note) in enumerate(allrows):
            w.writerow(r if isinstance(r, list) else [r[h] for h in head])
            if field is not None:
                rej_lines.append((PREFIX + name, i + 2, field, note))
        data = buf.getvalue().encode('utf-8')
        with open(os.path.join(OUT, name), 'wb') as fh:
            fh.write((b'\xef\xbb\xbf' if bom else b'') + data)
        return rej_lines, len(allrows)

    # P_DUP / VDUP: the duplicate must be the very next line -> same time; seq keeps them adjacent
    r_p, n_p = write_access('person_access.csv', P_HEAD, persons, p_rej, True)
    r_v, n_v = write_access('vehicle_access.csv', V_HEAD, vehicles, v_rej, False)

    # ---- communities
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n')
    w.writerow(['ptzcm', 'xqmc', 'admin_code', 'lon', 'lat'])
    for c in COMMS:
        w.writerow([c['ptzcm'], c['xqmc'], c['admin'], '%.6f' % c['lon'], '%.6f' % c['lat']])
    w.writerow([HP, '云南路小区二期', '120101', '117.199130', '39.113960'])   # listed twice: reject
    with open(os.path.join(OUT, 'communities.csv'), 'wb') as fh:
        fh.write(buf.getvalue().encode('utf-8'))
    r_c = [(PREFIX + 'communities.csv', 6, 'ptzcm', 'TJHP0001 listed again (the first row stands)')]

    # ---- devices (GBK, CRLF) with planted rejects
    dev_rows = []
    for c in COMMS:
        lst = list(devs[c['ptzcm']])
        rng.shuffle(lst)
        dev_rows.extend(lst)
    hp_mj = [d for d in devs[HP] if d['sblx'] == '4' and d['zxzt'] == '1'][3]
    planted_dev = [
        ('sblx', 'sblx 7 (not in C.16)', dict(sbbm='TJ120104700901', sbmc='西门人行闸机', sblx='7', zxzt='1',
                                                syzt='10', sbjd='117.161200', sbwd='39.089900', ptzcm=NK)),
        ('zxzt', 'zxzt 0 (not in C.17)', dict(sbbm='TJ120105200902', sbmc='3号楼楼道摄像头', sblx='2', zxzt='0',
                                                syzt='10', sbjd='117.204900', sbwd='39.158200', ptzcm=HB)),
        ('syzt', 'syzt 60 (not in C.3)', dict(sbbm='TJ120103600903', sbmc='南门人脸抓拍机3', sblx='6', zxzt='1',
                                                syzt='60', sbjd='117.213100', sbwd='39.098800', ptzcm=HX)),
        ('sbbm', 'sbbm %s listed again (zxzt 3): the first row stands' % hp_mj['sbbm'],
         dict(hp_mj, sbmc=hp_mj['sbmc'] + '(新)', zxzt='3')),
        ('ptzcm', 'ptzcm TJHX0002 not in communities', dict(sbbm='TJ120103200905', sbmc='东门摄像头', sblx='2',
                                                              zxzt='1', syzt='10', sbjd='117.220000',
                                                              sbwd='39.101000', ptzcm='TJHX0002')),
        ('sbwd', 'sbjd without sbwd', dict(sbbm='TJ120101200906', sbmc='中心广场摄像头2', sblx='2', zxzt='1',
                                            syzt='10', sbjd='117.198800', sbwd='', ptzcm=HP)),
    ]
    first_hp_idx = dev_rows.index(hp_mj)
    positions = sorted(rng.sample(range(first_hp_idx + 20, len(dev_rows)), len(planted_dev)))
    for (field, note, row), pos in sorted(zip(planted_dev, positions), key=lambda x: -x[1]):
        dev_rows.insert(pos, dict(row, _rej=(field, note)))
    D_HEAD = ['sbbm', 'sbmc', 'sblx', 'zxzt', 'syzt', 'sbjd', 'sbwd', 'ptzcm']
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\r\n')
    w.writerow(D_HEAD)
    r_d = []
    for i, d in enumerate(dev_rows):
        w.writerow([d[h] for h in D_HEAD])
        if '_rej' in d:
            r_d.append((PREFIX + 'community_devices.csv', i + 2) + d['_rej'])
    with open(os.path.join(OUT, 'community_devices.csv'), 'wb') as fh:
        fh.write(buf.getvalue().encode('gbk'))

    case('device_only_scrapped', 'device_online', HB + '/1', 'devices', 0, 'one 卡口, syzt 50')
    case('device_only_scrapped', 'device_online', HB + '/1', 'online_rate', '', 'empty when devices = 0')
    case('device_only_scrapped', 'device_online', HB + '/1', 'not_in_use', 1)
    case('device_half_up', 'device_online', HX + '/5', 'devices', 32)
    case('device_half_up', 'device_online', HX + '/5', 'online', 31)
    case('device_half_up', 'device_online', HX + '/5', 'online_rate', '0.9688', '31/32 = 0.96875, half up')
    case('device_half_up', 'device_online', HX + '/5', 'fault', 1, 'fault is not online')
    case('device_half_up', 'device_online', HX + '/5', 'not_in_use', 2)
    case('device_half_up', 'device_online', HX + '/5', 'sblx_name', '人脸识别')
    case('device_states', 'device_online', NK + '/3', 'devices', 4)
    case('device_states', 'device_online', NK + '/3', 'online', 2)
    case('device_states', 'device_online', NK + '/3', 'online_rate', '0.5000')
    case('device_states', 'device_online', NK + '/3', 'offline', 1)
    case('device_states', 'device_online', NK + '/3', 'fault', 1)
    case('device_states', 'device_online', NK + '/3', 'not_in_use', 1, 'syzt 40')
    case('device_duplicate_sbbm', 'device_online', HP + '/4', 'devices', 28,
         'the repeated sbbm (zxzt 3) is a reject; the first row (zxzt 1) stands')
    case('device_duplicate_sbbm', 'device_online', HP + '/4', 'online', 26)
    case('device_duplicate_sbbm', 'device_online', HP + '/4', 'online_rate', '0.9286', '26/28')
    case('device_duplicate_sbbm', 'device_online', HP + '/4', 'fault', 0)

    # ---- addresses
    A_HEAD = ['dzbm', 'xz', 'xqmc', 'ldphxlh', 'ldph', 'dyhxh', 'dyh', 'lch', 'fjhxh', 'fjh', 'djsj', 'ptzcm']
    addr = []
    for ci, c in enumerate(COMMS):
        rooms = []
        for b in range(1, c['nb'] + 1):
            for u in (1, 2, 3):
                for f in range(1, 7):
                    for r in (1, 2):
                        rooms.append((b, u, f, r))
        pick = sorted(rng.sample(range(len(rooms)), 74))
        for k in pick:
            b, u, f, r = rooms[k]
            t = datetime(2023, 1, 1) + timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
            fjh = '%d%02d室' % (f, r)
            addr.append(dict(
                dzbm='%s%02d%02d%02d%02d%02d' % (c['admin'], ci + 1, b, u, f, r),
                xz='天津市%s%s%s%d号楼%d单元%s' % (c['dist'], c['road'], c['xqmc'], b, u, fjh),
                xqmc=c['xqmc'], ldphxlh=str(b), ldph='%d号楼' % b, dyhxh=str(u), dyh='%d单元' % u, lch=str(f),
                fjhxh=str(r), fjh=fjh, djsj=fmt(t, 'dev' if rng.random() < 0.1 else 'std'),
                ptzcm=c['ptzcm'] if rng.random() > 0.06 else ''))
    # planted address rows: (position after which to insert, row, expectation)
    def A(ci, b, u, f, r, **ch):
        c = COMMS[ci]
        fjh = '%d%02d室' % (f, r)
        row = dict(dzbm='%s%02d%02d%02d%02d%02d' % (c['admin'], ci + 1, b, u, f, r),
                   xz='天津市%s%s%s%d号楼%d单元%s' % (c['dist'], c['road'], c['xqmc'], b, u, fjh),
                   xqmc=c['xqmc'], ldphxlh=str(b), ldph='%d号楼' % b, dyhxh=str(u), dyh='%d单元' % u, lch=str(f),
                   fjhxh=str(r), fjh=fjh, djsj='2024-03-15 10:20:00', ptzcm=c['ptzcm'])
        row.update(ch)
        return row

    hp_rows = [a for a in addr if a['xqmc'] == COMMS[0]['xqmc']]
    hx_rows = [a for a in addr if a['xqmc'] == COMMS[1]['xqmc']]
    # unused rooms for planted rows: building 9 (TJHP0001 has 8), 10 (TJHX0001 has 9)
    planted_addr = [
        ('A1', A(0, 9, 1, 1, 1, ldph=''), 'missing_part', 'ldph empty'),
        ('A2', A(0, 9, 1, 2, 1, xz='', djsj=''), 'missing_part', 'xz and djsj empty: one finding'),
        ('A3', A(1, 10, 1, 1, 1, dyh=''), 'missing_part', 'dyhxh 1 without dyh'),
        ('A4', A(2, 9, 1, 1, 1, fjhxh=''), 'missing_part', 'fjh without fjhxh'),
        ('A5', A(0, 9, 2, 1, 1, dzbm=hp_rows[3]['dzbm']), 'duplicate_code', 'dzbm of an earlier line, other room'),
        ('A6', dict(hp_rows[10]), 'duplicate_code', 'the same line again: duplicate_code, not duplicate_address'),
        ('A7', A(1, 10, 2, 1, 1, **{k: hx_rows[5][k] for k in ('ldph', 'dyh', 'lch', 'fjh', 'ldphxlh', 'dyhxh', 'fjhxh')}),
         'duplicate_address', 'same xqmc/ldph/dyh/lch/fjh as an earlier line, other dzbm'),
        ('A7b', None, 'duplicate_address', 'same address with spaces around ldph (trimmed)'),
        ('A8', A(0, 9, 1, 1, 2, ldph='', fjh='101室', fjhxh='1'), 'missing_part',
         'ldph empty like A1 with the same dyh/lch/fjh: no duplicate_address (ldph empty)'),
        ('A9', A(0, 9, 3, 1, 1, ptzcm='TJHP0099'), 'unknown_community', 'ptzcm TJHP0099'),
        ('A10', A(0, 9, 3, 2, 1, ptzcm='', xqmc='幸福里小区', xz='天津市和平区云南路幸福里小区9号楼3单元201室'),
         'unknown_community', 'no ptzcm, xqmc of no community'),
        ('A11', A(0, 9, 3, 3, 1, ptzcm='', xqmc='云南路小区二期', xz='天津市和平区云南路云南路小区二期9号楼3单元301室'),
         'unknown_community', "no ptzcm, xqmc of the rejected communities row"),
        ('A12', A(1, 10, 3, 1, 1, ptzcm='', fjhxh=''), 'missing_part', 'no ptzcm: report ptzcm TJHX0001 by xqmc'),
        ('A13', A(3, 9, 1, 1, 1, dzbm=hx_rows[20]['dzbm'], djsj='', ptzcm='TJXX0001'),
         'duplicate_code;missing_part;unknown_community', 'three findings, rules sorted by name'),
        ('A14', A(3, 9, 1, 2, 1, xqmc='', ptzcm=''), 'missing_part', 'xqmc empty and no ptzcm: no unknown_community'),
        ('A15', A(2, 9, 1, 2, 1, djsj='2025年3月1日'), 'reject', 'djsj not a time: a reject, not audited'),
    ]
    a7 = planted_addr[6][1]
    a7b = dict(a7, dzbm=a7['dzbm'][:-2] + '09', ldph=' ' + a7['ldph'] + ' ')
    planted_addr[7] = ('A7b', a7b, 'duplicate_address', 'same address as A7 with spaces around ldph (trimmed)')
    # insert: all after the first 150 rows, in order, every 9th row
    out_addr = addr[:150]
    rest = addr[150:]
    for i, (name, row, rule, note) in enumerate(planted_addr):
        out_addr.extend(rest[:9])
        rest = rest[9:]
        row = dict(row, _plant=(name, rule, note))
        out_addr.append(row)
    out_addr.extend(rest)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n')
    w.writerow(A_HEAD)
    r_a = []
    line_of = {}
    for i, a in enumerate(out_addr):
        w.writerow([a[h] for h in A_HEAD])
        line_of[id(a)] = i + 2
        if '_plant' in a:
            name, rule, note = a['_plant']
            ln = i + 2
            if rule == 'reject':
                r_a.append((PREFIX + 'addresses.csv', ln, 'djsj', note))
            else:
                case('address_' + name, 'address_audit', str(ln), 'rules', rule, note)
    with open(os.path.join(OUT, 'addresses.csv'), 'wb') as fh:
        fh.write(buf.getvalue().encode('utf-8'))
    # line-dependent expectations of the address cases
    lines = {a['_plant'][0]: line_of[id(a)] for a in out_addr if '_plant' in a}
    first_line = {}
    for i, a in enumerate(out_addr):
        first_line.setdefault(a['dzbm'], i + 2)
    case('address_A5', 'address_audit', str(lines['A5']), 'duplicate_code.first_line', first_line[out_addr[lines['A5'] - 2]['dzbm']])
    case('address_A6', 'address_audit', str(lines['A6']), 'duplicate_code.first_line', first_line[out_addr[lines['A6'] - 2]['dzbm']])
    case('address_A7b', 'address_audit', str(lines['A7b']), 'duplicate_address.first_line', line_of[id(hx_rows[5])],
         'the first earlier line with this address and another dzbm (A7 is a later one)')
    case('address_A7', 'address_audit', str(lines['A7']), 'duplicate_address.first_line', line_of[id(hx_rows[5])])
    case('address_A1', 'address_audit', str(lines['A1']), 'missing_part.fields', 'ldph')
    case('address_A2', 'address_audit', str(lines['A2']), 'missing_part.fields', 'xz;djsj')
    case('address_A3', 'address_audit', str(lines['A3']), 'missing_part.fields', 'dyh')
    case('address_A4', 'address_audit', str(lines['A4']), 'missing_part.fields', 'fjhxh')
    case('address_A12', 'address_audit', str(lines['A12']), 'ptzcm', HX)
    case('address_A10', 'address_audit', str(lines['A10']), 'ptzcm', '')
    case('address_A9', 'address_audit', str(lines['A9']), 'ptzcm', 'TJHP0099')
    case('address_A13', 'address_audit', str(lines['A13']), 'duplicate_code.first_line', first_line[hx_rows[20]['dzbm']])

    # ---- rejects and personal values
    rejects = r_c + r_a + r_d + r_p + r_v
    os.makedirs(os.path.join(OUT, 'expected'), exist_ok=True)
    with open(os.path.join(OUT, 'expected', 'rejects_planted.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['file', 'line', 'field', 'note'])
        for r in rejects:
            w.writerow(r)
    with open(os.path.join(OUT, 'expected', 'planted_cases.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['case', 'report', 'key', 'column', 'expected', 'note'])
        for r in PL:
            w.writerow(r)
    with open(os.path.join(OUT, 'fake_personal_values.txt'), 'w', encoding='utf-8', newline='') as fh:
        for v in sorted(FAKE):
            fh.write(v + '\n')
    self_check(n_p, n_v, len(dev_rows), len(out_addr))


def self_check(n_p, n_v, n_d, n_a):
    """No fake value may hide inside a non-personal field (a test scans outputs for them)."""
    vals = sorted(FAKE, key=len)
    personal_cols = {'xm', 'zjhm', 'lxfs', 'czxm', 'czsfzhm', 'czlxfs', 'cphm'}
    bad = 0
    for name, enc in (('person_access.csv', 'utf-8-sig'), ('vehicle_access.csv', 'utf-8'),
                      ('community_devices.csv', 'gbk'), ('addresses.csv', 'utf-8'), ('communities.csv', 'utf-8')):
        with open(os.path.join(OUT, name), encoding=enc, newline='') as fh:
            rd = csv.reader(fh)
            head = next(rd)
            texts = set()
            for row in rd:
                if len(row) != len(head):
                    continue
                for h, v in zip(head, row):
                    if h not in personal_cols and v and v not in FAKE:
                        texts.add(v)
        for t in sorted(texts):
            for v in vals:
                if len(v) >= 4 and v in t:
                    print('fake value %r inside %r in %s' % (v, t, name))
                    bad += 1
    print('person_access %d rows, vehicle_access %d, community_devices %d, addresses %d; fake values %d'
          % (n_p, n_v, n_d, n_a, len(FAKE)))
    if bad:
        sys.exit(1)


if __name__ == '__main__':
    main()
