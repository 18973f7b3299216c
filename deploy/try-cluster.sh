#!/usr/bin/env bash
# End-to-end check of the cluster path on one machine: a local Slurm and a local S3 (moto), the
# Khanbogd sample at 40 m read from S3, split into 2 tiles run as a Slurm array, merged to S3,
# and compared cell by cell with a single local `geoprospect run` of the same project.
#   deploy/try-cluster.sh            (root or sudo; installs slurm-wlm, munge and moto if missing)
# Prints one line per compared file and "identical: N rasters, M target files" at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build --release -q
export GEOPROSPECT=$ROOT/target/release/geoprospect
bash deploy/slurm/local-cluster.sh >/dev/null
eval "$(bash deploy/s3/local-s3.sh)"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - <<'PY'
import boto3, glob, os
s3 = boto3.client("s3", endpoint_url="http://" + os.environ["AWS_S3_ENDPOINT"],
                  aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
for f in glob.glob("samples/mongolia/*"):
    if os.path.isfile(f):
        s3.upload_file(f, "geoprospect", "try/mongolia/" + os.path.basename(f))
PY
# 1100 x 600 cells of 40 m: blocks of 512 rows, so two tiles.
sed -e 's/resolution = 100.0/resolution = 40.0/' \
    -e 's/margin = 2000.0/extent = [662320.0, 4772760.0, 706320.0, 4796760.0]/' \
    samples/mongolia/project.toml > "$WORK/local.toml"
sed -i "s#path = \"#path = \"$ROOT/samples/mongolia/#" "$WORK/local.toml"
sed "s#path = \"$ROOT/samples/mongolia/#path = \"/vsis3/geoprospect/try/mongolia/#" \
    "$WORK/local.toml" > "$WORK/s3.toml"
"$GEOPROSPECT" run "$WORK/local.toml" --out "$WORK/single" -q 2>/dev/null
bash deploy/slurm/submit.sh --wait "$WORK/s3.toml" 2 "$WORK/plan" /vsis3/geoprospect/try/merged
/usr/bin/python3 - "$WORK/single" /vsis3/geoprospect/try/merged <<'PY'
import os, sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
local, remote = sys.argv[1], sys.argv[2]
rasters = targets = 0
for root, _, files in os.walk(local):
    for f in files:
        rel = os.path.relpath(os.path.join(root, f), local)
        if f.endswith(".tif"):
            a = gdal.Open(os.path.join(local, rel)).ReadAsArray()
            b = gdal.Open(f"{remote}/{rel}").ReadAsArray()
            assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f"{rel} differs"
            rasters += 1
        elif f.startswith("targets_"):
            fh = gdal.VSIFOpenL(f"{remote}/{rel}", "rb")
            data = gdal.VSIFReadL(1, gdal.VSIStatL(f"{remote}/{rel}").size, fh)
            gdal.VSIFCloseL(fh)
            assert data == open(os.path.join(local, rel), "rb").read(), f"{rel} differs"
            targets += 1
print(f"identical: {rasters} rasters, {targets} target files")
PY
