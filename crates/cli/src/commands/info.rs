//! `geoprospect info`: what an input file holds (raster, vector or sample table).
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::ops::info::{
    describe, CoordinateColumn, CrsInfo, FileInfo, RasterInfo, TableInfo, VectorInfo,
};

use super::Outcome;
use crate::args::{help, Columns, Encoding};

/// `geoprospect info`.
#[derive(Debug, Args)]
#[command(
    mut_arg(
        "x",
        help("X column of a sample table (default: guessed from the header)")
    ),
    mut_arg(
        "y",
        help("Y column of a sample table (default: guessed from the header)")
    ),
    mut_arg(
        "encoding",
        help("Text encoding of a sample table (default: detected)")
    )
)]
pub struct InfoArgs {
    /// A raster, vector or delimited-text sample file.
    pub file: PathBuf,
    /// The coordinate columns (`--x`, `--y`).
    #[command(flatten)]
    pub columns: Columns,
    /// The text encoding (`--encoding`).
    #[command(flatten)]
    pub encoding: Encoding,
}

/// Describes the file.
pub fn run(args: InfoArgs) -> Result<Outcome, Error> {
    let info = describe(
        &args.file,
        args.columns.x.as_deref(),
        args.columns.y.as_deref(),
        args.encoding.encoding.as_deref(),
    )?;
    Ok(Outcome::Listing(match &info {
        FileInfo::Table(t) => table(t),
        FileInfo::Raster(r) => raster(r),
        FileInfo::Vector(v) => vector(v),
    }))
}

/// Layout, coordinate ranges, then a table of the element columns.
fn table(t: &TableInfo) -> String {
    let mut out = format!(
        "sample table: {}\nencoding: {}, delimiter {:?}, decimal {}\nrows: {}, columns: {}\n",
        t.path.display(),
        t.encoding,
        t.delimiter,
        if t.decimal_comma { "comma" } else { "point" },
        t.rows,
        t.columns
    );
    for (axis, column) in [("x", &t.x), ("y", &t.y)] {
        out.push_str(&match column {
            Some(CoordinateColumn {
                column,
                min,
                max,
                missing,
            }) => format!(
                "{axis} coordinate: column {column:?}, range {min} .. {max}, {missing} rows \
                 without a value\n"
            ),
            None => format!("{axis} coordinate: no column found (name it with --{axis})\n"),
        });
    }
    out.push_str(&format!("element columns: {}\n", t.elements.len()));
    let row = |cells: [&str; 7]| {
        let [column, element, unit, values, censored, missing, above] = cells;
        format!(
            "  {column:<18} {element:<12} {unit:<6} {values:>7} {censored:>9} {missing:>8} \
             {above:>6}\n"
        )
    };
    out.push_str(&row([
        "column", "element", "unit", "values", "censored", "missing", "above",
    ]));
    for e in &t.elements {
        let element = match &e.oxide {
            Some(ox) => format!("{} ({ox})", e.element),
            None => e.element.clone(),
        };
        out.push_str(&row([
            &e.column,
            &element,
            &e.unit,
            &e.values.to_string(),
            &e.censored.to_string(),
            &e.missing.to_string(),
            &e.above.to_string(),
        ]));
    }
    out
}

/// Driver, size, CRS, extent and cell size, then one line per band.
fn raster(r: &RasterInfo) -> String {
    let mut out = format!(
        "raster: {}\ndriver: {}\nsize: {} x {}, {} band(s)\n",
        r.path.display(),
        r.driver,
        r.width,
        r.height,
        r.bands.len()
    );
    out.push_str(&match &r.crs {
        CrsInfo::Known(label) => format!("crs: {label}\n"),
        CrsInfo::Missing => "crs: none (set `crs` in the project)\n".to_string(),
        CrsInfo::Unusable(why) => format!("crs: unusable: {why}\n"),
    });
    match (r.extent, r.cell_size) {
        (Some([xmin, ymin, xmax, ymax]), Some([dx, dy])) => out.push_str(&format!(
            "extent: [{xmin}, {ymin}, {xmax}, {ymax}]\ncell size: {dx} x {dy}\n"
        )),
        _ => out.push_str("extent: none (no geotransform)\n"),
    }
    for (i, band) in r.bands.iter().enumerate() {
        let description = match band.description.as_str() {
            "" => String::new(),
            d => format!(" \"{d}\""),
        };
        let nodata = band.nodata.map_or("none".to_string(), |v| v.to_string());
        out.push_str(&format!(
            "band {}: {}{description} nodata={nodata} scale={} offset={}\n",
            i + 1,
            band.data_type,
            band.scale,
            band.offset
        ));
    }
    out
}

/// Driver, then each layer: features, geometry, CRS, extent and attributes.
fn vector(v: &VectorInfo) -> String {
    let mut out = format!("vector: {}\ndriver: {}\n", v.path.display(), v.driver);
    for layer in &v.layers {
        let crs = match &layer.crs {
            CrsInfo::Known(label) => label.as_str(),
            CrsInfo::Missing => "none",
            CrsInfo::Unusable(why) => why.as_str(),
        };
        let extent = layer.extent.map_or("empty".to_string(), |[a, b, c, d]| {
            format!("[{a}, {b}, {c}, {d}]")
        });
        out.push_str(&format!(
            "layer {:?}: {} feature(s), geometry {}, crs {crs}\n  extent: {extent}\n  \
             attributes: {}\n",
            layer.name,
            layer.features,
            layer.geometry,
            layer.attributes.join(", ")
        ));
    }
    out
}
