//! `geoprospect run-tile`: one tile of a plan, the tile number from `--tile` or the cluster's
//! environment.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::pipeline::tiles::{run_tile, tile_from_env, TileOutcome};

use super::{Context, Outcome};

/// `geoprospect run-tile`.
#[derive(Debug, Args)]
pub struct RunTileArgs {
    /// The plan folder.
    pub plan: PathBuf,
    /// Tile number (default: $SLURM_ARRAY_TASK_ID, then $JOB_COMPLETION_INDEX).
    #[arg(long)]
    pub tile: Option<usize>,
    /// Compute the tile again even if it is already done for this plan.
    #[arg(long)]
    pub force: bool,
}

/// Computes the tile.
pub fn run(args: RunTileArgs, ctx: &Context) -> Result<Outcome, Error> {
    let k = tile_from_env(args.tile)?;
    let outcome = run_tile(&args.plan, k, args.force, &ctx.engine()?)?;
    Ok(Outcome::Summary(match outcome {
        TileOutcome::Done(s) => format!("tile {k}: done in {s:.1} s\n"),
        TileOutcome::AlreadyDone => {
            format!("tile {k}: already done for this plan (--force to redo)\n")
        }
    }))
}
