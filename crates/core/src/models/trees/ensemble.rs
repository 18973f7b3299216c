//! Training rows, class weights and the fit of an ensemble.
//!
//! # Class weights
//! The classes are balanced, as scikit-learn's `class_weight="balanced"`: a row of class `c`
//! weighs `w · (n / 2) / W_c`, `w` its own weight (1 without weights), `n` the rows and `W_c`
//! its class's total of `w`, so each class totals `n / 2` and a mean row weighs 1. Prospectivity
//! has a few occurrences among many background cells; balanced, the predicted probability is
//! that of a cell being like the occurrences rather than like the background, both classes
//! equally likely a priori (not the chance of a deposit in a cell: rank cells by it, or correct
//! it for a prior as King & Zeng 2001).
//!
//! # Seeds
//! Member `i` (a forest's tree `i`) draws from `SplitMix64::new(s_i)`, where `s_i` is output
//! `i + 1` of `SplitMix64::new(seed)`: its bootstrap, then its nodes' features. Members are
//! fitted in parallel, each on one thread, and kept in order, so the ensemble is the same bits
//! for any thread count.
use rayon::prelude::*;

use super::binning::Binning;
use super::boosting::boost;
use super::forest::plant;
use super::hyper::{Hyper, Learner};
use super::predict::{Compiled, Link, Member, CHUNK};
use crate::error::{Error, Result};
use crate::rng::SplitMix64;

/// Most features a model takes (the predictor numbers its byte columns, two per feature, in
/// 16 bits).
pub const MAX_FEATURES: usize = 32_767;

/// Training rows.
#[derive(Debug, Clone, Copy)]
pub struct Dataset<'a> {
    /// Features per row.
    pub features: usize,
    /// Row-major values, `rows · features` of them; NaN is a missing value.
    pub x: &'a [f32],
    /// One label per row: `true` for a positive (a known occurrence).
    pub y: &'a [bool],
    /// Per-row weights (finite, at least 0); `None`: 1 each.
    pub weight: Option<&'a [f32]>,
}

impl Dataset<'_> {
    /// Rows.
    pub fn rows(&self) -> usize {
        self.y.len()
    }

    /// Checks the shape: `x` holds `rows · features` values.
    pub(crate) fn check_shape(&self) -> Result<()> {
        if self.features == 0 {
            return Err(Error::param("the training rows have no feature"));
        }
        if self.features > MAX_FEATURES {
            return Err(Error::param(format!(
                "{} features: at most {MAX_FEATURES} are supported",
                self.features
            )));
        }
        let expected = self.rows().checked_mul(self.features);
        if expected != Some(self.x.len()) {
            return Err(Error::param(format!(
                "the training rows have {} values, not rows × features = {} × {}",
                self.x.len(),
                self.rows(),
                self.features
            )));
        }
        Ok(())
    }
}

/// A fitted ensemble: the bin edges of the training rows and the compiled trees of its
/// members.
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    pub(super) learner: Learner,
    pub(super) binning: Binning,
    pub(super) compiled: Compiled,
}

impl Ensemble {
    /// The learner that fitted it.
    pub fn learner(&self) -> Learner {
        self.learner
    }

    /// Features per cell.
    pub fn features(&self) -> usize {
        self.binning.features()
    }

    /// Members: boosters, or a forest's trees.
    pub fn members(&self) -> usize {
        self.compiled.members()
    }
}

/// Fits an ensemble of `learner` to the rows (see the module docs for the class weights and
/// the seeds).
///
/// ```
/// use geoprospect_core::models::trees::{fit, roc_auc, Dataset, Hyper, Learner};
/// // One feature: positives above 0.5.
/// let x: Vec<f32> = (0..200).map(|i| i as f32 / 200.0).collect();
/// let y: Vec<bool> = x.iter().map(|&v| v > 0.5).collect();
/// let data = Dataset { features: 1, x: &x, y: &y, weight: None };
/// let hyper = Hyper { trees: Some(20), ..Hyper::default() };
/// let model = fit(Learner::GradientBoosting, &hyper, &data, 7).unwrap();
/// assert_eq!((model.members(), model.features()), (5, 1));
/// let (mut mean, mut sd) = (vec![0.0; 200], vec![0.0; 200]);
/// model.predict_rows(&x, &mut mean, &mut sd);
/// assert_eq!(roc_auc(&mean, &y), Some(1.0));
/// assert!(mean[150] > 0.5 && mean[50] < 0.5);
/// ```
pub fn fit(learner: Learner, hyper: &Hyper, data: &Dataset, seed: u64) -> Result<Ensemble> {
    data.check_shape()?;
    let settings = hyper.settings(learner, data.features)?;
    if let Some(i) = data.x.iter().position(|v| v.is_infinite()) {
        return Err(Error::param(format!(
            "training row {} has an infinite value of feature {}",
            i / data.features,
            i % data.features
        )));
    }
    let w = balanced_weights(data)?;
    let binning = Binning::fit(data.x, data.features, settings.max_bins);
    let binned = binning.bin_rows(data.x);
    let mut master = SplitMix64::new(seed);
    let seeds: Vec<u64> = (0..settings.members).map(|_| master.next_u64()).collect();
    let (members, link): (Vec<Member>, Link) = match learner {
        Learner::GradientBoosting => {
            let bootstrap = settings.members > 1;
            let members = seeds
                .par_iter()
                .map(|&s| {
                    boost(
                        &binned,
                        data.y,
                        &w,
                        &settings,
                        bootstrap,
                        &mut SplitMix64::new(s),
                    )
                })
                .collect();
            (members, Link::Logistic)
        }
        Learner::RandomForest => {
            let members = seeds
                .par_iter()
                .map(|&s| Member {
                    base: 0.0,
                    trees: vec![plant(
                        &binned,
                        data.y,
                        &w,
                        &settings,
                        &mut SplitMix64::new(s),
                    )],
                })
                .collect();
            (members, Link::Identity)
        }
    };
    let compiled = Compiled::new(&members, link, binning.features());
    Ok(Ensemble {
        learner,
        binning,
        compiled,
    })
}

/// The row weights times the class weights that balance the classes.
fn balanced_weights(data: &Dataset) -> Result<Vec<f64>> {
    let n = data.rows();
    let own: Vec<f64> = match data.weight {
        Some(w) if w.len() != n => {
            return Err(Error::param(format!(
                "{} weights for {n} training rows",
                w.len()
            )))
        }
        Some(w) => {
            if let Some(i) = w.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(Error::param(format!(
                    "training row {i} has weight {}: weights must be finite and at least 0",
                    w[i]
                )));
            }
            w.iter().map(|&v| v as f64).collect()
        }
        None => vec![1.0; n],
    };
    let positives = data.y.iter().filter(|&&v| v).count();
    if positives == 0 || positives == n {
        return Err(Error::param(format!(
            "the training rows need positives and negatives, got {positives} positive of {n}"
        )));
    }
    let (mut pos, mut neg) = (0.0, 0.0);
    for (&y, &w) in data.y.iter().zip(&own) {
        if y {
            pos += w;
        } else {
            neg += w;
        }
    }
    for (total, class) in [(pos, "positive"), (neg, "negative")] {
        if total <= 0.0 {
            return Err(Error::param(format!(
                "the {class} training rows weigh 0 in total"
            )));
        }
    }
    let half = n as f64 / 2.0;
    Ok(data
        .y
        .iter()
        .zip(&own)
        .map(|(&y, &w)| w * half / if y { pos } else { neg })
        .collect())
}

impl Ensemble {
    /// Predicts cells given as one slice per feature (column-major, as raster blocks come),
    /// all of length `n`: the ensemble's mean probability into `mean` and the population
    /// standard deviation of its members' probabilities into `sd` (both of length `n`; the
    /// deviation is 0 where all members agree, and with one member). A cell whose every
    /// feature is NaN gets NaN in both; otherwise a NaN feature follows the missing-value
    /// direction learned at each split. Chunks of cells run in parallel on the current rayon
    /// pool; the results are the same bits for any thread count.
    ///
    /// Panics unless there is one column per feature and every slice has the same length.
    ///
    /// ```
    /// use geoprospect_core::models::trees::{fit, Dataset, Hyper, Learner};
    /// let x: Vec<f32> = (0..100).flat_map(|i| [i as f32, (i % 7) as f32]).collect();
    /// let y: Vec<bool> = (0..100).map(|i| i >= 50).collect();
    /// let data = Dataset { features: 2, x: &x, y: &y, weight: None };
    /// let hyper = Hyper { trees: Some(50), ..Hyper::default() };
    /// let model = fit(Learner::RandomForest, &hyper, &data, 1).unwrap();
    /// let (a, b) = ([10.0, 90.0, f32::NAN], [3.0, f32::NAN, f32::NAN]);
    /// let (mut mean, mut sd) = ([0.0; 3], [0.0; 3]);
    /// model.predict_columns(&[&a, &b], &mut mean, &mut sd);
    /// assert!(mean[0] < 0.1 && mean[1] > 0.9);
    /// assert!(mean[2].is_nan() && sd[2].is_nan());
    /// ```
    pub fn predict_columns(&self, columns: &[&[f32]], mean: &mut [f32], sd: &mut [f32]) {
        let n = mean.len();
        assert!(
            columns.len() == self.features()
                && sd.len() == n
                && columns.iter().all(|c| c.len() == n),
            "one column per feature, every column as long as the outputs"
        );
        self.predict_with(mean, sd, |start, f, i| columns[f][start + i]);
    }

    /// [`predict_columns`](Self::predict_columns) for row-major cells: `x` holds `n` rows of
    /// `features` values; the same bits as the same cells given as columns.
    ///
    /// Panics unless `x.len()` is `n · features` with `n` the outputs' length.
    pub fn predict_rows(&self, x: &[f32], mean: &mut [f32], sd: &mut [f32]) {
        let (n, p) = (mean.len(), self.features());
        assert!(
            sd.len() == n && Some(x.len()) == n.checked_mul(p),
            "rows × features values, as many rows as outputs"
        );
        self.predict_with(mean, sd, |start, f, i| x[(start + i) * p + f]);
    }

    fn predict_with(
        &self,
        mean: &mut [f32],
        sd: &mut [f32],
        value: impl Fn(usize, usize, usize) -> f32 + Sync,
    ) {
        let columns = 2 * self.features();
        mean.par_chunks_mut(CHUNK)
            .zip(sd.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each_init(
                || vec![[0u8; CHUNK]; columns],
                |code, (c, (m, s))| {
                    let start = c * CHUNK;
                    self.compiled
                        .chunk(&self.binning, |f, i| value(start, f, i), code, m, s)
                },
            );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(x: &[f32], y: &[bool], weight: Option<&[f32]>, features: usize) -> String {
        let data = Dataset {
            features,
            x,
            y,
            weight,
        };
        fit(Learner::RandomForest, &Hyper::default(), &data, 0)
            .unwrap_err()
            .to_string()
    }

    /// Every bad input gives a one-line parameter error naming what is wrong.
    #[test]
    fn fit_errors() {
        let (x, y) = ([0.0f32, 1.0, 2.0, 3.0], [false, true, false, true]);
        assert_eq!(
            err(&x, &[true; 4], None, 1),
            "the training rows need positives and negatives, got 4 positive of 4"
        );
        assert_eq!(
            err(&x, &[false; 4], None, 1),
            "the training rows need positives and negatives, got 0 positive of 4"
        );
        assert_eq!(
            err(&x[..3], &y, None, 1),
            "the training rows have 3 values, not rows × features = 4 × 1"
        );
        assert_eq!(err(&x, &y, None, 0), "the training rows have no feature");
        assert_eq!(
            err(&x, &y, Some(&[1.0, f32::NAN, 1.0, 1.0]), 1),
            "training row 1 has weight NaN: weights must be finite and at least 0"
        );
        assert_eq!(
            err(&x, &y, Some(&[1.0, -1.0, 1.0, 1.0]), 1),
            "training row 1 has weight -1: weights must be finite and at least 0"
        );
        assert_eq!(
            err(&x, &y, Some(&[1.0, 1.0]), 1),
            "2 weights for 4 training rows"
        );
        assert_eq!(
            err(&x, &y, Some(&[1.0, 0.0, 1.0, 0.0]), 1),
            "the positive training rows weigh 0 in total"
        );
        assert_eq!(
            err(&[0.0, 1.0, f32::INFINITY, 3.0], &y, None, 1),
            "training row 2 has an infinite value of feature 0"
        );
        assert_eq!(
            err(&x, &y, None, 2),
            "the training rows have 4 values, not rows × features = 4 × 2"
        );
        let data = Dataset {
            features: 1,
            x: &x,
            y: &y,
            weight: None,
        };
        let bad = Hyper {
            max_features: Some(2),
            ..Hyper::default()
        };
        assert!(fit(Learner::RandomForest, &bad, &data, 0).is_err());
    }

    /// Balanced weights: each class totals n / 2, row weights kept in proportion.
    #[test]
    fn classes_weigh_half_each() {
        let y = [true, false, false, false];
        let data = Dataset {
            features: 1,
            x: &[0.0; 4],
            y: &y,
            weight: Some(&[1.0, 1.0, 2.0, 1.0]),
        };
        let w = balanced_weights(&data).unwrap();
        assert_eq!(w, [2.0, 0.5, 1.0, 0.5]);
    }
}
