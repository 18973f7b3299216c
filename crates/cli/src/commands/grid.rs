//! `geoprospect grid`: one field of sample points gridded (IDW, nearest, ordinary kriging) into
//! a COG.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::ops::grid::{run_grid, GridRequest};

use super::{Context, Outcome};
use crate::args::{CogOutput, Encoding, Points};

/// `geoprospect grid`.
#[derive(Debug, Args)]
pub struct GridArgs {
    /// Point file: CSV/TSV/TXT with coordinate columns, or any OGR point file.
    pub points: PathBuf,
    /// The field (column) to grid; values stay in its unit (Au_ppb grids ppb).
    #[arg(long)]
    pub field: String,
    #[command(flatten)]
    pub coordinates: Points,
    /// OGR layer of the point file.
    #[arg(long)]
    pub layer: Option<String>,
    #[command(flatten)]
    pub encoding: Encoding,
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
    #[command(flatten)]
    pub output: CogOutput,
}

/// Grids the field and writes the COG.
pub fn run(args: GridArgs, ctx: &Context) -> Result<Outcome, Error> {
    let request = GridRequest {
        points: args.points,
        field: args.field,
        x: args.coordinates.columns.x,
        y: args.coordinates.columns.y,
        points_crs: args.coordinates.points_crs,
        layer: args.layer,
        encoding: args.encoding.encoding,
        crs: args.crs,
        extent: args.extent,
        resolution: args.resolution,
        like: args.like,
        method: args.method,
        power: args.power,
        neighbors: args.neighbors,
        radius: args.radius,
        variogram: args.variogram,
        log: args.log,
        out: args.output.out,
        cog: args.output.cog.options(),
    };
    let summary = run_grid(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(summary))
}
