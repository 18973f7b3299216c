//! Posterior probability of weights-of-evidence models and the conditional independence test.
//!
//! # Posterior probability
//! With prior odds `O(D) = N(D) / (N − N(D))`, the posterior logit of a cell is
//! `ln O(D) + Σ_j W_j` where `W_j` is the weight of the cell's class on layer `j`, and its
//! variance (Bonham-Carter 1994, ch. 9, after Agterberg, Bonham-Carter & Wright 1990; without
//! the missing-data term) is `s²(P) = P² · (1/N(D) + Σ_j s²(W_j))`. Classes without a weight (nodata) add 0.
//!
//! # Conditional independence
//! Agterberg & Cheng (2002, *Natural Resources Research* 11(4), 249-255): over the unique
//! conditions `k` (distinct combinations of classes) with areas `A_k` in unit cells, the
//! predicted number of deposits is `T = Σ_k A_k P_k` with `s²(T) = Σ_k (A_k s(P_k))²`; under
//! conditional independence `T − n` is about normal with mean 0, and the one-tailed probability
//! `Φ((T − n) / s(T))` above 0.95 (0.99) rejects it. Bonham-Carter (1994, p. 316) suggests that
//! a ratio `n / T` below 0.85 indicates a problem.
use std::collections::BTreeMap;

use crate::grid::CLASS_NODATA;
use crate::models::normal_cdf;

use super::{Generalised, WeightsRow};

/// A weight and its variance.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Weight {
    /// The weight.
    pub w: f64,
    /// Its variance.
    pub var: f64,
}

/// The weight of every class of one evidence layer; other classes and nodata weigh 0.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerWeights {
    /// Class code → weight.
    pub by_class: BTreeMap<i32, Weight>,
}

impl LayerWeights {
    /// Unique (categorical) weights: each class its W+ and s²(W+).
    pub fn unique(rows: &[WeightsRow]) -> LayerWeights {
        LayerWeights {
            by_class: rows
                .iter()
                .map(|r| {
                    (
                        r.class,
                        Weight {
                            w: r.weights.w_plus,
                            var: r.weights.s_w_plus.powi(2),
                        },
                    )
                })
                .collect(),
        }
    }

    /// Generalised weights of a cumulative table: classes up to the cut get W+, the others W−.
    pub fn generalised(rows: &[WeightsRow], g: &Generalised) -> LayerWeights {
        let plus = Weight {
            w: g.weights.w_plus,
            var: g.weights.s_w_plus.powi(2),
        };
        let minus = Weight {
            w: g.weights.w_minus,
            var: g.weights.s_w_minus.powi(2),
        };
        LayerWeights {
            by_class: rows
                .iter()
                .enumerate()
                .map(|(i, r)| (r.class, if i <= g.row { plus } else { minus }))
                .collect(),
        }
    }

    /// The weight of a class (0 for unknown classes and nodata).
    #[inline]
    pub fn weight(&self, class: i32) -> Weight {
        self.by_class.get(&class).copied().unwrap_or_default()
    }
}

/// The prior: deposits and study area in unit cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prior {
    /// N(D).
    pub deposits: f64,
    /// N, in unit cells.
    pub area: f64,
}

impl Prior {
    /// Prior probability N(D) / N.
    pub fn probability(&self) -> f64 {
        self.deposits / self.area
    }
}

/// Posterior probability and its standard deviation for one cell whose classes on the layers
/// are `classes` (one per layer).
///
/// ```
/// use geoprospect_core::models::wofe::{posterior, LayerWeights, Prior, Weight};
/// let prior = Prior { deposits: 4.0, area: 100.0 };
/// let mut layer = LayerWeights::default();
/// layer.by_class.insert(1, Weight { w: 1.5, var: 0.25 });
/// let (p, sd) = posterior(&prior, &[layer], &[1]);
/// let logit = (4.0f64 / 96.0).ln() + 1.5;
/// let expected = 1.0 / (1.0 + (-logit).exp());
/// assert!((p - expected).abs() < 1e-15);
/// assert!((sd - expected * (0.25f64 + 0.25).sqrt()).abs() < 1e-15);
/// ```
pub fn posterior(prior: &Prior, layers: &[LayerWeights], classes: &[i32]) -> (f64, f64) {
    let mut logit = (prior.deposits / (prior.area - prior.deposits)).ln();
    let mut var = 1.0 / prior.deposits;
    for (layer, &class) in layers.iter().zip(classes) {
        let w = layer.weight(class);
        logit += w.w;
        var += w.var;
    }
    let p = 1.0 / (1.0 + (-logit).exp());
    (p, p * var.sqrt())
}

/// Posterior probability and standard deviation of a block: `classes[j]` is layer `j`'s
/// class codes, all as long as `p` and `sd`.
pub fn posterior_block(
    prior: &Prior,
    layers: &[LayerWeights],
    classes: &[&[i32]],
    p: &mut [f32],
    sd: &mut [f32],
) {
    let mut key = vec![0i32; layers.len()];
    for (i, (p, sd)) in p.iter_mut().zip(sd.iter_mut()).enumerate() {
        for (k, c) in key.iter_mut().zip(classes) {
            *k = c[i];
        }
        let (pp, s) = posterior(prior, layers, &key);
        *p = pp as f32;
        *sd = s as f32;
    }
}

/// Cells per unique condition (combination of classes over the layers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conditions {
    /// Classes (one per layer) → grid cells.
    pub cells: BTreeMap<Vec<i32>, u64>,
}

impl Conditions {
    /// Counts a block; `classes[j]` is layer `j`'s class codes. Cells that are nodata on every
    /// layer are outside the study area and left out.
    pub fn add_block(&mut self, classes: &[&[i32]]) {
        let n = classes.first().map_or(0, |c| c.len());
        let mut key = vec![0i32; classes.len()];
        for i in 0..n {
            for (k, c) in key.iter_mut().zip(classes) {
                *k = c[i];
            }
            if key.iter().all(|&k| k == CLASS_NODATA) {
                continue;
            }
            match self.cells.get_mut(key.as_slice()) {
                Some(v) => *v += 1,
                None => {
                    self.cells.insert(key.clone(), 1);
                }
            }
        }
    }

    /// Adds the counts of another block.
    pub fn merge(&mut self, other: &Conditions) {
        for (k, v) in &other.cells {
            *self.cells.entry(k.clone()).or_default() += v;
        }
    }
}

/// The Agterberg–Cheng (2002) conditional independence test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CiTest {
    /// Observed deposits n.
    pub n: f64,
    /// Predicted deposits T = Σ A_k P_k.
    pub t: f64,
    /// s(T).
    pub s_t: f64,
    /// n / T (below 0.85 suggests conditional dependence, Bonham-Carter 1994).
    pub ratio: f64,
    /// (T − n) / s(T).
    pub z: f64,
    /// One-tailed probability Φ(z) that T − n > 0 is not chance: above 0.95 rejects
    /// conditional independence.
    pub probability: f64,
}

/// Runs the conditional independence test over unique conditions; `cell_units` is the area
/// of one grid cell in unit cells.
pub fn ci_test(
    prior: &Prior,
    layers: &[LayerWeights],
    conditions: &Conditions,
    cell_units: f64,
) -> CiTest {
    let mut t = 0.0;
    let mut var = 0.0;
    for (classes, &cells) in &conditions.cells {
        let (p, sd) = posterior(prior, layers, classes);
        let a = cells as f64 * cell_units;
        t += a * p;
        var += (a * sd).powi(2);
    }
    let s_t = var.sqrt();
    let z = (t - prior.deposits) / s_t;
    CiTest {
        n: prior.deposits,
        t,
        s_t,
        ratio: prior.deposits / t,
        z,
        probability: normal_cdf(z),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::wofe::tests::{hand_grid, units};
    use crate::models::wofe::{table, AllDepositsRule, ClassCounts, TableKind};

    #[test]
    fn posterior_and_conditional_independence() {
        let (codes, deposits) = hand_grid();
        let mut counts = ClassCounts::default();
        counts.add_block(&codes, &deposits);
        let rows = table(&counts, units(), TableKind::Unique, AllDepositsRule::ArcSdm).unwrap();
        let layer = LayerWeights::unique(&rows);
        let prior = Prior {
            deposits: 4.0,
            area: 100.0,
        };
        // One layer with unique weights reproduces the class frequencies: P(class 1) is about
        // 3/20 (not exactly: W+ is class vs rest, and the prior and W+ come from one table).
        let (p1, sd1) = posterior(&prior, std::slice::from_ref(&layer), &[1]);
        let logit = (4.0f64 / 96.0).ln() + rows[0].weights.w_plus;
        assert!((p1 - 1.0 / (1.0 + (-logit).exp())).abs() < 1e-15);
        let var = 0.25 + rows[0].weights.s_w_plus.powi(2);
        assert!((sd1 - p1 * var.sqrt()).abs() < 1e-15);
        // Nodata adds nothing: the prior.
        let (p0, _) = posterior(&prior, std::slice::from_ref(&layer), &[CLASS_NODATA]);
        assert!((p0 - 0.04).abs() < 1e-15);

        let mut cond = Conditions::default();
        cond.add_block(&[&codes]);
        assert_eq!(cond.cells[&vec![1]], 20);
        let ci = ci_test(&prior, std::slice::from_ref(&layer), &cond, 1.0);
        let (p2, sd2) = posterior(&prior, std::slice::from_ref(&layer), &[2]);
        let t = 20.0 * p1 + 80.0 * p2;
        let s_t = ((20.0 * sd1).powi(2) + (80.0 * sd2).powi(2)).sqrt();
        assert!((ci.t - t).abs() < 1e-12 && (ci.s_t - s_t).abs() < 1e-12);
        assert!((ci.ratio - 4.0 / t).abs() < 1e-12);
        assert!((ci.z - (t - 4.0) / s_t).abs() < 1e-12);
        assert!((ci.probability - normal_cdf(ci.z)).abs() < 1e-15);

        let mut p = [0f32; 100];
        let mut sd = [0f32; 100];
        posterior_block(&prior, &[layer], &[&codes], &mut p, &mut sd);
        assert_eq!(p[0], p1 as f32);
        assert_eq!(sd[5], sd2 as f32);
    }

    #[test]
    fn posterior_of_two_layers_adds_logits_and_variances() {
        let prior = Prior {
            deposits: 10.0,
            area: 1000.0,
        };
        let mut a = LayerWeights::default();
        a.by_class.insert(1, Weight { w: 0.8, var: 0.1 });
        a.by_class.insert(0, Weight { w: -0.3, var: 0.05 });
        let mut b = LayerWeights::default();
        b.by_class.insert(7, Weight { w: 1.2, var: 0.2 });
        // logit = ln(10/990) + 0.8 + 1.2; s²(P) = P² (1/10 + 0.1 + 0.2)
        let (p, sd) = posterior(&prior, &[a.clone(), b.clone()], &[1, 7]);
        let logit = (10.0f64 / 990.0).ln() + 2.0;
        let expected = 1.0 / (1.0 + (-logit).exp());
        assert!((p - expected).abs() < 1e-15);
        assert!((sd - expected * 0.4f64.sqrt()).abs() < 1e-15);
        // Missing on layer b: only a's weight.
        let (p, _) = posterior(&prior, &[a.clone(), b.clone()], &[0, CLASS_NODATA]);
        let logit = (10.0f64 / 990.0).ln() - 0.3;
        assert!((p - 1.0 / (1.0 + (-logit).exp())).abs() < 1e-15);
        // Unique conditions over two layers; cells nodata on both are outside the study area.
        let mut cond = Conditions::default();
        cond.add_block(&[&[1, 1, 0, CLASS_NODATA], &[7, 7, 7, CLASS_NODATA]]);
        assert_eq!(cond.cells.len(), 2);
        assert_eq!(cond.cells[&vec![1, 7]], 2);
        let ci = ci_test(&prior, &[a, b], &cond, 2.0);
        let (p17, sd17) = posterior(&prior, &[], &[]);
        assert!(ci.t > 0.0 && ci.s_t > 0.0 && p17 > 0.0 && sd17 > 0.0);
    }
}
