//! Permutation importance (Breiman 2001, "Random forests", §10; Fisher, Rudin & Dominici
//! 2019, "All models are wrong, but many are useful", *JMLR* 20, model reliance): how much the
//! ROC AUC on held-out rows drops when one feature's column is shuffled, which breaks its link
//! to the labels and keeps its distribution.
//!
//! Feature `f` shuffles with `SplitMix64::new(s_f)`, `s_f` output `f + 1` of
//! `SplitMix64::new(seed)`, one Fisher-Yates shuffle per repeat in turn; features run in
//! parallel and each is computed alone, so the values are the same for any thread count.
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
    let (n, p) = (data.rows(), data.features);
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
        _ => return vec![f64::NAN; p],
    };
    let mut master = SplitMix64::new(seed);
    let seeds: Vec<u64> = (0..p).map(|_| master.next_u64()).collect();
    seeds
        .par_iter()
        .enumerate()
        .map(|(f, &s)| {
            let mut rng = SplitMix64::new(s);
            let mut shuffled = columns[f].clone();
            let mut drop = 0.0;
            for _ in 0..repeats {
                for i in (1..n).rev() {
                    shuffled.swap(i, rng.below_or_eq(i as u64) as usize);
                }
                let mut cols = original.clone();
                cols[f] = &shuffled;
                drop += base - score(&cols).unwrap_or(f64::NAN);
            }
            drop / repeats as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::trees::{fit, Hyper, Learner};

    /// On held-out rows: the feature that decides the label matters most, a weak one less, a
    /// pure-noise one about 0, and a constant one (never split on) exactly 0.
    #[test]
    fn signal_matters_and_noise_does_not() {
        let make = |seed: u64| {
            let mut rng = SplitMix64::new(seed);
            let mut x = Vec::new();
            let mut y = Vec::new();
            for _ in 0..1500 {
                let r = [
                    rng.uniform() as f32,
                    rng.uniform() as f32,
                    rng.uniform() as f32,
                    0.5,
                ];
                let eta = 8.0 * (r[0] as f64 - 0.5) + 2.0 * (r[1] as f64 - 0.5);
                y.push(rng.uniform() < 1.0 / (1.0 + (-eta).exp()));
                x.extend(r);
            }
            (x, y)
        };
        let (x, y) = make(1);
        let train = Dataset {
            features: 4,
            x: &x,
            y: &y,
            weight: None,
        };
        let hyper = Hyper {
            trees: Some(30),
            ..Hyper::default()
        };
        let model = fit(Learner::GradientBoosting, &hyper, &train, 2).unwrap();
        let (hx, hy) = make(3);
        let held = Dataset {
            features: 4,
            x: &hx,
            y: &hy,
            weight: None,
        };
        let imp = permutation_importance(&model, &held, 4, 7);
        assert!(imp[0] > 0.2, "{imp:?}");
        assert!(imp[1] > 0.01 && imp[1] < imp[0], "{imp:?}");
        assert!(imp[2].abs() < 0.01, "{imp:?}");
        assert_eq!(imp[3], 0.0);
        // Undefined without repeats or without both classes.
        assert!(permutation_importance(&model, &held, 0, 7)
            .iter()
            .all(|v| v.is_nan()));
        let ones = vec![true; 1500];
        let one_class = Dataset { y: &ones, ..held };
        assert!(permutation_importance(&model, &one_class, 2, 7)
            .iter()
            .all(|v| v.is_nan()));
    }
}
