#!/usr/bin/env bash
# Overlay benchmark: `geoprospect overlay --op gamma` over 4 DEFLATE-compressed layers of
# SIZE x SIZE cells (default 4000) written as a COG, against the same job in numpy + GDAL's
# Python bindings writing the same COG (DEFLATE, predictor, 512 tiles, overviews). Prints
#   overlay: geoprospect X s, numpy+gdal Y s, ratio Z x, max abs diff D
# Needs python3-gdal and python3-numpy (`make deps`). SIZE=4000 THREADS=<n> KEEP=1 as in idw.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-4000}
THREADS=${THREADS:-$(nproc)}
PY=/usr/bin/python3
"$PY" -c "import numpy, osgeo.gdal" 2>/dev/null \
  || { echo "bench/overlay.sh: python3-gdal and python3-numpy are needed (make deps)"; exit 1; }
BIN=${GEOPROSPECT:-${CARGO_TARGET_DIR:-target}/release/geoprospect}
[ -n "${GEOPROSPECT:-}" ] || cargo build --release -q
WORK=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "work folder: $WORK"; fi

# Four smooth membership layers in [0, 1], DEFLATE-compressed tiled GeoTIFFs (seeded).
"$PY" - "$WORK" "$SIZE" <<'PY'
import sys, numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
work, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(42)
srs = osr.SpatialReference(); srs.ImportFromEPSG(32648)
y, x = np.mgrid[0:n, 0:n].astype(np.float32) / n
for k in range(4):
    a, b = rng.uniform(2, 9, 2)
    m = (0.5 + 0.25 * np.sin(a * 6.28 * x) + 0.25 * np.cos(b * 6.28 * y)).astype(np.float32)
    m += rng.normal(0, 0.02, m.shape).astype(np.float32)
    m = np.clip(m, 0, 1)
    ds = gdal.GetDriverByName("GTiff").Create(f"{work}/m{k}.tif", n, n, 1, gdal.GDT_Float32,
        ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "BLOCKXSIZE=512", "BLOCKYSIZE=512"])
    ds.SetGeoTransform([500000, 10, 0, 4800000, 0, -10]); ds.SetProjection(srs.ExportToWkt())
    b1 = ds.GetRasterBand(1); b1.SetNoDataValue(float("nan")); b1.WriteArray(m); ds = None
PY

now() { date +%s.%N; }
t0=$(now)
"$BIN" overlay --op gamma --gamma 0.8 "$WORK"/m0.tif "$WORK"/m1.tif "$WORK"/m2.tif "$WORK"/m3.tif \
  --out "$WORK/ours.tif" --threads "$THREADS" -q
t1=$(now)
GDAL_NUM_THREADS=$THREADS "$PY" - "$WORK" <<'PY'
import sys, numpy as np
from osgeo import gdal
gdal.UseExceptions()
w = sys.argv[1]
src = [gdal.Open(f"{w}/m{k}.tif") for k in range(4)]
ms = [s.GetRasterBand(1).ReadAsArray().astype(np.float64) for s in src]
prod = np.prod(ms, axis=0); s = 1 - np.prod([1 - m for m in ms], axis=0)
g = (s ** 0.8 * prod ** 0.2).astype(np.float32)
mem = gdal.GetDriverByName("MEM").Create("", g.shape[1], g.shape[0], 1, gdal.GDT_Float32)
mem.SetGeoTransform(src[0].GetGeoTransform()); mem.SetProjection(src[0].GetProjection())
mem.GetRasterBand(1).SetNoDataValue(float("nan")); mem.GetRasterBand(1).WriteArray(g)
gdal.GetDriverByName("COG").CreateCopy(f"{w}/ref.tif", mem, options=[
    "COMPRESS=DEFLATE", "PREDICTOR=YES", "BLOCKSIZE=512", "OVERVIEWS=AUTO", "NUM_THREADS=ALL_CPUS"])
PY
t2=$(now)
diff=$("$PY" - "$WORK" <<'PY'
import sys, numpy as np
from osgeo import gdal
a = gdal.Open(sys.argv[1] + "/ours.tif").ReadAsArray(); b = gdal.Open(sys.argv[1] + "/ref.tif").ReadAsArray()
print(f"{np.nanmax(np.abs(a.astype(np.float64) - b)):.2e}")
PY
)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$diff" -v n="$SIZE" 'BEGIN {
  ours = b - a; ref = c - b;
  printf "overlay: gamma of 4 DEFLATE layers of %d x %d to a COG: geoprospect %.2f s, numpy+gdal %.2f s, ratio %.2f x, max abs diff %s\n", n, n, ours, ref, ref / ours, d }'
