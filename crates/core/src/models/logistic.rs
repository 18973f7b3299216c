//! Logistic regression of deposits against evidence layers (Agterberg 1974; Bonham-Carter
//! 1994, ch. 9, "logistic regression").
//!
//! # Training set
//! Deposits are the positives: one row per deposit (a cell with two deposits gives two rows),
//! with the evidence values of its cell; deposits on nodata evidence are left out. Negatives
//! are background cells drawn uniformly without replacement from the cells where every layer
//! has data and no deposit lies, by a seeded generator (SplitMix64, Floyd's algorithm), so the
//! sample depends only on the seed and the data, never on threads. The default is 10
//! background cells per deposit. The intercept therefore reflects the sampling ratio, not the
//! deposit density: [`LogisticFit::prior_corrected_intercept`] gives the intercept for a
//! population rate (King & Zeng 2001), while slopes, standard errors and rankings of cells are
//! unaffected.
//!
//! # Fit
//! Maximum likelihood by Newton–Raphson, which for the logistic model is iteratively
//! reweighted least squares (IRLS, as R's `glm` and statsmodels' `Logit`), with step halving if
//! a step lowers the likelihood. Standard errors are the square roots of the diagonal of the
//! inverse Fisher information `(XᵀWX)⁻¹` at the fit, `z = b / s(b)` and the two-sided
//! p-value `2 (1 − Φ(|z|))`.
//!
//! Why not a crate: `linfa-logistic` 0.8 builds here (with a second ndarray, 0.16) but fits by
//! L-BFGS with an L2 penalty by default (alpha = 1), stops at a gradient tolerance, and gives
//! no standard errors; `smartcore` likewise has no standard errors. With the information
//! matrix needed anyway for the standard errors, Newton's method is a few lines on top of it
//! (solved by `nalgebra`'s Cholesky) and converges to the exact maximum.
use nalgebra::{DMatrix, DVector};
use ndarray::ArrayView2;

use crate::error::{Error, Result};
use crate::models::erfc;
use crate::rng::SplitMix64;

/// Newton iterations before giving up.
pub const MAX_ITERATIONS: usize = 100;

/// A fitted logistic regression: `p = 1 / (1 + exp(−(b0 + Σ b_i x_i)))`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticFit {
    /// Term names: `intercept`, then one per predictor.
    pub terms: Vec<String>,
    /// Coefficients, in term order.
    pub coefficients: Vec<f64>,
    /// Standard errors from the inverse Fisher information.
    pub std_errors: Vec<f64>,
    /// Log-likelihood at the fit.
    pub log_likelihood: f64,
    /// Newton iterations used.
    pub iterations: usize,
    /// Rows in the training set.
    pub n: usize,
    /// Positive rows.
    pub positives: usize,
}

impl LogisticFit {
    /// Wald statistics `b / s(b)`.
    pub fn z(&self) -> Vec<f64> {
        self.coefficients
            .iter()
            .zip(&self.std_errors)
            .map(|(b, s)| b / s)
            .collect()
    }

    /// Two-sided p-values of the Wald statistics.
    pub fn p_values(&self) -> Vec<f64> {
        self.z()
            .iter()
            .map(|z| erfc(z.abs() / std::f64::consts::SQRT_2))
            .collect()
    }

    /// Probability for one row of predictor values (without the intercept).
    pub fn probability(&self, x: &[f64]) -> f64 {
        let eta = self.coefficients[0]
            + self.coefficients[1..]
                .iter()
                .zip(x)
                .map(|(b, v)| b * v)
                .sum::<f64>();
        sigmoid(eta)
    }

    /// Scores a block: `inputs[i]` are predictor `i`'s values, `out` gets the probabilities
    /// (NaN where any input is NaN).
    pub fn score(&self, inputs: &[&[f32]], out: &mut [f32]) {
        assert!(
            inputs.len() + 1 == self.coefficients.len()
                && inputs.iter().all(|i| i.len() == out.len()),
            "one input per predictor, all as long as the output"
        );
        let (b0, b) = (self.coefficients[0], &self.coefficients[1..]);
        for (j, o) in out.iter_mut().enumerate() {
            let mut eta = b0;
            for (input, bi) in inputs.iter().zip(b) {
                eta += bi * input[j] as f64;
            }
            *o = sigmoid(eta) as f32;
        }
    }

    /// The intercept for a population in which a fraction `rate` of rows are positive,
    /// correcting for the sampling of negatives (King & Zeng 2001, "prior correction").
    pub fn prior_corrected_intercept(&self, rate: f64) -> f64 {
        let ybar = self.positives as f64 / self.n as f64;
        self.coefficients[0] - (((1.0 - rate) / rate) * (ybar / (1.0 - ybar))).ln()
    }
}

#[inline]
fn sigmoid(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

/// `ln(1 + exp(x))` without overflow.
#[inline]
fn log1pexp(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// Fits `y ~ intercept + x` by maximum likelihood. `x` has one row per observation and one
/// column per predictor named in `names`.
///
/// ```
/// use geoprospect_core::models::logistic::fit;
/// use ndarray::array;
/// let x = array![[0.0], [1.0], [2.0], [3.0], [1.5], [2.5], [0.5], [2.8]];
/// let y = [false, false, true, true, true, false, false, true];
/// let m = fit(x.view(), &y, &["x".to_string()]).unwrap();
/// assert_eq!(m.terms, ["intercept", "x"]);
/// assert!(m.coefficients[1] > 0.0);
/// ```
pub fn fit(x: ArrayView2<f64>, y: &[bool], names: &[String]) -> Result<LogisticFit> {
    let (n, k) = x.dim();
    if names.len() != k || y.len() != n {
        return Err(Error::Internal(format!(
            "logistic fit: {n} x {k} predictors, {} names, {} responses",
            names.len(),
            y.len()
        )));
    }
    let positives = y.iter().filter(|&&v| v).count();
    if positives == 0 || positives == n {
        return Err(Error::param(format!(
            "logistic regression needs positives and negatives, got {positives} of {n}"
        )));
    }
    if n <= k + 1 {
        return Err(Error::param(format!(
            "{n} training rows cannot fit {} coefficients",
            k + 1
        )));
    }
    for (j, name) in names.iter().enumerate() {
        let col = x.column(j);
        if col.iter().any(|v| !v.is_finite()) {
            return Err(Error::param(format!(
                "predictor {name:?} has a value that is not a finite number"
            )));
        }
        let first = col[0];
        if col.iter().all(|&v| v == first) {
            return Err(Error::param(format!(
                "predictor {name:?} is constant ({first}) over the training rows"
            )));
        }
    }
    let p = k + 1;
    let design = DMatrix::from_fn(n, p, |i, j| if j == 0 { 1.0 } else { x[[i, j - 1]] });
    let yv = DVector::from_iterator(n, y.iter().map(|&v| if v { 1.0 } else { 0.0 }));
    let loglik = |beta: &DVector<f64>| -> f64 {
        let eta = &design * beta;
        eta.iter()
            .zip(yv.iter())
            .map(|(&e, &t)| t * e - log1pexp(e))
            .sum()
    };
    let mut beta = DVector::<f64>::zeros(p);
    let mut ll = loglik(&beta);
    let mut iterations = 0;
    let mut converged = false;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let (info, score) = information(&design, &yv, &beta);
        let chol = info.cholesky().ok_or_else(|| collinear(names))?;
        let step = chol.solve(&score);
        let mut t = 1.0;
        let mut next = &beta + &step;
        let mut next_ll = loglik(&next);
        while next_ll < ll - 1e-12 * ll.abs() && t > 1e-6 {
            t *= 0.5;
            next = &beta + &step * t;
            next_ll = loglik(&next);
        }
        let change = (&next - &beta).amax();
        let gain = next_ll - ll;
        beta = next;
        ll = next_ll;
        if change <= 1e-10 * (1.0 + beta.amax()) || gain.abs() <= 1e-13 * (1.0 + ll.abs()) {
            converged = true;
            break;
        }
    }
    if !converged || ll > -1e-8 * n as f64 {
        return Err(Error::param(format!(
            "logistic regression did not converge ({iterations} iterations, log-likelihood \
             {ll:.6}): the evidence separates deposits from background perfectly or almost; \
             drop or coarsen the separating layer"
        )));
    }
    let (info, _) = information(&design, &yv, &beta);
    let cov = info.cholesky().ok_or_else(|| collinear(names))?.inverse();
    let mut terms = vec!["intercept".to_string()];
    terms.extend(names.iter().cloned());
    Ok(LogisticFit {
        terms,
        coefficients: beta.iter().copied().collect(),
        std_errors: (0..p).map(|j| cov[(j, j)].sqrt()).collect(),
        log_likelihood: ll,
        iterations,
        n,
        positives,
    })
}

/// Fisher information XᵀWX and score Xᵀ(y − p) at `beta`.
fn information(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    beta: &DVector<f64>,
) -> (DMatrix<f64>, DVector<f64>) {
    let eta = x * beta;
    let prob = eta.map(sigmoid);
    let w = prob.map(|p| p * (1.0 - p));
    let resid = y - &prob;
    let mut xw = x.clone();
    for (mut row, &wi) in xw.row_iter_mut().zip(w.iter()) {
        row *= wi;
    }
    (x.transpose() * xw, x.transpose() * resid)
}

fn collinear(names: &[String]) -> Error {
    Error::param(format!(
        "the predictors {} are collinear over the training rows (singular information matrix): \
         drop one of the layers that repeat each other",
        names.join(", ")
    ))
}

/// `m` distinct ranks from `0..total`, sorted (Floyd's algorithm); all when `m >= total`.
pub fn sample_ranks(total: u64, m: u64, seed: u64) -> Vec<u64> {
    if m >= total {
        return (0..total).collect();
    }
    let mut rng = SplitMix64::new(seed);
    let mut chosen = std::collections::BTreeSet::new();
    for j in total - m..total {
        let t = rng.below_or_eq(j);
        if !chosen.insert(t) {
            chosen.insert(j);
        }
    }
    chosen.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ndarray::Array2;

    use super::*;

    /// Two predictors, true model −1 + 2 x1 − 1 x2, responses drawn with a seeded generator.
    fn synthetic(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
        let mut rng = SplitMix64::new(seed);
        let mut u = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let mut x = Array2::zeros((n, 2));
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            let (a, b) = (u() * 4.0 - 2.0, u() * 4.0 - 2.0);
            x[[i, 0]] = a;
            x[[i, 1]] = b;
            y.push(u() < sigmoid(-1.0 + 2.0 * a - b));
        }
        (x, y)
    }

    fn names() -> Vec<String> {
        vec!["x1".into(), "x2".into()]
    }

    #[test]
    fn recovers_coefficients_of_a_known_model() {
        let (x, y) = synthetic(20_000, 42);
        let m = fit(x.view(), &y, &names()).unwrap();
        for (b, (truth, s)) in m
            .coefficients
            .iter()
            .zip([-1.0, 2.0, -1.0].iter().zip(&m.std_errors))
        {
            assert!((b - truth).abs() < 4.0 * s, "{b} vs {truth} (s = {s})");
        }
        // At the maximum the score is 0.
        let (_, score) = information(
            &DMatrix::from_fn(
                x.nrows(),
                3,
                |i, j| if j == 0 { 1.0 } else { x[[i, j - 1]] },
            ),
            &DVector::from_iterator(y.len(), y.iter().map(|&v| v as u8 as f64)),
            &DVector::from_vec(m.coefficients.clone()),
        );
        assert!(score.amax() < 1e-6, "{score}");
        let p = m.p_values();
        assert!(p[1] < 1e-10 && p.iter().all(|p| (0.0..=1.0).contains(p)));
    }

    /// Agrees with a plain numpy IRLS on the same data (skips without /usr/bin/python3 and
    /// numpy).
    #[test]
    fn agrees_with_numpy_irls() {
        let python = Path::new("/usr/bin/python3");
        let has_numpy = python.exists()
            && std::process::Command::new(python)
                .args(["-c", "import numpy"])
                .status()
                .is_ok_and(|s| s.success());
        if !has_numpy {
            eprintln!("skipping: /usr/bin/python3 with numpy not installed");
            return;
        }
        let (x, y) = synthetic(500, 7);
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("d.csv");
        let mut text = String::new();
        for i in 0..y.len() {
            text.push_str(&format!("{:?},{:?},{}\n", x[[i, 0]], x[[i, 1]], y[i] as u8));
        }
        std::fs::write(&data, text).unwrap();
        let script = r#"
import sys, numpy as np
d = np.loadtxt(sys.argv[1], delimiter=",")
X = np.column_stack([np.ones(len(d)), d[:, 0], d[:, 1]]); y = d[:, 2]
b = np.zeros(3)
for _ in range(100):
    p = 1 / (1 + np.exp(-X @ b))
    H = X.T @ (X * (p * (1 - p))[:, None])
    step = np.linalg.solve(H, X.T @ (y - p))
    b = b + step
    if np.max(np.abs(step)) < 1e-12: break
p = 1 / (1 + np.exp(-X @ b))
H = X.T @ (X * (p * (1 - p))[:, None])
se = np.sqrt(np.diag(np.linalg.inv(H)))
print(" ".join(repr(v) for v in list(b) + list(se)))
"#;
        let out = std::process::Command::new(python)
            .args(["-c", script])
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reference: Vec<f64> = String::from_utf8(out.stdout)
            .unwrap()
            .split_whitespace()
            .map(|v| v.parse().unwrap())
            .collect();
        let m = fit(x.view(), &y, &names()).unwrap();
        for (ours, theirs) in m.coefficients.iter().chain(&m.std_errors).zip(&reference) {
            assert!(
                (ours - theirs).abs() <= 1e-8 * theirs.abs().max(1.0),
                "{ours} vs numpy {theirs}"
            );
        }
    }

    #[test]
    fn separation_constant_and_collinear_predictors_are_refused() {
        let x = ndarray::array![[0.0], [1.0], [2.0], [3.0]];
        let e = fit(x.view(), &[false, false, true, true], &["d".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("separates"), "{e}");
        let x = ndarray::array![[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 0.5]];
        let e = fit(x.view(), &[false, true, false, true], &names())
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"x1\" is constant"), "{e}");
        let x = ndarray::array![[0.0, 0.0], [1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [1.5, 3.0]];
        let e = fit(x.view(), &[false, true, false, true, true], &names())
            .unwrap_err()
            .to_string();
        assert!(e.contains("collinear"), "{e}");
    }

    #[test]
    fn scoring_matches_the_formula_and_keeps_nodata() {
        let m = LogisticFit {
            terms: vec!["intercept".into(), "a".into(), "b".into()],
            coefficients: vec![-1.0, 2.0, 0.5],
            std_errors: vec![1.0; 3],
            log_likelihood: -1.0,
            iterations: 1,
            n: 11,
            positives: 1,
        };
        let mut out = [0f32; 2];
        m.score(&[&[1.0, f32::NAN], &[2.0, 1.0]], &mut out);
        assert_eq!(out[0], (1.0 / (1.0 + (-2.0f64).exp())) as f32);
        assert!(out[1].is_nan());
        assert_eq!(m.probability(&[1.0, 2.0]), 1.0 / (1.0 + (-2.0f64).exp()));
        // Sample rate 1/11 = population rate: no correction.
        assert!((m.prior_corrected_intercept(1.0 / 11.0) + 1.0).abs() < 1e-12);
    }

    #[test]
    fn samples_are_distinct_sorted_and_seeded() {
        let a = sample_ranks(1000, 100, 1);
        assert_eq!(a.len(), 100);
        assert!(a.windows(2).all(|w| w[0] < w[1]) && *a.last().unwrap() < 1000);
        assert_eq!(a, sample_ranks(1000, 100, 1));
        assert_ne!(a, sample_ranks(1000, 100, 2));
        assert_eq!(sample_ranks(5, 10, 1), vec![0, 1, 2, 3, 4]);
    }
}
