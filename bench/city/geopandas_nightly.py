#!/usr/bin/env python3
"""Peer: the city nightly (infence_rate, zone_occupancy, device_health) in GeoPandas.

    python3 bench/city/geopandas_nightly.py [DATA_DIR]     # default bench/data

Reads DATA_DIR/district/fences/*.shp (pyogrio, GBK) and DATA_DIR/city/*.csv
(pyarrow CSV reader: exact float parsing), assigns every event with
geopandas.sjoin(predicate="covered_by") (= ST_Covers: boundary counts; the
smallest code when several polygons cover a point), persists the events with
their assignment to DATA_DIR/city/geopandas_events.parquet (GeoParquet) and
writes the reports infence_rate, infence_by_company, noparking_events,
zone_occupancy, device_health as CSV to DATA_DIR/city/out-geopandas/.
"""
import os
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

HERE = os.path.dirname(os.path.abspath(__file__))
CGCS2000 = Geod(a=6378137.0, rf=298.257222101)


def ratio4(num, den):
    """num/den rounded half up to 4 decimals, exactly (integers), as text."""
    n = (2 * num * 10000 + den) // (2 * den)
    return [f'{a // 10000}.{a % 10000:04d}' for a in n.tolist()]


def assign(points, layer):
    j = gpd.sjoin(points, layer, how='inner', predicate='covered_by')
    return j.groupby(level=0)['code'].min()


def main(data):
    fences = os.path.join(data, 'district', 'fences')
    city = os.path.join(data, 'city')
    out = os.path.join(city, 'out-geopandas')
    os.makedirs(out, exist_ok=True)
    csv = lambda name: os.path.join(city, name + '.csv')  # noqa: E731

    layers = {}
    for name in ('MANAGEMENT', 'PARKING', 'NOPARKING'):
        g = gpd.read_file(os.path.join(fences, name + '.shp'), engine='pyogrio', encoding='gbk')
        layers[name] = g.rename(columns={'CODE': 'code'})[['code', 'NAME', 'geometry']]
    mg, pk, npk = layers['MANAGEMENT'], layers['PARKING'], layers['NOPARKING']

    ev = pd.read_csv(csv('parking_events'), engine='pyarrow',
                     dtype={'event_id': str, 'bike_id': str, 'company': str, 'lon': 'float64', 'lat': 'float64',
                            'time': str})
    ev['time'] = pd.to_datetime(ev['time'], format='%Y-%m-%d %H:%M:%S')
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(ev['lon'], ev['lat']), crs=mg.crs)
    for col, layer in (('management_code', mg), ('parking_code', pk), ('noparking_code', npk)):
        ev[col] = assign(pts, layer[['code', 'geometry']])
    events = gpd.GeoDataFrame(ev, geometry=pts.geometry, crs=mg.crs)
    events.to_parquet(os.path.join(city, 'geopandas_events.parquet'), index=False)

    # ---- infence_rate, infence_by_company, noparking_events
    inz = ev[ev['management_code'].notna()]
    g = inz.groupby('management_code').agg(events_in_zone=('event_id', 'size'),
                                           events_in_parking=('parking_code', 'count')).reset_index()
    tot = pd.DataFrame({'management_code': ['*'], 'events_in_zone': [g['events_in_zone'].sum()],
                        'events_in_parking': [g['events_in_parking'].sum()]})
    rate = pd.concat([tot, g], ignore_index=True)
    rate['infence_rate'] = ratio4(rate['events_in_parking'].to_numpy(), rate['events_in_zone'].to_numpy())
    rate.to_csv(os.path.join(out, 'infence_rate.csv'), index=False)

    gc = inz.groupby(['management_code', 'company']).agg(events_in_zone=('event_id', 'size'),
                                                         events_in_parking=('parking_code', 'count')).reset_index()
    tc = gc.groupby('company')[['events_in_zone', 'events_in_parking']].sum().reset_index()
    tc.insert(0, 'management_code', '*')
    byc = pd.concat([tc, gc], ignore_index=True)
    byc['infence_rate'] = ratio4(byc['events_in_parking'].to_numpy(), byc['events_in_zone'].to_numpy())
    byc.to_csv(os.path.join(out, 'infence_by_company.csv'), index=False)

    npe = (ev[ev['noparking_code'].notna()].groupby(['noparking_code', 'company']).size()
           .rename('events').reset_index())
    npe.to_csv(os.path.join(out, 'noparking_events.csv'), index=False)

    # ---- zone_occupancy: capacity of a MANAGEMENT zone = sum over the valid PARKING areas it
    # covers of floor(round(geodesic area * 100) / 114), geodesic area on CGCS2000 (Karney)
    vp = pk[shapely.is_valid(pk.geometry.values)]
    area = np.array([abs(CGCS2000.geometry_area_perimeter(p)[0]) for p in vp.geometry])
    vp = vp.assign(capacity=np.floor(area * 100 + 0.5).astype(np.int64) // 114)
    pc = gpd.sjoin(vp[['capacity', 'geometry']], mg[['code', 'geometry']], how='inner', predicate='covered_by')
    zcap = pc.groupby('code')['capacity'].sum()
    cap = pd.concat([pd.Series(0, index=mg['code']).add(zcap, fill_value=0).astype(np.int64),
                     pd.Series(0, index=npk['code'], dtype=np.int64)])

    sn = pd.read_csv(csv('bt_sniffers'), dtype=str)
    bc = pd.read_csv(csv('bike_counts'), dtype={'Cod_XT': str, 'Time': str, 'Bikenumber': np.int64})
    occ = (bc.merge(sn[['Cod', 'Zone']], left_on='Cod_XT', right_on='Cod')
           .groupby(['Zone', 'Time'])['Bikenumber'].sum().reset_index())
    occ.columns = ['zone_code', 'time', 'bikes']
    occ['time'] = pd.to_datetime(occ['time'], format='%Y%m%d%H%M%S').dt.strftime('%Y-%m-%d %H:%M:%S')
    occ['capacity'] = occ['zone_code'].map(cap).astype('Int64')
    c = occ['capacity'].fillna(0).to_numpy(np.int64)
    b = occ['bikes'].to_numpy(np.int64)
    occ['utilization'] = np.where(c > 0, ratio4(b, np.where(c > 0, c, 1)), None)
    occ['over_capacity'] = np.where(occ['capacity'].isna(), None, np.where(b > c, 'true', 'false'))
    occ.sort_values(['zone_code', 'time']).to_csv(os.path.join(out, 'zone_occupancy.csv'), index=False)

    # ---- device_health
    def last_status(path, code_col):
        s = pd.read_csv(path, dtype=str)
        s['t'] = pd.to_datetime(s['Time'], format='%Y%m%d%H%M%S')
        s['elec'] = s['Electricity'].str.rstrip('%').astype(np.int64)
        s = s.sort_values([code_col, 't'])
        last = s.groupby(code_col).tail(1).set_index(code_col)
        faults = s[s['Condition'] == '异常'].groupby(code_col).size()
        return pd.DataFrame({'last_time': last['t'].dt.strftime('%Y-%m-%d %H:%M:%S'),
                             'last_condition': last['Condition'], 'last_electricity': last['elec'],
                             'fault_reports': faults.reindex(last.index, fill_value=0)})

    zones = pd.concat([mg[['code', 'geometry']], npk[['code', 'geometry']]]).set_index('code').to_crs(4547)
    sp = gpd.GeoSeries(gpd.points_from_xy(sn['Lon'].astype(float), sn['Lat'].astype(float)), crs=mg.crs).to_crs(4547)
    zg = zones.geometry.reindex(sn['Zone'])
    dist = shapely.distance(sp.values, zg.values)
    sniffers = pd.DataFrame({'device_code': sn['Cod'], 'kind': 'sniffer', 'zone_code': sn['Zone'],
                             'position_check': np.where(np.isnan(dist), 'unknown_zone',
                                                        np.where(dist > 100, 'far_from_zone', 'ok'))})
    sniffers = sniffers.join(last_status(csv('bt_sniffer_status'), 'Cod_XT'), on='device_code')
    st = pd.read_csv(csv('bt_studs'), dtype=str)
    szone = sn.set_index('Cod')['Zone']
    studs = pd.DataFrame({'device_code': st['Cod_DD'], 'kind': 'stud', 'zone_code': st['Cod_XT'].map(szone),
                          'position_check': np.where(~st['Cod_TFQ'].isin(pk['code']), 'unknown_parking_area',
                                                     np.where(~st['Cod_XT'].isin(sn['Cod']), 'unknown_sniffer', 'ok'))})
    studs = studs.join(last_status(csv('bt_stud_status'), 'Cod'), on='device_code')
    dh = pd.concat([sniffers, studs], ignore_index=True).sort_values('device_code')
    dh['fault_reports'] = dh['fault_reports'].fillna(0).astype(np.int64)
    dh['last_electricity'] = dh['last_electricity'].astype('Int64')
    dh['low_battery'] = np.where(dh['last_electricity'].isna(), None,
                                 np.where(dh['last_electricity'].fillna(100) < 20, 'true', 'false'))
    dh[['device_code', 'kind', 'zone_code', 'last_time', 'last_condition', 'last_electricity', 'fault_reports',
        'low_battery', 'position_check']].to_csv(os.path.join(out, 'device_health.csv'), index=False)

    t = rate.iloc[0]
    print(f'geopandas: {len(ev):,} events, in zones {t.events_in_zone:,}, in parking {t.events_in_parking:,}, '
          f'rate {t.infence_rate} -> {out}', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), 'data'))
