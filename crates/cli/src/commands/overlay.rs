//! `geoprospect overlay`: layers on one grid combined by a fuzzy operator or a weighted index
//! overlay.
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use geoprospect::error::Error;
use geoprospect::models::fuzzy::FuzzyOp;
use geoprospect::ops::overlay::{run_overlay, Overlay, OverlayRequest, OverlaySummary};

use super::fuzzy::{self, gamma_op};
use super::{Context, Outcome};
use crate::args::{Area, CogOutput};

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
    /// The study area (`--area`, `--area-where`, `--area-layer`, `--area-crs`).
    #[command(flatten)]
    pub area: Area,
    /// The output COG and its compression (`--out`, `--compress`).
    #[command(flatten)]
    pub output: CogOutput,
}

/// Writes the combined layer.
pub fn run(args: OverlayArgs, ctx: &Context) -> Result<Outcome, Error> {
    let request = OverlayRequest {
        inputs: &args.inputs,
        out: &args.output.out,
        area: args.area.file(),
        overlay: overlay(&args)?,
        cog: args.output.cog.options(),
    };
    let summary = run_overlay(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&summary)))
}

/// A fuzzy overlay as `geoprospect fuzzy` prints it; an index overlay with its weights.
fn render(s: &OverlaySummary) -> String {
    match s {
        OverlaySummary::Fuzzy(f) => fuzzy::render(f),
        OverlaySummary::Index(s) => {
            let weights: Vec<String> = s.weights.iter().map(|w| w.to_string()).collect();
            format!(
                "{}: index overlay, weights {} of {} layers, {} x {} cells, {} with data\n",
                s.out.display(),
                weights.join(","),
                s.layers,
                s.width,
                s.height,
                s.valid
            )
        }
    }
}

/// The combination `--op` names with its `--gamma` or `--weights`.
fn overlay(a: &OverlayArgs) -> Result<Overlay, Error> {
    use OverlayOp as O;
    if a.gamma.is_some() && !matches!(a.op, O::Gamma) {
        return Err(Error::param("--gamma applies only to --op gamma"));
    }
    if !a.weights.is_empty() && !matches!(a.op, O::Index) {
        return Err(Error::param("--weights applies only to --op index"));
    }
    Ok(match a.op {
        O::And => Overlay::Fuzzy(FuzzyOp::And),
        O::Or => Overlay::Fuzzy(FuzzyOp::Or),
        O::Product => Overlay::Fuzzy(FuzzyOp::Product),
        O::Sum => Overlay::Fuzzy(FuzzyOp::Sum),
        O::Gamma => Overlay::Fuzzy(gamma_op(a.gamma)?),
        O::Index if a.weights.is_empty() => {
            return Err(Error::param("--op index needs --weights, e.g. 3,2,1"))
        }
        O::Index => Overlay::Index(a.weights.clone()),
    })
}
