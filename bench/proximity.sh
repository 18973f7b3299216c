#!/usr/bin/env bash
# Proximity benchmark: `geoprospect proximity` against GDAL's `gdal_rasterize` + `gdal_proximity.py`.
#
# A seeded fault network (random-walk lines of 150 m segments) and granite polygons over
# 100 x 100 km in EPSG:32648, onto SIZE x SIZE cells. geoprospect measures to the true geometry;
# GDAL measures to the centres of rasterised cells (lines with -at, polygons by centre), so the
# two differ by up to about half a cell diagonal (more near polygon edges, where a cell whose
# centre is outside is not burnt). Printed:
#   proximity: geoprospect X s, gdal_rasterize+gdal_proximity Y s, ... with gdal_translate to a
#   DEFLATE COG (the same product as geoprospect's), ratio Z x; |diff| mean, p99, max (cell R)
# An exact check of a sample of cells against a brute-force numpy distance follows:
#   exact: max |geoprospect - brute force| E m over K sampled cells
# Needs gdal-bin and python3-gdal + python3-numpy (`make deps`). Environment:
#   SIZE=5000 LINES=400 POLYGONS=30   problem size
#   THREADS=<n>   worker threads (default: all cores)
#   KEEP=1        keep the work folder (printed)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-5000}
LINES=${LINES:-400}
POLYGONS=${POLYGONS:-30}
THREADS=${THREADS:-$(nproc)}
PY=/usr/bin/python3

for tool in gdal_rasterize gdal_proximity.py "$PY"; do
  command -v "$tool" >/dev/null || { echo "bench/proximity.sh: $tool not found (make deps installs it)"; exit 1; }
done
"$PY" -c "import numpy, osgeo.gdal" 2>/dev/null \
  || { echo "bench/proximity.sh: python3-gdal and python3-numpy are needed (make deps)"; exit 1; }

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/geoprospect

WORK=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "work folder: $WORK"; fi

XMIN=500000; YMIN=4400000; XMAX=600000; YMAX=4500000
RES=$("$PY" -c "print(($XMAX - $XMIN) / $SIZE)")

# The features as GeoJSON with a projected `crs` member, and the grid as an empty raster.
"$PY" - "$WORK" "$LINES" "$POLYGONS" "$SIZE" "$RES" <<'PYEOF'
import json, sys
import numpy as np
from osgeo import gdal, osr
work, lines, polygons, size, res = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
rng = np.random.default_rng(20240612)
features = []
for _ in range(lines):
    p = np.array([500000 + rng.random() * 100000, 4400000 + rng.random() * 100000])
    heading = rng.random() * 2 * np.pi
    coords = [p.tolist()]
    for _ in range(40):
        a = heading + rng.random() - 0.5
        # Stay inside the grid, so that GDAL (which sees only burnt cells) sees every feature.
        p = np.clip(p + 150.0 * np.array([np.cos(a), np.sin(a)]),
                    [500001.0, 4400001.0], [599999.0, 4499999.0])
        coords.append(p.tolist())
    features.append({"type": "Feature", "properties": {"kind": "fault"},
                     "geometry": {"type": "LineString", "coordinates": coords}})
for _ in range(polygons):
    c = np.array([504000 + rng.random() * 92000, 4404000 + rng.random() * 92000])
    r = 500 + rng.random() * 2000
    a = np.linspace(0, 2 * np.pi, 65)
    rr = r * (1 + 0.3 * np.sin(3 * a))
    ring = np.column_stack([c[0] + rr * np.cos(a), c[1] + rr * np.sin(a)])
    ring[-1] = ring[0]
    features.append({"type": "Feature", "properties": {"kind": "granite"},
                     "geometry": {"type": "Polygon", "coordinates": [ring.tolist()]}})
with open(f"{work}/features.geojson", "w") as f:
    json.dump({"type": "FeatureCollection",
               "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}},
               "features": features}, f)
srs = osr.SpatialReference(); srs.ImportFromEPSG(32648)
ds = gdal.GetDriverByName("GTiff").Create(f"{work}/grid.tif", size, size, 1, gdal.GDT_Byte,
                                          ["TILED=YES", "COMPRESS=DEFLATE"])
ds.SetGeoTransform([500000.0, res, 0.0, 4500000.0, 0.0, -res])
ds.SetProjection(srs.ExportToWkt())
ds = None
PYEOF

now() { date +%s.%N; }

t0=$(now)
"$BIN" proximity "$WORK/features.geojson" --like "$WORK/grid.tif" --out "$WORK/ours.tif" \
  --threads "$THREADS" --quiet
t1=$(now)
# GDAL: lines burn every touched cell, polygons the cells whose centre is inside; then the
# distance to the nearest burnt cell centre in georeferenced units.
gdal_rasterize -q -burn 1 -at -ot Byte -init 0 -te $XMIN $YMIN $XMAX $YMAX -ts "$SIZE" "$SIZE" \
  -where "kind = 'fault'" "$WORK/features.geojson" "$WORK/burnt.tif"
gdal_rasterize -q -burn 1 -where "kind = 'granite'" "$WORK/features.geojson" "$WORK/burnt.tif"
gdal_proximity.py -q "$WORK/burnt.tif" "$WORK/gdal.tif" -values 1 -distunits GEO -ot Float32
t2=$(now)
# The same product as geoprospect's: a DEFLATE COG with overviews.
gdal_translate -q -of COG -co COMPRESS=DEFLATE -co PREDICTOR=YES -co NUM_THREADS="$THREADS" \
  "$WORK/gdal.tif" "$WORK/gdal_cog.tif"
t3=$(now)

"$PY" - "$WORK" "$t0" "$t1" "$t2" "$t3" "$RES" <<'PYEOF'
import json, sys
import numpy as np
from osgeo import gdal
work, t0, t1, t2, t3, res = sys.argv[1], *map(float, sys.argv[2:])
# Keep the datasets referenced while reading: GDAL's Python bindings crash otherwise.
ours_ds, ref_ds = gdal.Open(f"{work}/ours.tif"), gdal.Open(f"{work}/gdal.tif")
ours = ours_ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
ref = ref_ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
diff = np.abs(ours - ref)
ta, tb, tc = t1 - t0, t2 - t1, t3 - t1
print(f"proximity: geoprospect {ta:.2f} s (DEFLATE COG), gdal_rasterize+gdal_proximity {tb:.2f} s "
      f"(uncompressed GeoTIFF), {tc:.2f} s with gdal_translate to a DEFLATE COG, ratio {tc / ta:.1f} x; "
      f"|diff| mean {diff.mean():.2f} p99 {np.percentile(diff, 99):.2f} max {diff.max():.2f} (cell {res:g})")

# Exact check on sampled cells: brute-force distance to every segment and inside tests.
feats = json.load(open(f"{work}/features.geojson"))["features"]
segs, rings = [], []
for f in feats:
    g = f["geometry"]
    parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
    for part in parts:
        c = np.array(part)
        segs.append(np.column_stack([c[:-1], c[1:]]))
        if g["type"] == "Polygon":
            rings.append(c)
segs = np.vstack(segs)
a, b = segs[:, :2], segs[:, 2:]
d = b - a
rng = np.random.default_rng(1)
n = ours.shape[0]
rows, cols = rng.integers(0, n, 2000), rng.integers(0, n, 2000)
worst = 0.0
for r, c in zip(rows, cols):
    p = np.array([500000 + (c + 0.5) * res, 4500000 - (r + 0.5) * res])
    t = np.clip(((p - a) * d).sum(1) / (d * d).sum(1), 0, 1)
    dist = np.sqrt((((a + t[:, None] * d) - p) ** 2).sum(1)).min()
    for ring in rings:
        x0, y0, x1, y1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
        cross = (y0 > p[1]) != (y1 > p[1])
        xs = x0[cross] + (p[1] - y0[cross]) * (x1[cross] - x0[cross]) / (y1[cross] - y0[cross])
        if (xs < p[0]).sum() % 2 == 1:
            dist = 0.0
    worst = max(worst, abs(ours[r, c] - dist))
print(f"exact: max |geoprospect - brute force| {worst:.4f} m over {len(rows)} sampled cells")
if worst > 1.0:
    sys.exit("geoprospect differs from the exact distance by more than 1 m")
PYEOF
