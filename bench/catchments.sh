#!/usr/bin/env bash
# Catchments benchmark: `geoprospect catchments` (Priority-Flood fill, drainage over flats, D8,
# accumulation, snapping, nested sample catchments, outputs) of a SIZE x SIZE DEM of 30 m cells
# (default 5000) with 2000 stream-sediment samples, against pysheds (PyPI) doing the same chain
# on the same DEM: Grid.from_raster + read_raster, fill_pits, fill_depressions, resolve_flats,
# flowdir (D8, its default dirmap), accumulation, and catchment() of the 20 largest sample
# basins (pour points: our snapped outlet cells, from the GeoJSON's outlet_lon/outlet_lat).
# pysheds has no nested labelling, and one catchment() call costs full-grid passes (about
# 0.2 s each on 25 M cells), so its 2000 would take minutes: only those 20 are timed, unscaled,
# which flatters pysheds. Its first import compiles numba code: a warm-up of the whole chain on
# a 128 x 128 crop runs first in the same process, untimed; the import is not timed either.
# Prints
#   catchments: geoprospect X s, pysheds Y s (...), ratio Z x, nested labels agree on A % of
#   valid cells (B % of the drained ones), upstream basins agree on C % of cells (20 samples)
# What the agreement figures measure (pysheds' own directions, our snapped outlets):
# - nested labels: every cell takes the first of our outlets downstream of it along pysheds'
#   D8 directions (pointer jumping in numpy, not pysheds code), compared with our labels raster;
#   "drained" = cells that either tool gives to a sample;
# - upstream basins: for each of the 20, pysheds' catchment of the outlet against the union of
#   our label and the labels of the samples whose outlet lies inside that catchment (our full
#   upstream basin, as nested catchments cut it up), as intersection over union in cells.
# The two tools resolve flats differently (pysheds: Barnes 2015 as an epsilon gradient on a
# float64 DEM, with its own tie order of directions), so directions and therefore catchments
# differ on flats and everything upstream of them (on the other cells, those with one clear
# steepest descent on the filled DEM, our labels follow D8 exactly); pysheds' catchment() leaves
# the grid's rim cells out, which the basin figure does too. pysheds' Priority-Flood starts only
# from the outer edge of the valid cells, so nodata inside the grid is a wall to it and a sink
# to geoprospect: the DEM's nodata is a quarter-disc "reservoir" cut by the map's corner, which
# both treat as an outlet.
#
# Needs python3-gdal and python3-numpy (`make deps`), and pysheds, installed on first use into
# ${XDG_CACHE_HOME:-~/.cache}/geoprospect-bench/pysheds-venv (PyPI; without it the pysheds part
# is skipped and said so). Environment: SIZE=5000 (cells a side), SAMPLES=2000, THREADS=<n>
# (default all cores), KEEP=1 (keep the work folder, printed), GEOPROSPECT=path (this binary
# instead of building target/release/geoprospect), VERBOSE=1 (per-step pysheds times on stderr).
# About 2-3 minutes at SIZE=5000 on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-5000}
SAMPLES=${SAMPLES:-2000}
THREADS=${THREADS:-$(nproc)}
PY=/usr/bin/python3
"$PY" -c "import numpy, osgeo.gdal" 2>/dev/null \
  || { echo "bench/catchments.sh: python3-gdal and python3-numpy are needed (make deps)"; exit 1; }
BIN=${GEOPROSPECT:-${CARGO_TARGET_DIR:-target}/release/geoprospect}
[ -n "${GEOPROSPECT:-}" ] || cargo build --release -q
WORK=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "work folder: $WORK"; fi

# The DEM: a fractal-like relief (24 sines from 60 km down to 240 m wavelength, amplitude as
# wavelength^1.2, half of them as V-shaped valleys), a regional slope of 1.5 % to the east and
# 1 % to the south, 0.3 m of noise (pits everywhere; filling raises about 9 % of the cells),
# 40 plateaus of exactly one value (flats) and a quarter-disc of NaN at the top-left corner;
# Float32, DEFLATE, tiled, EPSG:32648. Samples: seeded random points (snapping moves them onto
# the streams), some in the nodata corner; Sn_ppm lognormal.
"$PY" - "$WORK" "$SIZE" "$SAMPLES" <<'PY'
import sys, numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
work, n, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
res, x0, y0 = 30.0, 400000.0, 2500000.0
rng = np.random.default_rng(48)
srs = osr.SpatialReference(); srs.ImportFromEPSG(32648)
waves = []
for k, length in enumerate(np.geomspace(60000.0, 240.0, 24) * rng.uniform(0.8, 1.25, 24)):
    theta, phase = rng.uniform(0, np.pi), rng.uniform(0, 2 * np.pi)
    waves.append((2 * np.pi / length * np.cos(theta), 2 * np.pi / length * np.sin(theta), phase,
                  120 * (length / 60000.0) ** 1.2, k % 2 == 0))
dem = np.empty((n, n), np.float32)
cols = np.arange(n) * res
for r0 in range(0, n, 256):
    ys = (np.arange(r0, min(r0 + 256, n)) * res)[:, None]
    z = 1500 + 0.015 * cols[None, :] + 0.01 * (n * res - ys)
    for kx, ky, ph, amp, valley in waves:
        s = np.sin(kx * cols[None, :] + ky * ys + ph)
        z = z + (amp * (1 - 2 * np.abs(s)) if valley else amp * s)
    dem[r0:r0 + len(ys)] = z + rng.normal(0, 0.3, z.shape)
for _ in range(40):
    r, c, rad = rng.integers(0, n), rng.integers(0, n), rng.integers(max(n // 250, 3), max(n // 35, 6))
    rr, cc = np.ogrid[max(r - rad, 0):min(r + rad, n), max(c - rad, 0):min(c + rad, n)]
    disc = (rr - r) ** 2 + (cc - c) ** 2 <= rad * rad
    block = dem[max(r - rad, 0):min(r + rad, n), max(c - rad, 0):min(c + rad, n)]
    block[disc] = np.float32(round(float(np.median(block[disc])), 1))
rr, cc = np.ogrid[0:n, 0:n]
dem[rr ** 2 + cc ** 2 < (n // 8) ** 2] = np.nan
ds = gdal.GetDriverByName("GTiff").Create(f"{work}/dem.tif", n, n, 1, gdal.GDT_Float32,
    ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "BLOCKXSIZE=512", "BLOCKYSIZE=512"])
ds.SetGeoTransform([x0, res, 0, y0, 0, -res]); ds.SetProjection(srs.ExportToWkt())
b = ds.GetRasterBand(1); b.SetNoDataValue(float("nan")); b.WriteArray(dem); ds = None
m = min(128, n)
gdal.Translate(f"{work}/warm.tif", f"{work}/dem.tif", srcWin=[n - m, n - m, m, m])
x = x0 + rng.uniform(0, n * res, samples)
y = y0 - rng.uniform(0, n * res, samples)
sn = np.round(np.exp(rng.normal(1.5, 0.8, samples)), 1)
with open(f"{work}/samples.csv", "w") as f:
    f.write("id,x,y,Sn_ppm\n")
    for k in range(samples):
        f.write(f"S{k + 1:05d},{x[k]:.1f},{y[k]:.1f},{sn[k]}\n")
PY

now() { date +%s.%N; }
t0=$(now)
"$BIN" catchments "$WORK/dem.tif" --samples "$WORK/samples.csv" --x x --y y --field Sn_ppm \
  --id id --labels "$WORK/labels.tif" --out "$WORK/values.tif" --geojson "$WORK/basins.geojson" \
  --threads "$THREADS" -q
t1=$(now)
ours=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')

# Our outlets: (data row, cell index) from the GeoJSON's WGS 84 outlet coordinates.
"$PY" - "$WORK" <<'PY'
import sys, json, math, numpy as np
from osgeo import gdal, osr
w = sys.argv[1]
ds = gdal.Open(f"{w}/dem.tif"); x0, res, _, y0, _, _ = ds.GetGeoTransform(); n = ds.RasterXSize
wgs, utm = osr.SpatialReference(), osr.SpatialReference()
wgs.ImportFromEPSG(4326); utm.ImportFromEPSG(32648)
for s in (wgs, utm):
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
tr = osr.CoordinateTransformation(wgs, utm)
out = []
for f in json.load(open(f"{w}/basins.geojson"))["features"]:
    p = f["properties"]
    x, y, _ = tr.TransformPoint(p["outlet_lon"], p["outlet_lat"])
    out.append((p["row"], math.floor((y0 - y) / res) * n + math.floor((x - x0) / res)))
np.save(f"{w}/outlets.npy", np.array(out, dtype=np.int64).reshape(-1, 2))
PY

# pysheds 0.5 calls numpy.in1d, which numpy 2.4 removed: numpy is pinned below 2.4.
VENV=${XDG_CACHE_HOME:-$HOME/.cache}/geoprospect-bench/pysheds-venv
if ! "$VENV/bin/python" -c "import numpy; numpy.in1d; import pysheds.grid" 2>/dev/null; then
  reason=""
  if ! "$PY" -m venv --help >/dev/null 2>&1; then
    reason="python3 -m venv is missing (apt-get install python3-venv)"
  else
    rm -rf "$VENV"; mkdir -p "$(dirname "$VENV")"
    if ! { "$PY" -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check pysheds "numpy<2.4"; } \
        >"$WORK/pip.log" 2>&1 || ! "$VENV/bin/python" -c "import pysheds.grid" >>"$WORK/pip.log" 2>&1; then
      reason="pip install pysheds failed: $(grep -v '^\s*$' "$WORK/pip.log" | tail -1 | cut -c1-120)"
      rm -rf "$VENV"
    fi
  fi
  if [ -n "$reason" ]; then
    echo "catchments: geoprospect $ours s (pysheds unavailable: $reason)"
    exit 0
  fi
fi

# pysheds, timed inside its process after an untimed warm-up (numba compilation or cache load).
NUMBA_NUM_THREADS=$THREADS "$VENV/bin/python" - "$WORK" <<'PY' >"$WORK/pysheds.txt" 2>"$WORK/pysheds.err" \
  || { cat "$WORK/pysheds.err" >&2; echo "catchments: pysheds failed"; exit 1; }
import sys, time, numpy as np
from pysheds.grid import Grid
w = sys.argv[1]
def chain(path, log):
    t = time.perf_counter()
    grid = Grid.from_raster(path); dem = grid.read_raster(path)
    log("read", t); t = time.perf_counter()
    dem = grid.fill_pits(dem); log("fill_pits", t); t = time.perf_counter()
    dem = grid.fill_depressions(dem); log("fill_depressions", t); t = time.perf_counter()
    dem = grid.resolve_flats(dem); log("resolve_flats", t); t = time.perf_counter()
    fdir = grid.flowdir(dem); log("flowdir", t); t = time.perf_counter()
    acc = grid.accumulation(fdir); log("accumulation", t)
    return grid, fdir, acc
times = {}
grid, fdir, acc = chain(f"{w}/warm.tif", lambda s, t: None)
grid.catchment(x=5, y=5, fdir=fdir, xytype="index")
t0 = time.perf_counter()
grid, fdir, acc = chain(f"{w}/dem.tif", lambda s, t: times.__setitem__(s, time.perf_counter() - t))
outlets = np.load(f"{w}/outlets.npy")
a = np.asarray(acc).ravel()
top = outlets[np.argsort(-a[outlets[:, 1]], kind="stable")[:20]]
t = time.perf_counter()
n = fdir.shape[1]
masks = []
for row, cell in top:
    c = grid.catchment(x=int(cell % n), y=int(cell // n), fdir=fdir, xytype="index")
    masks.append(np.packbits(np.asarray(c, dtype=bool).ravel()))
times["catchment x%d" % len(top)] = time.perf_counter() - t
total = time.perf_counter() - t0
codes = np.full(fdir.shape, -1, np.int8)
for k, v in enumerate(fdir.metadata.get("dirmap", (64, 128, 1, 2, 4, 8, 16, 32))):
    codes[np.asarray(fdir) == v] = k
np.save(f"{w}/ps_codes.npy", codes)
np.savez(f"{w}/ps_basins.npz", rows=top[:, 0], masks=np.array(masks) if masks else np.zeros((0, 0), np.uint8))
print(f"{total:.2f} {len(top)}")
print(" ".join(f"{k} {v:.2f} s," for k, v in times.items()), file=sys.stderr)
PY
read -r ref nbasins <"$WORK/pysheds.txt"

agree=$("$PY" - "$WORK" <<'PY'
import sys, numpy as np
from osgeo import gdal
w = sys.argv[1]
ds = gdal.Open(f"{w}/labels.tif"); band = ds.GetRasterBand(1)
ours = band.ReadAsArray().ravel(); nd = band.GetNoDataValue()
valid = ours != (int(nd) if nd is not None else np.iinfo(np.int32).min)
codes = np.load(f"{w}/ps_codes.npy"); h, n = codes.shape; codes = codes.ravel()
outlets = np.load(f"{w}/outlets.npy")
# pysheds' directions N, NE, E, SE, S, SW, W, NW as (row, col) steps.
dr = np.array([-1, -1, 0, 1, 1, 1, 0, -1]); dc = np.array([0, 1, 1, 1, 0, -1, -1, -1])
idx = np.arange(h * n, dtype=np.int64)
nxt = np.full(h * n, -1, np.int64)
has = (codes >= 0) & valid
r, c = idx[has] // n + dr[codes[has]], idx[has] % n + dc[codes[has]]
inside = (r >= 0) & (r < h) & (c >= 0) & (c < n)
to = np.where(inside, r * n + c, -1)
to[inside] = np.where(valid[to[inside]], to[inside], -1)
nxt[has] = to
# Each cell: the first outlet downstream of it, by pointer jumping.
lab = np.zeros(h * n, np.int32)
lab[outlets[:, 1]] = outlets[:, 0]
m = np.flatnonzero((lab == 0) & (nxt >= 0))
while m.size:
    t = nxt[m]
    nl, nn = lab[t], nxt[t]
    lab[m], nxt[m] = nl, nn
    m = m[(nl == 0) & (nn >= 0)]
same = (lab == ours) & valid
drained = valid & ((lab > 0) | (ours > 0))
cells = f"{100 * same.sum() / valid.sum():.2f} % of valid cells ({100 * (same & drained).sum() / max(drained.sum(), 1):.2f} % of the drained ones)"
# The 20 largest basins: pysheds' catchment against our label plus the labels nested in it.
z = np.load(f"{w}/ps_basins.npz")
rim = np.zeros((h, n), bool); rim[0] = rim[-1] = rim[:, 0] = rim[:, -1] = True; rim = rim.ravel()
inter = union = 0
for row, packed in zip(z["rows"], z["masks"]):
    b = np.unpackbits(packed)[: h * n].astype(bool) & ~rim
    nested = np.concatenate([[row], outlets[b[outlets[:, 1]], 0]])
    u = np.isin(ours, nested) & valid & ~rim
    inter += (b & u).sum(); union += (b | u).sum()
print(f"{cells}, upstream basins agree on {100 * inter / max(union, 1):.2f} % of cells")
PY
)
[ -z "${VERBOSE:-}" ] || echo "pysheds steps: $(tail -1 "$WORK/pysheds.err")" >&2
awk -v a="$ours" -v b="$ref" -v k="$nbasins" -v g="$agree" -v n="$SIZE" -v s="$SAMPLES" 'BEGIN {
  printf "catchments: %d x %d DEM, %d samples: geoprospect %.2f s, pysheds %.2f s (read, fill, flats, D8, accumulation, %d catchments), ratio %.2f x, nested labels agree on %s (%d samples)\n", n, n, s, a, b, k, b / a, g, k }'
