//! Permutation importance (Breiman 2001, "Random forests", §10; Fisher, Rudin & Dominici
//! 2019, "All models are wrong, but many are useful", *JMLR* 20, model reliance): how much the
//! ROC AUC on held-out rows drops when one feature's column is shuffled, which breaks its link
//! to the labels and keeps its distribution.
//!
//! Feature `f` shuffles with `SplitMix64::new(s_f)`, `s_f` output `f + 1` of
//! `SplitMix64::new(seed)`, one Fisher-Yates shuffle per repeat in turn; features run in
//! parallel and each is computed alone, so the values are the same for any thread count.
use std::ops::Range;

use rayon::prelude::*;

use super::auc::roc_auc;
use super::ensemble::{Dataset, Ensemble};
use crate::rng::SplitMix64;

/// For each feature, the mean over `repeats` of `AUC(original rows) − AUC(rows with that
/// feature's column permuted)`, on `data` (held-out rows; their weights are not used). A
/// feature the model ignores scores 0; NaN for every feature when `repeats` is 0 or the rows
/// lack a positive or a negative.
///
/// Panics unless `data` has the model's features and `rows · features` values.
///
/// ```
/// use geoprospect_core::models::trees::{fit, permutation_importance, Dataset, Hyper, Learner};
/// use geoprospect_core::rng::SplitMix64;
/// let mut rng = SplitMix64::new(3);
/// // Feature 0 decides the label, feature 1 is noise.
/// let x: Vec<f32> = (0..400).flat_map(|_| [rng.uniform() as f32, rng.uniform() as f32]).collect();
/// let y: Vec<bool> = x.chunks(2).map(|r| r[0] > 0.5).collect();
/// let data = Dataset { features: 2, x: &x, y: &y, weight: None };
/// let hyper = Hyper { trees: Some(20), ..Hyper::default() };
/// let model = fit(Learner::GradientBoosting, &hyper, &data, 0).unwrap();
/// let imp = permutation_importance(&model, &data, 3, 0);
/// assert!(imp[0] > 0.3 && imp[1].abs() < 0.02);
/// ```
pub fn permutation_importance(
    model: &Ensemble,
    data: &Dataset,
    repeats: usize,
    seed: u64,
) -> Vec<f64> {
    let singles: Vec<Range<usize>> = (0..data.features).map(|f| f..f + 1).collect();
    grouped_permutation_importance(model, data, &singles, repeats, seed)
}

/// [`permutation_importance`] of groups of columns, each group's columns shuffled together
/// by one permutation of the rows (the one-hot columns of a class layer, so that a cell keeps
/// one class): one value per group, group `g` shuffled from output `g + 1` of the seed's
/// generator.
///
/// Panics unless `data` has the model's features and `rows · features` values, and every
/// group is a range of its columns.
///
/// ```
/// use geoprospect_core::models::trees::{fit, grouped_permutation_importance, Dataset, Hyper, Learner};
/// use geoprospect_core::rng::SplitMix64;
/// let mut rng = SplitMix64::new(3);
/// // Columns 0 and 1 one-hot a class that decides the label; column 2 is noise.
/// let x: Vec<f32> = (0..400)
///     .flat_map(|_| {
///         let a = rng.uniform() > 0.5;
///         [a as u8 as f32, !a as u8 as f32, rng.uniform() as f32]
///     })
///     .collect();
/// let y: Vec<bool> = x.chunks(3).map(|r| r[0] == 1.0).collect();
/// let data = Dataset { features: 3, x: &x, y: &y, weight: None };
/// let hyper = Hyper { trees: Some(20), ..Hyper::default() };
/// let model = fit(Learner::GradientBoosting, &hyper, &data, 0).unwrap();
/// let imp = grouped_permutation_importance(&model, &data, &[0..2, 2..3], 3, 0);
/// assert!(imp[0] > 0.3 && imp[1].abs() < 0.02);
/// ```
pub fn grouped_permutation_importance(
    model: &Ensemble,
    data: &Dataset,
    groups: &[Range<usize>],
    repeats: usize,
    seed: u64,
) -> Vec<f64> {
    let (n, p) = (data.rows(), data.features);
    assert!(
        groups.iter().all(|g| g.start < g.end && g.end <= p),
        "groups are ranges of the columns"
    );
    assert!(
        p == model.features() && Some(data.x.len()) == n.checked_mul(p),
        "the model's features, rows × features values"
    );
    let columns: Vec<Vec<f32>> = (0..p)
        .map(|f| (0..n).map(|i| data.x[i * p + f]).collect())
        .collect();
    let score = |cols: &[&[f32]]| -> Option<f64> {
        let (mut mean, mut sd) = (vec![0.0; n], vec![0.0; n]);
        model.predict_columns(cols, &mut mean, &mut sd);
        roc_auc(&mean, data.y)
    };
    let original: Vec<&[f32]> = columns.iter().map(|c| c.as_slice()).collect();
    let base = match score(&original) {
        Some(a) if repeats > 0 => a,
        _ => return vec![f64::NAN; groups.len()],
    };
    let mut master = SplitMix64::new(seed);
    let seeds: Vec<u64> = groups.iter().map(|_| master.next_u64()).collect();
    seeds
        .par_iter()
        .zip(groups)
        .map(|(&s, g)| {
            let mut rng = SplitMix64::new(s);
            let mut order: Vec<usize> = (0..n).collect();
            let mut drop = 0.0;
            for _ in 0..repeats {
                for i in (1..n).rev() {
                    order.swap(i, rng.below_or_eq(i as u64) as usize);
                }
                let shuffled: Vec<Vec<f32>> = g
                    .clone()
                    .map(|f| order.iter().map(|&i| columns[f][i]).collect())
                    .collect();
                let mut cols = original.clone();
                for (f, c) in g.clone().zip(&shuffled) {
                    cols[f] = c;
                }
                drop += base - score(&cols).unwrap_or(f64::NAN);
            }
            drop / repeats as f64
        })
        .collect()
}
