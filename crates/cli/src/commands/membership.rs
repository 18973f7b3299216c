//! `geoprospect membership`: a fuzzy membership function applied to a layer, thresholds given
//! as values or percentiles of the layer.
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use geoprospect::error::Error;
use geoprospect::evidence::membership::{MembershipSpec, Threshold};
use geoprospect::ops::membership::{run_membership, MembershipRequest, MembershipSummary};

use super::{Context, Outcome};
use crate::args::{Area, CogOutput};
use crate::values;

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
    #[arg(long, allow_hyphen_values = true, value_parser = values::threshold("low"))]
    pub low: Option<Threshold>,
    /// Value (or percentile such as p98) where a linear membership is 1.
    #[arg(long, allow_hyphen_values = true, value_parser = values::threshold("high"))]
    pub high: Option<Threshold>,
    /// Midpoint: a value or a percentile such as p90.
    #[arg(long, allow_hyphen_values = true, value_parser = values::threshold("midpoint"))]
    pub midpoint: Option<Threshold>,
    /// Spread of large, small (ArcGIS default 5) and gaussian (default 0.1).
    #[arg(long)]
    pub spread: Option<f64>,
    /// Slope of sigmoid (negative: decreasing).
    #[arg(long, allow_hyphen_values = true)]
    pub slope: Option<f64>,
    /// The study area (`--area`, `--area-where`, `--area-layer`, `--area-crs`).
    #[command(flatten)]
    pub area: Area,
    /// The output COG and its compression (`--out`, `--compress`).
    #[command(flatten)]
    pub output: CogOutput,
}

/// Writes the memberships of the layer.
pub fn run(args: MembershipArgs, ctx: &Context) -> Result<Outcome, Error> {
    let request = MembershipRequest {
        input: &args.input,
        out: &args.output.out,
        area: args.area.file(),
        spec: spec(&args)?,
        cog: args.output.cog.options(),
    };
    let summary = run_membership(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&summary)))
}

/// `out.tif: large midpoint=51.6 spread=5 (given: p90)`.
fn render(s: &MembershipSummary) -> String {
    let given: Vec<String> = s.given.iter().map(|t| t.to_string()).collect();
    format!(
        "{}: {} (given: {})\n",
        s.out.display(),
        s.membership.describe(),
        given.join(", ")
    )
}

/// The function the flags describe; an error names a flag that is missing or does not apply.
fn spec(a: &MembershipArgs) -> Result<MembershipSpec, Error> {
    use MembershipFn as F;
    let unused = |flags: &[(&str, bool)]| match flags.iter().find(|f| f.1) {
        Some((name, _)) => Err(Error::param(format!(
            "--{name} does not apply to --fn {}",
            a.function
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_string())
        ))),
        None => Ok(()),
    };
    let threshold = |flag: &str, v: Option<Threshold>| {
        v.ok_or_else(|| Error::param(format!("--fn needs --{flag}")))
    };
    let number =
        |flag: &str, v: Option<f64>| v.ok_or_else(|| Error::param(format!("--fn needs --{flag}")));
    Ok(match a.function {
        F::Linear => {
            unused(&[
                ("midpoint", a.midpoint.is_some()),
                ("spread", a.spread.is_some()),
                ("slope", a.slope.is_some()),
            ])?;
            MembershipSpec::Linear {
                low: threshold("low", a.low)?,
                high: threshold("high", a.high)?,
            }
        }
        F::Large | F::Small | F::Gaussian => {
            unused(&[
                ("low", a.low.is_some()),
                ("high", a.high.is_some()),
                ("slope", a.slope.is_some()),
            ])?;
            let midpoint = threshold("midpoint", a.midpoint)?;
            match a.function {
                F::Large => MembershipSpec::Large {
                    midpoint,
                    spread: a.spread.unwrap_or(5.0),
                },
                F::Small => MembershipSpec::Small {
                    midpoint,
                    spread: a.spread.unwrap_or(5.0),
                },
                _ => MembershipSpec::Gaussian {
                    midpoint,
                    spread: a.spread.unwrap_or(0.1),
                },
            }
        }
        F::Sigmoid => {
            unused(&[
                ("low", a.low.is_some()),
                ("high", a.high.is_some()),
                ("spread", a.spread.is_some()),
            ])?;
            MembershipSpec::Sigmoid {
                midpoint: threshold("midpoint", a.midpoint)?,
                slope: number("slope", a.slope)?,
            }
        }
    })
}
