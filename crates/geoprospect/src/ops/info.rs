//! `geoprospect info`: what an input file holds, as a geologist checks it before a run.
//!
//! Rasters: driver, CRS, extent, size, bands with nodata and scale/offset. Vectors: layers,
//! feature counts, geometry type, CRS, attributes. Sample tables (delimited text, or point
//! layers with assay attributes): encoding, delimiter, the element columns with their units
//! and counts of censored and missing values, and the coordinate range. The descriptions are
//! data ([`FileInfo`]), for the binary to print and other front ends to show.
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::geochem::assays::{parse_table_assays, AssayOptions};
use crate::geochem::columns::ColumnOptions;
use crate::io::points::is_delimited_text;
use crate::io::table::read_table;
use crate::io::{raster, vector};
use crate::table::{TableOptions, TextTable};

pub use crate::io::raster::{BandInfo, CrsInfo, RasterInfo};
pub use crate::io::vector::{VectorInfo, VectorLayerInfo};

/// What an input file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum FileInfo {
    /// A delimited-text sample table.
    Table(TableInfo),
    /// A raster.
    Raster(RasterInfo),
    /// A vector file.
    Vector(VectorInfo),
}

/// What a delimited-text sample table holds.
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    /// The file.
    pub path: PathBuf,
    /// Text encoding, as given or detected (`UTF-8`, `EUC-KR`).
    pub encoding: String,
    /// Field delimiter.
    pub delimiter: char,
    /// Whether numbers are written with a decimal comma.
    pub decimal_comma: bool,
    /// Data rows.
    pub rows: usize,
    /// Columns of the header.
    pub columns: usize,
    /// The x coordinate column, as named or guessed (none found when `None`).
    pub x: Option<CoordinateColumn>,
    /// The y coordinate column, as named or guessed (none found when `None`).
    pub y: Option<CoordinateColumn>,
    /// The element columns (the coordinate columns left out), in table order.
    pub elements: Vec<ElementInfo>,
}

/// A coordinate column of a sample table and its range.
#[derive(Debug, Clone, PartialEq)]
pub struct CoordinateColumn {
    /// The header.
    pub column: String,
    /// Smallest value (`inf` when no row has one).
    pub min: f64,
    /// Largest value (`-inf` when no row has one).
    pub max: f64,
    /// Rows without a number.
    pub missing: usize,
}

/// An element column of a sample table.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementInfo {
    /// The header.
    pub column: String,
    /// Element symbol (`Fe`).
    pub element: String,
    /// The oxide the column reports (`Fe2O3`), if any.
    pub oxide: Option<String>,
    /// Unit (`ppm`, `%`).
    pub unit: String,
    /// Values that are numbers.
    pub values: usize,
    /// Values below detection.
    pub censored: usize,
    /// Missing values.
    pub missing: usize,
    /// Values above the upper limit.
    pub above: usize,
}

/// Describes `path`; `x`/`y` name the coordinate columns of a table (guessed when `None`).
pub fn describe(
    path: &Path,
    x: Option<&str>,
    y: Option<&str>,
    encoding: Option<&str>,
) -> Result<FileInfo> {
    if is_delimited_text(path) {
        let options = TableOptions {
            encoding: encoding.map(str::to_string),
            ..Default::default()
        };
        let table = read_table(path, &options)?;
        return describe_table(path, &table, x, y).map(FileInfo::Table);
    }
    if !path.to_string_lossy().starts_with("/vsi") && !path.exists() {
        return Err(Error::input(path, "file not found"));
    }
    if let Ok(info) = raster::describe(path) {
        return Ok(FileInfo::Raster(info));
    }
    vector::describe(path).map(FileInfo::Vector)
}

/// The table's layout, coordinate ranges and element columns.
fn describe_table(
    path: &Path,
    table: &TextTable,
    x: Option<&str>,
    y: Option<&str>,
) -> Result<TableInfo> {
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
    let exclude = [xc, yc]
        .iter()
        .flatten()
        .map(|&i| table.headers[i].clone())
        .collect();
    let coordinate = |col: Option<usize>| {
        col.map(|i| {
            let values: Vec<f64> = table
                .rows
                .iter()
                .filter_map(|r| table.number(&r[i]))
                .collect();
            let (min, max) = values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                });
            CoordinateColumn {
                column: table.headers[i].clone(),
                min,
                max,
                missing: table.rows.len() - values.len(),
            }
        })
    };
    let options = AssayOptions {
        columns: ColumnOptions {
            exclude,
            ..Default::default()
        },
        ..Default::default()
    };
    let elements =
        parse_table_assays(table, &options).map_err(|e| Error::input(path, e.to_string()))?;
    Ok(TableInfo {
        path: path.to_path_buf(),
        encoding: table.encoding.to_string(),
        delimiter: table.delimiter as char,
        decimal_comma: table.decimal_comma,
        rows: table.rows.len(),
        columns: table.headers.len(),
        x: coordinate(xc),
        y: coordinate(yc),
        elements: elements
            .iter()
            .map(|e| ElementInfo {
                column: e.spec.column.clone(),
                element: e.spec.element.clone(),
                oxide: e.spec.oxide.clone(),
                unit: e.spec.unit.to_string(),
                values: e.values.len() - e.n_censored - e.n_missing - e.n_above,
                censored: e.n_censored,
                missing: e.n_missing,
                above: e.n_above,
            })
            .collect(),
    })
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
