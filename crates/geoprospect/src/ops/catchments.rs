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

use crate::engine::{blocks, Engine};
use crate::error::{Error, Result};
use crate::geochem::anomaly::{ca_thresholds, thresholds, Classifier, Thresholds};
use crate::grid::{GridSpec, RasterKind, CLASS_NODATA};
use crate::hydrology::{
    condition, label_catchments, snap_to_stream, Accumulation, FlowGrid, MAX_DEM_CELLS, NODATA,
};
use crate::io::atomic::AtomicFile;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::crs::{Crs, Transformer};
use crate::io::geojson::{lonlat_geometry, number, FeatureCollectionWriter};
use crate::io::layer::{grid_of, GridLayer};
use crate::io::points::{is_delimited_text, read_points, PointSource, PointTable};
use crate::io::polygonize::{polygonize, MEM_CELLS};
use crate::io::raster::{ingest_raster, RasterInput};
use crate::ops::grid::read_field;
use crate::table::TableOptions;

/// Snap distance when none is given, metres (at least [`MIN_SNAP_CELLS`] cells).
pub const DEFAULT_SNAP_M: f64 = 100.0;

/// The default snap distance reaches at least the eight neighbours of the sample's cell.
pub const MIN_SNAP_CELLS: f64 = 1.5;

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
    /// Snap distance in metres (default [`DEFAULT_SNAP_M`], at least [`MIN_SNAP_CELLS`] cells).
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

/// A DEM conditioned on its grid: flow directions and accumulation.
pub struct Drainage {
    grid: GridSpec,
    flow: FlowGrid,
    acc: Accumulation,
    metres_per_unit: f64,
}

/// Sample catchments on a [`Drainage`].
#[derive(Debug, Clone)]
pub struct SampleBasins {
    /// Per cell: `k + 1` for sample `k`, 0 where none drains, [`CLASS_NODATA`] off the DEM.
    pub labels: Vec<i32>,
    /// Per sample: its snapped cell.
    pub outlets: Vec<Option<usize>>,
    /// Per sample: cells of its catchment.
    pub cells: Vec<u64>,
}

impl Drainage {
    /// Reads and conditions the DEM at `path`, which must be on `grid` (see [`dem_grid`]).
    pub fn read(path: &Path, grid: &GridSpec, metres_per_unit: f64) -> Result<Drainage> {
        let layer = GridLayer::open(path, grid)?;
        let dem = layer.read_rows(0, grid.height)?;
        if dem.iter().all(|v| v.is_nan()) {
            return Err(Error::input(path, "the dem has no valid cell on the grid"));
        }
        let (flow, acc) = condition(&dem, grid.width, grid.height)
            .map_err(|e| Error::input(path, e.to_string()))?;
        Ok(Drainage {
            grid: grid.clone(),
            flow,
            acc,
            metres_per_unit,
        })
    }

    /// Cell side in metres.
    pub fn cell_m(&self) -> f64 {
        self.grid.res * self.metres_per_unit
    }

    /// The snap distance in metres: `snap`, or [`DEFAULT_SNAP_M`] and at least
    /// [`MIN_SNAP_CELLS`] cells.
    pub fn snap_m(&self, snap: Option<f64>) -> Result<f64> {
        match snap {
            Some(s) if s.is_finite() && s >= 0.0 => Ok(s),
            Some(s) => Err(Error::param(format!(
                "snap distance must be 0 or more metres, got {s}"
            ))),
            None => Ok(DEFAULT_SNAP_M.max(MIN_SNAP_CELLS * self.cell_m())),
        }
    }

    /// Snaps the samples at `xy` (grid CRS) within `snap_m` metres and labels their catchments.
    pub fn basins(&self, xy: &[(f64, f64)], snap_m: f64) -> SampleBasins {
        let g = &self.grid;
        let radius = snap_m / self.cell_m();
        let outlets: Vec<Option<usize>> = xy
            .iter()
            .map(|&(x, y)| {
                let (row, col) = ((g.y0 - y) / g.res, (x - g.x0) / g.res);
                snap_to_stream(&self.acc, g.width, g.height, row, col, radius)
            })
            .collect();
        let c = label_catchments(&self.flow, &self.acc, &outlets);
        let mut labels = c.labels;
        for (l, &d) in labels.iter_mut().zip(&self.flow.dirs) {
            if d == NODATA {
                *l = CLASS_NODATA;
            }
        }
        SampleBasins {
            labels,
            outlets,
            cells: c.cells,
        }
    }

    /// Cells with a valid elevation.
    pub fn valid_cells(&self) -> u64 {
        self.flow.dirs.iter().filter(|&&d| d != NODATA).count() as u64
    }

    /// The grid.
    pub fn grid(&self) -> &GridSpec {
        &self.grid
    }

    /// Area of one cell in km².
    pub fn cell_km2(&self) -> f64 {
        (self.cell_m() / 1000.0).powi(2)
    }
}

/// The grid catchments are computed on: the DEM's own, or `like`'s; refused when it has more
/// than [`MAX_DEM_CELLS`] cells or is geographic, before any cell is read.
pub fn dem_grid(dem: &Path, like: Option<&Path>) -> Result<(GridSpec, Crs)> {
    let on = like.unwrap_or(dem);
    let (grid, crs) = grid_of(on)?;
    let cells = grid.width as u64 * grid.height as u64;
    if cells > MAX_DEM_CELLS as u64 {
        return Err(Error::input(
            on,
            format!(
                "{} x {} = {cells} cells are more than the {MAX_DEM_CELLS} (10^8) a dem is \
                 conditioned on in memory: crop it (gdal_translate -projwin) or use a coarser grid",
                grid.width, grid.height
            ),
        ));
    }
    if crs.is_geographic() {
        return Err(Error::input(
            on,
            format!(
                "the grid is in geographic coordinates ({}): flow directions need square cells \
                 on the ground; reproject the dem (gdalwarp -t_srs) or give a projected grid",
                crs.label()
            ),
        ));
    }
    Ok((grid, crs))
}

/// `geoprospect catchments`: writes the labels, values and polygons; returns what it did.
pub fn run_catchments(req: &CatchmentRequest, engine: &Engine) -> Result<CatchmentSummary> {
    check_outputs(req)?;
    if let Some(b) = req.background {
        if !b.is_finite() {
            return Err(Error::param(format!(
                "--background must be a number, got {b}"
            )));
        }
    }
    let (grid, crs) = dem_grid(&req.dem, req.like.as_deref())?;
    let delimited = is_delimited_text(&req.samples);
    if delimited && (req.x.is_none() || req.y.is_none()) {
        return Err(Error::param(format!(
            "{}: the coordinate columns of a delimited text file must be named (--x and --y)",
            req.samples.display()
        )));
    }
    let grid_wkt = grid.crs_wkt.clone();
    let points_crs = match (&req.points_crs, delimited) {
        (Some(text), _) => Some(text.as_str()),
        (None, true) => Some(grid_wkt.as_str()),
        (None, false) => None,
    };
    let points = read_points(
        &req.samples,
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
    let field = read_field(&req.samples, &req.field, &points.table)?;
    let ids = sample_ids(req, &points)?;

    let drainage = engine.staged("condition the dem", 0, || match &req.like {
        None => Drainage::read(&req.dem, &grid, crs.metres_per_unit()),
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
            Drainage::read(&warped, &grid, crs.metres_per_unit()).map_err(|_| {
                Error::input(
                    &req.dem,
                    "the dem has no valid cell on the --like grid (do they overlap?)",
                )
            })
        }
    })?;
    let snap_m = drainage.snap_m(req.snap)?;
    let basins = drainage.basins(&points.xy, snap_m);

    let values = &field.values;
    let t = thresholds(values);
    let background = match (req.productivity, req.background) {
        (false, _) => None,
        (true, Some(b)) => Some(b),
        (true, None) => Some(t.median),
    };
    let per_cell: Vec<f32> = basins.labels.iter().map(|&l| value_of(l, values)).collect();
    let classifier = Classifier::new(&t, &ca_thresholds(&per_cell));
    let km2 = drainage.cell_km2();
    let productivity: Vec<f64> = (0..values.len())
        .map(|k| match background {
            Some(b) => (values[k] - b) * basins.cells[k] as f64 * km2,
            None => f64::NAN,
        })
        .collect();

    let labels_file = AtomicFile::new(&req.labels)?;
    let values_file = AtomicFile::new(&req.out)?;
    let geojson_file = AtomicFile::new(&req.geojson)?;
    let rows = &ids.rows;
    write_labels(
        &drainage,
        &basins,
        rows,
        req,
        labels_file.path(),
        engine,
        snap_m,
    )?;
    write_values(
        &drainage,
        &basins,
        values,
        background.map(|_| productivity.as_slice()),
        req,
        values_file.path(),
        engine,
        snap_m,
    )?;
    let mut classes = [0usize; 3];
    let scratch = req
        .geojson
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut outlines = polygonize(
        drainage.grid(),
        |row0, out| {
            let w = drainage.grid().width;
            for (o, &l) in out.iter_mut().zip(&basins.labels[row0 * w..]) {
                *o = if l > 0 {
                    rows[l as usize - 1] as i32
                } else {
                    0
                };
            }
        },
        scratch,
        MEM_CELLS,
    )?;
    let to_lonlat = Transformer::to_wgs84(&crs)?;
    let mut w = FeatureCollectionWriter::create(geojson_file.path())?;
    for (k, &cells) in basins.cells.iter().enumerate() {
        if cells == 0 {
            continue;
        }
        let Some(polygons) = outlines.remove(&(rows[k] as i32)) else {
            return Err(Error::Internal(format!(
                "{}: polygonize gave no outline for sample row {}",
                req.geojson.display(),
                rows[k]
            )));
        };
        let geometry = lonlat_geometry(&polygons, &to_lonlat, grid.res, &req.geojson)?;
        let class = classifier.classify(values[k]);
        if let Some(c) = class {
            classes[c as usize] += 1;
        }
        let outlet = basins.outlets[k]
            .map(|i| grid.cell_centre(i / grid.width, i % grid.width))
            .and_then(|(x, y)| to_lonlat.point(x, y));
        let (x, y) = points.xy[k];
        let moved = basins.outlets[k].map(|i| {
            let (cx, cy) = grid.cell_centre(i / grid.width, i % grid.width);
            (cx - x).hypot(cy - y) * crs.metres_per_unit()
        });
        let mut props = vec![
            ("sample".to_string(), Value::from(ids.names[k].as_str())),
            ("row".into(), Value::from(rows[k])),
            ("field".into(), Value::from(req.field.as_str())),
            ("value".into(), number(values[k])),
            (
                "class".into(),
                class.map_or(Value::Null, |c| Value::from(c.as_str())),
            ),
            ("area_km2".into(), number(round(cells as f64 * km2, 6))),
            ("cells".into(), Value::from(cells)),
            (
                "outlet_lon".into(),
                number(outlet.map_or(f64::NAN, |p| round(p.0, 7))),
            ),
            (
                "outlet_lat".into(),
                number(outlet.map_or(f64::NAN, |p| round(p.1, 7))),
            ),
            (
                "snapped_m".into(),
                number(moved.map_or(f64::NAN, |m| round(m, 2))),
            ),
        ];
        if let Some(b) = background {
            props.push(("background".into(), number(b)));
            props.push(("productivity".into(), number(round(productivity[k], 6))));
        }
        w.write(Some(&geometry), &props)?;
    }
    w.finish()?;
    labels_file.commit()?;
    values_file.commit()?;
    geojson_file.commit()?;

    let mut off_dem = Vec::new();
    let mut shared = Vec::new();
    let mut owner = std::collections::HashMap::new();
    for (k, o) in basins.outlets.iter().enumerate() {
        match o {
            None => off_dem.push(rows[k]),
            Some(i) => {
                if let Some(&first) = owner.get(i) {
                    shared.push((rows[k], first));
                } else {
                    owner.insert(*i, rows[k]);
                }
            }
        }
    }
    let snapped = basins
        .outlets
        .iter()
        .zip(&points.xy)
        .filter(|(o, &(x, y))| {
            o.is_some_and(|i| grid.cell_of(x, y) != Some((i / grid.width, i % grid.width)))
        })
        .count();
    Ok(CatchmentSummary {
        size: (grid.width, grid.height),
        cell_m: drainage.cell_m(),
        snap_m,
        samples: values.len(),
        with_catchment: basins.cells.iter().filter(|&&c| c > 0).count(),
        snapped,
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

/// The value a cell of label `l` takes: its sample's, NaN where none.
fn value_of(l: i32, values: &[f64]) -> f32 {
    if l > 0 {
        values[l as usize - 1] as f32
    } else {
        f32::NAN
    }
}

fn round(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// The outputs must be three different files.
fn check_outputs(req: &CatchmentRequest) -> Result<()> {
    let outs = [&req.labels, &req.out, &req.geojson];
    for (i, a) in outs.iter().enumerate() {
        for b in &outs[i + 1..] {
            if a == b {
                return Err(Error::param(format!(
                    "{}: the labels, values and polygons need three different files",
                    a.display()
                )));
            }
        }
        if *a == &req.dem || *a == &req.samples || req.like.as_ref() == Some(*a) {
            return Err(Error::param(format!(
                "{}: an output would overwrite an input",
                a.display()
            )));
        }
    }
    Ok(())
}

/// Each sample's 1-based data-row number in its file and its name.
struct SampleIds {
    rows: Vec<usize>,
    names: Vec<String>,
}

/// Data-row numbers count the rows skipped for empty coordinates too: a row's number is its
/// place among all rows (kept and skipped, by their lines or feature ids in the file).
fn sample_ids(req: &CatchmentRequest, points: &PointTable) -> Result<SampleIds> {
    let lines = &points.table.lines;
    let mut rows = Vec::with_capacity(lines.len());
    let mut skipped = points.skipped_lines.clone();
    skipped.sort_unstable();
    let mut s = 0;
    for (i, line) in lines.iter().enumerate() {
        while s < skipped.len() && skipped[s] < *line {
            s += 1;
        }
        rows.push(i + s + 1);
    }
    if rows.last().is_some_and(|&r| r > i32::MAX as usize) {
        return Err(Error::input(
            &req.samples,
            format!("more than {} samples", i32::MAX),
        ));
    }
    let names = match &req.id {
        None => rows.iter().map(|r| r.to_string()).collect(),
        Some(col) => {
            let c = points.table.column(col).ok_or_else(|| {
                Error::input(
                    &req.samples,
                    format!(
                        "no id column {col:?}; columns are {:?}",
                        points.table.headers
                    ),
                )
            })?;
            points
                .table
                .rows
                .iter()
                .map(|r| r.get(c).unwrap_or_default().trim().to_string())
                .collect()
        }
    };
    Ok(SampleIds { rows, names })
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

fn provenance(req: &CatchmentRequest, drainage: &Drainage, snap_m: f64) -> Vec<(String, String)> {
    vec![
        (
            "GEOPROSPECT_CATCHMENTS".into(),
            format!(
                "nested sample catchments: Priority-Flood filled dem, flats drained (Barnes et al. \
                 2014), D8 directions, samples snapped to the highest accumulation within {snap_m} m"
            ),
        ),
        ("GEOPROSPECT_FIELD".into(), req.field.clone()),
        (
            "GEOPROSPECT_CELL".into(),
            format!("{} m", drainage.cell_m()),
        ),
    ]
}

/// Writes the labels: data-row numbers of the samples, 0 where none drains.
fn write_labels(
    drainage: &Drainage,
    basins: &SampleBasins,
    rows: &[usize],
    req: &CatchmentRequest,
    tmp: &Path,
    engine: &Engine,
    snap_m: f64,
) -> Result<()> {
    let grid = drainage.grid();
    let meta = LayerMeta {
        description: format!(
            "catchment of sample (data row of {})",
            file_name(&req.samples)
        ),
        inputs: vec![
            req.dem.display().to_string(),
            req.samples.display().to_string(),
        ],
        items: provenance(req, drainage, snap_m),
        category_names: Vec::new(),
    };
    let mut writer = CogWriter::create(grid, tmp, PixelType::Int32, &meta)?;
    let w = grid.width;
    writer.write_blocks(
        engine,
        "catchment labels",
        &blocks(grid),
        |b| {
            Ok(basins.labels[b.row0 * w..(b.row0 + b.rows) * w]
                .iter()
                .map(|&l| {
                    if l > 0 {
                        rows[l as usize - 1] as i32
                    } else {
                        l
                    }
                })
                .collect())
        },
        |_, _| {},
    )?;
    writer.finish(&req.cog, engine)
}

/// Writes the values (band 1) and, when asked, the productivity (band 2).
#[allow(clippy::too_many_arguments)]
fn write_values(
    drainage: &Drainage,
    basins: &SampleBasins,
    values: &[f64],
    productivity: Option<&[f64]>,
    req: &CatchmentRequest,
    tmp: &Path,
    engine: &Engine,
    snap_m: f64,
) -> Result<()> {
    let grid = drainage.grid();
    let mut metas = vec![LayerMeta {
        description: format!("{} of the sample draining each cell", req.field),
        inputs: vec![
            req.dem.display().to_string(),
            req.samples.display().to_string(),
        ],
        items: provenance(req, drainage, snap_m),
        category_names: Vec::new(),
    }];
    if productivity.is_some() {
        metas.push(LayerMeta {
            description: format!("{} productivity", req.field),
            items: vec![(
                "GEOPROSPECT_BAND".into(),
                "Hawkes (1976) productivity (C - C_background) x catchment area, value unit x km2"
                    .into(),
            )],
            ..Default::default()
        });
    }
    let mut writer = CogWriter::create_bands(grid, tmp, PixelType::Float32, &metas)?;
    let w = grid.width;
    for b in blocks(grid) {
        let labels = &basins.labels[b.row0 * w..(b.row0 + b.rows) * w];
        writer.write_band_rows(
            1,
            b.row0,
            labels.iter().map(|&l| value_of(l, values)).collect(),
        )?;
        if let Some(p) = productivity {
            let band: Vec<f32> = labels
                .iter()
                .map(|&l| {
                    if l > 0 {
                        p[l as usize - 1] as f32
                    } else {
                        f32::NAN
                    }
                })
                .collect();
            writer.write_band_rows(2, b.row0, band)?;
        }
    }
    writer.finish(&req.cog, engine)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
