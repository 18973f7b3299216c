//! `geoprospect proximity`: the distance from each cell to the nearest feature of a vector file.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::ops::proximity::{run_proximity, ProximityRequest, ProximitySummary};

use super::{Context, Outcome};
use crate::args::Cog;

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
    /// How the COGs are compressed (`--compress`).
    #[command(flatten)]
    pub cog: Cog,
}

/// Writes the distance layer.
pub fn run(args: ProximityArgs, ctx: &Context) -> Result<Outcome, Error> {
    let request = ProximityRequest {
        vector: &args.vector,
        like: &args.like,
        out: &args.out,
        layer: args.layer.as_deref(),
        filter: args.filter.as_deref(),
        crs: args.vector_crs.as_deref(),
        cog: args.cog.options(),
    };
    let summary = run_proximity(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&summary)))
}

/// `out.tif: distance to 6 feature(s) (518 segments) on 300 x 250 cells, max 13131.521`.
fn render(s: &ProximitySummary) -> String {
    format!(
        "{}: distance to {} feature(s) ({} segments) on {} x {} cells, max {}\n",
        s.out.display(),
        s.features,
        s.segments,
        s.width,
        s.height,
        s.max
    )
}
