//! `geoprospect grid`: one field of a point file onto a grid, written as a COG.
//!
//! The points are read by [`crate::io::points::read_points`] (delimited text with named
//! coordinate columns, or any OGR point file) and moved into the grid's CRS. The field's cells
//! are read with [`parse_assay`]: values stay in the field's own unit (no conversion to ppm, so
//! `Au_ppb` grids ppb), values below detection become half the detection limit, over-range
//! values their limit, and missing cells drop the point. The grid is a CRS, an extent and a
//! cell size, or the grid of a reference raster ([`GridTarget`]). The method and the grid are
//! checked before the points are read.
use std::path::{Path, PathBuf};

use crate::engine::{blocks, Engine};
use crate::error::{Error, Result};
use crate::geochem::censored::{parse_assay, Assay, Substitution};
use crate::geochem::columns::parse_header;
use crate::geochem::gridding::{FittedVariogram, Gridder, MaxDistance, Method, Reach, Samples};
use crate::grid::GridSpec;
use crate::grid::MAX_CELLS;
use crate::io::area::restrict;
use crate::io::atomic::AtomicFile;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::crs::Crs;
use crate::io::dataset::{dataset_crs, open_raster};
use crate::io::points::{is_delimited_text, read_points, PointSource};
use crate::ops::area::area_file;
use crate::project::AreaSource;
use crate::table::TableOptions;

/// The grid to interpolate onto.
#[derive(Debug, Clone, PartialEq)]
pub enum GridTarget {
    /// A grid in `crs` (EPSG code, WKT or PROJ string) over `extent` (`[xmin, ymin, xmax,
    /// ymax]` in that CRS) with square cells of size `resolution`.
    Spec {
        /// The grid CRS.
        crs: String,
        /// `[xmin, ymin, xmax, ymax]` in the grid CRS.
        extent: [f64; 4],
        /// Cell size in grid CRS units.
        resolution: f64,
    },
    /// The grid (CRS, extent and cell size) of a north-up reference raster with square cells.
    Like(PathBuf),
}

/// Everything `geoprospect grid` is asked to do.
#[derive(Debug, Clone)]
pub struct GridRequest {
    /// Point file: delimited text or any OGR point format.
    pub points: PathBuf,
    /// Field (column) to grid.
    pub field: String,
    /// X column of delimited text.
    pub x: Option<String>,
    /// Y column of delimited text.
    pub y: Option<String>,
    /// CRS of the point coordinates (default: the file's, or the grid's for delimited text).
    pub points_crs: Option<String>,
    /// OGR layer.
    pub layer: Option<String>,
    /// Text encoding of delimited text.
    pub encoding: Option<String>,
    /// The grid.
    pub grid: GridTarget,
    /// The interpolation and its parameters.
    pub method: Method,
    /// Interpolate log10 values.
    pub log: bool,
    /// Study area: cells outside it are nodata.
    pub area: Option<AreaSource>,
    /// Cells farther than this from every sample are nodata.
    pub max_distance: MaxDistance,
    /// Output COG.
    pub out: PathBuf,
    /// COG settings.
    pub cog: CogOptions,
}

/// What `geoprospect grid` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct GridSummary {
    /// The output COG.
    pub out: PathBuf,
    /// The field gridded.
    pub field: String,
    /// The field's unit read from its header (`unspecified` when the header names none).
    pub unit: String,
    /// The interpolation and its parameters.
    pub method: Method,
    /// Points with a value (the samples interpolated).
    pub used: usize,
    /// Points read.
    pub points: usize,
    /// Whether log10 values were interpolated (and the results back-transformed).
    pub log: bool,
    /// Values below detection, substituted by half the detection limit.
    pub censored: usize,
    /// Values above the upper limit, replaced by the limit.
    pub above: usize,
    /// Points at repeated coordinates merged into others by averaging.
    pub merged: usize,
    /// Grid width in cells.
    pub width: usize,
    /// Grid height in cells.
    pub height: usize,
    /// Cell size in grid CRS units.
    pub resolution: f64,
    /// Label of the grid CRS (`EPSG:32648`).
    pub crs: String,
    /// Counts and range of the written values.
    pub stats: GridStats,
    /// Kriging's variogram (fitted or given) with its fit to the experimental one.
    pub variogram: Option<FittedVariogram>,
    /// The maximum distance from the samples that got values.
    pub reach: Reach,
}

/// How values below detection were treated, for the layer's metadata and the summary: `none`,
/// or `N values below detection substituted by half the limit`.
pub fn censored_note(n: usize) -> String {
    match n {
        0 => "none".to_string(),
        1 => "1 value below detection substituted by half the limit".to_string(),
        n => format!("{n} values below detection substituted by half the limit"),
    }
}

/// `geoprospect grid`: grids the request's field and writes the COG block by block on
/// `engine` (whose progress reporter shows the gridding stage); returns what it wrote.
pub fn run_grid(req: &GridRequest, engine: &Engine) -> Result<GridSummary> {
    let method = req.method;
    method
        .validate()
        .map_err(|e| Error::param(format!("{} gridding: {e}", method.name())))?;
    let (crs, grid) = target_grid(&req.grid)?;
    let grid = restrict(grid, &crs, req.area.as_ref().map(area_file).as_ref())?;
    let delimited = is_delimited_text(&req.points);
    if delimited && (req.x.is_none() || req.y.is_none()) {
        return Err(Error::param(format!(
            "{}: the coordinate columns of a delimited text file must be named (x and y)",
            req.points.display()
        )));
    }
    let atomic = AtomicFile::new(&req.out)?;

    let grid_crs_text = match &req.grid {
        GridTarget::Spec { crs, .. } => crs.clone(),
        GridTarget::Like(_) => grid.crs_wkt.clone(),
    };
    let points_crs = match (&req.points_crs, delimited) {
        (Some(text), _) => Some(text.as_str()),
        (None, true) => Some(grid_crs_text.as_str()),
        (None, false) => None,
    };
    let points = read_points(
        &req.points,
        &PointSource {
            x: req.x.as_deref(),
            y: req.y.as_deref(),
            crs: points_crs,
            layer: req.layer.as_deref(),
            table: TableOptions {
                encoding: req.encoding.clone(),
                ..Default::default()
            },
        },
        &crs,
    )?;
    let field = read_field(&req.points, &req.field, &points.table)?;
    let rows = points.xy.len();
    let samples = Samples::new(
        points.xy.iter().map(|p| p.0).collect(),
        points.xy.iter().map(|p| p.1).collect(),
        field.values,
    )
    .map_err(|e| Error::Internal(e.to_string()))?;
    let used = samples.len();
    let gridder = Gridder::new(samples, method, req.log)
        .map_err(|e| {
            if e.is_parameter() {
                Error::param(e.to_string())
            } else {
                Error::input(&req.points, format!("field {:?}: {e}", req.field))
            }
        })?
        .reaching(req.max_distance, grid.res);

    let unit = parse_header(&req.field)
        .and_then(|(_, unit, _)| unit)
        .map_or("unspecified", |u| u.as_str());
    let mut items = vec![
        ("GEOPROSPECT_FIELD".to_string(), req.field.clone()),
        ("GEOPROSPECT_UNIT".to_string(), unit.to_string()),
        (
            "GEOPROSPECT_CENSORED".to_string(),
            censored_note(field.censored),
        ),
        ("GEOPROSPECT_METHOD".to_string(), method.to_string()),
        (
            "GEOPROSPECT_POINTS".to_string(),
            format!("{used} of {rows} points have a value"),
        ),
        (
            "GEOPROSPECT_TRANSFORM".to_string(),
            if req.log {
                "log10 values interpolated, results back-transformed by 10^v".to_string()
            } else {
                "none".to_string()
            },
        ),
    ];
    if field.above > 0 {
        items.push((
            "GEOPROSPECT_OVER_RANGE".to_string(),
            format!(
                "{} above the upper limit replaced by the limit",
                count(field.above, "value", "values")
            ),
        ));
    }
    if let Some(v) = gridder.variogram() {
        items.push(("GEOPROSPECT_VARIOGRAM".to_string(), v.to_string()));
    }
    items.push((
        "GEOPROSPECT_MAX_DISTANCE".to_string(),
        gridder.reach().to_string(),
    ));
    let meta = LayerMeta {
        description: req.field.clone(),
        inputs: vec![req.points.display().to_string()],
        items,
        category_names: Vec::new(),
    };
    let stats = engine.staged(
        &format!("grid {}", req.field),
        blocks(&grid).len() as u64,
        || grid_to_cog(&gridder, &grid, engine, atomic.path(), &meta, &req.cog),
    )?;
    atomic.commit()?;
    Ok(GridSummary {
        out: req.out.clone(),
        field: req.field.clone(),
        unit: unit.to_string(),
        method,
        used,
        points: rows,
        log: req.log,
        censored: field.censored,
        above: field.above,
        merged: gridder.merged_duplicates(),
        width: grid.width,
        height: grid.height,
        resolution: grid.res,
        crs: crs.label(),
        stats,
        variogram: gridder.variogram().cloned(),
        reach: *gridder.reach(),
    })
}

/// `n` and the noun, singular or plural.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The grid CRS and grid of the target.
fn target_grid(target: &GridTarget) -> Result<(Crs, GridSpec)> {
    match target {
        GridTarget::Like(path) => like_grid(path),
        GridTarget::Spec {
            crs,
            extent,
            resolution,
        } => {
            let crs = Crs::parse(crs).map_err(|m| Error::param(format!("grid CRS: {m}")))?;
            let grid = GridSpec::from_extent(crs.wkt()?, *extent, *resolution)?;
            Ok((crs, grid))
        }
    }
}

fn like_grid(path: &Path) -> Result<(Crs, GridSpec)> {
    let ds = open_raster(path)?;
    let crs = dataset_crs(&ds, path)?
        .ok_or_else(|| Error::input(path, "the raster has no CRS to grid in"))?;
    let gt = ds
        .geo_transform()
        .map_err(|e| Error::input(path, format!("no geotransform: {e}")))?;
    let square = gt[1] > 0.0 && (gt[5] + gt[1]).abs() <= 1e-9 * gt[1];
    if gt[2] != 0.0 || gt[4] != 0.0 || !square {
        return Err(Error::input(
            path,
            format!("a reference grid must be north-up with square cells, got geotransform {gt:?}"),
        ));
    }
    let (width, height) = ds.raster_size();
    if width as u64 * height as u64 > MAX_CELLS {
        return Err(Error::input(
            path,
            format!("{width} x {height} cells are more than the limit of {MAX_CELLS}"),
        ));
    }
    let grid = GridSpec {
        crs_wkt: crs.wkt()?,
        x0: gt[0],
        y0: gt[3],
        res: gt[1],
        width,
        height,
        window: None,
        area: None,
    };
    Ok((crs, grid))
}

/// A field read as numbers.
pub(crate) struct FieldValues {
    /// One value a row (NaN: missing).
    pub values: Vec<f64>,
    /// Values below detection, substituted by half the limit.
    pub censored: usize,
    /// Values above the upper limit, replaced by the limit.
    pub above: usize,
}

/// Reads the field's cells as assays (half the detection limit for censored values, the limit
/// for over-range values, NaN for missing ones).
pub(crate) fn read_field(
    path: &Path,
    field: &str,
    table: &crate::table::TextTable,
) -> Result<FieldValues> {
    let col = table.column(field).ok_or_else(|| {
        Error::input(
            path,
            format!("no field {field:?}; columns are {:?}", table.headers),
        )
    })?;
    let substitution = Substitution::default();
    let mut out = FieldValues {
        values: Vec::with_capacity(table.rows.len()),
        censored: 0,
        above: 0,
    };
    for (i, row) in table.rows.iter().enumerate() {
        let text = row.get(col).unwrap_or_default();
        let assay = parse_assay(text, table.decimal_comma).map_err(|e| {
            let line = table.line_of_row(i).unwrap_or(i as u64 + 2);
            Error::input(path, format!("field {field:?}, line {line}: {e}"))
        })?;
        match assay {
            Assay::Censored { .. } => out.censored += 1,
            Assay::Above { .. } => out.above += 1,
            _ => {}
        }
        out.values
            .push(substitution.substitute(assay).unwrap_or(f64::NAN));
    }
    Ok(out)
}

/// Counts of a gridded layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridStats {
    /// Cells of the grid.
    pub cells: usize,
    /// Cells without a value (no sample within the radius).
    pub nodata: usize,
    /// Smallest value (NaN when every cell is nodata).
    pub min: f64,
    /// Largest value (NaN when every cell is nodata).
    pub max: f64,
}

/// Grids the whole of `grid` block by block in parallel through `engine` and writes a COG at
/// `target` (a temporary name: see [`crate::io::atomic`]): Float32, NaN nodata, band 1 the
/// values, and for kriging band 2 the kriging variance; returns counts of the written values.
pub fn grid_to_cog(
    gridder: &Gridder,
    grid: &GridSpec,
    engine: &Engine,
    target: &Path,
    meta: &LayerMeta,
    cog: &CogOptions,
) -> Result<GridStats> {
    let mut metas = vec![meta.clone()];
    if gridder.has_variance() {
        let unit = if gridder.log() {
            "log10 units squared"
        } else {
            "value units squared"
        };
        metas.push(LayerMeta {
            description: format!("{} kriging variance", meta.description),
            items: vec![(
                "GEOPROSPECT_BAND".to_string(),
                format!("ordinary kriging variance ({unit})"),
            )],
            ..Default::default()
        });
    }
    let mut writer = CogWriter::create_bands(grid, target, PixelType::Float32, &metas)?;
    let mut stats = GridStats {
        cells: grid.cells(),
        nodata: 0,
        min: f64::NAN,
        max: f64::NAN,
    };
    engine.for_each_block(
        &blocks(grid),
        |b| Ok(gridder.rows(grid, b.row0, b.rows)),
        |b, mut out| {
            grid.mask_rows(b.row0, &mut out.values, f32::NAN);
            if let Some(var) = &mut out.variance {
                grid.mask_rows(b.row0, var, f32::NAN);
            }
            for &v in &out.values {
                if v.is_nan() {
                    stats.nodata += 1;
                } else {
                    stats.min = stats.min.min(v as f64);
                    stats.max = stats.max.max(v as f64);
                }
            }
            writer.write_band_rows(1, b.row0, out.values)?;
            if let Some(var) = out.variance {
                writer.write_band_rows(2, b.row0, var)?;
            }
            Ok(())
        },
    )?;
    writer.finish(cog, engine)?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method) -> GridRequest {
        GridRequest {
            points: PathBuf::from("p.csv"),
            field: "Mo_ppm".into(),
            x: None,
            y: Some("y".into()),
            points_crs: None,
            layer: None,
            encoding: None,
            grid: GridTarget::Spec {
                crs: "EPSG:32648".into(),
                extent: [0.0, 0.0, 100.0, 100.0],
                resolution: 10.0,
            },
            method,
            log: false,
            area: None,
            max_distance: MaxDistance::Auto,
            out: PathBuf::from("out.tif"),
            cog: CogOptions::default(),
        }
    }

    #[test]
    fn method_grid_and_columns_are_checked_before_reading() {
        let engine = Engine::new(1).unwrap();
        let idw = |power| Method::Idw {
            power,
            neighbors: 12,
            radius: None,
        };
        assert_eq!(
            run_grid(&request(idw(-1.0)), &engine)
                .unwrap_err()
                .to_string(),
            "idw gridding: power must be a positive number, got -1"
        );
        let mut r = request(idw(2.0));
        r.grid = GridTarget::Spec {
            crs: "EPSG:32648".into(),
            extent: [0.0, 0.0, -1.0, 100.0],
            resolution: 10.0,
        };
        assert!(run_grid(&r, &engine)
            .unwrap_err()
            .to_string()
            .contains("empty or inverted"));
        assert_eq!(
            run_grid(&request(idw(2.0)), &engine)
                .unwrap_err()
                .to_string(),
            "p.csv: the coordinate columns of a delimited text file must be named (x and y)"
        );
        assert!(!Path::new("out.tif").exists());
    }

    #[test]
    fn censored_notes() {
        assert_eq!(censored_note(0), "none");
        assert_eq!(
            censored_note(1),
            "1 value below detection substituted by half the limit"
        );
        assert_eq!(
            censored_note(3),
            "3 values below detection substituted by half the limit"
        );
    }
}
