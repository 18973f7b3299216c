//! Weights of evidence of a class array against deposit cells (Bonham-Carter, Agterberg &
//! Wright 1989; Bonham-Carter 1994 ch. 9), as `geoprospect wofe` writes its CSV: W+, W−, the
//! contrast and its studentized value for each class (or cumulative pattern), with ArcSDM's
//! or the EIS Toolkit's rule for patterns holding every deposit.
use geoprospect::grid::CLASS_NODATA;
use geoprospect::models::wofe::{
    generalise as cut, table, AllDepositsRule, ClassCounts, Generalise, TableKind, Units,
};
use geoprospect::ops::wofe::CSV_COLUMNS;
use numpy::{AllowTypeChange, PyArrayLike2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::{to_py, value_error};

/// The weights table of `classes` (a 2-D integer array of class codes) against `deposits`, an
/// integer array of shape (n, 2) holding each deposit's (row, column) (`numpy.argwhere` of a
/// mask gives it; a cell with two deposits appears twice; deposits off the array or on a
/// `nodata` cell are left out).
///
/// `unit_cells` is the unit cell's size in grid cells and `cell_km2` a grid cell's area in km²
/// (areas are reported in km² and in unit cells). `cumulative` is `None` (each class against
/// the rest), `"ascending"` (classes ≤ c: small values favourable, distances) or
/// `"descending"` (classes ≥ c: concentrations); `generalise` (`"max-contrast"`,
/// `"max-studentized"` or `"cut=CLASS"`) splits a cumulative table into two classes;
/// `all_deposits_rule` is `"arcsdm"` or `"eis"`. `class_names[c]` names class `c`.
///
/// Returns one dict per row, in table order, with the CSV's columns: class, area_km2,
/// deposits, w_plus, w_minus, contrast, s_contrast, studentized_contrast, class_name,
/// area_unit_cells, s_w_plus, s_w_minus, generalised_class, generalised_weight,
/// generalised_s_weight (None when not generalised) and note.
#[pyfunction]
#[pyo3(signature = (classes, deposits, unit_cells=1.0, *, cell_km2=1.0, cumulative=None, generalise=None, all_deposits_rule="arcsdm", nodata=None, class_names=None))]
#[allow(clippy::too_many_arguments)]
pub fn weights_of_evidence<'py>(
    py: Python<'py>,
    classes: &Bound<'py, PyAny>,
    deposits: PyArrayLike2<'py, i64, AllowTypeChange>,
    unit_cells: f64,
    cell_km2: f64,
    cumulative: Option<&str>,
    generalise: Option<&str>,
    all_deposits_rule: &str,
    nodata: Option<i64>,
    class_names: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyList>> {
    let kind = match cumulative {
        None => TableKind::Unique,
        Some("ascending") => TableKind::Ascending,
        Some("descending") => TableKind::Descending,
        Some(other) => {
            return Err(value_error(format!(
                "cumulative {other:?}: use None, \"ascending\" or \"descending\""
            )))
        }
    };
    let rule = match all_deposits_rule {
        "arcsdm" => AllDepositsRule::ArcSdm,
        "eis" => AllDepositsRule::Eis,
        other => {
            return Err(value_error(format!(
                "all_deposits_rule {other:?}: use \"arcsdm\" or \"eis\""
            )))
        }
    };
    let how = generalise
        .map(|g| g.parse::<Generalise>())
        .transpose()
        .map_err(to_py)?;
    if how.is_some() && kind == TableKind::Unique {
        return Err(value_error(
            "only a cumulative table (ascending or descending) can be generalised, not one row \
             per class",
        ));
    }
    for (name, v) in [("unit_cells", unit_cells), ("cell_km2", cell_km2)] {
        if !(v.is_finite() && v > 0.0) {
            return Err(value_error(format!(
                "{name} must be a positive number, got {v}"
            )));
        }
    }
    let codes = class_codes(classes, nodata)?;
    let (rows, width) = codes.0;
    let cells = deposit_cells(&deposits, rows, width)?;
    let units = Units {
        cell_m2: cell_km2 * 1e6,
        unit_km2: unit_cells * cell_km2,
    };
    let (table_rows, generalised) = py
        .detach(|| -> geoprospect::error::Result<_> {
            let mut counts = ClassCounts::default();
            counts.add_block(&codes.1, &cells);
            let rows = table(&counts, units, kind, rule)?;
            let g = how.map(|h| cut(&rows, h)).transpose()?;
            Ok((rows, g))
        })
        .map_err(to_py)?;
    let names = class_names.unwrap_or_default();
    let out = PyList::empty(py);
    for (i, r) in table_rows.iter().enumerate() {
        let w = &r.weights;
        let name = usize::try_from(r.class)
            .ok()
            .and_then(|c| names.get(c))
            .cloned()
            .unwrap_or_default();
        let (g_class, g_w, g_s) = match &generalised {
            Some(g) if g.class_of_row(i) == 2 => {
                (Some(2), Some(g.weights.w_plus), Some(g.weights.s_w_plus))
            }
            Some(g) => (Some(1), Some(g.weights.w_minus), Some(g.weights.s_w_minus)),
            None => (None, None, None),
        };
        let d = PyDict::new(py);
        let values: [Bound<'py, PyAny>; 16] = [
            r.class.into_pyobject(py)?.into_any(),
            r.area_km2.into_pyobject(py)?.into_any(),
            r.deposits.into_pyobject(py)?.into_any(),
            w.w_plus.into_pyobject(py)?.into_any(),
            w.w_minus.into_pyobject(py)?.into_any(),
            w.contrast.into_pyobject(py)?.into_any(),
            w.s_contrast.into_pyobject(py)?.into_any(),
            w.studentized.into_pyobject(py)?.into_any(),
            name.into_pyobject(py)?.into_any(),
            r.area_units.into_pyobject(py)?.into_any(),
            w.s_w_plus.into_pyobject(py)?.into_any(),
            w.s_w_minus.into_pyobject(py)?.into_any(),
            g_class.into_pyobject(py)?.into_any(),
            g_w.into_pyobject(py)?.into_any(),
            g_s.into_pyobject(py)?.into_any(),
            w.note
                .map_or("", |n| n.text())
                .into_pyobject(py)?
                .into_any(),
        ];
        for (key, value) in CSV_COLUMNS.iter().zip(values) {
            d.set_item(key, value)?;
        }
        out.append(d)?;
    }
    Ok(out)
}

/// The class codes of an integer (or boolean) 2-D array, row-major, `nodata` cells as
/// [`CLASS_NODATA`]; codes must fit in 32 bits.
#[allow(clippy::type_complexity)]
fn class_codes(
    classes: &Bound<'_, PyAny>,
    nodata: Option<i64>,
) -> PyResult<((usize, usize), Vec<i32>)> {
    let kind: String = classes
        .getattr("dtype")
        .and_then(|d| d.getattr("kind"))
        .and_then(|k| k.extract())
        .unwrap_or_default();
    if !matches!(kind.as_str(), "i" | "u" | "b") {
        return Err(value_error(
            "classes must be a numpy array of integer class codes (mark missing cells with \
             nodata=)",
        ));
    }
    let array: PyArrayLike2<i64, AllowTypeChange> = classes.extract()?;
    let view = array.as_array();
    let mut codes = Vec::with_capacity(view.len());
    for &c in view.iter() {
        if Some(c) == nodata {
            codes.push(CLASS_NODATA);
        } else {
            match i32::try_from(c) {
                Ok(v) if v != CLASS_NODATA => codes.push(v),
                _ => {
                    return Err(value_error(format!(
                        "class code {c} does not fit in 32 bits"
                    )))
                }
            }
        }
    }
    Ok((view.dim(), codes))
}

/// Row-major cell indices of the deposits on the array.
fn deposit_cells(
    deposits: &PyArrayLike2<'_, i64, AllowTypeChange>,
    rows: usize,
    width: usize,
) -> PyResult<Vec<usize>> {
    let shape = deposits.shape();
    if shape[1] != 2 && shape[0] != 0 {
        return Err(value_error(format!(
            "deposits must have shape (n, 2), (row, column) per deposit, got {shape:?}"
        )));
    }
    Ok(deposits
        .as_array()
        .rows()
        .into_iter()
        .filter_map(|p| {
            let (r, c) = (usize::try_from(p[0]).ok()?, usize::try_from(p[1]).ok()?);
            (r < rows && c < width).then_some(r * width + c)
        })
        .collect())
}
