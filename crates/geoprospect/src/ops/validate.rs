//! `geoprospect validate`: a score map against known deposits.
//!
//! The deposits of one commodity (read as a project's `[deposits]`) are located on the score
//! map's grid; those outside the grid or on nodata cells are counted and left out. The map is
//! then read once, block by block, by the run's own validation ([`success_rate`],
//! [`crate::validate`]): the success-rate
//! curve (cumulative fraction of deposits against the fraction of the area, highest scores
//! first), its area (the ROC AUC of the deposits against all scored cells, ties counted half),
//! the deposits captured in the highest-scoring 5, 10 and 20 % of the area, and the
//! prediction-area plot with its intersection.
//!
//! Given a curve file `curve.csv`, three CSV files are written, each atomically:
//! - `curve.csv`: `area_fraction,deposit_fraction,score_threshold`, from `0,0,` (no cell yet)
//!   through one row per distinct deposit score, highest first, to `1,1` (the threshold is
//!   empty for the start and for a closing row below the lowest deposit score);
//! - `curve_pa.csv`: the P-A table, `score_threshold,prediction_rate,area_fraction,
//!   one_minus_area_fraction,normalized_density`, one row per deposit score level;
//! - `curve_summary.csv`: `metric,value` rows `deposits`, `auc`, `capture_5`, `capture_10`,
//!   `capture_20`, `pa_threshold`, `pa_prediction_rate`, `deposits_outside_grid`,
//!   `deposits_on_nodata`, `scored_cells`.
use std::path::{Path, PathBuf};

use crate::commodity::Commodity;
use crate::engine::blocks;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::area::{restrict, AreaFile};
use crate::io::atomic::AtomicFile;
use crate::io::layer::GridLayer;
use crate::ops::deposits::GridDeposits;
use crate::project::DepositSource;
use crate::validate::{
    curve_rows, pa_rows, summary_rows, validate, write_curve_csv, write_pa_csv, AreaCounts,
    CurveRow, PaRow, Validation,
};

/// What `geoprospect validate` is asked to do.
#[derive(Debug, Clone)]
pub struct ValidateRequest<'a> {
    /// The score map (any single-band north-up raster; higher is more prospective).
    pub score: &'a Path,
    /// The deposits file.
    pub deposits: DepositSource,
    /// Commodity whose deposits are used.
    pub commodity: Commodity,
    /// Curve CSV (the P-A table and the summary go beside it).
    pub out: Option<&'a Path>,
    /// Study area: cells outside it are nodata and count in no statistic.
    pub area: Option<AreaFile<'a>>,
}

/// What `geoprospect validate` found.
#[derive(Debug, Clone)]
pub struct ValidateReport {
    /// The commodity.
    pub commodity: Commodity,
    /// The figures.
    pub validation: Validation,
    /// The curve with score levels.
    pub curve: Vec<CurveRow>,
    /// The P-A table.
    pub pa: Vec<PaRow>,
    /// Deposits of the commodity outside the grid.
    pub outside: usize,
    /// Deposits on nodata cells.
    pub on_nodata: usize,
    /// Cells with a score.
    pub scored_cells: u64,
    /// Files written.
    pub outputs: Vec<PathBuf>,
}

/// The P-A table and summary files beside `curve`: `<stem>_pa.csv`, `<stem>_summary.csv`.
pub fn side_files(curve: &Path) -> (PathBuf, PathBuf) {
    let stem = curve
        .file_stem()
        .map_or_else(|| "curve".into(), |s| s.to_string_lossy().into_owned());
    (
        curve.with_file_name(format!("{stem}_pa.csv")),
        curve.with_file_name(format!("{stem}_summary.csv")),
    )
}

/// Runs `geoprospect validate` (module docs).
pub fn run_validate(req: &ValidateRequest, engine: &Engine) -> Result<ValidateReport> {
    let (layer, grid, crs) = GridLayer::open_as_grid(req.score)?;
    let grid = restrict(grid, &crs, req.area.as_ref())?;
    let layer = layer.within(&grid);
    let deposits = GridDeposits::read(&req.deposits, req.commodity, &grid, &crs)?;
    let mut scores = Vec::with_capacity(deposits.cells.len());
    for &(row, col) in &deposits.cells {
        scores.push(layer.read_rows(row, 1)?[col] as f64);
    }
    let on_nodata = scores.iter().filter(|s| s.is_nan()).count();
    let validation = success_rate(&layer, &grid, &scores, engine)?.ok_or_else(|| {
        Error::input(
            &req.deposits.path,
            format!(
                "all {} {} deposits on the grid fall on nodata cells of {}",
                deposits.cells.len(),
                req.commodity,
                req.score.display()
            ),
        )
    })?;
    let curve = curve_rows(&validation, &scores);
    let pa = pa_rows(&curve);
    // The area the fractions refer to.
    let scored_cells = validation.cells;
    let mut report = ValidateReport {
        commodity: req.commodity,
        validation,
        curve,
        pa,
        outside: deposits.outside,
        on_nodata,
        scored_cells,
        outputs: Vec::new(),
    };
    if let Some(out) = req.out {
        report.outputs = write_files(&report, out)?;
    }
    Ok(report)
}

/// Scores of a layer at points of its grid (NaN outside the grid or on nodata).
pub fn scores_at(layer: &GridLayer, grid: &GridSpec, points: &[(f64, f64)]) -> Result<Vec<f64>> {
    points
        .iter()
        .map(|&(x, y)| match grid.cell_of(x, y) {
            Some((row, col)) => Ok(layer.read_rows(row, 1)?[col] as f64),
            None => Ok(f64::NAN),
        })
        .collect()
}

/// The success rate of a score layer against occurrences with these scores (NaN: on nodata),
/// counted in one pass over the layer; `None` when no occurrence has a score.
pub fn success_rate(
    layer: &GridLayer,
    grid: &GridSpec,
    scores: &[f64],
    engine: &Engine,
) -> Result<Option<Validation>> {
    if scores.iter().all(|s| s.is_nan()) {
        return Ok(None);
    }
    let empty = AreaCounts::new(scores);
    let parts = engine.map_blocks(&blocks(grid), |b| {
        let mut c = empty.clone();
        c.add(&layer.read_block(b)?);
        Ok(c)
    })?;
    let mut counts = empty;
    for p in &parts {
        counts.merge(p);
    }
    validate(scores, &counts).map(Some)
}

fn write_files(r: &ValidateReport, out: &Path) -> Result<Vec<PathBuf>> {
    let (pa_path, summary_path) = side_files(out);
    let write = |path: &Path, f: &dyn Fn(std::fs::File) -> csv::Result<()>| -> Result<()> {
        let file = AtomicFile::new(path)?;
        let handle = std::fs::File::create(file.path())
            .map_err(|e| Error::output(path, format!("cannot create: {e}")))?;
        f(handle).map_err(|e| Error::output(path, format!("cannot write: {e}")))?;
        file.commit()
    };
    write(out, &|f| write_curve_csv(&r.curve, f))?;
    write(&pa_path, &|f| write_pa_csv(&r.pa, f))?;
    let mut rows = summary_rows(&r.validation);
    rows.push(("deposits_outside_grid".into(), r.outside.to_string()));
    rows.push(("deposits_on_nodata".into(), r.on_nodata.to_string()));
    rows.push(("scored_cells".into(), r.scored_cells.to_string()));
    write(&summary_path, &|f| {
        let mut w = csv::Writer::from_writer(f);
        w.write_record(["metric", "value"])?;
        for (k, v) in &rows {
            w.write_record([k, v])?;
        }
        w.flush()?;
        Ok(())
    })?;
    Ok(vec![out.to_path_buf(), pa_path, summary_path])
}
