//! `geoprospect fuzzy`: evidence layers through transform chains, then one fuzzy operator.
use clap::{Args, ValueEnum};
use geoprospect::error::Error;
use geoprospect::models::fuzzy::FuzzyOp;
use geoprospect::ops::fuzzy::{run_fuzzy, ChainedLayer, FuzzyRequest, FuzzySummary};

use super::{Context, Outcome};
use crate::args::{Area, CogOutput};
use crate::values;

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

/// `geoprospect fuzzy`.
#[derive(Debug, Args)]
pub struct FuzzyArgs {
    /// A layer and its transform chain: PATH:STEP,STEP,... with steps log, ln, robust-z,
    /// linear:LOW:HIGH, large:MID:SPREAD, small:MID:SPREAD, gaussian:MID:SPREAD,
    /// sigmoid:MID:SLOPE (thresholds may be percentiles, e.g. p90); a chain may start with
    /// singularity:1,3,5,7 (the local singularity index over those windows, in cells, which the
    /// later steps take as input: α < 2 is enrichment); repeat per layer.
    #[arg(long = "layer", required = true, value_parser = values::chained_layer)]
    pub layers: Vec<ChainedLayer>,
    /// The fuzzy operator.
    #[arg(long, value_enum)]
    pub op: FuzzyOpArg,
    /// Gamma of --op gamma, in [0, 1].
    #[arg(long)]
    pub gamma: Option<f64>,
    /// The study area (`--area`, `--area-where`, `--area-layer`, `--area-crs`).
    #[command(flatten)]
    pub area: Area,
    /// The output COG and its compression (`--out`, `--compress`).
    #[command(flatten)]
    pub output: CogOutput,
}

/// Writes the combined memberships.
pub fn run(args: FuzzyArgs, ctx: &Context) -> Result<Outcome, Error> {
    use FuzzyOpArg as O;
    if args.gamma.is_some() && !matches!(args.op, O::Gamma) {
        return Err(Error::param("--gamma applies only to --op gamma"));
    }
    let op = match args.op {
        O::And => FuzzyOp::And,
        O::Or => FuzzyOp::Or,
        O::Product => FuzzyOp::Product,
        O::Sum => FuzzyOp::Sum,
        O::Gamma => gamma_op(args.gamma)?,
    };
    let request = FuzzyRequest {
        layers: &args.layers,
        op,
        out: &args.output.out,
        area: args.area.file(),
        cog: args.output.cog.options(),
    };
    let summary = run_fuzzy(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&summary)))
}

/// The output, the operator and the counts, then one line per layer with its resolved chain.
pub fn render(s: &FuzzySummary) -> String {
    let rounds = match s.rounds {
        0 => String::new(),
        1 => " (1 statistics round)".to_string(),
        r => format!(" ({r} statistics rounds)"),
    };
    let mut text = format!(
        "{}: fuzzy {} of {} layers, {} x {} cells, {} with data{rounds}\n",
        s.out.display(),
        s.op.name(),
        s.layers.len(),
        s.width,
        s.height,
        s.valid
    );
    for layer in &s.layers {
        text.push_str(&format!(
            "  {}: {}\n",
            layer.path.display(),
            layer.describe()
        ));
    }
    text
}

/// The fuzzy gamma operator of `--op gamma --gamma G`.
pub fn gamma_op(gamma: Option<f64>) -> Result<FuzzyOp, Error> {
    let g = gamma.ok_or_else(|| Error::param("--op gamma needs --gamma (e.g. 0.8)"))?;
    FuzzyOp::parse("gamma", Some(g))
}
