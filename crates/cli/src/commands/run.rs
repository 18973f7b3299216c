//! `geoprospect run`: a project from its inputs to prospectivity maps; prints the run's summary.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::pipeline::{self, RunOptions};
use geoprospect::project::Project;

use super::{Context, Outcome};
use crate::args::{help, Cog};

/// `geoprospect run`.
#[derive(Debug, Args)]
#[command(mut_arg("compress", help("Compression of the output COGs")))]
pub struct RunArgs {
    /// The project file (TOML).
    pub project: PathBuf,
    /// Output folder (created if missing).
    #[arg(long, short)]
    pub out: PathBuf,
    #[command(flatten)]
    pub cog: Cog,
}

/// Runs the project into the output folder.
pub fn run(args: RunArgs, ctx: &Context) -> Result<Outcome, Error> {
    let project = Project::load(&args.project)?;
    let options = RunOptions {
        cog: args.cog.options(),
    };
    let summary = pipeline::run(&project, &args.out, &ctx.engine()?, &options)?;
    Ok(Outcome::Summary(summary.render(&args.out)))
}
