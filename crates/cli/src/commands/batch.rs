//! `geoprospect batch`: many surveys, one output folder each; prints a table of how each went.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::pipeline::batch::{find_projects, run_batch};
use geoprospect::pipeline::RunOptions;

use super::{Context, Outcome};
use crate::args::{help, Cog};

/// `geoprospect batch`.
#[derive(Debug, Args)]
#[command(mut_arg("compress", help("Compression of the output COGs")))]
pub struct BatchArgs {
    /// Project files, or folders holding `*.toml` or `*/project.toml`.
    #[arg(required = true)]
    pub projects: Vec<PathBuf>,
    /// Output folder: one subfolder per survey plus batch_summary.csv.
    #[arg(long, short)]
    pub out: PathBuf,
    #[command(flatten)]
    pub cog: Cog,
}

/// Runs every survey; fails with the worst exit code of the surveys that failed.
pub fn run(args: BatchArgs, ctx: &Context) -> Result<Outcome, Error> {
    let projects = find_projects(&args.projects)?;
    let options = RunOptions {
        cog: args.cog.options(),
    };
    let summary = run_batch(&projects, &args.out, &ctx.engine()?, &options)?;
    let text = summary.render();
    Ok(match summary.failed() {
        0 => Outcome::Summary(text),
        n => Outcome::Failed(
            text,
            Error::Failed {
                message: format!(
                    "{n} of {} surveys failed (see {})",
                    summary.surveys.len(),
                    args.out.join("batch_summary.csv").display()
                ),
                code: summary.exit_code(),
            },
        ),
    })
}
