"""thresholds, membership, singularity, fuzzy and index_overlay: equal to what `geoprospect
anomalies`, `membership`, `singularity` and `overlay` write on the Gangwon batch, and to numpy
formulas."""

import csv

import numpy as np
import pytest

import geoprospect as gp
from conftest import SAMPLES, magnetics, read_band, write_tif

SOILS = SAMPLES / "korea" / "soil_assays.csv"


def test_thresholds_equal_the_anomalies_command(cli, tmp_path, korea_soils):
    x, y, columns = korea_soils
    cli("anomalies", SOILS, "--x", "X_5179", "--y", "Y_5179", "--points-crs", "EPSG:5179",
        "--encoding", "cp949", "--elements", "Sn,Ce", "--out-dir", tmp_path)
    with open(tmp_path / "thresholds.csv", newline="") as f:
        rows = {r["element"].split()[0]: r for r in csv.DictReader(f)}
    for element, column in [("Sn", "Sn (ppm)"), ("Ce", "Ce (ppm)")]:
        t = gp.thresholds(columns[column], x=x, y=y)
        row = rows[element]
        for key in ["median", "median_2mad", "tukey_upper", "p95"]:
            assert t[key] == float(row[key]), (element, key)
        assert t["ca_thresholds"] == [float(v) for v in row["ca_thresholds"].split(";") if v]
        assert t["ca_thresholds"], element


def test_thresholds_follow_their_formulas():
    rng = np.random.default_rng(3)
    v = rng.lognormal(2.0, 0.7, 2001)
    v[:5] = np.nan
    t = gp.thresholds(v)
    valid = v[~np.isnan(v)]
    logs = np.log10(valid)
    m = np.median(logs)
    mad = np.median(np.abs(logs - m))
    q1, q3 = np.percentile(logs, [25, 75])
    assert t["n"] == 1996 and t["non_positive"] == 0
    assert t["median"] == pytest.approx(np.median(valid), rel=1e-12)
    assert t["p95"] == pytest.approx(np.percentile(valid, 95), rel=1e-12)
    assert t["median_2mad"] == pytest.approx(10 ** (m + 2 * 1.4826 * mad), rel=1e-12)
    assert t["tukey_upper"] == pytest.approx(10 ** (q3 + 1.5 * (q3 - q1)), rel=1e-12)
    grid = v[:2000].reshape(40, 50)
    assert gp.thresholds(grid)["median"] == pytest.approx(np.nanmedian(grid), rel=1e-12)


def test_membership_equals_the_command(cli, tmp_path):
    path, tmi, _ = magnetics()
    for fn, args, kwargs in [
        ("large", ["--midpoint", "p85", "--spread", "4"], {"midpoint": "p85", "spread": 4}),
        ("linear", ["--low", "-50", "--high", "p90"], {"low": -50, "high": "p90"}),
        ("sigmoid", ["--midpoint", "10", "--slope", "-0.05"], {"midpoint": 10, "slope": -0.05}),
        ("gaussian", ["--midpoint", "p50"], {"midpoint": "p50"}),
    ]:
        out = tmp_path / f"{fn}.tif"
        cli("membership", path, "--fn", fn, *args, "--out", out)
        np.testing.assert_array_equal(gp.membership(tmi, fn, **kwargs), read_band(out), fn)


def test_membership_formulas():
    x = np.array([[0.5, 1.0, 2.0, np.nan]], dtype=np.float32)
    np.testing.assert_allclose(gp.membership(x, "large", midpoint=1.0, spread=5),
                               [[1 / (1 + 0.5 ** -5), 0.5, 1 / (1 + 2.0 ** -5), np.nan]],
                               rtol=1e-6)
    np.testing.assert_allclose(gp.membership(x, "gaussian", midpoint=1.0, spread=2.0),
                               np.exp(-2.0 * (x - 1.0) ** 2), rtol=1e-6)
    np.testing.assert_allclose(gp.membership(x, "linear", low=0.5, high=2.0),
                               [[0.0, 1 / 3, 1.0, np.nan]], rtol=1e-6)
    # A float64 or non-contiguous input gives what its float32 copy gives.
    wide = np.linspace(0, 4, 200).reshape(10, 20)
    np.testing.assert_array_equal(gp.membership(wide[:, ::2], "small", midpoint=2.0),
                                  gp.membership(np.ascontiguousarray(wide[:, ::2], np.float32),
                                                "small", midpoint=2.0))


def test_membership_errors_name_the_parameter():
    x = np.ones((2, 2), np.float32)
    with pytest.raises(ValueError, match="the large function needs midpoint"):
        gp.membership(x, "large")
    with pytest.raises(ValueError, match="slope does not apply to the large function"):
        gp.membership(x, "large", midpoint=1, slope=2)
    with pytest.raises(ValueError, match="unknown membership function \"huge\""):
        gp.membership(x, "huge", midpoint=1)
    with pytest.raises(ValueError, match="not a percentile"):
        gp.membership(x, "large", midpoint="p120")
    with pytest.raises(ValueError, match="no valid cells"):
        gp.membership(np.full((2, 2), np.nan, np.float32), "large", midpoint="p50")


def test_singularity_equals_the_command(cli, tmp_path):
    path, tmi, gt = magnetics()
    positive = tmi - np.nanmin(tmi) + 1.0
    layer = tmp_path / "positive.tif"
    write_tif(layer, positive, gt, 5186)
    out = tmp_path / "alpha.tif"
    cli("singularity", layer, "--windows", "1,3,5,9", "--out", out)
    alpha = gp.singularity(positive, [1, 3, 5, 9])
    np.testing.assert_array_equal(alpha, read_band(out))
    assert np.isfinite(alpha).mean() > 0.9


def test_singularity_of_a_power_law():
    """A field whose window means follow μ(ε) = ε^(α-2) around its centre: the centre's α."""
    r = np.hypot(*np.meshgrid(np.arange(-20, 21), np.arange(-20, 21)))
    field = np.where(r == 0, 1.0, 0.1).astype(np.float32)
    alpha = gp.singularity(field, [1, 3])
    # Means 1 at ε = 1, (1 + 8 · 0.1) / 9 = 0.2 at ε = 3.
    assert alpha[20, 20] == pytest.approx(2 + np.log(0.2) / np.log(3), rel=1e-6)
    with pytest.raises(ValueError):
        gp.singularity(field, [3])


def test_overlays_equal_the_command_and_numpy(cli, tmp_path):
    path, tmi, gt = magnetics()
    a = gp.membership(tmi, "large", midpoint="p80")
    b = gp.membership(tmi, "sigmoid", midpoint="p40", slope=-0.05)
    fa, fb = tmp_path / "a.tif", tmp_path / "b.tif"
    write_tif(fa, a, gt, 5186)
    write_tif(fb, b, gt, 5186)
    for op, extra, kwargs in [("and", [], {}), ("or", [], {}), ("product", [], {}),
                              ("sum", [], {}), ("gamma", ["--gamma", "0.7"], {"gamma": 0.7})]:
        out = tmp_path / f"{op}.tif"
        cli("overlay", fa, fb, "--op", op, *extra, "--out", out)
        np.testing.assert_array_equal(gp.fuzzy([a, b], op, **kwargs), read_band(out), op)
    np.testing.assert_allclose(gp.fuzzy([a, b], "and"), np.minimum(a, b))
    np.testing.assert_allclose(gp.fuzzy([a, b], "sum"), 1 - (1 - a) * (1 - b), rtol=1e-6)
    np.testing.assert_allclose(gp.fuzzy([a, b], "gamma", gamma=0.7),
                               (1 - (1 - a) * (1 - b)) ** 0.7 * (a * b) ** 0.3,
                               rtol=1e-5, atol=1e-7)
    out = tmp_path / "index.tif"
    cli("overlay", fa, fb, "--op", "index", "--weights", "3,1", "--out", out)
    index = gp.index_overlay([a, b], [3, 1])
    np.testing.assert_array_equal(index, read_band(out))
    np.testing.assert_allclose(index, (3 * a + b) / 4, rtol=1e-6)


def test_overlay_errors():
    m = np.full((3, 3), 0.5, np.float32)
    with pytest.raises(ValueError, match=r"layer 2: value 2 at row 0, column 0 is outside \[0, 1\]"):
        gp.fuzzy([m, m * 4], "and")
    with pytest.raises(ValueError, match="layer 2 is 2 x 3, layer 1 is 3 x 3"):
        gp.fuzzy([m, m[:2]], "or")
    with pytest.raises(ValueError, match="needs a value of gamma"):
        gp.fuzzy([m, m], "gamma")
    with pytest.raises(ValueError, match="2 weights for 3 inputs"):
        gp.index_overlay([m, m, m], [1, 2])
