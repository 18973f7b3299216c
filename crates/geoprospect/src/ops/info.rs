//! `geoprospect info`: what an input file holds, as a geologist checks it before a run.
//!
//! Rasters: driver, CRS, extent, size, bands with nodata and scale/offset. Vectors: layers,
//! feature counts, geometry type, CRS, attributes. Sample tables (delimited text, or point
//! layers with assay attributes): encoding, delimiter, the element columns with their units
//! and counts of censored and missing values, and the coordinate range.
use std::fmt::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::geochem::assays::{parse_table_assays, AssayOptions};
use crate::geochem::columns::ColumnOptions;
use crate::io::points::is_delimited_text;
use crate::io::table::read_table;
use crate::io::{raster, vector};
use crate::table::{TableOptions, TextTable};

/// Describes `path`; `x`/`y` name the coordinate columns of a table (guessed when `None`).
pub fn describe(
    path: &Path,
    x: Option<&str>,
    y: Option<&str>,
    encoding: Option<&str>,
) -> Result<String> {
    if is_delimited_text(path) {
        let options = TableOptions {
            encoding: encoding.map(str::to_string),
            ..Default::default()
        };
        let table = read_table(path, &options)?;
        let mut out =
            format!(
            "sample table: {}\nencoding: {}, delimiter {:?}, decimal {}\nrows: {}, columns: {}\n",
            path.display(),
            table.encoding,
            table.delimiter as char,
            if table.decimal_comma { "comma" } else { "point" },
            table.rows.len(),
            table.headers.len()
        );
        out.push_str(&describe_table(path, &table, x, y)?);
        return Ok(out);
    }
    if !path.to_string_lossy().starts_with("/vsi") && !path.exists() {
        return Err(Error::input(path, "file not found"));
    }
    if let Ok(text) = raster::describe(path) {
        return Ok(text);
    }
    vector::describe(path)
}

/// Coordinate range and element columns of a table.
fn describe_table(
    path: &Path,
    table: &TextTable,
    x: Option<&str>,
    y: Option<&str>,
) -> Result<String> {
    let mut out = String::new();
    let xc = pick(
        table,
        x,
        &["lon", "longitude", "long", "x", "easting", "east"],
        'x',
    )
    .map_err(|m| Error::input(path, m))?;
    let yc = pick(
        table,
        y,
        &["lat", "latitude", "y", "northing", "north"],
        'y',
    )
    .map_err(|m| Error::input(path, m))?;
    let mut exclude = Vec::new();
    for (axis, col) in [("x", xc), ("y", yc)] {
        let Some(i) = col else {
            let _ = writeln!(
                out,
                "{axis} coordinate: no column found (name it with --{axis})"
            );
            continue;
        };
        exclude.push(table.headers[i].clone());
        let values: Vec<f64> = table
            .rows
            .iter()
            .filter_map(|r| table.number(&r[i]))
            .collect();
        let (lo, hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let _ = writeln!(
            out,
            "{axis} coordinate: column {:?}, range {lo} .. {hi}, {} rows without a value",
            table.headers[i],
            table.rows.len() - values.len()
        );
    }
    let options = AssayOptions {
        columns: ColumnOptions {
            exclude,
            ..Default::default()
        },
        ..Default::default()
    };
    let elements =
        parse_table_assays(table, &options).map_err(|e| Error::input(path, e.to_string()))?;
    let _ = writeln!(out, "element columns: {}", elements.len());
    let _ = writeln!(
        out,
        "  {:<18} {:<12} {:<6} {:>7} {:>9} {:>8} {:>6}",
        "column", "element", "unit", "values", "censored", "missing", "above"
    );
    for e in &elements {
        let n = e.values.len() - e.n_censored - e.n_missing - e.n_above;
        let element = match &e.spec.oxide {
            Some(ox) => format!("{} ({ox})", e.spec.element),
            None => e.spec.element.clone(),
        };
        let _ = writeln!(
            out,
            "  {:<18} {:<12} {:<6} {:>7} {:>9} {:>8} {:>6}",
            e.spec.column,
            element,
            e.spec.unit.to_string(),
            n,
            e.n_censored,
            e.n_missing,
            e.n_above
        );
    }
    Ok(out)
}

/// The column named by the user, or the first header matching a usual coordinate name.
fn pick(
    table: &TextTable,
    given: Option<&str>,
    names: &[&str],
    axis: char,
) -> std::result::Result<Option<usize>, String> {
    if let Some(name) = given {
        return table
            .column(name)
            .map(Some)
            .ok_or_else(|| format!("no column {name:?}; columns are {:?}", table.headers));
    }
    let lower: Vec<String> = table.headers.iter().map(|h| h.to_lowercase()).collect();
    let prefix = format!("{axis}_");
    Ok(names
        .iter()
        .find_map(|n| lower.iter().position(|h| h == n))
        .or_else(|| lower.iter().position(|h| h.starts_with(&prefix))))
}
