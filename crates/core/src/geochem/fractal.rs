//! Concentration–area (C–A) fractal thresholds (Cheng, Agterberg & Ballantyne 1994).
//!
//! Q. Cheng, F.P. Agterberg & S.B. Ballantyne (1994), *The separation of geochemical anomalies
//! from background by fractal methods*, J. Geochem. Explor. 51, 109-130: on a gridded surface of
//! an element, the area `A(v)` with concentration `≥ v` follows power laws `A(v) ∝ v^(−α)` whose
//! exponent changes between populations (background, anomalies); the concentrations where the
//! exponent changes are the thresholds.
//!
//! # The fit, exactly
//! 1. The cells used are the finite, positive cell values (NaN is no data).
//! 2. Levels: [`CA_LEVELS`] = 100 concentrations `vₖ` evenly spaced in log10 between the 1st and
//!    99.9th percentiles of those cells (numpy-linear, [`super::stats`]).
//! 3. `A(vₖ)` = number of cells with value `≥ vₖ` (cell counts: with square cells the area is a
//!    constant multiple, which only shifts log A). Points `(xₖ, yₖ) = (log10 vₖ, log10 A(vₖ))`.
//! 4. For `k = 1..=4` segments, the points are split into `k` runs of consecutive levels, each of
//!    at least [`CA_MIN_POINTS`] = 5 points, and each run gets its own least-squares line (the
//!    lines are *not* forced to meet). The split with the least total squared residual (SSE) is
//!    found exhaustively (by dynamic programming over every split position, which gives the same
//!    optimum as enumerating all of them).
//! 5. The number of segments minimises the Bayesian information criterion
//!    `BIC = n · ln(SSE / n) + p · ln(n)` with `n` the number of points and `p = 3k − 1`
//!    parameters (slope and intercept per segment, `k − 1` split positions). `SSE / n` is floored
//!    at [`CA_MIN_RMS`]² (residuals of 0.005 in log10 A, about 1 % of area): below that the
//!    residuals are the rounding of cell counts, not a change of population, and fitting them must
//!    not add segments (nor an exact fit win by `ln 0`). Ties go to fewer segments.
//! 6. Each breakpoint is where the lines of two adjacent segments cross, clamped to the gap
//!    between the last level of the lower segment and the first level of the upper one (the
//!    midpoint of the gap when the lines are parallel). Breakpoints are returned as
//!    concentrations, ascending.
//!
//! Fewer than two distinct positive levels (a constant surface) or fewer than
//! `2 · CA_MIN_POINTS` levels give no breakpoints.
use super::stats::quantile_sorted;

/// Number of concentration levels of the C–A plot.
pub const CA_LEVELS: usize = 100;
/// Lowest and highest level, as quantiles of the positive cell values.
pub const CA_LEVEL_QUANTILES: (f64, f64) = (0.01, 0.999);
/// Fewest levels in one segment.
pub const CA_MIN_POINTS: usize = 5;
/// Most segments tried.
pub const CA_MAX_SEGMENTS: usize = 4;
/// Residual RMS (log10 A) below which a fit counts as exact in the BIC.
pub const CA_MIN_RMS: f64 = 0.005;

/// The C–A plot and its piecewise-linear fit.
#[derive(Debug, Clone, PartialEq)]
pub struct CaFit {
    /// `log10 v` of each level.
    pub log_v: Vec<f64>,
    /// `log10 A(v)` of each level.
    pub log_a: Vec<f64>,
    /// BIC for 1, 2, ... segments (as many as the points allow).
    pub bic: Vec<f64>,
    /// Chosen segments: `(first level, end level (exclusive), slope, intercept)`.
    pub segments: Vec<(usize, usize, f64, f64)>,
    /// Breakpoints as concentrations, ascending.
    pub breakpoints: Vec<f64>,
}

/// C–A breakpoints of a gridded surface (module docs), ascending, in the unit of the cells.
///
/// ```
/// use geoprospect_core::geochem::fractal::ca_thresholds;
/// // Cells whose area-concentration law bends at 10: A(v) ∝ v^-0.5 below, v^-2 above.
/// let n = 100_000.0f64;
/// let at = n * 10f64.powf(-0.5);
/// let cells: Vec<f32> = (1..=100_000)
///     .map(|i| {
///         let i = f64::from(i);
///         let v = if i >= at { (n / i).powi(2) } else { 10.0 * (at / i).sqrt() };
///         v as f32
///     })
///     .collect();
/// let t = ca_thresholds(&cells);
/// assert!(t.iter().any(|b| (b / 10.0 - 1.0).abs() < 0.03), "{t:?}");
/// ```
pub fn ca_thresholds(cell_values: &[f32]) -> Vec<f64> {
    ca_fit(cell_values).map_or_else(Vec::new, |f| f.breakpoints)
}

/// The whole C–A fit, `None` when the surface has too few distinct positive values.
pub fn ca_fit(cell_values: &[f32]) -> Option<CaFit> {
    let mut cells: Vec<f64> = cell_values
        .iter()
        .map(|&v| f64::from(v))
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    cells.sort_by(f64::total_cmp);
    let lo = quantile_sorted(&cells, CA_LEVEL_QUANTILES.0);
    let hi = quantile_sorted(&cells, CA_LEVEL_QUANTILES.1);
    if !(lo > 0.0 && hi > lo) {
        return None;
    }
    let (llo, lhi) = (lo.log10(), hi.log10());
    let step = (lhi - llo) / (CA_LEVELS - 1) as f64;
    let log_v: Vec<f64> = (0..CA_LEVELS).map(|k| llo + step * k as f64).collect();
    let n_cells = cells.len();
    let log_a: Vec<f64> = log_v
        .iter()
        .map(|&x| {
            let v = 10f64.powf(x);
            let below = cells.partition_point(|&c| c < v);
            // At least the maximum is ≥ v ≤ P99.9; guard anyway against rounding at the top.
            ((n_cells - below).max(1) as f64).log10()
        })
        .collect();
    let fit = fit_segments(&log_v, &log_a)?;
    Some(CaFit {
        log_v,
        log_a,
        bic: fit.bic,
        segments: fit.segments,
        breakpoints: fit.breakpoints,
    })
}

struct Fit {
    bic: Vec<f64>,
    segments: Vec<(usize, usize, f64, f64)>,
    breakpoints: Vec<f64>,
}

/// Prefix sums for O(1) least-squares lines over any run of points.
struct Sums {
    x: Vec<f64>,
    y: Vec<f64>,
    xx: Vec<f64>,
    xy: Vec<f64>,
    yy: Vec<f64>,
}

impl Sums {
    fn new(x: &[f64], y: &[f64]) -> Sums {
        let n = x.len();
        let mut s = Sums {
            x: vec![0.0; n + 1],
            y: vec![0.0; n + 1],
            xx: vec![0.0; n + 1],
            xy: vec![0.0; n + 1],
            yy: vec![0.0; n + 1],
        };
        for i in 0..n {
            s.x[i + 1] = s.x[i] + x[i];
            s.y[i + 1] = s.y[i] + y[i];
            s.xx[i + 1] = s.xx[i] + x[i] * x[i];
            s.xy[i + 1] = s.xy[i] + x[i] * y[i];
            s.yy[i + 1] = s.yy[i] + y[i] * y[i];
        }
        s
    }

    /// Least-squares line over points `i..j`: (slope, intercept, SSE).
    fn line(&self, i: usize, j: usize) -> (f64, f64, f64) {
        let n = (j - i) as f64;
        let (sx, sy) = (self.x[j] - self.x[i], self.y[j] - self.y[i]);
        let sxx = (self.xx[j] - self.xx[i]) - sx * sx / n;
        let sxy = (self.xy[j] - self.xy[i]) - sx * sy / n;
        let syy = (self.yy[j] - self.yy[i]) - sy * sy / n;
        if sxx <= 0.0 {
            return (0.0, sy / n, syy.max(0.0));
        }
        let slope = sxy / sxx;
        let intercept = (sy - slope * sx) / n;
        (slope, intercept, (syy - slope * sxy).max(0.0))
    }
}

/// Best split into 1..=4 runs (module docs, steps 4-6).
fn fit_segments(x: &[f64], y: &[f64]) -> Option<Fit> {
    let n = x.len();
    let max_k = CA_MAX_SEGMENTS.min(n / CA_MIN_POINTS);
    if max_k < 1 || n < 2 * CA_MIN_POINTS {
        return None;
    }
    let sums = Sums::new(x, y);
    let m = CA_MIN_POINTS;
    // cost[k][j]: least SSE of points 0..j in k+1 runs; from[k][j]: start of the last run.
    let mut cost = vec![vec![f64::INFINITY; n + 1]; max_k];
    let mut from = vec![vec![0usize; n + 1]; max_k];
    for (j, c) in cost[0].iter_mut().enumerate().skip(m) {
        *c = sums.line(0, j).2;
    }
    for k in 1..max_k {
        for j in (k + 1) * m..=n {
            // Strict `<` keeps the earliest split among equal costs: deterministic.
            for i in k * m..=j - m {
                let c = cost[k - 1][i] + sums.line(i, j).2;
                if c < cost[k][j] {
                    cost[k][j] = c;
                    from[k][j] = i;
                }
            }
        }
    }
    let nf = n as f64;
    let bic: Vec<f64> = (0..max_k)
        .map(|k| {
            let p = (3 * (k + 1) - 1) as f64;
            nf * (cost[k][n] / nf).max(CA_MIN_RMS * CA_MIN_RMS).ln() + p * nf.ln()
        })
        .collect();
    let mut best = 0;
    for k in 1..max_k {
        if bic[k] < bic[best] {
            best = k;
        }
    }
    // Walk back the splits of the chosen k.
    let mut ends = vec![n];
    let mut j = n;
    for k in (1..=best).rev() {
        j = from[k][j];
        ends.push(j);
    }
    ends.push(0);
    ends.reverse();
    let segments: Vec<(usize, usize, f64, f64)> = ends
        .windows(2)
        .map(|w| {
            let (slope, intercept, _) = sums.line(w[0], w[1]);
            (w[0], w[1], slope, intercept)
        })
        .collect();
    let breakpoints = segments
        .windows(2)
        .map(|s| {
            let (lo, hi) = (x[s[0].1 - 1], x[s[1].0]);
            let (b1, a1, b2, a2) = (s[0].2, s[0].3, s[1].2, s[1].3);
            let cross = (a2 - a1) / (b1 - b2);
            let at = if cross.is_finite() {
                cross.clamp(lo, hi)
            } else {
                (lo + hi) / 2.0
            };
            10f64.powf(at)
        })
        .collect();
    Some(Fit {
        bic,
        segments,
        breakpoints,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells of a surface whose area-concentration law is a chain of power laws: `laws` are
    /// (threshold, exponent) from low to high; A(1) = n (all cells ≥ 1).
    fn multifractal(n: usize, laws: &[(f64, f64)]) -> Vec<f32> {
        (1..=n)
            .map(|i| {
                // Walk up the chain: A(v) = a0 · (v / v0)^-α within each regime.
                let rank = i as f64;
                let (mut v0, mut a0) = (1.0, n as f64);
                for (k, &(_, alpha)) in laws.iter().enumerate() {
                    let v = v0 * (a0 / rank).powf(1.0 / alpha);
                    match laws.get(k + 1) {
                        Some(&(t, _)) if v > t => {
                            a0 *= (t / v0).powf(-alpha);
                            v0 = t;
                        }
                        _ => return v as f32,
                    }
                }
                v0 as f32
            })
            .collect()
    }

    #[test]
    fn one_bend_is_found_within_a_few_percent() {
        let cells = multifractal(250_000, &[(1.0, 0.5), (10.0, 2.0)]);
        let fit = ca_fit(&cells).unwrap();
        assert!(
            fit.breakpoints
                .iter()
                .any(|b| (b / 10.0 - 1.0).abs() < 0.03),
            "{:?} bic {:?}",
            fit.breakpoints,
            fit.bic
        );
        // The segment around the bend has the two exponents as slopes.
        let first = fit.segments.first().unwrap();
        let last = fit.segments.last().unwrap();
        assert!((first.2 + 0.5).abs() < 0.02, "{:?}", fit.segments);
        assert!((last.2 + 2.0).abs() < 0.05, "{:?}", fit.segments);
    }

    #[test]
    fn two_bends_are_found() {
        let cells = multifractal(250_000, &[(1.0, 0.3), (5.0, 1.2), (40.0, 3.0)]);
        let fit = ca_fit(&cells).unwrap();
        let near = |t: f64| fit.breakpoints.iter().any(|b| (b / t - 1.0).abs() < 0.05);
        assert!(
            near(5.0) && near(40.0),
            "{:?} bic {:?}",
            fit.breakpoints,
            fit.bic
        );
        // Ascending.
        assert!(fit.breakpoints.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn pure_power_law_has_no_breakpoint() {
        let cells = multifractal(250_000, &[(1.0, 1.0)]);
        let fit = ca_fit(&cells).unwrap();
        assert_eq!(fit.breakpoints, Vec::<f64>::new(), "bic {:?}", fit.bic);
        assert!((fit.segments[0].2 + 1.0).abs() < 0.01);
    }

    #[test]
    fn degenerate_surfaces() {
        assert_eq!(ca_thresholds(&[]), Vec::<f64>::new());
        assert_eq!(ca_thresholds(&[5.0; 1000]), Vec::<f64>::new());
        assert_eq!(ca_thresholds(&[f32::NAN, 0.0, -1.0]), Vec::<f64>::new());
        // NaN and non-positive cells are ignored, not counted in the area.
        let mut cells = multifractal(50_000, &[(1.0, 0.5), (10.0, 2.0)]);
        let base = ca_thresholds(&cells);
        cells.extend([f32::NAN; 1000]);
        cells.extend([0.0; 1000]);
        assert_eq!(ca_thresholds(&cells), base);
    }

    #[test]
    fn line_fit_is_exact_on_a_line() {
        let x: Vec<f64> = (0..10).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| 3.0 - 2.0 * v).collect();
        let (b, a, sse) = Sums::new(&x, &y).line(2, 9);
        assert!((b + 2.0).abs() < 1e-12 && (a - 3.0).abs() < 1e-12 && sse < 1e-20);
    }
}
