#!/usr/bin/env python3
"""Deterministic generator of one city day over the bench district fences.

    python3 bench/city/make_city_day.py [OUT_DIR]     # default bench/data/city

Reads bench/data/district/fences/ (run bench/make_district.py first; this
script does it when the folder is missing) and writes to OUT_DIR:

  parking_events.csv    2,000,000 rows event_id,bike_id,company,lon,lat,time
  bt_sniffers.csv       Cod,Lon,Lat,Zone                 (B.1, 1,200 sniffers)
  bt_sniffer_status.csv Cod_XT,Condition,Electricity,Time (B.2, ~20 per sniffer)
  bt_studs.csv          Cod_DD,Cod_XT,Cod_TFQ            (B.3, 20,000 studs)
  bt_stud_status.csv    Cod,Condition,Electricity,Time   (B.4, 100,000 rows)
  bike_counts.csv       Cod_XT,Time,Bikenumber           (B.6, every 15 min)

Events (one day, 2024-06-01, Beijing time):
  ~75 % fall in MANAGEMENT zones: per zone a share p_z (0.55-0.98, shifted a
  little per company) is drawn inside one of the zone's PARKING areas, the rest
  anywhere in the zone; 2,000 sit exactly on a zone vertex and 3,000 exactly
  on a parking-area vertex (boundary = inside). The rest: 60,000 inside
  NOPARKING zones (+1,000 on their vertices), 80,000 in PARKING areas outside
  the zones, the others uniform over the whole area (some of those land in
  zones too). Coordinates have 7 decimals, vertex events the exact vertex.
Devices: 2-3 sniffers per MANAGEMENT zone and one in each of 200 NOPARKING
  zones; 3 % of them placed 250-400 m from their zone (position_check
  far_from_zone), the others within ~45 m of it. One stud per parking area
  inside a zone plus 3,000 more; 150 with an unknown Cod_TFQ, 150 with an
  unknown Cod_XT. Status rows are shuffled; times are distinct per device.

Needs numpy, pyshp, shapely. Runs in well under a minute.
"""
import os
import subprocess
import sys
import time as _time

import numpy as np
import shapefile  # pyshp
import shapely

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
SEED = 20240601
DAY = np.datetime64('2024-06-01T00:00:00')
N_EVENTS = 2_000_000
COMPANIES = np.array(['美团', '哈啰', '青桔'])
COMPANY_P = [0.45, 0.35, 0.20]
COMPANY_PREFIX = np.array(['MT', 'HL', 'QJ'])
COMPANY_SHIFT = np.array([0.03, 0.0, -0.05])
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 116.30, 116.50, 39.85, 40.00
M_PER_DEG_LAT = 111_000.0
M_PER_DEG_LON = 111_320.0 * np.cos(np.radians(39.925))


def read_layer(fences, name):
    r = shapefile.Reader(os.path.join(fences, name), encoding='gbk')
    codes, corners = [], []
    for sr in r.iterShapeRecords(fields=['CODE']):
        pts = sr.shape.points
        codes.append(sr.record[0])
        corners.append(pts[:4])          # closed 5-point rings (rectangles)
    return np.array(codes), np.array(corners, dtype=float)   # (n, 4, 2)


def in_quads(rng, quads, idx, lo, hi):
    """Points p0 + u (p1 - p0) + v (p3 - p0), u, v uniform in [lo, hi]."""
    q = quads[idx]
    u = rng.uniform(lo, hi, len(idx))[:, None]
    v = rng.uniform(lo, hi, len(idx))[:, None]
    return q[:, 0] + u * (q[:, 1] - q[:, 0]) + v * (q[:, 3] - q[:, 0])


def far_from(rng, quads, idx):
    """Points 250-400 m beyond the half-diagonal of each quad, in a random direction."""
    q = quads[idx]
    c = q.mean(axis=1)
    half = np.hypot((q[:, 2, 0] - q[:, 0, 0]) * M_PER_DEG_LON, (q[:, 2, 1] - q[:, 0, 1]) * M_PER_DEG_LAT) / 2
    d = half + rng.uniform(250, 400, len(idx))
    a = rng.uniform(0, 2 * np.pi, len(idx))
    return np.stack([c[:, 0] + d * np.cos(a) / M_PER_DEG_LON, c[:, 1] + d * np.sin(a) / M_PER_DEG_LAT], axis=1)


def fmt_time(secs, fmt):
    t = (DAY + secs.astype('timedelta64[s]')).astype('datetime64[s]').astype(str)  # 2024-06-01T08:00:00
    if fmt == 'iso':
        return np.char.replace(t, 'T', ' ')
    return np.char.replace(np.char.replace(np.char.replace(t, '-', ''), ':', ''), 'T', '')


def write_csv(path, header, cols):
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        fh.write(header + '\n')
        fh.write('\n'.join(','.join(row) for row in zip(*cols)))
        fh.write('\n')


def main(out):
    t0 = _time.time()
    fences = os.path.join(BENCH, 'data', 'district', 'fences')
    if not os.path.exists(os.path.join(fences, 'PARKING.shp')):
        subprocess.run([sys.executable, os.path.join(BENCH, 'make_district.py')], check=True)
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)

    zcode, zq = read_layer(fences, 'MANAGEMENT')
    pcode, pq = read_layer(fences, 'PARKING')
    ncode, nq = read_layer(fences, 'NOPARKING')
    zpoly = shapely.polygons(np.concatenate([zq, zq[:, :1]], axis=1))
    ppoly = shapely.polygons(np.concatenate([pq, pq[:, :1]], axis=1))
    pvalid = shapely.is_valid(ppoly)
    # zone of each parking area (by its vertex mean; areas are either well inside or outside)
    tree = shapely.STRtree(zpoly)
    pi, zi = tree.query(shapely.points(pq.mean(axis=1)), predicate='intersects')
    pzone = np.full(len(pcode), -1)
    pzone[pi] = zi
    inside = np.flatnonzero((pzone >= 0) & pvalid)
    outside = np.flatnonzero((pzone < 0) & pvalid)
    # parking areas of each zone, as (start, count) into 'by_zone'
    by_zone = inside[np.argsort(pzone[inside], kind='stable')]
    zcount = np.bincount(pzone[inside], minlength=len(zcode))
    zstart = np.concatenate([[0], np.cumsum(zcount)[:-1]])

    # ---------------------------------------------------------------- events
    n_zone_park_vertex, n_zone_vertex = 3_000, 2_000
    n_in_zone = 1_420_000
    n_np, n_np_vertex, n_out_park = 60_000, 1_000, 80_000
    n_random = N_EVENTS - n_in_zone - n_np - n_np_vertex - n_out_park
    n_zone_sampled = n_in_zone - n_zone_park_vertex - n_zone_vertex

    comp = rng.choice(3, N_EVENTS, p=COMPANY_P)
    xy = np.empty((N_EVENTS, 2))
    exact = np.zeros(N_EVENTS, dtype=bool)      # vertex events: print the exact double
    k = 0
    # zone events: zone weights vary, parking share p_z per zone (+ company shift)
    zweight = rng.uniform(0.3, 1.7, len(zcode))
    zweight /= zweight.sum()
    pz = rng.uniform(0.55, 0.98, len(zcode))
    ez = rng.choice(len(zcode), n_zone_sampled, p=zweight)
    sl = slice(k, k + n_zone_sampled)
    in_park = rng.random(n_zone_sampled) < np.clip(pz[ez] + COMPANY_SHIFT[comp[sl]], 0, 1)
    # in a parking area of the zone
    iz = ez[in_park]
    pick = zstart[iz] + (rng.random(len(iz)) * zcount[iz]).astype(int)
    pts = np.empty((n_zone_sampled, 2))
    pts[in_park] = in_quads(rng, pq, by_zone[pick], 0.01, 0.99)
    pts[~in_park] = in_quads(rng, zq, ez[~in_park], 0.001, 0.999)
    xy[sl] = pts
    k += n_zone_sampled
    # exact vertices of parking areas in zones and of zones
    idx = rng.choice(inside, n_zone_park_vertex)
    xy[k:k + n_zone_park_vertex] = pq[idx, rng.integers(0, 4, n_zone_park_vertex)]
    exact[k:k + n_zone_park_vertex] = True
    k += n_zone_park_vertex
    idx = rng.integers(0, len(zcode), n_zone_vertex)
    xy[k:k + n_zone_vertex] = zq[idx, rng.integers(0, 4, n_zone_vertex)]
    exact[k:k + n_zone_vertex] = True
    k += n_zone_vertex
    # no-parking zones: inside and on vertices
    xy[k:k + n_np] = in_quads(rng, nq, rng.integers(0, len(ncode), n_np), 0.001, 0.999)
    k += n_np
    idx = rng.integers(0, len(ncode), n_np_vertex)
    xy[k:k + n_np_vertex] = nq[idx, rng.integers(0, 4, n_np_vertex)]
    exact[k:k + n_np_vertex] = True
    k += n_np_vertex
    # parking areas outside the zones
    xy[k:k + n_out_park] = in_quads(rng, pq, rng.choice(outside, n_out_park), 0.01, 0.99)
    k += n_out_park
    # anywhere
    xy[k:, 0] = rng.uniform(LON_MIN, LON_MAX, n_random)
    xy[k:, 1] = rng.uniform(LAT_MIN, LAT_MAX, n_random)
    assert k + n_random == N_EVENTS

    # shuffle the kinds, then order by time
    perm = rng.permutation(N_EVENTS)
    xy, exact, comp = xy[perm], exact[perm], comp[perm]
    # time: a two-peak day (morning and evening rush) plus a uniform background
    kind = rng.choice(3, N_EVENTS, p=[0.35, 0.35, 0.30])
    secs = np.where(kind == 0, rng.normal(8.5 * 3600, 3600, N_EVENTS),
                    np.where(kind == 1, rng.normal(18.5 * 3600, 4000, N_EVENTS), rng.uniform(0, 86400, N_EVENTS)))
    secs = np.clip(secs, 0, 86399).astype(np.int64)
    order = np.argsort(secs, kind='stable')
    secs, xy, exact, comp = secs[order], xy[order], exact[order], comp[order]

    event_id = np.char.add('E', np.char.zfill(np.arange(1, N_EVENTS + 1).astype(str), 8))
    bike_id = np.char.add(COMPANY_PREFIX[comp], np.char.zfill(rng.integers(1, 300_000, N_EVENTS).astype(str), 7))
    lon = [repr(float(x)) if e else f'{x:.7f}' for x, e in zip(xy[:, 0].tolist(), exact.tolist())]
    lat = [repr(float(y)) if e else f'{y:.7f}' for y, e in zip(xy[:, 1].tolist(), exact.tolist())]
    write_csv(os.path.join(out, 'parking_events.csv'), 'event_id,bike_id,company,lon,lat,time',
              [event_id.tolist(), bike_id.tolist(), COMPANIES[comp].tolist(), lon, lat,
               fmt_time(secs, 'iso').tolist()])

    # ---------------------------------------------------------------- sniffers (B.1)
    per_zone = rng.choice([2, 3], len(zcode), p=[0.5, 0.5])
    s_zone = np.repeat(np.arange(len(zcode)), per_zone)
    n_zs = len(s_zone)
    s_np = np.sort(rng.choice(len(ncode), 1200 - n_zs, replace=False)) if n_zs < 1200 else np.array([], int)
    n_s = n_zs + len(s_np)
    s_code = np.array([f'XT110105{i:04d}' for i in range(1, n_s + 1)])
    s_zone_code = np.concatenate([zcode[s_zone], ncode[s_np]])
    s_far = rng.random(n_s) < 0.03
    s_xy = np.empty((n_s, 2))
    s_xy[:n_zs] = in_quads(rng, zq, s_zone, -0.1, 1.1)
    s_xy[n_zs:] = in_quads(rng, nq, s_np, -0.2, 1.2)
    fz, fn = np.flatnonzero(s_far[:n_zs]), np.flatnonzero(s_far[n_zs:])
    s_xy[fz] = far_from(rng, zq, s_zone[fz])
    s_xy[n_zs + fn] = far_from(rng, nq, s_np[fn])
    write_csv(os.path.join(out, 'bt_sniffers.csv'), 'Cod,Lon,Lat,Zone',
              [s_code.tolist(), [f'{x:.7f}' for x in s_xy[:, 0]], [f'{y:.7f}' for y in s_xy[:, 1]],
               s_zone_code.tolist()])

    # ---------------------------------------------------------------- status rows (B.2, B.4)
    def status(codes, n_per):
        """n_per[i] reports for device i at distinct seconds; battery drains; some devices flaky."""
        n = len(codes)
        dev = np.repeat(np.arange(n), n_per)
        # distinct seconds per device: sorted uniform offsets in disjoint slices of the day
        slot = 86400 // n_per.max()
        rank = np.arange(len(dev)) - np.repeat(np.cumsum(n_per) - n_per, n_per)
        secs = rank * slot + rng.integers(0, slot, len(dev))
        start = rng.uniform(15, 100, n)
        drain = rng.uniform(0, 20, n)
        elec = np.clip(np.round(start[dev] - drain[dev] * secs / 86400), 0, 100).astype(int)
        flaky = np.where(rng.random(n) < 0.05, 0.3, 0.02)
        cond = np.where(rng.random(len(dev)) < flaky[dev], '异常', '正常')
        pct = rng.random(len(dev)) < 0.5
        etxt = np.where(pct, np.char.add(elec.astype(str), '%'), elec.astype(str))
        perm = rng.permutation(len(dev))
        return [codes[dev][perm].tolist(), cond[perm].tolist(), etxt[perm].tolist(),
                fmt_time(secs[perm], 'device').tolist()]

    write_csv(os.path.join(out, 'bt_sniffer_status.csv'), 'Cod_XT,Condition,Electricity,Time',
              status(s_code, rng.integers(15, 26, n_s)))

    # ---------------------------------------------------------------- studs (B.3)
    zone_sniffers = [np.flatnonzero(s_zone == z) for z in range(len(zcode))]
    st_park = np.concatenate([inside, rng.choice(inside, 20_000 - len(inside))])
    st_park = st_park[rng.permutation(len(st_park))]
    st_xt = np.array([s_code[zs[rng.integers(len(zs))]] for zs in (zone_sniffers[z] for z in pzone[st_park])])
    st_tfq = pcode[st_park].astype(object)
    bad = rng.choice(len(st_park), 300, replace=False)
    st_tfq[bad[:150]] = [f'TFQ110105999{i:04d}' for i in range(150)]
    st_xt = st_xt.astype(object)
    st_xt[bad[150:]] = [f'XT1101059{i:03d}' for i in range(150)]
    st_code = np.array([f'DD110105{i:06d}' for i in range(1, len(st_park) + 1)])
    write_csv(os.path.join(out, 'bt_studs.csv'), 'Cod_DD,Cod_XT,Cod_TFQ',
              [st_code.tolist(), st_xt.tolist(), st_tfq.tolist()])
    write_csv(os.path.join(out, 'bt_stud_status.csv'), 'Cod,Condition,Electricity,Time',
              status(st_code, np.full(len(st_code), 5)))

    # ---------------------------------------------------------------- bike counts (B.6)
    slots = np.arange(96) * 900
    diurnal = 0.45 + 0.55 * np.exp(-((slots / 3600 - 8.5) / 2.0) ** 2) + 0.6 * np.exp(-((slots / 3600 - 19) / 2.5) ** 2)
    level = np.where(np.arange(n_s) < n_zs, rng.uniform(150, 650, n_s), rng.uniform(0.2, 3, n_s))
    lam = level[:, None] * diurnal[None, :]
    bikes = rng.poisson(lam)
    keep = rng.random(bikes.shape) >= 0.01          # a few missing reports
    si, ti = np.nonzero(keep)
    write_csv(os.path.join(out, 'bike_counts.csv'), 'Cod_XT,Time,Bikenumber',
              [s_code[si].tolist(), fmt_time(slots[ti], 'device').tolist(), bikes[si, ti].astype(str).tolist()])

    print(f'city day: {N_EVENTS:,} events, {n_s} sniffers, {len(st_code):,} studs, '
          f'{int(keep.sum()):,} bike counts -> {out} ({_time.time() - t0:.1f} s)', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(BENCH, 'data', 'city'))
