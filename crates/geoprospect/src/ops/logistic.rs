//! `geoprospect logistic`: logistic regression of known deposits against evidence layers
//! ([`crate::models::logistic`]), the coefficients written as CSV.
use std::io::Write;
use std::path::{Path, PathBuf};

use ndarray::Array2;

use crate::commodity::Commodity;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::io::area::{restrict, AreaFile};
use crate::io::atomic::AtomicFile;
use crate::io::layer::{aligned_blocks, GridLayer};
use crate::models::logistic::{fit, sample_ranks, LogisticFit};
use crate::ops::deposits::GridDeposits;
use crate::project::DepositSource;

/// What `geoprospect logistic` is asked to do.
#[derive(Debug, Clone)]
pub struct LogisticRequest<'a> {
    /// Evidence layers on one grid (predictors, in order).
    pub evidence: &'a [PathBuf],
    /// The deposits file.
    pub deposits: DepositSource,
    /// Commodity whose deposits are the positives.
    pub commodity: Commodity,
    /// Background cells (default: 10 per deposit).
    pub background: Option<u64>,
    /// Seed of the background sample.
    pub seed: u64,
    /// Output CSV of coefficients.
    pub out: &'a Path,
    /// Study area: cells outside it are nodata and count in no statistic.
    pub area: Option<AreaFile<'a>>,
}

/// Term names from file stems (paths when two stems are equal).
pub(crate) fn term_names(paths: &[PathBuf]) -> Vec<String> {
    let stems: Vec<String> = paths
        .iter()
        .map(|p| {
            p.file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    stems
        .iter()
        .zip(paths)
        .map(|(s, p)| {
            if stems.iter().filter(|t| *t == s).count() > 1 {
                p.display().to_string()
            } else {
                s.clone()
            }
        })
        .collect()
}

/// What `geoprospect logistic` fitted and wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticSummary {
    /// The output CSV of coefficients.
    pub out: PathBuf,
    /// Commodity whose deposits were the positives.
    pub commodity: Commodity,
    /// Deposits used (on cells where every layer has data).
    pub deposits: usize,
    /// Background cells sampled as negatives.
    pub background: usize,
    /// Seed of the background sample.
    pub seed: u64,
    /// The model: terms (intercept first), coefficients, log-likelihood, iterations.
    pub model: LogisticFit,
    /// Population rate of deposit cells: deposits among them and every eligible cell.
    pub deposit_density: f64,
    /// The intercept corrected from the sample's rate to [`Self::deposit_density`].
    pub corrected_intercept: f64,
    /// Deposits of the commodity outside the grid (left out).
    pub outside: usize,
    /// Deposits on cells where a layer has no data (left out).
    pub on_nodata: usize,
}

/// `geoprospect logistic`: fits deposits against evidence layers and writes the coefficients
/// as CSV (`term, coefficient, std_error, z, p_value`); returns what it fitted.
pub fn run_logistic(req: &LogisticRequest, engine: &Engine) -> Result<LogisticSummary> {
    let first = req
        .evidence
        .first()
        .ok_or_else(|| Error::param("logistic regression needs at least one evidence layer"))?;
    let (_, grid, crs) = GridLayer::open_as_grid(first)?;
    let grid = restrict(grid, &crs, req.area.as_ref())?;
    let layers = req
        .evidence
        .iter()
        .map(|p| GridLayer::open(p, &grid))
        .collect::<Result<Vec<_>>>()?;
    let names = term_names(req.evidence);
    let deposits = GridDeposits::read(&req.deposits, req.commodity, &grid, &crs)?;
    let tile_rows = layers.iter().map(|l| l.tile_rows()).max().unwrap_or(1);
    let grid_blocks = aligned_blocks(&grid, tile_rows);
    let k = layers.len();
    let read = |b: &crate::engine::Block| -> Result<(Vec<Vec<f32>>, Vec<bool>)> {
        let data = layers
            .iter()
            .map(|l| l.read_block(b))
            .collect::<Result<Vec<_>>>()?;
        let mut deposit_cell = vec![false; b.rows * grid.width];
        for i in deposits.in_block(b, grid.width) {
            deposit_cell[i] = true;
        }
        Ok((data, deposit_cell))
    };
    let valid = |data: &[Vec<f32>], i: usize| data.iter().all(|d| !d[i].is_nan());

    // Pass 1: positives and the number of eligible background cells per block.
    let mut positives: Vec<Vec<f64>> = Vec::new();
    let mut on_nodata = 0usize;
    let mut eligible: Vec<u64> = Vec::with_capacity(grid_blocks.len());
    engine.stage(
        "logistic sample, pass 1",
        &grid_blocks,
        |b| {
            let (data, deposit_cell) = read(b)?;
            let mut rows = Vec::new();
            let mut skipped = 0;
            for i in deposits.in_block(b, grid.width) {
                if valid(&data, i) {
                    rows.push(data.iter().map(|d| d[i] as f64).collect::<Vec<f64>>());
                } else {
                    skipped += 1;
                }
            }
            let count = (0..deposit_cell.len())
                .filter(|&i| !deposit_cell[i] && valid(&data, i))
                .count() as u64;
            Ok((rows, skipped, count))
        },
        |_, (rows, skipped, count)| {
            positives.extend(rows);
            on_nodata += skipped;
            eligible.push(count);
            Ok(())
        },
    )?;
    if positives.is_empty() {
        return Err(Error::input(
            &req.deposits.path,
            format!(
                "no {} deposit lies on cells where every evidence layer has data",
                req.commodity
            ),
        ));
    }
    let total: u64 = eligible.iter().sum();
    let wanted = req.background.unwrap_or(10 * positives.len() as u64);
    let ranks = sample_ranks(total, wanted, req.seed);
    let mut offsets = Vec::with_capacity(eligible.len());
    let mut acc = 0u64;
    for &c in &eligible {
        offsets.push(acc);
        acc += c;
    }

    // Pass 2: the background cells at the sampled ranks.
    let mut negatives: Vec<Vec<f64>> = Vec::with_capacity(ranks.len());
    engine.stage(
        "logistic sample, pass 2",
        &grid_blocks,
        |b| {
            let lo = offsets[b.index];
            let hi = lo + eligible[b.index];
            let start = ranks.partition_point(|&r| r < lo);
            let end = ranks.partition_point(|&r| r < hi);
            let mut rows = Vec::with_capacity(end - start);
            if start == end {
                return Ok(rows);
            }
            let (data, deposit_cell) = read(b)?;
            let mut want = ranks[start..end].iter().map(|r| r - lo).peekable();
            let mut rank = 0u64;
            for i in 0..deposit_cell.len() {
                if deposit_cell[i] || !valid(&data, i) {
                    continue;
                }
                if want.peek() == Some(&rank) {
                    rows.push(data.iter().map(|d| d[i] as f64).collect::<Vec<f64>>());
                    want.next();
                }
                rank += 1;
            }
            Ok(rows)
        },
        |_, rows| {
            negatives.extend(rows);
            Ok(())
        },
    )?;
    let n = positives.len() + negatives.len();
    let mut x = Array2::<f64>::zeros((n, k));
    for (i, row) in positives.iter().chain(&negatives).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            x[[i, j]] = v;
        }
    }
    let y: Vec<bool> = (0..n).map(|i| i < positives.len()).collect();
    let model = fit(x.view(), &y, &names)?;
    let file = AtomicFile::new(req.out)?;
    write_coefficients(file.path(), &model)
        .map_err(|e| Error::output(req.out, format!("cannot write the coefficients: {e}")))?;
    file.commit()?;
    // Population rate of positive rows: deposit rows among them and every eligible cell.
    let rate = positives.len() as f64 / (total + positives.len() as u64) as f64;
    Ok(LogisticSummary {
        out: req.out.to_path_buf(),
        commodity: req.commodity,
        deposits: positives.len(),
        background: negatives.len(),
        seed: req.seed,
        corrected_intercept: model.prior_corrected_intercept(rate),
        model,
        deposit_density: rate,
        outside: deposits.outside,
        on_nodata,
    })
}

/// Writes `term, coefficient, std_error, z, p_value`.
pub fn write_coefficients(path: &Path, model: &LogisticFit) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(std::fs::File::create(path)?));
    w.write_record(["term", "coefficient", "std_error", "z", "p_value"])?;
    for ((((t, b), s), z), p) in model
        .terms
        .iter()
        .zip(&model.coefficients)
        .zip(&model.std_errors)
        .zip(model.z())
        .zip(model.p_values())
    {
        w.write_record([
            t.clone(),
            b.to_string(),
            s.to_string(),
            z.to_string(),
            p.to_string(),
        ])?;
    }
    let mut inner = w.into_inner().map_err(|e| e.into_error())?;
    inner.flush()
}
