#!/usr/bin/env bash
# Bandwidth benchmark: one pass of geoprospect over uncompressed data against the machine's
# memory bandwidth, measured in this script.
#
# What is measured, honestly:
# - Data: 4 uncompressed striped Float32 GeoTIFFs of SIZE x SIZE cells holding memberships in
#   [0, 1]. Default 16000: 1 GB each, 5.5 GB read + written in all, so that the process's fixed
#   start-up (about 0.08 s of loading GDAL's libraries and decoding the CRS) is a small part of
#   the time, as a bandwidth is a rate; `make bench` also prints SIZE=8000, where start-up is a
#   third of the time. The files are IN THE PAGE CACHE: nothing here measures the disk. Two
#   states of the cache are timed, because mapping the inputs costs what the kernel's pages
#   cost:
#   - "read from disk": the files are flushed to disk, dropped from the page cache
#     (`posix_fadvise(DONTNEED)`) and read back once with `cat`, as inputs that sit on disk
#     and were read before. Linux (6.x, ext4) caches sequential reads in 2 MiB pages, which map
#     with one page-table entry each. This is the figure the target is about.
#   - "just written": as GDAL's writer left them, in the 4 KiB pages of its 32 KB strip
#     writes; each has its own page-table entry (half a million per 2 GB), set and cleared by
#     the kernel for every pass.
# - geoprospect: `geoprospect fuzzy --layer m0.tif ... --op and --compress none`: layers
#   without a transform chain are memberships, so this is one pass: read the 4 layers (mapped
#   into memory and read in place from the page cache), take the fuzzy AND (the cheapest
#   operator, to measure the data path rather than arithmetic) tile by tile, write an
#   uncompressed COG with overviews (each tile written in place and halved into the overview
#   while in cache).
#   Effective bandwidth = (bytes of the 4 input files + bytes of the output file) / wall time of
#   the whole command, process start to exit (GDAL start-up, opening, overviews included); best
#   of REPEAT runs.
# - Memory bandwidth: a copy of a 512 MB float32 array into another, both already touched,
#   counted as bytes read + bytes written / time, best of 5: with numpy (one thread) and with a
#   C loop on all cores (OpenMP, `cc -O2 -fopenmp`, when a C compiler is present); the larger
#   is the machine's figure.
# Printed:
#   bandwidth: memory copy M GB/s (numpy N, C/OpenMP C); geoprospect one pass (B MB): inputs
#   read from disk G GB/s (T s), ratio M/G x (target: within 3x); inputs just written by GDAL
#   G' GB/s (T' s), ratio M/G' x
# Needs python3-gdal and python3-numpy (`make deps`). SIZE=16000 THREADS=<n> KEEP=1 REPEAT=3.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-16000}
THREADS=${THREADS:-$(nproc)}
PY=/usr/bin/python3
"$PY" -c "import numpy, osgeo.gdal" 2>/dev/null \
  || { echo "bench/bandwidth.sh: python3-gdal and python3-numpy are needed (make deps)"; exit 1; }
BIN=${GEOPROSPECT:-${CARGO_TARGET_DIR:-target}/release/geoprospect}
[ -n "${GEOPROSPECT:-}" ] || cargo build --release -q
WORK=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "work folder: $WORK"; fi

# Memory bandwidth first, on a quiet process.
numpy_gbs=$("$PY" - <<'PY'
import time, numpy as np
n = 128 * 1024 * 1024
a = np.ones(n, dtype=np.float32); b = np.zeros(n, dtype=np.float32)
best = 1e9
for _ in range(5):
    t = time.perf_counter(); np.copyto(b, a); best = min(best, time.perf_counter() - t)
print(f"{2 * a.nbytes / best / 1e9:.1f}")
PY
)
c_gbs=""
if command -v cc >/dev/null; then
  cat > "$WORK/copy.c" <<'C'
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  size_t n = 128u << 20; float *a = malloc(n * 4), *b = malloc(n * 4); double best = 1e9;
  #pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) { a[i] = 1.0f; b[i] = 0.0f; }
  for (int r = 0; r < 5; r++) {
    double t = omp_get_wtime();
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) b[i] = a[i];
    t = omp_get_wtime() - t; if (t < best) best = t;
  }
  printf("%.1f\n", 2.0 * n * 4 / best / 1e9 + 0 * b[n / 2]);
  return 0;
}
C
  if cc -O2 -fopenmp "$WORK/copy.c" -o "$WORK/copy" 2>/dev/null; then
    c_gbs=$(OMP_NUM_THREADS=$THREADS "$WORK/copy")
  fi
fi

"$PY" - "$WORK" "$SIZE" <<'PY'
import sys, numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
work, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(11)
srs = osr.SpatialReference(); srs.ImportFromEPSG(32648)
for k in range(4):
    ds = gdal.GetDriverByName("GTiff").Create(f"{work}/m{k}.tif", n, n, 1, gdal.GDT_Float32)
    ds.SetGeoTransform([500000, 10, 0, 4800000, 0, -10]); ds.SetProjection(srs.ExportToWkt())
    b1 = ds.GetRasterBand(1); b1.SetNoDataValue(float("nan"))
    for r in range(0, n, 1000):
        b1.WriteArray(rng.random((min(1000, n - r), n), dtype=np.float32), 0, r)
    ds = None
PY
cat "$WORK"/m*.tif > /dev/null

now() { date +%s.%N; }
# Best wall time of REPEAT runs of the one pass.
one_pass() {
  local best="" t t0
  for _ in $(seq "${REPEAT:-3}"); do
    rm -f "$WORK/out.tif"
    t0=$(now)
    "$BIN" fuzzy --layer "$WORK/m0.tif" --layer "$WORK/m1.tif" --layer "$WORK/m2.tif" \
      --layer "$WORK/m3.tif" --op and --compress none --out "$WORK/out.tif" \
      --threads "$THREADS" -q
    t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
    best=$(awk -v a="${best:-$t}" -v b="$t" 'BEGIN { print (a < b ? a : b) }')
  done
  echo "$best"
}
written=$(one_pass)
"$PY" - "$WORK"/m*.tif <<'PY'
import os, sys
for f in sys.argv[1:]:
    fd = os.open(f, os.O_RDONLY)
    os.fsync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
PY
cat "$WORK"/m*.tif > /dev/null
best=$(one_pass)
bytes=$(stat -c %s "$WORK"/m0.tif "$WORK"/m1.tif "$WORK"/m2.tif "$WORK"/m3.tif "$WORK/out.tif" \
  | awk '{ s += $1 } END { print s }')
# Spot check: the AND of the first row.
"$PY" - "$WORK" <<'PY'
import sys, numpy as np
from osgeo import gdal
w = sys.argv[1]
keep = [gdal.Open(f"{w}/m{k}.tif") for k in range(4)]
rows = [d.GetRasterBand(1).ReadAsArray(0, 0, None, 64) for d in keep]
out_ds = gdal.Open(f"{w}/out.tif"); out = out_ds.GetRasterBand(1).ReadAsArray(0, 0, None, 64)
if not np.array_equal(out, np.minimum.reduce(rows)):
    sys.exit("bench/bandwidth.sh: the output differs from the fuzzy AND of the inputs")
PY
awk -v t="$best" -v w="$written" -v b="$bytes" -v np="$numpy_gbs" -v c="${c_gbs:-0}" -v n="$SIZE" 'BEGIN {
  m = (c > np ? c : np); g = b / t / 1e9; gw = b / w / 1e9;
  printf "bandwidth: memory copy %.1f GB/s (numpy 1 thread %.1f, C/OpenMP %s); geoprospect one pass (fuzzy AND of 4 uncompressed %d x %d layers to an uncompressed COG, %.0f MB read+written): inputs read from disk %.1f GB/s (%.2f s), ratio %.1f x (target: within 3x); inputs just written by GDAL (4 KiB pages) %.1f GB/s (%.2f s), ratio %.1f x\n", m, np, (c > 0 ? sprintf("%.1f", c) : "n/a"), n, n, b / 1e6, g, t, m / g, gw, w, m / gw }'
