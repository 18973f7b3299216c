//! `geoprospect plan`: a project's grid split into tiles for a cluster; prints the tiles.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::pipeline::cluster::{plan_tiles, ClusterPlan, PLAN_FILE};
use geoprospect::pipeline::RunOptions;
use geoprospect::project::Project;

use super::{Context, Outcome};
use crate::args::{help, Cog};

/// `geoprospect plan`.
#[derive(Debug, Args)]
#[command(mut_arg("compress", help("Compression of the output COGs")))]
pub struct PlanArgs {
    /// The project file (TOML).
    pub project: PathBuf,
    /// Number of tiles (row bands of whole blocks, aligned to the 512-row COG tiles).
    #[arg(long)]
    pub tiles: usize,
    /// Plan folder, shared by every tile job (plan.json, then tiles/<k>/).
    #[arg(long, short)]
    pub out: PathBuf,
    /// How the COGs are compressed (`--compress`).
    #[command(flatten)]
    pub cog: Cog,
}

/// Plans the tiles into the plan folder.
pub fn run(args: PlanArgs, ctx: &Context) -> Result<Outcome, Error> {
    let project = Project::load(&args.project)?;
    let options = RunOptions {
        cog: args.cog.options(),
    };
    let plan = plan_tiles(&project, args.tiles, &args.out, &ctx.engine()?, &options)?;
    Ok(Outcome::Summary(render(&plan, &args)))
}

/// The tiles, and what to run next.
fn render(plan: &ClusterPlan, args: &PlanArgs) -> String {
    let mut text = format!(
        "plan {} of {}: {} tiles of blocks of {} rows\n",
        plan.id,
        plan.project.display(),
        plan.tiles.len(),
        plan.block_rows
    );
    for t in &plan.tiles {
        text.push_str(&format!(
            "  tile {}: rows {}..{}\n",
            t.index,
            t.row0,
            t.row0 + t.rows
        ));
    }
    text.push_str(&format!(
        "wrote {}; run `geoprospect run-tile {} --tile K` for K = 0..{}, then \
         `geoprospect merge`\n",
        args.out.join(PLAN_FILE).display(),
        args.out.display(),
        plan.tiles.len() - 1
    ));
    text
}
