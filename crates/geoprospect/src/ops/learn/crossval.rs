//! Cross-validation and permutation importance of a data-driven model.
//!
//! Each fold's model is fitted without its held-out occurrences and judged on them against
//! the background sample of the whole area ([`super::sample`]): its AUC is the Mann-Whitney
//! estimate of the area under the success-rate curve the fold's map would give its held-out
//! occurrences, and its top-10 % capture the share of them scoring at or above the level of
//! the top 10 % of the background.
//! - **Random folds**: occurrence `i` (file order) in fold `i mod k`, `k = min(5, n)`;
//!   negative `j` in fold `j mod k`.
//! - **Spatial block folds** ([`crate::spatial_cv`]): whole blocks held out; a fold trains on
//!   neither the negatives of its blocks nor those within the buffer of its held-out
//!   occurrences, nor on the occurrences within that buffer.
//!
//! Held-out figures are means over folds weighted by their held-out occurrences. The
//! importance of an evidence layer is the drop in held-out AUC when its columns are permuted
//! together among the held-out rows (Breiman 2001; Fisher, Rudin & Dominici 2019), averaged
//! over the folds of the spatial scheme (of the random one when there are no spatial folds).
use serde::Serialize;

use crate::engine::Engine;
use crate::error::Result;
use crate::models::trees::{
    fit, grouped_permutation_importance, roc_auc, Dataset, Ensemble, Learner,
};
use crate::modelspec::Learning;
use crate::spatial_cv::{block_folds, default_side, BlockFolds};

use super::features::Features;
use super::sample::Training;

/// Largest number of folds.
pub const FOLDS: usize = 5;
/// Permutations per layer and fold of the importance.
pub const IMPORTANCE_REPEATS: usize = 3;

/// One fold's held-out figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fold {
    /// Occurrences held out.
    pub held_out: usize,
    /// Occurrences the fold trained on.
    pub trained_on: usize,
    /// Negatives the fold trained on.
    pub negatives: usize,
    /// AUC of the held-out occurrences against the background.
    pub auc: f64,
    /// Share of them at or above the background's top-10 % level.
    pub capture10: f64,
}

/// The figures of one fold scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scheme {
    /// Fold-size-weighted mean AUC.
    pub held_out_auc: f64,
    /// Fold-size-weighted mean top-10 % capture.
    pub held_out_capture10: f64,
    /// Each fold.
    pub folds: Vec<Fold>,
}

/// The spatial block scheme: its blocks and figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spatial {
    /// Block side, km.
    pub block_km: f64,
    /// Whether the side was set by the model (`cv_block_km`).
    pub block_given: bool,
    /// Buffer around held-out occurrences left out of training, km.
    pub buffer_km: f64,
    /// Blocks holding occurrences.
    pub blocks: usize,
    /// The figures.
    #[serde(flatten)]
    pub scheme: Scheme,
}

/// The importance of one evidence layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Importance {
    /// The evidence.
    pub evidence: String,
    /// Mean drop in held-out AUC when its columns are permuted.
    pub auc_drop: f64,
}

/// Cross-validation of a data-driven model (module docs).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnedValidation {
    /// Background cells the figures are measured against.
    pub background_cells: usize,
    /// AUC of the model fitted on all occurrences, against the background.
    pub training_auc: f64,
    /// Its top-10 % capture.
    pub training_capture10: f64,
    /// Random folds, with two occurrences or more.
    pub random: Option<Scheme>,
    /// Spatial block folds, when the occurrences fall in two blocks or more.
    pub spatial: Option<Spatial>,
    /// Why there are no spatial folds, when there are none.
    pub spatial_note: Option<String>,
    /// Permutation importance of each evidence layer, in model order.
    pub importance: Vec<Importance>,
    /// The scheme the importance comes from (`spatial` or `random`), or `none`.
    pub importance_folds: String,
}

impl LearnedValidation {
    /// The summary line's figures.
    pub fn describe(&self) -> String {
        let random = match &self.random {
            Some(r) => format!(
                "random {}-fold: area {:.3} held out, top-10 % capture {:.0} %",
                r.folds.len(),
                r.held_out_auc,
                100.0 * r.held_out_capture10
            ),
            None => "random folds: not run (fewer than 2 occurrences)".into(),
        };
        let spatial = match (&self.spatial, &self.spatial_note) {
            (Some(s), _) => format!(
                "spatial block cross-validation ({} folds of {} blocks of {} km, buffer {} km): \
                 area {:.3} held out, top-10 % capture {:.0} %",
                s.scheme.folds.len(),
                s.blocks,
                km(s.block_km),
                km(s.buffer_km),
                s.scheme.held_out_auc,
                100.0 * s.scheme.held_out_capture10
            ),
            (None, Some(n)) => format!("spatial block cross-validation: {n}"),
            (None, None) => "spatial block cross-validation: not run".into(),
        };
        format!(
            "area {:.3} fitted on all (top-10 % capture {:.0} %); {random}; {spatial}",
            self.training_auc,
            100.0 * self.training_capture10
        )
    }
}

/// A length in km with up to three decimals.
fn km(v: f64) -> String {
    format!("{}", (v * 1000.0).round() / 1000.0)
}

/// AUC and top-10 % capture of positive scores against background scores.
pub fn figures(positives: &[f32], background: &[f32]) -> (f64, f64) {
    let scores: Vec<f32> = positives.iter().chain(background).copied().collect();
    let y: Vec<bool> = (0..scores.len()).map(|i| i < positives.len()).collect();
    let auc = roc_auc(&scores, &y).unwrap_or(f64::NAN);
    let mut bg: Vec<f32> = background.iter().copied().filter(|v| !v.is_nan()).collect();
    bg.sort_by(|a, b| b.total_cmp(a));
    let top = ((bg.len() as f64 * 0.1).ceil() as usize).checked_sub(1);
    let capture = match top.and_then(|k| bg.get(k)) {
        Some(&level) if !positives.is_empty() => {
            positives.iter().filter(|&&p| p >= level).count() as f64 / positives.len() as f64
        }
        _ => f64::NAN,
    };
    (auc, capture)
}

/// Predicted probabilities of row-major rows.
fn predict(model: &Ensemble, x: &[f32]) -> Vec<f32> {
    let n = x.len() / model.features().max(1);
    let (mut mean, mut sd) = (vec![0f32; n], vec![0f32; n]);
    model.predict_rows(x, &mut mean, &mut sd);
    mean
}

/// What a fold trains on and holds out: positive and negative row indices.
struct Split {
    train_pos: Vec<usize>,
    train_neg: Vec<usize>,
    held_out: Vec<usize>,
}

/// Fits the rows of `split` and returns the fold's figures and model.
fn run_fold(
    learner: Learner,
    learning: &Learning,
    t: &Training,
    width: usize,
    split: &Split,
    engine: &Engine,
) -> Result<(Fold, Ensemble)> {
    let mut x = t.positives.select(&split.train_pos, width);
    x.extend(t.negatives.select(&split.train_neg, width));
    let y: Vec<bool> = (0..split.train_pos.len() + split.train_neg.len())
        .map(|i| i < split.train_pos.len())
        .collect();
    let data = Dataset {
        features: width,
        x: &x,
        y: &y,
        weight: None,
    };
    let model = engine.install(|| fit(learner, &learning.hyper, &data, learning.seed))?;
    let held = predict(&model, &t.positives.select(&split.held_out, width));
    let bg = predict(&model, &t.background.x);
    let (auc, capture10) = figures(&held, &bg);
    Ok((
        Fold {
            held_out: split.held_out.len(),
            trained_on: split.train_pos.len(),
            negatives: split.train_neg.len(),
            auc,
            capture10,
        },
        model,
    ))
}

/// The weighted means of a scheme's folds.
fn scheme(folds: Vec<Fold>) -> Scheme {
    let n: usize = folds.iter().map(|f| f.held_out).sum();
    let mean = |v: fn(&Fold) -> f64| {
        folds.iter().map(|f| v(f) * f.held_out as f64).sum::<f64>() / n.max(1) as f64
    };
    Scheme {
        held_out_auc: mean(|f| f.auc),
        held_out_capture10: mean(|f| f.capture10),
        folds,
    }
}

/// What [`cross_validate`] reads.
pub struct CrossValRequest<'a> {
    /// The learner.
    pub learner: Learner,
    /// Its training settings.
    pub learning: &'a Learning,
    /// The feature columns.
    pub features: &'a Features,
    /// The training rows.
    pub training: &'a Training,
    /// The model fitted on all rows.
    pub model: &'a Ensemble,
    /// Spatial block side in km (`None`: from the occurrences' spacing).
    pub block_km: Option<f64>,
    /// Grid units per km.
    pub units_per_km: f64,
    /// Progress stage name prefix.
    pub stage: &'a str,
}

/// Cross-validates a data-driven model and measures its evidence's importance (module docs).
pub fn cross_validate(req: &CrossValRequest, engine: &Engine) -> Result<LearnedValidation> {
    let t = req.training;
    let width = req.features.width();
    let (n_pos, n_neg) = (t.positives.len(), t.negatives.len());
    let (training_auc, training_capture10) = figures(
        &predict(req.model, &t.positives.x),
        &predict(req.model, &t.background.x),
    );
    let mut models: Vec<(Vec<usize>, Ensemble)> = Vec::new();
    let random = if n_pos >= 2 {
        let k = FOLDS.min(n_pos);
        let mut folds = Vec::with_capacity(k);
        engine.staged(&format!("{}: random folds", req.stage), 0, || {
            for f in 0..k {
                let split = Split {
                    train_pos: (0..n_pos).filter(|i| i % k != f).collect(),
                    train_neg: (0..n_neg).filter(|i| i % k != f).collect(),
                    held_out: (0..n_pos).filter(|i| i % k == f).collect(),
                };
                let (fold, model) = run_fold(req.learner, req.learning, t, width, &split, engine)?;
                folds.push(fold);
                models.push((split.held_out, model));
            }
            Ok(())
        })?;
        Some(scheme(folds))
    } else {
        None
    };
    let (spatial, spatial_note, spatial_models) = spatial(req, engine)?;
    let (importance_folds, fold_models) = if !spatial_models.is_empty() {
        ("spatial", spatial_models)
    } else if !models.is_empty() {
        ("random", models)
    } else {
        ("none", Vec::new())
    };
    let importance = importance(req, &fold_models, engine);
    Ok(LearnedValidation {
        background_cells: t.background.len(),
        training_auc,
        training_capture10,
        random,
        spatial,
        spatial_note,
        importance,
        importance_folds: importance_folds.into(),
    })
}

/// The spatial block folds' figures and models, or why there are none.
#[allow(clippy::type_complexity)]
fn spatial(
    req: &CrossValRequest,
    engine: &Engine,
) -> Result<(Option<Spatial>, Option<String>, Vec<(Vec<usize>, Ensemble)>)> {
    let t = req.training;
    let width = req.features.width();
    let xy = &t.positives.xy;
    let Some(side) = req
        .block_km
        .map(|b| b * req.units_per_km)
        .or_else(|| default_side(xy, FOLDS))
    else {
        return Ok((
            None,
            Some("not run: the occurrences share one cell".into()),
            Vec::new(),
        ));
    };
    let Some(bf): Option<BlockFolds> = block_folds(xy, side, side / 2.0, FOLDS) else {
        return Ok((
            None,
            Some(format!(
                "not run: every occurrence lies in one block of {} km",
                km(side / req.units_per_km)
            )),
            Vec::new(),
        ));
    };
    let mut folds = Vec::with_capacity(bf.folds);
    let mut models = Vec::with_capacity(bf.folds);
    engine.staged(&format!("{}: spatial folds", req.stage), 0, || {
        for f in 0..bf.folds {
            let split = Split {
                train_pos: bf.training(f, xy),
                train_neg: bf.background_training(f, xy, &t.negatives.xy),
                held_out: bf.held_out(f),
            };
            if split.train_pos.is_empty() || split.train_neg.is_empty() {
                continue;
            }
            let (fold, model) = run_fold(req.learner, req.learning, t, width, &split, engine)?;
            folds.push(fold);
            models.push((split.held_out, model));
        }
        Ok(())
    })?;
    if folds.is_empty() {
        return Ok((
            None,
            Some("not run: every fold's buffer covers all other occurrences".into()),
            Vec::new(),
        ));
    }
    let s = Spatial {
        block_km: side / req.units_per_km,
        block_given: req.block_km.is_some(),
        buffer_km: bf.buffer / req.units_per_km,
        blocks: bf.blocks,
        scheme: scheme(folds),
    };
    Ok((Some(s), None, models))
}

/// Permutation importance per evidence layer over the folds' held-out rows (module docs).
fn importance(
    req: &CrossValRequest,
    folds: &[(Vec<usize>, Ensemble)],
    engine: &Engine,
) -> Vec<Importance> {
    let t = req.training;
    let width = req.features.width();
    let layers = req.features.groups.len();
    let mut sum = vec![0f64; layers];
    let mut n = 0usize;
    for (f, (held, model)) in folds.iter().enumerate() {
        let mut x = t.positives.select(held, width);
        x.extend_from_slice(&t.background.x);
        let y: Vec<bool> = (0..held.len() + t.background.len())
            .map(|i| i < held.len())
            .collect();
        let data = Dataset {
            features: width,
            x: &x,
            y: &y,
            weight: None,
        };
        let drops = engine.install(|| {
            grouped_permutation_importance(
                model,
                &data,
                &req.features.groups,
                IMPORTANCE_REPEATS,
                req.learning.seed.wrapping_add(f as u64),
            )
        });
        for (s, d) in sum.iter_mut().zip(drops) {
            *s += d * held.len() as f64;
        }
        n += held.len();
    }
    req.features
        .layers
        .specs
        .iter()
        .zip(sum)
        .map(|(l, s)| Importance {
            evidence: l.name.clone(),
            auc_drop: if n > 0 { s / n as f64 } else { f64::NAN },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_of_separated_and_tied_scores() {
        // Every positive above every background cell: AUC 1, all in the top 10 %.
        let bg: Vec<f32> = (0..100).map(|i| i as f32 / 100.0).collect();
        assert_eq!(figures(&[2.0, 3.0], &bg), (1.0, 1.0));
        // One positive at the top-10 % level (0.90: the 10th highest of 0.00 .. 0.99), one
        // below it; the AUC of 0.9 counts the 9 cells above it and the one tied as half.
        let (auc, capture) = figures(&[0.9, 0.0], &bg);
        assert_eq!(capture, 0.5);
        assert!((auc - (0.905 + 0.005) / 2.0).abs() < 1e-12, "{auc}");
        // No background: no figures, no panic.
        let (auc, capture) = figures(&[0.5], &[]);
        assert!(auc.is_nan() && capture.is_nan());
    }
}
