#!/usr/bin/env python3
"""Reference implementation of the `community_access` rules (seed 001 Appendix
B/C; README.md "The rules"), independent of Zonal and of make_tianjin_month.py:
it reads only the five input files.

    python3 check_community.py --data Datasets/tianjin --as-of "2026-05-31 20:00:00" \\
        --threshold 10 --out Datasets/tianjin/expected
    python3 check_community.py --data Datasets/tianjin --as-of "2026-05-31 20:00:00" \\
        --compare Outputs/tianjin-community          # compare with Zonal's reports

Writes community_footfall.csv, access_methods.csv, suspected_residents.csv,
suspected_vehicles.csv, device_online.csv, address_audit.csv and
rejects_lines.csv (file,line,field); UTF-8 without BOM, LF. --as-of is optional
(default: the latest event time of a loaded person or vehicle record).
vehicle_id here is a keyed hash with a key of this checker, so it is never
compared: --compare checks Zonal's for being 12 lowercase hex digits and for
naming vehicles consistently.

With the sample (--data holding expected/planted_cases.csv, as_of
2026-05-31 20:00:00, threshold 10) it also checks every planted case and that
the rejects are exactly expected/rejects_planted.csv. Exit 1 on any difference.

Input files: encoding UTF-8 (BOM or not) or else GBK; header names matched
case-insensitively. Times: yyyyMMddHHmmss, yyyy-MM-dd HH:mm:ss[.SSS] (Beijing
time) or ISO 8601 with T and Z / ±hh:mm / ±hhmm / ±hh; held as integer ms.
Python 3 standard library only.
"""
import argparse
import csv
import hashlib
import hmac
import io
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
BJ = timezone(timedelta(hours=8))
UNIX = datetime(1970, 1, 1, tzinfo=timezone.utc)
DAY_MS = 86_400_000

FILES = {
    'communities': 'communities.csv',
    'addresses': 'addresses.csv',
    'community_devices': 'community_devices.csv',
    'person_access': 'person_access.csv',
    'vehicle_access': 'vehicle_access.csv',
}

# code tables (seed 001 Appendix C)
C1 = {str(i) for i in range(0, 29)} | {'-1'}                       # clpp 车辆品牌
C2 = {'0', '1', '2', '3', '4', '5', '6', '10', '11', '12', '14', '99'}  # cllx 车辆类型
C3 = {'10', '20', '30', '40', '50', '90'}                           # syzt 使用状态
C4 = {'0', '1'}                                                      # sfbxq 是否本小区
C5 = {'0', '1', '2'}                                                 # tclx 停车类型
C6 = {'1', '2'}                                                      # crlx 出入类型
C7 = {'0', '1', '2', '3', '4', '5', '9'}                             # zhlx 住户类型
C11 = {'1': '刷卡开门', '2': '指纹开门', '3': '远程开门', '4': '按钮开门', '5': '钥匙开门', '6': '身份证开门',
       '7': '二维码开门', '8': '动态密码开门', '9': '人脸开门', '10': '无感知', '99': '其他'}
C12 = {'1', '2'}                                                     # kmzt 开门状态
C16 = {'1': '卡口', '2': '摄像头', '3': '道闸', '4': '门禁', '5': '人脸识别', '6': '人脸抓拍机'}
C17 = {'1', '2', '3'}                                                # zxzt 在线状态
TXQK = {'0', '1'}

REPORTS = {
    'community_footfall': ['ptzcm', 'date', 'hour', 'persons_in', 'persons_out', 'vehicles_in', 'vehicles_out'],
    'access_methods': ['ptzcm', 'kmfs', 'opens', 'failures', 'failure_rate', 'kmfs_name'],
    'suspected_residents': ['ptzcm', 'dabh', 'first_seen', 'entries_30d', 'last_seen', 'days_30d'],
    'suspected_vehicles': ['ptzcm', 'plate', 'first_seen', 'entries_30d', 'vehicle_id', 'last_seen', 'days_30d'],
    'device_online': ['ptzcm', 'sblx', 'devices', 'online', 'online_rate', 'sblx_name', 'offline', 'fault',
                      'not_in_use'],
    'address_audit': ['dzbm', 'rule', 'message', 'line', 'xqmc', 'ptzcm'],
}
AUDIT_RULES = ['missing_part', 'duplicate_code', 'duplicate_address', 'unknown_community']
B7_REQUIRED = ['dzbm', 'xz', 'xqmc', 'ldphxlh', 'ldph', 'djsj']
B7_ALL = ['dzbm', 'xz', 'xqmc', 'ldphxlh', 'ldph', 'dyhxh', 'dyh', 'lch', 'fjhxh', 'fjh', 'djsj']
B7_ZH = dict(dzbm='地址编码', xz='地址详址', xqmc='小区名称', ldphxlh='楼栋牌号序列号', ldph='楼栋牌号', dyhxh='单元号序号',
             dyh='单元号', lch='楼层号', fjhxh='房间号序号', fjh='房间号', djsj='登记时间')


# ----------------------------------------------------------------------------- helpers
RE_DEV = re.compile(r'(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})')
RE_STD = re.compile(r'(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?')
RE_ISO = re.compile(r'(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)')


def parse_time(s):
    """Integer ms since the epoch, or None. Naive forms are Beijing time."""
    s = s.strip()
    m = RE_DEV.fullmatch(s) or RE_STD.fullmatch(s)
    off = None
    frac = None
    if m:
        g = m.groups()
        if len(g) > 6:
            frac = g[6]
    else:
        m = RE_ISO.fullmatch(s)
        if not m:
            return None
        g = m.groups()
        frac, off = g[6], g[7]
    try:
        naive = datetime(*(int(x) for x in g[:6]))
    except ValueError:
        return None
    if off is None:
        tz = BJ
    elif off == 'Z':
        tz = timezone.utc
    else:
        digits = off[1:].replace(':', '')
        hh, mm = int(digits[:2]), int(digits[2:] or '0')
        if hh > 23 or mm > 59:
            return None
        tz = timezone((-1 if off[0] == '-' else 1) * timedelta(hours=hh, minutes=mm))
    td = naive.replace(tzinfo=tz) - UNIX
    ms = int((frac or '0')[:3].ljust(3, '0'))
    return (td.days * 86400 + td.seconds) * 1000 + ms


def local(ms):
    """The Beijing wall-clock datetime of an instant (ms dropped)."""
    return datetime(1970, 1, 1) + timedelta(milliseconds=ms + 8 * 3600 * 1000)


def show(ms):
    return local(ms - ms % 1000).strftime('%Y-%m-%d %H:%M:%S')


def is_number(s):
    try:
        float(s)
        return re.fullmatch(r'\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*', s) is not None
    except ValueError:
        return False


def rate4(num, den):
    """num/den rounded half up (away from zero) to 4 decimals, printed with 4 decimals; '' when den = 0."""
    if den == 0:
        return ''
    x = Fraction(num, den) * 10000
    q = int(x)
    if x - q >= Fraction(1, 2):
        q += 1
    s = str(q).rjust(5, '0')
    return s[:-4] + '.' + s[-4:]


def mask(plate):
    return plate[:2] + '***' + plate[-2:]


def decode(data):
    if data.startswith(b'\xef\xbb\xbf'):
        return data[3:].decode('utf-8'), 'utf-8-bom'
    try:
        return data.decode('utf-8'), 'utf-8'
    except UnicodeDecodeError:
        return data.decode('gb18030'), 'gbk'


def read_rows(path, written, rej, need):
    """[(line, {lower-case column: value})]; wrong field counts are rejects (field empty)."""
    with open(path, 'rb') as fh:
        text, enc = decode(fh.read())
    rd = csv.reader(io.StringIO(text, newline=''))
    header = [h.strip().lower() for h in next(rd)]
    missing = [c for c in need if c not in header]
    if missing:
        sys.exit('%s: missing column(s) %s' % (written, ', '.join(missing)))
    out = []
    start = rd.line_num + 1
    n = 0
    for row in rd:
        line = start
        start = rd.line_num + 1
        if not row or row == ['']:
            continue
        n += 1
        if len(row) != len(header):
            rej.append((written, line, '', 'has %d fields but the header has %d' % (len(row), len(header))))
            continue
        out.append((line, dict(zip(header, row))))
    return out, n, enc


def write_csv(path, header, rows):
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(c, '') for c in header])


# ----------------------------------------------------------------------------- loading
def load_communities(path, written, rej):
    rows, n, enc = read_rows(path, written, rej, ['ptzcm', 'xqmc', 'admin_code'])
    comms = {}
    for line, r in rows:
        def bad(f, why):
            rej.append((written, line, f, why))
        p = r['ptzcm'].strip()
        if not p:
            bad('ptzcm', 'empty'); continue
        if not r['xqmc'].strip():
            bad('xqmc', 'empty'); continue
        if not re.fullmatch(r'\d{6}', r['admin_code'].strip()):
            bad('admin_code', 'not 6 digits'); continue
        lon, lat = r.get('lon', '').strip(), r.get('lat', '').strip()
        if lon and not (is_number(lon) and -180 <= float(lon) <= 180):
            bad('lon', 'not a longitude'); continue
        if lat and not (is_number(lat) and -90 <= float(lat) <= 90):
            bad('lat', 'not a latitude'); continue
        if p in comms:
            bad('ptzcm', 'listed before on line %d' % comms[p]['line']); continue
        comms[p] = {'ptzcm': p, 'xqmc': r['xqmc'].strip(), 'line': line}
    return comms, n


def load_addresses(path, written, rej):
    rows, n, enc = read_rows(path, written, rej, B7_ALL)
    out = []
    for line, r in rows:
        djsj = r['djsj'].strip()
        if djsj and parse_time(djsj) is None:
            rej.append((written, line, 'djsj', 'not a time'))
            continue
        out.append((line, r))
    return out, n


def load_devices(path, written, comms, rej):
    rows, n, enc = read_rows(path, written, rej, ['sbbm', 'sbmc', 'sblx', 'zxzt', 'syzt', 'sbjd', 'sbwd', 'ptzcm'])
    devs = {}
    for line, r in rows:
        def bad(f, why):
            rej.append((written, line, f, why))
        v = {k: r[k].strip() for k in ('sbbm', 'sbmc', 'sblx', 'zxzt', 'syzt', 'sbjd', 'sbwd', 'ptzcm')}
        if not v['sbbm']:
            bad('sbbm', 'empty'); continue
        if not v['sbmc']:
            bad('sbmc', 'empty'); continue
        if v['sblx'] not in C16:
            bad('sblx', 'not a C.16 code'); continue
        if v['zxzt'] not in C17:
            bad('zxzt', 'not a C.17 code'); continue
        if v['syzt'] not in C3:
            bad('syzt', 'not a C.3 code'); continue
        if v['sbjd'] and not is_number(v['sbjd']):
            bad('sbjd', 'not a number'); continue
        if v['sbwd'] and not is_number(v['sbwd']):
            bad('sbwd', 'not a number'); continue
        if v['sbjd'] and not v['sbwd']:
            bad('sbwd', 'sbjd without sbwd'); continue
        if v['sbwd'] and not v['sbjd']:
            bad('sbjd', 'sbwd without sbjd'); continue
        if v['ptzcm'] not in comms:
            bad('ptzcm', 'not in communities'); continue
        if v['sbbm'] in devs:
            bad('sbbm', 'listed before on line %d' % devs[v['sbbm']]['line']); continue
        v['line'] = line
        devs[v['sbbm']] = v
    return devs, n


def event_time(r, bad):
    """(crlx, event ms) after checking jrsj/lksj, or None after a reject."""
    times = {}
    for k in ('jrsj', 'lksj'):
        s = r[k].strip()
        if s:
            t = parse_time(s)
            if t is None:
                bad(k, 'not a time')
                return None
            times[k] = t
    own = 'jrsj' if r['crlx'].strip() == '1' else 'lksj'
    if own not in times:
        bad(own, 'crlx %s needs %s' % (r['crlx'].strip(), own))
        return None
    return times[own]


def load_persons(path, written, comms, rej):
    cols = ['ryid', 'dabh', 'zhlx', 'kmfs', 'kmzt', 'crlx', 'sbbm', 'jrsj', 'lksj', 'sfbxq', 'ptzcm']
    rows, n, enc = read_rows(path, written, rej, cols)
    out = []
    for line, r in rows:
        def bad(f, why):
            rej.append((written, line, f, why))
        v = {k: r[k].strip() for k in cols}
        if v['zhlx'] not in C7:
            bad('zhlx', 'not a C.7 code'); continue
        if v['kmfs'] not in C11:
            bad('kmfs', 'not a C.11 code'); continue
        if v['kmzt'] not in C12:
            bad('kmzt', 'not a C.12 code'); continue
        if v['crlx'] not in C6:
            bad('crlx', 'not a C.6 code'); continue
        t = event_time(r, bad)
        if t is None:
            continue
        if v['sfbxq'] and v['sfbxq'] not in C4:
            bad('sfbxq', 'not a C.4 code'); continue
        if v['ptzcm'] not in comms:
            bad('ptzcm', 'not in communities'); continue
        if not v['ryid'] and not v['dabh']:
            bad('dabh', 'ryId and dabh both empty'); continue
        out.append({'ptzcm': v['ptzcm'], 'dabh': v['dabh'], 'kmfs': v['kmfs'], 'ok': v['kmzt'] == '1',
                    'crlx': v['crlx'], 'sfbxq': v['sfbxq'], 't': t})
    return out, n


def load_vehicles(path, written, comms, rej):
    cols = ['cphm', 'tclx', 'crlx', 'sbbm', 'jrsj', 'lksj', 'txqk', 'sfbxq', 'ptzcm']
    rows, n, enc = read_rows(path, written, rej, cols)
    out = []
    for line, r in rows:
        def bad(f, why):
            rej.append((written, line, f, why))
        v = {k: r[k].strip() for k in cols}
        plate = r['cphm'].strip()
        if not (5 <= len(plate) <= 10) or re.search(r'\s', plate) or '*' in plate:
            bad('cphm', 'not a plate'); continue
        if v['tclx'] and v['tclx'] not in C5:
            bad('tclx', 'not a C.5 code'); continue
        if v['crlx'] not in C6:
            bad('crlx', 'not a C.6 code'); continue
        if not v['sbbm']:
            bad('sbbm', 'empty'); continue
        t = event_time(r, bad)
        if t is None:
            continue
        if v['txqk'] not in TXQK:
            bad('txqk', 'not 1 or 0'); continue
        if v['sfbxq'] and v['sfbxq'] not in C4:
            bad('sfbxq', 'not a C.4 code'); continue
        if v['ptzcm'] not in comms:
            bad('ptzcm', 'not in communities'); continue
        clpp, cllx = r.get('clpp', '').strip(), r.get('cllx', '').strip()
        if clpp and clpp not in C1:
            bad('clpp', 'not a C.1 code'); continue
        if cllx and cllx not in C2:
            bad('cllx', 'not a C.2 code'); continue
        out.append({'ptzcm': v['ptzcm'], 'plate': plate, 'ok': v['txqk'] == '1', 'crlx': v['crlx'],
                    'sfbxq': v['sfbxq'], 't': t})
    return out, n


# ----------------------------------------------------------------------------- reports
def footfall(persons, vehicles):
    g = {}
    for recs, kind in ((persons, 'persons'), (vehicles, 'vehicles')):
        for r in recs:
            if not r['ok']:
                continue
            lt = local(r['t'])
            k = (r['ptzcm'], lt.strftime('%Y-%m-%d'), lt.hour)
            row = g.setdefault(k, {'persons_in': 0, 'persons_out': 0, 'vehicles_in': 0, 'vehicles_out': 0})
            row[kind + ('_in' if r['crlx'] == '1' else '_out')] += 1
    out = []
    for k in sorted(g):
        out.append(dict(ptzcm=k[0], date=k[1], hour=k[2], **g[k]))
    return out


def access_methods(persons):
    g = {}
    for r in persons:
        x = g.setdefault((r['ptzcm'], r['kmfs']), [0, 0])
        x[0] += 1
        x[1] += 0 if r['ok'] else 1
    out = []
    for (p, k) in sorted(g, key=lambda k: (k[0], int(k[1]))):
        o, f = g[(p, k)]
        out.append(dict(ptzcm=p, kmfs=k, opens=o, failures=f, failure_rate=rate4(f, o), kmfs_name=C11[k]))
    return out


def suspects(recs, key, as_of, threshold):
    """{(ptzcm, key): {...}} for groups listed; recs are the candidate entries."""
    lo = as_of - 30 * DAY_MS
    g = {}
    for r in recs:
        if r['t'] > as_of:
            continue
        x = g.setdefault((r['ptzcm'], r[key]), {'first': r['t'], 'n': 0, 'last': None, 'days': set()})
        x['first'] = min(x['first'], r['t'])
        if lo < r['t'] <= as_of:
            x['n'] += 1
            x['last'] = r['t'] if x['last'] is None else max(x['last'], r['t'])
            x['days'].add(local(r['t']).date())
    return {k: x for k, x in g.items() if x['n'] >= threshold and x['n'] > 0}


def suspected_residents(persons, as_of, threshold):
    cand = [r for r in persons if r['sfbxq'] == '0' and r['dabh'] and r['ok'] and r['crlx'] == '1']
    g = suspects(cand, 'dabh', as_of, threshold)
    out = [dict(ptzcm=p, dabh=d, first_seen=show(x['first']), entries_30d=x['n'], last_seen=show(x['last']),
                days_30d=len(x['days'])) for (p, d), x in g.items()]
    out.sort(key=lambda r: (r['ptzcm'], r['dabh']))
    return out


CHECKER_KEY = b'check_community.py: not the key of any Zonal store'


def suspected_vehicles(vehicles, as_of, threshold):
    """Rows (with the clear plate under '_plate', never written)."""
    cand = [r for r in vehicles if r['sfbxq'] == '0' and r['ok'] and r['crlx'] == '1']
    g = suspects(cand, 'plate', as_of, threshold)
    out = []
    for (p, plate), x in g.items():
        vid = hmac.new(CHECKER_KEY, plate.encode('utf-8'), hashlib.sha256).hexdigest()[:12]
        out.append(dict(ptzcm=p, plate=mask(plate), first_seen=show(x['first']), entries_30d=x['n'], vehicle_id=vid,
                        last_seen=show(x['last']), days_30d=len(x['days']), _plate=plate))
    out.sort(key=lambda r: (r['ptzcm'], r['plate'], r['first_seen'], r['entries_30d'], r['vehicle_id']))
    return out


def device_online(devs):
    g = {}
    for d in devs.values():
        x = g.setdefault((d['ptzcm'], d['sblx']), {'devices': 0, 'online': 0, 'offline': 0, 'fault': 0,
                                                     'not_in_use': 0})
        if d['syzt'] != '10':
            x['not_in_use'] += 1
            continue
        x['devices'] += 1
        x[{'1': 'online', '2': 'offline', '3': 'fault'}[d['zxzt']]] += 1
    out = []
    for (p, s) in sorted(g, key=lambda k: (k[0], int(k[1]))):
        x = g[(p, s)]
        out.append(dict(ptzcm=p, sblx=s, devices=x['devices'], online=x['online'],
                        online_rate=rate4(x['online'], x['devices']), sblx_name=C16[s], offline=x['offline'],
                        fault=x['fault'], not_in_use=x['not_in_use']))
    return out


def address_audit(addrs, comms):
    by_xqmc = {}
    for c in comms.values():                      # communities in file order: the first with this xqmc
        by_xqmc.setdefault(c['xqmc'], c['ptzcm'])
    first_code = {}
    first_addr = {}            # address key -> [(line, dzbm)]
    out = []
    for line, r in addrs:
        v = {k: r.get(k, '').strip() for k in B7_ALL + ['ptzcm']}
        has_ptzcm = 'ptzcm' in r and v['ptzcm'] != ''
        ptz = v['ptzcm'] if has_ptzcm else by_xqmc.get(v['xqmc'], '')
        found = []
        missing = [k for k in B7_REQUIRED if not v[k]]
        for a, b in (('dyhxh', 'dyh'), ('fjhxh', 'fjh')):
            if v[a] and not v[b]:
                missing.append(b)
            if v[b] and not v[a]:
                missing.append(a)
        missing = [k for k in B7_ALL if k in missing]
        if missing:
            found.append(('missing_part', 'missing ' + ', '.join('%s (%s)' % (k, B7_ZH[k]) for k in missing)))
        if v['dzbm']:
            if v['dzbm'] in first_code:
                found.append(('duplicate_code', 'dzbm %s is also on line %d' % (v['dzbm'], first_code[v['dzbm']])))
            else:
                first_code[v['dzbm']] = line
        key = tuple(v[k] for k in ('xqmc', 'ldph', 'dyh', 'lch', 'fjh'))
        if v['ldph']:
            earlier = [(ln, code) for ln, code in first_addr.get(key, []) if code != v['dzbm']]
            if earlier:
                found.append(('duplicate_address', 'the same place as line %d (dzbm %s): %s'
                              % (earlier[0][0], earlier[0][1] or 'empty', ' '.join(x for x in key if x))))
            first_addr.setdefault(key, []).append((line, v['dzbm']))
        if has_ptzcm:
            if v['ptzcm'] not in comms:
                found.append(('unknown_community', 'ptzcm %s is not in communities' % v['ptzcm']))
        elif v['xqmc'] and v['xqmc'] not in by_xqmc:
            found.append(('unknown_community', 'xqmc %s is no community\'s xqmc in communities' % v['xqmc']))
        for rule, msg in found:
            out.append(dict(dzbm=v['dzbm'], rule=rule, message=msg, line=line, xqmc=v['xqmc'], ptzcm=ptz))
    out.sort(key=lambda r: (r['line'], r['rule']))   # one line's rules alphabetically, as Zonal sorts them
    return out


# ----------------------------------------------------------------------------- run
def run(data, prefix, as_of_text, threshold):
    rej = []
    w = {k: prefix + f for k, f in FILES.items()}
    p = {k: os.path.join(data, f) for k, f in FILES.items()}
    counts = {}
    comms, counts['communities'] = load_communities(p['communities'], w['communities'], rej)
    addrs, counts['addresses'] = load_addresses(p['addresses'], w['addresses'], rej)
    devs, counts['community_devices'] = load_devices(p['community_devices'], w['community_devices'], comms, rej)
    persons, counts['person_access'] = load_persons(p['person_access'], w['person_access'], comms, rej)
    vehicles, counts['vehicle_access'] = load_vehicles(p['vehicle_access'], w['vehicle_access'], comms, rej)
    default_as_of = max([r['t'] for r in persons] + [r['t'] for r in vehicles])
    if as_of_text:
        as_of = parse_time(as_of_text)
        if as_of is None:
            sys.exit('--as-of %r is not a time' % as_of_text)
    else:
        as_of = default_as_of
    rep = {
        'community_footfall': footfall(persons, vehicles),
        'access_methods': access_methods(persons),
        'suspected_residents': suspected_residents(persons, as_of, threshold),
        'suspected_vehicles': suspected_vehicles(vehicles, as_of, threshold),
        'device_online': device_online(devs),
        'address_audit': address_audit(addrs, comms),
    }
    order = {w[k]: i for i, k in enumerate(FILES)}
    rej.sort(key=lambda r: (order.get(r[0], 99), r[1]))
    ctx = dict(comms=comms, devs=devs, persons=persons, vehicles=vehicles, counts=counts, as_of=as_of,
               default_as_of=default_as_of, threshold=threshold, files=w)
    return rep, rej, ctx


def summary(rep, rej, ctx):
    print('as_of %s%s, resident_entries_30d %d' % (show(ctx['as_of']),
          ' (default)' if ctx['as_of'] == ctx['default_as_of'] else '', ctx['threshold']))
    print('default as_of (latest loaded event) %s' % show(ctx['default_as_of']))
    for k, f in ctx['files'].items():
        n = ctx['counts'][k]
        r = sum(1 for x in rej if x[0] == f)
        flag = '  FAILS max_reject_rate' if r > 0.01 * n and r > 5 else ''
        print('  %-42s %6d rows, %2d rejects (%.3f %%)%s' % (f, n, r, 100.0 * r / max(n, 1), flag))
    print('loaded: %d communities, %d devices, %d person records, %d vehicle records'
          % (len(ctx['comms']), len(ctx['devs']), len(ctx['persons']), len(ctx['vehicles'])))
    print('rows: ' + ', '.join('%s %d' % (k, len(v)) for k, v in rep.items()) + ', rejects %d' % len(rej))


# ----------------------------------------------------------------------------- planted cases
def check_planted(data, rep, rej, ctx, prefix):
    fails = []
    path = os.path.join(data, 'expected', 'planted_cases.csv')
    with open(path, encoding='utf-8', newline='') as fh:
        cases = list(csv.DictReader(fh))
    default_rep = None
    idx = {
        'community_footfall': {'%s/%s/%s' % (r['ptzcm'], r['date'], r['hour']): r for r in rep['community_footfall']},
        'access_methods': {'%s/%s' % (r['ptzcm'], r['kmfs']): r for r in rep['access_methods']},
        'suspected_residents': {'%s/%s' % (r['ptzcm'], r['dabh']): r for r in rep['suspected_residents']},
        'device_online': {'%s/%s' % (r['ptzcm'], r['sblx']): r for r in rep['device_online']},
    }
    for c in cases:
        rp, key, col, exp = c['report'], c['key'], c['column'], c['expected']
        got = None
        if rp == 'load':
            got = show(ctx['default_as_of'])
        elif rp == 'suspected_residents@default':
            if default_rep is None:
                default_rep = {'%s/%s' % (r['ptzcm'], r['dabh']): r
                               for r in suspected_residents(ctx['persons'], ctx['default_as_of'], ctx['threshold'])}
            row = default_rep.get(key)
            got = ('present' if row else 'absent') if col == 'row' else (str(row[col]) if row else None)
        elif rp == 'suspected_vehicles':
            parts = key.split('/')
            rows = [r for r in rep['suspected_vehicles'] if r['ptzcm'] == parts[0] and r['plate'] == parts[1]]
            if len(parts) == 3:
                rows = [r for r in rows if r['first_seen'] == parts[2]]
            row = rows[0] if len(rows) == 1 else None
            if col == 'row':
                got = 'present' if rows else 'absent'
            else:
                got = str(row[col]) if row else None
        elif rp == 'address_audit':
            rows = [r for r in rep['address_audit'] if str(r['line']) == key]
            if col == 'rules':
                got = ';'.join(sorted(r['rule'] for r in rows))
            elif col == 'ptzcm':
                got = rows[0]['ptzcm'] if rows else None
            else:
                rule, what = col.split('.')
                msgs = [r['message'] for r in rows if r['rule'] == rule]
                if not msgs:
                    got = None
                elif what == 'fields':
                    got = ';'.join(re.sub(r' \([^)]*\)', '', msgs[0][len('missing '):]).split(', '))
                else:
                    got = re.findall(r'line (\d+)', msgs[0])[0]
        else:
            row = idx[rp].get(key)
            got = ('present' if row else 'absent') if col == 'row' else (str(row[col]) if row else None)
        if got != exp:
            fails.append('planted %s: %s %s %s: expected %r, got %r' % (c['case'], rp, key, col, exp, got))
    with open(os.path.join(data, 'expected', 'rejects_planted.csv'), encoding='utf-8', newline='') as fh:
        want = {(r['file'], int(r['line']), r['field']) for r in csv.DictReader(fh)}
    have = {(f, l, fd) for f, l, fd, _ in rej}
    for x in sorted(want - have):
        fails.append('planted reject not found: %s line %d field %r' % x)
    for x in sorted(have - want):
        fails.append('unplanted reject: %s line %d field %r' % x)
    # the checker's own reports hold no personal value
    fp = os.path.join(data, 'fake_personal_values.txt')
    if os.path.exists(fp):
        with open(fp, encoding='utf-8') as fh:
            vals = [v.rstrip('\n') for v in fh if v.strip()]
        blob = '\n'.join(','.join(str(r.get(c, '')) for c in REPORTS[k]) for k in rep for r in rep[k])
        for v in vals:
            if v in blob:
                fails.append('personal value %r in a report' % v)
    print('planted cases: %d checked, rejects: %d checked -> %s'
          % (len(cases), len(want), 'OK' if not fails else '%d FAILED' % len(fails)))
    for f in fails:
        print('  ' + f)
    return not fails


# ----------------------------------------------------------------------------- compare with Zonal
def read_zonal(path):
    with open(path, 'rb') as fh:
        text = fh.read().decode('utf-8-sig')
    rd = csv.reader(io.StringIO(text, newline=''))
    header = next(rd)
    return header, [dict(zip(header, r)) for r in rd if r]


def compare(outdir, rep, rej, limit=8):
    diffs = []

    def d(msg):
        diffs.append(msg)

    keys = {
        'community_footfall': ('ptzcm', 'date', 'hour'),
        'access_methods': ('ptzcm', 'kmfs'),
        'suspected_residents': ('ptzcm', 'dabh'),
        'device_online': ('ptzcm', 'sblx'),
        'address_audit': ('line', 'rule'),
    }
    for name, cols in REPORTS.items():
        path = os.path.join(outdir, name + '.csv')
        if not os.path.exists(path):
            d('%s: no file %s' % (name, path))
            continue
        header, theirs = read_zonal(path)
        mine = [{c: str(r[c]) for c in cols} | ({'_plate': r['_plate']} if '_plate' in r else {}) for r in rep[name]]
        n0 = len(diffs)
        lacking = [c for c in cols if c not in header]
        if lacking:
            d('%s: columns missing: %s' % (name, ', '.join(lacking)))
            continue
        if header[:len(cols)] != cols:
            d('%s: contract columns not first / in order: %s' % (name, ','.join(header[:len(cols)])))
        if name == 'suspected_vehicles':
            compare_vehicles(name, mine, theirs, d)
        else:
            kc = keys[name]
            mk = [tuple(r[c] for c in kc) for r in mine]
            tk = [tuple(r[c] for c in kc) for r in theirs]
            mi = dict(zip(mk, mine))
            ti = dict(zip(tk, theirs))
            if len(ti) != len(tk):
                d('%s: repeated keys in Zonal\'s report' % name)
            for k in mk:
                if k not in ti:
                    d('%s: missing row %s' % (name, '/'.join(k)))
            for k in tk:
                if k not in mi:
                    d('%s: extra row %s: %s' % (name, '/'.join(k), ','.join(ti[k].get(c, '') for c in cols)))
            for k in mk:
                if k in ti:
                    for c in cols:
                        a, b = mi[k][c], ti[k].get(c, '')
                        if c == 'message' and name == 'address_audit':
                            bad = message_differs(mi[k]['rule'], a, b)
                        else:
                            bad = a != b
                        if bad:
                            d('%s %s: %s expected %r, Zonal %r' % (name, '/'.join(k), c, a, b))
            common_m = [k for k in mk if k in ti]
            common_t = [k for k in tk if k in mi]
            if common_m != common_t:
                i = next(i for i, (a, b) in enumerate(zip(common_m, common_t)) if a != b)
                d('%s: order differs at row %d: expected %s, Zonal %s' % (name, i + 1, '/'.join(common_m[i]),
                                                                           '/'.join(common_t[i])))
        print('%-20s %6d rows (Zonal %6d): %s' % (name, len(mine), len(theirs),
                                                  'same' if len(diffs) == n0 else '%d differences' % (len(diffs) - n0)))
    # rejects
    path = os.path.join(outdir, 'rejects.csv')
    if not os.path.exists(path):
        path = os.path.join(outdir, 'rejects_lines.csv')
    if os.path.exists(path):
        header, theirs = read_zonal(path)
        n0 = len(diffs)
        have = {(r['file'], int(r['line']), r['field']) for r in theirs}
        want = {(f, l, fd) for f, l, fd, *_ in rej}
        for x in sorted(want - have):
            d('rejects: missing %s line %d field %r' % x)
        for x in sorted(have - want):
            d('rejects: extra %s line %d field %r' % x)
        print('%-20s %6d rows (Zonal %6d): %s' % ('rejects', len(want), len(have),
                                                  'same' if len(diffs) == n0 else '%d differences' % (len(diffs) - n0)))
    else:
        d('rejects: no rejects.csv in %s' % outdir)
    if diffs:
        print('%d differences; the first %d:' % (len(diffs), min(limit * 3, len(diffs))))
        for x in diffs[:limit * 3]:
            print('  ' + x)
    return not diffs


def message_differs(rule, mine, theirs):
    """Messages are Zonal's wording: compare what the rules say they must carry."""
    if rule == 'missing_part':
        want = set(re.sub(r' \([^)]*\)', '', mine[len('missing '):]).split(', '))
        words = set(re.findall(r'[a-z]+', theirs))
        return not want <= words or bool((words & set(B7_ALL)) - want)
    if rule == 'duplicate_code':
        return re.findall(r'line (\d+)', mine)[0] not in re.findall(r'line (\d+)', theirs)
    return False


def compare_vehicles(name, mine, theirs, d):
    cols = [c for c in REPORTS[name] if c != 'vehicle_id']
    for r in theirs:
        if not re.fullmatch(r'[0-9a-f]{12}', r.get('vehicle_id', '')):
            d('%s: vehicle_id %r is not 12 lowercase hex digits' % (name, r.get('vehicle_id')))
    tm = sorted(tuple(r[c] for c in cols) for r in mine)
    tt = sorted(tuple(r.get(c, '') for c in cols) for r in theirs)
    i = j = 0
    while i < len(tm) or j < len(tt):
        if j >= len(tt) or (i < len(tm) and tm[i] < tt[j]):
            d('%s: missing row %s' % (name, ','.join(tm[i]))); i += 1
        elif i >= len(tm) or tt[j] < tm[i]:
            d('%s: extra row %s' % (name, ','.join(tt[j]))); j += 1
        else:
            i += 1; j += 1
    # order: by ptzcm, entries desc, plate (ties of equal plate and entries in any order)
    ko = [(r['ptzcm'], r['plate'], r['first_seen'], int(r['entries_30d'])) for r in theirs if r.get('entries_30d', '').isdigit()]
    if ko != sorted(ko):
        d('%s: rows not sorted by ptzcm, plate, first_seen, entries_30d' % name)
    # vehicle_id names vehicles consistently: one id per clear plate, another for another plate
    tup = lambda r: tuple(r.get(c, '') for c in cols)
    tcount = {}
    for r in theirs:
        tcount[tup(r)] = tcount.get(tup(r), 0) + 1
    vid_of_plate = {}
    for r in mine:
        t = tup(r)
        if tcount.get(t) == 1 and sum(1 for x in mine if tup(x) == t) == 1:
            vid = next(x['vehicle_id'] for x in theirs if tup(x) == t)
            vid_of_plate.setdefault(r['_plate'], set()).add(vid)
    for plate, vids in vid_of_plate.items():
        if len(vids) > 1:
            d('%s: one vehicle (masked %s) has %d vehicle_ids' % (name, mask(plate), len(vids)))
    seen = {}
    for plate, vids in vid_of_plate.items():
        for v in vids:
            if v in seen and seen[v] != plate:
                d('%s: vehicle_id %s names two vehicles (%s, %s)' % (name, v, mask(seen[v]), mask(plate)))
            seen[v] = plate
    n_plates = len({r['_plate'] for r in mine})
    n_ids = len({r.get('vehicle_id') for r in theirs})
    if n_plates != n_ids:
        d('%s: %d distinct vehicle_ids, expected %d vehicles' % (name, n_ids, n_plates))


# ----------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--data', default=HERE, help='folder with the five input files (default: this folder)')
    ap.add_argument('--as-of', default=None, help='default: the latest event time of a loaded record')
    ap.add_argument('--threshold', type=int, default=10, help='resident_entries_30d (default 10)')
    ap.add_argument('--out', default=None, help='write the reports here')
    ap.add_argument('--compare', default=None, help="Zonal's output folder to compare with")
    ap.add_argument('--prefix', default='../Datasets/tianjin/', help='rejects.file = prefix + file name')
    args = ap.parse_args()
    rep, rej, ctx = run(args.data, args.prefix, args.as_of, args.threshold)
    summary(rep, rej, ctx)
    ok = True
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        for name, cols in REPORTS.items():
            write_csv(os.path.join(args.out, name + '.csv'), cols, rep[name])
        write_csv(os.path.join(args.out, 'rejects_lines.csv'), ['file', 'line', 'field'],
                  [dict(file=f, line=l, field=fd) for f, l, fd, _ in rej])
        print('reports written to %s' % args.out)
    sample = os.path.exists(os.path.join(args.data, 'expected', 'planted_cases.csv'))
    if sample and ctx['as_of'] == parse_time('2026-05-31 20:00:00') and args.threshold == 10:
        ok &= check_planted(args.data, rep, rej, ctx, args.prefix)
    if args.compare:
        ok &= compare(args.compare, rep, rej)
        print('compare with %s -> %s' % (args.compare, 'OK' if ok else 'DIFFERENCES'))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
