#!/usr/bin/env bash
# `make bench`: geoprospect against the reference tools on the same generated data, as ratios
# (reference time / geoprospect time: above 1 means geoprospect is faster). Sizes are stated by
# each script; the whole run takes a few minutes on a 2-core machine (under 10).
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q || exit 1
export GEOPROSPECT=${CARGO_TARGET_DIR:-target}/release/geoprospect
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), GDAL $(gdal-config --version 2>/dev/null)"
status=0
for b in idw proximity overlay fuzzy singularity catchments boosting bandwidth; do
  bash "bench/$b.sh" 2>&1 | grep -E "^$b:" || { echo "$b: failed"; status=1; }
done
# The one pass again on a quarter of the cells (1.4 GB read + written), where the process's
# fixed start-up (loading GDAL's libraries, decoding the CRS: about 0.08 s) is a third of the time.
SIZE=8000 bash bench/bandwidth.sh 2>&1 | grep -E "^bandwidth:" || { echo "bandwidth: failed"; status=1; }
exit $status
