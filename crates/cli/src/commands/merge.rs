//! `geoprospect merge`: the tiles of a plan mosaicked into the outputs of a single run; prints
//! the run's summary.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::pipeline::cluster::merge;

use super::{Context, Outcome};

/// `geoprospect merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The plan folder.
    pub plan: PathBuf,
    /// Output folder (created if missing; or a GDAL virtual path such as /vsis3/bucket/prefix).
    #[arg(long, short)]
    pub out: PathBuf,
}

/// Merges the plan's tiles into the output folder.
pub fn run(args: MergeArgs, ctx: &Context) -> Result<Outcome, Error> {
    let summary = merge(&args.plan, &args.out, &ctx.engine()?)?;
    Ok(Outcome::Summary(super::run::render(&summary, &args.out)))
}
