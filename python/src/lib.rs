//! `geoprospect` for Python: the kernels of `geoprospect-core` on numpy arrays, and the file
//! commands of `geoprospect` (a whole project run, a file's description), as the extension
//! module `geoprospect._geoprospect` that the `geoprospect` package re-exports.
//!
//! The binding floor, beside the binary: it turns Python values into the kernels' typed
//! parameters, runs the kernels with the GIL released, and turns their results into numpy
//! arrays and dicts. It computes nothing itself, so a function gives what the command of the
//! same name writes. One file per family of functions:
//! - `grid_idw`, `grid_nearest` and `krige` in [`gridding`];
//! - `thresholds` in [`anomalies`];
//! - `membership` and `singularity` in [`evidence`];
//! - `fuzzy` and `index_overlay` in [`overlay`];
//! - `weights_of_evidence` in [`wofe`];
//! - `success_rate` in [`validation`];
//! - `run` and `info` in [`files`];
//! - numpy views without copies in [`arrays`], the CLI's one-line errors as Python exceptions
//!   in [`errors`].
use pyo3::prelude::*;

mod anomalies;
mod arrays;
mod errors;
mod evidence;
mod files;
mod gridding;
mod overlay;
mod validation;
mod wofe;

#[pymodule]
fn _geoprospect(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(gridding::grid_idw, m)?)?;
    m.add_function(wrap_pyfunction!(gridding::grid_nearest, m)?)?;
    m.add_function(wrap_pyfunction!(gridding::krige, m)?)?;
    m.add_function(wrap_pyfunction!(anomalies::thresholds, m)?)?;
    m.add_function(wrap_pyfunction!(evidence::membership, m)?)?;
    m.add_function(wrap_pyfunction!(evidence::singularity, m)?)?;
    m.add_function(wrap_pyfunction!(overlay::fuzzy, m)?)?;
    m.add_function(wrap_pyfunction!(overlay::index_overlay, m)?)?;
    m.add_function(wrap_pyfunction!(wofe::weights_of_evidence, m)?)?;
    m.add_function(wrap_pyfunction!(validation::success_rate, m)?)?;
    m.add_function(wrap_pyfunction!(files::run, m)?)?;
    m.add_function(wrap_pyfunction!(files::info, m)?)?;
    Ok(())
}
