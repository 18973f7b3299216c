//! Evidence layers from arrays: fuzzy memberships (the ArcGIS Fuzzy Membership functions,
//! Bonham-Carter 1994 ch. 9) with thresholds as values or exact percentiles, as
//! `geoprospect membership`, and the local singularity index (Cheng 2007), as
//! `geoprospect singularity`.
use geoprospect::evidence::membership::{percentiles, Membership, MembershipSpec, Threshold};
use geoprospect::evidence::singularity::{singularity as alpha, Windows};
use numpy::PyArray2;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;

use crate::arrays::{to_numpy, LayerArg, Raster};
use crate::errors::{to_py, value_error};

/// Cells a parallel task applies a membership to.
const CHUNK: usize = 1 << 16;

/// Rows of singularity output a parallel task computes.
const SINGULARITY_ROWS: usize = 64;

/// Applies the fuzzy membership function `fn` to `array`: a float32 array of the same shape,
/// NaN where the input is NaN.
///
/// Functions and their parameters (a threshold is a number or a percentile of the array's
/// valid cells such as `"p90"`, computed exactly):
/// - `"linear"`, `low`, `high`: 0 at `low`, 1 at `high`, linear between (decreasing when
///   `low > high`);
/// - `"large"`, `midpoint`, `spread=5`: `1 / (1 + (x / midpoint)^-spread)`;
/// - `"small"`, `midpoint`, `spread=5`: `1 / (1 + (x / midpoint)^spread)`;
/// - `"gaussian"`, `midpoint`, `spread=0.1`: `exp(-spread · (x - midpoint)²)`;
/// - `"sigmoid"`, `midpoint`, `slope`: `1 / (1 + exp(-slope · (x - midpoint)))`.
#[pyfunction]
#[pyo3(signature = (array, r#fn, **parameters))]
pub fn membership<'py>(
    py: Python<'py>,
    array: LayerArg<'py>,
    r#fn: &str,
    parameters: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let spec = spec(r#fn, parameters)?;
    let layer = Raster::of(array.as_array());
    let cells = &layer.cells[..];
    let out = py
        .detach(|| -> geoprospect::error::Result<Vec<f32>> {
            let m = resolve(&spec, cells)?;
            let mut out = vec![0f32; cells.len()];
            out.par_chunks_mut(CHUNK)
                .zip(cells.par_chunks(CHUNK))
                .for_each(|(o, i)| m.apply_to(i, o));
            Ok(out)
        })
        .map_err(to_py)?;
    to_numpy(py, layer.shape, out)
}

/// The function with its percentiles taken on `cells`.
fn resolve(spec: &MembershipSpec, cells: &[f32]) -> geoprospect::error::Result<Membership> {
    let ps = spec.percentiles();
    if ps.is_empty() {
        return spec.resolve(&[]);
    }
    if cells.iter().all(|v| v.is_nan()) {
        return Err(geoprospect::error::Error::param(
            "the array has no valid cells to take percentiles of",
        ));
    }
    spec.resolve(&percentiles(cells, &ps)?)
}

/// The membership function `name` with `parameters`; an error names a missing, unknown or
/// mistyped parameter.
fn spec(name: &str, parameters: Option<&Bound<'_, PyDict>>) -> PyResult<MembershipSpec> {
    let allowed: &[&str] = match name {
        "linear" => &["low", "high"],
        "large" | "small" | "gaussian" => &["midpoint", "spread"],
        "sigmoid" => &["midpoint", "slope"],
        other => {
            return Err(value_error(format!(
            "unknown membership function {other:?}: use linear, large, small, gaussian or sigmoid"
        )))
        }
    };
    if let Some(p) = parameters {
        for key in p.keys() {
            let key: String = key.extract()?;
            if !allowed.contains(&key.as_str()) {
                return Err(value_error(format!(
                    "{key} does not apply to the {name} function: give {}",
                    allowed.join(" and ")
                )));
            }
        }
    }
    let get = |key: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        match parameters {
            Some(p) => p.get_item(key),
            None => Ok(None),
        }
    };
    let threshold = |key: &str| -> PyResult<Threshold> {
        let v = get(key)?.ok_or_else(|| value_error(format!("the {name} function needs {key}")))?;
        if let Ok(text) = v.extract::<String>() {
            return text
                .parse::<Threshold>()
                .map_err(|e| value_error(format!("{key}: {e}")));
        }
        match v.extract::<f64>() {
            Ok(x) if x.is_finite() => Ok(Threshold::Value(x)),
            _ => Err(value_error(format!(
                "{key} must be a finite number or a percentile such as \"p90\""
            ))),
        }
    };
    let number = |key: &str, default: Option<f64>| -> PyResult<f64> {
        match get(key)? {
            Some(v) => v
                .extract::<f64>()
                .map_err(|_| value_error(format!("{key} must be a number"))),
            None => default.ok_or_else(|| value_error(format!("the {name} function needs {key}"))),
        }
    };
    Ok(match name {
        "linear" => MembershipSpec::Linear {
            low: threshold("low")?,
            high: threshold("high")?,
        },
        "large" => MembershipSpec::Large {
            midpoint: threshold("midpoint")?,
            spread: number("spread", Some(5.0))?,
        },
        "small" => MembershipSpec::Small {
            midpoint: threshold("midpoint")?,
            spread: number("spread", Some(5.0))?,
        },
        "gaussian" => MembershipSpec::Gaussian {
            midpoint: threshold("midpoint")?,
            spread: number("spread", Some(0.1))?,
        },
        _ => MembershipSpec::Sigmoid {
            midpoint: threshold("midpoint")?,
            slope: number("slope", None)?,
        },
    })
}

/// The local singularity index α of `array` (Cheng 2007): around each cell, the mean `μ(ε)` of
/// the centred square windows of odd sides `windows` (cells) follows `μ(ε) = c · ε^(α − 2)`;
/// α is 2 plus the least-squares slope of log μ against log ε. α < 2 marks enrichment.
/// NaN-aware as `geoprospect singularity`: a window counts when at least half its cells are
/// valid and its mean is positive; a cell needs two windows. Returns float32, NaN where
/// undefined.
#[pyfunction]
#[pyo3(signature = (array, windows=vec![1, 3, 5, 7, 9]), text_signature = "(array, windows=(1, 3, 5, 7, 9))")]
pub fn singularity<'py>(
    py: Python<'py>,
    array: LayerArg<'py>,
    windows: Vec<usize>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let windows = Windows::new(windows).map_err(to_py)?;
    let layer = Raster::of(array.as_array());
    let (rows, width) = layer.shape;
    let cells = &layer.cells[..];
    let halo = windows.halo();
    let out: Vec<f32> = py.detach(|| {
        let starts: Vec<usize> = (0..rows).step_by(SINGULARITY_ROWS).collect();
        let parts: Vec<Vec<f32>> = starts
            .par_iter()
            .map(|&row0| {
                let row1 = (row0 + SINGULARITY_ROWS).min(rows);
                let (r0, r1) = (row0.saturating_sub(halo), (row1 + halo).min(rows));
                let strip = &cells[r0 * width..r1 * width];
                alpha(strip, width, row0 - r0..row1 - r0, &windows)
            })
            .collect();
        parts.concat()
    });
    to_numpy(py, layer.shape, out)
}
