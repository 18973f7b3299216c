#!/usr/bin/env bash
# IDW benchmark: `geoprospect grid` against GDAL's `gdal_grid -a invdistnn` on the same points.
#
# 100 000 seeded random points over 100 x 100 km in EPSG:32648, gridded onto 2000 x 2000 cells
# of 50 m with power 2, 12 neighbours, radius 1500 m. Both outputs are compared cell by cell
# (nodata in the same cells, values within 1e-4 relative), and the times printed as
#   idw: geoprospect X s, gdal_grid Y s, ratio Z x, max rel diff D
# Needs gdal-bin and python3-gdal + python3-numpy (`make deps`). Environment:
#   POINTS=100000 SIZE=2000 RADIUS=1500 NEIGHBORS=12  problem size
#   THREADS=<n>      worker threads for both tools (default: all cores)
#   REPEAT=3         geoprospect runs (the best is reported: a short run suffers most from a
#                    busy machine); gdal_grid runs once
#   KEEP=1           keep the work folder (printed)
#   GEOPROSPECT=path use this binary instead of building target/release/geoprospect
set -euo pipefail
cd "$(dirname "$0")/.."

POINTS=${POINTS:-100000}
SIZE=${SIZE:-2000}
RADIUS=${RADIUS:-1500}
NEIGHBORS=${NEIGHBORS:-12}
GDAL_THREADS=${THREADS:-ALL_CPUS}
THREADS=${THREADS:-$(nproc)}
PY=/usr/bin/python3

for tool in gdal_grid "$PY"; do
  command -v "$tool" >/dev/null || { echo "bench/idw.sh: $tool not found (make deps installs it)"; exit 1; }
done
"$PY" -c "import numpy, osgeo.gdal" 2>/dev/null \
  || { echo "bench/idw.sh: python3-gdal and python3-numpy are needed (make deps)"; exit 1; }

if [ -n "${GEOPROSPECT:-}" ]; then
  BIN=$GEOPROSPECT
else
  cargo build --release --quiet
  BIN=$PWD/target/release/geoprospect
fi

WORK=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "work folder: $WORK"; fi

# Seeded points: a smooth lognormal-looking field plus noise, all positive.
"$PY" - "$WORK" "$POINTS" <<'PYEOF'
import sys
import numpy as np
work, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(20240611)
x = 500000.0 + rng.random(n) * 100000.0
y = 4400000.0 + rng.random(n) * 100000.0
v = np.exp(1.0 + np.sin(x / 7000.0) + np.cos(y / 9000.0) + 0.3 * rng.standard_normal(n))
with open(f"{work}/points.csv", "w") as f:
    f.write("x,y,Mo_ppm\n")
    for a, b, c in zip(x, y, v):
        f.write(f"{a!r},{b!r},{c!r}\n")
with open(f"{work}/points.vrt", "w") as f:
    f.write(f"""<OGRVRTDataSource><OGRVRTLayer name="points">
<SrcDataSource>{work}/points.csv</SrcDataSource><SrcLayer>points</SrcLayer>
<GeometryType>wkbPoint</GeometryType><LayerSRS>EPSG:32648</LayerSRS>
<GeometryField encoding="PointFromColumns" x="x" y="y"/>
<Field name="Mo_ppm" type="Real"/>
</OGRVRTLayer></OGRVRTDataSource>
""")
PYEOF

XMIN=500000; YMIN=4400000; XMAX=600000; YMAX=4500000
RES=$("$PY" -c "print(($XMAX - $XMIN) / $SIZE)")

now() { date +%s.%N; }

best=""
for _ in $(seq "${REPEAT:-3}"); do
  t0=$(now)
  "$BIN" grid "$WORK/points.csv" --field Mo_ppm --x x --y y --points-crs EPSG:32648 \
    --crs EPSG:32648 --extent "$XMIN,$YMIN,$XMAX,$YMAX" --resolution "$RES" \
    --method idw --power 2 --neighbors "$NEIGHBORS" --radius "$RADIUS" --max-distance none \
    --threads "$THREADS" --quiet --out "$WORK/ours.tif"
  t=$("$PY" -c "print($(now) - $t0)")
  best=$("$PY" -c "print(min(${best:-$t}, $t))")
done
t1=$(now)
GDAL_NUM_THREADS=$GDAL_THREADS gdal_grid -q -ot Float64 -zfield Mo_ppm \
  -a "invdistnn:power=2:max_points=$NEIGHBORS:radius=$RADIUS:nodata=-9999" \
  -txe $XMIN $XMAX -tye $YMAX $YMIN -outsize "$SIZE" "$SIZE" \
  "$WORK/points.vrt" "$WORK/gdal.tif"
t2=$(now)

"$PY" - "$WORK" "$best" "$t1" "$t2" <<'PYEOF'
import sys
import numpy as np
from osgeo import gdal
work, ours_s, t1, t2 = sys.argv[1], *map(float, sys.argv[2:])
ours_ds, ref_ds = gdal.Open(f"{work}/ours.tif"), gdal.Open(f"{work}/gdal.tif")
g1, g2 = ours_ds.GetGeoTransform(), ref_ds.GetGeoTransform()
if not np.allclose(g1, g2, rtol=0, atol=1e-6):
    sys.exit(f"geotransforms differ: {g1} vs {g2}")
ours = ours_ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
ref = ref_ds.GetRasterBand(1).ReadAsArray()
empty_ours, empty_ref = np.isnan(ours), ref == -9999
if (empty_ours != empty_ref).any():
    sys.exit(f"nodata differs in {(empty_ours != empty_ref).sum()} cells")
ok = ~empty_ref
rel = np.abs(ours[ok] - ref[ok]) / np.maximum(np.abs(ref[ok]), 1e-30)
d = rel.max() if rel.size else 0.0
ta, tb = ours_s, t2 - t1
print(f"idw: geoprospect {ta:.2f} s, gdal_grid {tb:.2f} s, ratio {tb / ta:.1f} x, max rel diff {d:.2e}"
      f" ({ok.sum()} valued cells, {empty_ref.sum()} nodata)")
if d > 1e-4:
    sys.exit("values differ by more than 1e-4 relative")
PYEOF
