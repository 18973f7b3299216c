//! Gradient boosting of histogram trees on the logistic loss (Friedman 2001, "Greedy function
//! approximation: a gradient boosting machine", *Annals of Statistics* 29(5), with Newton
//! leaves as Friedman, Hastie & Tibshirani 2000; histograms and best-first leaves as LightGBM,
//! Ke et al. 2017, and scikit-learn's HistGradientBoostingClassifier).
//!
//! The raw score starts at the weighted log-odds `ln(Σ_pos w / Σ_neg w)` (0 with balanced
//! classes on all rows) and each tree adds `η · (−G / (H + λ))` per leaf, grown on the loss's
//! gradient `g = (p − y) w` and hessian `h = p (1 − p) w` at `p = σ(raw)`, σ the logistic
//! function. A member of an ensemble boosts on a stratified bootstrap of the rows (a row drawn
//! `k` times weighs `k w`); a lone member boosts on every row once.
use super::binning::Binned;
use super::bootstrap;
use super::hyper::Settings;
use super::predict::{sigmoid, Member};
use super::tree::{grow, GradHess, Rules};
use crate::rng::SplitMix64;

/// Boosts `s.trees` trees on the binned rows with labels `y` and weights `w`, on a bootstrap
/// sample of them when `bootstrap` (its draws the first from `rng`).
pub(crate) fn boost(
    binned: &Binned,
    y: &[bool],
    w: &[f64],
    s: &Settings,
    bootstrap: bool,
    rng: &mut SplitMix64,
) -> Member {
    let n = y.len();
    let counts = if bootstrap {
        bootstrap::counts(y, rng)
    } else {
        vec![1; n]
    };
    let rows: Vec<u32> = (0..n as u32).filter(|&i| counts[i as usize] > 0).collect();
    let wk: Vec<f64> = w.iter().zip(&counts).map(|(w, &k)| w * k as f64).collect();
    let (mut pos, mut neg) = (0.0, 0.0);
    for &r in &rows {
        let r = r as usize;
        if y[r] {
            pos += wk[r];
        } else {
            neg += wk[r];
        }
    }
    // A class whose drawn rows all weigh 0 (possible only when zero weights dominate it)
    // leaves the log-odds infinite: start from even odds instead.
    let base = if pos > 0.0 && neg > 0.0 {
        (pos / neg).ln()
    } else {
        0.0
    };
    let rules = Rules {
        max_depth: s.max_depth,
        max_leaves: s.max_leaves,
        min_samples_leaf: s.min_samples_leaf,
        l2: s.l2,
        shrinkage: s.learning_rate,
        max_features: s.max_features,
    };
    let mut raw = vec![base; n];
    let mut gh = vec![GradHess::default(); n];
    let mut trees = Vec::with_capacity(s.trees);
    let mut order = rows.clone();
    for _ in 0..s.trees {
        for &r in &rows {
            let r = r as usize;
            let p = sigmoid(raw[r]);
            let t = if y[r] { 1.0 } else { 0.0 };
            gh[r] = GradHess {
                g: (p - t) * wk[r],
                h: p * (1.0 - p) * wk[r],
            };
        }
        order.copy_from_slice(&rows);
        let (tree, leaves) = grow(binned, &gh, &mut order, &rules, rng);
        for leaf in leaves {
            for &r in &order[leaf.rows] {
                raw[r as usize] += leaf.value;
            }
        }
        trees.push(tree);
    }
    Member { base, trees }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::trees::tree::Node;

    /// One boosting step from balanced classes, by hand. One binary feature, bins 0 0 0 1 1 1,
    /// labels 0 0 1 1 1 1, weights balancing the classes (negatives 6 / (2 · 2) = 1.5,
    /// positives 6 / (2 · 4) = 0.75), so the base is ln(3 / 3) = 0 and p = 1/2:
    /// g = (1/2 − y) w is 0.75 for a negative and −0.375 for a positive, h = w / 4 is 0.375 and
    /// 0.1875. Left (bin 0): G = 0.75 + 0.75 − 0.375 = 1.125, H = 0.9375; right: G = −1.125,
    /// H = 0.5625. The leaves are −G / (H + λ) · η with λ = 1, η = 0.1.
    #[test]
    fn first_step_leaves_are_newton_steps() {
        let binned = Binned {
            rows: 6,
            bins: vec![0, 0, 0, 1, 1, 1],
            nbins: vec![2],
        };
        let y = [false, false, true, true, true, true];
        let w = [1.5, 1.5, 0.75, 0.75, 0.75, 0.75];
        let s = Settings {
            trees: 1,
            learning_rate: 0.1,
            max_depth: 1,
            max_leaves: Some(31),
            min_samples_leaf: 1,
            l2: 1.0,
            max_bins: 255,
            members: 1,
            max_features: 1,
        };
        let m = boost(&binned, &y, &w, &s, false, &mut SplitMix64::new(0));
        assert_eq!(m.base, 0.0);
        let leaf = |i: usize| match m.trees[0].nodes[i] {
            Node::Leaf { value } => value,
            _ => panic!("node {i} is not a leaf"),
        };
        assert!((leaf(1) - -1.125 / (0.9375 + 1.0) * 0.1).abs() < 1e-15);
        assert!((leaf(2) - 1.125 / (0.5625 + 1.0) * 0.1).abs() < 1e-15);
    }
}
