//! `geoprospect run`: a project's inputs onto its analysis grid.
//!
//! The plan is built and checked before any output is written: the analysis CRS, every sample
//! file (which also fixes the default extent), the grid size, and the occurrences. Then the
//! raster and vector layers are ingested in parallel (one GDAL handle per layer and worker),
//! written into a staging folder and moved into the output folder only when all succeeded.
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::engine::{blocks, Engine};
use crate::error::{Error, Result};
use crate::geochem::censored::Assay;
use crate::grid::GridSpec;
use crate::io::atomic::Staging;
use crate::io::cog::{CogOptions, LayerMeta};
use crate::io::crs::Crs;
use crate::io::deposits::{read_deposits, Occurrence};
use crate::io::raster::ingest_raster;
use crate::io::samples::{read_samples, SampleSet};
use crate::io::vector::{burn_layer, read_vector, Burn};
use crate::project::{Project, RasterKind, VectorRole};

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
    /// One line per ingested layer.
    pub layers: Vec<String>,
    /// One line per sample set.
    pub samples: Vec<String>,
    /// Occurrences read.
    pub occurrences: usize,
    /// Files written, in their final place.
    pub outputs: Vec<PathBuf>,
    /// Wall-clock seconds.
    pub seconds: f64,
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
    let wkt = crs.wkt()?;
    let grid = match s.extent {
        Some(extent) => GridSpec::from_extent(wkt, extent, s.resolution),
        None => {
            let bbox = samples_bbox(&samples).ok_or_else(|| {
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
    let occurrences = match &project.deposits {
        Some(d) => read_deposits(d, &crs)?,
        None => Vec::new(),
    };
    Ok(Plan {
        crs,
        grid,
        samples,
        occurrences,
    })
}

fn samples_bbox(samples: &[SampleSet]) -> Option<[f64; 4]> {
    let mut pts = samples.iter().flat_map(|s| s.points.xy.iter());
    let &(x, y) = pts.next()?;
    Some(pts.fold([x, y, x, y], |b, &(x, y)| {
        [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
    }))
}

/// Runs the ingest of `project` into `out`.
pub fn run(
    project: &Project,
    out: &Path,
    engine: &Engine,
    options: &RunOptions,
) -> Result<RunSummary> {
    let start = Instant::now();
    let plan = plan(project)?;
    let staging = Staging::new(out)?;
    // Layers one after another; within a layer, blocks in parallel on the engine's workers,
    // each with its own GDAL handles.
    let mut layers = Vec::new();
    for task in layer_tasks(project) {
        let target = staging.path(&format!("layers/{}.tif", task.name()))?;
        let progress = engine.progress();
        progress.stage(
            &format!("layer {}", task.name()),
            blocks(&plan.grid).len() as u64,
        );
        let line = task.ingest(&plan, engine, &target, &options.cog)?;
        progress.finish();
        tracing::info!("{line}");
        layers.push(line);
    }
    let mut sample_lines = Vec::new();
    for set in &plan.samples {
        write_samples_csv(
            set,
            &plan.grid,
            &staging.path(&format!("points/{}.csv", set.name))?,
        )?;
        sample_lines.push(format!(
            "{}: {} samples ({} outside the grid), {} element columns, encoding {}, coordinates from {}",
            set.name,
            set.points.xy.len(),
            set.points.xy.iter().filter(|&&(x, y)| plan.grid.cell_of(x, y).is_none()).count(),
            set.elements.len(),
            set.points.table.encoding,
            set.points.source_crs
        ));
    }
    if !plan.occurrences.is_empty() {
        write_occurrences_csv(
            &plan.occurrences,
            &plan.grid,
            &staging.path("points/occurrences.csv")?,
        )?;
    }
    let outputs = staging.commit()?;
    Ok(RunSummary {
        crs: plan.crs.label(),
        grid: plan.grid,
        layers,
        samples: sample_lines,
        occurrences: plan.occurrences.len(),
        outputs,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// One raster or vector input to put on the grid.
enum LayerTask<'a> {
    Raster(&'a crate::project::RasterSource),
    Vector(&'a crate::project::VectorSource),
}

fn layer_tasks(project: &Project) -> Vec<LayerTask<'_>> {
    project
        .rasters
        .iter()
        .map(LayerTask::Raster)
        .chain(project.vectors.iter().map(LayerTask::Vector))
        .collect()
}

impl LayerTask<'_> {
    fn name(&self) -> &str {
        match self {
            LayerTask::Raster(r) => &r.name,
            LayerTask::Vector(v) => &v.name,
        }
    }

    /// Ingests the layer to `target`; returns a one-line summary.
    fn ingest(
        &self,
        plan: &Plan,
        engine: &Engine,
        target: &Path,
        cog: &CogOptions,
    ) -> Result<String> {
        let (grid, crs) = (&plan.grid, &plan.crs);
        match self {
            LayerTask::Raster(r) => {
                let rep = ingest_raster(r, grid, crs, engine, target, cog)?;
                let how = if rep.passthrough {
                    "already on the grid: copied unchanged".to_string()
                } else {
                    format!(
                        "warped from {} ({})",
                        rep.source_crs,
                        format!("{:?}", rep.resampling).to_lowercase()
                    )
                };
                let kind = match r.kind {
                    RasterKind::Continuous => "continuous",
                    RasterKind::Categorical => "categorical",
                };
                Ok(format!(
                    "{}: raster, {kind}, {how}, {} cells with data",
                    r.name, rep.valid_cells
                ))
            }
            LayerTask::Vector(v) => {
                let data = read_vector(
                    &v.path,
                    v.layer.as_deref(),
                    v.filter.as_deref(),
                    v.crs.as_deref(),
                    crs,
                )?;
                let attribute = v.attribute.as_deref();
                if v.role == VectorRole::Geology && attribute.is_none() {
                    return Err(Error::input(
                        &v.path,
                        "a geology layer needs `attribute` (the lithology field)",
                    ));
                }
                let burn = attribute.map_or(Burn::Presence, Burn::Classes);
                let meta = LayerMeta {
                    description: v.name.clone(),
                    inputs: vec![v.path.display().to_string()],
                    items: vec![("GEOPROSPECT_ROLE".into(), v.role.as_str().into())],
                    category_names: Vec::new(),
                };
                let rep = burn_layer(&data, &burn, grid, engine, meta, target, cog)?;
                let what = if rep.classes.is_empty() {
                    "presence".to_string()
                } else {
                    format!("{} classes", rep.classes.len() - 1)
                };
                Ok(format!(
                    "{}: vector ({}), {} features from {}, {what}, {} cells covered",
                    v.name,
                    v.role.as_str(),
                    data.geometries.len(),
                    data.source_crs,
                    rep.covered_cells
                ))
            }
        }
    }
}

/// Samples in the analysis CRS: x, y, whether inside the grid, then for each element column
/// its value in ppm after substitution and a flag (`<` below detection, `>` above range,
/// `na` missing, empty for a measured value).
fn write_samples_csv(set: &SampleSet, grid: &GridSpec, path: &Path) -> Result<()> {
    let err = |e: csv::Error| Error::output(path, format!("cannot write: {e}"));
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    let mut header = vec!["x".to_string(), "y".into(), "in_grid".into()];
    for e in &set.elements {
        header.push(format!("{}_ppm__{}", e.spec.element, e.spec.column));
        header.push(format!("{}_flag__{}", e.spec.element, e.spec.column));
    }
    w.write_record(&header).map_err(err)?;
    for (i, &(x, y)) in set.points.xy.iter().enumerate() {
        let mut rec = vec![
            format!("{x:.3}"),
            format!("{y:.3}"),
            grid.cell_of(x, y).is_some().to_string(),
        ];
        for e in &set.elements {
            let a = e.values[i];
            rec.push(
                set.substitution
                    .substitute(a)
                    .map_or(String::new(), |v| format!("{v}")),
            );
            rec.push(
                match a {
                    Assay::Value(_) => "",
                    Assay::Censored { .. } => "<",
                    Assay::Above { .. } => ">",
                    Assay::Missing => "na",
                }
                .to_string(),
            );
        }
        w.write_record(&rec).map_err(err)?;
    }
    w.flush()
        .map_err(|e| Error::output(path, format!("cannot write: {e}")))
}

/// Occurrences in the analysis CRS with the commodities they count for.
fn write_occurrences_csv(occ: &[Occurrence], grid: &GridSpec, path: &Path) -> Result<()> {
    let err = |e: csv::Error| Error::output(path, format!("cannot write: {e}"));
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(["x", "y", "in_grid", "name", "commodity", "counts_for"])
        .map_err(err)?;
    for o in occ {
        let counts: Vec<String> = o.commodities.iter().map(|c| c.to_string()).collect();
        w.write_record([
            format!("{:.3}", o.x),
            format!("{:.3}", o.y),
            grid.cell_of(o.x, o.y).is_some().to_string(),
            o.name.clone(),
            o.commodity_text.clone(),
            counts.join(";"),
        ])
        .map_err(err)?;
    }
    w.flush()
        .map_err(|e| Error::output(path, format!("cannot write: {e}")))
}

impl RunSummary {
    /// The summary printed after a run: the grid, each layer, each sample set, the outputs.
    pub fn render(&self, out: &Path) -> String {
        let g = &self.grid;
        let [xmin, ymin, xmax, ymax] = g.extent();
        let mut s = format!(
            "analysis grid: {} x {} cells of {} in {}, extent [{xmin}, {ymin}, {xmax}, {ymax}]\n",
            g.width, g.height, g.res, self.crs
        );
        for line in self.layers.iter().chain(&self.samples) {
            s.push_str(&format!("  {line}\n"));
        }
        s.push_str(&format!("  occurrences: {}\n", self.occurrences));
        s.push_str(&format!(
            "wrote {} files to {} in {:.1} s\n",
            self.outputs.len(),
            out.display(),
            self.seconds
        ));
        s
    }
}
