#!/usr/bin/env python3
"""Independent re-check of the Beijing sample against CONTRACT §4 rules F001-F017.

    python3 check_dataset.py [DATASET_DIR]

Reads only the written files (shapefiles, xlsx, districts.geojson), applies the
fence audit rules in plain Python (shapely + pyproj) and compares the
(layer, code, rule) set with expected_planted.csv. Exit 0 when they agree.
Data-generation aid only; Zonal itself does not use it.
"""
import csv
import json
import math
import os
import re
import sys

import openpyxl
import shapefile
from pyproj import Geod
from shapely.geometry import Polygon, shape
from shapely.strtree import STRtree
from shapely.validation import explain_validity

GEOD = Geod(a=6378137.0, rf=298.257222101)
CODE_RE = {'MANAGEMENT': re.compile(r'^RLQ\d{9}$'), 'PARKING': re.compile(r'^TFQ\d{13}$'),
           'NOPARKING': re.compile(r'^JTQ\d{10}$')}
NAME_RE = {'MANAGEMENT': re.compile(r'^.+?区.+入栏管理区$'),
           'PARKING': re.compile(r'^.+?区(.+?街道)?.+停放区$'),
           'NOPARKING': re.compile(r'^.+?区.+?街道.+禁停区$')}
ENUMS = {'位置': range(1, 8), '用地类型': range(1, 10), '性质': range(1, 3), '设置原因': range(1, 4)}


def dbf_encoding(base):
    for ext in ('.cpg', '.CPG'):
        if os.path.exists(base + ext):
            v = open(base + ext, encoding='ascii').read().strip().upper()
            return {'GBK': 'gbk', 'CP936': 'gbk', '936': 'gbk', 'GB18030': 'gb18030'}.get(v, 'utf-8')
    with open(base + '.dbf', 'rb') as fh:
        fh.seek(29)
        if fh.read(1) == b'\x4d':
            return 'gbk'
    return 'utf-8'


def geod_area(poly):
    def ra(coords):
        c = list(coords)[:-1]
        return abs(GEOD.polygon_area_perimeter([p[0] for p in c], [p[1] for p in c])[0])
    return ra(poly.exterior.coords) - sum(ra(i.coords) for i in poly.interiors)


def metric_sides(poly):
    c = poly.centroid
    kx = 111412.84 * math.cos(math.radians(c.y))
    ky = 111132.954
    from shapely import affinity
    m = affinity.scale(poly, kx, ky, origin=(0, 0)).minimum_rotated_rectangle
    cs = list(m.exterior.coords)
    return sorted(math.dist(cs[i], cs[i + 1]) for i in range(2))


def rnd(v, nd):
    q = 10 ** nd
    return math.floor(abs(v) * q + 0.5) / q


def load(folder, layer, rows_out):
    base = os.path.join(folder, layer)
    r = shapefile.Reader(base, encoding=dbf_encoding(base))
    feats = []
    for i, sr in enumerate(r.iterShapeRecords(), 1):
        pts, parts = sr.shape.points, list(sr.shape.parts) + [len(sr.shape.points)]
        rings = [pts[parts[k]:parts[k + 1]] for k in range(len(parts) - 1)]
        poly = Polygon(rings[0], rings[1:])
        feats.append(dict(n=i, code=sr.record['CODE'], name=sr.record['NAME'],
                          coords=sr.record['COORDS'], ring=rings[0], poly=poly))
    wb = openpyxl.load_workbook(base + '.xlsx', read_only=True)
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    hdr = list(next(it))
    rows = [dict(zip(hdr, row)) for row in it]
    return feats, rows


def main(folder):
    fdir = os.path.join(folder, 'fences')
    out = set()
    layers = {}
    for layer in ('MANAGEMENT', 'PARKING', 'NOPARKING'):
        feats, rows = load(fdir, layer, None)
        layers[layer] = (feats, rows)
    dists = []
    with open(os.path.join(folder, 'districts.geojson'), encoding='utf-8') as fh:
        for f in json.load(fh)['features']:
            dists.append((f['properties']['adcode'], shape(f['geometry'])))

    for layer, (feats, rows) in layers.items():
        rowmap = {}
        for r in rows:
            rowmap.setdefault(str(r['编码']), r)
        codes = {}
        for f in feats:
            codes.setdefault(f['code'], []).append(f)
        for code, fs in codes.items():
            if len(fs) > 1:
                out.add((layer, code, 'F002'))
        for f in feats:
            code, poly = f['code'], f['poly']
            if not CODE_RE[layer].match(code):
                out.add((layer, code, 'F001'))
            if not NAME_RE[layer].match(f['name'] or ''):
                out.add((layer, code, 'F014'))
            distinct = {tuple(p) for p in f['ring']}
            if len(distinct) < 4:
                out.add((layer, code, 'F005'))
            valid = poly.is_valid
            if not valid:
                out.add((layer, code, 'F004'))
            if f['coords']:
                parts = f['coords'].split('|')
                bad = False
                for p in parts:
                    for num in p.split(','):
                        if not re.fullmatch(r'-?\d+\.\d{8}', num):
                            bad = True
                ring = f['ring'][:-1] if f['ring'][0] == f['ring'][-1] else f['ring']
                if parts and parts[-1] == parts[0] and len(parts) == len(ring) + 1:
                    parts = parts[:-1]
                if len(parts) != len(ring):
                    bad = True
                else:
                    for p, (x, y) in zip(parts, ring):
                        px, py = map(float, p.split(','))
                        _, _, d = GEOD.inv(px, py, x, y)
                        if d > 0.01:
                            bad = True
                if bad:
                    out.add((layer, code, 'F006'))
            if layer == 'MANAGEMENT' and valid and metric_sides(poly)[0] < 30:
                out.add((layer, code, 'F008'))
            if valid:
                rp = poly.representative_point()
                d = [ad for ad, g in dists if g.covers(rp)]
                if CODE_RE[layer].match(code) and code[3:9] not in d:
                    out.add((layer, code, 'F017'))
            row = rowmap.get(code)
            if row is None:
                out.add((layer, code, 'F016'))
                continue
            if valid:
                a = geod_area(poly)
                if layer == 'MANAGEMENT':
                    attr, comp, half = row['面积'], a / 1e6, 0.00005
                    tol = max(0.5e-6, 0.01 * comp, half)
                else:
                    attr, comp = row['面积'], rnd(a, 2)
                    tol = max(0.5, 0.01 * comp, 0.005)
                if abs(float(attr) - comp) > tol + 1e-12:
                    out.add((layer, code, 'F011'))
                if layer == 'PARKING':
                    cap = int(math.floor(a * 100 + 0.5)) // 114
                    if int(row['可容纳车辆']) != cap:
                        out.add((layer, code, 'F012'))
            for k, rg in ENUMS.items():
                if k in row and row[k] is not None and row[k] not in rg:
                    out.add((layer, code, 'F013'))
        fcodes = set(codes)
        for r in rows:
            if str(r['编码']) not in fcodes:
                out.add((layer, str(r['编码']), 'F016'))

    # F015 within layers, F009 NOPARKING x PARKING, F010 containment
    def pairs(a, b, same):
        tree = STRtree([f['poly'] for f in b])
        res = []
        for i, f in enumerate(a):
            if not f['poly'].is_valid:
                continue
            for j in tree.query(f['poly']):
                g = b[j]
                if (same and j <= i) or not g['poly'].is_valid:
                    continue
                if f['poly'].intersection(g['poly']).area > 0:
                    res.append((f, g))
        return res
    for layer in layers:
        for f, g in pairs(layers[layer][0], layers[layer][0], True):
            out.add((layer, f['code'], 'F015'))
    for f, g in pairs(layers['NOPARKING'][0], layers['PARKING'][0], False):
        out.add(('NOPARKING', f['code'], 'F009'))
    zones = layers['MANAGEMENT'][0]
    ztree = STRtree([z['poly'] for z in zones])
    prow = {str(r['编码']): r for r in layers['PARKING'][1]}
    for p in layers['PARKING'][0]:
        if not p['poly'].is_valid or p['code'] not in prow:
            continue
        cover = [zones[j]['code'] for j in ztree.query(p['poly']) if zones[j]['poly'].covers(p['poly'])]
        part = [zones[j]['code'] for j in ztree.query(p['poly'])
                if zones[j]['poly'].intersection(p['poly']).area > 0]
        want = cover[0] if cover else ''
        attr = prow[p['code']]['入栏管理区编码'] or ''
        if (part and not cover) or attr != want:
            out.add(('PARKING', p['code'], 'F010'))

    exp_path = os.path.join(folder, 'expected_planted.csv')
    if not os.path.exists(exp_path):
        from collections import Counter
        print(dict(sorted(Counter(r for _, _, r in out).items())), f'{len(out)} findings')
        return 0
    with open(exp_path, encoding='utf-8') as fh:
        exp = {(r['layer'], r['code'], r['rule']) for r in csv.DictReader(fh)}
    for x in sorted(out - exp):
        print('UNEXPECTED', *x)
    for x in sorted(exp - out):
        print('MISSING   ', *x)
    print(f'{len(out)} findings, {len(exp)} expected, '
          f"{'OK' if out == exp else 'MISMATCH'}")
    return 0 if out == exp else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))))
