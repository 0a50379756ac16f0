#!/usr/bin/env python3
"""One day of bike-sharing data on top of the Beijing fence sample (seed 002 §4,
§6, §7.2, Appendix B; CONTRACT §3.2, §4 infence_rate / zone_occupancy /
device_health).

    python3 make_bike_day.py            # writes next to this file

Reads the fence Shapefiles in fences/ (pyshp, encoding gbk) and districts.geojson
and writes:

    parking_events.csv.gz               ~200,000 lock events of 2026-11-20 (+37 bad rows)
    bt_sniffers.csv, bt_sniffer_status.csv, bt_studs.csv, bt_stud_status.csv,
    monitored_bikes.csv, bike_counts.csv            Appendix B device files
    expected/...                        reference results computed here with
                                        shapely/pyproj (never from Zonal)

Deterministic: fixed seed, gzip mtime 0, so two runs give byte-identical files.
Needs (generation only): pip install pyshp pyproj shapely
"""
import csv
import gzip
import io
import json
import math
import os
import random
import sys
import warnings
from datetime import datetime, timedelta

import numpy as np
import shapefile  # pyshp
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261120
DAY = datetime(2026, 11, 20)
GEOD = Geod(a=6378137.0, rf=298.257222101)
COMPANIES = [('美团', 'MT', 0.45), ('哈啰', 'HL', 0.35), ('青桔', 'QJ', 0.20)]
N_GOOD = 200_000

# local metric frame, shared with make_dataset.py; only used for placing points
# and for safety margins -- every expected number is computed on lon/lat.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_dataset import LON0, LAT0, KX, KY, to_ll, to_xy  # noqa: E402


def ll_to_xy_geom(g):
    return shapely.transform(g, lambda c: (c - (LON0, LAT0)) * (KX, KY))


# ----------------------------------------------------------------------------
# number formatting (exact, half away from zero)
# ----------------------------------------------------------------------------
def ratio4(p, q):
    """p/q (non-negative ints) rounded half away from zero to 4 decimals; asserts no tie."""
    num = 20000 * p
    assert num % (2 * q) != q, f'rounding tie {p}/{q}'
    n = (num + q) // (2 * q)
    return f'{n // 10000}.{n % 10000:04d}'


def geod_area(geom):
    tot = 0.0
    rings = [geom.exterior] + list(geom.interiors)
    for i, r in enumerate(rings):
        cs = list(r.coords)[:-1]
        a, _ = GEOD.polygon_area_perimeter([c[0] for c in cs], [c[1] for c in cs])
        tot += abs(a) if i == 0 else -abs(a)
    return tot


def capacity_of(area_m2):
    cents = int(math.floor(abs(area_m2) * 100 + 0.5))
    return cents // 114


# ----------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------
def load_layer(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        r = shapefile.Reader(os.path.join(HERE, 'fences', name), encoding='gbk')
        out = []
        for i, sr in enumerate(r.iterShapeRecords(), 1):
            g = shape(sr.shape.__geo_interface__)
            out.append(dict(rec=i, code=sr.record['CODE'], name=sr.record['NAME'], ll=g,
                            xy=ll_to_xy_geom(g), valid=g.is_valid, points=sr.shape.points))
        r.close()
    return out


def load_tech(xlsx, col):
    import openpyxl
    ws = openpyxl.load_workbook(xlsx, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    h = rows[0]
    return {r[h.index('编码')]: r[h.index(col)] for r in rows[1:]}


# ----------------------------------------------------------------------------
def main(outdir=HERE):
    rng = random.Random(SEED)
    nrng = np.random.default_rng(SEED)
    M = load_layer('MANAGEMENT')
    P = load_layer('PARKING')
    N = load_layer('NOPARKING')
    with open(os.path.join(HERE, 'districts.geojson'), encoding='utf-8') as fh:
        dj = json.load(fh)
    dists = {f['properties']['adcode']: shape(f['geometry']) for f in dj['features']}
    core = shapely.union_all([dists[a] for a in ('110101', '110102', '110105')])
    core_xy = ll_to_xy_geom(core)
    shapely.prepare(core_xy)
    mtech = load_tech(os.path.join(HERE, 'fences', 'MANAGEMENT.xlsx'), '技术类型')
    ntech = load_tech(os.path.join(HERE, 'fences', 'NOPARKING.xlsx'), '采用技术形式')
    pcode = {p['code']: p for p in P}

    # relationships (on lon/lat)
    for z in M:
        assert z['valid']
        z['parks'] = [p for p in P if p['valid'] and z['ll'].covers(p['ll'])]
        z['capacity'] = sum(capacity_of(geod_area(p['ll'])) for p in z['parks'])
    for a in M:
        for b in M:
            assert a is b or not a['ll'].intersects(b['ll']), 'zones overlap'
    zone_union_xy = shapely.union_all([z['xy'] for z in M])
    zone_bnd_xy = zone_union_xy.boundary
    park_union_xy = shapely.union_all([p['xy'] for p in P if p['valid']])
    nopk_union_xy = shapely.union_all([n['xy'] for n in N])
    nopk_bnd_xy = nopk_union_xy.boundary
    for g in (zone_union_xy, zone_bnd_xy, park_union_xy, nopk_union_xy, nopk_bnd_xy):
        shapely.prepare(g)

    # ------------------------------------------------------------------------
    # events: (lon_str, lat_str, tag)
    # ------------------------------------------------------------------------
    def fmt7(v):
        return f'{v:.7f}'

    def rounded(xs, ys):
        lon, lat = to_ll(xs, ys)
        lon = np.round(lon, 7)
        lat = np.round(lat, 7)
        x2, y2 = to_xy(lon, lat)
        return lon, lat, x2, y2

    def sample_in(poly_xy, n, accept):
        """n points uniform in poly_xy (metric), rounded to 7 decimals in lon/lat,
        accepted by accept(x, y) -> bool array. Returns lon, lat arrays."""
        minx, miny, maxx, maxy = poly_xy.bounds
        outl, outa = [], []
        got = 0
        while got < n:
            k = max(64, int((n - got) * 2.5))
            xs = nrng.uniform(minx, maxx, k)
            ys = nrng.uniform(miny, maxy, k)
            lon, lat, x2, y2 = rounded(xs, ys)
            ok = shapely.contains_xy(poly_xy, x2, y2) & accept(x2, y2)
            outl.append(lon[ok])
            outa.append(lat[ok])
            got += int(ok.sum())
        return np.concatenate(outl)[:n], np.concatenate(outa)[:n]

    def dist_to(g, x, y):
        return shapely.distance(g, shapely.points(x, y))

    MARGIN = 0.05  # m: random events keep this far from every relevant boundary

    def acc_in_zone_parked(x, y):
        return (dist_to(zone_bnd_xy, x, y) > MARGIN) & (dist_to(park_union_xy.boundary, x, y) > MARGIN) \
            & (dist_to(nopk_bnd_xy, x, y) > MARGIN)

    def acc_in_zone_unparked(x, y):
        # outside every parking area by more than 2.1 m: only planted events
        # sit within 0-3 m of a parking area
        return (dist_to(zone_bnd_xy, x, y) > MARGIN) & (dist_to(park_union_xy, x, y) > 2.1) \
            & (dist_to(nopk_bnd_xy, x, y) > MARGIN)

    events = []   # dicts: lon(str), lat(str), company idx, tag

    def add(lons, lats, comp, tag):
        for lo, la, c in zip(lons, lats, comp):
            events.append(dict(lon=fmt7(lo), lat=fmt7(la), comp=int(c), tag=tag))

    def companies(n, adj=None):
        return nrng.choice(3, size=n, p=[c[2] for c in COMPANIES])

    planted = {}  # tag -> description

    # ---- planted cases first (small) ----
    # (a) tolerance events: 0-3 m outside a parking edge, inside the zone
    tol_targets = [0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3,
                   1.4, 1.5, 1.6, 1.7, 1.8, 1.88, 2.12, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9,
                   2.95, 0.08, 1.25, 1.75, 2.45, 0.35, 1.05, 2.65, 1.55, 0.55]
    tol_events = []
    cand_parks = [p for z in M for p in z['parks']
                  if p['code'] not in ('TFQ1101010040084', 'TFQ1101010040113', 'TFQ1101020010001')]
    for d in tol_targets:
        for _ in range(200):
            p = cand_parks[rng.randrange(len(cand_parks))]
            cs = list(p['xy'].exterior.coords)
            i = rng.randrange(len(cs) - 1)
            (x1, y1), (x2, y2) = cs[i], cs[i + 1]
            L = math.hypot(x2 - x1, y2 - y1)
            if L < 1.0:
                continue
            t = rng.uniform(0.25, 0.75)
            mx, my = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
            nx, ny = (y2 - y1) / L, -(x2 - x1) / L
            if p['xy'].contains(Point(mx + 0.01 * nx, my + 0.01 * ny)):
                nx, ny = -nx, -ny
            lon, lat, xx, yy = rounded(np.array([mx + d * nx]), np.array([my + d * ny]))
            pt = Point(xx[0], yy[0])
            if not zone_union_xy.contains(pt) or zone_bnd_xy.distance(pt) < 5 or \
                    nopk_union_xy.distance(pt) < 5 or park_union_xy.contains(pt):
                continue
            if abs(park_union_xy.distance(pt) - d) > 0.02:
                continue     # another parking area is nearer: try again
            tol_events.append((lon[0], lat[0]))
            break
        else:
            raise SystemExit(f'tolerance event {d} failed')
    add([e[0] for e in tol_events], [e[1] for e in tol_events], companies(len(tol_events)), 'tolerance')
    planted['tolerance'] = '0-3 m outside a parking area edge, inside the zone'

    # (b) exact boundary events (coordinates equal to fence vertices / on an axis-aligned edge)
    exact = [
        ('116.4166750', '39.9301790', 'vertex_parking'),    # TFQ1101010060043 vertex 1 (6-decimal geometry)
        ('116.4195215', '39.9063049', 'vertex_parking'),    # TFQ1101010080012 vertex
        ('116.4682003', '39.9313909', 'vertex_parking'),    # TFQ1101050130022 vertex
        ('116.3490109', '39.9169503', 'vertex_parking'),    # TFQ1101020070046 vertex
        ('116.44489935', '39.9225428', 'edge_parking'),     # TFQ1101050020018 vertical edge x=116.44489935
        ('116.44509203', '39.9225400', 'edge_parking'),     # TFQ1101050020018 other vertical edge
        ('116.4147468', '39.9305495', 'vertex_zone'),       # RLQ110101007 vertex
        ('116.3401244', '39.9319981', 'vertex_zone'),       # RLQ110102008 vertex
        ('116.4173235', '39.9104885', 'vertex_noparking'),  # JTQ1101010010 (west feature) vertex
        ('116.4173235', '39.9103000', 'edge_noparking'),    # JTQ1101010010 (west feature) vertical edge
    ]
    for lo, la, tag in exact:
        events.append(dict(lon=lo, lat=la, comp=rng.randrange(3), tag=tag))
    planted['vertex_parking'] = 'exactly on a parking area vertex'
    planted['edge_parking'] = 'exactly on a vertical parking edge (lon with 8 decimals)'
    planted['vertex_zone'] = 'exactly on a management zone vertex, not in parking'
    planted['vertex_noparking'] = 'exactly on a no-parking vertex'
    planted['edge_noparking'] = 'exactly on a no-parking vertical edge'

    # (c) events in the hole of 团结湖 (RLQ110105004): in no zone
    tj = next(z for z in M if z['code'] == 'RLQ110105004')
    from shapely.geometry import Polygon
    hole_xy = Polygon(tj['xy'].interiors[0].coords)
    lo, la = sample_in(hole_xy, 15, lambda x, y: (dist_to(hole_xy.boundary, x, y) > 1.0)
                       & ~shapely.contains_xy(park_union_xy, x, y) & ~shapely.contains_xy(nopk_union_xy, x, y))
    add(lo, la, companies(15), 'hole')
    planted['hole'] = 'inside the hole of RLQ110105004 (团结湖): in no zone'

    # (d) straddling parking TFQ1101010090114: parts inside / outside RLQ110101005
    st = pcode['TFQ1101010090114']
    z5 = next(z for z in M if z['code'] == 'RLQ110101005')
    inside_part = st['xy'].intersection(z5['xy'])
    outside_part = st['xy'].difference(z5['xy'])
    lo, la = sample_in(inside_part, 6, lambda x, y: (dist_to(inside_part.boundary, x, y) > 0.1))
    add(lo, la, companies(6), 'straddle_in')
    lo, la = sample_in(outside_part, 4, lambda x, y: (dist_to(outside_part.boundary, x, y) > 0.1))
    add(lo, la, companies(4), 'straddle_out')
    planted['straddle_in'] = 'in TFQ1101010090114 (straddles RLQ110101005), part inside the zone: in zone and in parking'
    planted['straddle_out'] = 'in TFQ1101010090114, part outside the zone: in no zone'

    # (e) overlap of TFQ1101010040084 and TFQ1101010040113 (F015): counted once
    ov = pcode['TFQ1101010040084']['xy'].intersection(pcode['TFQ1101010040113']['xy'])
    lo, la = sample_in(ov, 5, lambda x, y: (dist_to(ov.boundary, x, y) > 0.1))
    add(lo, la, companies(5), 'park_overlap')
    planted['park_overlap'] = 'in both overlapping parking areas TFQ1101010040084/TFQ1101010040113: counted once'

    # (f) overlap of NOPARKING JTQ1101020009 and PARKING TFQ1101020010001 (F009), inside RLQ110102001
    n9 = next(n for n in N if n['code'] == 'JTQ1101020009')
    ov2 = n9['xy'].intersection(pcode['TFQ1101020010001']['xy'])
    lo, la = sample_in(ov2, 8, lambda x, y: (dist_to(ov2.boundary, x, y) > 0.1))
    add(lo, la, companies(8), 'nopk_park_overlap')
    planted['nopk_park_overlap'] = 'in JTQ1101020009 and in TFQ1101020010001 (inside RLQ110102001): in zone, in parking and a no-parking event'

    # (g) events in parking areas outside every zone: count nowhere
    out_parks = [p for p in P if p['valid'] and not zone_union_xy.intersects(p['xy'])]
    for i in range(150):
        p = out_parks[i % len(out_parks)]
        lo, la = sample_in(p['xy'], 1, lambda x, y, p=p: dist_to(p['xy'].boundary, x, y) > MARGIN)
        add(lo, la, companies(1), 'outside_parking')
    planted['outside_parking'] = 'in a parking area outside every zone: counted in no zone'

    n_planted = len(events)

    # ---- in-zone events ----
    n_zone = 150_000
    zw = np.array([rng.uniform(0.4, 1.6) * (len(z['parks']) + 3) for z in M])
    zcounts = np.floor(zw / zw.sum() * n_zone).astype(int)
    zcounts[np.argmax(zw)] += n_zone - zcounts.sum()
    comp_adj = [0.015, 0.0, -0.045]
    zone_rate = {}
    for z, nz in zip(M, zcounts):
        u = rng.random()
        r = 0.98 - 0.28 * u * u
        zone_rate[z['code']] = r
        comp = companies(int(nz))
        pr = np.clip(r + np.array(comp_adj)[comp], 0.6, 0.995)
        parked = nrng.random(int(nz)) < pr
        if not z['parks']:
            parked[:] = False
        n_in = int(parked.sum())
        # parked events: parking areas weighted by area
        if n_in:
            areas = np.array([p['xy'].area for p in z['parks']])
            pick = nrng.choice(len(z['parks']), size=n_in, p=areas / areas.sum())
            cin = comp[parked]
            for j, p in enumerate(z['parks']):
                m = int((pick == j).sum())
                if not m:
                    continue
                lo, la = sample_in(p['xy'], m, acc_in_zone_parked)
                add(lo, la, cin[pick == j], 'zone_parked')
        cout = comp[~parked]
        lo, la = sample_in(z['xy'], len(cout), acc_in_zone_unparked)
        add(lo, la, cout, 'zone_unparked')

    # ---- no-parking events (a few hot spots) ----
    n_nopk = 16_000
    hot = {'JTQ1101050002': 10, 'JTQ1101020002': 8, 'JTQ1101010003': 8, 'JTQ1101050001': 6}
    nw = np.array([hot.get(n['code'], 1.0) for n in N])
    ncounts = np.floor(nw / nw.sum() * n_nopk).astype(int)
    ncounts[0] += n_nopk - ncounts.sum()
    for n, k in zip(N, ncounts):
        lo, la = sample_in(n['xy'], int(k), lambda x, y: (dist_to(nopk_bnd_xy, x, y) > MARGIN)
                           & (dist_to(zone_bnd_xy, x, y) > MARGIN) & (dist_to(park_union_xy, x, y) > 2.1))
        add(lo, la, companies(int(k)), 'noparking')

    # ---- scattered outside zones ----
    n_out = N_GOOD - len(events)
    anchors = [z['xy'].centroid for z in M]
    xs, ys = [], []
    while len(xs) < n_out:
        k = 20000
        ai = nrng.integers(0, len(anchors), k)
        r = nrng.uniform(60, 1800, k)
        t = nrng.uniform(0, 2 * math.pi, k)
        ax = np.array([anchors[i].x for i in ai])
        ay = np.array([anchors[i].y for i in ai])
        lon, lat, x2, y2 = rounded(ax + r * np.cos(t), ay + r * np.sin(t))
        ok = shapely.contains_xy(core_xy, x2, y2) & ~shapely.contains_xy(zone_union_xy, x2, y2) \
            & ~shapely.contains_xy(nopk_union_xy, x2, y2) \
            & (dist_to(zone_bnd_xy, x2, y2) > MARGIN) & (dist_to(nopk_bnd_xy, x2, y2) > MARGIN)
        xs.extend(lon[ok].tolist())
        ys.extend(lat[ok].tolist())
    add(xs[:n_out], ys[:n_out], companies(n_out), 'outside')
    assert len(events) == N_GOOD

    # ------------------------------------------------------------------------
    # times, ids, accuracy
    # ------------------------------------------------------------------------
    secs = []
    for _ in range(N_GOOD):
        u = rng.random()
        if u < 0.22:
            s = rng.gauss(8.4 * 3600, 2400)
        elif u < 0.42:
            s = rng.gauss(18.5 * 3600, 3300)
        elif u < 0.52:
            s = rng.gauss(12.3 * 3600, 3000)
        else:
            s = rng.uniform(6 * 3600, 23.5 * 3600) if rng.random() < 0.9 else rng.uniform(0, 86400)
        secs.append(min(max(int(s), 0), 86399))
    order = list(range(N_GOOD))
    rng.shuffle(order)           # spatial generation order -> random time slot
    secs.sort()
    ev_sorted = [None] * N_GOOD
    for slot, ei in enumerate(order):
        ev_sorted[slot] = events[ei]
        events[ei]['sec'] = secs[slot]
    events = ev_sorted
    pools = {}
    for ci, (_, pre, share) in enumerate(COMPANIES):
        pools[ci] = sorted(rng.sample(range(1, 10_000_000), int(60000 * share / 0.45)))
    ms_left = 25
    for i, e in enumerate(events, 1):
        e['id'] = f'E{i:07d}'
        ci = e['comp']
        e['bike'] = f"{COMPANIES[ci][1]}{pools[ci][rng.randrange(len(pools[ci]))]:07d}"
        t = DAY + timedelta(seconds=e['sec'])
        u = rng.random()
        if u < 0.05:
            e['time'] = t.strftime('%Y-%m-%dT%H:%M:%S') + '+08:00'
        elif u < 0.15:
            e['time'] = t.strftime('%Y%m%d%H%M%S')
        elif u < 0.152 and ms_left > 0:
            ms_left -= 1
            e['time'] = t.strftime('%Y-%m-%d %H:%M:%S') + f'.{rng.randrange(1, 1000):03d}'
        else:
            e['time'] = t.strftime('%Y-%m-%d %H:%M:%S')
        e['acc'] = f'{rng.uniform(0.3, 12.0):.1f}'

    # ------------------------------------------------------------------------
    # bad rows, inserted between good rows
    # ------------------------------------------------------------------------
    HEADER = ['event_id', 'bike_id', 'company', 'lon', 'lat', 'time', 'accuracy_m']
    bad_kinds = (['lon'] * 10 + ['time'] * 8 + ['bike_id'] * 7 + ['lat'] * 6 + ['fields'] * 6)
    bad_lon_vals = ['abc', '116.4l23456', 'N/A', '-', '116,4123456', 'lon', '116.41.23', '东经116.4', 'NULL', '116.4O']
    positions = sorted(rng.sample(range(1, N_GOOD), len(bad_kinds)))
    rng.shuffle(bad_kinds)
    bad_rows = {}
    next_id = N_GOOD
    for pos, kind in zip(positions, bad_kinds):
        src = events[pos]
        next_id += 1
        row = [f'E{next_id:07d}', src['bike'], COMPANIES[src['comp']][0], src['lon'], src['lat'],
               src['time'], src['acc']]
        if kind == 'lon':
            row[3] = bad_lon_vals.pop(0)
        elif kind == 'time':
            row[5] = '2026-13-40 25:00:00'
        elif kind == 'bike_id':
            row[1] = ''
        elif kind == 'lat':
            row[4] = '95.1'
        else:
            row = row[:6] if sum(1 for k in bad_rows.values() if k[0] == 'fields') % 2 == 0 else row + ['x']
        bad_rows[pos] = (kind, row)
    lines = []
    rejects = []
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n')
    w.writerow(HEADER)
    line = 1
    for i, e in enumerate(events):
        if i in bad_rows:
            kind, row = bad_rows[i]
            w.writerow(row)
            line += 1
            field = {'lon': 'lon', 'time': 'time', 'bike_id': 'bike_id', 'lat': 'lat', 'fields': ''}[kind]
            reason = {'lon': 'number', 'time': 'time', 'bike_id': 'empty', 'lat': 'range', 'fields': 'fields'}[kind]
            rejects.append(('parking_events.csv.gz', line, field, reason, kind))
        w.writerow([e['id'], e['bike'], COMPANIES[e['comp']][0], e['lon'], e['lat'], e['time'], e['acc']])
        line += 1
        e['line'] = line
    raw = buf.getvalue().encode('utf-8')
    gz = io.BytesIO()
    with gzip.GzipFile(filename='parking_events.csv', mode='wb', fileobj=gz, mtime=0, compresslevel=9) as g:
        g.write(raw)
    with open(os.path.join(outdir, 'parking_events.csv.gz'), 'wb') as fh:
        fh.write(gz.getvalue())
    # sanity: re-read with csv and count
    rd = list(csv.reader(io.StringIO(raw.decode('utf-8'))))
    assert len(rd) == N_GOOD + 1 + len(bad_kinds)
    for f, ln, field, reason, kind in rejects:
        r = rd[ln - 1]
        if kind == 'fields':
            assert len(r) != 7
        else:
            assert r[HEADER.index(field)] in ('', '95.1', '2026-13-40 25:00:00') or kind == 'lon'

    os.makedirs(os.path.join(outdir, 'expected'), exist_ok=True)

    def write_csv(name, header, rows):
        with open(os.path.join(outdir, name), 'w', encoding='utf-8', newline='') as fh:
            cw = csv.writer(fh, lineterminator='\n')
            cw.writerow(header)
            cw.writerows(rows)

    write_csv('expected/rejects_parking_events.csv', ['file', 'line', 'field', 'reason_keyword'],
              [r[:4] for r in rejects])

    # ------------------------------------------------------------------------
    # expected in-fence results, computed on lon/lat with shapely (covers)
    # ------------------------------------------------------------------------
    lon = np.array([float(e['lon']) for e in events])
    lat = np.array([float(e['lat']) for e in events])
    pts = shapely.points(lon, lat)

    def covering(layer, valid_only=False):
        geoms = [o['ll'] for o in layer]
        tree = STRtree(geoms)
        pi, gi = tree.query(pts, predicate='covered_by')
        res = [[] for _ in range(len(pts))]
        for a, b in zip(pi, gi):
            if valid_only and not layer[b]['valid']:
                continue
            res[a].append(b)
        return res

    in_zone = covering(M)
    in_park = covering(P)
    in_nopk = covering(N)
    multi = sum(1 for z in in_zone if len(z) > 1)
    assert multi == 0, 'an event in two zones'
    for i, e in enumerate(events):
        e['zone'] = M[in_zone[i][0]]['code'] if in_zone[i] else None
        e['parked'] = bool(in_park[i])
        e['nopk'] = N[in_nopk[i][0]]['code'] if in_nopk[i] else None
        assert len(in_nopk[i]) <= 1
        # the random events must have landed where intended
        tag = e['tag']
        if tag == 'zone_parked':
            assert e['zone'] and e['parked']
        elif tag == 'zone_unparked':
            assert e['zone'] and not e['parked']
        elif tag == 'outside':
            assert not e['zone'] and not e['nopk']
        elif tag == 'noparking':
            assert e['nopk'] and not e['parked']
        elif tag == 'tolerance':
            assert e['zone'] and not e['parked'] and not e['nopk']
        elif tag in ('vertex_parking', 'edge_parking'):
            assert e['zone'] and e['parked']
        elif tag == 'vertex_zone':
            assert e['zone'] and not e['parked']
        elif tag in ('vertex_noparking', 'edge_noparking'):
            assert e['nopk'] == 'JTQ1101010010' and not e['zone']
        elif tag in ('hole', 'straddle_out', 'outside_parking'):
            assert not e['zone']
        elif tag in ('straddle_in', 'park_overlap'):
            assert e['zone'] and e['parked']
        elif tag == 'nopk_park_overlap':
            assert e['zone'] == 'RLQ110102001' and e['parked'] and e['nopk'] == 'JTQ1101020009'

    # tolerance 2 m: geodesic distance to the nearest parking area (local aeqd)
    geod_crs = '+proj=longlat +a=6378137 +rf=298.257222101 +no_defs'
    ptree = STRtree([p['ll'] for p in P])
    tol_dist = {}
    for i, e in enumerate(events):
        if not e['zone'] or e['parked']:
            continue
        near = ptree.query(pts[i].buffer(6e-5))
        if len(near) == 0:
            continue
        tr = Transformer.from_crs(geod_crs, f'+proj=aeqd +lat_0={float(lat[i])!r} +lon_0={float(lon[i])!r} '
                                  f'+a=6378137 +rf=298.257222101 +units=m +no_defs', always_xy=True)
        best = math.inf
        for j in near:
            g = shapely.transform(P[j]['ll'], lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
            best = min(best, Point(0, 0).distance(g.exterior if P[j]['valid'] else g.boundary))
        if best <= 5:
            tol_dist[i] = best
    for i, d in tol_dist.items():
        assert not (1.95 <= d <= 2.05), (events[i]['id'], d)
        if events[i]['tag'] != 'tolerance':
            assert d > 2.05, (events[i]['id'], events[i]['tag'], d)
    for i, e in enumerate(events):
        e['parked2'] = e['parked'] or (i in tol_dist and tol_dist[i] <= 2.0)

    def infence(key_parked, by_company):
        agg = {}
        for e in events:
            if not e['zone']:
                continue
            keys = [(e['zone'], e['comp']), ('*', e['comp'])] if by_company else [(e['zone'],), ('*',)]
            for k in keys:
                a = agg.setdefault(k, [0, 0])
                a[0] += 1
                a[1] += e[key_parked]
        rows = []
        for k in sorted(agg, key=lambda k: (k[0] != '*', k[0]) + ((COMPANIES[k[1]][0],) if by_company else ())):
            z, p = agg[k]
            head = [k[0], COMPANIES[k[1]][0]] if by_company else [k[0]]
            rows.append(head + [z, p, ratio4(p, z)])
        return rows

    rate_rows = infence('parked', False)
    write_csv('expected/infence_rate.csv',
              ['management_code', 'events_in_zone', 'events_in_parking', 'infence_rate'], rate_rows)
    write_csv('expected/infence_by_company.csv',
              ['management_code', 'company', 'events_in_zone', 'events_in_parking', 'infence_rate'],
              infence('parked', True))
    tol_rows = infence('parked2', False)
    write_csv('expected/infence_rate_tol2.csv',
              ['management_code', 'events_in_zone', 'events_in_parking', 'infence_rate'], tol_rows)
    nagg = {}
    for e in events:
        if e['nopk']:
            k = (e['nopk'], COMPANIES[e['comp']][0])
            nagg[k] = nagg.get(k, 0) + 1
    write_csv('expected/noparking_events.csv', ['noparking_code', 'company', 'events'],
              [[k[0], k[1], v] for k, v in sorted(nagg.items())])

    # planted event ids
    planted_rows = []
    for i, e in enumerate(events):
        if e['tag'] in planted:
            planted_rows.append([e['id'], e['line'], e['tag'], e['lon'], e['lat'], e['zone'] or '',
                                 'true' if e['parked'] else 'false', 'true' if e['parked2'] else 'false',
                                 f"{tol_dist[i]:.3f}" if e['tag'] == 'tolerance' else ''])
    write_csv('expected/planted_events.csv',
              ['event_id', 'line', 'case', 'lon', 'lat', 'management_code', 'in_parking_tol0',
               'in_parking_tol2', 'distance_m'], planted_rows)

    # ------------------------------------------------------------------------
    # Appendix B devices
    # ------------------------------------------------------------------------
    bt_zones = [z for z in M if mtech.get(z['code']) in ('蓝牙技术', '卫星与蓝牙结合技术')]
    bt_nopk = [n for n in N if ntech.get(n['code']) == '蓝牙技术']
    seen = set()
    bt_nopk = [n for n in bt_nopk if not (n['code'] in seen or seen.add(n['code']))][:12]
    sniffers = []   # dict code, lon, lat, zone, kind ('M'/'N'), zobj

    def point_in(poly_xy, inset):
        inner = poly_xy.buffer(-inset)
        if inner.is_empty:
            inner = poly_xy
        while True:
            minx, miny, maxx, maxy = inner.bounds
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if inner.contains(Point(x, y)):
                return to_ll(x, y)

    for z in bt_zones:
        for _ in range(3 if z['ll'].area > 7e-6 else 2):
            lo, la = point_in(z['xy'], 10)
            sniffers.append(dict(zone=z['code'], lon=lo, lat=la, kind='M', zobj=z))
    for n in bt_nopk:
        lo, la = point_in(n['xy'], 3)
        sniffers.append(dict(zone=n['code'], lon=lo, lat=la, kind='N', zobj=n))
    for i, s in enumerate(sniffers, 1):
        s['code'] = f'XT{i:04d}'
    # planted: two sniffers far outside their zone, one with an unknown zone code
    far = {}
    for s, dist in ((sniffers[4], 150.0), (sniffers[23], 320.0)):
        zx = s['zobj']['xy']
        c = zx.centroid
        for k in range(360):
            a = math.radians(k * 7.0)
            # walk outward from the centroid until dist m beyond the zone
            for rr in range(10, 2000, 2):
                x, y = c.x + rr * math.cos(a), c.y + rr * math.sin(a)
                if zx.distance(Point(x, y)) >= dist + 5:
                    break
            if zone_union_xy.distance(Point(x, y)) > 30 and nopk_union_xy.distance(Point(x, y)) > 30:
                break
        s['lon'], s['lat'] = to_ll(x, y)
        far[s['code']] = dist
    z_unknown = 'RLQ110101099'
    host = bt_zones[0]
    lo, la = point_in(host['xy'], 20)
    sniffers.append(dict(code=f'XT{len(sniffers) + 1:04d}', zone=z_unknown, lon=lo, lat=la, kind='?', zobj=None))
    unknown_sniffer = sniffers[-1]['code']
    for s in sniffers:
        s['lon'], s['lat'] = round(s['lon'], 7), round(s['lat'], 7)
    write_csv('bt_sniffers.csv', ['Cod', 'Lon', 'Lat', 'Zone'],
              [[s['code'], fmt7(s['lon']), fmt7(s['lat']), s['zone']] for s in sniffers])
    # geodesic distance of each sniffer to its zone (for the README / device_planted)
    sniffer_dist = {}
    for s in sniffers:
        if s['zobj'] is None:
            continue
        g = s['zobj']['ll']
        if g.covers(Point(s['lon'], s['lat'])):
            sniffer_dist[s['code']] = 0.0
            continue
        tr = Transformer.from_crs(geod_crs, f"+proj=aeqd +lat_0={float(s['lat'])!r} +lon_0={float(s['lon'])!r} "
                                  f'+a=6378137 +rf=298.257222101 +units=m +no_defs', always_xy=True)
        gg = shapely.transform(g, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
        sniffer_dist[s['code']] = Point(0, 0).distance(gg)

    def elec(v):
        return f'{v}%' if rng.random() < 0.4 else str(v)

    # sniffer status: every 2 h (own second offset) + extra fault reports
    low_sniffers = {sniffers[k]['code'] for k in (2, 11, 30, 41)}
    fault_sniffer = sniffers[17]['code']
    st_rows = []
    last_state = {}
    for s in sniffers:
        off = rng.randrange(0, 600)
        e0 = rng.randint(25, 30) if s['code'] in low_sniffers else rng.randint(45, 100)
        v = e0
        for h in range(0, 24, 2):
            t = DAY + timedelta(seconds=h * 3600 + off)
            cond = '正常'
            if s['code'] == fault_sniffer and h >= 14:
                cond = '异常'
            elif rng.random() < 0.03:
                cond = '异常'
            st_rows.append([s['code'], cond, v, t])
            last_state[s['code']] = (t, cond, v)
            v = max(0, v - (rng.randint(1, 2) if s['code'] in low_sniffers else rng.randint(0, 1)))
        if rng.random() < 0.15:
            t = DAY + timedelta(seconds=rng.randrange(7 * 3600, 20 * 3600))
            st_rows.append([s['code'], '异常', None, t])
    st_rows.sort(key=lambda r: (r[3], r[0]))
    # fill electricity of the extra fault reports from the preceding report
    cur = {}
    for r in st_rows:
        if r[2] is None:
            r[2] = cur.get(r[0], 50)
        cur[r[0]] = r[2]
    last_row = {}
    for r in st_rows:
        last_row[r[0]] = r
    for code, r in last_row.items():   # keep the day's last reading away from the 20 % bar
        if r[2] == 20:
            r[2] = 19 if code in low_sniffers else 21
    last_state = {code: (r[3], r[1], r[2]) for code, r in last_row.items()}
    out_rows = [[r[0], r[1], elec(r[2]), r[3].strftime('%Y%m%d%H%M%S')] for r in st_rows]
    # planted bad rows (extra reports)
    bads = [(sniffers[6]['code'], '坏了', '70', '20261120103000', 'Condition', 'condition'),
            (sniffers[12]['code'], '正常', 'abc', '20261120113000', 'Electricity', 'electricity'),
            (sniffers[33]['code'], '正常', '66', '20261120', 'Time', 'time')]
    dev_rejects = []
    for (code, c, el, t, field, kw), pos in zip(bads, sorted(rng.sample(range(50, len(out_rows) - 50), 3))):
        out_rows.insert(pos, [code, c, el, t])
    for ln, r in enumerate(out_rows, 2):
        for code, c, el, t, field, kw in bads:
            if r == [code, c, el, t]:
                dev_rejects.append(('bt_sniffer_status.csv', ln, field, kw))
    assert len(dev_rejects) == 3
    write_csv('bt_sniffer_status.csv', ['Cod_XT', 'Condition', 'Electricity', 'Time'], out_rows)
    write_csv('expected/rejects_devices.csv', ['file', 'line', 'field', 'reason_keyword'], dev_rejects)

    # studs in parking areas of the Bluetooth zones
    zone_sn = {}
    for s in sniffers:
        zone_sn.setdefault(s['zone'], []).append(s['code'])
    studs = []
    for z in bt_zones:
        for p in z['parks']:
            for _ in range(rng.choice([2, 2, 3, 3])):
                studs.append([None, rng.choice(zone_sn[z['code']]), p['code']])
    bad_studs = []
    for k, (what, val) in enumerate([('Cod_TFQ', 'TFQ1101010010116'), ('Cod_TFQ', 'TFQ1101059990001'),
                                     ('Cod_XT', 'XT0999'), ('Cod_XT', 'XT0998')]):
        pos = rng.randrange(len(studs))
        if what == 'Cod_TFQ':
            row = [None, studs[pos][1], val]
        else:
            row = [None, val, studs[pos][2]]
        studs.insert(pos, row)
        bad_studs.append((row, what))
    for i, r in enumerate(studs, 1):
        r[0] = f'DD{i:06d}'
    write_csv('bt_studs.csv', ['Cod_DD', 'Cod_XT', 'Cod_TFQ'], studs)
    low_studs = set(r[0] for r in rng.sample(studs, 6))
    ss_rows = []
    for r in studs:
        v = rng.randint(12, 20) if r[0] in low_studs else rng.randint(30, 100)
        for h in sorted(rng.sample(range(0, 24), rng.randint(2, 4))):
            t = DAY + timedelta(seconds=h * 3600 + rng.randrange(3600))
            ss_rows.append([r[0], '异常' if rng.random() < 0.02 else '正常', v, t])
            v = max(0, v - rng.randint(0, 1))
    ss_rows.sort(key=lambda r: (r[3], r[0]))
    write_csv('bt_stud_status.csv', ['Cod', 'Condition', 'Electricity', 'Time'],
              [[r[0], r[1], elec(r[2]), r[3].strftime('%Y%m%d%H%M%S')] for r in ss_rows])

    # monitored bikes: events in Bluetooth zones, seen by a sniffer of the zone
    bt_codes = {z['code'] for z in bt_zones}
    cand = [e for e in events if e['zone'] in bt_codes]
    picks = sorted(rng.sample(range(len(cand)), 4000))
    macs = {}
    mb_rows = []
    for k in picks:
        e = cand[k]
        if e['bike'] not in macs:
            macs[e['bike']] = ':'.join(f'{rng.randrange(256):02X}' for _ in range(6))
        t = DAY + timedelta(seconds=min(86399, e['sec'] + rng.randrange(5, 300)))
        mb_rows.append([e['bike'], macs[e['bike']], COMPANIES[e['comp']][0], rng.choice(zone_sn[e['zone']]), t])
    mb_rows.sort(key=lambda r: (r[4], r[0]))
    write_csv('monitored_bikes.csv', ['Char', 'MAC', 'Company', 'Cod_XT', 'Time'],
              [r[:4] + [r[4].strftime('%Y%m%d%H%M%S')] for r in mb_rows])

    # bike counts: every sniffer every 15 minutes
    def profile(h, hot):
        peak = math.exp(-((h - 9.0) / 1.3) ** 2) + 0.85 * math.exp(-((h - 19.0) / 1.6) ** 2)
        base = 0.25 + 0.15 * math.exp(-((h - 13) / 3) ** 2)
        return base + (1.05 if hot else 0.55) * peak

    hot_zones = {bt_zones[k]['code'] for k in (1, 6, 10, 14)}
    zone_level = {z['code']: rng.uniform(0.8, 1.1) for z in bt_zones}
    share = {s['code']: rng.uniform(0.6, 1.4) for s in sniffers}
    bc_rows = []
    for slot in range(96):
        t = DAY + timedelta(minutes=15 * slot)
        h = slot / 4
        for s in sniffers:
            if s['kind'] == 'M':
                z = s['zobj']
                tot_share = sum(share[c] for c in zone_sn[z['code']])
                mean = z['capacity'] * zone_level[z['code']] * profile(h, z['code'] in hot_zones) \
                    * share[s['code']] / tot_share
                n = max(0, int(round(nrng.normal(mean, 1.5 + 0.05 * mean))))
            elif s['kind'] == 'N':
                p = 0.25 if (7 <= h < 10 or 17 <= h < 21) else 0.08
                n = rng.randint(1, 4) if rng.random() < p else 0
            else:
                n = rng.randint(0, 25)
            bc_rows.append([s['code'], t.strftime('%Y%m%d%H%M%S'), n])

    # expected zone_occupancy
    known = {z['code']: z['capacity'] for z in M}
    known.update({n['code']: 0 for n in N})
    sn_zone = {s['code']: s['zone'] for s in sniffers}
    def tie(b, cap):
        return cap > 0 and (20000 * b) % (2 * cap) == cap

    while True:   # nudge a count by one where bikes/capacity would be a rounding tie
        occ = {}
        first = {}
        for idx, (code, t, n) in enumerate(bc_rows):
            zc = sn_zone[code]
            if zc not in known:
                continue
            k = (zc, t)
            occ[k] = occ.get(k, 0) + n
            first.setdefault(k, idx)
        ties = [k for k, b in occ.items() if tie(b, known[k[0]])]
        if not ties:
            break
        for k in ties:
            bc_rows[first[k]][2] += 1
    write_csv('bike_counts.csv', ['Cod_XT', 'Time', 'Bikenumber'], bc_rows)
    occ_rows = []
    over = {}
    for (zc, t), b in sorted(occ.items()):
        cap = known[zc]
        util = ratio4(b, cap) if cap else ''
        ov_ = b > cap
        over[zc] = over.get(zc, 0) + ov_
        ts = datetime.strptime(t, '%Y%m%d%H%M%S').strftime('%Y-%m-%d %H:%M:%S')
        occ_rows.append([zc, ts, b, cap, util, 'true' if ov_ else 'false'])
    write_csv('expected/zone_occupancy.csv',
              ['zone_code', 'time', 'bikes', 'capacity', 'utilization', 'over_capacity'], occ_rows)

    # device planted cases
    dp = []
    for c, d in far.items():
        dp.append([c, 'sniffer', sn_zone[c], 'far_from_zone', f'{sniffer_dist[c]:.1f}'])
    dp.append([unknown_sniffer, 'sniffer', z_unknown, 'unknown_zone', ''])
    for c in sorted(low_sniffers):
        dp.append([c, 'sniffer', sn_zone[c], 'low_battery', str(last_state[c][2])])
    dp.append([fault_sniffer, 'sniffer', sn_zone[fault_sniffer], 'faulty_since_14h', ''])
    for row, what in bad_studs:
        dp.append([row[0], 'stud', '', 'unknown_parking' if what == 'Cod_TFQ' else 'unknown_sniffer',
                   row[2] if what == 'Cod_TFQ' else row[1]])
    write_csv('expected/device_planted.csv', ['device_code', 'kind', 'zone_code', 'case', 'detail'], dp)

    # ------------------------------------------------------------------------
    # report
    # ------------------------------------------------------------------------
    tot = rate_rows[0]
    print(f'events {N_GOOD} (+{len(bad_kinds)} bad); in zones {tot[1]}, in parking {tot[2]}, '
          f'rate {tot[3]}; tol2 {tol_rows[0][2]} -> {tol_rows[0][3]}', file=sys.stderr)
    below = [r[0] for r in rate_rows[1:] if float(r[3]) < 0.9]
    print(f'zones below 0.90: {len(below)} of {len(rate_rows) - 1}', file=sys.stderr)
    print(f'noparking events {sum(nagg.values())}; sniffers {len(sniffers)}, studs {len(studs)}, '
          f'status {len(out_rows)}, stud status {len(ss_rows)}, monitored {len(mb_rows)}, counts {len(bc_rows)}',
          file=sys.stderr)
    print(f'over-capacity slots per zone: {over}', file=sys.stderr)
    print(f'far sniffers: { {c: round(sniffer_dist[c], 1) for c in far} }; low: '
          f'{ {c: last_state[c][2] for c in low_sniffers} }', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
