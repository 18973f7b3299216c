"""run and info: a project run equal to `geoprospect run`, a file described as `gdalinfo` and
`ogrinfo` see it; errors as the command line's one-line messages; kernels that let other
Python threads run; the same bits on any number of threads; one abi3 extension for every
CPython from 3.9."""

import hashlib
import json
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import geoprospect as gp
from conftest import SAMPLES

PROJECT = SAMPLES / "korea" / "project.toml"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_run_equals_the_command(cli, tmp_path):
    summary = gp.run(PROJECT, tmp_path / "py", threads=2)
    cli("run", PROJECT, "--out", tmp_path / "cli", "--threads", "1")
    assert summary["grid"]["width"] == 300 and summary["grid"]["height"] == 250
    assert summary["grid"]["crs"] == "EPSG:5186"
    assert [c["commodity"] for c in summary["commodities"]] == ["REE", "Sn", "Mo"]
    for c in summary["commodities"]:
        mine = tmp_path / "py" / f"prospectivity_{c['commodity'].lower()}.tif"
        assert c["map"] == str(mine)
        assert digest(mine) == digest(tmp_path / "cli" / mine.name)
        assert 0.5 < c["validation"]["auc"] <= 1.0
    manifest = json.loads((tmp_path / "py" / "manifest.json").read_text())
    assert summary["manifest"] == manifest
    assert all((tmp_path / "py" / p).exists() or p.startswith("/") for p in summary["outputs"])


def test_info_agrees_with_gdal_and_ogr():
    raster = gp.info(SAMPLES / "korea" / "magnetics.tif")
    reference = json.loads(subprocess.run(
        ["gdalinfo", "-json", str(SAMPLES / "korea" / "magnetics.tif")],
        capture_output=True, text=True, check=True).stdout)
    assert raster["kind"] == "raster" and raster["crs"] == "EPSG:5186"
    assert [raster["width"], raster["height"]] == reference["size"]
    assert raster["cell_size"] == [reference["geoTransform"][1], -reference["geoTransform"][5]]
    assert raster["bands"][0]["nodata"] == reference["bands"][0]["noDataValue"]
    vector = gp.info(SAMPLES / "korea" / "faults.geojson")
    ogr = subprocess.run(["ogrinfo", "-so", "-al", str(SAMPLES / "korea" / "faults.geojson")],
                         capture_output=True, text=True, check=True).stdout
    count = int(ogr.split("Feature Count: ")[1].split()[0])
    assert vector["kind"] == "vector" and vector["layers"][0]["features"] == count
    table = gp.info(SAMPLES / "korea" / "soil_assays.csv", x="X_5179", y="Y_5179")
    assert table["kind"] == "table" and table["rows"] == 404
    assert table["encoding"].upper() in ("EUC-KR", "CP949", "WINDOWS-949")
    assert table["x"]["column"] == "X_5179"
    assert {"Mo", "Sn", "Ce"} <= {e["element"] for e in table["elements"]}


def cli_message(cli, *args):
    done = cli(*args, check=False)
    assert done.returncode == 2 and done.stderr.startswith("error: ")
    return done.stderr.strip().removeprefix("error: ")


def test_errors_are_the_command_lines(cli, tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(OSError) as e:
        gp.run(missing, tmp_path / "out")
    assert str(e.value) == cli_message(cli, "run", missing, "--out", tmp_path / "out")
    broken = tmp_path / "broken.tif"
    broken.write_bytes(b"II*\x00 not a tiff")
    with pytest.raises(OSError) as e:
        gp.info(broken)
    assert str(broken) in str(e.value)
    assert str(e.value) == cli_message(cli, "info", broken)
    bad = tmp_path / "bad.toml"
    bad.write_text(PROJECT.read_text().replace("resolution = 100.0", "resolution = -5.0"))
    with pytest.raises((ValueError, OSError)) as e:
        gp.run(bad, tmp_path / "out")
    assert str(e.value) == cli_message(cli, "run", bad, "--out", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match="threads must be at least 1"):
        gp.run(PROJECT, tmp_path / "out", threads=0)


def test_kernels_release_the_gil():
    """While a long gridding call runs in one thread, the main thread keeps running Python."""
    rng = np.random.default_rng(2)
    x, y, v = rng.uniform(0, 1e5, 3000), rng.uniform(0, 1e5, 3000), rng.normal(size=3000)
    started, done = threading.Event(), threading.Event()

    def work():
        started.set()
        gp.grid_idw(x, y, v, extent=(0, 0, 1e5, 1e5), resolution=50, neighbors=32)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    started.wait()
    spins = 0
    while not done.is_set():
        spins += 1
    t.join()
    assert spins > 10_000


def test_the_extension_is_abi3():
    assert gp._geoprospect.__file__.endswith(".abi3.so")
    assert gp.__version__.count(".") == 2


DETERMINISM = """
import hashlib, numpy as np, geoprospect as gp
rng = np.random.default_rng(4)
x, y, v = rng.uniform(0, 1e4, 500), rng.uniform(0, 1e4, 500), rng.lognormal(size=500)
h = hashlib.sha256()
grid = gp.grid_idw(x, y, v, extent=(0, 0, 1e4, 1e4), resolution=20, log=True)
est, var = gp.krige(x, y, v, extent=(0, 0, 1e4, 1e4), resolution=100)
m = gp.membership(grid, "large", midpoint="p90")
for a in [grid, est, var, m, gp.singularity(grid), gp.fuzzy([m, m ** 2], "gamma", gamma=0.9),
          gp.index_overlay([m, m ** 2], [2, 1])]:
    h.update(a.tobytes())
h.update(repr(gp.thresholds(v, x=x, y=y)).encode())
h.update(repr(gp.success_rate(grid, np.argwhere(m > 0.9))["auc"]).encode())
print(h.hexdigest())
"""


def test_results_do_not_depend_on_the_thread_count():
    def digest_with(threads):
        env = {**os.environ, "RAYON_NUM_THREADS": str(threads)}
        return subprocess.run([sys.executable, "-c", DETERMINISM], env=env, check=True,
                              capture_output=True, text=True).stdout

    assert digest_with(1) == digest_with(2) == digest_with(5)
