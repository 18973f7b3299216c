//! Sample catchments on a DEM, shared by `geoprospect catchments` and a project's
//! stream-sediment sets: the DEM read and conditioned ([`crate::hydrology`]), the samples
//! snapped and their nested catchments labelled, and the layers and polygons written.
use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::engine::{blocks, Engine};
use crate::error::{Error, Result};
use crate::geochem::anomaly::{ca_thresholds, thresholds, Classifier};
use crate::grid::{GridSpec, CLASS_NODATA};
use crate::hydrology::{
    condition, label_catchments, snap_to_stream, Accumulation, FlowGrid, MAX_DEM_CELLS, NODATA,
};
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::crs::{Crs, Transformer};
use crate::io::geojson::{lonlat_geometry, number, FeatureCollectionWriter};
use crate::io::layer::{grid_of, GridLayer};
use crate::io::points::PointTable;
use crate::io::polygonize::{polygonize, MEM_CELLS};

/// Snap distance when none is given, metres (at least [`MIN_SNAP_CELLS`] cells).
pub const DEFAULT_SNAP_M: f64 = 100.0;

/// The default snap distance reaches at least the eight neighbours of the sample's cell.
pub const MIN_SNAP_CELLS: f64 = 1.5;

/// Largest snap distance, metres: a sample farther than this from its stream is misplaced.
pub const MAX_SNAP_M: f64 = 10_000.0;

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
    /// The snap distance used, metres.
    pub snap_m: f64,
}

/// The grid catchments are computed on: `path`'s; refused when it has more than
/// [`MAX_DEM_CELLS`] cells or is geographic, before any cell is read.
pub fn dem_grid(path: &Path) -> Result<(GridSpec, Crs)> {
    let (grid, crs) = grid_of(path)?;
    let cells = grid.width as u64 * grid.height as u64;
    if cells > MAX_DEM_CELLS as u64 {
        return Err(Error::input(
            path,
            format!(
                "{} x {} = {cells} cells are more than the {MAX_DEM_CELLS} (10^8) a dem is \
                 conditioned on in memory: crop it (gdal_translate -projwin) or use a coarser grid",
                grid.width, grid.height
            ),
        ));
    }
    if crs.is_geographic() {
        return Err(Error::input(
            path,
            format!(
                "the grid is in geographic coordinates ({}): flow directions need square cells \
                 on the ground; reproject the dem (gdalwarp -t_srs) or give a projected grid",
                crs.label()
            ),
        ));
    }
    Ok((grid, crs))
}

impl Drainage {
    /// Reads and conditions the DEM at `path`, which must be on `grid` (see [`dem_grid`]);
    /// `label` names the DEM in errors.
    pub fn read(path: &Path, grid: &GridSpec, crs: &Crs, label: &Path) -> Result<Drainage> {
        let layer = GridLayer::open(path, grid)?;
        let dem = layer.read_rows(0, grid.height)?;
        if dem.iter().all(|v| v.is_nan()) {
            return Err(Error::input(label, "the dem has no valid cell on the grid"));
        }
        let (flow, acc) = condition(&dem, grid.width, grid.height)
            .map_err(|e| Error::input(label, e.to_string()))?;
        Ok(Drainage {
            grid: grid.clone(),
            flow,
            acc,
            metres_per_unit: crs.metres_per_unit(),
        })
    }

    /// The grid.
    pub fn grid(&self) -> &GridSpec {
        &self.grid
    }

    /// Cell side in metres.
    pub fn cell_m(&self) -> f64 {
        self.grid.res * self.metres_per_unit
    }

    /// Area of one cell in km².
    pub fn cell_km2(&self) -> f64 {
        (self.cell_m() / 1000.0).powi(2)
    }

    /// Cells with a valid elevation.
    pub fn valid_cells(&self) -> u64 {
        self.flow.dirs.iter().filter(|&&d| d != NODATA).count() as u64
    }

    /// The snap distance in metres: `snap`, or [`DEFAULT_SNAP_M`] and at least
    /// [`MIN_SNAP_CELLS`] cells.
    pub fn snap_m(&self, snap: Option<f64>) -> Result<f64> {
        match snap {
            Some(s) if s > MAX_SNAP_M => Err(Error::param(format!(
                "a snap distance of {s} m is more than {MAX_SNAP_M} m: samples are moved to a \
                 stream nearby, not across a map (--snap, geochem.snap)"
            ))),
            Some(s) if s.is_finite() && s >= 0.0 => Ok(s),
            Some(s) => Err(Error::param(format!(
                "the snap distance (--snap, geochem.snap) must be 0 or more metres, got {s}"
            ))),
            None => Ok(DEFAULT_SNAP_M.max(MIN_SNAP_CELLS * self.cell_m())),
        }
    }

    /// Snaps the samples at `xy` (grid CRS) within `snap_m` metres to the highest flow
    /// accumulation and labels their nested catchments.
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
            snap_m,
        }
    }
}

impl SampleBasins {
    /// Samples with a catchment of at least one cell.
    pub fn with_catchment(&self) -> usize {
        self.cells.iter().filter(|&&c| c > 0).count()
    }

    /// Samples moved by snapping: their outlet is not the cell they lie in.
    pub fn snapped(&self, grid: &GridSpec, xy: &[(f64, f64)]) -> usize {
        self.outlets
            .iter()
            .zip(xy)
            .filter(|(o, &(x, y))| {
                o.is_some_and(|i| grid.cell_of(x, y) != Some((i / grid.width, i % grid.width)))
            })
            .count()
    }

    /// The value each cell takes from its sample (`values[k]` for sample `k`), NaN where none.
    pub fn per_cell<'a>(&'a self, values: &'a [f64]) -> impl Iterator<Item = f32> + 'a {
        self.labels.iter().map(move |&l| value_of(l, values))
    }

    /// Anomaly classes of the catchment values, as `geoprospect anomalies` classes samples:
    /// median + 2 MAD of the log values, and the highest concentration–area breakpoint of the
    /// catchment map (Cheng et al. 1994), where each catchment's area is its cells.
    pub fn classifier(&self, values: &[f64]) -> Classifier {
        let cells: Vec<f32> = self.per_cell(values).collect();
        Classifier::new(&thresholds(values), &ca_thresholds(&cells))
    }

    /// Hawkes's (1976) productivity of each catchment: `(C − background) · A`, `A` in km².
    pub fn productivity(&self, values: &[f64], background: f64, cell_km2: f64) -> Vec<f64> {
        values
            .iter()
            .zip(&self.cells)
            .map(|(v, &c)| (v - background) * c as f64 * cell_km2)
            .collect()
    }
}

/// The value a cell of label `l` takes: its sample's, NaN where none.
fn value_of(l: i32, values: &[f64]) -> f32 {
    if l > 0 {
        values[l as usize - 1] as f32
    } else {
        f32::NAN
    }
}

/// Each point's 1-based data-row number in its file, counting the rows skipped for empty
/// coordinates too (the place among all rows or features, in file order).
pub fn data_rows(points: &PointTable, path: &Path) -> Result<Vec<usize>> {
    let rows = points.file_rows.clone();
    if rows.iter().any(|&r| r > i32::MAX as usize) {
        return Err(Error::input(
            path,
            format!("more than {} samples to label", i32::MAX),
        ));
    }
    Ok(rows)
}

/// Writes the labels as an Int32 COG at `tmp`: each cell's sample as its data row (`rows[k]`),
/// 0 where none drains, nodata off the DEM.
pub fn write_labels(
    basins: &SampleBasins,
    grid: &GridSpec,
    rows: &[usize],
    meta: &LayerMeta,
    tmp: &Path,
    engine: &Engine,
    cog: &CogOptions,
) -> Result<()> {
    let mut writer = CogWriter::create(grid, tmp, PixelType::Int32, meta)?;
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
    writer.finish(cog, engine)
}

/// Writes a Float32 COG at `tmp` of one band per entry of `bands` (values per sample, NaN
/// missing), each cell taking its sample's value; `metas` describe the bands.
pub fn write_values(
    basins: &SampleBasins,
    grid: &GridSpec,
    bands: &[&[f64]],
    metas: &[LayerMeta],
    tmp: &Path,
    engine: &Engine,
    cog: &CogOptions,
) -> Result<()> {
    let mut writer = CogWriter::create_bands(grid, tmp, PixelType::Float32, metas)?;
    let w = grid.width;
    for b in blocks(grid) {
        let labels = &basins.labels[b.row0 * w..(b.row0 + b.rows) * w];
        for (band, values) in bands.iter().enumerate() {
            let rows = labels.iter().map(|&l| value_of(l, values)).collect();
            writer.write_band_rows(band + 1, b.row0, rows)?;
        }
    }
    writer.finish(cog, engine)
}

/// What one catchment feature says besides its outline.
pub struct CatchmentFacts {
    /// Sample index in its set.
    pub sample: usize,
    /// Catchment cells.
    pub cells: u64,
    /// Area in km².
    pub area_km2: f64,
    /// The snapped outlet in WGS 84 longitude/latitude.
    pub outlet: Option<(f64, f64)>,
    /// How far the sample moved, metres.
    pub snapped_m: Option<f64>,
}

/// Writes one RFC 7946 feature per sample with a catchment into `w`: the outline traced by
/// GDAL ([`polygonize`]) in the grid's CRS, densified to one vertex per cell side and moved to
/// WGS 84; `properties` gives each feature's properties from its facts. `scratch` holds a
/// temporary label raster for large grids; `target` names the output in errors.
#[allow(clippy::too_many_arguments)]
pub fn write_features<W: Write>(
    w: &mut FeatureCollectionWriter<W>,
    drainage: &Drainage,
    basins: &SampleBasins,
    crs: &Crs,
    xy: &[(f64, f64)],
    scratch: &Path,
    target: &Path,
    mut properties: impl FnMut(&CatchmentFacts) -> Vec<(String, Value)>,
) -> Result<()> {
    let grid = drainage.grid();
    let width = grid.width;
    let mut outlines = polygonize(
        grid,
        |row0, out| {
            for (o, &l) in out.iter_mut().zip(&basins.labels[row0 * width..]) {
                *o = l.max(0);
            }
        },
        scratch,
        MEM_CELLS,
    )?;
    let to_lonlat = Transformer::to_wgs84(crs)?;
    for (k, &cells) in basins.cells.iter().enumerate() {
        if cells == 0 {
            continue;
        }
        let polygons = outlines.remove(&(k as i32 + 1)).ok_or_else(|| {
            Error::Internal(format!(
                "{}: polygonize gave no outline for sample {}",
                target.display(),
                k + 1
            ))
        })?;
        let geometry = lonlat_geometry(&polygons, &to_lonlat, grid.res, target)?;
        let centre = basins.outlets[k].map(|i| grid.cell_centre(i / width, i % width));
        let facts = CatchmentFacts {
            sample: k,
            cells,
            area_km2: cells as f64 * drainage.cell_km2(),
            outlet: centre.and_then(|(x, y)| to_lonlat.point(x, y)),
            snapped_m: centre
                .map(|(cx, cy)| (cx - xy[k].0).hypot(cy - xy[k].1) * drainage.metres_per_unit),
        };
        w.write(Some(&geometry), &properties(&facts))?;
    }
    Ok(())
}

/// The properties every catchment feature has: area, cells, outlet and snap distance.
pub fn common_properties(f: &CatchmentFacts) -> Vec<(String, Value)> {
    let (lon, lat) = f.outlet.unwrap_or((f64::NAN, f64::NAN));
    vec![
        ("area_km2".to_string(), number(round(f.area_km2, 6))),
        ("cells".into(), Value::from(f.cells)),
        ("outlet_lon".into(), number(round(lon, 7))),
        ("outlet_lat".into(), number(round(lat, 7))),
        (
            "snapped_m".into(),
            number(round(f.snapped_m.unwrap_or(f64::NAN), 2)),
        ),
    ]
}

/// `v` rounded to `decimals` places (GeoJSON for people).
pub fn round(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}
