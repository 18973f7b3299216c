//! `geoprospect info`: what an input file holds (raster, vector or sample table).
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;

use super::Outcome;
use crate::args::{help, Columns, Encoding};

/// `geoprospect info`.
#[derive(Debug, Args)]
#[command(
    mut_arg(
        "x",
        help("X column of a sample table (default: guessed from the header)")
    ),
    mut_arg(
        "y",
        help("Y column of a sample table (default: guessed from the header)")
    ),
    mut_arg(
        "encoding",
        help("Text encoding of a sample table (default: detected)")
    )
)]
pub struct InfoArgs {
    /// A raster, vector or delimited-text sample file.
    pub file: PathBuf,
    #[command(flatten)]
    pub columns: Columns,
    #[command(flatten)]
    pub encoding: Encoding,
}

/// Describes the file.
pub fn run(args: InfoArgs) -> Result<Outcome, Error> {
    let text = geoprospect::ops::info::describe(
        &args.file,
        args.columns.x.as_deref(),
        args.columns.y.as_deref(),
        args.encoding.encoding.as_deref(),
    )?;
    Ok(Outcome::Listing(text))
}
