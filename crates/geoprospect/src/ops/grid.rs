//! `geoprospect grid`: one field of a point file onto a grid, written as a COG.
//!
//! The points are read by [`crate::io::points::read_points`] (delimited text with named
//! coordinate columns, or any OGR point file) and moved into the grid's CRS. The field's cells
//! are read with [`parse_assay`]: values stay in the field's own unit (no conversion to ppm, so
//! `Au_ppb` grids ppb), values below detection become half the detection limit, over-range
//! values their limit, and missing cells drop the point. The grid comes from `--crs`,
//! `--extent` and `--resolution`, or from a reference raster (`--like`). Everything given on
//! the command line is checked before any file is read.
use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::engine::{blocks, Engine};
use crate::error::{Error, Result};
use crate::geochem::censored::{parse_assay, Assay, Substitution};
use crate::geochem::columns::parse_header;
use crate::geochem::gridding::variogram::sig;
use crate::geochem::gridding::{
    Gridder, Method, Samples, VariogramKind, VariogramModel, DEFAULT_IDW_NEIGHBORS,
    DEFAULT_KRIGING_NEIGHBORS,
};
use crate::grid::GridSpec;
use crate::grid::MAX_CELLS;
use crate::io::atomic::AtomicFile;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::crs::Crs;
use crate::io::dataset::{dataset_crs, open_raster};
use crate::io::points::{is_delimited_text, read_points, PointSource};
use crate::table::TableOptions;

/// Everything `geoprospect grid` was asked to do (command-line values, unchecked).
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
    /// Grid CRS.
    pub crs: Option<String>,
    /// Grid extent `xmin,ymin,xmax,ymax`.
    pub extent: Option<String>,
    /// Cell size.
    pub resolution: Option<f64>,
    /// Reference raster giving CRS, extent and cell size.
    pub like: Option<PathBuf>,
    /// `idw`, `nearest` or `kriging`.
    pub method: String,
    /// IDW power (default 2).
    pub power: Option<f64>,
    /// Neighbours (default 12 for IDW, 16 for kriging).
    pub neighbors: Option<usize>,
    /// Search radius in grid CRS units.
    pub radius: Option<f64>,
    /// Kriging variogram `KIND,NUGGET,PARTIAL_SILL,RANGE` (default: fitted).
    pub variogram: Option<String>,
    /// Interpolate log10 values.
    pub log: bool,
    /// Output COG.
    pub out: PathBuf,
    /// COG settings.
    pub cog: CogOptions,
}

/// `geoprospect grid`: grids the request's field and writes the COG block by block on
/// `engine` (whose progress reporter shows the gridding stage); returns a one-paragraph summary.
pub fn run_grid(req: &GridRequest, engine: &Engine) -> Result<String> {
    let method = parse_method(req)?;
    let (crs, grid) = target_grid(req)?;
    let delimited = is_delimited_text(&req.points);
    if delimited && (req.x.is_none() || req.y.is_none()) {
        return Err(Error::param(format!(
            "{}: --x and --y must name the coordinate columns of a delimited text file",
            req.points.display()
        )));
    }
    let atomic = AtomicFile::new(&req.out)?;

    let grid_crs_text = match (&req.crs, &req.like) {
        (Some(text), _) => text.clone(),
        _ => grid.crs_wkt.clone(),
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
    let gridder = Gridder::new(samples, method, req.log).map_err(|e| {
        if e.is_parameter() {
            Error::param(e.to_string())
        } else {
            Error::input(&req.points, format!("field {:?}: {e}", req.field))
        }
    })?;

    let unit = parse_header(&req.field)
        .and_then(|(_, unit, _)| unit)
        .map_or("unspecified", |u| u.as_str());
    let censored = match field.censored {
        0 => "none".to_string(),
        1 => "1 value below detection substituted by half the limit".to_string(),
        n => format!("{n} values below detection substituted by half the limit"),
    };
    let mut items = vec![
        ("GEOPROSPECT_FIELD".to_string(), req.field.clone()),
        ("GEOPROSPECT_UNIT".to_string(), unit.to_string()),
        ("GEOPROSPECT_CENSORED".to_string(), censored.clone()),
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

    let shown_unit = if req.field.to_lowercase().contains(unit) {
        String::new()
    } else {
        format!(" ({unit})")
    };
    let mut s = format!(
        "{}: {}{shown_unit} by {method} from {used} of {rows} points",
        req.out.display(),
        req.field,
    );
    if req.log {
        s.push_str(", interpolated as log10");
    }
    if field.censored > 0 {
        let _ = write!(s, " ({censored})");
    }
    if gridder.merged_duplicates() > 0 {
        let _ = write!(
            s,
            ", {} at repeated coordinates merged into others by averaging",
            count(gridder.merged_duplicates(), "point", "points")
        );
    }
    let _ = write!(
        s,
        ", onto {} x {} cells of size {} in {}",
        grid.width,
        grid.height,
        grid.res,
        crs.label()
    );
    if stats.nodata > 0 {
        let _ = write!(
            s,
            "; {} cells have no sample within the radius (nodata)",
            stats.nodata
        );
    }
    if stats.nodata < stats.cells {
        let _ = write!(s, "; values {} to {}", sig(stats.min), sig(stats.max));
    }
    if let Some(v) = gridder.variogram() {
        let _ = write!(
            s,
            "; variogram {} {}: nugget {}, sill {}, range {}, weighted SSE {}; band 2 holds the \
             kriging variance",
            if v.fitted { "fitted" } else { "given" },
            v.kind().as_str(),
            sig(v.nugget()),
            sig(v.sill()),
            sig(v.range()),
            sig(v.wsse)
        );
    }
    s.push_str(".\n");
    Ok(s)
}

/// `n` and the noun, singular or plural.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The method and its parameters, checked.
pub fn parse_method(req: &GridRequest) -> Result<Method> {
    let name = req.method.trim().to_ascii_lowercase();
    let only = |what: &str, given: bool, methods: &str| {
        if given {
            Err(Error::param(format!(
                "--{what} applies to --method {methods}, not {name}"
            )))
        } else {
            Ok(())
        }
    };
    let method = match name.as_str() {
        "idw" => {
            only("variogram", req.variogram.is_some(), "kriging")?;
            Method::Idw {
                power: req.power.unwrap_or(2.0),
                neighbors: req.neighbors.unwrap_or(DEFAULT_IDW_NEIGHBORS),
                radius: req.radius,
            }
        }
        "nearest" => {
            only("power", req.power.is_some(), "idw")?;
            only("neighbors", req.neighbors.is_some(), "idw or kriging")?;
            only("variogram", req.variogram.is_some(), "kriging")?;
            Method::Nearest { radius: req.radius }
        }
        "kriging" => {
            only("power", req.power.is_some(), "idw")?;
            Method::Kriging {
                neighbors: req.neighbors.unwrap_or(DEFAULT_KRIGING_NEIGHBORS),
                radius: req.radius,
                model: req.variogram.as_deref().map(parse_variogram).transpose()?,
            }
        }
        _ => {
            return Err(Error::param(format!(
                "unknown method {:?}: expected idw, nearest or kriging",
                req.method
            )))
        }
    };
    method
        .validate()
        .map_err(|e| Error::param(format!("--method {name}: {e}")))?;
    Ok(method)
}

/// Reads `KIND,NUGGET,PARTIAL_SILL,RANGE` (`spherical,0.1,1.2,3000`).
pub fn parse_variogram(text: &str) -> Result<VariogramModel> {
    let bad = || {
        Error::param(format!(
            "--variogram must be KIND,NUGGET,PARTIAL_SILL,RANGE with KIND spherical or \
             exponential (e.g. spherical,0.1,1.2,3000), got {text:?}"
        ))
    };
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let [kind, nugget, psill, range] = parts.as_slice() else {
        return Err(bad());
    };
    let kind = match kind.to_ascii_lowercase().as_str() {
        "spherical" | "sph" => VariogramKind::Spherical,
        "exponential" | "exp" => VariogramKind::Exponential,
        _ => return Err(bad()),
    };
    let num = |t: &str| t.parse::<f64>().map_err(|_| bad());
    let model = VariogramModel {
        kind,
        nugget: num(nugget)?,
        partial_sill: num(psill)?,
        range: num(range)?,
    };
    model
        .validate()
        .map_err(|m| Error::param(format!("--variogram {text:?}: {m}")))?;
    Ok(model)
}

/// Reads `xmin,ymin,xmax,ymax`.
pub fn parse_extent(text: &str) -> Result<[f64; 4]> {
    let bad = || {
        Error::param(format!(
            "--extent must be four numbers xmin,ymin,xmax,ymax, got {text:?}"
        ))
    };
    let v: Vec<f64> = text
        .split(',')
        .map(|t| t.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| bad())?;
    match v.as_slice() {
        &[a, b, c, d] if v.iter().all(|x| x.is_finite()) => Ok([a, b, c, d]),
        _ => Err(bad()),
    }
}

/// The grid CRS and grid, from `--like` or from `--crs`, `--extent` and `--resolution`.
fn target_grid(req: &GridRequest) -> Result<(Crs, GridSpec)> {
    if let Some(like) = &req.like {
        if req.crs.is_some() || req.extent.is_some() || req.resolution.is_some() {
            return Err(Error::param(
                "--like takes the CRS, extent and resolution from a raster: leave out --crs, \
                 --extent and --resolution",
            ));
        }
        return like_grid(like);
    }
    let missing: Vec<&str> = [
        ("--crs", req.crs.is_none()),
        ("--extent", req.extent.is_none()),
        ("--resolution", req.resolution.is_none()),
    ]
    .iter()
    .filter(|m| m.1)
    .map(|m| m.0)
    .collect();
    let (Some(crs_text), Some(extent), Some(res)) = (&req.crs, &req.extent, req.resolution) else {
        return Err(Error::param(format!(
            "the grid needs {} (or --like REF.tif)",
            missing.join(", ")
        )));
    };
    let extent = parse_extent(extent)?;
    let crs = Crs::parse(crs_text).map_err(|m| Error::param(format!("--crs: {m}")))?;
    let grid = GridSpec::from_extent(crs.wkt()?, extent, res)?;
    Ok((crs, grid))
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
            format!("--like needs a north-up raster with square cells, got geotransform {gt:?}"),
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
    };
    Ok((crs, grid))
}

/// A field read as numbers.
struct FieldValues {
    values: Vec<f64>,
    censored: usize,
    above: usize,
}

/// Reads the field's cells as assays (half the detection limit for censored values, the limit
/// for over-range values, NaN for missing ones).
fn read_field(path: &Path, field: &str, table: &crate::table::TextTable) -> Result<FieldValues> {
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
        |b, out| {
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

    fn request(method: &str) -> GridRequest {
        GridRequest {
            points: PathBuf::from("p.csv"),
            field: "Mo_ppm".into(),
            x: Some("x".into()),
            y: Some("y".into()),
            points_crs: None,
            layer: None,
            encoding: None,
            crs: Some("EPSG:32648".into()),
            extent: Some("0,0,100,100".into()),
            resolution: Some(10.0),
            like: None,
            method: method.into(),
            power: None,
            neighbors: None,
            radius: None,
            variogram: None,
            log: false,
            out: PathBuf::from("out.tif"),
            cog: CogOptions::default(),
        }
    }

    #[test]
    fn methods_and_defaults() {
        assert_eq!(
            parse_method(&request("IDW")).unwrap(),
            Method::Idw {
                power: 2.0,
                neighbors: 12,
                radius: None
            }
        );
        assert_eq!(
            parse_method(&request("kriging")).unwrap(),
            Method::Kriging {
                neighbors: 16,
                radius: None,
                model: None
            }
        );
        let e = parse_method(&request("spline")).unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown method \"spline\": expected idw, nearest or kriging"
        );
        let mut r = request("idw");
        r.power = Some(-1.0);
        assert_eq!(
            parse_method(&r).unwrap_err().to_string(),
            "--method idw: power must be a positive number, got -1"
        );
        let mut r = request("nearest");
        r.power = Some(2.0);
        assert_eq!(
            parse_method(&r).unwrap_err().to_string(),
            "--power applies to --method idw, not nearest"
        );
        let mut r = request("kriging");
        r.variogram = Some("exponential, 0.5, 2, 1500".into());
        assert!(matches!(
            parse_method(&r).unwrap(),
            Method::Kriging { model: Some(m), .. } if m.range == 1500.0 && m.kind == VariogramKind::Exponential
        ));
    }

    #[test]
    fn extents_and_variograms_are_checked() {
        assert_eq!(
            parse_extent("600000, 4400000,640000,4430000").unwrap(),
            [600000.0, 4400000.0, 640000.0, 4430000.0]
        );
        assert!(parse_extent("1,2,3").is_err());
        assert!(parse_extent("1,2,3,x").is_err());
        assert!(parse_variogram("gaussian,0,1,10").is_err());
        assert!(parse_variogram("spherical,0,1,0")
            .unwrap_err()
            .to_string()
            .contains("range must be a positive number"));
    }

    #[test]
    fn grid_needs_all_three_or_like() {
        let mut r = request("idw");
        r.extent = None;
        r.resolution = None;
        assert_eq!(
            target_grid(&r).unwrap_err().to_string(),
            "the grid needs --extent, --resolution (or --like REF.tif)"
        );
        let mut r = request("idw");
        r.like = Some(PathBuf::from("ref.tif"));
        assert!(target_grid(&r)
            .unwrap_err()
            .to_string()
            .starts_with("--like takes"));
    }
}
