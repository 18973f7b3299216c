"""weights_of_evidence and success_rate: the rows and figures `geoprospect wofe` and
`geoprospect validate` write for the same class layer, score map and deposits, and the
textbook formulas (Bonham-Carter 1994, eqs. 9-24 to 9-29)."""

import csv
import math

import numpy as np
import pytest

import geoprospect as gp
from conftest import magnetics, write_tif


def deposits_file(tmp_path, gt, cells):
    """A CSV of deposits at the centres of `cells` (row, col) of the grid `gt`, all Mo."""
    path = tmp_path / "deposits.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x", "y", "commodity"])
        for r, c in cells:
            w.writerow([repr(gt[0] + (c + 0.5) * gt[1]), repr(gt[3] + (r + 0.5) * gt[5]), "Mo"])
    return path


@pytest.fixture(scope="module")
def gangwon():
    path, tmi, gt = magnetics()
    rng = np.random.default_rng(11)
    high = np.argwhere(tmi > np.nanpercentile(tmi, 90))
    low = np.argwhere(tmi < np.nanpercentile(tmi, 50))
    cells = np.concatenate([high[rng.choice(len(high), 12, replace=False)],
                            low[rng.choice(len(low), 3, replace=False)]])
    return path, tmi, gt, cells


def deposit_args(path):
    return ["--deposits", path, "--x", "x", "--y", "y", "--deposits-crs", "EPSG:5186",
            "--commodity", "Mo"]


def number(text):
    return None if text == "" else float(text)


def test_weights_equal_the_wofe_command(cli, tmp_path, gangwon):
    _, tmi, gt, cells = gangwon
    classes = np.digitize(tmi, np.nanpercentile(tmi, [25, 50, 75, 90])).astype(np.float32)
    classes[np.isnan(tmi)] = np.nan
    layer = tmp_path / "classes.tif"
    write_tif(layer, classes, gt, 5186)
    deposits = deposits_file(tmp_path, gt, cells)
    codes = np.where(np.isnan(classes), -1, classes).astype(np.int32)
    for extra, kwargs in [([], {}),
                          (["--cumulative", "descending", "--generalise", "max-contrast"],
                           {"cumulative": "descending", "generalise": "max-contrast"}),
                          (["--cumulative", "ascending", "--all-deposits-rule", "eis"],
                           {"cumulative": "ascending", "all_deposits_rule": "eis"})]:
        out = tmp_path / "weights.csv"
        cli("wofe", layer, *deposit_args(deposits), "--unit-cell-km2", "0.5", *extra,
            "--out", out)
        with open(out, newline="") as f:
            expected = list(csv.DictReader(f))
        # 100 m cells: 0.01 km², a unit cell of 0.5 km² is 50 cells.
        ours = gp.weights_of_evidence(codes, cells, 50, cell_km2=0.01, nodata=-1, **kwargs)
        assert len(ours) == len(expected) > 1
        for mine, theirs in zip(ours, expected):
            assert list(mine) == list(theirs)
            for key, text in theirs.items():
                if key in ("class_name", "note"):
                    assert mine[key] == text, key
                else:
                    assert mine[key] == pytest.approx(number(text), rel=1e-12), (key, extra)


def test_weights_follow_the_textbook():
    """W+ = ln(P(B|D) / P(B|D̄)), W− = ln(P(B̄|D) / P(B̄|D̄)), s² from the counts."""
    classes = np.zeros((10, 10), np.int8)
    classes[:2] = 1  # pattern: 20 cells
    deposits = np.array([[0, 1], [1, 5], [1, 6], [7, 7]])  # 3 in, 1 out
    row = gp.weights_of_evidence(classes, deposits)[1]
    assert row["class"] == 1 and row["deposits"] == 3
    assert row["w_plus"] == pytest.approx(math.log((3 / 4) / (17 / 96)))
    assert row["w_minus"] == pytest.approx(math.log((1 / 4) / (79 / 96)))
    assert row["s_w_plus"] == pytest.approx(math.sqrt(1 / 3 + 1 / 17))
    assert row["contrast"] == pytest.approx(row["w_plus"] - row["w_minus"])
    with pytest.raises(ValueError, match="integer class codes"):
        gp.weights_of_evidence(classes.astype(float), deposits)
    with pytest.raises(ValueError, match="only a cumulative table"):
        gp.weights_of_evidence(classes, deposits, generalise="max-contrast")
    with pytest.raises(ValueError, match="no deposit falls on a cell with evidence data"):
        gp.weights_of_evidence(classes, np.array([[50, 50]]))


def test_success_rate_equals_the_validate_command(cli, tmp_path, gangwon):
    path, tmi, gt, cells = gangwon
    out = tmp_path / "curve.csv"
    cli("validate", path, *deposit_args(deposits_file(tmp_path, gt, cells)), "--out", out)
    with open(tmp_path / "curve_summary.csv", newline="") as f:
        summary = {r["metric"]: r["value"] for r in csv.DictReader(f)}
    ours = gp.success_rate(tmi, cells)
    assert ours["deposits"] == int(summary["deposits"]) == 15
    for key in ["auc", "capture_5", "capture_10", "capture_20", "pa_threshold",
                "pa_prediction_rate"]:
        assert ours[key] == float(summary[key]), key
    with open(out, newline="") as f:
        curve = list(csv.DictReader(f))
    np.testing.assert_array_equal(ours["curve"]["area_fraction"],
                                  [float(r["area_fraction"]) for r in curve])


def test_success_rate_is_the_auc_of_deposits_against_cells():
    """Reference: the Mann-Whitney probability that a deposit outscores a random cell."""
    rng = np.random.default_rng(5)
    scores = rng.normal(size=(60, 80)).astype(np.float32)
    scores[0, :5] = np.nan
    deposits = np.argwhere(scores > 1.5)[:40]
    ours = gp.success_rate(scores, deposits)
    valid = scores[~np.isnan(scores)]
    at = scores[deposits[:, 0], deposits[:, 1]]
    auc = np.mean([(valid < s).mean() + 0.5 * (valid == s).mean() for s in at])
    assert ours["auc"] == pytest.approx(auc, rel=1e-12)
    assert ours["cells"] == valid.size and ours["deposits"] == 40
    with pytest.raises(ValueError, match="no occurrence falls on a scored cell"):
        gp.success_rate(scores, np.array([[0, 0]]))
