//! Transforms of assay values: log10, centred log-ratio, robust z-score, percentile rank,
//! winsorising.
//!
//! Pure functions over slices. NaN is a missing value and stays NaN (it is never counted as a
//! number); a value a transform cannot take (a log of zero) becomes NaN and is counted.
//!
//! | function | definition |
//! |---|---|
//! | [`log10`] | `log10(x)`; `x ≤ 0` → NaN, counted in [`Logged::non_positive`] |
//! | [`clr`] | per row (sample) of a composition: `clrᵢ = ln xᵢ − (1/D) Σⱼ ln xⱼ` (Aitchison 1986); a row with any part `≤ 0` or NaN is all NaN |
//! | [`robust_z`] | `(x − median) / (1.4826 · MAD)`, optionally on log10 values |
//! | [`percentile_rank`] | `100 · (#{y < x} + #{y ≤ x}) / (2n)`: scipy's `percentileofscore(..., kind="mean")` of each value in its own column; ties share the mean rank |
//! | [`winsorise`] | values clamped to `[Q(lower), Q(upper)]` (numpy-linear quantiles, [`super::stats`]) |
//!
//! References: J. Aitchison (1986) *The Statistical Analysis of Compositional Data*, Chapman &
//! Hall; C. Reimann, P. Filzmoser, R.G. Garrett & R. Dutter (2008) *Statistical Data Analysis
//! Explained*, Wiley (robust z-scores and the MAD on log-transformed geochemical data).
//!
//! ```
//! use geoprospect_core::geochem::transforms::{log10, percentile_rank, winsorise};
//! let l = log10(&[100.0, 0.0, f64::NAN, 0.1]);
//! assert_eq!(l.values[0], 2.0);
//! assert!(l.values[1].is_nan() && l.values[2].is_nan());
//! assert_eq!(l.non_positive, 1);
//! assert_eq!(percentile_rank(&[10.0, 20.0, 20.0, 40.0]), [12.5, 50.0, 50.0, 87.5]);
//! let w = winsorise(&[1.0, 2.0, 3.0, 4.0, 100.0], 0.0, 0.75).unwrap();
//! assert_eq!(w, [1.0, 2.0, 3.0, 4.0, 4.0]);
//! ```
use ndarray::{Array2, ArrayView2};

use super::stats::{median_mad, quantile_sorted, sorted_numbers, MAD_NORMAL};
use crate::error::{Error, Result};

/// Base-10 logarithms with the count of values that had none.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    /// `log10(x)`, NaN where `x` is NaN or `≤ 0`.
    pub values: Vec<f64>,
    /// How many numbers were `≤ 0` (NaN inputs are not counted).
    pub non_positive: usize,
}

/// `log10` of every value; values `≤ 0` become NaN and are counted.
pub fn log10(values: &[f64]) -> Logged {
    let mut non_positive = 0;
    let values = values
        .iter()
        .map(|&x| {
            if x > 0.0 {
                x.log10()
            } else {
                if !x.is_nan() {
                    non_positive += 1;
                }
                f64::NAN
            }
        })
        .collect();
    Logged {
        values,
        non_positive,
    }
}

/// Centred log-ratio of a composition: rows are samples, columns are parts (e.g. La, Ce, Nd in
/// ppm). `clrᵢ = ln xᵢ − mean_j ln x_j`; every row of the result sums to 0 (up to rounding). A
/// row with any part that is NaN or `≤ 0` is NaN throughout (the log-ratio is undefined; impute
/// censored parts before, e.g. with half the detection limit).
///
/// ```
/// use geoprospect_core::geochem::transforms::clr;
/// use ndarray::array;
/// let e = std::f64::consts::E;
/// let c = clr(array![[1.0, e, e * e], [1.0, 0.0, 2.0]].view());
/// assert!((c[[0, 0]] + 1.0).abs() < 1e-12 && c[[0, 1]].abs() < 1e-12);
/// assert!(c.row(1).iter().all(|v| v.is_nan()));
/// ```
pub fn clr(parts: ArrayView2<f64>) -> Array2<f64> {
    let mut out = Array2::from_elem(parts.raw_dim(), f64::NAN);
    let d = parts.ncols();
    if d == 0 {
        return out;
    }
    for (row, mut dst) in parts.rows().into_iter().zip(out.rows_mut()) {
        if !row.iter().all(|&x| x > 0.0) {
            continue;
        }
        let logs: Vec<f64> = row.iter().map(|x| x.ln()).collect();
        let mean = logs.iter().sum::<f64>() / d as f64;
        for (o, l) in dst.iter_mut().zip(&logs) {
            *o = l - mean;
        }
    }
    out
}

/// Robust z-scores `(x − median) / (1.4826 · MAD)` with median and MAD of the column's own
/// numbers; with `log` the scores are of `log10(x)` (values `≤ 0` give NaN). NaN stays NaN.
/// When the MAD is 0 (more than half the values equal) the score is undefined: every value is
/// NaN.
///
/// ```
/// use geoprospect_core::geochem::transforms::robust_z;
/// // median 3, MAD 1: z = (x − 3) / 1.4826
/// let z = robust_z(&[1.0, 2.0, 3.0, 4.0, 5.0], false);
/// assert!((z[4] - 2.0 / 1.4826).abs() < 1e-12);
/// let zl = robust_z(&[1.0, 10.0, 100.0], true); // log10: 0 1 2, median 1, MAD 1
/// assert!((zl[2] - 1.0 / 1.4826).abs() < 1e-12);
/// ```
pub fn robust_z(values: &[f64], log: bool) -> Vec<f64> {
    let x = if log {
        log10(values).values
    } else {
        values.to_vec()
    };
    let (m, mad) = median_mad(&x);
    let s = MAD_NORMAL * mad;
    if s.is_nan() || s <= 0.0 {
        return vec![f64::NAN; x.len()];
    }
    x.iter().map(|v| (v - m) / s).collect()
}

/// The percentile rank (0..100) of each value among the column's numbers:
/// `100 · (#{y < x} + #{y ≤ x}) / (2n)`, scipy's `percentileofscore(a, x, kind="mean")`, so ties
/// get the mean of their ranks. NaN stays NaN and is not counted in `n`.
pub fn percentile_rank(values: &[f64]) -> Vec<f64> {
    let sorted = sorted_numbers(values);
    let n = sorted.len() as f64;
    values
        .iter()
        .map(|&x| {
            if x.is_nan() {
                return f64::NAN;
            }
            let below = sorted.partition_point(|&y| y < x) as f64;
            let at_or_below = sorted.partition_point(|&y| y <= x) as f64;
            100.0 * (below + at_or_below) / (2.0 * n)
        })
        .collect()
}

/// Values clamped to `[Q(lower), Q(upper)]`, the numpy-linear quantiles of the column's numbers
/// (e.g. `lower = 0.01`, `upper = 0.99`). NaN stays NaN. An error when the quantiles are not
/// `0 ≤ lower ≤ upper ≤ 1`.
pub fn winsorise(values: &[f64], lower: f64, upper: f64) -> Result<Vec<f64>> {
    if !(0.0..=1.0).contains(&lower) || !(0.0..=1.0).contains(&upper) || lower > upper {
        return Err(Error::param(format!(
            "winsorising quantiles must satisfy 0 <= lower <= upper <= 1, got lower {lower} and upper {upper}"
        )));
    }
    let sorted = sorted_numbers(values);
    let (lo, hi) = (
        quantile_sorted(&sorted, lower),
        quantile_sorted(&sorted, upper),
    );
    Ok(values
        .iter()
        .map(|&x| if x.is_nan() { x } else { x.clamp(lo, hi) })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use proptest::prelude::*;

    #[test]
    fn log10_counts_non_positive() {
        let l = log10(&[1000.0, -1.0, 0.0, f64::NAN, 0.01]);
        assert_eq!(l.non_positive, 2);
        assert_eq!(l.values[0], 3.0);
        assert_eq!(l.values[4], -2.0);
        assert!(l.values[1..4].iter().all(|v| v.is_nan()));
    }

    #[test]
    fn clr_by_hand() {
        // Row [2, 8]: ln 2, ln 8 = 3 ln 2; mean 2 ln 2; clr = [−ln 2, ln 2].
        let c = clr(array![[2.0, 8.0], [1.0, f64::NAN]].view());
        let l2 = 2f64.ln();
        assert!((c[[0, 0]] + l2).abs() < 1e-12 && (c[[0, 1]] - l2).abs() < 1e-12);
        assert!(c[[1, 0]].is_nan() && c[[1, 1]].is_nan());
        // Scale invariance: a row in ppm and the same row in % give the same clr.
        let a = clr(array![[10.0, 20.0, 70.0], [1e5, 2e5, 7e5]].view());
        for j in 0..3 {
            assert!((a[[0, j]] - a[[1, j]]).abs() < 1e-12);
        }
        assert_eq!(clr(Array2::<f64>::zeros((3, 0)).view()).dim(), (3, 0));
    }

    #[test]
    fn robust_z_by_hand() {
        // 1..10: median 5.5, MAD 2.5, s = 3.7065.
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let z = robust_z(&x, false);
        assert!((z[9] - 4.5 / 3.7065).abs() < 1e-12);
        assert!((z[0] + 4.5 / 3.7065).abs() < 1e-12);
        // MAD 0: undefined.
        assert!(robust_z(&[1.0, 1.0, 1.0, 5.0], false)
            .iter()
            .all(|v| v.is_nan()));
        // Non-positive values under log are NaN and do not enter the median.
        let z = robust_z(&[0.0, 1.0, 10.0, 100.0], true);
        assert!(z[0].is_nan() && z[2] == 0.0);
    }

    #[test]
    fn percentile_rank_matches_scipy_mean_kind() {
        // scipy.stats.percentileofscore([1, 2, 3, 4], 3, kind="mean") = 62.5
        let r = percentile_rank(&[4.0, 3.0, f64::NAN, 2.0, 1.0]);
        assert_eq!(r[0], 87.5);
        assert_eq!(r[1], 62.5);
        assert!(r[2].is_nan());
        assert_eq!(r[4], 12.5);
        assert_eq!(percentile_rank(&[5.0, 5.0, 5.0]), [50.0, 50.0, 50.0]);
    }

    #[test]
    fn winsorise_by_hand_and_errors() {
        // 1..10 at 0.1 / 0.9: Q = 1.9 and 9.1.
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let w = winsorise(&x, 0.1, 0.9).unwrap();
        assert!((w[0] - 1.9).abs() < 1e-12 && (w[9] - 9.1).abs() < 1e-12);
        assert_eq!(&w[1..9], &x[1..9]);
        let e = winsorise(&x, 0.9, 0.1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "winsorising quantiles must satisfy 0 <= lower <= upper <= 1, got lower 0.9 and upper 0.1"
        );
        assert!(winsorise(&x, -0.1, 0.5).is_err());
    }

    fn column() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(prop_oneof![9 => 0.001f64..1e5, 1 => Just(f64::NAN)], 1..50)
    }

    proptest! {
        #[test]
        fn percentile_rank_in_0_100(v in column()) {
            for r in percentile_rank(&v) {
                prop_assert!(r.is_nan() || (0.0..=100.0).contains(&r));
            }
        }

        #[test]
        fn winsorised_values_within_quantile_bounds(v in column(), a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let w = winsorise(&v, lo, hi).unwrap();
            let s = sorted_numbers(&v);
            let (ql, qh) = (quantile_sorted(&s, lo), quantile_sorted(&s, hi));
            for (x, y) in v.iter().zip(&w) {
                prop_assert_eq!(x.is_nan(), y.is_nan());
                prop_assert!(y.is_nan() || (ql <= *y && *y <= qh));
            }
        }

        #[test]
        fn clr_rows_sum_to_zero(rows in prop::collection::vec(prop::collection::vec(1e-3f64..1e6, 4), 1..20)) {
            let n = rows.len();
            let flat: Vec<f64> = rows.into_iter().flatten().collect();
            let a = Array2::from_shape_vec((n, 4), flat).unwrap();
            let c = clr(a.view());
            for row in c.rows() {
                let sum: f64 = row.sum();
                prop_assert!(sum.abs() < 1e-9, "{}", sum);
            }
        }
    }
}
