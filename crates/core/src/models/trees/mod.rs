//! Data-driven prospectivity models: gradient boosting of histogram trees (Friedman 2001;
//! Ke et al. 2017, LightGBM; as scikit-learn's HistGradientBoostingClassifier) and random
//! forests of probability trees (Breiman 2001; Malley et al. 2012), with a compiled block
//! predictor, ROC AUC and permutation importance (Breiman 2001; Fisher et al. 2019).
//!
//! [`fit`] bins each feature at its quantiles, balances the classes and fits the
//! members in parallel: bagged boosters or a forest's trees. [`Ensemble::predict_columns`]
//! gives, per cell, the members' mean probability and their standard deviation, the ensemble's
//! own measure of its uncertainty. NaN is a missing value throughout: each split learns where
//! missing values go.
//!
//! Why not a crate (smartcore, linfa-trees, perpetual): the pipeline needs results that are the
//! same bits for any thread count, NaN as missing values with a learned direction, sample
//! weights, a spread over members for the uncertainty, and prediction of tens of millions of
//! cells per map at more than a million a second; none offers them together, and the learner
//! they would share is one module (`tree`) of a few hundred lines.
//!
//! ```
//! use geoprospect_core::models::trees::{fit, roc_auc, Dataset, Hyper, Learner};
//! use geoprospect_core::rng::SplitMix64;
//! let mut rng = SplitMix64::new(1);
//! // Occurrences where feature 0 is high; feature 1 is noise, sometimes missing.
//! let x: Vec<f32> = (0..1000)
//!     .flat_map(|i| [rng.uniform() as f32, if i % 10 == 0 { f32::NAN } else { rng.uniform() as f32 }])
//!     .collect();
//! let y: Vec<bool> = x.chunks(2).map(|r| r[0] > 0.9).collect();
//! let data = Dataset { features: 2, x: &x, y: &y, weight: None };
//! let model = fit(Learner::RandomForest, &Hyper { trees: Some(50), ..Hyper::default() }, &data, 7).unwrap();
//! let (mut mean, mut sd) = (vec![0.0; 1000], vec![0.0; 1000]);
//! model.predict_rows(&x, &mut mean, &mut sd);
//! assert!(roc_auc(&mean, &y).unwrap() > 0.99);
//! ```
/// The ROC AUC as the Mann-Whitney statistic.
mod auc;
/// Quantile bin edges per feature, values to one-byte bins.
mod binning;
/// Gradient boosting on the logistic loss: one member.
mod boosting;
/// The stratified bootstrap of the rows.
mod bootstrap;
/// Training rows, class weights, the fit of an ensemble.
mod ensemble;
/// Random forests of probability trees: one tree.
mod forest;
/// The learners, their hyperparameters and defaults.
mod hyper;
/// Permutation importance on held-out rows.
mod importance;
/// Compiled trees and block prediction.
mod predict;
/// The histogram tree learner.
mod tree;

#[cfg(test)]
mod tests;

pub use auc::roc_auc;
pub use ensemble::{fit, Dataset, Ensemble, MAX_FEATURES};
pub use hyper::{Hyper, Learner, GBM_MAX_DEPTH, GBM_MAX_LEAVES, GBM_MEMBERS, GBM_TREES, RF_TREES};
pub use importance::{grouped_permutation_importance, permutation_importance};
