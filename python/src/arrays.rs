//! numpy arrays in and out: views of the caller's memory where it is already C-contiguous and
//! of the kernel's type (one copy otherwise, made by numpy's own conversion), and results
//! handed to numpy without a copy.
use std::borrow::Cow;

use ndarray::{Array2, ArrayView2};
use numpy::{AllowTypeChange, IntoPyArray, PyArray2, PyArrayLike2};
use pyo3::prelude::*;

use crate::errors::value_error;

/// A 2-D array of `f32` (rows, cols) as row-major cells: borrowed when C-contiguous.
pub struct Raster<'a> {
    /// Rows and columns.
    pub shape: (usize, usize),
    /// The cells, row-major.
    pub cells: Cow<'a, [f32]>,
}

impl<'a> Raster<'a> {
    /// The cells of `view`, borrowed when contiguous in row-major order.
    pub fn of(view: ArrayView2<'a, f32>) -> Raster<'a> {
        let shape = view.dim();
        let cells = match view.to_slice() {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(view.iter().copied().collect()),
        };
        Raster { shape, cells }
    }
}

/// A float32 layer argument: any array-like numpy converts to float32 (no copy for a float32
/// array).
pub type LayerArg<'py> = PyArrayLike2<'py, f32, AllowTypeChange>;

/// Views of several layers of one shape; `what` names them in the error (`fuzzy`).
pub fn same_shape<'a>(what: &str, layers: &'a [LayerArg<'_>]) -> PyResult<Vec<Raster<'a>>> {
    if layers.is_empty() {
        return Err(value_error(format!("{what}: give at least one layer")));
    }
    let rasters: Vec<Raster> = layers.iter().map(|l| Raster::of(l.as_array())).collect();
    let shape = rasters[0].shape;
    if let Some((i, r)) = rasters.iter().enumerate().find(|(_, r)| r.shape != shape) {
        return Err(value_error(format!(
            "{what}: layer {} is {} x {}, layer 1 is {} x {}: every layer must have the same shape",
            i + 1,
            r.shape.0,
            r.shape.1,
            shape.0,
            shape.1
        )));
    }
    Ok(rasters)
}

/// `cells` (row-major, `shape`) as a new numpy array, without a copy.
pub fn to_numpy<'py>(
    py: Python<'py>,
    shape: (usize, usize),
    cells: Vec<f32>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let array = Array2::from_shape_vec(shape, cells)
        .map_err(|e| value_error(format!("internal: result of the wrong size: {e}")))?;
    Ok(array.into_pyarray(py))
}
