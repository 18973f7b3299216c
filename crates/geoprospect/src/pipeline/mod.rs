//! `geoprospect run`: a survey from its inputs to prospectivity maps.
//!
//! The plan is built and checked before any output is written: the analysis CRS, every sample
//! file (which also fixes the default extent), the grid size, and the occurrences. Then, each
//! stage block by block on the engine's workers, into a staging folder whose files are moved
//! into the output folder only when every stage succeeded:
//! 1. [`ingest`]: raster and vector inputs onto the grid (`layers/`);
//! 2. [`points`]: samples and occurrences in the analysis CRS (`points/`);
//! 3. [`geochem`]: element grids (`geochem/`);
//! 4. [`prospectivity`]: evidence memberships and scores per commodity (`evidence/`,
//!    `prospectivity_<c>.tif`), validated against the occurrences;
//! 5. [`outputs`]: target zones, samples as GeoJSON and a cross-validation per commodity
//!    ([`crossval`]), then `manifest.json` over every staged file.
pub mod batch;
mod catchments;
pub mod cluster;
mod coverage;
pub mod crossval;
pub mod geochem;
pub mod ingest;
pub mod outputs;
pub mod points;
pub mod prospectivity;
pub mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::area::StudyArea;
use crate::engine::{blocks, Engine};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::area::{on_grid, read_area};
use crate::io::atomic::Staging;
use crate::io::cog::CogOptions;
use crate::io::crs::Crs;
use crate::io::vsi;
use crate::ops::area::area_file;
use crate::ops::deposits::{read_deposits, Occurrence};
use crate::ops::samples::{read_samples, SampleSet};
use crate::progress::Progress;
use crate::project::Project;

use ingest::layer_tasks;
pub use ingest::LayerReport;
use points::{write_occurrences_csv, write_samples_csv};
use prospectivity::{
    score_commodities, validate_commodities, CommodityResult, Layers, VectorCache,
};

/// How to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// COG settings.
    pub cog: CogOptions,
}

/// What a run produced.
#[derive(Debug)]
pub struct RunSummary {
    /// The analysis grid.
    pub grid: GridSpec,
    /// Label of the analysis CRS.
    pub crs: String,
    /// What ingest did with each input layer.
    pub layers: Vec<LayerReport>,
    /// Each sample set as read.
    pub samples: Vec<SampleReport>,
    /// Occurrences read.
    pub occurrences: usize,
    /// For each scored commodity, the occurrences that count for it by commodity text.
    pub occurrence_labels: Vec<OccurrenceLabels>,
    /// Each element grid and where it comes from.
    pub geochem: Vec<GridReport>,
    /// The prospectivity maps.
    pub commodities: Vec<CommodityResult>,
    /// Files written, in their final place.
    pub outputs: Vec<PathBuf>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Targets, samples files and cross-validation (the outputs stage).
    pub products: outputs::Products,
    /// `(stage, seconds)` in run order.
    pub timings: Vec<(String, f64)>,
}

/// The occurrences that count for one commodity, by the commodity text that named it.
#[derive(Debug, Clone, PartialEq)]
pub struct OccurrenceLabels {
    /// The commodity.
    pub commodity: crate::commodity::Commodity,
    /// Occurrences counting for it.
    pub total: usize,
    /// `(commodity text, occurrences)`, most frequent first.
    pub labels: Vec<(String, usize)>,
}

/// How the occurrences of `plan` count for each of `commodities`.
fn occurrence_labels(
    plan: &Plan,
    commodities: &[crate::commodity::Commodity],
) -> Vec<OccurrenceLabels> {
    commodities
        .iter()
        .map(|&c| {
            let mut by_text: BTreeMap<&str, usize> = BTreeMap::new();
            for o in plan
                .occurrences
                .iter()
                .filter(|o| o.commodities.contains(&c))
            {
                *by_text.entry(o.commodity_text.as_str()).or_default() += 1;
            }
            let mut labels: Vec<(String, usize)> = by_text
                .into_iter()
                .map(|(t, n)| (t.to_string(), n))
                .collect();
            labels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            OccurrenceLabels {
                commodity: c,
                total: labels.iter().map(|l| l.1).sum(),
                labels,
            }
        })
        .collect()
}

/// A sample set as a run read it.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleReport {
    /// The set's name.
    pub name: String,
    /// Samples read.
    pub samples: usize,
    /// Samples outside the grid (or the study area).
    pub outside: usize,
    /// Element columns.
    pub elements: usize,
    /// Text encoding of the file.
    pub encoding: String,
    /// Label of the coordinates' CRS.
    pub source_crs: String,
}

/// An element grid of a run: its label and the column (or expression) it was gridded from.
#[derive(Debug, Clone, PartialEq)]
pub struct GridReport {
    /// The grid's label (element, `TREO`, derived variable).
    pub label: String,
    /// `set: column`, or the expression of a derived variable.
    pub source: String,
    /// Interpolated (and how far from the samples) or over catchments.
    pub mapping: geochem::Mapping,
}

/// Everything read and checked before writing: the plan of a run.
pub struct Plan {
    /// Analysis CRS.
    pub crs: Crs,
    /// Analysis grid.
    pub grid: GridSpec,
    /// Sample sets, located.
    pub samples: Vec<SampleSet>,
    /// Known occurrences.
    pub occurrences: Vec<Occurrence>,
    /// The study area (its cells are `grid.area`), when the project has one.
    pub area: Option<StudyArea>,
}

impl Plan {
    /// Whether the point `(x, y)` is in the study area (any point of the grid, without one).
    pub fn in_area(&self, x: f64, y: f64) -> bool {
        match &self.area {
            Some(a) => a.contains(x, y),
            None => self.grid.cell_of(x, y).is_some(),
        }
    }
}

/// Reads and checks a project's point inputs and fixes the analysis grid.
pub fn plan(project: &Project) -> Result<Plan> {
    let s = &project.project;
    let crs =
        Crs::parse(&s.crs).map_err(|m| Error::input(&project.file, format!("project.crs: {m}")))?;
    let samples = project
        .samples
        .iter()
        .map(|src| read_samples(src, &crs))
        .collect::<Result<Vec<_>>>()?;
    let area = match &project.area {
        Some(a) => Some(read_area(&area_file(a), &crs)?),
        None => None,
    };
    let wkt = crs.wkt()?;
    let grid = match s.extent {
        Some(extent) => GridSpec::from_extent(wkt, extent, s.resolution),
        None => {
            // The study area's bounding box, else the samples'.
            let bbox = area
                .as_ref()
                .and_then(StudyArea::bounds)
                .or_else(|| samples_bbox(&samples))
                .ok_or_else(|| {
                    Error::input(
                        &project.file,
                        "project.extent is missing and no sample has coordinates",
                    )
                })?;
            GridSpec::around(
                wkt,
                bbox,
                s.margin.unwrap_or(10.0 * s.resolution),
                s.resolution,
            )
        }
    }
    .map_err(|e| Error::input(&project.file, e.to_string()))?;
    let grid = match (&area, &project.area) {
        (Some(area), Some(source)) => on_grid(area, &grid, &source.path)?,
        _ => grid,
    };
    let occurrences = match &project.deposits {
        Some(d) => read_deposits(d, &crs)?,
        None => Vec::new(),
    };
    Ok(Plan {
        crs,
        grid,
        samples,
        occurrences,
        area,
    })
}

fn samples_bbox(samples: &[SampleSet]) -> Option<[f64; 4]> {
    let mut pts = samples.iter().flat_map(|s| s.points.xy.iter());
    let &(x, y) = pts.next()?;
    Some(pts.fold([x, y, x, y], |b, &(x, y)| {
        [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
    }))
}

/// The phases of a run, each closed by a [`Lap::mark`]: plan, ingest, geochem, prospectivity,
/// points and validation, report, manifest. They are the steps of the run's outer progress
/// stage `run`, whose inner stages are the layers, grids and maps of each phase.
pub const RUN_PHASES: u64 = 7;

/// Runs `project` into `out`.
pub fn run(
    project: &Project,
    out: &Path,
    engine: &Engine,
    options: &RunOptions,
) -> Result<RunSummary> {
    engine.staged("run", RUN_PHASES, || {
        let start = Instant::now();
        let mut lap = Lap::reporting(engine.progress());
        let plan = plan(project)?;
        prospectivity::check_training(project, &plan)?;
        lap.mark("plan");
        let (staging, _local) = stage_output(out)?;
        let computed = compute(
            project,
            &plan,
            &staging,
            engine,
            &options.cog,
            None,
            &mut lap,
        )?;
        finish(
            project, &plan, computed, staging, out, engine, options, lap, start,
        )
    })
}

/// Stage timings: `(stage, seconds)` in run order; each mark may also be one step of a
/// progress stage (a run's phases).
pub struct Lap<'a> {
    timings: Vec<(String, f64)>,
    since: Instant,
    progress: Option<&'a dyn Progress>,
}

impl Lap<'static> {
    /// Starts timing.
    pub fn new() -> Lap<'static> {
        Lap {
            timings: Vec::new(),
            since: Instant::now(),
            progress: None,
        }
    }
}

impl<'a> Lap<'a> {
    /// Starts timing; each mark advances the current stage of `progress` by one step.
    pub fn reporting(progress: &'a dyn Progress) -> Lap<'a> {
        Lap {
            progress: Some(progress),
            ..Lap::new()
        }
    }

    /// Records the time since the last mark as `stage`.
    pub fn mark(&mut self, stage: &str) {
        self.timings
            .push((stage.to_string(), self.since.elapsed().as_secs_f64()));
        self.since = Instant::now();
        if let Some(progress) = self.progress {
            progress.advance(1);
        }
    }
}

impl Default for Lap<'static> {
    fn default() -> Self {
        Lap::new()
    }
}

/// The layers a run computes on its grid (or the grid's window, for a tile).
pub struct Computed {
    /// What ingest did with each input layer.
    pub layers: Vec<LayerReport>,
    /// Element grids.
    pub elements: Vec<geochem::ElementGrid>,
    /// Score maps, not yet validated.
    pub commodities: Vec<CommodityResult>,
    /// Fault traces in the analysis CRS, for the maps.
    pub faults: Vec<geo::LineString<f64>>,
}

/// The global quantities a plan fixes for its tiles.
pub struct Globals<'a> {
    /// Percentile thresholds by commodity and evidence.
    pub percentiles: &'a prospectivity::PlanPercentiles,
    /// Variogram models by element grid.
    pub variograms: &'a geochem::Variograms,
}

/// Ingest, geochemistry and prospectivity of `plan`'s grid into `staging`.
pub fn compute(
    project: &Project,
    plan: &Plan,
    staging: &Staging,
    engine: &Engine,
    cog: &CogOptions,
    globals: Option<&Globals>,
    lap: &mut Lap<'_>,
) -> Result<Computed> {
    // Layers one after another; within a layer, blocks in parallel on the engine's workers,
    // each with its own GDAL handles.
    let mut layers = Vec::new();
    let mut ingested = BTreeMap::new();
    let mut vectors = VectorCache::default();
    if plan.grid.window.is_none() {
        coverage::check_coverage(project, plan, &mut vectors)?;
    }
    for task in layer_tasks(project) {
        let target = staging.path(&format!("layers/{}.tif", task.name()))?;
        let line = engine.staged(
            &format!("layer {}", task.name()),
            blocks(&plan.grid).len() as u64,
            || task.ingest(plan, engine, &target, cog, &mut vectors),
        )?;
        tracing::info!("layer {} ingested", line.name());
        layers.push(line);
        ingested.insert(task.name().to_string(), target);
    }
    lap.mark("ingest");
    let dem = project.dem().and_then(|d| {
        ingested
            .get(&d.name)
            .map(|layer: &PathBuf| (layer.as_path(), d.path.as_path()))
    });
    let elements = geochem::grid_elements(
        plan,
        &project.geochem,
        staging,
        engine,
        cog,
        globals.map(|g| g.variograms),
        dem,
    )?;
    lap.mark("geochem");
    let mut available = Layers {
        ingested,
        elements: &elements,
        distances: BTreeMap::new(),
        vectors,
    };
    let commodities = score_commodities(
        project,
        plan,
        &mut available,
        staging,
        engine,
        cog,
        globals.map(|g| g.percentiles),
    )?;
    lap.mark("prospectivity");
    let faults = available.vectors.fault_lines(project, &plan.crs)?;
    Ok(Computed {
        layers,
        elements,
        commodities,
        faults,
    })
}

/// Points, validation, targets, report and manifest of computed layers; then the staged files
/// are moved into `out`.
#[allow(clippy::too_many_arguments)]
pub fn finish(
    project: &Project,
    plan: &Plan,
    computed: Computed,
    staging: Staging,
    out: &Path,
    engine: &Engine,
    options: &RunOptions,
    mut lap: Lap<'_>,
    start: Instant,
) -> Result<RunSummary> {
    let Computed {
        layers,
        elements,
        mut commodities,
        faults,
    } = computed;
    let mut sample_reports = Vec::new();
    for set in &plan.samples {
        write_samples_csv(
            set,
            &plan.grid,
            &staging.path(&format!("points/{}.csv", set.name))?,
        )?;
        sample_reports.push(SampleReport {
            name: set.name.clone(),
            samples: set.points.xy.len(),
            outside: set
                .points
                .xy
                .iter()
                .filter(|&&(x, y)| !plan.in_area(x, y))
                .count(),
            elements: set.elements.len(),
            encoding: set.points.table.encoding.to_string(),
            source_crs: set.points.source_crs.clone(),
        });
    }
    if !plan.occurrences.is_empty() {
        write_occurrences_csv(
            &plan.occurrences,
            &plan.grid,
            &staging.path("points/occurrences.csv")?,
        )?;
    }
    validate_commodities(&mut commodities, plan, engine)?;
    lap.mark("points and validation");
    let geochem = elements
        .iter()
        .map(|g| GridReport {
            label: g.label.clone(),
            source: g.source.clone(),
            mapping: g.mapping,
        })
        .collect();
    let products =
        outputs::write_outputs(project, plan, &commodities, &elements, &staging, engine)?;
    lap.timings.extend(products.timings.iter().cloned());
    lap.since = Instant::now();
    report::write_report_stage(
        project,
        plan,
        &commodities,
        &elements,
        &products,
        &faults,
        &staging,
    )?;
    lap.mark("report");
    outputs::write_manifest(
        project,
        plan,
        &commodities,
        &products,
        &lap.timings,
        &staging,
        engine,
        options,
    )?;
    lap.mark("manifest");
    let staged = staging.root().to_path_buf();
    let outputs = publish(staging, out)?;
    let commodities = commodities
        .into_iter()
        .map(|mut c| {
            let placed = |p: &Path| out.join(p.strip_prefix(&staged).unwrap_or(p));
            c.path = placed(&c.path);
            c.uncertainty = c.uncertainty.as_deref().map(placed);
            for m in &mut c.compared {
                m.path = placed(&m.path);
                m.uncertainty = m.uncertainty.as_deref().map(placed);
            }
            c
        })
        .collect();
    Ok(RunSummary {
        crs: plan.crs.label(),
        grid: plan.grid.clone(),
        layers,
        samples: sample_reports,
        occurrences: plan.occurrences.len(),
        occurrence_labels: if plan.occurrences.is_empty() {
            Vec::new()
        } else {
            occurrence_labels(plan, &project.commodities())
        },
        geochem,
        commodities,
        outputs,
        seconds: start.elapsed().as_secs_f64(),
        products,
        timings: lap.timings,
    })
}

/// The staging folder of a run into `out`: inside `out`, or, when `out` is a GDAL virtual
/// path (object storage), inside a local temporary folder (returned with it).
pub fn stage_output(out: &Path) -> Result<(Staging, Option<tempfile::TempDir>)> {
    if vsi::is_virtual(out) {
        let local = vsi::local_staging_root()?;
        Ok((Staging::new(local.path())?, Some(local)))
    } else {
        Ok((Staging::new(out)?, None))
    }
}

/// Moves the staged outputs into `out`; to object storage, uploads them one by one with
/// `manifest.json` last (object stores have no rename: the manifest marks a complete output).
fn publish(staging: Staging, out: &Path) -> Result<Vec<PathBuf>> {
    if !vsi::is_virtual(out) {
        return staging.commit();
    }
    let root = staging.root().to_path_buf();
    let mut staged = Vec::new();
    crate::io::atomic::collect_files(&root, &mut staged)
        .map_err(|e| Error::output(&root, format!("cannot list staged outputs: {e}")))?;
    let mut files: Vec<PathBuf> = staged
        .iter()
        .filter_map(|p| p.strip_prefix(&root).ok().map(Path::to_path_buf))
        .collect();
    files.sort_by_key(|rel| (rel == Path::new("manifest.json"), rel.clone()));
    let mut placed = Vec::with_capacity(files.len());
    for rel in files {
        let target = out.join(&rel);
        vsi::upload(&root.join(&rel), &target)?;
        placed.push(target);
    }
    Ok(placed)
}
