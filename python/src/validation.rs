//! The success-rate curve of a score array against deposit cells, as `geoprospect validate`:
//! the area under it (the ROC AUC of deposits against all cells, ties counted half; Chung &
//! Fabbri 2003), the share of deposits in the highest-scoring 5, 10 and 20 % of the area, and
//! the prediction-area intersection (Yousefi & Carranza 2015).
use geoprospect::validate::{curve_rows, validate, AreaCounts};
use numpy::{AllowTypeChange, IntoPyArray, PyArrayLike2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;

use crate::arrays::{LayerArg, Raster};
use crate::errors::{to_py, value_error};

/// Cells a parallel task counts.
const CHUNK: usize = 1 << 16;

/// Validates `scores` (a 2-D array, NaN nodata) against `deposits`, an integer array of shape
/// (n, 2) of each deposit's (row, column); deposits off the array or on NaN cells are left out.
///
/// Returns a dict: `auc`, `deposits` (deposits scored), `cells` (valid cells), `capture_5`,
/// `capture_10`, `capture_20` (fractions of the deposits in the top 5/10/20 % of the area),
/// `pa_threshold` and `pa_prediction_rate` (the P-A intersection, NaN when the curves do not
/// cross), and `curve`: a dict of float64 arrays `area_fraction`, `deposit_fraction` and
/// `threshold` (the score level of each point, NaN at the start and a closing point), from
/// (0, 0) to (1, 1), highest scores first.
#[pyfunction]
pub fn success_rate<'py>(
    py: Python<'py>,
    scores: LayerArg<'py>,
    deposits: PyArrayLike2<'py, i64, AllowTypeChange>,
) -> PyResult<Bound<'py, PyDict>> {
    let layer = Raster::of(scores.as_array());
    let (rows, width) = layer.shape;
    let shape = deposits.shape();
    if shape[1] != 2 && shape[0] != 0 {
        return Err(value_error(format!(
            "deposits must have shape (n, 2), (row, column) per deposit, got {shape:?}"
        )));
    }
    let cells = &layer.cells[..];
    let at: Vec<f64> = deposits
        .as_array()
        .rows()
        .into_iter()
        .map(|p| match (usize::try_from(p[0]), usize::try_from(p[1])) {
            (Ok(r), Ok(c)) if r < rows && c < width => cells[r * width + c] as f64,
            _ => f64::NAN,
        })
        .collect();
    let (v, curve) = py
        .detach(|| {
            let empty = AreaCounts::new(&at);
            let counts = cells
                .par_chunks(CHUNK)
                .map(|chunk| {
                    let mut c = empty.clone();
                    c.add(chunk);
                    c
                })
                .collect::<Vec<_>>()
                .into_iter()
                .fold(empty.clone(), |mut total, c| {
                    total.merge(&c);
                    total
                });
            validate(&at, &counts).map(|v| {
                let curve = curve_rows(&v, &at);
                (v, curve)
            })
        })
        .map_err(to_py)?;
    let d = PyDict::new(py);
    d.set_item("auc", v.auc)?;
    d.set_item("deposits", v.occurrences)?;
    d.set_item("cells", v.cells)?;
    for (area, share) in v.capture {
        d.set_item(format!("capture_{}", (area * 100.0).round()), share)?;
    }
    let (t, p) = v.pa_intersection.unwrap_or((f64::NAN, f64::NAN));
    d.set_item("pa_threshold", t)?;
    d.set_item("pa_prediction_rate", p)?;
    let c = PyDict::new(py);
    let column = |f: fn(&geoprospect::validate::CurveRow) -> f64| -> Vec<f64> {
        curve.iter().map(f).collect()
    };
    c.set_item(
        "area_fraction",
        column(|r| r.area_fraction).into_pyarray(py),
    )?;
    c.set_item(
        "deposit_fraction",
        column(|r| r.deposit_fraction).into_pyarray(py),
    )?;
    c.set_item(
        "threshold",
        column(|r| r.threshold.unwrap_or(f64::NAN)).into_pyarray(py),
    )?;
    d.set_item("curve", c)?;
    Ok(d)
}
