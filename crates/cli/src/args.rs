//! Argument groups that several commands share, each flattened into them once
//! (`#[command(flatten)]`): the global options, the coordinates of a point file, the text
//! encoding of delimited text, a deposit file, the study area and the COG output.
//!
//! A command whose wording of a shared flag differs (anomalies requires `--points-crs` where grid
//! defaults it) rewords that flag's help with [`help`]; names, types and defaults stay the
//! group's.
use std::path::PathBuf;

use clap::{Arg, Args, ValueEnum};
use geoprospect::commodity::Commodity;
use geoprospect::io::area::AreaFile;
use geoprospect::io::cog::{CogOptions, Compression};
use geoprospect::project::{AreaSource, DepositSource};

use crate::values;

/// The help text of a shared flag as one command words it: `#[command(mut_arg("x",
/// help("...")))]` on the command's arguments.
pub fn help(text: &'static str) -> impl FnOnce(Arg) -> Arg {
    move |arg| arg.help(text)
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
    /// How progress is shown on stderr: auto (bars on a terminal, a log line per stage
    /// otherwise) or json (one JSON object per line for each stage, step and finish, even
    /// with --quiet).
    #[arg(long, global = true, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

/// The `--progress` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    /// Bars on a terminal, one log line per stage otherwise.
    Auto,
    /// One JSON object per line on stderr, for front ends (the QGIS provider).
    Json,
}

/// The coordinate columns of a delimited text file.
#[derive(Debug, Args)]
pub struct Columns {
    /// X column of a delimited text file.
    #[arg(long)]
    pub x: Option<String>,
    /// Y column of a delimited text file.
    #[arg(long)]
    pub y: Option<String>,
}

/// Where the points of a point file are: the coordinate columns of delimited text and the CRS
/// of the coordinates.
#[derive(Debug, Args)]
pub struct Points {
    /// The coordinate columns (`--x`, `--y`).
    #[command(flatten)]
    pub columns: Columns,
    /// CRS of the point coordinates (default: the file's; the grid's for delimited text).
    #[arg(long)]
    pub points_crs: Option<String>,
}

/// The text encoding of delimited text.
#[derive(Debug, Args)]
pub struct Encoding {
    /// Text encoding of a delimited file (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
}

/// Deposit file options shared by wofe, logistic and validate.
#[derive(Debug, Args)]
pub struct Deposits {
    /// Known deposits: points in any OGR format, or CSV with --x/--y/--deposits-crs.
    #[arg(long)]
    pub deposits: PathBuf,
    /// Commodity whose deposits are used: any label (REE, Sn, Mo, Au, Cu, W, IOCG ...),
    /// matched without case on the parts of compound labels (Cu-Au counts for Cu and Au).
    #[arg(long, value_parser = values::commodity)]
    pub commodity: Commodity,
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
    /// Count minor associations, the parts of a label in parentheses ("Cu-Au (-REE)").
    #[arg(long)]
    pub include_minor: bool,
}

impl Deposits {
    /// The deposit file as a project's `[deposits]` would name it.
    pub fn source(self) -> DepositSource {
        DepositSource {
            path: self.deposits,
            commodity: self.deposit_attribute,
            name: None,
            x: self.x,
            y: self.y,
            crs: self.deposits_crs,
            layer: self.deposits_layer,
            include_minor: self.include_minor,
        }
    }
}

/// The study area of a command that computes statistics over a grid.
#[derive(Debug, Args)]
pub struct Area {
    /// Study-area polygons (any OGR vector format): cells whose centre lies outside are
    /// nodata and count in no statistic (default: the whole grid).
    #[arg(long)]
    pub area: Option<PathBuf>,
    /// OGR SQL filter on the area's features, e.g. "name = 'bordersKola'".
    #[arg(long, requires = "area")]
    pub area_where: Option<String>,
    /// OGR layer of the area file.
    #[arg(long, requires = "area")]
    pub area_layer: Option<String>,
    /// CRS of an area file without one.
    #[arg(long, requires = "area")]
    pub area_crs: Option<String>,
}

impl Area {
    /// The area as a project's `[area]` would name it.
    pub fn source(&self) -> Option<AreaSource> {
        self.area.clone().map(|path| AreaSource {
            path,
            layer: self.area_layer.clone(),
            filter: self.area_where.clone(),
            crs: self.area_crs.clone(),
        })
    }

    /// The area file, when one is given.
    pub fn file(&self) -> Option<AreaFile<'_>> {
        self.area.as_deref().map(|path| AreaFile {
            path,
            layer: self.area_layer.as_deref(),
            filter: self.area_where.as_deref(),
            crs: self.area_crs.as_deref(),
        })
    }
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

/// How COGs are written.
#[derive(Debug, Args)]
pub struct Cog {
    /// Compression of the output COG.
    #[arg(long, value_enum, default_value_t = CompressArg::Deflate)]
    pub compress: CompressArg,
}

impl Cog {
    /// The library's COG settings.
    pub fn options(&self) -> CogOptions {
        CogOptions {
            compression: match self.compress {
                CompressArg::Deflate => Compression::Deflate,
                CompressArg::Zstd => Compression::Zstd,
                CompressArg::None => Compression::None,
            },
        }
    }
}

/// The output of a command that writes one COG.
#[derive(Debug, Args)]
pub struct CogOutput {
    /// Output COG.
    #[arg(long, short)]
    pub out: PathBuf,
    /// How the COGs are compressed (`--compress`).
    #[command(flatten)]
    pub cog: Cog,
}
