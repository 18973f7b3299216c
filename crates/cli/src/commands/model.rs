//! `geoprospect model`: a random forest or gradient boosting of known deposits against
//! evidence layers made elsewhere.
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use geoprospect::error::Error;
use geoprospect::models::trees::{Hyper, Learner};
use geoprospect::modelspec::{Learning, NegativesSpec};
use geoprospect::ops::model::{run_model, ModelRequest, ModelSummary};

use super::{Context, Outcome};
use crate::args::{Area, Cog, Deposits};

/// The learner, as typed.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// A random forest of probability trees (Breiman 2001).
    RandomForest,
    /// Gradient-boosted trees on the logistic loss (Friedman 2001).
    GradientBoosting,
}

/// `geoprospect model`.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Evidence layers (features) on one analysis grid: distances, element grids, rasters,
    /// class layers.
    #[arg(required = true)]
    pub evidence: Vec<PathBuf>,
    /// The study area (`--area`, `--area-where`, `--area-layer`, `--area-crs`).
    #[command(flatten)]
    pub area: Area,
    /// The deposit file and its commodity (`--deposits`, `--commodity`, ...).
    #[command(flatten)]
    pub deposits: Deposits,
    /// The learner.
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Layers (file stem or path as given) that hold classes, one-hot encoded (layers with
    /// category names are classes anyway). Repeatable.
    #[arg(long = "classes", value_name = "LAYER")]
    pub classes: Vec<String>,
    /// Layers (file stem or path as given) taken as the log10 of their values. Repeatable.
    #[arg(long = "log10", value_name = "LAYER")]
    pub log10: Vec<String>,
    /// Background cells per deposit drawn as negatives (default 10).
    #[arg(long)]
    pub negatives_per_positive: Option<f64>,
    /// No background cell within this many km of a deposit (default 1).
    #[arg(long)]
    pub exclude_km: Option<f64>,
    /// Thin the deposits to one per this many km before training.
    #[arg(long)]
    pub thin_km: Option<f64>,
    /// Side of the spatial cross-validation blocks, km (default: from the deposits' spacing).
    #[arg(long)]
    pub cv_block_km: Option<f64>,
    /// Seed of every random draw (default 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Trees per member (default: 100 for gradient boosting, 300 for a random forest).
    #[arg(long)]
    pub trees: Option<usize>,
    /// Members of a gradient-boosting ensemble (bootstrap boosters), for the uncertainty.
    #[arg(long)]
    pub members: Option<usize>,
    /// Learning rate of gradient boosting (default 0.1).
    #[arg(long)]
    pub learning_rate: Option<f64>,
    /// Depth limit of the trees.
    #[arg(long)]
    pub max_depth: Option<usize>,
    /// Fewest training rows in a leaf (default 5).
    #[arg(long)]
    pub min_samples_leaf: Option<usize>,
    /// Output folder: prospectivity_<c>.tif, prospectivity_<c>_uncertainty.tif,
    /// importance_<c>.csv, crossval_<c>.csv.
    #[arg(long, short)]
    pub out: PathBuf,
    /// How the COGs are compressed (`--compress`).
    #[command(flatten)]
    pub cog: Cog,
}

/// Fits the model and writes its maps and tables.
pub fn run(args: ModelArgs, ctx: &Context) -> Result<Outcome, Error> {
    let learner = match args.method {
        MethodArg::RandomForest => Learner::RandomForest,
        MethodArg::GradientBoosting => Learner::GradientBoosting,
    };
    let mut hyper = Hyper::default();
    hyper.trees = args.trees.or(hyper.trees);
    hyper.members = args.members.or(hyper.members);
    if let Some(v) = args.learning_rate {
        hyper.learning_rate = v;
    }
    hyper.max_depth = args.max_depth.or(hyper.max_depth);
    if let Some(v) = args.min_samples_leaf {
        hyper.min_samples_leaf = v;
    }
    let learning = Learning::check(
        hyper,
        NegativesSpec {
            per_positive: args.negatives_per_positive,
            exclude_km: args.exclude_km,
        },
        args.thin_km,
        args.seed,
        &[learner],
    )?;
    if let Some(b) = args
        .cv_block_km
        .filter(|b| !(b.is_finite() && *b > 0.0 && *b <= geoprospect::modelspec::MAX_CV_BLOCK_KM))
    {
        return Err(Error::param(format!(
            "--cv-block-km must be a number of km above 0 and at most {}, got {b}",
            geoprospect::modelspec::MAX_CV_BLOCK_KM
        )));
    }
    let request = ModelRequest {
        evidence: &args.evidence,
        classes: &args.classes,
        log10: &args.log10,
        commodity: args.deposits.commodity,
        deposits: args.deposits.source(),
        learner,
        learning,
        block_km: args.cv_block_km,
        out: &args.out,
        area: args.area.file(),
        cog: args.cog.options(),
    };
    let summary = run_model(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&summary)))
}

/// The model, its validation and importance, and the files.
fn render(s: &ModelSummary) -> String {
    let l = &s.learned;
    let mut text = format!("{} {}\n", s.commodity, l.describe());
    let left_out = [
        (l.outside, "outside the grid"),
        (l.on_nodata, "on cells without evidence"),
        (l.same_cell, "on a cell another deposit holds"),
        (l.thinned, "thinned out"),
    ];
    let parts: Vec<String> = left_out
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if !parts.is_empty() {
        text.push_str(&format!("  deposits left out: {}\n", parts.join(", ")));
    }
    let mut ranked: Vec<_> = l.validation.importance.iter().collect();
    ranked.sort_by(|a, b| b.auc_drop.total_cmp(&a.auc_drop));
    let shown: Vec<String> = ranked
        .iter()
        .map(|i| format!("{} {:.3}", i.evidence, i.auc_drop))
        .collect();
    text.push_str(&format!(
        "  importance (drop in held-out AUC, {} folds): {}\n",
        l.validation.importance_folds,
        shown.join(", ")
    ));
    for p in &s.outputs {
        text.push_str(&format!("  wrote {}\n", p.display()));
    }
    text
}
