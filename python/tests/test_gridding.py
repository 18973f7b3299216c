"""grid_idw, grid_nearest and krige: equal, cell for cell, to `geoprospect grid` on the
Gangwon soils, and to brute-force numpy references of the formulas."""

import numpy as np
import pytest

import geoprospect as gp
from conftest import SAMPLES, read_band

SOILS = SAMPLES / "korea" / "soil_assays.csv"
EXTENT = (1070000.0, 1900000.0, 1100000.0, 1925000.0)


def grid_command(cli, tmp_path, method, *extra):
    out = tmp_path / f"{method}.tif"
    cli("grid", SOILS, "--field", "Sn (ppm)", "--x", "X_5179", "--y", "Y_5179",
        "--encoding", "cp949", "--crs", "EPSG:5179", "--extent", ",".join(map(str, EXTENT)),
        "--resolution", "250", "--method", method, *extra, "--out", out)
    return out


def test_idw_equals_the_command(cli, tmp_path, korea_soils):
    x, y, columns = korea_soils
    out = grid_command(cli, tmp_path, "idw", "--power", "2.5", "--neighbors", "8")
    ours = gp.grid_idw(x, y, columns["Sn (ppm)"], extent=EXTENT, resolution=250,
                       power=2.5, neighbors=8)
    assert ours.dtype == np.float32 and ours.shape == (100, 120)
    np.testing.assert_array_equal(ours, read_band(out))
    assert np.isfinite(ours).sum() > 1000


def test_nearest_and_kriging_equal_the_command(cli, tmp_path, korea_soils):
    x, y, columns = korea_soils
    v = columns["Sn (ppm)"]
    out = grid_command(cli, tmp_path, "nearest")
    nearest = gp.grid_nearest(x, y, v, extent=EXTENT, resolution=250)
    np.testing.assert_array_equal(nearest, read_band(out))
    out = grid_command(cli, tmp_path, "kriging", "--variogram", "spherical,2,8,4000", "--log")
    estimate, variance = gp.krige(x, y, v, extent=EXTENT, resolution=250,
                                  variogram=("spherical", 2.0, 8.0, 4000.0), log=True)
    np.testing.assert_array_equal(estimate, read_band(out, 1))
    np.testing.assert_array_equal(variance, read_band(out, 2))
    # A fitted variogram too.
    out = grid_command(cli, tmp_path, "kriging")
    estimate, _ = gp.krige(x, y, v, extent=EXTENT, resolution=250)
    np.testing.assert_array_equal(estimate, read_band(out, 1))


def cell_centres(extent, res, shape):
    xs = extent[0] + (np.arange(shape[1]) + 0.5) * res
    ys = extent[3] - (np.arange(shape[0]) + 0.5) * res
    return np.meshgrid(xs, ys)


def test_idw_is_shepards_formula():
    """Reference: Σ v d^-p / Σ d^-p over the k nearest samples, by brute force."""
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 5000, 300), rng.uniform(0, 4000, 300)
    v = rng.lognormal(1.0, 0.8, 300)
    extent = (0.0, 0.0, 5000.0, 4000.0)
    ours = gp.grid_idw(x, y, v, extent=extent, resolution=100, power=2.0, neighbors=12,
                       max_distance=None)
    cx, cy = cell_centres(extent, 100, ours.shape)
    d = np.hypot(cx[..., None] - x, cy[..., None] - y)
    nearest = np.argsort(d, axis=-1)[..., :12]
    dk = np.take_along_axis(d, nearest, -1)
    w = dk ** -2.0
    expected = (w * v[nearest]).sum(-1) / w.sum(-1)
    np.testing.assert_allclose(ours, expected, rtol=2e-6)


def test_nearest_is_the_voronoi_value():
    rng = np.random.default_rng(8)
    x, y = rng.uniform(0, 3000, 200), rng.uniform(0, 3000, 200)
    v = rng.normal(size=200)
    extent = (0.0, 0.0, 3000.0, 3000.0)
    ours = gp.grid_nearest(x, y, v, extent=extent, resolution=50, max_distance=None)
    cx, cy = cell_centres(extent, 50, ours.shape)
    d = np.hypot(cx[..., None] - x, cy[..., None] - y)
    np.testing.assert_array_equal(ours, v[np.argmin(d, -1)].astype(np.float32))


def test_kriging_solves_the_ordinary_kriging_system():
    """Reference: the ordinary kriging system over all samples (Isaaks & Srivastava 1989,
    eq. 12.14) with the same spherical model, solved by numpy at a few cells."""
    rng = np.random.default_rng(9)
    n = 25
    x, y = rng.uniform(0, 2000, n), rng.uniform(0, 2000, n)
    v = rng.normal(10, 2, n)
    nugget, psill, a = 0.5, 3.0, 1500.0

    def gamma(h):
        s = np.where(h < a, 1.5 * h / a - 0.5 * (h / a) ** 3, 1.0)
        return np.where(h > 0, nugget + psill * s, 0.0)

    extent = (0.0, 0.0, 2000.0, 2000.0)
    est, var = gp.krige(x, y, v, extent=extent, resolution=200, neighbors=n,
                        variogram=("spherical", nugget, psill, a), max_distance=None)
    cx, cy = cell_centres(extent, 200, est.shape)
    lhs = np.ones((n + 1, n + 1))
    lhs[:n, :n] = gamma(np.hypot(x[:, None] - x, y[:, None] - y))
    lhs[n, n] = 0.0
    for r, c in [(0, 0), (3, 7), (9, 9), (5, 2)]:
        g0 = gamma(np.hypot(cx[r, c] - x, cy[r, c] - y))
        sol = np.linalg.solve(lhs, np.append(g0, 1.0))
        assert est[r, c] == pytest.approx(sol[:n] @ v, rel=1e-5)
        assert var[r, c] == pytest.approx(sol[:n] @ g0 + sol[n], rel=1e-4)


def test_bad_arguments_raise_value_error_with_the_message():
    x = y = v = np.arange(5.0)
    with pytest.raises(ValueError, match="power must be a positive number, got -1"):
        gp.grid_idw(x, y, v, extent=(0, 0, 10, 10), resolution=1, power=-1)
    with pytest.raises(ValueError, match="empty or inverted"):
        gp.grid_idw(x, y, v, extent=(10, 0, 0, 10), resolution=1)
    with pytest.raises(ValueError, match="differ in length"):
        gp.grid_idw(x, y[:3], v, extent=(0, 0, 10, 10), resolution=1)
    with pytest.raises(ValueError, match="max distance must be a positive number"):
        gp.grid_idw(x, y, v, extent=(0, 0, 10, 10), resolution=1, max_distance="far")
    with pytest.raises(ValueError, match="variogram kind"):
        gp.krige(x, y, v, extent=(0, 0, 10, 10), resolution=1, variogram=("cubic", 0, 1, 1))
