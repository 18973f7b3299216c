//! `geoprospect singularity`: the local singularity index of a layer (Cheng 2007).
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::evidence::singularity::Windows;
use geoprospect::ops::singularity::{run_singularity, SingularityRequest, SingularitySummary};

use super::{Context, Outcome};
use crate::args::CogOutput;
use crate::values;

/// `geoprospect singularity`.
#[derive(Debug, Args)]
pub struct SingularityArgs {
    /// Input layer on an analysis grid (values > 0: concentrations).
    pub input: PathBuf,
    /// Sides of the centred square windows, in cells: odd, at least two.
    #[arg(long, default_value = "1,3,5,7,9", value_parser = values::windows)]
    pub windows: Windows,
    /// The output COG and its compression (`--out`, `--compress`).
    #[command(flatten)]
    pub output: CogOutput,
}

/// Writes the singularity index of the layer.
pub fn run(args: SingularityArgs, ctx: &Context) -> Result<Outcome, Error> {
    let request = SingularityRequest {
        input: &args.input,
        windows: args.windows,
        out: &args.output.out,
        cog: args.output.cog.options(),
    };
    let summary = run_singularity(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&summary)))
}

/// `out.tif: singularity over windows 1, 3, 5 cells; 9876 cells, α 1.62 to 2.31, 1234 below 2`.
fn render(s: &SingularitySummary) -> String {
    let sides: Vec<String> = s.windows.sides().iter().map(|w| w.to_string()).collect();
    format!(
        "{}: singularity index over windows of {} cells; {} cells with an index, {:.4} to {:.4}, \
         {} below 2 (enrichment)\n",
        s.out.display(),
        sides.join(", "),
        s.valid,
        s.range.0,
        s.range.1,
        s.enriched
    )
}
