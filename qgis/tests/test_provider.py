#!/usr/bin/python3
"""`make test-qgis`: the geoprospect Processing provider in Debian's QGIS, headless.

In a throw-away QGIS profile (QGIS_CUSTOM_CONFIG_PATH) with the plugin found through
QGIS_PLUGINPATH and enabled by `qgis_process plugins enable geoprospect`:
1. `qgis_process list` shows every algorithm;
2. each algorithm runs through `qgis_process --json run geoprospect:<name>` on the sample batches,
   and its outputs (band counts, value ranges, CSV and GeoJSON text) equal those the geoprospect
   binary writes when run directly with the same arguments;
3. bad input fails with the command line's one-line message; a missing or too old binary with
   the provider's;
4. in this process (PyQGIS): a cancelled run is killed and leaves nothing, and a finished run's
   score maps, samples and targets load into the project under the run's styles.

Usage: /usr/bin/python3 qgis/tests/test_provider.py GEOPROSPECT_BINARY
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from osgeo import gdal

gdal.UseExceptions()

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = os.path.join(ROOT, "samples")
QGIS_PROCESS = "/usr/bin/qgis_process.bin"  # /usr/bin/qgis_process adds a GUI-only option
ALGORITHMS = [
    "anomalies", "catchments", "fuzzy", "grid", "logistic", "membership", "overlay", "proximity",
    "run", "singularity", "validate", "wofe",
]


def main():
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="geoprospect-qgis-")
    try:
        env = environment(binary, work)
        started = time.time()
        qgis = QgisProcess(env)
        qgis.enable_plugin()
        qgis.lists_algorithms()
        Algorithms(qgis, Cli(binary), work).check_all()
        binary_errors(qgis, work)
        in_process(env, work)
        print(f"test-qgis: all checks passed in {time.time() - started:.0f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def environment(binary, work):
    """The environment of every QGIS process: headless, a private runtime folder, a new profile
    and home under `work`, the plugin from this repository, the binary under test, and no
    `.aux.xml` files written beside the sample rasters QGIS opens."""
    runtime = os.path.join(work, "runtime")
    os.makedirs(runtime, mode=0o700)
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_RUNTIME_DIR=runtime,
        HOME=os.path.join(work, "home"),
        QGIS_CUSTOM_CONFIG_PATH=os.path.join(work, "profile"),
        QGIS_PLUGINPATH=os.path.join(ROOT, "qgis"),
        GEOPROSPECT_BIN=binary,
        GDAL_PAM_ENABLED="NO",
    )
    env.pop("GEOPROSPECT_LOG", None)
    return env


def check(condition, message):
    if not condition:
        raise AssertionError(message)


class QgisProcess:
    """`qgis_process.bin` in the test's environment."""

    def __init__(self, env):
        self.env = env

    def call(self, *args, env=None):
        return subprocess.run(
            [QGIS_PROCESS, *args], capture_output=True, text=True, env=env or self.env,
            timeout=900, check=False,
        )

    def enable_plugin(self):
        p = self.call("plugins", "enable", "geoprospect")
        check(p.returncode == 0, f"plugins enable: {p.stdout}{p.stderr}")

    def lists_algorithms(self):
        p = self.call("list")
        check(p.returncode == 0, f"list: {p.stderr}")
        for name in ALGORITHMS:
            check(f"geoprospect:{name}\t" in p.stdout, f"geoprospect:{name} not listed")
        print(f"ok: qgis_process list shows the {len(ALGORITHMS)} geoprospect algorithms")

    def run(self, name, params, env=None):
        """Runs geoprospect:NAME with `params` (a list value repeats the parameter); returns
        the completed process and its JSON results (None when it failed)."""
        args = ["--json", "run", f"geoprospect:{name}", "--"]
        for key, value in params.items():
            for item in value if isinstance(value, list) else [value]:
                args.append(f"{key}={item}")
        p = self.call(*args, env=env)
        results = None
        if p.returncode == 0 and "{" in p.stdout:
            results = json.loads(p.stdout[p.stdout.index("{"):])["results"]
        return p, results

    def ok(self, name, params):
        p, results = self.run(name, params)
        check(results is not None, f"geoprospect:{name} failed: {p.stdout}{p.stderr}")
        return results


class Cli:
    """The geoprospect binary run directly: the reference outputs."""

    def __init__(self, binary):
        self.binary = binary

    def call(self, *args):
        return subprocess.run(
            [self.binary, *args], capture_output=True, text=True, timeout=900, check=False
        )

    def ok(self, *args):
        p = self.call(*args)
        check(p.returncode == 0, f"geoprospect {' '.join(args)}: {p.stderr}")


def band_arrays(path):
    """Every band of a raster as a float64 array (nodata as NaN) and the band types."""
    ds = gdal.Open(path)
    arrays, types = [], []
    for i in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(i)
        a = band.ReadAsArray().astype(np.float64)
        if band.GetNoDataValue() is not None:
            a[a == band.GetNoDataValue()] = np.nan
        arrays.append(a)
        types.append(gdal.GetDataTypeName(band.DataType))
    return arrays, types


def same_raster(ours, reference, bands=1, within=None):
    """The raster `ours` has `bands` bands, equal to `reference` cell by cell (NaN where it is
    NaN), band 1 within the range `within`; returns band 1's valid values."""
    a, types = band_arrays(ours)
    b, _ = band_arrays(reference)
    check(len(a) == bands, f"{ours}: {len(a)} bands, expected {bands}")
    for x, y in zip(a, b):
        check(np.array_equal(x, y, equal_nan=True), f"{ours} differs from {reference}")
    valid = a[0][~np.isnan(a[0])]
    check(valid.size > 0, f"{ours}: no valid cell")
    if within is not None:
        check(within[0] <= valid.min() and valid.max() <= within[1],
              f"{ours}: values {valid.min()} to {valid.max()} outside {within}")
    return valid, types


def same_text(ours, reference):
    with open(ours, encoding="utf-8") as a, open(reference, encoding="utf-8") as b:
        check(a.read() == b.read(), f"{ours} differs from {reference}")


class Algorithms:
    """Each algorithm through qgis_process (outputs under q/) against the binary (under c/)."""

    def __init__(self, qgis, cli, work):
        self.qgis = qgis
        self.cli = cli
        self.q = os.path.join(work, "q")
        self.c = os.path.join(work, "c")
        os.makedirs(self.q)
        os.makedirs(self.c)

    def both(self, name, params, cli_args, outputs):
        """Runs the algorithm with `params` and the binary with `cli_args`, where `{out}` in
        either stands for the output folder (q/ or c/); returns the `outputs` (file names)
        as (ours, reference) path pairs."""
        fill = lambda v, d: [fill(i, d) for i in v] if isinstance(v, list) else str(v).format(out=d)
        results = self.qgis.ok(name, {k: fill(v, self.q) for k, v in params.items()})
        self.cli.ok(*(fill(a, self.c) for a in cli_args))
        for key, value in results.items():
            if isinstance(value, str) and value.startswith(self.q):
                check(os.path.exists(value), f"geoprospect:{name}: {key} {value} missing")
        return [(os.path.join(self.q, o), os.path.join(self.c, o)) for o in outputs]

    def check_all(self):
        self.run()
        self.grid()
        self.anomalies()
        self.catchments()
        self.evidence()
        self.models()
        self.validate()
        self.bad_input()

    def run(self):
        for batch in ("korea", "mongolia"):
            project = os.path.join(SAMPLES, batch, "project.toml")
            self.both("run", {"PROJECT": project, "OUTPUT": "{out}/" + batch},
                      ["run", project, "--out", "{out}/" + batch], [])
            ours, reference = os.path.join(self.q, batch), os.path.join(self.c, batch)
            check(sorted(os.listdir(ours)) == sorted(os.listdir(reference)),
                  f"run {batch}: other files than the binary's")
            for c in ("ree", "sn", "mo"):
                same_raster(f"{ours}/prospectivity_{c}.tif", f"{reference}/prospectivity_{c}.tif",
                            within=(0, 1))
                same_text(f"{ours}/targets_{c}.geojson", f"{reference}/targets_{c}.geojson")
                for stem in ("prospectivity", "targets", "samples"):
                    check(os.path.exists(f"{ours}/{stem}_{c}.qml"), f"run {batch}: {stem}_{c}.qml")
        print("ok: run (korea, mongolia): the binary's files, maps in [0, 1], styles")

    def grid(self):
        csv = os.path.join(SAMPLES, "mongolia", "stream_sediments.csv")
        (ours, reference), = self.both(
            "grid",
            {"POINTS": csv, "FIELD": "Mo_ppm", "X": "lon", "Y": "lat", "POINTS_CRS": "EPSG:4326",
             "CRS": "EPSG:32648", "EXTENT": "662000,706000,4763000,4797000", "RESOLUTION": 200,
             "METHOD": "idw", "POWER": 2, "NEIGHBORS": 12, "RADIUS": 3000,
             "OUTPUT": "{out}/mo_idw.tif"},
            ["grid", csv, "--field", "Mo_ppm", "--x", "lon", "--y", "lat", "--points-crs",
             "EPSG:4326", "--crs", "EPSG:32648", "--extent", "662000,4763000,706000,4797000",
             "--resolution", "200", "--method", "idw", "--power", "2", "--neighbors", "12",
             "--radius", "3000", "--out", "{out}/mo_idw.tif"],
            ["mo_idw.tif"],
        )
        valid, _ = same_raster(ours, reference)
        ds = gdal.Open(ours)
        check((ds.RasterXSize, ds.RasterYSize) == (220, 170), f"{ours}: grid size")
        soil = os.path.join(SAMPLES, "korea", "soil_assays.csv")
        like = os.path.join(SAMPLES, "korea", "magnetics.tif")
        (ours, reference), = self.both(
            "grid",
            {"POINTS": soil, "FIELD": "Mo (ppm)", "X": "X_5179", "Y": "Y_5179",
             "POINTS_CRS": "EPSG:5179", "ENCODING": "cp949", "LIKE": like, "METHOD": "kriging",
             "LOG": "true", "OUTPUT": "{out}/mo_krig.tif"},
            ["grid", soil, "--field", "Mo (ppm)", "--x", "X_5179", "--y", "Y_5179",
             "--points-crs", "EPSG:5179", "--encoding", "cp949", "--like", like, "--method",
             "kriging", "--log", "--out", "{out}/mo_krig.tif"],
            ["mo_krig.tif"],
        )
        krig, _ = same_raster(ours, reference, bands=2, within=(0, 1e6))
        print(f"ok: grid (idw {valid.size} cells, kriging with variance band {krig.size} cells)")

    def anomalies(self):
        soil = os.path.join(SAMPLES, "korea", "soil_assays.csv")
        pairs = self.both(
            "anomalies",
            {"SAMPLES": soil, "X": "X_5179", "Y": "Y_5179", "POINTS_CRS": "EPSG:5179",
             "ENCODING": "cp949", "ELEMENTS": "Mo,Sn,W", "OUTPUT": "{out}/anomalies"},
            ["anomalies", soil, "--x", "X_5179", "--y", "Y_5179", "--points-crs", "EPSG:5179",
             "--encoding", "cp949", "--elements", "Mo,Sn,W", "--out-dir", "{out}/anomalies"],
            ["anomalies/thresholds.csv", "anomalies/samples.geojson"],
        )
        for ours, reference in pairs:
            same_text(ours, reference)
        with open(pairs[0][0], encoding="utf-8") as f:
            rows = f.read().splitlines()
        check(len(rows) == 4, f"thresholds of 3 elements expected: {rows}")
        print("ok: anomalies (thresholds.csv, samples.geojson)")

    def catchments(self):
        m = os.path.join(SAMPLES, "mongolia")
        pairs = self.both(
            "catchments",
            {"DEM": f"{m}/dem.tif", "SAMPLES": f"{m}/stream_sediments.csv", "X": "lon", "Y": "lat",
             "POINTS_CRS": "EPSG:4326", "FIELD": "Sn_ppm", "ID": "sample_id",
             "PRODUCTIVITY": "true", "LABELS": "{out}/sn_labels.tif",
             "OUTPUT": "{out}/sn_catchments.tif"},
            ["catchments", f"{m}/dem.tif", "--samples", f"{m}/stream_sediments.csv", "--x", "lon",
             "--y", "lat", "--points-crs", "EPSG:4326", "--field", "Sn_ppm", "--id", "sample_id",
             "--productivity", "--labels", "{out}/sn_labels.tif", "--out",
             "{out}/sn_catchments.tif"],
            ["sn_labels.tif", "sn_catchments.tif", "sn_catchments.geojson"],
        )
        _, types = same_raster(*pairs[0], within=(0, 1e6))
        check(types == ["Int32"], f"labels: {types}")
        same_raster(*pairs[1], bands=2)
        same_text(*pairs[2])
        print("ok: catchments (labels Int32, values and productivity, polygons)")

    def evidence(self):
        m = os.path.join(SAMPLES, "mongolia")
        run = os.path.join(self.c, "mongolia")
        (ours, reference), = self.both(
            "proximity",
            {"INPUT": f"{m}/faults.geojson", "LIKE": f"{run}/layers/eTh.tif",
             "OUTPUT": "{out}/fault_distance.tif"},
            ["proximity", f"{m}/faults.geojson", "--like", f"{run}/layers/eTh.tif", "--out",
             "{out}/fault_distance.tif"],
            ["fault_distance.tif"],
        )
        same_raster(ours, reference, within=(0, 1e6))
        for name, params, cli_args in (
            ("eth_m", {"INPUT": f"{run}/layers/eTh.tif", "FN": "large", "MIDPOINT": "p90",
                       "SPREAD": 5}, [f"{run}/layers/eTh.tif", "--fn", "large", "--midpoint", "p90",
                                      "--spread", "5"]),
            ("tmi_m", {"INPUT": f"{run}/layers/tmi.tif", "FN": "linear", "LOW": "p10",
                       "HIGH": "p98"}, [f"{run}/layers/tmi.tif", "--fn", "linear", "--low", "p10",
                                        "--high", "p98"]),
            ("fault_m", {"INPUT": "{out}/fault_distance.tif", "FN": "small", "MIDPOINT": 1500,
                         "SPREAD": 2}, ["{out}/fault_distance.tif", "--fn", "small", "--midpoint",
                                        "1500", "--spread", "2"]),
        ):
            (ours, reference), = self.both(
                "membership", {**params, "OUTPUT": "{out}/" + name + ".tif"},
                ["membership", *cli_args, "--out", "{out}/" + name + ".tif"], [name + ".tif"],
            )
            same_raster(ours, reference, within=(0, 1))
        (ours, reference), = self.both(
            "singularity",
            {"INPUT": f"{run}/geochem/Sn.tif", "WINDOWS": "1,3,5,7", "COMPRESS": "zstd",
             "OUTPUT": "{out}/sn_alpha.tif"},
            ["singularity", f"{run}/geochem/Sn.tif", "--windows", "1,3,5,7", "--compress", "zstd",
             "--out", "{out}/sn_alpha.tif"],
            ["sn_alpha.tif"],
        )
        alpha, _ = same_raster(ours, reference, within=(-10, 10))
        check(alpha.min() < 2 < alpha.max(), "singularity: no enrichment and depletion")
        print("ok: proximity, membership (large, linear, small), singularity")

    def models(self):
        m = os.path.join(SAMPLES, "mongolia")
        run = os.path.join(self.c, "mongolia")
        layers = ["{out}/eth_m.tif", "{out}/tmi_m.tif", "{out}/fault_m.tif"]
        for op, extra, cli_extra in (("gamma", {"GAMMA": 0.8}, ["--gamma", "0.8"]),
                                     ("index", {"WEIGHTS": "3,2,1"}, ["--weights", "3,2,1"])):
            (ours, reference), = self.both(
                "overlay",
                {"INPUTS": layers, "OP": op, **extra, "OUTPUT": "{out}/sn_" + op + ".tif"},
                ["overlay", "--op", op, *cli_extra, *layers, "--out", "{out}/sn_" + op + ".tif"],
                ["sn_" + op + ".tif"],
            )
            same_raster(ours, reference, within=(0, 1))
        chains = [f"{run}/geochem/Sn.tif:log,robust-z,linear:-1:3", "{out}/eth_m.tif"]
        (ours, reference), = self.both(
            "fuzzy",
            {"LAYERS": "\n".join(chains), "OP": "gamma", "GAMMA": 0.8,
             "OUTPUT": "{out}/sn_fuzzy.tif"},
            ["fuzzy", "--layer", chains[0], "--layer", chains[1], "--op", "gamma", "--gamma", "0.8",
             "--out", "{out}/sn_fuzzy.tif"],
            ["sn_fuzzy.tif"],
        )
        same_raster(ours, reference, within=(0, 1))
        deposits = f"{m}/occurrences.geojson"
        (ours, reference), = self.both(
            "wofe",
            {"EVIDENCE": f"{run}/layers/faults.tif", "DEPOSITS": deposits, "COMMODITY": "Sn",
             "UNIT_CELL_KM2": 1, "OUTPUT": "{out}/faults_sn_weights.csv"},
            ["wofe", f"{run}/layers/faults.tif", "--deposits", deposits, "--commodity", "Sn",
             "--unit-cell-km2", "1", "--out", "{out}/faults_sn_weights.csv"],
            ["faults_sn_weights.csv"],
        )
        same_text(ours, reference)
        (ours, reference), = self.both(
            "logistic",
            {"EVIDENCE": layers, "DEPOSITS": deposits, "COMMODITY": "Sn", "SEED": 7,
             "OUTPUT": "{out}/sn_logistic.csv"},
            ["logistic", *layers, "--deposits", deposits, "--commodity", "Sn", "--seed", "7",
             "--out", "{out}/sn_logistic.csv"],
            ["sn_logistic.csv"],
        )
        same_text(ours, reference)
        print("ok: overlay (gamma, index), fuzzy, wofe, logistic")

    def validate(self):
        run = os.path.join(self.c, "mongolia")
        deposits = os.path.join(SAMPLES, "mongolia", "occurrences.geojson")
        pairs = self.both(
            "validate",
            {"SCORE": f"{run}/prospectivity_sn.tif", "DEPOSITS": deposits, "COMMODITY": "Sn",
             "OUTPUT": "{out}/sn_curve.csv"},
            ["validate", f"{run}/prospectivity_sn.tif", "--deposits", deposits, "--commodity",
             "Sn", "--out", "{out}/sn_curve.csv"],
            ["sn_curve.csv", "sn_curve_pa.csv", "sn_curve_summary.csv"],
        )
        for ours, reference in pairs:
            same_text(ours, reference)
        print("ok: validate (curve, P-A table, summary)")

    def bad_input(self):
        """A field the file lacks: qgis_process fails with the binary's own one-line message,
        and no output appears."""
        csv = os.path.join(SAMPLES, "mongolia", "stream_sediments.csv")
        out = os.path.join(self.q, "bad.tif")
        p, results = self.qgis.run(
            "grid", {"POINTS": csv, "FIELD": "Nb_pct_missing", "X": "lon", "Y": "lat",
                     "POINTS_CRS": "EPSG:4326", "CRS": "EPSG:32648",
                     "EXTENT": "662000,706000,4763000,4797000", "RESOLUTION": 500, "OUTPUT": out},
        )
        reference = self.cli.call(
            "grid", csv, "--field", "Nb_pct_missing", "--x", "lon", "--y", "lat", "--points-crs",
            "EPSG:4326", "--crs", "EPSG:32648", "--extent", "662000,4763000,706000,4797000",
            "--resolution", "500", "--out", os.path.join(self.c, "bad.tif"),
        )
        lines = reference.stderr.splitlines()
        check(reference.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "),
              f"binary: {reference.stderr}")
        message = lines[0][len("error: "):]
        check(p.returncode != 0 and results is None, "qgis_process succeeded on bad input")
        check(message in p.stdout + p.stderr, f"{message!r} not in {p.stdout}{p.stderr}")
        check(not os.path.exists(out), "bad input left an output")
        print(f"ok: bad input fails with the binary's message ({message})")


def binary_errors(qgis, work):
    """The binary found on PATH when neither the setting nor $GEOPROSPECT_BIN names one; no
    binary, and one too old: one clear message each, before anything runs."""
    env = {k: v for k, v in qgis.env.items() if k != "GEOPROSPECT_BIN"}
    env["PATH"] = os.path.dirname(qgis.env["GEOPROSPECT_BIN"]) + os.pathsep + env["PATH"]
    out = os.path.join(work, "from_path.tif")
    p, results = qgis.run(
        "singularity",
        {"INPUT": os.path.join(SAMPLES, "mongolia", "dem.tif"), "WINDOWS": "1,3",
         "OUTPUT": out},
        env=env,
    )
    check(results is not None and os.path.exists(out), f"binary on PATH: {p.stdout}{p.stderr}")
    fake = os.path.join(work, "old", "geoprospect")
    os.makedirs(os.path.dirname(fake))
    with open(fake, "w", encoding="utf-8") as f:
        f.write("#!/bin/sh\necho geoprospect 0.1.0\n")
    os.chmod(fake, 0o755)
    params = {"PROJECT": os.path.join(SAMPLES, "korea", "project.toml"),
              "OUTPUT": os.path.join(work, "never")}
    for binary, expected in (
        (fake, "geoprospect 0.1.0 at " + fake + " is too old: the QGIS provider needs 0.2.0"),
        (os.path.join(work, "absent"), "is not an executable file"),
    ):
        p, _ = qgis.run("run", params, env={**qgis.env, "GEOPROSPECT_BIN": binary})
        check(p.returncode != 0 and expected in p.stdout + p.stderr,
              f"{binary}: {expected!r} not in {p.stdout}{p.stderr}")
    check(not os.path.exists(params["OUTPUT"]), "a refused binary left an output")
    print("ok: the binary found on PATH; a too old and a missing one are one message each")


def in_process(env, work):
    """Cancel and styles, with the provider loaded in this process (as QGIS desktop has it)."""
    os.environ.update(env)
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    sys.path.insert(0, os.path.join(ROOT, "qgis"))
    from qgis.core import (
        QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject,
    )

    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    from geoprospect.cli import BINARY_SETTING
    from geoprospect.provider import GeoprospectProvider
    from processing.core.ProcessingConfig import ProcessingConfig

    provider = GeoprospectProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    # The binary from the provider setting (as set in Processing > Options), not the environment.
    ProcessingConfig.setSettingValue(BINARY_SETTING, os.environ.pop("GEOPROSPECT_BIN"))
    algorithm = QgsApplication.processingRegistry().algorithmById("geoprospect:run")
    project = os.path.join(SAMPLES, "mongolia", "project.toml")

    class CancelInStage(QgsProcessingFeedback):
        """Cancels when the run reaches its third stage."""

        stages = 0

        def setProgressText(self, text):  # noqa: N802
            self.stages += 1
            if self.stages == 3:
                self.cancel()

    out = os.path.join(work, "cancelled")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = CancelInStage()
    algorithm.run({"PROJECT": project, "OUTPUT": out}, context, feedback)
    check(feedback.stages == 3, f"cancel landed after {feedback.stages} stages")
    check(not os.path.exists(out), f"a cancelled run left {out}")
    print("ok: a cancelled run is killed and leaves no output folder")

    os.makedirs(os.path.join(work, "existing"))
    out = os.path.join(work, "existing", "run")
    os.makedirs(out)
    feedback = CancelInStage()
    algorithm.run({"PROJECT": project, "OUTPUT": out}, context, feedback)
    check(os.listdir(out) == [], f"a cancelled run into an existing folder left {os.listdir(out)}")
    print("ok: a cancelled run into an existing folder leaves it empty")

    class Recording(QgsProcessingFeedback):
        """Keeps the progress values and the log lines."""

        def __init__(self):
            super().__init__()
            self.values, self.lines = [], []
            self.progressChanged.connect(self.values.append)

        def pushInfo(self, info):  # noqa: N802
            self.lines.append(info)

    out = os.path.join(work, "styled")
    feedback = Recording()
    _, ok = algorithm.run({"PROJECT": project, "OUTPUT": out}, context, feedback)
    check(ok, "run failed in process")
    values = feedback.values
    check(values == sorted(values) and values[-1] == 100 and len(set(values)) >= 7,
          f"progress of a run: {values}")
    check(feedback.lines[0] == "run" and "  layer eTh" in feedback.lines,
          f"log of a run: {feedback.lines[:5]}")
    print(f"ok: a run's progress rises through {len(set(values))} values to 100, stages logged")
    # What QGIS desktop does with the results: the layers to load, each with its style loader.
    pending = context.layersToLoadOnCompletion().values()
    check(all(details.postProcessor() for details in pending), "a layer without its style")
    from processing.gui.Postprocessing import handleAlgorithmResults

    handleAlgorithmResults(algorithm, context, QgsProcessingFeedback(), parameters={"OUTPUT": out})
    layers = QgsProject.instance().mapLayers().values()
    loaded = {os.path.basename(layer.source()): layer for layer in layers}
    expected = {f"{stem}_{c}.{ext}" for c in ("mo", "ree", "sn")
                for stem, ext in (("prospectivity", "tif"), ("samples", "geojson"),
                                  ("targets", "geojson"))}
    # The Mongolia sample compares a gradient-boosting Sn map: it and its uncertainty load too.
    expected |= {"prospectivity_sn_gradient-boosting.tif",
                 "prospectivity_sn_gradient-boosting_uncertainty.tif"}
    check(set(loaded) == expected, f"loaded {sorted(loaded)}")
    spread = loaded["prospectivity_sn_gradient-boosting_uncertainty.tif"].renderer()
    check(spread.type() == "singlebandpseudocolor" and spread.classificationMax() == 0.25,
          f"the uncertainty's style: {spread.type()} to {spread.classificationMax()}")
    for c in ("mo", "ree", "sn"):
        score = loaded[f"prospectivity_{c}.tif"].renderer()
        check(score.type() == "singlebandpseudocolor" and score.classificationMax() == 1,
              f"prospectivity_{c}: {score.type()}")
        targets = loaded[f"targets_{c}.geojson"]
        check(targets.labelsEnabled() and targets.labeling().settings().fieldName == "rank",
              f"targets_{c}: not labelled by rank")
        samples = loaded[f"samples_{c}.geojson"].renderer()
        check(samples.type() == "categorizedSymbol" and samples.classAttribute().endswith("_class"),
              f"samples_{c}: {samples.type()}")
    print("ok: a run's maps, samples and targets load with their styles")
    QgsApplication.processingRegistry().removeProvider(provider)
    app.exitQgis()



if __name__ == "__main__":
    main()
