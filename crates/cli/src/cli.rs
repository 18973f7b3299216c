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
    /// Split a project's grid into tiles for a cluster and fix its global quantities.
    Plan(PlanArgs),
    /// Compute one tile of a plan (a Slurm array task or Kubernetes indexed job).
    RunTile(RunTileArgs),
    /// Mosaic the tiles of a plan and write the outputs of a single run.
    Merge(MergeArgs),
    /// Describe an input file: raster, vector or sample table.
    Info(InfoArgs),
    /// Grid one field of sample points (IDW, nearest, ordinary kriging) into a COG.
    Grid(Box<GridArgs>),
    /// Anomaly thresholds (median+2MAD, Tukey, p95, C-A fractal) and classes of sample assays.
    Anomalies(AnomaliesArgs),
    /// Distance from each cell to the nearest feature of a vector file.
    Proximity(ProximityArgs),
    /// Apply a fuzzy membership function (linear, large, small, gaussian, sigmoid) to a layer.
    Membership(MembershipArgs),
    /// Combine layers: fuzzy and, or, product, sum, gamma, or weighted index overlay.
    Overlay(OverlayArgs),
    /// Evidence layers through transform chains (log, robust z, membership), then one fuzzy
    /// operator, streamed block by block.
    Fuzzy(FuzzyArgs),
    /// Weights of evidence of a class layer against known deposits (CSV table).
    Wofe(WofeArgs),
    /// Logistic regression of deposits against evidence layers (CSV of coefficients).
    Logistic(LogisticArgs),
    /// Success-rate curve, AUC, capture and prediction-area plot of a score map against deposits.
    Validate(ValidateArgs),
}

/// `geoprospect anomalies`.
#[derive(Debug, Args)]
pub struct AnomaliesArgs {
    /// Sample file: CSV/TSV/TXT with coordinate columns, or any OGR point file.
    pub samples: PathBuf,
    /// X (longitude/easting) column of delimited text.
    #[arg(long)]
    pub x: Option<String>,
    /// Y (latitude/northing) column of delimited text.
    #[arg(long)]
    pub y: Option<String>,
    /// CRS of the coordinates, e.g. EPSG:4326 (required for delimited text).
    #[arg(long)]
    pub points_crs: Option<String>,
    /// Element symbols to keep, comma-separated (default: every element column).
    #[arg(long, value_delimiter = ',')]
    pub elements: Vec<String>,
    /// Text encoding of delimited text (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Output folder for thresholds.csv and samples.geojson (created if missing).
    #[arg(long)]
    pub out_dir: PathBuf,
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

/// `geoprospect plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The project file (TOML).
    pub project: PathBuf,
    /// Number of tiles (row bands of whole blocks, aligned to the 512-row COG tiles).
    #[arg(long)]
    pub tiles: usize,
    /// Plan folder, shared by every tile job (plan.json, then tiles/<k>/).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Compression of the output COGs.
    #[arg(long, value_enum, default_value_t = CompressArg::Deflate)]
    pub compress: CompressArg,
}

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

/// `geoprospect merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The plan folder.
    pub plan: PathBuf,
    /// Output folder (created if missing; or a GDAL virtual path such as /vsis3/bucket/prefix).
    #[arg(long, short)]
    pub out: PathBuf,
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
    /// Uncompressed tiles (largest files, fastest to write).
    None,
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

/// `geoprospect grid`.
#[derive(Debug, Args)]
pub struct GridArgs {
    /// Point file: CSV/TSV/TXT with coordinate columns, or any OGR point file.
    pub points: PathBuf,
    /// The field (column) to grid; values stay in its unit (Au_ppb grids ppb).
    #[arg(long)]
    pub field: String,
    /// X column of a delimited text file.
    #[arg(long)]
    pub x: Option<String>,
    /// Y column of a delimited text file.
    #[arg(long)]
    pub y: Option<String>,
    /// CRS of the point coordinates (default: the file's; the grid's for delimited text).
    #[arg(long)]
    pub points_crs: Option<String>,
    /// OGR layer of the point file.
    #[arg(long)]
    pub layer: Option<String>,
    /// Text encoding of a delimited file (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Grid CRS (EPSG code, WKT or PROJ string).
    #[arg(long)]
    pub crs: Option<String>,
    /// Grid extent xmin,ymin,xmax,ymax in the grid CRS.
    #[arg(long, allow_hyphen_values = true)]
    pub extent: Option<String>,
    /// Cell size in grid CRS units.
    #[arg(long)]
    pub resolution: Option<f64>,
    /// Take CRS, extent and cell size from this raster instead.
    #[arg(long)]
    pub like: Option<PathBuf>,
    /// idw, nearest or kriging.
    #[arg(long, default_value = "idw")]
    pub method: String,
    /// IDW power (default 2).
    #[arg(long, allow_negative_numbers = true)]
    pub power: Option<f64>,
    /// Nearest samples used per cell (default 12 for idw, 16 for kriging).
    #[arg(long, alias = "neighbours")]
    pub neighbors: Option<usize>,
    /// Search radius in grid CRS units (default: none); cells with no sample within it are nodata.
    #[arg(long, allow_negative_numbers = true)]
    pub radius: Option<f64>,
    /// Kriging variogram KIND,NUGGET,PARTIAL_SILL,RANGE (default: fitted automatically).
    #[arg(long)]
    pub variogram: Option<String>,
    /// Interpolate log10 of the values and back-transform (values must be positive).
    #[arg(long)]
    pub log: bool,
    /// Output COG.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Compression of the output COG.
    #[arg(long, value_enum, default_value_t = CompressArg::Deflate)]
    pub compress: CompressArg,
}

/// `geoprospect proximity`.
#[derive(Debug, Args)]
pub struct ProximityArgs {
    /// Vector file (lines, polygons, points; any OGR format and CRS).
    pub vector: PathBuf,
    /// Raster whose grid (CRS, extent, cell size) the output takes.
    #[arg(long)]
    pub like: PathBuf,
    /// Output COG (distances in the grid's CRS units).
    #[arg(long, short)]
    pub out: PathBuf,
    /// OGR layer (default: the first).
    #[arg(long)]
    pub layer: Option<String>,
    /// OGR SQL attribute filter, e.g. "type = 'fault'".
    #[arg(long = "where")]
    pub filter: Option<String>,
    /// CRS of a vector file that has none.
    #[arg(long)]
    pub vector_crs: Option<String>,
    /// Compression of the output COG.
    #[arg(long, value_enum, default_value_t = CompressArg::Deflate)]
    pub compress: CompressArg,
}

/// Membership functions.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MembershipFn {
    /// 0 at --low, 1 at --high, linear between.
    Linear,
    /// 1 / (1 + (x / midpoint)^-spread): large values favourable.
    Large,
    /// 1 / (1 + (x / midpoint)^spread): small values favourable.
    Small,
    /// exp(-spread (x - midpoint)^2).
    Gaussian,
    /// 1 / (1 + exp(-slope (x - midpoint))).
    Sigmoid,
}

/// `geoprospect membership`.
#[derive(Debug, Args)]
pub struct MembershipArgs {
    /// Input layer on an analysis grid.
    pub input: PathBuf,
    /// The membership function.
    #[arg(long = "fn", value_enum)]
    pub function: MembershipFn,
    /// Value (or percentile such as p10) where a linear membership is 0.
    #[arg(long, allow_hyphen_values = true)]
    pub low: Option<String>,
    /// Value (or percentile such as p98) where a linear membership is 1.
    #[arg(long, allow_hyphen_values = true)]
    pub high: Option<String>,
    /// Midpoint: a value or a percentile such as p90.
    #[arg(long, allow_hyphen_values = true)]
    pub midpoint: Option<String>,
    /// Spread of large, small (ArcGIS default 5) and gaussian (default 0.1).
    #[arg(long)]
    pub spread: Option<f64>,
    /// Slope of sigmoid (negative: decreasing).
    #[arg(long, allow_hyphen_values = true)]
    pub slope: Option<f64>,
    /// Output COG.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Compression of the output COG.
    #[arg(long, value_enum, default_value_t = CompressArg::Deflate)]
    pub compress: CompressArg,
}

/// Overlay operators.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OverlayOp {
    /// Fuzzy AND: minimum.
    And,
    /// Fuzzy OR: maximum.
    Or,
    /// Algebraic product.
    Product,
    /// Algebraic sum 1 - prod(1 - m).
    Sum,
    /// Gamma: sum^gamma * product^(1 - gamma).
    Gamma,
    /// Weighted index overlay: sum(w m) / sum(w).
    Index,
}

/// `geoprospect overlay`.
#[derive(Debug, Args)]
pub struct OverlayArgs {
    /// Input layers, all on the grid of the first.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The operator.
    #[arg(long, value_enum)]
    pub op: OverlayOp,
    /// Gamma of --op gamma, in [0, 1].
    #[arg(long)]
    pub gamma: Option<f64>,
    /// Weights of --op index, one per input, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub weights: Vec<f64>,
    /// Output COG.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Compression of the output COG.
    #[arg(long, value_enum, default_value_t = CompressArg::Deflate)]
    pub compress: CompressArg,
}

/// `geoprospect fuzzy`.
#[derive(Debug, Args)]
pub struct FuzzyArgs {
    /// A layer and its transform chain: PATH:STEP,STEP,... with steps log, ln, robust-z,
    /// linear:LOW:HIGH, large:MID:SPREAD, small:MID:SPREAD, gaussian:MID:SPREAD,
    /// sigmoid:MID:SLOPE (thresholds may be percentiles, e.g. p90); repeat per layer.
    #[arg(long = "layer", required = true)]
    pub layers: Vec<String>,
    /// The fuzzy operator.
    #[arg(long, value_enum)]
    pub op: FuzzyOpArg,
    /// Gamma of --op gamma, in [0, 1].
    #[arg(long)]
    pub gamma: Option<f64>,
    /// Output COG.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Compression of the output COG.
    #[arg(long, value_enum, default_value_t = CompressArg::Deflate)]
    pub compress: CompressArg,
}

/// Fuzzy operators of `geoprospect fuzzy`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FuzzyOpArg {
    /// Minimum.
    And,
    /// Maximum.
    Or,
    /// Algebraic product.
    Product,
    /// Algebraic sum 1 - prod(1 - m).
    Sum,
    /// Gamma: sum^gamma * product^(1 - gamma).
    Gamma,
}

/// Deposit file options shared by wofe and logistic.
#[derive(Debug, Args)]
pub struct DepositArgs {
    /// Known deposits: points in any OGR format, or CSV with --x/--y/--deposits-crs.
    #[arg(long)]
    pub deposits: PathBuf,
    /// Commodity whose deposits are used: REE, Sn or Mo.
    #[arg(long)]
    pub commodity: String,
    /// Attribute naming each deposit's commodities.
    #[arg(long, default_value = "commodity")]
    pub deposit_attribute: String,
    /// X column of a CSV deposit file.
    #[arg(long)]
    pub x: Option<String>,
    /// Y column of a CSV deposit file.
    #[arg(long)]
    pub y: Option<String>,
    /// CRS of a CSV deposit file (or of a file without one).
    #[arg(long, alias = "points-crs")]
    pub deposits_crs: Option<String>,
    /// OGR layer of the deposit file.
    #[arg(long)]
    pub deposits_layer: Option<String>,
}

/// Cumulative weights tables.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Cumulative {
    /// Classes <= c (small values favourable, e.g. distance classes).
    Ascending,
    /// Classes >= c (large values favourable, e.g. concentration classes).
    Descending,
}

/// `geoprospect wofe`.
#[derive(Debug, Args)]
pub struct WofeArgs {
    /// Class layer (Int32, or Float32 with integral values) on an analysis grid.
    pub evidence: PathBuf,
    #[command(flatten)]
    pub deposit: DepositArgs,
    /// Unit cell area in km².
    #[arg(long, default_value_t = 1.0)]
    pub unit_cell_km2: f64,
    /// Cumulative table instead of one row per class.
    #[arg(long, value_enum)]
    pub cumulative: Option<Cumulative>,
    /// Generalise a cumulative table to binary: max-contrast, max-studentized or cut=CLASS.
    #[arg(long)]
    pub generalise: Option<String>,
    /// Output CSV.
    #[arg(long, short)]
    pub out: PathBuf,
}

/// `geoprospect logistic`.
#[derive(Debug, Args)]
pub struct LogisticArgs {
    /// Evidence layers (predictors) on one analysis grid.
    #[arg(required = true)]
    pub evidence: Vec<PathBuf>,
    #[command(flatten)]
    pub deposit: DepositArgs,
    /// Background cells sampled as negatives (default: 10 per deposit).
    #[arg(long)]
    pub background: Option<u64>,
    /// Seed of the background sample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output CSV of coefficients.
    #[arg(long, short)]
    pub out: PathBuf,
}

/// `geoprospect validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Score map (higher is more prospective) on a north-up grid.
    pub score: PathBuf,
    #[command(flatten)]
    pub deposit: DepositArgs,
    /// Success-rate curve CSV; the P-A table and the figures go beside it
    /// (<stem>_pa.csv, <stem>_summary.csv).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}
