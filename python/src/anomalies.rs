//! Anomaly thresholds of an element, as `geoprospect anomalies` writes them in
//! `thresholds.csv`: the median, the median + 2 MAD of log10 values (Reimann, Filzmoser &
//! Garrett 2005), Tukey's upper inner fence of log10 values (Tukey 1977), the 95th percentile,
//! and the breakpoints of the concentration–area fractal model (Cheng, Agterberg & Ballantyne
//! 1994).
use geoprospect::engine::Engine;
use geoprospect::geochem::anomaly::{ca_thresholds, thresholds as distribution};
use geoprospect::ops::anomalies::{ca_grid, ca_surface};
use numpy::{AllowTypeChange, PyArrayLikeDyn};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{to_py, value_error};

/// The thresholds of `values` as a dict: `n` (numbers used), `non_positive` (left out of the
/// log-based thresholds), `median`, `median_2mad` = 10^(m + 2 · 1.4826 · MAD), `tukey_upper` =
/// 10^(Q3 + 1.5 · IQR) (both of log10 values), `p95`, and `ca_thresholds`, the C–A breakpoints
/// in ascending order. NaN values are missing; the thresholds are NaN with no numbers.
///
/// Where the C–A law is fitted depends on what `values` is:
/// - sample values with their coordinates `x` and `y` (projected, in metres): on the IDW
///   surface of the samples over their bounding box (about 250 000 square cells, power 2,
///   12 neighbours), exactly as `geoprospect anomalies`;
/// - a 2-D array (a gridded surface): on its cells;
/// - sample values without coordinates: on the values as if each were one cell of equal area
///   (a number–size fit, Mandelbrot 1983).
#[pyfunction]
#[pyo3(signature = (values, *, x=None, y=None))]
pub fn thresholds<'py>(
    py: Python<'py>,
    values: PyArrayLikeDyn<'py, f64, AllowTypeChange>,
    x: Option<PyArrayLikeDyn<'py, f64, AllowTypeChange>>,
    y: Option<PyArrayLikeDyn<'py, f64, AllowTypeChange>>,
) -> PyResult<Bound<'py, PyDict>> {
    let view = values.as_array();
    let dims = view.ndim();
    let v: Vec<f64> = view.iter().copied().collect();
    let xy = match (x, y) {
        (None, None) => None,
        (Some(x), Some(y)) => {
            let (x, y) = (x.as_array(), y.as_array());
            if dims != 1
                || x.ndim() != 1
                || y.ndim() != 1
                || x.len() != v.len()
                || y.len() != v.len()
            {
                return Err(value_error(format!(
                    "x, y and values must be 1-D of one length, got shapes {:?}, {:?} and {:?}",
                    x.shape(),
                    y.shape(),
                    view.shape()
                )));
            }
            Some(
                x.iter()
                    .zip(y.iter())
                    .map(|(&a, &b)| (a, b))
                    .collect::<Vec<_>>(),
            )
        }
        _ => return Err(value_error("give both x and y, or neither")),
    };
    if dims > 2 {
        return Err(value_error(format!(
            "values must be 1-D (samples) or 2-D (a grid), got {dims} dimensions"
        )));
    }
    let (t, ca) = py
        .detach(|| -> geoprospect::error::Result<_> {
            let t = distribution(&v);
            let ca = match xy {
                Some(xy) => ca_of_samples(&xy, &v)?,
                None => ca_thresholds(&v.iter().map(|&a| a as f32).collect::<Vec<_>>()),
            };
            Ok((t, ca))
        })
        .map_err(to_py)?;
    let d = PyDict::new(py);
    d.set_item("n", t.n)?;
    d.set_item("non_positive", t.non_positive)?;
    d.set_item("median", t.median)?;
    d.set_item("median_2mad", t.median_2mad)?;
    d.set_item("tukey_upper", t.tukey_upper)?;
    d.set_item("p95", t.p95)?;
    d.set_item("ca_thresholds", ca)?;
    Ok(d)
}

/// The C–A breakpoints of the samples' IDW surface (`geoprospect anomalies`): the grid covers
/// every sample with finite coordinates, the surface those with a value.
fn ca_of_samples(xy: &[(f64, f64)], v: &[f64]) -> geoprospect::error::Result<Vec<f64>> {
    let (xy, v): (Vec<(f64, f64)>, Vec<f64>) = xy
        .iter()
        .zip(v)
        .filter(|((a, b), _)| a.is_finite() && b.is_finite())
        .map(|(&p, &c)| (p, c))
        .unzip();
    if xy.is_empty() {
        return Ok(Vec::new());
    }
    let grid = ca_grid(&xy, String::new())?;
    let engine = Engine::new(rayon::current_num_threads())?;
    ca_surface(&xy, &v, &grid, &engine).map_err(geoprospect::error::Error::param)
}
