#!/usr/bin/env python3
"""Deterministic generator of one large synthetic district for benchmarks.

    python3 bench/make_district.py [OUT_DIR]     # default bench/data/district

Writes OUT_DIR/fences/{MANAGEMENT,PARKING,NOPARKING}.{shp,shx,dbf,prj,cpg,xlsx}
(20,000 PARKING, 400 MANAGEMENT, 1,000 NOPARKING in EPSG:4490, same
conventions as Datasets/beijing: GBK DBFs, COORDS strings, Appendix A tables)
and OUT_DIR/districts.geojson (one synthetic square district, adcode 110105).

Layout: a 20 x 20 grid of cells (~850 m x 835 m) over 116.30-116.50 E,
39.85-40.00 N. Each cell holds one management zone (300-480 m, rotated a
little) with ~42 parking areas on a 25 m slot grid inside it, ~8 parking areas
outside the zone and 2-3 no-parking zones in the cell's free strip. Planted
defects (a few): 12 pairs of overlapping PARKING (F015), 10 NOPARKING zones
laid over parking areas (F009), 5 bow-tie PARKING polygons (F004).

Needs pyshp, openpyxl, pyproj, shapely (generation only).
"""
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # keep Datasets/beijing free of __pycache__
sys.path.insert(0, os.path.join(HERE, '..', 'Datasets', 'beijing'))
from make_dataset import (to_ll, to_xy, rect, xy_poly_to_ll, shp_rings, geod_area,  # noqa: E402
                          round_half_away, capacity_of, coords_string, write_shp, write_xlsx,
                          MGMT_HEADER, PARK_HEADER, NOPK_HEADER, STREETS, PLACE_SUFFIX, SCENES)
from shapely import affinity  # noqa: E402
from shapely.geometry import Polygon, box  # noqa: E402

SEED = 7_2024
AD = '110105'
DNAME = '朝阳区'
GX, GY = 20, 20
N_PARK, N_MGMT, N_NOPK = 20_000, 400, 1_000
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 116.30, 116.50, 39.85, 40.00
ROADS = ['建国路', '朝阳路', '京通快速路', '东三环中路', '东四环中路', '光华路', '金台路', '呼家楼南街',
         '团结湖路', '农展馆南路', '亮马桥路', '酒仙桥路', '望京街', '北辰东路', '安立路', '广渠路',
         '劲松路', '潘家园路', '朝阳北路', '姚家园路']


def main(out):
    rng = random.Random(SEED)
    x0, y0 = to_xy(LON_MIN, LAT_MIN)
    x1, y1 = to_xy(LON_MAX, LAT_MAX)
    cw, ch = (x1 - x0) / GX, (y1 - y0) / GY
    streets = sorted(STREETS[AD].items())

    zones, parks, nopks = [], [], []
    pseq = 0
    street_seq = {}   # 20,000 areas overflow a 4-digit per-district sequence: number per street
    nseq = 0

    def park(geom, zone, st, bowtie=False):
        nonlocal pseq
        pseq += 1
        street_seq[st] = street_seq.get(st, 0) + 1
        road = rng.choice(ROADS)
        place = f'{road}{rng.randint(1, 300)}号' if rng.random() < 0.5 else f'{road}{rng.choice(PLACE_SUFFIX)}'
        parks.append(dict(xy=geom, code=f'TFQ{AD}{st}{street_seq[st]:04d}',
                          name=f'{DNAME}{STREETS[AD][st]}{place}停放区', zone=zone, road=road,
                          abbr=f'CY{pseq % 10000:04d}', bowtie=bowtie))

    def nopk(geom, st):
        nonlocal nseq
        nseq += 1
        nopks.append(dict(xy=geom, code=f'JTQ{AD}{nseq:04d}',
                          name=f'{DNAME}{STREETS[AD][st]}{rng.choice(ROADS)}{rng.choice(PLACE_SUFFIX)}禁停区'))

    cells = [(i, j) for j in range(GY) for i in range(GX)]
    # how many of each per cell, spread so the totals are exact
    overlap_cells = set(rng.sample(range(N_MGMT), 12))
    f009_cells = set(rng.sample(range(N_MGMT), 10))
    bowtie_cells = set(rng.sample(range(N_MGMT), 5))
    in_total = 17_000 - len(overlap_cells)     # the overlapping copies make up the rest
    out_total = N_PARK - 17_000
    in_per = [in_total // N_MGMT + (1 if k < in_total % N_MGMT else 0) for k in range(N_MGMT)]
    out_per = [out_total // N_MGMT + (1 if k < out_total % N_MGMT else 0) for k in range(N_MGMT)]
    np_per = [N_NOPK // N_MGMT + (1 if k < N_NOPK % N_MGMT else 0) for k in range(N_MGMT)]

    for k, (i, j) in enumerate(cells):
        cx0, cy0 = x0 + i * cw, y0 + j * ch
        st = streets[(i * 7 + j * 3) % len(streets)][0]
        w, h = rng.uniform(300, 480), rng.uniform(300, 480)
        ang = rng.uniform(-5, 5)
        zc = (cx0 + 40 + 240, cy0 + 40 + 240)          # zone centre
        local = box(-w / 2, -h / 2, w / 2, h / 2)

        def place(g, zc=zc, ang=ang):
            return affinity.translate(affinity.rotate(g, ang, origin=(0, 0)), zc[0], zc[1])
        zgeom = place(local)
        zones.append(dict(xy=zgeom, code=f'RLQ{AD}{k + 1:03d}' if k < 999 else None,
                          name=f'{DNAME}{STREETS[AD][st][:-2]}{k + 1}号入栏管理区',
                          tech=rng.choice(['卫星技术', '蓝牙技术', '卫星与蓝牙结合技术'])))
        z = zones[-1]
        # parking slots (25 m) inside the zone, 5 m from its edge
        nx, ny = int((w - 10) // 25), int((h - 10) // 25)
        slots = rng.sample([(a, b) for a in range(nx) for b in range(ny)], in_per[k])
        slots.sort()
        first = None
        for a, b in slots:
            sx = -w / 2 + 5 + a * 25 + 12.5
            sy = -h / 2 + 5 + b * 25 + 12.5
            l, wd = rng.uniform(5, 20), rng.uniform(1.5, 3.0)
            g = rect(sx, sy, l, wd, rng.choice([0, 90]) + rng.uniform(-4, 4))
            park(place(g), z, st)
            first = first or (sx, sy, l, wd)
        if k in overlap_cells:                     # F015: a copy shifted 1 m
            sx, sy, l, wd = first
            park(place(rect(sx + 1.0, sy + 0.5, l, wd, 1.0)), z, st)
        # outside parking in the cell's top strip (y > 560 m from the cell origin)
        oslots = rng.sample([(a, b) for a in range(22) for b in range(10)], out_per[k])
        for n, (a, b) in enumerate(sorted(oslots)):
            sx, sy = cx0 + 12.5 + a * 25, cy0 + 575 + b * 25
            g = rect(sx, sy, rng.uniform(5, 20), rng.uniform(1.5, 3.0), rng.uniform(-90, 90))
            park(g, None, st, bowtie=(k in bowtie_cells and n == 0))
        # no-parking zones in the cell's right strip (x > 570 m)
        for n in range(np_per[k]):
            sx, sy = cx0 + 570 + 130, cy0 + 20 + n * 260 + 130
            nopk(rect(sx, sy, rng.uniform(30, 120), rng.uniform(30, 120), rng.uniform(-10, 10)), st)
        if k in f009_cells:                         # F009: replace the last one by a zone over a parking area
            p = parks[-1 - out_per[k] - (1 if k in overlap_cells else 0)]
            c = p['xy'].centroid
            nopks[-1]['xy'] = rect(c.x + 10, c.y + 10, 30, 30, ang)

    assert len(parks) == N_PARK and len(zones) == N_MGMT and len(nopks) == N_NOPK
    assert len({p['code'] for p in parks}) == N_PARK
    fdir = os.path.join(out, 'fences')
    os.makedirs(fdir, exist_ok=True)

    def finish(o, bowtie=False):
        ll = xy_poly_to_ll(o['xy'])
        rings = shp_rings(ll)
        o['area'] = geod_area(rings)
        if bowtie:
            r = rings[0][:-1]
            r = [r[0], r[2], r[1], r[3]]
            rings = [r + [r[0]]]
        o['rings'] = rings
        o['COORDS'] = coords_string(rings[0])

    for o in zones + nopks:
        finish(o)
    for p in parks:
        finish(p, p['bowtie'])

    def feats(lst):
        return [dict(rings=o['rings'], CODE=o['code'], NAME=o['name'], COORDS=o['COORDS']) for o in lst]
    write_shp(os.path.join(fdir, 'MANAGEMENT'), feats(zones), cpg='GBK')
    write_shp(os.path.join(fdir, 'PARKING'), feats(parks), cpg='GBK')
    write_shp(os.path.join(fdir, 'NOPARKING'), feats(nopks), cpg='GBK')

    write_xlsx(os.path.join(fdir, 'MANAGEMENT.xlsx'), MGMT_HEADER,
               [[n, z['name'], z['code'], round_half_away(z['area'] / 1e6, 4), 1, z['tech'], '']
                for n, z in enumerate(zones, 1)], {'面积': '0.0000'})
    rows = []
    for n, p in enumerate(parks, 1):
        a = round_half_away(p['area'], 2)
        rows.append([n, p['name'], p['code'], a, capacity_of(a), rng.choice([4, 4, 1, 2, 3, 5, 6, 7]),
                     rng.randint(1, 9), 1, '24小时', 2, rng.choice(SCENES), '', p['road'],
                     p['zone']['code'] if p['zone'] else '', p['abbr'],
                     '蓝牙道钉' if p['zone'] and p['zone']['tech'] != '卫星技术' else '', ''])
    write_xlsx(os.path.join(fdir, 'PARKING.xlsx'), PARK_HEADER, rows, {'面积': '0.00'})
    write_xlsx(os.path.join(fdir, 'NOPARKING.xlsx'), NOPK_HEADER,
               [[n, o['name'], o['code'], round_half_away(o['area'], 2), rng.randint(1, 3), '卫星技术', '24小时', '']
                for n, o in enumerate(nopks, 1)], {'面积': '0.00'})

    # one synthetic district covering the whole area (so F017 has something to check)
    ring = [[LON_MIN - 0.01, LAT_MIN - 0.01], [LON_MAX + 0.01, LAT_MIN - 0.01],
            [LON_MAX + 0.01, LAT_MAX + 0.01], [LON_MIN - 0.01, LAT_MAX + 0.01], [LON_MIN - 0.01, LAT_MIN - 0.01]]
    with open(os.path.join(out, 'districts.geojson'), 'w', encoding='utf-8') as fh:
        json.dump({'type': 'FeatureCollection', 'features': [{'type': 'Feature',
                   'properties': {'adcode': AD, 'name': DNAME},
                   'geometry': {'type': 'Polygon', 'coordinates': [ring]}}]}, fh, ensure_ascii=False)
        fh.write('\n')
    print(f'bench district: MANAGEMENT {len(zones)}, PARKING {len(parks)}, NOPARKING {len(nopks)} '
          f'-> {fdir}', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'data', 'district'))
