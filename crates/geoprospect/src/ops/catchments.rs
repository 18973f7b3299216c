//! `geoprospect catchments`: stream-sediment samples as the drainage basins upstream of them.
//!
//! A stream-sediment sample describes the rocks of its catchment, not the point where it was
//! taken (Bonham-Carter & Goodfellow 1986, *J. Geochem. Explor.* 25:139–155; Hawkes 1976,
//! *J. Geochem. Explor.* 6:345–358; Moon 1999). The DEM is conditioned in memory
//! ([`crate::hydrology`]: Priority-Flood filling, drainage over flats, D8 directions, flow
//! accumulation), each sample moves to the highest-accumulation cell within the snap distance,
//! and every cell takes the first sample downstream of it (nested catchments). The outputs:
//! - the labels (Int32): the 1-based data-row number of the sample in its file, 0 where no
//!   sample drains the cell, nodata where the DEM has none;
//! - the values (Float32): that sample's value over its catchment (values below detection as
//!   half the limit, as everywhere), NaN where no sample drains; with `productivity`, band 2 is
//!   Hawkes's (1976) productivity `(C − C_background) · A`, ppm (or the field's unit) times km²;
//! - RFC 7946 GeoJSON of the catchment polygons with the sample, its value, anomaly class
//!   (median + 2 MAD of log values and the highest C–A breakpoint of the catchment map, as
//!   `geoprospect anomalies`), area and productivity.
//!
//! A DEM (or the `--like` grid it is warped onto) of more than
//! [`MAX_DEM_CELLS`](crate::hydrology::MAX_DEM_CELLS) cells is refused before it is read; so is a
//! DEM in geographic coordinates, whose cells are not square on the ground.
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::geochem::anomaly::{thresholds, Thresholds};
use crate::grid::RasterKind;
use crate::io::atomic::AtomicFile;
use crate::io::cog::{CogOptions, LayerMeta};
use crate::io::geojson::{number, FeatureCollectionWriter};
use crate::io::points::{is_delimited_text, read_points, PointSource};
use crate::io::raster::{ingest_raster, RasterInput};
use crate::ops::drainage::{
    common_properties, data_rows, dem_grid, write_features, write_labels, write_values, Drainage,
};
use crate::ops::grid::read_field;
use crate::table::TableOptions;

/// Everything `geoprospect catchments` is asked to do.
#[derive(Debug, Clone)]
pub struct CatchmentRequest {
    /// The DEM (any raster GDAL reads, in a projected CRS unless `like` is given).
    pub dem: PathBuf,
    /// Point file of the samples: delimited text or any OGR point format.
    pub samples: PathBuf,
    /// X column of delimited text.
    pub x: Option<String>,
    /// Y column of delimited text.
    pub y: Option<String>,
    /// CRS of the sample coordinates (default: the file's, or the DEM's for delimited text).
    pub points_crs: Option<String>,
    /// OGR layer.
    pub layer: Option<String>,
    /// Text encoding of delimited text.
    pub encoding: Option<String>,
    /// The field whose values the catchments take.
    pub field: String,
    /// A column naming each sample in the GeoJSON (default: its data-row number).
    pub id: Option<String>,
    /// Snap distance in metres (default [`crate::ops::drainage::DEFAULT_SNAP_M`], at least [`MIN_SNAP_CELLS`](crate::ops::drainage::MIN_SNAP_CELLS) cells).
    pub snap: Option<f64>,
    /// Compute on this raster's grid: the DEM is warped onto it (bilinear) first.
    pub like: Option<PathBuf>,
    /// Output labels (Int32 COG).
    pub labels: PathBuf,
    /// Output values (Float32 COG).
    pub out: PathBuf,
    /// Output catchment polygons (GeoJSON).
    pub geojson: PathBuf,
    /// Add Hawkes's productivity as band 2 and a property.
    pub productivity: bool,
    /// Background for the productivity (default: the median of the samples' values).
    pub background: Option<f64>,
    /// COG settings.
    pub cog: CogOptions,
}

/// What `geoprospect catchments` wrote.
#[derive(Debug, Clone)]
pub struct CatchmentSummary {
    /// Grid width and height in cells.
    pub size: (usize, usize),
    /// Cell size in metres.
    pub cell_m: f64,
    /// Snap distance used, metres.
    pub snap_m: f64,
    /// Samples read.
    pub samples: usize,
    /// Samples with a catchment of at least one cell.
    pub with_catchment: usize,
    /// Samples moved by snapping.
    pub snapped: usize,
    /// Data rows of samples off the DEM or with no valid cell within the snap distance.
    pub off_dem: Vec<usize>,
    /// Data rows of samples that snapped to a cell an earlier sample took, with that sample's.
    pub shared: Vec<(usize, usize)>,
    /// Samples without a value in the field (their catchments are nodata in the values).
    pub missing: usize,
    /// Values below detection, substituted by half the limit.
    pub censored: usize,
    /// Valid DEM cells, and those some sample drains.
    pub cells: (u64, u64),
    /// Distribution thresholds of the samples' values.
    pub thresholds: Thresholds,
    /// The productivity's background, when asked for.
    pub background: Option<f64>,
    /// Catchments per anomaly class: background, anomalous, strongly anomalous.
    pub classes: [usize; 3],
}

/// `geoprospect catchments`: writes the labels, values and polygons; returns what it did.
pub fn run_catchments(req: &CatchmentRequest, engine: &Engine) -> Result<CatchmentSummary> {
    check_outputs(req)?;
    if let Some(b) = req.background {
        if !req.productivity {
            return Err(Error::param(
                "--background is the productivity's background: give --productivity too",
            ));
        }
        if !b.is_finite() {
            return Err(Error::param(format!(
                "--background must be a number, got {b}"
            )));
        }
    }
    let (grid, crs) = dem_grid(req.like.as_deref().unwrap_or(&req.dem))?;
    let delimited = is_delimited_text(&req.samples);
    if delimited && (req.x.is_none() || req.y.is_none()) {
        return Err(Error::param(format!(
            "{}: the coordinate columns of a delimited text file must be named (--x and --y)",
            req.samples.display()
        )));
    }
    let points_crs = match (&req.points_crs, delimited) {
        (Some(text), _) => Some(text.clone()),
        (None, true) => Some(grid.crs_wkt.clone()),
        (None, false) => None,
    };
    let points = read_points(
        &req.samples,
        &PointSource {
            x: req.x.as_deref(),
            y: req.y.as_deref(),
            crs: points_crs.as_deref(),
            layer: req.layer.as_deref(),
            table: TableOptions {
                encoding: req.encoding.clone(),
                ..Default::default()
            },
        },
        &crs,
    )?;
    let field = read_field(&req.samples, &req.field, &points.table)?;
    let rows = data_rows(&points, &req.samples)?;
    let names = sample_names(req, &points.table, &rows)?;

    let drainage = engine.staged("condition the dem", 0, || match &req.like {
        None => Drainage::read(&req.dem, &grid, &crs, &req.dem),
        Some(_) => {
            let scratch = scratch_dir(&req.out)?;
            let warped = scratch.path().join("dem.tif");
            ingest_raster(
                &RasterInput {
                    path: &req.dem,
                    name: "dem",
                    band: 1,
                    crs: None,
                    nodata: None,
                    resampling: None,
                    kind: RasterKind::Continuous,
                },
                &grid,
                &crs,
                engine,
                &warped,
                &CogOptions::default(),
            )?;
            Drainage::read(&warped, &grid, &crs, &req.dem)
        }
    })?;
    let snap_m = drainage.snap_m(req.snap)?;
    let basins = drainage.basins(&points.xy, snap_m);
    if basins.outlets.iter().all(Option::is_none) {
        return Err(Error::input(
            &req.samples,
            format!(
                "none of the {} samples lies on the dem's valid cells (within {snap_m} m): are \
                 their coordinates in {}? (--points-crs)",
                points.xy.len(),
                points.source_crs
            ),
        ));
    }

    let values = &field.values;
    let t = thresholds(values);
    let background = match (req.productivity, req.background) {
        (false, _) => None,
        (true, Some(b)) => Some(b),
        (true, None) => Some(t.median),
    };
    let classifier = basins.classifier(values);
    let productivity = background.map(|b| basins.productivity(values, b, drainage.cell_km2()));

    let labels_file = AtomicFile::new(&req.labels)?;
    let values_file = AtomicFile::new(&req.out)?;
    let geojson_file = AtomicFile::new(&req.geojson)?;
    let items = vec![
        (
            "GEOPROSPECT_CATCHMENTS".to_string(),
            format!(
                "nested sample catchments: Priority-Flood filled dem with flats drained (Barnes \
                 et al. 2014), D8 directions, samples snapped to the highest flow accumulation \
                 within {snap_m} m"
            ),
        ),
        ("GEOPROSPECT_FIELD".to_string(), req.field.clone()),
    ];
    let inputs = vec![
        req.dem.display().to_string(),
        req.samples.display().to_string(),
    ];
    write_labels(
        &basins,
        &grid,
        &rows,
        &LayerMeta {
            description: format!(
                "sample catchments (data rows of {})",
                file_name(&req.samples)
            ),
            inputs: inputs.clone(),
            items: items.clone(),
            category_names: Vec::new(),
        },
        labels_file.path(),
        engine,
        &req.cog,
    )?;
    let mut metas = vec![LayerMeta {
        description: format!("{} of the sample draining each cell", req.field),
        inputs,
        items,
        category_names: Vec::new(),
    }];
    let mut bands = vec![values.as_slice()];
    if let Some(p) = &productivity {
        metas.push(LayerMeta {
            description: format!("{} productivity", req.field),
            items: vec![(
                "GEOPROSPECT_BAND".into(),
                "Hawkes (1976) productivity (C - C_background) x catchment area, value unit x km2"
                    .into(),
            )],
            ..Default::default()
        });
        bands.push(p);
    }
    write_values(
        &basins,
        &grid,
        &bands,
        &metas,
        values_file.path(),
        engine,
        &req.cog,
    )?;

    let mut classes = [0usize; 3];
    let mut w = FeatureCollectionWriter::create(geojson_file.path())?;
    let scratch = req
        .geojson
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    write_features(
        &mut w,
        &drainage,
        &basins,
        &crs,
        &points.xy,
        scratch,
        &req.geojson,
        |f| {
            let k = f.sample;
            let class = classifier.classify(values[k]);
            if let Some(c) = class {
                classes[c as usize] += 1;
            }
            let mut props = vec![
                ("sample".to_string(), Value::from(names[k].as_str())),
                ("row".into(), Value::from(rows[k])),
                ("field".into(), Value::from(req.field.as_str())),
                ("value".into(), number(values[k])),
                (
                    "class".into(),
                    class.map_or(Value::Null, |c| Value::from(c.as_str())),
                ),
            ];
            props.extend(common_properties(f));
            if let (Some(b), Some(p)) = (background, &productivity) {
                props.push(("background".into(), number(b)));
                props.push((
                    "productivity".into(),
                    number(crate::ops::drainage::round(p[k], 6)),
                ));
            }
            props
        },
    )?;
    w.finish()?;
    labels_file.commit()?;
    values_file.commit()?;
    geojson_file.commit()?;

    let mut off_dem = Vec::new();
    let mut shared = Vec::new();
    let mut owner = std::collections::BTreeMap::new();
    for (k, o) in basins.outlets.iter().enumerate() {
        match o {
            None => off_dem.push(rows[k]),
            Some(i) => match owner.get(i) {
                Some(&first) => shared.push((rows[k], first)),
                None => {
                    owner.insert(*i, rows[k]);
                }
            },
        }
    }
    Ok(CatchmentSummary {
        size: (grid.width, grid.height),
        cell_m: drainage.cell_m(),
        snap_m,
        samples: values.len(),
        with_catchment: basins.with_catchment(),
        snapped: basins.snapped(&grid, &points.xy),
        off_dem,
        shared,
        missing: values.iter().filter(|v| v.is_nan()).count(),
        censored: field.censored,
        cells: (drainage.valid_cells(), basins.cells.iter().sum()),
        thresholds: t,
        background,
        classes,
    })
}

/// The outputs must be three different files, none of them an input (however the paths are
/// spelled: `./x.tif` and `x.tif` are one file).
fn check_outputs(req: &CatchmentRequest) -> Result<()> {
    let outs = [&req.labels, &req.out, &req.geojson];
    let keys: Vec<PathBuf> = outs.iter().map(|p| normalised(p)).collect();
    let inputs: Vec<PathBuf> = [Some(&req.dem), Some(&req.samples), req.like.as_ref()]
        .into_iter()
        .flatten()
        .map(|p| normalised(p))
        .collect();
    for (i, a) in keys.iter().enumerate() {
        if keys[i + 1..].contains(a) {
            return Err(Error::param(format!(
                "{}: the labels, values and polygons need three different files",
                outs[i].display()
            )));
        }
        if inputs.contains(a) {
            return Err(Error::param(format!(
                "{}: an output would overwrite an input",
                outs[i].display()
            )));
        }
    }
    Ok(())
}

/// A path as the file system resolves it: the file's canonical path when it exists, else its
/// folder's joined with its name (the path itself when neither resolves).
fn normalised(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Each sample's name: the `id` column's text, else its data-row number.
fn sample_names(
    req: &CatchmentRequest,
    table: &crate::table::TextTable,
    rows: &[usize],
) -> Result<Vec<String>> {
    let Some(col) = &req.id else {
        return Ok(rows.iter().map(|r| r.to_string()).collect());
    };
    let c = table.column(col).ok_or_else(|| {
        Error::input(
            &req.samples,
            format!("no id column {col:?}; columns are {:?}", table.headers),
        )
    })?;
    Ok(table
        .rows
        .iter()
        .map(|r| r.get(c).unwrap_or_default().trim().to_string())
        .collect())
}

/// A scratch folder beside `out`, removed when dropped.
fn scratch_dir(out: &Path) -> Result<tempfile::TempDir> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tempfile::Builder::new()
        .prefix(".geoprospect-catchments-")
        .tempdir_in(parent)
        .map_err(|e| Error::output(parent, format!("cannot make a scratch folder: {e}")))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
