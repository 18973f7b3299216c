//! Tiled runs for clusters: `geoprospect plan`, `run-tile` and `merge`.
//!
//! A plan splits the analysis grid into tiles of whole engine blocks (row strips; every
//! block boundary that is a multiple of 512 rows, so tiles line up with the COG tiles) and
//! fixes the quantities that depend on the whole grid, once:
//! - the percentile thresholds of every membership, from two exact passes of mergeable partial
//!   statistics over each layer that needs them (map: per block, reduce: merge in block order,
//!   as in a single run; only those layers are made, in a scratch folder that is then removed);
//! - the variogram of every kriged variable.
//!
//! Each tile job (`run-tile`, one process per tile: a Slurm array task, a Kubernetes indexed
//! job) computes the blocks of its rows exactly as a single run computes them (same blocks,
//! whole-grid coordinates, the plan's thresholds), and writes its layers atomically into
//! `tiles/<k>/`. No operation reads neighbouring cells of a computed layer (gridding reads the
//! sample points, proximity the features, warping the source rasters with GDAL's own source
//! window), so tiles need no halo (`halo_rows` is 0 in the plan). Evidence that does read
//! its neighbours (`transform = "singularity"`, catchment maps) is refused when planning, in one line: such a
//! project runs with `geoprospect run`.
//!
//! `merge` mosaics every layer of the tiles (a GDAL VRT, then a COG with the tiles' metadata)
//! and runs the outputs stage of a single run on the mosaics: validation against occurrences,
//! target zones (polygonised over the whole mosaic, so zones crossing tile edges are whole),
//! samples, report and manifest. The maps are identical, cell for cell, to a single `run`.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::commodity::Commodity;
use crate::engine::{block_rows, Engine, BLOCK_CELLS};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::atomic::Staging;
use crate::io::cog::{CogOptions, Compression};
use crate::io::gdal_apps::mosaic_to_cog;
use crate::ops::score::ScoreSummary;
use crate::project::Project;
use crate::report::sha256_file;

use super::geochem::{fit_variograms, ElementGrid, Mapping, Variograms};
use super::prospectivity::{
    input_of, needs_percentiles, plan_percentiles, CommodityResult, Input, Layers, PlanPercentiles,
    VectorCache,
};
use super::{compute, finish, plan, Computed, Globals, Lap, LayerReport, RunOptions, RunSummary};

/// Version of the plan file layout.
const FORMAT: u32 = 1;
/// The plan file in a plan folder.
pub const PLAN_FILE: &str = "plan.json";
/// The record a finished tile leaves in its folder (written last).
pub const TILE_FILE: &str = "tile.json";

/// One tile: rows `row0 .. row0 + rows` of the analysis grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tile {
    /// Tile number, from 0 at the top.
    pub index: usize,
    /// First grid row.
    pub row0: usize,
    /// Number of rows.
    pub rows: usize,
}

/// The analysis grid as the plan file stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct GridRecord {
    crs_wkt: String,
    x0: f64,
    y0: f64,
    res: f64,
    width: usize,
    height: usize,
}

impl GridRecord {
    fn of(g: &GridSpec) -> GridRecord {
        GridRecord {
            crs_wkt: g.crs_wkt.clone(),
            x0: g.x0,
            y0: g.y0,
            res: g.res,
            width: g.width,
            height: g.height,
        }
    }
}

/// What every tile job and the merge read: written by `geoprospect plan`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterPlan {
    /// Layout version.
    pub format: u32,
    /// Identifies this plan: tiles record it, merge checks it.
    pub id: String,
    /// The project file (absolute).
    pub project: PathBuf,
    /// SHA-256 of the project file when planned: tiles and merge refuse a changed project.
    pub project_sha256: String,
    grid: GridRecord,
    /// Rows of the engine's blocks.
    pub block_rows: usize,
    /// Rows of neighbouring tiles a tile reads (none: see the module documentation).
    pub halo_rows: usize,
    /// The tiles, top to bottom.
    pub tiles: Vec<Tile>,
    /// COG compression of every layer.
    pub compression: String,
    /// Percentile thresholds by commodity and evidence.
    pub percentiles: PlanPercentiles,
    /// Variogram models by element grid (kriging).
    pub variograms: Variograms,
}

/// What a finished tile leaves for the merge.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TileRecord {
    plan_id: String,
    tile: Tile,
    layers: Vec<LayerReport>,
    elements: Vec<ElementRecord>,
    commodities: Vec<CommodityRecord>,
    seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ElementRecord {
    element: String,
    label: String,
    source: String,
    mapping: Mapping,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CommodityRecord {
    commodity: String,
    method: crate::modelspec::Method,
    summary: ScoreSummary,
    dropped: Vec<String>,
}

/// The tiles of `height` rows: `count` bands of whole units of `unit` rows, as even as can be.
fn split_rows(height: usize, unit: usize, count: usize) -> Vec<Tile> {
    let units = height.div_ceil(unit);
    (0..count)
        .map(|k| {
            let row0 = (k * units / count) * unit;
            let end = (((k + 1) * units / count) * unit).min(height);
            Tile {
                index: k,
                row0,
                rows: end - row0,
            }
        })
        .collect()
}

/// Rows of the smallest unit a tile is made of: whole engine blocks, starting on multiples of
/// 512 rows (the COG tile height) whenever the blocks allow it.
fn tile_unit(block_rows: usize) -> usize {
    if block_rows >= 512 || 512 % block_rows != 0 {
        block_rows
    } else {
        512
    }
}

fn compression_name(c: Compression) -> &'static str {
    match c {
        Compression::Deflate => "deflate",
        Compression::Zstd => "zstd",
        Compression::None => "none",
    }
}

/// `geoprospect plan`: checks the project, splits its grid into `tiles` tiles and computes the
/// global quantities; writes `plan_dir/plan.json`.
pub fn plan_tiles(
    project: &Project,
    tiles: usize,
    plan_dir: &Path,
    engine: &Engine,
    options: &RunOptions,
) -> Result<ClusterPlan> {
    local_plan_dir(plan_dir)?;
    let p = plan(project)?;
    refuse_neighbourhood_evidence(project)?;
    let rows = block_rows(p.grid.width, BLOCK_CELLS);
    let unit = tile_unit(rows);
    let most = p.grid.height.div_ceil(unit);
    if tiles == 0 || tiles > most {
        return Err(Error::param(format!(
            "cannot split the grid into {tiles} tiles: the {} x {} grid splits into 1 to {most} \
             tiles (whole blocks of {unit} rows)",
            p.grid.width, p.grid.height
        )));
    }
    let project_file = std::fs::canonicalize(&project.file)
        .map_err(|e| Error::input(&project.file, format!("cannot resolve path: {e}")))?;
    let (project_sha256, _) = sha256_file(&project_file)?;
    let staging = Staging::new(plan_dir)?;
    // The layers the thresholds are computed on: made in the staging folder, removed before
    // the plan is committed.
    let scratch = staging.path("scratch/.keep")?;
    let scratch = scratch.parent().unwrap_or(plan_dir).to_path_buf();
    let (percentiles, variograms) = {
        let scratch_staging = Staging::new(&scratch)?;
        let mut vectors = VectorCache::default();
        let needed = needed_layers(project);
        let mut ingested = BTreeMap::new();
        for task in super::ingest::layer_tasks(project) {
            if !needed.rasters.iter().any(|n| n == task.name()) {
                continue;
            }
            let target = scratch_staging.path(&format!("layers/{}.tif", task.name()))?;
            task.ingest(&p, engine, &target, &options.cog, &mut vectors)?;
            ingested.insert(task.name().to_string(), target);
        }
        let mut settings = project.geochem.clone();
        settings.elements = Some(match &settings.elements {
            Some(list) => list
                .iter()
                .filter(|e| needed.elements.contains(e))
                .cloned()
                .collect(),
            None => needed.elements.clone(),
        });
        settings
            .derived
            .retain(|name, _| needed.elements.contains(name));
        let variograms = fit_variograms(&p, &project.geochem)?;
        let elements = super::geochem::grid_elements(
            &p,
            &settings,
            &scratch_staging,
            engine,
            &options.cog,
            Some(&variograms),
            None,
        )?;
        let mut layers = Layers {
            ingested,
            elements: &elements,
            distances: BTreeMap::new(),
            vectors,
        };
        let percentiles = plan_percentiles(
            project,
            &p,
            &mut layers,
            &scratch_staging,
            engine,
            &options.cog,
        )?;
        (percentiles, variograms)
    };
    let _ = std::fs::remove_dir_all(&scratch);
    let tiles = split_rows(p.grid.height, unit, tiles);
    let mut plan = ClusterPlan {
        format: FORMAT,
        id: String::new(),
        project: project_file,
        project_sha256,
        grid: GridRecord::of(&p.grid),
        block_rows: rows,
        halo_rows: 0,
        tiles,
        compression: compression_name(options.cog.compression).to_string(),
        percentiles,
        variograms,
    };
    plan.id = plan_id(&plan)?;
    let file = staging.path(PLAN_FILE)?;
    write_json(&file, &plan)?;
    staging.commit()?;
    Ok(plan)
}

/// Tiles have no halo, so evidence computed from the cells around each cell (or, for
/// catchment maps, from whole drainage basins) cannot be split into tiles: the project's first
/// such evidence is an error.
fn refuse_neighbourhood_evidence(project: &Project) -> Result<()> {
    if project.has_catchments() {
        return Err(Error::input(
            &project.file,
            "catchment maps (stream sediments over the dem) need whole drainage basins, and \
             tiles have no halo: run this project with `geoprospect run`",
        ));
    }
    for c in project.commodities() {
        let Ok(model) = project.model(c) else {
            continue;
        };
        if let Some(m) = std::iter::once(model.method)
            .chain(model.compare.iter().copied())
            .find(|m| m.learner().is_some())
        {
            return Err(Error::input(
                &project.file,
                format!(
                    "models.{}: method {:?} is trained on the whole grid, and tiles see only \
                     their rows: run this project with `geoprospect run`",
                    c.id(),
                    m.as_str()
                ),
            ));
        }
        if let Some(e) = model.evidence.iter().find(|e| e.singularity.is_some()) {
            return Err(Error::input(
                &project.file,
                format!(
                    "models.{}: evidence {:?} has transform = \"singularity\", which reads the \
                     cells around each cell, and tiles have no halo: run this project with \
                     `geoprospect run`",
                    c.id(),
                    e.name
                ),
            ));
        }
    }
    Ok(())
}

/// The layers that percentile memberships read, by what models ask for.
struct Needed {
    rasters: Vec<String>,
    elements: Vec<String>,
}

fn needed_layers(project: &Project) -> Needed {
    let mut needed = Needed {
        rasters: Vec::new(),
        elements: Vec::new(),
    };
    for c in project.commodities() {
        let Ok(model) = project.model(c) else {
            continue;
        };
        for e in model.evidence.iter().filter(|e| needs_percentiles(e)) {
            match input_of(e, project) {
                Ok(Input::Element(el)) => needed.elements.push(el.to_string()),
                Ok(Input::Raster(name)) => needed.rasters.push(name.to_string()),
                _ => {}
            }
        }
    }
    needed
}

/// A hash of everything a tile's result depends on in the plan.
fn plan_id(plan: &ClusterPlan) -> Result<String> {
    let text = serde_json::to_string(plan).map_err(|e| Error::Internal(e.to_string()))?;
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    Ok(digest.iter().take(8).map(|b| format!("{b:02x}")).collect())
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Internal(e.to_string()))?;
    std::fs::write(path, text + "\n").map_err(|e| Error::output(path, format!("cannot write: {e}")))
}

/// The plan folder must be a (shared) POSIX folder: tiles are committed by rename.
fn local_plan_dir(plan_dir: &Path) -> Result<()> {
    if crate::io::vsi::is_virtual(plan_dir) {
        return Err(Error::param(format!(
            "{}: the plan folder must be a shared POSIX folder (NFS, Lustre, a ReadWriteMany \
             volume), not object storage; inputs and the merge's output folder may be",
            plan_dir.display()
        )));
    }
    Ok(())
}

/// Reads `plan_dir/plan.json` and the project it names, checking that the project file has
/// not changed since the plan.
pub fn load_plan(plan_dir: &Path) -> Result<(ClusterPlan, Project)> {
    local_plan_dir(plan_dir)?;
    let file = plan_dir.join(PLAN_FILE);
    let text = std::fs::read_to_string(&file).map_err(|e| {
        Error::input(
            &file,
            format!("cannot read the plan ({e}): run `geoprospect plan` first"),
        )
    })?;
    let plan: ClusterPlan = serde_json::from_str(&text)
        .map_err(|e| Error::input(&file, format!("not a geoprospect plan: {e}")))?;
    if plan.format != FORMAT {
        return Err(Error::input(
            &file,
            format!(
                "plan format {} (this geoprospect reads {FORMAT}): plan again",
                plan.format
            ),
        ));
    }
    let (now, _) = sha256_file(&plan.project)?;
    if now != plan.project_sha256 {
        return Err(Error::input(
            &plan.project,
            "the project file changed since the plan was made: plan again",
        ));
    }
    let project = Project::load(&plan.project)?;
    Ok((plan, project))
}

fn options_of(plan: &ClusterPlan) -> RunOptions {
    let compression = match plan.compression.as_str() {
        "zstd" => Compression::Zstd,
        "none" => Compression::None,
        _ => Compression::Deflate,
    };
    RunOptions {
        cog: CogOptions { compression },
    }
}

/// The checked analysis plan of a tiled project: the grid must be the plan's.
fn checked_plan(tp: &ClusterPlan, project: &Project) -> Result<super::Plan> {
    let p = plan(project)?;
    if GridRecord::of(&p.grid) != tp.grid {
        return Err(Error::input(
            &tp.project,
            "the project's analysis grid differs from the plan's (inputs changed?): plan again",
        ));
    }
    Ok(p)
}

/// What `run-tile` did.
pub enum TileOutcome {
    /// Computed and written, in seconds.
    Done(f64),
    /// Already done for this plan: nothing to do.
    AlreadyDone,
}

/// `geoprospect run-tile`: computes tile `k` of the plan into `plan_dir/tiles/<k>/`. A tile
/// already finished for this plan is left as it is (retries are safe), unless `force`.
pub fn run_tile(plan_dir: &Path, k: usize, force: bool, engine: &Engine) -> Result<TileOutcome> {
    let start = Instant::now();
    let (tp, project) = load_plan(plan_dir)?;
    let Some(&tile) = tp.tiles.get(k) else {
        return Err(Error::param(format!(
            "tile {k}: the plan has tiles 0 to {}",
            tp.tiles.len().saturating_sub(1)
        )));
    };
    let dir = tile_dir(plan_dir, k);
    if !force && read_record(&dir).is_ok_and(|r| r.plan_id == tp.id) {
        return Ok(TileOutcome::AlreadyDone);
    }
    let mut p = checked_plan(&tp, &project)?;
    p.grid = p.grid.with_window(tile.row0, tile.rows);
    let options = options_of(&tp);
    let staging = Staging::new(&dir)?;
    // A retried tile replaces the files of an earlier attempt; its record goes last.
    let _ = std::fs::remove_file(dir.join(TILE_FILE));
    let globals = Globals {
        percentiles: &tp.percentiles,
        variograms: &tp.variograms,
    };
    let mut lap = Lap::new();
    let computed = compute(
        &project,
        &p,
        &staging,
        engine,
        &options.cog,
        Some(&globals),
        &mut lap,
    )?;
    let record = TileRecord {
        plan_id: tp.id.clone(),
        tile,
        layers: computed.layers.clone(),
        elements: computed
            .elements
            .iter()
            .map(|g| ElementRecord {
                element: g.element.clone(),
                label: g.label.clone(),
                source: g.source.clone(),
                mapping: g.mapping,
            })
            .collect(),
        commodities: computed
            .commodities
            .iter()
            .map(|c| CommodityRecord {
                commodity: c.commodity.id().to_string(),
                method: c.method,
                summary: c.summary.clone(),
                dropped: c.dropped.clone(),
            })
            .collect(),
        seconds: start.elapsed().as_secs_f64(),
    };
    staging.commit()?;
    // The record appears only once every layer is in place.
    let tmp = dir.join(format!(".{TILE_FILE}.tmp"));
    write_json(&tmp, &record)?;
    std::fs::rename(&tmp, dir.join(TILE_FILE))
        .map_err(|e| Error::output(dir.join(TILE_FILE), format!("cannot write: {e}")))?;
    Ok(TileOutcome::Done(start.elapsed().as_secs_f64()))
}

fn tile_dir(plan_dir: &Path, k: usize) -> PathBuf {
    plan_dir.join("tiles").join(k.to_string())
}

fn read_record(dir: &Path) -> Result<TileRecord> {
    let file = dir.join(TILE_FILE);
    let text = std::fs::read_to_string(&file)
        .map_err(|e| Error::input(&file, format!("tile not finished ({e})")))?;
    serde_json::from_str(&text).map_err(|e| Error::input(&file, format!("unreadable: {e}")))
}

/// Raster files of a finished tile, relative to its folder, sorted.
fn tile_rasters(dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    crate::io::atomic::collect_files(dir, &mut files)
        .map_err(|e| Error::input(dir, format!("cannot list tile outputs: {e}")))?;
    let mut out: Vec<String> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tif"))
        .filter_map(|p| p.strip_prefix(dir).ok())
        .map(|rel| rel.to_string_lossy().into_owned())
        .collect();
    out.sort();
    Ok(out)
}

/// `geoprospect merge`: mosaics the tiles of a plan into `out` and writes the outputs of a
/// single run (targets, samples, report, manifest).
pub fn merge(plan_dir: &Path, out: &Path, engine: &Engine) -> Result<RunSummary> {
    let start = Instant::now();
    let (tp, project) = load_plan(plan_dir)?;
    let mut records = Vec::with_capacity(tp.tiles.len());
    let mut missing = Vec::new();
    for t in &tp.tiles {
        match read_record(&tile_dir(plan_dir, t.index)) {
            Ok(r) if r.plan_id == tp.id => records.push(r),
            _ => missing.push(t.index.to_string()),
        }
    }
    if !missing.is_empty() {
        return Err(Error::input(
            plan_dir,
            format!(
                "tiles not finished for this plan: {} (run `geoprospect run-tile` for them)",
                missing.join(", ")
            ),
        ));
    }
    let p = checked_plan(&tp, &project)?;
    let options = options_of(&tp);
    let mut lap = Lap::new();
    let first = tile_dir(plan_dir, 0);
    let files = tile_rasters(&first)?;
    for t in &tp.tiles[1..] {
        if tile_rasters(&tile_dir(plan_dir, t.index))? != files {
            return Err(Error::input(
                tile_dir(plan_dir, t.index),
                "the tile's layers differ from tile 0's: compute the tile again",
            ));
        }
    }
    let (staging, _local) = super::stage_output(out)?;
    for rel in &files {
        let parts: Vec<PathBuf> = tp
            .tiles
            .iter()
            .map(|t| tile_dir(plan_dir, t.index).join(rel))
            .collect();
        let target = staging.path(rel)?;
        engine.staged(&format!("mosaic {rel}"), 0, || {
            mosaic_to_cog(&parts, &target, &options.cog, engine.threads())
        })?;
    }
    lap.mark("mosaic");
    // The merge ingests nothing: the maps' fault traces are read from the vectors here.
    let faults = VectorCache::default().fault_lines(&project, &p.crs)?;
    let computed = merged_layers(&records, &staging, faults)?;
    finish(
        &project, &p, computed, staging, out, engine, &options, lap, start,
    )
}

/// The layers of a merge, as a single run would describe them.
fn merged_layers(
    records: &[TileRecord],
    staging: &Staging,
    faults: Vec<geo::LineString<f64>>,
) -> Result<Computed> {
    let first = &records[0];
    let elements = first
        .elements
        .iter()
        .map(|e| {
            Ok(ElementGrid {
                element: e.element.clone(),
                label: e.label.clone(),
                source: e.source.clone(),
                mapping: e.mapping,
                classifier: None,
                path: staging.path(&format!("geochem/{}.tif", e.label))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut commodities = Vec::new();
    for c in &first.commodities {
        let commodity = Commodity::parse(&c.commodity).map_err(|_| {
            Error::Internal(format!("tile record: unknown commodity {}", c.commodity))
        })?;
        let mut summary = c.summary.clone();
        summary.scored_cells = records
            .iter()
            .flat_map(|r| r.commodities.iter())
            .filter(|o| o.commodity == c.commodity)
            .map(|o| o.summary.scored_cells)
            .sum();
        commodities.push(CommodityResult {
            commodity,
            path: staging.path(&format!("prospectivity_{}.tif", c.commodity))?,
            summary,
            dropped: c.dropped.clone(),
            validation: None,
            scored_occurrences: 0,
            method: c.method,
            uncertainty: None,
            learned: None,
            compared: Vec::new(),
        });
    }
    Ok(Computed {
        layers: first.layers.clone(),
        elements,
        commodities,
        faults,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_every_row_once_on_unit_boundaries() {
        for (h, unit, n) in [(3000, 512, 3), (100, 512, 1), (10_000, 1024, 7), (5, 1, 5)] {
            let t = split_rows(h, unit, n);
            assert_eq!(t.len(), n);
            assert_eq!(t[0].row0, 0);
            assert_eq!(t.iter().map(|t| t.rows).sum::<usize>(), h);
            assert!(t.windows(2).all(|p| p[0].row0 + p[0].rows == p[1].row0));
            assert!(t.iter().all(|t| t.row0 % unit == 0 && t.rows > 0));
        }
    }

    #[test]
    fn tile_unit_is_whole_blocks_aligned_to_cog_tiles() {
        assert_eq!(tile_unit(1024), 1024);
        assert_eq!(tile_unit(512), 512);
        assert_eq!(tile_unit(128), 512);
        assert_eq!(tile_unit(10), 10);
    }
}
