//! `geoprospect grid`: one field of sample points gridded (IDW, nearest, ordinary kriging) into
//! a COG.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use geoprospect::geochem::gridding::variogram::sig;
use geoprospect::geochem::gridding::{
    MaxDistance, Method, VariogramModel, DEFAULT_IDW_NEIGHBORS, DEFAULT_KRIGING_NEIGHBORS,
};
use geoprospect::io::crs::Crs;
use geoprospect::io::points::is_delimited_text;
use geoprospect::ops::grid::{censored_note, run_grid, GridRequest, GridSummary, GridTarget};

use super::{Context, Outcome};
use crate::args::{Area, CogOutput, Encoding, Points};
use crate::values;

/// The interpolation `--method` names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MethodName {
    /// Inverse distance weighting.
    Idw,
    /// The nearest sample.
    Nearest,
    /// Ordinary kriging.
    Kriging,
}

impl MethodName {
    /// `idw`, `nearest` or `kriging`, in any case (the value parser of `--method`).
    pub fn parse(text: &str) -> Result<MethodName, Error> {
        match text.trim().to_ascii_lowercase().as_str() {
            "idw" => Ok(MethodName::Idw),
            "nearest" => Ok(MethodName::Nearest),
            "kriging" => Ok(MethodName::Kriging),
            _ => Err(Error::param(format!(
                "unknown method {text:?}: expected idw, nearest or kriging"
            ))),
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            MethodName::Idw => "idw",
            MethodName::Nearest => "nearest",
            MethodName::Kriging => "kriging",
        }
    }
}

/// `geoprospect grid`.
#[derive(Debug, Args)]
pub struct GridArgs {
    /// Point file: CSV/TSV/TXT with coordinate columns, or any OGR point file.
    pub points: PathBuf,
    /// The field (column) to grid; values stay in its unit (Au_ppb grids ppb).
    #[arg(long)]
    pub field: String,
    /// The study area (`--area`, `--area-where`, `--area-layer`, `--area-crs`).
    #[command(flatten)]
    pub area: Area,
    /// The coordinates (`--x`, `--y`, `--points-crs`).
    #[command(flatten)]
    pub coordinates: Points,
    /// OGR layer of the point file.
    #[arg(long)]
    pub layer: Option<String>,
    /// The text encoding (`--encoding`).
    #[command(flatten)]
    pub encoding: Encoding,
    /// Grid CRS (EPSG code, WKT or PROJ string).
    #[arg(long)]
    pub crs: Option<String>,
    /// Grid extent xmin,ymin,xmax,ymax in the grid CRS.
    #[arg(long, allow_hyphen_values = true, value_parser = values::extent)]
    pub extent: Option<[f64; 4]>,
    /// Cell size in grid CRS units.
    #[arg(long)]
    pub resolution: Option<f64>,
    /// Take CRS, extent and cell size from this raster instead.
    #[arg(long)]
    pub like: Option<PathBuf>,
    /// idw, nearest or kriging.
    #[arg(long, default_value = "idw", value_parser = MethodName::parse)]
    pub method: MethodName,
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
    #[arg(long, value_parser = values::variogram)]
    pub variogram: Option<VariogramModel>,
    /// Cells farther than this from every sample are nodata: a distance in grid CRS units,
    /// `none`, or `auto` (3 x the median nearest-neighbour spacing of the points).
    #[arg(long, default_value = "auto", allow_negative_numbers = true, value_parser = values::max_distance)]
    pub max_distance: MaxDistance,
    /// Interpolate log10 of the values and back-transform (values must be positive).
    #[arg(long)]
    pub log: bool,
    /// The output COG and its compression (`--out`, `--compress`).
    #[command(flatten)]
    pub output: CogOutput,
}

/// Grids the field and writes the COG. The flags are checked before any file is read: the
/// method's, then the grid's, then the coordinate columns of delimited text.
pub fn run(args: GridArgs, ctx: &Context) -> Result<Outcome, Error> {
    let method = method(&args)?;
    let grid = target(&args)?;
    let columns = &args.coordinates.columns;
    if is_delimited_text(&args.points) && (columns.x.is_none() || columns.y.is_none()) {
        return Err(Error::param(format!(
            "{}: --x and --y must name the coordinate columns of a delimited text file",
            args.points.display()
        )));
    }
    let request = GridRequest {
        points: args.points,
        field: args.field,
        x: args.coordinates.columns.x,
        y: args.coordinates.columns.y,
        points_crs: args.coordinates.points_crs,
        layer: args.layer,
        encoding: args.encoding.encoding,
        grid,
        method,
        log: args.log,
        area: args.area.source(),
        max_distance: args.max_distance,
        out: args.output.out,
        cog: args.output.cog.options(),
    };
    let summary = run_grid(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&summary)))
}

/// The method `--method` names with its `--power`, `--neighbors`, `--radius` and
/// `--variogram`; an error names a flag that does not apply, or the method and what is wrong.
fn method(a: &GridArgs) -> Result<Method, Error> {
    let name = a.method.as_str();
    let only = |flag: &str, given: bool, methods: &str| match given {
        true => Err(Error::param(format!(
            "--{flag} applies to --method {methods}, not {name}"
        ))),
        false => Ok(()),
    };
    let method = match a.method {
        MethodName::Idw => {
            only("variogram", a.variogram.is_some(), "kriging")?;
            Method::Idw {
                power: a.power.unwrap_or(2.0),
                neighbors: a.neighbors.unwrap_or(DEFAULT_IDW_NEIGHBORS),
                radius: a.radius,
            }
        }
        MethodName::Nearest => {
            only("power", a.power.is_some(), "idw")?;
            only("neighbors", a.neighbors.is_some(), "idw or kriging")?;
            only("variogram", a.variogram.is_some(), "kriging")?;
            Method::Nearest { radius: a.radius }
        }
        MethodName::Kriging => {
            only("power", a.power.is_some(), "idw")?;
            Method::Kriging {
                neighbors: a.neighbors.unwrap_or(DEFAULT_KRIGING_NEIGHBORS),
                radius: a.radius,
                model: a.variogram,
            }
        }
    };
    method
        .validate()
        .map_err(|e| Error::param(format!("--method {name}: {e}")))?;
    Ok(method)
}

/// The grid of `--like`, or of `--crs`, `--extent` and `--resolution` (all three).
fn target(a: &GridArgs) -> Result<GridTarget, Error> {
    if let Some(like) = &a.like {
        if a.crs.is_some() || a.extent.is_some() || a.resolution.is_some() {
            return Err(Error::param(
                "--like takes the CRS, extent and resolution from a raster: leave out --crs, \
                 --extent and --resolution",
            ));
        }
        return Ok(GridTarget::Like(like.clone()));
    }
    let (Some(crs), Some(extent), Some(resolution)) = (&a.crs, a.extent, a.resolution) else {
        let missing: Vec<&str> = [
            ("--crs", a.crs.is_none()),
            ("--extent", a.extent.is_none()),
            ("--resolution", a.resolution.is_none()),
        ]
        .iter()
        .filter(|m| m.1)
        .map(|m| m.0)
        .collect();
        return Err(Error::param(format!(
            "the grid needs {} (or --like REF.tif)",
            missing.join(", ")
        )));
    };
    Crs::parse(crs).map_err(|m| Error::param(format!("--crs: {m}")))?;
    Ok(GridTarget::Spec {
        crs: crs.clone(),
        extent,
        resolution,
    })
}

/// One paragraph: the field and its unit, the method, the points used and how they were
/// treated, the grid, the nodata cells and the range, the variogram.
fn render(s: &GridSummary) -> String {
    let unit = match s.field.to_lowercase().contains(&s.unit) {
        true => String::new(),
        false => format!(" ({})", s.unit),
    };
    let mut text = format!(
        "{}: {}{unit} by {} from {} of {} points",
        s.out.display(),
        s.field,
        s.method,
        s.used,
        s.points
    );
    if s.log {
        text.push_str(", interpolated as log10");
    }
    if s.censored > 0 {
        text.push_str(&format!(" ({})", censored_note(s.censored)));
    }
    if s.merged > 0 {
        text.push_str(&format!(
            ", {} {} at repeated coordinates merged into others by averaging",
            s.merged,
            if s.merged == 1 { "point" } else { "points" }
        ));
    }
    text.push_str(&format!(
        ", onto {} x {} cells of size {} in {}",
        s.width, s.height, s.resolution, s.crs
    ));
    text.push_str(&format!("; {}", s.reach));
    if s.stats.nodata > 0 {
        text.push_str(&format!(
            "; {} cells are nodata (beyond the max distance or radius, or outside the study area)",
            s.stats.nodata
        ));
    }
    if s.stats.nodata < s.stats.cells {
        text.push_str(&format!(
            "; values {} to {}",
            sig(s.stats.min),
            sig(s.stats.max)
        ));
    }
    if let Some(v) = &s.variogram {
        text.push_str(&format!(
            "; variogram {} {}: nugget {}, sill {}, range {}, weighted SSE {}; band 2 holds the \
             kriging variance",
            if v.fitted { "fitted" } else { "given" },
            v.kind().as_str(),
            sig(v.nugget()),
            sig(v.sill()),
            sig(v.range()),
            sig(v.wsse)
        ));
    }
    text.push_str(".\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Line {
        #[command(flatten)]
        grid: GridArgs,
    }

    /// The grid arguments of `p.csv --field Mo_ppm --out o.tif` and `extra`.
    fn args(extra: &[&str]) -> Result<GridArgs, String> {
        let base = ["grid", "p.csv", "--field", "Mo_ppm", "--out", "o.tif"];
        Line::try_parse_from(base.iter().chain(extra))
            .map(|l| l.grid)
            .map_err(|e| match std::error::Error::source(&e) {
                Some(ours) => ours.to_string(),
                None => e.to_string(),
            })
    }

    fn method_of(extra: &[&str]) -> Result<Method, String> {
        method(&args(extra)?).map_err(|e| e.to_string())
    }

    #[test]
    fn methods_and_defaults() {
        assert_eq!(
            method_of(&["--method", "IDW"]).unwrap(),
            Method::Idw {
                power: 2.0,
                neighbors: 12,
                radius: None
            }
        );
        assert_eq!(
            method_of(&["--method", "kriging"]).unwrap(),
            Method::Kriging {
                neighbors: 16,
                radius: None,
                model: None
            }
        );
        assert_eq!(
            method_of(&["--method", "spline"]).unwrap_err(),
            "unknown method \"spline\": expected idw, nearest or kriging"
        );
        assert_eq!(
            method_of(&["--power", "-1"]).unwrap_err(),
            "--method idw: power must be a positive number, got -1"
        );
        assert_eq!(
            method_of(&["--method", "nearest", "--power", "2"]).unwrap_err(),
            "--power applies to --method idw, not nearest"
        );
        assert!(matches!(
            method_of(&["--method", "kriging", "--variogram", "exponential,0.5,2,1500"]).unwrap(),
            Method::Kriging { model: Some(m), .. } if m.range == 1500.0
        ));
    }

    #[test]
    fn grid_needs_all_three_or_like() {
        let target_of = |extra: &[&str]| target(&args(extra).unwrap()).map_err(|e| e.to_string());
        assert_eq!(
            target_of(&["--crs", "EPSG:32648"]).unwrap_err(),
            "the grid needs --extent, --resolution (or --like REF.tif)"
        );
        assert!(target_of(&["--like", "ref.tif", "--resolution", "10"])
            .unwrap_err()
            .starts_with("--like takes"));
        assert_eq!(
            target_of(&["--like", "ref.tif"]).unwrap(),
            GridTarget::Like("ref.tif".into())
        );
    }
}
