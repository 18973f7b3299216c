//! `geoprospect catchments`: stream-sediment samples mapped over the drainage basins upstream
//! of them (nested sample catchments on a conditioned DEM).
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::geochem::gridding::variogram::sig;
use geoprospect::ops::catchments::{run_catchments, CatchmentRequest, CatchmentSummary};

use super::anomalies::short;
use super::{Context, Outcome};
use crate::args::{Cog, Encoding, Points};

/// `geoprospect catchments`.
#[derive(Debug, Args)]
pub struct CatchmentsArgs {
    /// The DEM: any raster GDAL reads, in a projected CRS (or give --like a projected grid).
    pub dem: PathBuf,
    /// Stream-sediment samples: CSV/TSV/TXT with coordinate columns, or any OGR point file.
    #[arg(long)]
    pub samples: PathBuf,
    /// The coordinates (`--x`, `--y`, `--points-crs`).
    #[command(flatten)]
    pub coordinates: Points,
    /// OGR layer of the sample file.
    #[arg(long)]
    pub layer: Option<String>,
    /// The text encoding (`--encoding`).
    #[command(flatten)]
    pub encoding: Encoding,
    /// The field whose values the catchments take (censored values as half the limit).
    #[arg(long)]
    pub field: String,
    /// A column naming each sample in the polygons (default: its data-row number).
    #[arg(long)]
    pub id: Option<String>,
    /// Snap distance in metres: each sample moves to the highest flow accumulation within it
    /// [default: 100 m, at least 1.5 cells].
    #[arg(long, allow_hyphen_values = true)]
    pub snap: Option<f64>,
    /// Compute on this raster's grid (the DEM is warped onto it, bilinear).
    #[arg(long)]
    pub like: Option<PathBuf>,
    /// Output labels (Int32 COG): the sample's 1-based data-row number, 0 where none drains.
    #[arg(long)]
    pub labels: PathBuf,
    /// Output values (Float32 COG): the sample's value over its catchment.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Output catchment polygons, RFC 7946 GeoJSON [default: OUT with .geojson].
    #[arg(long)]
    pub geojson: Option<PathBuf>,
    /// Add Hawkes's (1976) productivity (C - background) x area as band 2 and a property.
    #[arg(long)]
    pub productivity: bool,
    /// Background value of the productivity [default: the median of the samples].
    #[arg(long, allow_hyphen_values = true)]
    pub background: Option<f64>,
    /// Compression of the COGs (`--compress`).
    #[command(flatten)]
    pub cog: Cog,
}

/// Maps the samples over their catchments.
pub fn run(args: CatchmentsArgs, ctx: &Context) -> Result<Outcome, Error> {
    let geojson = args
        .geojson
        .clone()
        .unwrap_or_else(|| args.out.with_extension("geojson"));
    let request = CatchmentRequest {
        dem: args.dem,
        samples: args.samples,
        x: args.coordinates.columns.x,
        y: args.coordinates.columns.y,
        points_crs: args.coordinates.points_crs,
        layer: args.layer,
        encoding: args.encoding.encoding,
        field: args.field,
        id: args.id,
        snap: args.snap,
        like: args.like,
        labels: args.labels,
        out: args.out,
        geojson,
        productivity: args.productivity,
        background: args.background,
        cog: args.cog.options(),
    };
    let summary = run_catchments(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&request, &summary)))
}

fn render(req: &CatchmentRequest, s: &CatchmentSummary) -> String {
    let mut out = format!(
        "{}: {} of {} samples have a catchment ({} snapped within {} m, cells of {} m); {} of {} \
         dem cells drain to a sample\n",
        req.out.display(),
        s.with_catchment,
        s.samples,
        s.snapped,
        sig(s.snap_m),
        sig(s.cell_m),
        s.cells.1,
        s.cells.0
    );
    out += &format!(
        "  {}: median {}, median+2MAD {}; catchments background {}, anomalous {}, strongly \
         anomalous {}\n",
        req.field,
        short(s.thresholds.median),
        short(s.thresholds.median_2mad),
        s.classes[0],
        s.classes[1],
        s.classes[2]
    );
    if let Some(b) = s.background {
        out += &format!("  productivity (C - {}) x km2 in band 2\n", short(b));
    }
    if s.censored > 0 {
        out += &format!(
            "  {} values below detection as half the limit\n",
            s.censored
        );
    }
    if s.missing > 0 {
        out += &format!(
            "  {} samples without a value: their catchments are nodata\n",
            s.missing
        );
    }
    if !s.off_dem.is_empty() {
        out += &format!(
            "  off the dem (no valid cell within the snap distance), rows: {}\n",
            list(s.off_dem.iter().map(|r| r.to_string()))
        );
    }
    if !s.shared.is_empty() {
        out += &format!(
            "  snapped onto a cell an earlier sample took (no catchment), rows: {}\n",
            list(
                s.shared
                    .iter()
                    .map(|(r, first)| format!("{r} (row {first})"))
            )
        );
    }
    out += &format!(
        "  {} (labels), {}\n",
        req.labels.display(),
        req.geojson.display()
    );
    out
}

/// The first ten items, then how many more.
fn list(items: impl ExactSizeIterator<Item = String>) -> String {
    let n = items.len();
    let mut shown: Vec<String> = items.take(10).collect();
    if n > 10 {
        shown.push(format!("... {} more", n - 10));
    }
    shown.join(", ")
}
