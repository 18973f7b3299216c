//! Command-line definitions (clap derive); no logic.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Mineral prospectivity mapping for REE, Sn and Mo.
#[derive(Debug, Parser)]
#[command(name = "geoprospect", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// More log lines (-v info, -vv debug).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest a project's inputs onto its analysis grid (layers/*.tif, points/*.csv).
    Run(RunArgs),
    /// Run many surveys (project files, or folders of them), one output folder each.
    Batch(BatchArgs),
    /// Describe an input file: raster, vector or sample table.
    Info(InfoArgs),
}

/// `geoprospect run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The project file (TOML).
    pub project: PathBuf,
    /// Output folder (created if missing).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Compression of the output COGs.
    #[arg(long, value_enum, default_value_t = CompressArg::Deflate)]
    pub compress: CompressArg,
}

/// `geoprospect batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Project files, or folders holding `*.toml` or `*/project.toml`.
    #[arg(required = true)]
    pub projects: Vec<PathBuf>,
    /// Output folder: one subfolder per survey plus batch_summary.csv.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Compression of the output COGs.
    #[arg(long, value_enum, default_value_t = CompressArg::Deflate)]
    pub compress: CompressArg,
}

/// COG compression.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompressArg {
    /// DEFLATE with predictor (readable everywhere).
    Deflate,
    /// ZSTD with predictor (faster).
    Zstd,
}

/// `geoprospect info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// A raster, vector or delimited-text sample file.
    pub file: PathBuf,
    /// X column of a sample table (default: guessed from the header).
    #[arg(long)]
    pub x: Option<String>,
    /// Y column of a sample table (default: guessed from the header).
    #[arg(long)]
    pub y: Option<String>,
    /// Text encoding of a sample table (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
}
