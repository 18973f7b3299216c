//! Gridding of sample values onto a north-up grid, as `geoprospect grid` does: inverse distance
//! weighting (Shepard 1968), the nearest sample, ordinary kriging (Isaaks & Srivastava 1989,
//! ch. 12) with a variogram fitted by weighted least squares (Cressie 1985) when none is given.
use geoprospect::geochem::gridding::{
    Gridder, MaxDistance, Method, Samples, VariogramKind, VariogramModel, DEFAULT_IDW_NEIGHBORS,
    DEFAULT_KRIGING_NEIGHBORS,
};
use geoprospect::grid::GridSpec;
use numpy::{AllowTypeChange, PyArray2, PyArrayLike1};
use pyo3::prelude::*;

use crate::arrays::to_numpy;
use crate::errors::{to_py, value_error};

/// A float32 grid handed to Python.
type Grid<'py> = Bound<'py, PyArray2<f32>>;

/// A coordinate or value argument: any array-like numpy converts to float64.
type Column<'py> = PyArrayLike1<'py, f64, AllowTypeChange>;

/// `max_distance`: `"auto"` (3 x the median nearest-neighbour spacing, at least one cell),
/// `None` (no limit) or a positive distance in the coordinates' units.
pub struct Reach(MaxDistance);

impl<'py> FromPyObject<'_, 'py> for Reach {
    type Error = PyErr;

    fn extract(ob: Borrowed<'_, 'py, PyAny>) -> PyResult<Reach> {
        if ob.is_none() {
            return Ok(Reach(MaxDistance::Unlimited));
        }
        let text = match ob.extract::<String>() {
            Ok(t) => t,
            Err(_) => ob
                .extract::<f64>()
                .map_err(|_| {
                    value_error("max_distance must be \"auto\", None or a positive number")
                })?
                .to_string(),
        };
        MaxDistance::parse(&text).map(Reach).map_err(value_error)
    }
}

/// What every gridding function takes besides its method.
struct Target<'a, 'py> {
    x: &'a Column<'py>,
    y: &'a Column<'py>,
    values: &'a Column<'py>,
    extent: [f64; 4],
    resolution: f64,
    max_distance: MaxDistance,
    log: bool,
}

/// A gridded surface: (rows, cols), the values row-major from the north, NaN nodata, and the
/// kriging variances.
struct Surface {
    shape: (usize, usize),
    values: Vec<f32>,
    variance: Option<Vec<f32>>,
}

/// The surface of `method` on the target grid.
fn grid(t: &Target, method: Method, py: Python<'_>) -> PyResult<Surface> {
    method
        .validate()
        .map_err(|e| value_error(format!("{}: {e}", method.name())))?;
    let grid = GridSpec::from_extent(String::new(), t.extent, t.resolution).map_err(to_py)?;
    let samples = Samples::new(
        t.x.as_array().to_vec(),
        t.y.as_array().to_vec(),
        t.values.as_array().to_vec(),
    )
    .map_err(value_error)?;
    let (max_distance, log) = (t.max_distance, t.log);
    let block = py.detach(|| {
        Gridder::new(samples, method, log).map(|g| {
            g.reaching(max_distance, grid.res)
                .rows(&grid, 0, grid.height)
        })
    });
    let block = block.map_err(|e| value_error(format!("{}: {e}", method.name())))?;
    Ok(Surface {
        shape: (grid.height, grid.width),
        values: block.values,
        variance: block.variance,
    })
}

/// Inverse distance weighting of `values` at points `(x, y)` onto the grid of `extent`
/// `(xmin, ymin, xmax, ymax)` and cell size `resolution`, as `geoprospect grid --method idw`.
///
/// Each cell is `Σ wᵢ vᵢ / Σ wᵢ` with `wᵢ = dᵢ^-power` over its `neighbors` nearest samples
/// within `radius` (Shepard 1968); a cell on a sample takes its value. Returns a float32 array
/// (rows, cols), north-up (row 0 at `ymax`), NaN where no sample is within `radius` or farther
/// than `max_distance` from every sample. NaN values are left out; `log` grids log10 values
/// and back-transforms them.
#[pyfunction]
#[pyo3(
    signature = (x, y, values, *, extent, resolution, power=2.0, neighbors=DEFAULT_IDW_NEIGHBORS, radius=None, max_distance=Reach(MaxDistance::Auto), log=false),
    text_signature = "(x, y, values, *, extent, resolution, power=2.0, neighbors=12, radius=None, max_distance='auto', log=False)"
)]
#[allow(clippy::too_many_arguments)]
pub fn grid_idw<'py>(
    py: Python<'py>,
    x: Column<'py>,
    y: Column<'py>,
    values: Column<'py>,
    extent: [f64; 4],
    resolution: f64,
    power: f64,
    neighbors: usize,
    radius: Option<f64>,
    max_distance: Reach,
    log: bool,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let target = Target {
        x: &x,
        y: &y,
        values: &values,
        extent,
        resolution,
        max_distance: max_distance.0,
        log,
    };
    let method = Method::Idw {
        power,
        neighbors,
        radius,
    };
    let s = grid(&target, method, py)?;
    to_numpy(py, s.shape, s.values)
}

/// The value of the nearest sample in each cell, as `geoprospect grid --method nearest`
/// (Voronoi cells); arguments and result as [`grid_idw`].
#[pyfunction]
#[pyo3(
    signature = (x, y, values, *, extent, resolution, radius=None, max_distance=Reach(MaxDistance::Auto)),
    text_signature = "(x, y, values, *, extent, resolution, radius=None, max_distance='auto')"
)]
#[allow(clippy::too_many_arguments)]
pub fn grid_nearest<'py>(
    py: Python<'py>,
    x: Column<'py>,
    y: Column<'py>,
    values: Column<'py>,
    extent: [f64; 4],
    resolution: f64,
    radius: Option<f64>,
    max_distance: Reach,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let target = Target {
        x: &x,
        y: &y,
        values: &values,
        extent,
        resolution,
        max_distance: max_distance.0,
        log: false,
    };
    let s = grid(&target, Method::Nearest { radius }, py)?;
    to_numpy(py, s.shape, s.values)
}

/// Ordinary kriging, as `geoprospect grid --method kriging`: returns `(estimate, variance)`,
/// two float32 arrays (rows, cols) as [`grid_idw`].
///
/// Each cell solves the ordinary kriging system over its `neighbors` nearest samples within
/// `radius` (Isaaks & Srivastava 1989, eq. 12.14); the variance is the ordinary kriging
/// variance σ² = Σ wᵢ γ(dᵢ₀) + μ. `variogram` is `(kind, nugget, partial_sill, range)` with
/// kind `"spherical"` or `"exponential"`; when `None` one is fitted to the experimental
/// variogram by weighted least squares (Cressie 1985), as the command does. With `log` the
/// variance is in log10 units squared.
#[pyfunction]
#[pyo3(
    signature = (x, y, values, *, extent, resolution, neighbors=DEFAULT_KRIGING_NEIGHBORS, radius=None, variogram=None, max_distance=Reach(MaxDistance::Auto), log=false),
    text_signature = "(x, y, values, *, extent, resolution, neighbors=16, radius=None, variogram=None, max_distance='auto', log=False)"
)]
#[allow(clippy::too_many_arguments)]
pub fn krige<'py>(
    py: Python<'py>,
    x: Column<'py>,
    y: Column<'py>,
    values: Column<'py>,
    extent: [f64; 4],
    resolution: f64,
    neighbors: usize,
    radius: Option<f64>,
    variogram: Option<(String, f64, f64, f64)>,
    max_distance: Reach,
    log: bool,
) -> PyResult<(Grid<'py>, Grid<'py>)> {
    let model = variogram.map(model).transpose()?;
    let target = Target {
        x: &x,
        y: &y,
        values: &values,
        extent,
        resolution,
        max_distance: max_distance.0,
        log,
    };
    let method = Method::Kriging {
        neighbors,
        radius,
        model,
    };
    let s = grid(&target, method, py)?;
    let variance = s.variance.unwrap_or_else(|| vec![f32::NAN; s.values.len()]);
    Ok((
        to_numpy(py, s.shape, s.values)?,
        to_numpy(py, s.shape, variance)?,
    ))
}

/// A variogram model from `(kind, nugget, partial_sill, range)`.
fn model((kind, nugget, partial_sill, range): (String, f64, f64, f64)) -> PyResult<VariogramModel> {
    let kind = match kind.trim().to_ascii_lowercase().as_str() {
        "spherical" | "sph" => VariogramKind::Spherical,
        "exponential" | "exp" => VariogramKind::Exponential,
        other => {
            return Err(value_error(format!(
                "variogram kind {other:?}: use \"spherical\" or \"exponential\""
            )))
        }
    };
    let model = VariogramModel {
        kind,
        nugget,
        partial_sill,
        range,
    };
    model
        .validate()
        .map_err(|e| value_error(format!("variogram: {e}")))?;
    Ok(model)
}
