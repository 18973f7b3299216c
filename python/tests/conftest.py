"""Shared fixtures: the geoprospect binary (the reference the package must equal), the sample
batches, and readers of what the binary writes (GDAL's Python bindings)."""

import csv
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal

gdal.UseExceptions()

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def cli():
    """Runs the geoprospect binary (GEOPROSPECT_BIN, else target/debug/geoprospect); returns
    the completed process, raising on a non-zero exit unless ``check=False``."""
    binary = Path(os.environ.get("GEOPROSPECT_BIN", REPO / "target" / "debug" / "geoprospect"))
    if not binary.exists():
        pytest.fail(f"{binary} not found: build it with `cargo build` or set GEOPROSPECT_BIN")

    def run(*args, check=True):
        done = subprocess.run(
            [str(binary), "--quiet", *map(str, args)], capture_output=True, text=True
        )
        if check and done.returncode != 0:
            raise AssertionError(f"geoprospect {' '.join(map(str, args))}: {done.stderr}")
        return done

    return run


def read_band(path, band=1):
    """Band ``band`` of a raster as float32 with its nodata as NaN."""
    ds = gdal.Open(str(path))
    b = ds.GetRasterBand(band)
    a = b.ReadAsArray().astype(np.float32)
    nodata = b.GetNoDataValue()
    if nodata is not None and not np.isnan(nodata):
        a[a == nodata] = np.nan
    return a


def write_tif(path, array, geotransform, epsg):
    """A float32 GeoTIFF with NaN nodata (the kind of layer geoprospect writes)."""
    from osgeo import osr

    driver = gdal.GetDriverByName("GTiff")
    rows, cols = array.shape
    ds = driver.Create(str(path), cols, rows, 1, gdal.GDT_Float32)
    ds.SetGeoTransform(geotransform)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(float("nan"))
    band.WriteArray(array)
    ds = None


def assay(text):
    """An assay as geoprospect reads it: half the limit below detection (``<0.5``), the limit
    above range (``>1000``), NaN when not determined (``-``, ``n.d.``, empty)."""
    t = text.strip()
    try:
        if t.startswith("<"):
            return float(t[1:]) / 2
        if t.startswith(">"):
            return float(t[1:])
        return float(t)
    except ValueError:
        return float("nan")


@pytest.fixture(scope="session")
def korea_soils():
    """The Gangwon soil survey: x, y (EPSG:5179) and a dict of element columns by header."""
    with open(SAMPLES / "korea" / "soil_assays.csv", encoding="cp949", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    columns = {h: np.array([assay(r[i]) for r in body]) for i, h in enumerate(header)}
    return columns["X_5179"], columns["Y_5179"], columns


def magnetics():
    """The Gangwon magnetics grid (EPSG:5186, 100 m): path, array, geotransform."""
    path = SAMPLES / "korea" / "magnetics.tif"
    ds = gdal.Open(str(path))
    return path, read_band(path), ds.GetGeoTransform()
