#!/usr/bin/env bash
# Singularity benchmark: `geoprospect singularity --windows 1,3,5,7,9` of a SIZE x SIZE layer
# (default 5000) with nodata holes, against the same index in vectorised numpy (window sums from
# cumulative sums, the least-squares slope in closed form) writing the same DEFLATE COG through
# GDAL's Python bindings. Prints
#   singularity: geoprospect X s, numpy+gdal Y s, ratio Z x, max abs diff D
# Needs python3-gdal and python3-numpy (`make deps`). SIZE=5000 THREADS=<n> KEEP=1 as in idw.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-5000}
THREADS=${THREADS:-$(nproc)}
PY=/usr/bin/python3
"$PY" -c "import numpy, osgeo.gdal" 2>/dev/null \
  || { echo "bench/singularity.sh: python3-gdal and python3-numpy are needed (make deps)"; exit 1; }
BIN=${GEOPROSPECT:-${CARGO_TARGET_DIR:-target}/release/geoprospect}
[ -n "${GEOPROSPECT:-}" ] || cargo build --release -q
WORK=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "work folder: $WORK"; fi

# A positive lognormal-looking field with peaks and 1 % nodata, DEFLATE-compressed (seeded).
"$PY" - "$WORK" "$SIZE" <<'PY'
import sys, numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
work, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
srs = osr.SpatialReference(); srs.ImportFromEPSG(32648)
y, x = np.mgrid[0:n, 0:n].astype(np.float32) / n
v = np.exp(np.sin(9 * x) * np.cos(7 * y) + rng.normal(0, 0.3, (n, n))).astype(np.float32)
v[rng.random((n, n)) < 0.01] = np.nan
ds = gdal.GetDriverByName("GTiff").Create(f"{work}/in.tif", n, n, 1, gdal.GDT_Float32,
    ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "BLOCKXSIZE=512", "BLOCKYSIZE=512"])
ds.SetGeoTransform([500000, 10, 0, 4800000, 0, -10]); ds.SetProjection(srs.ExportToWkt())
b = ds.GetRasterBand(1); b.SetNoDataValue(float("nan")); b.WriteArray(v); ds = None
PY

now() { date +%s.%N; }
t0=$(now)
"$BIN" singularity "$WORK/in.tif" --windows 1,3,5,7,9 --out "$WORK/ours.tif" --threads "$THREADS" -q
t1=$(now)
GDAL_NUM_THREADS=$THREADS "$PY" - "$WORK" <<'PY'
import sys, numpy as np
from osgeo import gdal
gdal.UseExceptions()
w = sys.argv[1]
src = gdal.Open(f"{w}/in.tif")
a = src.GetRasterBand(1).ReadAsArray().astype(np.float64)
ok = ~np.isnan(a)
vals = np.where(ok, a, 0.0)
def box(z, k):
    # Sums over the centred (2k+1)-square windows clipped to the grid, from cumulative sums.
    p = np.pad(z, ((k + 1, k), (k + 1, k)))
    c = p.cumsum(0).cumsum(1)
    return c[2*k+1:, 2*k+1:] - c[:-2*k-1, 2*k+1:] - c[2*k+1:, :-2*k-1] + c[:-2*k-1, :-2*k-1]
n = sx = sy = sxy = sxx = 0
for s in (1, 3, 5, 7, 9):
    k = s // 2
    tot, cnt, inside = box(vals, k), box(ok.astype(np.float64), k), box(np.ones_like(vals), k)
    use = (2 * cnt >= inside) & (tot > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        yv = np.log(np.where(use, tot / np.maximum(cnt, 1), 1.0))
    x = np.log(s)
    n = n + use; sx = sx + use * x; sy = sy + use * yv; sxy = sxy + use * x * yv; sxx = sxx + use * x * x
with np.errstate(divide="ignore", invalid="ignore"):
    alpha = 2 + (n * sxy - sx * sy) / (n * sxx - sx * sx)
alpha = np.where(ok & (n >= 2), alpha, np.nan).astype(np.float32)
mem = gdal.GetDriverByName("MEM").Create("", alpha.shape[1], alpha.shape[0], 1, gdal.GDT_Float32)
mem.SetGeoTransform(src.GetGeoTransform()); mem.SetProjection(src.GetProjection())
mem.GetRasterBand(1).SetNoDataValue(float("nan")); mem.GetRasterBand(1).WriteArray(alpha)
gdal.GetDriverByName("COG").CreateCopy(f"{w}/ref.tif", mem, options=[
    "COMPRESS=DEFLATE", "PREDICTOR=YES", "BLOCKSIZE=512", "OVERVIEWS=AUTO", "NUM_THREADS=ALL_CPUS"])
PY
t2=$(now)
diff=$("$PY" - "$WORK" <<'PY'
import sys, numpy as np
from osgeo import gdal
a = gdal.Open(sys.argv[1] + "/ours.tif").ReadAsArray(); b = gdal.Open(sys.argv[1] + "/ref.tif").ReadAsArray()
assert (np.isnan(a) == np.isnan(b)).all(), "nodata differs"
print(f"{np.nanmax(np.abs(a.astype(np.float64) - b)):.2e}")
PY
)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$diff" -v n="$SIZE" 'BEGIN {
  ours = b - a; ref = c - b;
  printf "singularity: windows 1,3,5,7,9 of %d x %d to a COG: geoprospect %.2f s, numpy+gdal %.2f s, ratio %.2f x, max abs diff %s\n", n, n, ours, ref, ref / ours, d }'
