//! The file functions: a whole project run, as `geoprospect run`, and a file's description, as
//! `geoprospect info`.
use std::path::{Path, PathBuf};

use geoprospect::engine::Engine;
use geoprospect::io::raster::CrsInfo;
use geoprospect::ops::info::{describe, CoordinateColumn, FileInfo};
use geoprospect::pipeline::{self, RunOptions};
use geoprospect::project::Project;
use geoprospect::validate::summary_rows;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::{to_py, value_error};

/// Runs the project file `project` into the folder `out`, as `geoprospect run PROJECT --out
/// OUT` (the outputs are staged and moved into `out` at the end, so a failed run leaves none),
/// on `threads` worker threads (default: all cores; the outputs do not depend on it).
///
/// Returns the run's summary: `out`, `seconds`, `grid` (width, height, resolution, crs,
/// extent, study_area_cells), `samples` (per set: name, samples, outside, elements), the
/// `occurrences` read, `commodities` (per commodity: commodity, map, scored_cells,
/// scored_occurrences, evidence as (name, membership) pairs, dropped evidence, and
/// `validation`, the success-rate figures on the training occurrences or None), `outputs`
/// (every file written), `timings` (seconds by stage) and `manifest`, the parsed
/// `manifest.json` with everything the run recorded.
#[pyfunction]
#[pyo3(signature = (project, out, threads=None))]
pub fn run<'py>(
    py: Python<'py>,
    project: PathBuf,
    out: PathBuf,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    if threads == Some(0) {
        return Err(value_error("threads must be at least 1"));
    }
    let summary = py
        .detach(|| -> geoprospect::error::Result<_> {
            let loaded = Project::load(&project)?;
            let engine = Engine::new(threads.unwrap_or_else(default_threads))?;
            pipeline::run(&loaded, &out, &engine, &RunOptions::default())
        })
        .map_err(to_py)?;
    let d = PyDict::new(py);
    d.set_item("out", path_text(&out))?;
    d.set_item("seconds", summary.seconds)?;
    let g = &summary.grid;
    let grid = PyDict::new(py);
    grid.set_item("width", g.width)?;
    grid.set_item("height", g.height)?;
    grid.set_item("resolution", g.res)?;
    grid.set_item("crs", &summary.crs)?;
    grid.set_item("extent", g.extent().to_vec())?;
    grid.set_item("study_area_cells", g.area.as_ref().map(|a| a.cells()))?;
    d.set_item("grid", grid)?;
    let samples = PyList::empty(py);
    for s in &summary.samples {
        let set = PyDict::new(py);
        set.set_item("name", &s.name)?;
        set.set_item("samples", s.samples)?;
        set.set_item("outside", s.outside)?;
        set.set_item("elements", s.elements)?;
        samples.append(set)?;
    }
    d.set_item("samples", samples)?;
    d.set_item("occurrences", summary.occurrences)?;
    let commodities = PyList::empty(py);
    for c in &summary.commodities {
        let m = PyDict::new(py);
        m.set_item("commodity", c.commodity.to_string())?;
        let name = c.path.file_name().map(|n| out.join(n));
        m.set_item("map", name.as_deref().map(path_text))?;
        m.set_item("scored_cells", c.summary.scored_cells)?;
        m.set_item("scored_occurrences", c.scored_occurrences)?;
        m.set_item("evidence", c.summary.used.clone())?;
        m.set_item("dropped", c.dropped.clone())?;
        let validation = match &c.validation {
            Some(v) => {
                let figures = PyDict::new(py);
                for (k, text) in summary_rows(v) {
                    figures.set_item(k, text.parse::<f64>().unwrap_or(f64::NAN))?;
                }
                Some(figures)
            }
            None => None,
        };
        m.set_item("validation", validation)?;
        commodities.append(m)?;
    }
    d.set_item("commodities", commodities)?;
    let outputs: Vec<String> = summary.outputs.iter().map(|p| path_text(p)).collect();
    d.set_item("outputs", outputs)?;
    let timings = PyDict::new(py);
    for (stage, seconds) in &summary.timings {
        timings.set_item(stage, seconds)?;
    }
    d.set_item("timings", timings)?;
    let manifest = out.join("manifest.json");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| to_py(geoprospect::error::Error::input(&manifest, e)))?;
    let json = py.import("json")?.call_method1("loads", (text,))?;
    d.set_item("manifest", json)?;
    Ok(d)
}

/// Describes an input file, as `geoprospect info`: a dict with `kind` (`"raster"`, `"vector"`
/// or `"table"`) and what a geologist checks before a run: for a raster its driver, size,
/// crs, extent, cell size and bands; for a vector file its driver and layers (features,
/// geometry, crs, extent, attributes); for a delimited-text sample table its encoding,
/// delimiter, rows, coordinate columns with their ranges and element columns with units and
/// counts. `crs` is the CRS's label, None when the file has none, or `{"unusable": why}`.
#[pyfunction]
#[pyo3(signature = (path, *, x=None, y=None, encoding=None))]
pub fn info<'py>(
    py: Python<'py>,
    path: PathBuf,
    x: Option<String>,
    y: Option<String>,
    encoding: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let described = py
        .detach(|| describe(&path, x.as_deref(), y.as_deref(), encoding.as_deref()))
        .map_err(to_py)?;
    let d = PyDict::new(py);
    match described {
        FileInfo::Raster(r) => {
            d.set_item("kind", "raster")?;
            d.set_item("path", path_text(&r.path))?;
            d.set_item("driver", r.driver)?;
            d.set_item("width", r.width)?;
            d.set_item("height", r.height)?;
            d.set_item("crs", crs(py, &r.crs)?)?;
            d.set_item("extent", r.extent.map(|e| e.to_vec()))?;
            d.set_item("cell_size", r.cell_size.map(|c| c.to_vec()))?;
            let bands = PyList::empty(py);
            for b in r.bands {
                let band = PyDict::new(py);
                band.set_item("data_type", b.data_type)?;
                band.set_item("description", b.description)?;
                band.set_item("nodata", b.nodata)?;
                band.set_item("scale", b.scale)?;
                band.set_item("offset", b.offset)?;
                bands.append(band)?;
            }
            d.set_item("bands", bands)?;
        }
        FileInfo::Vector(v) => {
            d.set_item("kind", "vector")?;
            d.set_item("path", path_text(&v.path))?;
            d.set_item("driver", v.driver)?;
            let layers = PyList::empty(py);
            for l in v.layers {
                let layer = PyDict::new(py);
                layer.set_item("name", l.name)?;
                layer.set_item("features", l.features)?;
                layer.set_item("geometry", l.geometry)?;
                layer.set_item("crs", crs(py, &l.crs)?)?;
                layer.set_item("extent", l.extent.map(|e| e.to_vec()))?;
                layer.set_item("attributes", l.attributes)?;
                layers.append(layer)?;
            }
            d.set_item("layers", layers)?;
        }
        FileInfo::Table(t) => {
            d.set_item("kind", "table")?;
            d.set_item("path", path_text(&t.path))?;
            d.set_item("encoding", t.encoding)?;
            d.set_item("delimiter", t.delimiter.to_string())?;
            d.set_item("decimal_comma", t.decimal_comma)?;
            d.set_item("rows", t.rows)?;
            d.set_item("columns", t.columns)?;
            d.set_item("x", coordinate(py, t.x.as_ref())?)?;
            d.set_item("y", coordinate(py, t.y.as_ref())?)?;
            let elements = PyList::empty(py);
            for e in t.elements {
                let element = PyDict::new(py);
                element.set_item("column", e.column)?;
                element.set_item("element", e.element)?;
                element.set_item("oxide", e.oxide)?;
                element.set_item("unit", e.unit)?;
                element.set_item("values", e.values)?;
                element.set_item("censored", e.censored)?;
                element.set_item("missing", e.missing)?;
                element.set_item("above", e.above)?;
                elements.append(element)?;
            }
            d.set_item("elements", elements)?;
        }
    }
    Ok(d)
}

/// All cores, as the command line's default.
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A path as text (lossy for paths that are not UTF-8).
fn path_text(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// A CRS as `info` gives it: the label, None, or `{"unusable": why}`.
fn crs<'py>(py: Python<'py>, c: &CrsInfo) -> PyResult<Bound<'py, PyAny>> {
    Ok(match c {
        CrsInfo::Known(label) => label.into_pyobject(py)?.into_any(),
        CrsInfo::Missing => py.None().into_bound(py),
        CrsInfo::Unusable(why) => {
            let d = PyDict::new(py);
            d.set_item("unusable", why)?;
            d.into_any()
        }
    })
}

/// A coordinate column with its range, or None.
fn coordinate<'py>(py: Python<'py>, c: Option<&CoordinateColumn>) -> PyResult<Bound<'py, PyAny>> {
    let Some(c) = c else {
        return Ok(py.None().into_bound(py));
    };
    let d = PyDict::new(py);
    d.set_item("column", &c.column)?;
    d.set_item("min", c.min)?;
    d.set_item("max", c.max)?;
    d.set_item("missing", c.missing)?;
    Ok(d.into_any())
}
