//! `geoprospect anomalies`: thresholds and anomaly classes of a sample file's assays; prints
//! the thresholds table.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::ops::anomalies::{run_anomalies, AnomalyRequest};

use super::{Context, Outcome};
use crate::args::{help, Encoding, Points};

/// `geoprospect anomalies`.
#[derive(Debug, Args)]
#[command(
    mut_arg("x", help("X (longitude/easting) column of delimited text")),
    mut_arg("y", help("Y (latitude/northing) column of delimited text")),
    mut_arg(
        "points_crs",
        help("CRS of the coordinates, e.g. EPSG:4326 (required for delimited text)")
    ),
    mut_arg(
        "encoding",
        help("Text encoding of delimited text (default: detected)")
    )
)]
pub struct AnomaliesArgs {
    /// Sample file: CSV/TSV/TXT with coordinate columns, or any OGR point file.
    pub samples: PathBuf,
    #[command(flatten)]
    pub points: Points,
    /// Element symbols to keep, comma-separated (default: every element column).
    #[arg(long, value_delimiter = ',')]
    pub elements: Vec<String>,
    #[command(flatten)]
    pub encoding: Encoding,
    /// Output folder for thresholds.csv and samples.geojson (created if missing).
    #[arg(long)]
    pub out_dir: PathBuf,
}

/// Computes the thresholds and classes and writes them into the output folder.
pub fn run(args: AnomaliesArgs, ctx: &Context) -> Result<Outcome, Error> {
    let request = AnomalyRequest {
        samples: args.samples,
        x: args.points.columns.x,
        y: args.points.columns.y,
        points_crs: args.points.points_crs,
        elements: args.elements,
        encoding: args.encoding.encoding,
        out_dir: args.out_dir,
    };
    let report = run_anomalies(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(report.render()))
}
