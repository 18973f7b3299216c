//! Target zones: the high-prospectivity areas of a score map as ranked polygons.
//!
//! 1. **Threshold.** Cells scoring at least a level are selected: with `top_area = a` the level
//!    is the `1 − a` quantile of the valid cells (exact, numpy's linear interpolation, two
//!    passes over the blocks, [`crate::evidence::quantiles`]); with `min_score` it is that
//!    score. Ties at the level are all kept, so the selection can be a little larger than `a`.
//! 2. **Zones.** Selected cells are labelled into 8-connected zones (cells touching by an edge
//!    or a corner are one zone) in one streaming pass over the row strips: each strip is cut
//!    into runs of selected cells (in parallel), and the runs are joined to the runs of the
//!    row above with a union-find, in row order. Only the runs are kept, never a full grid.
//!    Zone statistics are sums over the runs in row-major order, so they are the same bits for
//!    any thread count. Zones of fewer than `min_cells` cells are dropped.
//! 3. **Ranks.** By highest `max_score`, then `mean_score`, then area, then the position of the
//!    zone's first cell (top row, then left column): a total order, so ranks are deterministic.
//! 4. **Polygons.** The ranks are burnt into a label raster (an in-memory `MEM` dataset, or a
//!    temporary tiled GeoTIFF for grids over [`MEM_CELLS`] cells) that GDAL's `GDALPolygonize`
//!    turns into polygons with `8CONNECTED=8`, the same connectivity as the labelling, so each
//!    zone is one feature (one polygon, with holes where unselected cells are enclosed).
//!    Vertices are moved to WGS 84 longitude/latitude by PROJ after densifying edges to one
//!    vertex per cell side, so edges stay within centimetres of the cell boundaries.
//!
//! Per zone: area (cells times the cell area: on the projection plane for projected CRSs, on
//! the authalic sphere for geographic ones), max and mean score, the centroid of its cells
//! (mean of the cell centres, which may fall outside a concave zone), the evidence layer with
//! the highest mean membership over the zone's cells (cells where that layer has data), and the
//! known occurrences whose cell belongs to the zone.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gdal::raster::Buffer;
use gdal::vector::{LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};
use gdal::DriverManager;
use serde_json::Value;

use crate::commodity::Commodity;
use crate::engine::{Block, Engine};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::atomic::AtomicFile;
use crate::io::crs::{Crs, Transformer};
use crate::io::geojson::{number, FeatureCollectionWriter, Geometry, Position};
use crate::io::layer::{aligned_blocks, GridLayer};
use crate::ops::percentiles::layer_percentiles;
use crate::project::{TargetSettings, DEFAULT_TOP_AREA};

use super::{round_to, to_wgs84};

/// Largest grid whose label raster is polygonized in memory (64 MiB of Int32); larger grids
/// use a temporary GeoTIFF.
pub const MEM_CELLS: usize = 16 << 20;

/// Authalic radius of WGS 84 (m), for cell areas in geographic CRSs.
const AUTHALIC_RADIUS: f64 = 6_371_007.181;

/// How cells are selected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// The highest-scoring fraction of the scored area.
    TopArea(f64),
    /// Cells scoring at least this.
    MinScore(f64),
}

impl Threshold {
    /// The rule of a project's `[targets]` table (top 5 % by default).
    pub fn of(settings: &TargetSettings) -> Threshold {
        match (settings.min_score, settings.top_area) {
            (Some(s), _) => Threshold::MinScore(s),
            (None, a) => Threshold::TopArea(a.unwrap_or(DEFAULT_TOP_AREA)),
        }
    }

    /// `top 5 % of the scored area` or `score >= 0.7`.
    pub fn describe(&self) -> String {
        match self {
            Threshold::TopArea(a) => format!("top {} % of the scored area", 100.0 * a),
            Threshold::MinScore(s) => format!("score >= {s}"),
        }
    }
}

/// A known occurrence in the analysis CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPoint {
    /// Easting.
    pub x: f64,
    /// Northing.
    pub y: f64,
    /// Name (may be empty).
    pub name: String,
}

/// What [`find_targets`] works on.
#[derive(Debug, Clone)]
pub struct TargetRequest<'a> {
    /// The commodity (for properties).
    pub commodity: Commodity,
    /// The score map on `grid`.
    pub score: &'a Path,
    /// The analysis grid.
    pub grid: &'a GridSpec,
    /// Its CRS.
    pub crs: &'a Crs,
    /// Threshold and smallest zone.
    pub threshold: Threshold,
    /// Zones of fewer cells are dropped.
    pub min_cells: usize,
    /// Evidence memberships on `grid`: name and file, in model order.
    pub evidence: &'a [(String, PathBuf)],
    /// Known occurrences of the commodity, in file order.
    pub occurrences: &'a [NamedPoint],
    /// Folder for a temporary label raster (large grids only).
    pub scratch: &'a Path,
}

/// One ranked zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// 1 = best.
    pub rank: usize,
    /// Grid cells.
    pub cells: u64,
    /// Area in km².
    pub area_km2: f64,
    /// Highest score.
    pub max_score: f64,
    /// Mean score over the zone's cells.
    pub mean_score: f64,
    /// Centroid of the cells, WGS 84 longitude and latitude.
    pub centroid: (f64, f64),
    /// Mean membership of each evidence layer over the zone's cells where it has data (NaN
    /// when it has none there), in model order.
    pub evidence_means: Vec<(String, f64)>,
    /// The evidence layer with the highest mean membership (first in model order on ties).
    pub top_evidence: Option<(String, f64)>,
    /// Names of the occurrences inside (file order; `#n` for unnamed ones, n from 1).
    pub occurrences: Vec<String>,
    /// The zone's outline in WGS 84 longitude/latitude.
    pub geometry: Geometry,
}

/// The target zones of one score map.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSet {
    /// The commodity.
    pub commodity: Commodity,
    /// The selection rule, in words.
    pub rule: String,
    /// The score level: cells scoring at least this are selected (NaN without valid cells).
    pub threshold: f64,
    /// Cells with a score.
    pub scored_cells: u64,
    /// Cells selected.
    pub selected_cells: u64,
    /// Zones dropped for having fewer than `min_cells` cells.
    pub dropped_zones: usize,
    /// Zones kept, by rank.
    pub targets: Vec<Target>,
}

impl TargetSet {
    /// One line for run summaries.
    pub fn describe(&self) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let share = if self.scored_cells > 0 {
            100.0 * self.selected_cells as f64 / self.scored_cells as f64
        } else {
            0.0
        };
        format!(
            "{} target zone{} ({}: score >= {:.4}, {share:.1} % of the scored area; {} smaller zone{} dropped)",
            self.targets.len(),
            plural(self.targets.len()),
            self.rule,
            self.threshold,
            self.dropped_zones,
            plural(self.dropped_zones)
        )
    }
}

/// A run of selected cells `c0..c1` on one row, with its score sum and maximum.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    row: usize,
    c0: usize,
    c1: usize,
    sum: f64,
    max: f32,
}

/// The runs of one strip, their evidence sums (stride = number of evidence layers) and the
/// strip's valid cells.
struct StripRuns {
    runs: Vec<Run>,
    evidence: Vec<(f64, u64)>,
    valid: u64,
}

/// Finds, measures and ranks the target zones of `req.score` and polygonizes them.
pub fn find_targets(req: &TargetRequest, engine: &Engine) -> Result<TargetSet> {
    let grid = req.grid;
    let layer = GridLayer::open(req.score, grid)?;
    let evidence = req
        .evidence
        .iter()
        .map(|(_, p)| GridLayer::open(p, grid))
        .collect::<Result<Vec<_>>>()?;
    let strips = aligned_blocks(grid, layer.tile_rows());
    let progress = engine.progress();
    let level = match req.threshold {
        Threshold::MinScore(s) => Some(s),
        Threshold::TopArea(a) => top_area_level(&layer, &strips, engine, a)?,
    };
    let mut set = TargetSet {
        commodity: req.commodity,
        rule: req.threshold.describe(),
        threshold: level.unwrap_or(f64::NAN),
        scored_cells: 0,
        selected_cells: 0,
        dropped_zones: 0,
        targets: Vec::new(),
    };
    let Some(level) = level else {
        return Ok(set);
    };
    progress.stage(
        &format!("{} targets: zones", req.commodity),
        strips.len() as u64,
    );
    let mut labels = Labeller::new(evidence.len());
    engine.for_each_block(
        &strips,
        |b| strip_runs(b, &layer, &evidence, level),
        |_, strip| {
            labels.push(strip);
            Ok(())
        },
    )?;
    progress.finish();
    set.scored_cells = labels.valid;
    set.selected_cells = labels.runs.iter().map(|r| (r.c1 - r.c0) as u64).sum();
    let cell_area = CellArea::new(grid, req.crs);
    let mut zones = labels.zones(&cell_area);
    let before = zones.len();
    zones.retain(|z| z.cells >= req.min_cells as u64);
    set.dropped_zones = before - zones.len();
    zones.sort_by(|a, b| {
        b.max
            .total_cmp(&a.max)
            .then(b.mean().total_cmp(&a.mean()))
            .then(b.cells.cmp(&a.cells))
            .then(a.first.cmp(&b.first))
    });
    // Zone of each run's root → rank (0: not a target).
    let mut rank_of_root = BTreeMap::new();
    for (i, z) in zones.iter().enumerate() {
        rank_of_root.insert(z.root, i + 1);
    }
    let run_ranks: Vec<i32> = (0..labels.runs.len())
        .map(|i| {
            let root = labels.find(i);
            rank_of_root.get(&root).map_or(0, |&r| r as i32)
        })
        .collect();
    let occurrences = occurrences_by_rank(req, &labels, &run_ranks);
    let outlines = polygonize(grid, &labels.runs, &run_ranks, req.scratch, MEM_CELLS)?;
    let to_lonlat = to_wgs84(req.crs)?;
    for (i, z) in zones.iter().enumerate() {
        let rank = i + 1;
        let rings = outlines.get(&(rank as i32)).ok_or_else(|| {
            Error::Internal(format!(
                "{}: polygonize gave no outline for zone {rank}",
                req.score.display()
            ))
        })?;
        let geometry = lonlat_geometry(rings, &to_lonlat, grid.res, req.score)?;
        let (cx, cy) = (
            grid.x0 + grid.res * z.col_sum / z.cells as f64,
            grid.y0 - grid.res * z.row_sum / z.cells as f64,
        );
        let centroid = to_lonlat.point(cx, cy).ok_or_else(|| {
            Error::input(
                req.score,
                format!("zone centroid ({cx}, {cy}) cannot be moved to WGS 84"),
            )
        })?;
        let evidence_means: Vec<(String, f64)> = req
            .evidence
            .iter()
            .zip(&z.evidence)
            .map(|((name, _), &(s, n))| (name.clone(), if n > 0 { s / n as f64 } else { f64::NAN }))
            .collect();
        let top_evidence = evidence_means
            .iter()
            .filter(|(_, m)| !m.is_nan())
            .fold(None, |best: Option<&(String, f64)>, e| match best {
                Some(b) if b.1 >= e.1 => Some(b),
                _ => Some(e),
            })
            .cloned();
        set.targets.push(Target {
            rank,
            cells: z.cells,
            area_km2: z.area_m2 / 1e6,
            max_score: z.max as f64,
            mean_score: z.mean(),
            centroid,
            evidence_means,
            top_evidence,
            occurrences: occurrences.get(&rank).cloned().unwrap_or_default(),
            geometry,
        });
    }
    Ok(set)
}

/// The `1 − a` quantile of the valid cells (`None` when there are none).
fn top_area_level(
    layer: &GridLayer,
    strips: &[Block],
    engine: &Engine,
    a: f64,
) -> Result<Option<f64>> {
    let p = ((1.0 - a) * 100.0).clamp(0.0, 100.0);
    Ok(layer_percentiles(&[p], layer, strips, engine)?.and_then(|v| v.first().copied()))
}

/// Runs of cells scoring `>= level` in one strip, with their score and evidence sums.
fn strip_runs(
    block: &Block,
    score: &GridLayer,
    evidence: &[GridLayer],
    level: f64,
) -> Result<StripRuns> {
    let values = score.read_block(block)?;
    let width = values.len() / block.rows.max(1);
    let mut runs = Vec::new();
    let mut valid = 0u64;
    for r in 0..block.rows {
        let row = &values[r * width..(r + 1) * width];
        let mut c = 0;
        while c < width {
            let v = row[c];
            if !v.is_nan() {
                valid += 1;
            }
            if v.is_nan() || (v as f64) < level {
                c += 1;
                continue;
            }
            let c0 = c;
            let (mut sum, mut max) = (0.0f64, f32::NEG_INFINITY);
            while c < width && !row[c].is_nan() && (row[c] as f64) >= level {
                sum += row[c] as f64;
                max = max.max(row[c]);
                c += 1;
            }
            valid += (c - c0 - 1) as u64;
            runs.push(Run {
                row: block.row0 + r,
                c0,
                c1: c,
                sum,
                max,
            });
        }
    }
    let mut sums = vec![(0.0f64, 0u64); runs.len() * evidence.len()];
    if !runs.is_empty() {
        for (j, layer) in evidence.iter().enumerate() {
            let m = layer.read_block(block)?;
            for (i, run) in runs.iter().enumerate() {
                let start = (run.row - block.row0) * width;
                let slot = &mut sums[i * evidence.len() + j];
                for &v in &m[start + run.c0..start + run.c1] {
                    if !v.is_nan() {
                        slot.0 += v as f64;
                        slot.1 += 1;
                    }
                }
            }
        }
    }
    Ok(StripRuns {
        runs,
        evidence: sums,
        valid,
    })
}

/// Streaming 8-connected labelling of runs with a union-find.
struct Labeller {
    runs: Vec<Run>,
    evidence: Vec<(f64, u64)>,
    parent: Vec<usize>,
    layers: usize,
    valid: u64,
    /// The row of the latest runs and the index of its first run.
    row: Option<(usize, usize)>,
    /// Runs of the row above the latest row.
    above: std::ops::Range<usize>,
}

impl Labeller {
    fn new(layers: usize) -> Labeller {
        Labeller {
            runs: Vec::new(),
            evidence: Vec::new(),
            parent: Vec::new(),
            layers,
            valid: 0,
            row: None,
            above: 0..0,
        }
    }

    fn find(&self, mut i: usize) -> usize {
        while self.parent[i] != i {
            i = self.parent[i];
        }
        i
    }

    fn find_compress(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins two runs' zones; the lower index is the root (deterministic).
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find_compress(a), self.find_compress(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.parent[hi] = lo;
        }
    }

    /// Adds a strip's runs (strips arrive top to bottom).
    fn push(&mut self, strip: StripRuns) {
        self.valid += strip.valid;
        self.evidence.extend_from_slice(&strip.evidence);
        for run in strip.runs {
            let i = self.runs.len();
            match self.row {
                Some((r, _)) if r == run.row => {}
                Some((r, first)) => {
                    self.above = if r + 1 == run.row { first..i } else { i..i };
                    self.row = Some((run.row, i));
                }
                None => {
                    self.above = i..i;
                    self.row = Some((run.row, i));
                }
            }
            self.parent.push(i);
            self.runs.push(run);
            // Runs above touching columns c0 - 1 ..= c1 (8-connected): p.c0 <= c1 && p.c1 >= c0.
            let mut j = self.above.start;
            while j < self.above.end && self.runs[j].c1 < run.c0 {
                j += 1;
            }
            // Later runs of this row start further right: skipped runs stay skipped.
            self.above.start = j;
            while j < self.above.end && self.runs[j].c0 <= run.c1 {
                self.union(i, j);
                j += 1;
            }
        }
    }

    /// The zones, in order of their first run (row-major).
    fn zones(&mut self, area: &CellArea) -> Vec<Zone> {
        let mut index: BTreeMap<usize, usize> = BTreeMap::new();
        let mut zones: Vec<Zone> = Vec::new();
        for i in 0..self.runs.len() {
            let root = self.find_compress(i);
            let k = *index.entry(root).or_insert_with(|| {
                zones.push(Zone::new(root, &self.runs[i], self.layers));
                zones.len() - 1
            });
            let run = self.runs[i];
            let n = (run.c1 - run.c0) as u64;
            let z = &mut zones[k];
            z.cells += n;
            z.sum += run.sum;
            z.max = z.max.max(run.max);
            z.area_m2 += n as f64 * area.at_row(run.row);
            z.col_sum += n as f64 * (run.c0 + run.c1) as f64 / 2.0;
            z.row_sum += n as f64 * (run.row as f64 + 0.5);
            for (acc, &(s, c)) in z
                .evidence
                .iter_mut()
                .zip(&self.evidence[i * self.layers..(i + 1) * self.layers])
            {
                acc.0 += s;
                acc.1 += c;
            }
        }
        zones
    }
}

/// Sums over one zone's runs.
#[derive(Debug, Clone)]
struct Zone {
    root: usize,
    first: (usize, usize),
    cells: u64,
    sum: f64,
    max: f32,
    area_m2: f64,
    col_sum: f64,
    row_sum: f64,
    evidence: Vec<(f64, u64)>,
}

impl Zone {
    fn new(root: usize, first: &Run, layers: usize) -> Zone {
        Zone {
            root,
            first: (first.row, first.c0),
            cells: 0,
            sum: 0.0,
            max: f32::NEG_INFINITY,
            area_m2: 0.0,
            col_sum: 0.0,
            row_sum: 0.0,
            evidence: vec![(0.0, 0); layers],
        }
    }

    fn mean(&self) -> f64 {
        self.sum / self.cells as f64
    }
}

/// The area of one cell, by row.
enum CellArea {
    /// Projected CRS: constant, m².
    Plane(f64),
    /// Geographic CRS: degrees, on the authalic sphere.
    Sphere { y0: f64, res: f64 },
}

impl CellArea {
    fn new(grid: &GridSpec, crs: &Crs) -> CellArea {
        if crs.is_geographic() {
            CellArea::Sphere {
                y0: grid.y0,
                res: grid.res,
            }
        } else {
            CellArea::Plane((grid.res * crs.metres_per_unit()).powi(2))
        }
    }

    fn at_row(&self, row: usize) -> f64 {
        match *self {
            CellArea::Plane(a) => a,
            CellArea::Sphere { y0, res } => {
                let top = (y0 - row as f64 * res).clamp(-90.0, 90.0).to_radians();
                let bottom = (y0 - (row + 1) as f64 * res)
                    .clamp(-90.0, 90.0)
                    .to_radians();
                AUTHALIC_RADIUS.powi(2) * res.to_radians() * (top.sin() - bottom.sin()).abs()
            }
        }
    }
}

/// Names of the occurrences in each ranked zone.
fn occurrences_by_rank(
    req: &TargetRequest,
    labels: &Labeller,
    run_ranks: &[i32],
) -> BTreeMap<usize, Vec<String>> {
    let mut out: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, o) in req.occurrences.iter().enumerate() {
        let Some((row, col)) = req.grid.cell_of(o.x, o.y) else {
            continue;
        };
        let k = labels.runs.partition_point(|r| (r.row, r.c0) <= (row, col));
        let Some(k) = k.checked_sub(1) else {
            continue;
        };
        let run = &labels.runs[k];
        if run.row == row && col < run.c1 && run_ranks[k] > 0 {
            let name = match o.name.trim() {
                "" => format!("#{}", i + 1),
                n => n.to_string(),
            };
            out.entry(run_ranks[k] as usize).or_default().push(name);
        }
    }
    out
}

/// Rings (exterior first, in grid CRS coordinates) of every polygon of each label.
type Outlines = BTreeMap<i32, Vec<Vec<Vec<(f64, f64)>>>>;

/// Burns the ranks into a label raster (in memory up to `mem_cells` cells, else a temporary
/// GeoTIFF in `scratch`) and polygonizes it with GDAL (8-connected).
fn polygonize(
    grid: &GridSpec,
    runs: &[Run],
    ranks: &[i32],
    scratch: &Path,
    mem_cells: usize,
) -> Result<Outlines> {
    let internal = |what: &str, e: gdal::errors::GdalError| {
        Error::Internal(format!("target polygons: {what}: {e}"))
    };
    if !ranks.iter().any(|&r| r > 0) {
        return Ok(Outlines::new());
    }
    let (w, h) = (grid.width, grid.height);
    let _tmp; // keeps a temporary folder alive until the dataset is closed
    let mut ds = if w * h <= mem_cells {
        DriverManager::get_driver_by_name("MEM")
            .and_then(|d| d.create_with_band_type::<i32, _>("", w, h, 1))
            .map_err(|e| internal("MEM dataset", e))?
    } else {
        let dir = tempfile::Builder::new()
            .prefix(".targets-")
            .tempdir_in(scratch)
            .map_err(|e| {
                Error::output(scratch, format!("cannot create a temporary folder: {e}"))
            })?;
        let path = dir.path().join("labels.tif");
        _tmp = dir;
        let options: gdal::cpl::CslStringList =
            ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"]
                .into_iter()
                .collect();
        DriverManager::get_driver_by_name("GTiff")
            .and_then(|d| d.create_with_band_type_with_options::<i32, _>(&path, w, h, 1, &options))
            .map_err(|e| Error::output(&path, format!("cannot create label raster: {e}")))?
    };
    ds.set_geo_transform(&grid.geo_transform())
        .map_err(|e| internal("geotransform", e))?;
    {
        let mut band = ds.rasterband(1).map_err(|e| internal("band", e))?;
        let strip_rows = (crate::engine::BLOCK_CELLS / w.max(1)).max(1);
        let mut k = 0;
        let mut row0 = 0;
        while row0 < h {
            let rows = strip_rows.min(h - row0);
            let mut data = vec![0i32; w * rows];
            while k < runs.len() && runs[k].row < row0 + rows {
                let r = &runs[k];
                let start = (r.row - row0) * w;
                data[start + r.c0..start + r.c1].fill(ranks[k]);
                k += 1;
            }
            band.write(
                (0, row0 as isize),
                (w, rows),
                &mut Buffer::new((w, rows), data),
            )
            .map_err(|e| internal("label raster", e))?;
            row0 += rows;
        }
    }
    let band = ds.rasterband(1).map_err(|e| internal("band", e))?;
    let driver = DriverManager::get_driver_by_name("Memory")
        .or_else(|_| DriverManager::get_driver_by_name("MEM"))
        .map_err(|e| internal("OGR memory driver", e))?;
    let mut vds = driver
        .create_vector_only("zones")
        .map_err(|e| internal("vector dataset", e))?;
    let mut layer = vds
        .create_layer(LayerOptions {
            name: "zones",
            srs: None,
            ty: OGRwkbGeometryType::wkbPolygon,
            options: None,
        })
        .map_err(|e| internal("layer", e))?;
    layer
        .create_defn_fields(&[("zone", OGRFieldType::OFTInteger)])
        .map_err(|e| internal("field", e))?;
    let options: gdal::cpl::CslStringList = ["8CONNECTED=8"].into_iter().collect();
    // Safety: the band, its mask (the band itself: non-zero cells are polygonized) and the
    // layer are valid handles for the duration of the call; GDAL copies the option list.
    let err = unsafe {
        gdal_sys::GDALPolygonize(
            band.c_rasterband(),
            band.c_rasterband(),
            layer.c_layer(),
            0,
            options.as_ptr(),
            None,
            std::ptr::null_mut(),
        )
    };
    if err != gdal_sys::CPLErr::CE_None {
        return Err(Error::Internal(format!(
            "GDALPolygonize failed: {}",
            gdal::errors::GdalError::CplError {
                class: err,
                number: 0,
                msg: String::new()
            }
        )));
    }
    let mut out = Outlines::new();
    for feature in layer.features() {
        let zone = feature
            .field_as_integer(0)
            .map_err(|e| internal("zone field", e))?
            .unwrap_or(0);
        let Some(g) = feature.geometry() else {
            continue;
        };
        let mut polygons = Vec::new();
        if g.is_valid() {
            collect_polygons(g, &mut polygons);
        } else {
            // Zone cells touching only at a corner give a ring touching itself at a vertex,
            // which OGC simple features (and GEOS, QGIS) call invalid: GEOS's structure-aware
            // MakeValid splits it into polygons (or a shell and a hole) touching at the point.
            let options: gdal::cpl::CslStringList = ["METHOD=STRUCTURE"].into_iter().collect();
            let valid = g
                .make_valid(&options)
                .map_err(|e| internal("make valid", e))?;
            collect_polygons(&valid, &mut polygons);
        }
        out.entry(zone).or_default().extend(polygons);
    }
    Ok(out)
}

/// The polygons of a Polygon, MultiPolygon or GeometryCollection as rings of points.
fn collect_polygons(g: &gdal::vector::Geometry, out: &mut Vec<Vec<Vec<(f64, f64)>>>) {
    let ty = gdal::vector::geometry_type_flatten(g.geometry_type());
    if ty == OGRwkbGeometryType::wkbMultiPolygon || ty == OGRwkbGeometryType::wkbGeometryCollection
    {
        for i in 0..g.geometry_count() {
            collect_polygons(&g.get_geometry(i), out);
        }
    } else if ty == OGRwkbGeometryType::wkbPolygon {
        let mut rings = Vec::with_capacity(g.geometry_count());
        for i in 0..g.geometry_count() {
            let ring = g.get_geometry(i);
            let mut pts = Vec::new();
            ring.get_points(&mut pts);
            rings.push(pts.into_iter().map(|(x, y, _)| (x, y)).collect());
        }
        out.push(rings);
    }
}

/// Densifies rings to one vertex per `step` and moves them to WGS 84 longitude/latitude.
fn lonlat_geometry(
    polygons: &[Vec<Vec<(f64, f64)>>],
    t: &Transformer,
    step: f64,
    source: &Path,
) -> Result<Geometry> {
    let mut out: Vec<Vec<Vec<Position>>> = Vec::with_capacity(polygons.len());
    for rings in polygons {
        let mut poly = Vec::with_capacity(rings.len());
        for ring in rings {
            let mut pts: Vec<Position> = Vec::with_capacity(ring.len());
            for (k, &(x, y)) in ring.iter().enumerate() {
                let mut push = |x: f64, y: f64| -> Result<()> {
                    let (lon, lat) = t.point(x, y).ok_or_else(|| {
                        Error::input(source, format!("({x}, {y}) cannot be moved to WGS 84"))
                    })?;
                    pts.push([lon, lat]);
                    Ok(())
                };
                if k > 0 {
                    let (px, py) = ring[k - 1];
                    let n = ((x - px).hypot(y - py) / step).ceil() as usize;
                    for s in 1..n {
                        let f = s as f64 / n as f64;
                        push(px + f * (x - px), py + f * (y - py))?;
                    }
                }
                push(x, y)?;
            }
            poly.push(pts);
        }
        out.push(poly);
    }
    Ok(if out.len() == 1 {
        Geometry::Polygon(out.remove(0))
    } else {
        Geometry::MultiPolygon(out)
    })
}

/// Writes `targets_<c>.geojson` (RFC 7946): one feature per zone, by rank.
pub fn write_targets_geojson(set: &TargetSet, path: &Path) -> Result<()> {
    let file = AtomicFile::new(path)?;
    let mut w = FeatureCollectionWriter::create(file.path())?;
    for t in &set.targets {
        let (top, top_m) = match &t.top_evidence {
            Some((n, m)) => (Value::from(n.as_str()), number(round_to(*m, 4))),
            None => (Value::Null, Value::Null),
        };
        let props = vec![
            ("rank".to_string(), Value::from(t.rank)),
            ("commodity".into(), Value::from(set.commodity.to_string())),
            ("area_km2".into(), number(round_to(t.area_km2, 4))),
            ("cells".into(), Value::from(t.cells)),
            ("max_score".into(), number(round_to(t.max_score, 6))),
            ("mean_score".into(), number(round_to(t.mean_score, 6))),
            ("centroid_lon".into(), number(round_to(t.centroid.0, 7))),
            ("centroid_lat".into(), number(round_to(t.centroid.1, 7))),
            ("top_evidence".into(), top),
            ("top_evidence_membership".into(), top_m),
            ("n_occurrences".into(), Value::from(t.occurrences.len())),
            ("occurrences".into(), Value::from(t.occurrences.join(";"))),
        ];
        w.write(Some(&t.geometry), &props)
            .map_err(|e| Error::output(path, e.to_string()))?;
    }
    w.finish()?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};

    fn grid(w: usize, h: usize) -> (GridSpec, Crs) {
        let crs = Crs::parse("EPSG:32648").unwrap();
        let g = GridSpec::from_extent(
            crs.wkt().unwrap(),
            [
                500000.0,
                4000000.0,
                500000.0 + 100.0 * w as f64,
                4000000.0 + 100.0 * h as f64,
            ],
            100.0,
        )
        .unwrap();
        (g, crs)
    }

    fn write(g: &GridSpec, path: &Path, v: Vec<f32>) {
        let mut w = CogWriter::create(g, path, PixelType::Float32, &LayerMeta::default()).unwrap();
        w.write_rows(0, v).unwrap();
        w.finish(&CogOptions::default()).unwrap();
    }

    /// A 12 x 10 map: a ring-shaped zone (with a hole) of score 0.9, a 2 x 2 blob of 0.8, a
    /// single 0.95 cell (a speck under min_cells), two cells touching only at a corner (0.7),
    /// the rest 0.1 with a nodata cell.
    fn map() -> (Vec<f32>, usize, usize) {
        let (w, h) = (12, 10);
        let mut v = vec![0.1f32; w * h];
        // Ring: rows 1..=3, cols 1..=3, hole at (2, 2).
        for r in 1..=3 {
            for c in 1..=3 {
                if (r, c) != (2, 2) {
                    v[r * w + c] = 0.9;
                }
            }
        }
        v[w + 1] = 0.92; // its maximum
                         // Blob: rows 6..=7, cols 8..=9.
        for r in 6..=7 {
            for c in 8..=9 {
                v[r * w + c] = 0.8;
            }
        }
        // Speck.
        v[w + 10] = 0.95;
        // Diagonal pair plus two more cells: (8, 2), (9, 3), (9, 4), (9, 5).
        for (r, c) in [(8, 2), (9, 3), (9, 4), (9, 5)] {
            v[r * w + c] = 0.7;
        }
        v[5 * w + 5] = f32::NAN;
        (v, w, h)
    }

    #[test]
    fn zones_are_8_connected_ranked_and_polygonized() {
        let dir = tempfile::tempdir().unwrap();
        let (v, w, h) = map();
        let (g, crs) = grid(w, h);
        let score = dir.path().join("s.tif");
        write(&g, &score, v.clone());
        // One evidence layer: 1 on the blob, 0.5 elsewhere; a second: 0.6 everywhere.
        let ev1: Vec<f32> = v
            .iter()
            .map(|&s| if s == 0.8 { 1.0 } else { 0.5 })
            .collect();
        let e1 = dir.path().join("e1.tif");
        write(&g, &e1, ev1);
        let e2 = dir.path().join("e2.tif");
        write(&g, &e2, vec![0.6; w * h]);
        let evidence = vec![("one".to_string(), e1), ("two".to_string(), e2)];
        let (x, y) = g.cell_centre(7, 8);
        let occurrences = vec![
            NamedPoint {
                x,
                y,
                name: "Blob mine".into(),
            },
            NamedPoint {
                x: g.cell_centre(1, 1).0,
                y: g.cell_centre(1, 1).1,
                name: String::new(),
            },
            NamedPoint {
                x: g.cell_centre(2, 2).0, // the hole: not inside
                y: g.cell_centre(2, 2).1,
                name: "Hole".into(),
            },
        ];
        for threads in [1, 3] {
            let engine = Engine::new(threads).unwrap();
            let set = find_targets(
                &TargetRequest {
                    commodity: Commodity::Sn,
                    score: &score,
                    grid: &g,
                    crs: &crs,
                    threshold: Threshold::MinScore(0.65),
                    min_cells: 2,
                    evidence: &evidence,
                    occurrences: &occurrences,
                    scratch: dir.path(),
                },
                &engine,
            )
            .unwrap();
            assert_eq!(set.scored_cells, (w * h - 1) as u64);
            assert_eq!(set.selected_cells, 8 + 4 + 1 + 4);
            assert_eq!(set.dropped_zones, 1, "the speck");
            let t = &set.targets;
            assert_eq!(t.len(), 3);
            // Rank 1: the ring (max 0.92); 2: the blob (0.8); 3: the diagonal chain (0.7).
            assert_eq!(t.iter().map(|t| t.cells).collect::<Vec<_>>(), vec![8, 4, 4]);
            assert!((t[0].max_score - 0.92f32 as f64).abs() < 1e-12);
            let mean = (7.0 * 0.9f32 as f64 + 0.92f32 as f64) / 8.0;
            assert!((t[0].mean_score - mean).abs() < 1e-12);
            // 100 m cells: 0.01 km² each.
            assert!((t[1].area_km2 - 0.04).abs() < 1e-12);
            assert_eq!(t[1].top_evidence.as_ref().unwrap().0, "one");
            assert_eq!(t[0].top_evidence.as_ref().unwrap().0, "two");
            assert_eq!(t[1].occurrences, vec!["Blob mine".to_string()]);
            assert_eq!(t[0].occurrences, vec!["#2".to_string()]);
            // The ring has a hole; the others are plain polygons.
            match &t[0].geometry {
                Geometry::Polygon(rings) => assert_eq!(rings.len(), 2),
                g => panic!("{g:?}"),
            }
            // The chain's first cell touches the rest at a corner only: two polygons touching
            // at that point (a ring touching itself would be invalid).
            match &t[2].geometry {
                Geometry::MultiPolygon(p) => {
                    assert_eq!(p.len(), 2);
                    assert!(p.iter().all(|rings| rings.len() == 1));
                }
                g => panic!("{g:?}"),
            }
            // Centroid of the blob: centre of its 4 cells = the corner between them.
            let (cx, cy) = (g.x0 + 900.0, g.y0 - 700.0);
            let (lon, lat) = to_wgs84(&crs).unwrap().point(cx, cy).unwrap();
            assert!((t[1].centroid.0 - lon).abs() < 1e-9 && (t[1].centroid.1 - lat).abs() < 1e-9);
        }
    }

    #[test]
    fn top_area_takes_the_exact_quantile() {
        let dir = tempfile::tempdir().unwrap();
        let (g, crs) = grid(10, 10);
        // Scores 0.00 .. 0.99: the top 5 % are 0.95 .. 0.99, on the last row's right half.
        let v: Vec<f32> = (0..100).map(|i| i as f32 / 100.0).collect();
        let score = dir.path().join("s.tif");
        write(&g, &score, v);
        let engine = Engine::new(2).unwrap();
        let set = find_targets(
            &TargetRequest {
                commodity: Commodity::Mo,
                score: &score,
                grid: &g,
                crs: &crs,
                threshold: Threshold::TopArea(0.05),
                min_cells: 1,
                evidence: &[],
                occurrences: &[],
                scratch: dir.path(),
            },
            &engine,
        )
        .unwrap();
        // numpy.percentile(range(100)/100, 95) = 0.9405 (float32 values).
        let expected = {
            let lo = 94f32 / 100.0;
            let hi = 95f32 / 100.0;
            hi as f64 - (hi as f64 - lo as f64) * (1.0 - 0.05)
        };
        assert!((set.threshold - expected).abs() < 1e-9, "{}", set.threshold);
        assert_eq!(set.selected_cells, 5);
        assert_eq!(set.targets.len(), 1);
        assert_eq!(set.targets[0].cells, 5);
        assert!(set.targets[0].top_evidence.is_none());
        // GeoJSON: one feature, closed counter-clockwise ring.
        let out = dir.path().join("t.geojson");
        write_targets_geojson(&set, &out).unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let ring = v["features"][0]["geometry"]["coordinates"][0]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(ring.first(), ring.last());
        assert_eq!(v["features"][0]["properties"]["rank"], 1);
        assert_eq!(v["features"][0]["properties"]["commodity"], "Mo");
    }

    #[test]
    fn label_raster_on_disk_gives_the_same_outlines() {
        let (g, _) = grid(12, 10);
        let run = |row, c0, c1| Run {
            row,
            c0,
            c1,
            sum: 0.0,
            max: 0.0,
        };
        // An L shape (rank 1) and a square with a hole (rank 2).
        let runs = vec![
            run(1, 1, 2),
            run(2, 1, 4),
            run(5, 6, 9),
            run(6, 6, 7),
            run(6, 8, 9),
            run(7, 6, 9),
        ];
        let ranks = vec![1, 1, 2, 2, 2, 2];
        let dir = tempfile::tempdir().unwrap();
        let mem = polygonize(&g, &runs, &ranks, dir.path(), MEM_CELLS).unwrap();
        let disk = polygonize(&g, &runs, &ranks, dir.path(), 0).unwrap();
        assert_eq!(mem, disk);
        assert_eq!(mem[&1].len(), 1);
        assert_eq!(mem[&2][0].len(), 2, "the square has a hole");
        // The temporary label raster is gone.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn labeller_joins_diagonals_and_u_shapes() {
        // A U shape: two columns joined at the bottom; labelled before the join as two zones.
        let mut l = Labeller::new(0);
        let run = |row, c0, c1| Run {
            row,
            c0,
            c1,
            sum: 0.0,
            max: 0.0,
        };
        l.push(StripRuns {
            runs: vec![run(0, 0, 1), run(0, 4, 5), run(1, 0, 1), run(1, 4, 5)],
            evidence: vec![],
            valid: 10,
        });
        l.push(StripRuns {
            runs: vec![run(2, 1, 4), run(4, 0, 1)],
            evidence: vec![],
            valid: 10,
        });
        let zones = l.zones(&CellArea::Plane(1.0));
        // The U (2 + 2 + 3 cells) and the run on row 4 (row 3 is empty: not connected).
        assert_eq!(
            zones.iter().map(|z| z.cells).collect::<Vec<_>>(),
            vec![7, 1]
        );
        assert_eq!(l.valid, 20);
    }
}
