//! `geoprospect validate`: a score map against known deposits; prints the figures, the
//! success-rate curve and the prediction-area plot.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::ops::validate::{run_validate, ValidateRequest};

use super::{Context, Outcome};
use crate::args::Deposits;

/// `geoprospect validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Score map (higher is more prospective) on a north-up grid.
    pub score: PathBuf,
    #[command(flatten)]
    pub deposits: Deposits,
    /// Success-rate curve CSV; the P-A table and the figures go beside it
    /// (<stem>_pa.csv, <stem>_summary.csv).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// Validates the map.
pub fn run(args: ValidateArgs, ctx: &Context) -> Result<Outcome, Error> {
    let request = ValidateRequest {
        score: &args.score,
        commodity: args.deposits.commodity,
        deposits: args.deposits.source(),
        out: args.out.as_deref(),
    };
    let report = run_validate(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(format!(
        "{}\n",
        report.render().trim_end()
    )))
}
