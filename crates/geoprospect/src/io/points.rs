//! Point tables: sample and occurrence files with their attributes, located in the analysis CRS.
//!
//! Delimited text (`.csv`, `.tsv`, `.txt`) is read by [`crate::table`] (encodings, delimiters,
//! decimal commas) with named coordinate columns; anything else goes through OGR (GeoJSON,
//! GeoPackage, Shapefile, ...), attributes as text. Coordinates are transformed by PROJ
//! (`proj_create_crs_to_crs`, as `cs2cs`) into the analysis CRS.
use std::path::Path;

use gdal::vector::LayerAccess;

use crate::error::{Error, Result};
use crate::io::crs::{Crs, Transformer};
use crate::io::table::read_table;
use crate::io::vector::open_vector;
use crate::table::{Row, TableOptions, TextTable};

/// How to find and read the points of one file.
#[derive(Debug, Clone, Default)]
pub struct PointSource<'a> {
    /// X (easting / longitude) column, for delimited text.
    pub x: Option<&'a str>,
    /// Y (northing / latitude) column, for delimited text.
    pub y: Option<&'a str>,
    /// CRS of the coordinates (for OGR files, only when the file has none).
    pub crs: Option<&'a str>,
    /// OGR layer name.
    pub layer: Option<&'a str>,
    /// Text options for delimited files.
    pub table: TableOptions,
}

/// Points with their attribute table, in the analysis CRS.
#[derive(Debug, Clone)]
pub struct PointTable {
    /// Attributes as text (coordinate columns included), one row per point.
    pub table: TextTable,
    /// Coordinates in the analysis CRS, one per row.
    pub xy: Vec<(f64, f64)>,
    /// Source CRS label.
    pub source_crs: String,
    /// Rows left out because their coordinates were empty (1-based file lines).
    pub skipped_lines: Vec<u64>,
    /// Each point's 1-based place among all the file's data rows or features, in file order
    /// (skipped ones counted).
    pub file_rows: Vec<usize>,
}

/// Whether a path is read as delimited text rather than through OGR.
pub fn is_delimited_text(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(ext.as_str(), "csv" | "tsv" | "txt" | "tab")
}

/// Reads the points of `path` and moves them into `analysis`.
pub fn read_points(path: &Path, src: &PointSource, analysis: &Crs) -> Result<PointTable> {
    if is_delimited_text(path) {
        read_delimited(path, src, analysis)
    } else {
        read_ogr(path, src, analysis)
    }
}

fn read_delimited(path: &Path, src: &PointSource, analysis: &Crs) -> Result<PointTable> {
    let table = read_table(path, &src.table)?;
    let (Some(xname), Some(yname)) = (src.x, src.y) else {
        return Err(Error::input(
            path,
            "a delimited text file needs `x` and `y` coordinate column names",
        ));
    };
    let column = |name: &str| {
        table.column(name).ok_or_else(|| {
            Error::input(
                path,
                format!(
                    "no coordinate column {name:?}; columns are {:?}",
                    table.headers
                ),
            )
        })
    };
    let (xi, yi) = (column(xname)?, column(yname)?);
    let crs_text = src
        .crs
        .ok_or_else(|| Error::input(path, "the CRS of the coordinates is not given: set `crs`"))?;
    let source = Crs::parse(crs_text).map_err(|m| Error::input(path, format!("crs: {m}")))?;
    let transform = Transformer::new(&source, analysis).map_err(|m| Error::input(path, m))?;
    let mut keep = Vec::with_capacity(table.rows.len());
    let mut xy = Vec::with_capacity(table.rows.len());
    let mut skipped_lines = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let line = table.line_of_row(i).unwrap_or(i as u64 + 2);
        let (xt, yt) = (row[xi].trim(), row[yi].trim());
        if xt.is_empty() || yt.is_empty() {
            skipped_lines.push(line);
            continue;
        }
        let num = |text: &str, name: &str| {
            table.number(text).ok_or_else(|| {
                Error::input(
                    path,
                    format!("line {line}: coordinate {name:?} is {text:?}, not a number"),
                )
            })
        };
        let (x, y) = (num(xt, xname)?, num(yt, yname)?);
        let p = locate(x, y, &source, &transform)
            .map_err(|m| Error::input(path, format!("line {line}: {m}")))?;
        xy.push(p);
        keep.push(i);
    }
    let file_rows = keep.iter().map(|&i| i + 1).collect();
    let mut table = table;
    if keep.len() != table.rows.len() {
        let lines = keep.iter().map(|&i| table.lines[i]).collect();
        let rows = keep
            .iter()
            .map(|&i| std::mem::take(&mut table.rows[i]))
            .collect();
        table.rows = rows;
        table.lines = lines;
    }
    if xy.is_empty() {
        return Err(Error::input(path, "no row has coordinates"));
    }
    Ok(PointTable {
        table,
        xy,
        source_crs: source.label(),
        skipped_lines,
        file_rows,
    })
}

/// Checks and transforms one coordinate pair.
fn locate(
    x: f64,
    y: f64,
    source: &Crs,
    transform: &Transformer,
) -> std::result::Result<(f64, f64), String> {
    if source.is_geographic() && (x.abs() > 180.0 || y.abs() > 90.0) {
        return Err(format!(
            "({x}, {y}) is not a longitude/latitude in {}: are the coordinates projected, or x and y swapped?",
            source.label()
        ));
    }
    transform
        .point(x, y)
        .ok_or_else(|| format!("({x}, {y}) cannot be transformed from {}", source.label()))
}

fn read_ogr(path: &Path, src: &PointSource, analysis: &Crs) -> Result<PointTable> {
    let ds = open_vector(path)?;
    let mut layer = match src.layer {
        Some(name) => ds
            .layer_by_name(name)
            .map_err(|_| Error::input(path, format!("no layer {name:?}")))?,
        None => ds
            .layer(0)
            .map_err(|_| Error::input(path, "the file has no layers"))?,
    };
    let source = match (src.crs, layer.spatial_ref()) {
        (Some(text), _) => Crs::parse(text).map_err(|m| Error::input(path, format!("crs: {m}")))?,
        (None, Some(srs)) => Crs::from_srs(srs).map_err(|m| Error::input(path, m))?,
        (None, None) => return Err(Error::input(path, "the layer has no CRS: set `crs`")),
    };
    let transform = Transformer::new(&source, analysis).map_err(|m| Error::input(path, m))?;
    let headers: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut xy = Vec::new();
    let mut skipped_lines = Vec::new();
    let mut file_rows = Vec::new();
    for (i, feature) in layer.features().enumerate() {
        let id = feature.fid().unwrap_or(i as u64);
        let Some(geom) = feature.geometry().filter(|g| !g.is_empty()) else {
            skipped_lines.push(id);
            continue;
        };
        let name = geom.geometry_name().to_ascii_uppercase();
        if !name.starts_with("POINT") {
            return Err(Error::input(
                path,
                format!("feature {id} is a {name}, not a point"),
            ));
        }
        let (x, y, _) = geom.get_point(0);
        let p = locate(x, y, &source, &transform)
            .map_err(|m| Error::input(path, format!("feature {id}: {m}")))?;
        let row = Row::new((0..headers.len()).map(|f| {
            feature
                .field_as_string(f)
                .ok()
                .flatten()
                .unwrap_or_default()
        }))
        .ok_or_else(|| Error::input(path, format!("feature {id}: attributes over 4 GiB")))?;
        rows.push(row);
        lines.push(id);
        xy.push(p);
        file_rows.push(i + 1);
    }
    if xy.is_empty() {
        return Err(Error::input(path, "no feature has a point geometry"));
    }
    let table = TextTable {
        headers,
        rows,
        lines,
        encoding: "UTF-8",
        delimiter: b',',
        decimal_comma: false,
    };
    Ok(PointTable {
        table,
        xy,
        source_crs: source.label(),
        skipped_lines,
        file_rows,
    })
}
