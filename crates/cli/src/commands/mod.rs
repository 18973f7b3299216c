//! The commands, one file each: its arguments (the `--help` text), their translation into the
//! library's typed request, the call, and the rendering of the typed result as text. The
//! [`Command`] enum lists them; [`run`] dispatches.
mod anomalies;
mod batch;
mod catchments;
mod fuzzy;
mod grid;
mod info;
mod logistic;
mod membership;
mod merge;
mod model;
mod overlay;
mod plan;
mod proximity;
mod run;
mod run_tile;
mod singularity;
mod validate;
mod wofe;

use clap::{Parser, Subcommand};
use geoprospect::engine::Engine;
use geoprospect::error::Error;

use crate::args::{Global, ProgressMode};
use crate::ui;

/// Mineral prospectivity mapping for REE, Sn and Mo.
#[derive(Debug, Parser)]
#[command(name = "geoprospect", version, about, propagate_version = true)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest a project's inputs onto its analysis grid (layers/*.tif, points/*.csv).
    Run(run::RunArgs),
    /// Run many surveys (project files, or folders of them), one output folder each.
    Batch(batch::BatchArgs),
    /// Split a project's grid into tiles for a cluster and fix its global quantities.
    Plan(plan::PlanArgs),
    /// Compute one tile of a plan (a Slurm array task or Kubernetes indexed job).
    RunTile(run_tile::RunTileArgs),
    /// Mosaic the tiles of a plan and write the outputs of a single run.
    Merge(merge::MergeArgs),
    /// Describe an input file: raster, vector or sample table.
    Info(info::InfoArgs),
    /// Grid one field of sample points (IDW, nearest, ordinary kriging) into a COG.
    Grid(Box<grid::GridArgs>),
    /// Anomaly thresholds (median+2MAD, Tukey, p95, C-A fractal) and classes of sample assays.
    Anomalies(anomalies::AnomaliesArgs),
    /// Stream-sediment samples over their catchments: nested basins on a filled DEM (D8).
    Catchments(Box<catchments::CatchmentsArgs>),
    /// Distance from each cell to the nearest feature of a vector file.
    Proximity(proximity::ProximityArgs),
    /// Apply a fuzzy membership function (linear, large, small, gaussian, sigmoid) to a layer.
    Membership(membership::MembershipArgs),
    /// Combine layers: fuzzy and, or, product, sum, gamma, or weighted index overlay.
    Overlay(overlay::OverlayArgs),
    /// Evidence layers through transform chains (log, robust z, membership), then one fuzzy
    /// operator, streamed block by block.
    Fuzzy(fuzzy::FuzzyArgs),
    /// Local singularity index (Cheng 2007) of a layer: alpha < 2 marks enrichment.
    Singularity(singularity::SingularityArgs),
    /// Weights of evidence of a class layer against known deposits (CSV table).
    Wofe(wofe::WofeArgs),
    /// Logistic regression of deposits against evidence layers (CSV of coefficients).
    Logistic(logistic::LogisticArgs),
    /// Random forest or gradient boosting of deposits against evidence layers: probability
    /// and uncertainty maps, importance and cross-validation tables.
    Model(Box<model::ModelArgs>),
    /// Success-rate curve, AUC, capture and prediction-area plot of a score map against deposits.
    Validate(validate::ValidateArgs),
}

/// Runs one command.
pub fn run(command: Command, ctx: &Context) -> Result<Outcome, Error> {
    match command {
        Command::Run(a) => run::run(a, ctx),
        Command::Batch(a) => batch::run(a, ctx),
        Command::Plan(a) => plan::run(a, ctx),
        Command::RunTile(a) => run_tile::run(a, ctx),
        Command::Merge(a) => merge::run(a, ctx),
        Command::Info(a) => info::run(a),
        Command::Grid(a) => grid::run(*a, ctx),
        Command::Anomalies(a) => anomalies::run(a, ctx),
        Command::Catchments(a) => catchments::run(*a, ctx),
        Command::Proximity(a) => proximity::run(a, ctx),
        Command::Membership(a) => membership::run(a, ctx),
        Command::Overlay(a) => overlay::run(a, ctx),
        Command::Fuzzy(a) => fuzzy::run(a, ctx),
        Command::Singularity(a) => singularity::run(a, ctx),
        Command::Wofe(a) => wofe::run(a, ctx),
        Command::Logistic(a) => logistic::run(a, ctx),
        Command::Model(a) => model::run(*a, ctx),
        Command::Validate(a) => validate::run(a, ctx),
    }
}

/// What a command hands back to `main` to print.
#[derive(Debug)]
pub enum Outcome {
    /// A summary of what was done: printed unless `--quiet`.
    Summary(String),
    /// What the user asked to see (`info`): printed even with `--quiet`.
    Listing(String),
    /// A summary, then the failure that decides the exit code (a batch in which some surveys
    /// failed).
    Failed(String, Error),
}

/// What the global options give every command.
pub struct Context {
    threads: usize,
    quiet: bool,
    progress: ProgressMode,
}

impl Context {
    /// The context of the global options: `--threads` (default: all cores), `--quiet`,
    /// `--progress`.
    pub fn new(g: &Global) -> Context {
        Context {
            threads: g
                .threads
                .map(usize::from)
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            quiet: g.quiet,
            progress: g.progress,
        }
    }

    /// The block engine with progress shown as the user asked.
    pub fn engine(&self) -> Result<Engine, Error> {
        Ok(Engine::new(self.threads)?.with_progress(ui::progress(self.progress, self.quiet)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// clap's own checks of the definitions (every reworded flag exists, no two flags clash).
    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
