//! `geoprospect run-tile`: one tile of a plan, the tile number from `--tile` or the cluster's
//! environment.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::pipeline::cluster::{run_tile, TileOutcome};

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
    let k = tile(args.tile, |var| std::env::var(var).ok())?;
    let outcome = run_tile(&args.plan, k, args.force, &ctx.engine()?)?;
    Ok(Outcome::Summary(match outcome {
        TileOutcome::Done(s) => format!("tile {k}: done in {s:.1} s\n"),
        TileOutcome::AlreadyDone => {
            format!("tile {k}: already done for this plan (--force to redo)\n")
        }
    }))
}

/// The tile to run: `--tile`, else `$SLURM_ARRAY_TASK_ID`, else `$JOB_COMPLETION_INDEX`
/// (Kubernetes indexed jobs), as `env` reads them.
fn tile(given: Option<usize>, env: impl Fn(&str) -> Option<String>) -> Result<usize, Error> {
    if let Some(k) = given {
        return Ok(k);
    }
    for var in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
        if let Some(v) = env(var) {
            return v
                .trim()
                .parse()
                .map_err(|_| Error::param(format!("${var} is {v:?}, not a tile number")));
        }
    }
    Err(Error::param(
        "no tile given: pass --tile K, or run as a Slurm array task or Kubernetes indexed job",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_from_flag_then_slurm_then_kubernetes() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let both = env(&[
            ("SLURM_ARRAY_TASK_ID", " 3\n"),
            ("JOB_COMPLETION_INDEX", "5"),
        ]);
        assert_eq!(tile(Some(1), both).unwrap(), 1);
        assert_eq!(tile(None, both).unwrap(), 3);
        assert_eq!(
            tile(None, env(&[("JOB_COMPLETION_INDEX", "5")])).unwrap(),
            5
        );
        assert_eq!(
            tile(None, env(&[("SLURM_ARRAY_TASK_ID", "x")]))
                .unwrap_err()
                .to_string(),
            "$SLURM_ARRAY_TASK_ID is \"x\", not a tile number"
        );
        assert_eq!(
            tile(None, env(&[])).unwrap_err().to_string(),
            "no tile given: pass --tile K, or run as a Slurm array task or Kubernetes indexed job"
        );
    }
}
