//! `geoprospect batch`: many surveys, one output folder each; prints a table of how each went.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::pipeline::batch::{find_projects, run_batch, BatchSummary};
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
    /// How the COGs are compressed (`--compress`).
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
    let text = render(&summary);
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

/// An aligned table for the terminal: one row per survey, then the counts.
fn render(summary: &BatchSummary) -> String {
    let width = summary
        .surveys
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = format!(
        "{:<width$}  {:<6}  {:>8}  result\n",
        "survey", "status", "seconds"
    );
    for s in &summary.surveys {
        let (status, text) = match &s.result {
            Ok(t) => ("ok", t.to_string()),
            Err(e) => ("failed", e.to_string()),
        };
        out.push_str(&format!(
            "{:<width$}  {status:<6}  {:>8.2}  {text}\n",
            s.name, s.seconds
        ));
    }
    out.push_str(&format!(
        "{} surveys, {} failed\n",
        summary.surveys.len(),
        summary.failed()
    ));
    out
}
