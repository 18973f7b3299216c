//! Random forests of probability trees (Breiman 2001, "Random forests", *Machine Learning*
//! 45; Malley, Kruppa, Dasgupta, Malley & Ziegler 2012, "Probability machines", *Methods of
//! Information in Medicine* 51): regression trees on the 0/1 labels, so a leaf's value is the
//! weighted share of positives among its rows and the forest's mean a consistent estimate of
//! the probability. Each tree grows on a stratified bootstrap of the rows (a row drawn `k`
//! times weighs `k w`) with `max_features` features drawn at every node, to `min_samples_leaf`
//! rows (and `max_depth`, `max_leaves` if set); no shrinkage, no λ.
use super::binning::Binned;
use super::bootstrap;
use super::hyper::Settings;
use super::tree::{grow, GradHess, Rules, Tree};
use crate::rng::SplitMix64;

/// Grows one tree: the bootstrap draws first, then the features of each node, from `rng`.
pub(crate) fn plant(
    binned: &Binned,
    y: &[bool],
    w: &[f64],
    s: &Settings,
    rng: &mut SplitMix64,
) -> Tree {
    let counts = bootstrap::counts(y, rng);
    let mut rows: Vec<u32> = (0..y.len() as u32)
        .filter(|&i| counts[i as usize] > 0)
        .collect();
    // Squared error around 0: g = −y w k, h = w k (a negative's g is −0, adding nothing).
    let gh: Vec<GradHess> = (0..y.len())
        .map(|i| {
            let h = w[i] * counts[i] as f64;
            GradHess {
                g: if y[i] { -h } else { -0.0 },
                h,
            }
        })
        .collect();
    let rules = Rules {
        max_depth: s.max_depth,
        max_leaves: s.max_leaves,
        min_samples_leaf: s.min_samples_leaf,
        l2: 0.0,
        shrinkage: 1.0,
        max_features: s.max_features,
    };
    grow(binned, &gh, &mut rows, &rules, rng).0
}
