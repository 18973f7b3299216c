//! Semivariograms: the experimental one of a sample set, and spherical or exponential models
//! fitted to it by weighted least squares.
//!
//! The experimental semivariogram bins the pair distances up to half the diagonal of the
//! samples' bounding box into [`LAGS`] lags of equal width; each lag holds
//! `γ(h) = Σ (z_i − z_j)² / (2 N_h)` over its `N_h` pairs and the mean distance of those pairs.
//! Sets with more than [`MAX_PAIRS`] pairs use that many pairs drawn by a fixed-seed generator
//! (the same pairs on every run).
//!
//! Models (`c0` nugget, `c` partial sill, `a` range; `γ(0) = 0`):
//! - spherical: `c0 + c (1.5 h/a − 0.5 (h/a)³)` for `h < a`, `c0 + c` beyond;
//! - exponential: `c0 + c (1 − exp(−3 h/a))`, `a` being the practical range (95 % of the sill).
//!
//! Fitting minimises Cressie's weighted sum of squares
//! `Σ N_h (γ̂(h) − γ(h))² / γ(h)²` (Cressie 1985, Math. Geol. 17, 563-586), as gstat's
//! `fit.method = 2`: for a given range the nugget and partial sill (both ≥ 0) come from
//! iteratively reweighted linear least squares, and the range from a grid search over
//! distances refined by golden-section search. [`fit`] tries both models and keeps the one
//! with the lower weighted sum of squares.
use std::fmt;

use crate::error::{Error, Result};
use crate::rng::SplitMix64;

/// Lags of the experimental semivariogram.
pub const LAGS: usize = 15;
/// Most pairs used for the experimental semivariogram.
pub const MAX_PAIRS: usize = 2_000_000;

/// The shape of a variogram model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariogramKind {
    /// Spherical: reaches the sill at the range.
    Spherical,
    /// Exponential: reaches 95 % of the sill at the (practical) range.
    Exponential,
}

impl VariogramKind {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            VariogramKind::Spherical => "spherical",
            VariogramKind::Exponential => "exponential",
        }
    }

    /// The model's shape at `h / range`, from 0 to 1.
    fn shape(self, t: f64) -> f64 {
        match self {
            VariogramKind::Spherical if t >= 1.0 => 1.0,
            VariogramKind::Spherical => t * (1.5 - 0.5 * t * t),
            VariogramKind::Exponential => 1.0 - (-3.0 * t).exp(),
        }
    }
}

/// A variogram model.
///
/// ```
/// use geoprospect_core::geochem::gridding::{VariogramKind, VariogramModel};
/// let m = VariogramModel { kind: VariogramKind::Spherical, nugget: 0.5, partial_sill: 2.0, range: 100.0 };
/// assert_eq!(m.gamma(0.0), 0.0);
/// assert_eq!(m.gamma(50.0), 0.5 + 2.0 * 0.6875);
/// assert_eq!(m.gamma(150.0), m.sill());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct VariogramModel {
    /// Shape.
    pub kind: VariogramKind,
    /// Nugget `c0` (≥ 0).
    pub nugget: f64,
    /// Partial sill `c` (≥ 0): the sill is `nugget + partial_sill`.
    pub partial_sill: f64,
    /// Range `a` (> 0), in CRS units.
    pub range: f64,
}

impl VariogramModel {
    /// Total sill, `nugget + partial_sill`.
    pub fn sill(&self) -> f64 {
        self.nugget + self.partial_sill
    }

    /// Semivariance at distance `h` (0 at `h = 0`).
    pub fn gamma(&self, h: f64) -> f64 {
        if h <= 0.0 {
            0.0
        } else {
            self.nugget + self.partial_sill * self.kind.shape(h / self.range)
        }
    }

    /// Checks that the parameters make a valid model.
    pub fn validate(&self) -> Result<()> {
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        if !ok(self.nugget) || !ok(self.partial_sill) {
            return Err(Error::param(format!(
                "variogram nugget and partial sill must be numbers >= 0, got {} and {}",
                self.nugget, self.partial_sill
            )));
        }
        if !(self.range.is_finite() && self.range > 0.0) {
            return Err(Error::param(format!(
                "variogram range must be a positive number, got {}",
                self.range
            )));
        }
        Ok(())
    }
}

/// One lag of an experimental semivariogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lag {
    /// Mean distance of the lag's pairs.
    pub distance: f64,
    /// Semivariance `Σ (z_i − z_j)² / (2 N)`.
    pub gamma: f64,
    /// Number of pairs `N`.
    pub pairs: u64,
}

/// A variogram model with the experimental semivariogram it was fitted to (or checked
/// against, for a model given by the user).
#[derive(Debug, Clone, PartialEq)]
pub struct FittedVariogram {
    /// The model.
    pub model: VariogramModel,
    /// Cressie's weighted sum of squares `Σ N_h (γ̂(h) − γ(h))² / γ(h)²` of the model against
    /// the lags (0 when the model is flat at 0).
    pub wsse: f64,
    /// The experimental semivariogram.
    pub lags: Vec<Lag>,
    /// Whether the model was fitted (`false`: given by the user).
    pub fitted: bool,
    /// Whether the lags were computed from a subsample of the pairs.
    pub subsampled: bool,
}

impl FittedVariogram {
    /// Nugget.
    pub fn nugget(&self) -> f64 {
        self.model.nugget
    }
    /// Total sill.
    pub fn sill(&self) -> f64 {
        self.model.sill()
    }
    /// Range.
    pub fn range(&self) -> f64 {
        self.model.range
    }
    /// Model kind.
    pub fn kind(&self) -> VariogramKind {
        self.model.kind
    }
}

impl fmt::Display for FittedVariogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} nugget={} sill={} range={} wsse={} ({}, {} lags{})",
            self.model.kind.as_str(),
            sig(self.model.nugget),
            sig(self.model.sill()),
            sig(self.model.range),
            sig(self.wsse),
            if self.fitted { "fitted" } else { "given" },
            self.lags.len(),
            if self.subsampled {
                ", pairs subsampled"
            } else {
                ""
            }
        )
    }
}

/// A number with 6 significant digits and no trailing zeros.
pub fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (5 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The experimental semivariogram of `z` at `(x, y)`: `lags` lags up to half the bounding-box
/// diagonal, at most `max_pairs` pairs. Returns the lags that hold pairs, and whether the pairs
/// were subsampled.
pub fn experimental(
    x: &[f64],
    y: &[f64],
    z: &[f64],
    lags: usize,
    max_pairs: usize,
) -> (Vec<Lag>, bool) {
    let n = x.len();
    let span = |v: &[f64]| {
        let (lo, hi) = v
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &a| {
                (l.min(a), h.max(a))
            });
        hi - lo
    };
    let max_lag = 0.5 * span(x).hypot(span(y));
    if n < 2 || max_lag.is_nan() || max_lag <= 0.0 || lags == 0 {
        return (Vec::new(), false);
    }
    let width = max_lag / lags as f64;
    let mut sum_h = vec![0.0; lags];
    let mut sum_g = vec![0.0; lags];
    let mut count = vec![0u64; lags];
    let mut add = |i: usize, j: usize| {
        let h = (x[i] - x[j]).hypot(y[i] - y[j]);
        if h > 0.0 && h < max_lag {
            let b = ((h / width) as usize).min(lags - 1);
            let d = z[i] - z[j];
            sum_h[b] += h;
            sum_g[b] += 0.5 * d * d;
            count[b] += 1;
        }
    };
    let all_pairs = n as u128 * (n as u128 - 1) / 2;
    let subsampled = all_pairs > max_pairs as u128;
    if subsampled {
        let mut rng = SplitMix64::new(0x5EED_6E0C_0E4A_11CE);
        for _ in 0..max_pairs {
            let i = rng.below(n as u64) as usize;
            let mut j = rng.below(n as u64 - 1) as usize;
            if j >= i {
                j += 1;
            }
            add(i, j);
        }
    } else {
        for i in 0..n {
            for j in i + 1..n {
                add(i, j);
            }
        }
    }
    let lags = (0..lags)
        .filter(|&b| count[b] > 0)
        .map(|b| Lag {
            distance: sum_h[b] / count[b] as f64,
            gamma: sum_g[b] / count[b] as f64,
            pairs: count[b],
        })
        .collect();
    (lags, subsampled)
}

/// Cressie's weighted sum of squares of `model` against `lags`.
pub fn wsse(model: &VariogramModel, lags: &[Lag]) -> f64 {
    let floor = floor_of(lags);
    lags.iter()
        .map(|l| {
            let g = model.gamma(l.distance).max(floor);
            l.pairs as f64 * (l.gamma - g) * (l.gamma - g) / (g * g)
        })
        .sum()
}

/// The smallest model value used as a divisor (guards against a model at 0).
fn floor_of(lags: &[Lag]) -> f64 {
    let top = lags.iter().fold(0.0f64, |m, l| m.max(l.gamma));
    (top * 1e-12).max(f64::MIN_POSITIVE)
}

/// Fits a model of `kind` to `lags`; `None` with fewer than 2 lags.
pub fn fit_kind(kind: VariogramKind, lags: &[Lag]) -> Option<(VariogramModel, f64)> {
    if lags.len() < 2 {
        return None;
    }
    if lags.iter().all(|l| l.gamma == 0.0) {
        // A constant field: a flat model fits exactly.
        let range = lags.iter().fold(0.0f64, |m, l| m.max(l.distance));
        let model = VariogramModel {
            kind,
            nugget: 0.0,
            partial_sill: 0.0,
            range,
        };
        return Some((model, 0.0));
    }
    let hmin = lags.iter().fold(f64::INFINITY, |m, l| m.min(l.distance));
    let hmax = lags.iter().fold(0.0f64, |m, l| m.max(l.distance));
    let (lo, hi) = ((hmin * 0.25).ln(), (hmax * 3.0).ln());
    let steps = 48;
    let at = |i: usize| (lo + (hi - lo) * i as f64 / steps as f64).exp();
    let score = |range: f64| {
        let m = fit_sills(kind, range, lags);
        (wsse(&m, lags), m)
    };
    let mut best = (f64::INFINITY, 0usize);
    for i in 0..=steps {
        let (w, _) = score(at(i));
        if w < best.0 {
            best = (w, i);
        }
    }
    // Golden-section search on log(range) between the grid neighbours of the best.
    let (mut a, mut b) = (
        at(best.1.saturating_sub(1)).ln(),
        at((best.1 + 1).min(steps)).ln(),
    );
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - ratio * (b - a);
    let mut d = a + ratio * (b - a);
    let (mut fc, mut fd) = (score(c.exp()).0, score(d.exp()).0);
    for _ in 0..60 {
        if fc <= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = score(c.exp()).0;
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = score(d.exp()).0;
        }
    }
    let refined = score(((a + b) / 2.0).exp());
    let grid_best = score(at(best.1));
    let (w, model) = if refined.0 <= grid_best.0 {
        refined
    } else {
        grid_best
    };
    Some((model, w))
}

/// Nugget and partial sill for a fixed range: iteratively reweighted least squares with
/// Cressie's weights `N_h / γ(h)²`, both parameters ≥ 0.
fn fit_sills(kind: VariogramKind, range: f64, lags: &[Lag]) -> VariogramModel {
    let floor = floor_of(lags);
    let f: Vec<f64> = lags
        .iter()
        .map(|l| kind.shape(l.distance / range))
        .collect();
    let mut model = VariogramModel {
        kind,
        nugget: 0.0,
        partial_sill: 0.0,
        range,
    };
    // First weights from the experimental values.
    let mut w: Vec<f64> = lags
        .iter()
        .map(|l| l.pairs as f64 / l.gamma.max(floor).powi(2))
        .collect();
    for _ in 0..30 {
        let (c0, c) = nonnegative_wls(&f, lags, &w);
        let changed = (c0 - model.nugget).abs() + (c - model.partial_sill).abs();
        model.nugget = c0;
        model.partial_sill = c;
        if changed <= 1e-12 * (c0 + c) {
            break;
        }
        for (wi, l) in w.iter_mut().zip(lags) {
            *wi = l.pairs as f64 / model.gamma(l.distance).max(floor).powi(2);
        }
    }
    model
}

/// Minimises `Σ w (γ̂ − c0 − c f)²` over `c0, c ≥ 0`.
fn nonnegative_wls(f: &[f64], lags: &[Lag], w: &[f64]) -> (f64, f64) {
    let (mut sw, mut sf, mut sff, mut sg, mut sfg) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for ((&fi, l), &wi) in f.iter().zip(lags).zip(w) {
        sw += wi;
        sf += wi * fi;
        sff += wi * fi * fi;
        sg += wi * l.gamma;
        sfg += wi * fi * l.gamma;
    }
    let objective = |c0: f64, c: f64| -> f64 {
        f.iter()
            .zip(lags)
            .zip(w)
            .map(|((&fi, l), &wi)| wi * (l.gamma - c0 - c * fi).powi(2))
            .sum()
    };
    let det = sw * sff - sf * sf;
    if det > 1e-12 * sw * sff {
        let c = (sw * sfg - sf * sg) / det;
        let c0 = (sg - c * sf) / sw;
        if c0 >= 0.0 && c >= 0.0 {
            return (c0, c);
        }
    }
    let only_sill = (0.0, if sff > 0.0 { (sfg / sff).max(0.0) } else { 0.0 });
    let only_nugget = ((sg / sw).max(0.0), 0.0);
    if objective(only_sill.0, only_sill.1) <= objective(only_nugget.0, only_nugget.1) {
        only_sill
    } else {
        only_nugget
    }
}

/// Fits spherical and exponential models and keeps the one with the lower weighted sum of
/// squares (spherical on a tie); `None` with fewer than 2 lags.
pub fn fit(lags: &[Lag]) -> Option<(VariogramModel, f64)> {
    let s = fit_kind(VariogramKind::Spherical, lags)?;
    let e = fit_kind(VariogramKind::Exponential, lags)?;
    Some(if e.1 < s.1 { e } else { s })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lags_of(model: &VariogramModel) -> Vec<Lag> {
        (1..=15)
            .map(|i| {
                let h = i as f64 * 20.0;
                Lag {
                    distance: h,
                    gamma: model.gamma(h),
                    pairs: 100 + i * 10,
                }
            })
            .collect()
    }

    #[test]
    fn models_have_their_textbook_values() {
        let s = VariogramModel {
            kind: VariogramKind::Spherical,
            nugget: 1.0,
            partial_sill: 4.0,
            range: 100.0,
        };
        assert_eq!(s.gamma(0.0), 0.0);
        assert!((s.gamma(1e-9) - 1.0).abs() < 1e-9);
        assert_eq!(s.gamma(100.0), 5.0);
        assert_eq!(s.gamma(1000.0), 5.0);
        let e = VariogramModel {
            kind: VariogramKind::Exponential,
            ..s
        };
        assert!((e.gamma(100.0) - (1.0 + 4.0 * (1.0 - (-3.0f64).exp()))).abs() < 1e-12);
        assert!(s.validate().is_ok());
        assert!(VariogramModel { range: 0.0, ..s }.validate().is_err());
        assert!(VariogramModel { nugget: -1.0, ..s }.validate().is_err());
    }

    #[test]
    fn fit_recovers_the_model_behind_exact_lags() {
        for kind in [VariogramKind::Spherical, VariogramKind::Exponential] {
            let truth = VariogramModel {
                kind,
                nugget: 0.3,
                partial_sill: 2.0,
                range: 170.0,
            };
            let (m, w) = fit(&lags_of(&truth)).unwrap();
            assert_eq!(m.kind, kind);
            assert!(w < 1e-8, "{kind:?} wsse {w}");
            assert!((m.nugget - 0.3).abs() < 1e-3, "{m:?}");
            assert!((m.partial_sill - 2.0).abs() < 1e-3, "{m:?}");
            assert!((m.range - 170.0).abs() < 0.5, "{m:?}");
        }
    }

    #[test]
    fn constant_values_fit_a_flat_model() {
        let lags: Vec<Lag> = (1..5)
            .map(|i| Lag {
                distance: i as f64,
                gamma: 0.0,
                pairs: 3,
            })
            .collect();
        let (m, w) = fit(&lags).unwrap();
        assert_eq!((m.sill(), w), (0.0, 0.0));
        assert!(fit(&lags[..1]).is_none());
    }

    #[test]
    fn experimental_semivariogram_by_hand() {
        // Three samples on a line: max lag = 1, and no pair is shorter than that.
        let (lags, sub) = experimental(&[0.0, 1.0, 2.0], &[0.0; 3], &[1.0, 3.0, 4.0], 2, 100);
        assert!(lags.is_empty() && !sub);
        // A unit square and a far sample: max lag = hypot(5, 5) / 2 = 3.54, 3 lags of 1.18.
        let x = [0.0, 1.0, 0.0, 1.0, 5.0];
        let y = [0.0, 0.0, 1.0, 1.0, 5.0];
        let z = [0.0, 2.0, 2.0, 4.0, 0.0];
        let (lags, _) = experimental(&x, &y, &z, 3, 100);
        assert_eq!(lags.len(), 2);
        // Sides (h = 1): four pairs differing by 2.
        assert_eq!(
            (lags[0].distance, lags[0].pairs, lags[0].gamma),
            (1.0, 4, 2.0)
        );
        // Diagonals (h = 1.414): differences 4 and 0.
        assert_eq!((lags[1].pairs, lags[1].gamma), (2, 4.0));
        assert!((lags[1].distance - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn subsampled_pairs_are_the_same_every_time() {
        let n = 300;
        let x: Vec<f64> = (0..n).map(|i| (i * 37 % 101) as f64).collect();
        let y: Vec<f64> = (0..n).map(|i| (i * 53 % 97) as f64).collect();
        let z: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
        let a = experimental(&x, &y, &z, LAGS, 1000);
        let b = experimental(&x, &y, &z, LAGS, 1000);
        assert!(a.1);
        assert_eq!(a, b);
        let total: u64 = a.0.iter().map(|l| l.pairs).sum();
        assert!(total <= 1000);
    }

    #[test]
    fn numbers_print_with_six_significant_digits() {
        assert_eq!(sig(1234.5678), "1234.57");
        assert_eq!(sig(0.000123456789), "0.000123457");
        assert_eq!(sig(2.0), "2");
        assert_eq!(sig(0.0), "0");
    }
}
