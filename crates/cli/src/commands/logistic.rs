//! `geoprospect logistic`: logistic regression of known deposits against evidence layers.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::ops::logistic::{run_logistic, LogisticRequest, LogisticSummary};

use super::{Context, Outcome};
use crate::args::{Area, Deposits};

/// `geoprospect logistic`.
#[derive(Debug, Args)]
pub struct LogisticArgs {
    /// Evidence layers (predictors) on one analysis grid.
    #[arg(required = true)]
    pub evidence: Vec<PathBuf>,
    /// The study area (`--area`, `--area-where`, `--area-layer`, `--area-crs`).
    #[command(flatten)]
    pub area: Area,
    /// The deposit file and its commodity (`--deposits`, `--commodity`, ...).
    #[command(flatten)]
    pub deposits: Deposits,
    /// Background cells sampled as negatives (default: 10 per deposit).
    #[arg(long)]
    pub background: Option<u64>,
    /// Seed of the background sample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output CSV of coefficients.
    #[arg(long, short)]
    pub out: PathBuf,
}

/// Fits the model and writes its coefficients.
pub fn run(args: LogisticArgs, ctx: &Context) -> Result<Outcome, Error> {
    let request = LogisticRequest {
        evidence: &args.evidence,
        commodity: args.deposits.commodity,
        deposits: args.deposits.source(),
        background: args.background,
        seed: args.seed,
        out: &args.out,
        area: args.area.file(),
    };
    let summary = run_logistic(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&summary)))
}

/// The sample, the fit and the corrected intercept, and what was left out.
fn render(s: &LogisticSummary) -> String {
    let mut text = format!(
        "{}: {} terms from {} {} deposit(s) and {} background cell(s) (seed {}), \
         log-likelihood {:.4}, {} iterations; intercept for the deposit density {:.3e}: {:.4}",
        s.out.display(),
        s.model.terms.len(),
        s.deposits,
        s.commodity,
        s.background,
        s.seed,
        s.model.log_likelihood,
        s.model.iterations,
        s.deposit_density,
        s.corrected_intercept
    );
    if s.on_nodata + s.outside > 0 {
        text.push_str(&format!(
            "; left out: {} deposit(s) outside the grid, {} on nodata",
            s.outside, s.on_nodata
        ));
    }
    text.push('\n');
    text
}
