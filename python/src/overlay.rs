//! Layers combined cell by cell, as `geoprospect overlay`: the fuzzy operators (Zimmermann &
//! Zysno 1980; Bonham-Carter 1994 ch. 9) and the weighted index overlay (Bonham-Carter 1994
//! ch. 8).
use geoprospect::models::fuzzy::{check_weights, combine, index_overlay as weighted, FuzzyOp};
use numpy::PyArray2;
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::arrays::{same_shape, to_numpy, LayerArg, Raster};
use crate::errors::{to_py, value_error};

/// Cells a parallel task combines.
const CHUNK: usize = 1 << 16;

/// Combines membership arrays of one shape with a fuzzy operator: `"and"` (minimum), `"or"`
/// (maximum), `"product"` (∏ mᵢ), `"sum"` (1 − ∏ (1 − mᵢ)) or `"gamma"` (sum^γ · product^(1−γ),
/// with `gamma` in [0, 1]). NaN in any input gives NaN. Inputs must lie in [0, 1]: a value
/// outside is a `ValueError` naming the layer, row and column.
#[pyfunction]
#[pyo3(signature = (arrays, op, gamma=None))]
pub fn fuzzy<'py>(
    py: Python<'py>,
    arrays: Vec<LayerArg<'py>>,
    op: &str,
    gamma: Option<f64>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let op = FuzzyOp::parse(op, gamma).map_err(to_py)?;
    if gamma.is_some() && !matches!(op, FuzzyOp::Gamma(_)) {
        return Err(value_error(format!(
            "gamma applies to the gamma operator, not {}",
            op.name()
        )));
    }
    let layers = same_shape("fuzzy", &arrays)?;
    for (k, layer) in layers.iter().enumerate() {
        outside_unit_interval(k, layer)?;
    }
    let out = cellwise(py, &layers, |inputs, out| {
        combine(op, inputs, out);
    });
    to_numpy(py, layers[0].shape, out)
}

/// The weighted index overlay of arrays of one shape: `Σ wᵢ · xᵢ / Σ wᵢ` with non-negative
/// `weights`, one per array, of positive sum. NaN in any input gives NaN.
#[pyfunction]
pub fn index_overlay<'py>(
    py: Python<'py>,
    arrays: Vec<LayerArg<'py>>,
    weights: Vec<f64>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let layers = same_shape("index_overlay", &arrays)?;
    check_weights(&weights, layers.len()).map_err(to_py)?;
    let out = cellwise(py, &layers, |inputs, out| weighted(&weights, inputs, out));
    to_numpy(py, layers[0].shape, out)
}

/// `f` over matching chunks of the layers, in parallel with the GIL released.
fn cellwise(
    py: Python<'_>,
    layers: &[Raster],
    f: impl Fn(&[&[f32]], &mut [f32]) + Sync,
) -> Vec<f32> {
    let n = layers[0].cells.len();
    py.detach(|| {
        let mut out = vec![0f32; n];
        out.par_chunks_mut(CHUNK).enumerate().for_each(|(k, o)| {
            let range = k * CHUNK..k * CHUNK + o.len();
            let inputs: Vec<&[f32]> = layers.iter().map(|l| &l.cells[range.clone()]).collect();
            f(&inputs, o);
        });
        out
    })
}

/// An error naming the first cell of layer `k` outside [0, 1].
fn outside_unit_interval(k: usize, layer: &Raster) -> PyResult<()> {
    let width = layer.shape.1.max(1);
    match layer
        .cells
        .iter()
        .position(|v| !v.is_nan() && !(0.0..=1.0).contains(v))
    {
        None => Ok(()),
        Some(i) => Err(value_error(format!(
            "layer {}: value {} at row {}, column {} is outside [0, 1]: fuzzy operators combine \
             memberships (make it a membership layer first, or combine it by a weighted index \
             overlay)",
            k + 1,
            layer.cells[i],
            i / width,
            i % width
        ))),
    }
}
