//! Order statistics shared by transforms and thresholds: median, quantiles, MAD.
//!
//! Every function ignores NaN (a missing value) and is deterministic: values are sorted with
//! [`f64::total_cmp`], so the result never depends on the order of the input. An input without
//! any number gives NaN.
//!
//! # Definitions (as numpy 1.24)
//! - [`quantile`]`(x, q)` is `np.nanquantile(x, q)` with numpy's default `method="linear"`
//!   (Hyndman & Fan 1996, definition 7): with `x₍₀₎ ≤ … ≤ x₍ₙ₋₁₎` the sorted numbers,
//!   `h = (n − 1)·q`, `i = ⌊h⌋`, `g = h − i`, the quantile is `x₍ᵢ₎ + g·(x₍ᵢ₊₁₎ − x₍ᵢ₎)`,
//!   evaluated as numpy does (`x₍ᵢ₊₁₎ − (1 − g)·(x₍ᵢ₊₁₎ − x₍ᵢ₎)` when `g ≥ 0.5`) so that results
//!   agree to the last bit.
//! - [`median`] is `np.nanmedian`: the middle value, or the mean `(a + b) / 2` of the two middle
//!   values (which can differ from `quantile(x, 0.5)` in the last bit, as in numpy).
//! - [`mad`] is the raw median absolute deviation `median(|x − median(x)|)`, without the 1.4826
//!   consistency factor ([`MAD_NORMAL`]) that makes it estimate σ for normal data
//!   (Reimann, Filzmoser & Garrett 2005, Sci. Total Environ. 346, 1-16).
//!
//! ```
//! use geoprospect_core::geochem::stats::{mad, median, quantile};
//! let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, f64::NAN];
//! assert_eq!(median(&x), 5.5);
//! assert_eq!(quantile(&x, 0.25), 3.25); // h = 9 × 0.25 = 2.25: 3 + 0.25 × (4 − 3)
//! assert_eq!(quantile(&x, 0.95), 9.549999999999999); // 9.55 up to rounding, as numpy
//! assert_eq!(mad(&x), 2.5); // |x − 5.5| = 4.5 3.5 2.5 1.5 0.5 0.5 1.5 2.5 3.5 4.5
//! assert!(median(&[f64::NAN]).is_nan());
//! ```

/// The factor that makes the MAD a consistent estimator of σ for normal data: `1/Φ⁻¹(3/4)`.
pub const MAD_NORMAL: f64 = 1.4826;

/// The numbers of `values` (NaN left out), sorted ascending with `total_cmp`.
pub fn sorted_numbers(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The `q` quantile (`0 ≤ q ≤ 1`) of numbers already sorted ascending without NaN, numpy's
/// linear method; NaN when `sorted` is empty or `q` is outside [0, 1] or NaN.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&q) {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q;
    if h >= (n - 1) as f64 {
        return sorted[n - 1];
    }
    let i = h.floor();
    let g = h - i;
    let i = i as usize;
    let (a, b) = (sorted[i], sorted[i + 1]);
    lerp(a, b, g)
}

/// numpy's `_lerp`: `a + (b − a)·t`, or `b − (b − a)·(1 − t)` when `t ≥ 0.5` (monotone, exact
/// at both ends).
pub fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

/// The `q` quantile of `values` ignoring NaN (module docs); NaN without numbers.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    quantile_sorted(&sorted_numbers(values), q)
}

/// Several quantiles of `values` ignoring NaN, sorting once.
pub fn quantiles(values: &[f64], qs: &[f64]) -> Vec<f64> {
    let s = sorted_numbers(values);
    qs.iter().map(|&q| quantile_sorted(&s, q)).collect()
}

/// The median of numbers already sorted ascending without NaN (as `np.median`).
pub fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The median of `values` ignoring NaN (as `np.nanmedian`); NaN without numbers.
pub fn median(values: &[f64]) -> f64 {
    median_sorted(&sorted_numbers(values))
}

/// The raw median absolute deviation `median(|x − median(x)|)` ignoring NaN; NaN without
/// numbers. Multiply by [`MAD_NORMAL`] to estimate σ.
pub fn mad(values: &[f64]) -> f64 {
    let s = sorted_numbers(values);
    let m = median_sorted(&s);
    let mut dev: Vec<f64> = s.iter().map(|x| (x - m).abs()).collect();
    dev.sort_by(f64::total_cmp);
    median_sorted(&dev)
}

/// Median and raw MAD together (one sort of the values).
pub fn median_mad(values: &[f64]) -> (f64, f64) {
    let s = sorted_numbers(values);
    let m = median_sorted(&s);
    let mut dev: Vec<f64> = s.iter().map(|x| (x - m).abs()).collect();
    dev.sort_by(f64::total_cmp);
    (m, median_sorted(&dev))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hand_computed_values() {
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(median(&x), 5.5);
        assert_eq!(quantile(&x, 0.0), 1.0);
        assert_eq!(quantile(&x, 1.0), 10.0);
        assert_eq!(quantile(&x, 0.75), 7.75); // h = 6.75
        assert_eq!(quantile(&x, 0.5), 5.5);
        assert_eq!(mad(&x), 2.5);
        // Odd count, unsorted, with NaN.
        let y = [7.0, f64::NAN, 1.0, 3.0, 100.0, 2.0];
        assert_eq!(median(&y), 3.0);
        assert_eq!(mad(&y), 2.0); // |x − 3| = 4 2 0 97 1 → 0 1 2 4 97
        assert_eq!(quantile(&y, 0.1), 1.4); // h = 0.4: 1 + 0.4 × 1
        assert_eq!(median_mad(&y), (3.0, 2.0));
        assert_eq!(quantiles(&y, &[0.0, 1.0]), [1.0, 100.0]);
    }

    #[test]
    fn empty_and_bad_q() {
        assert!(median(&[]).is_nan());
        assert!(mad(&[f64::NAN, f64::NAN]).is_nan());
        assert!(quantile(&[], 0.5).is_nan());
        assert!(quantile(&[1.0], 1.5).is_nan());
        assert!(quantile(&[1.0], f64::NAN).is_nan());
        assert_eq!(quantile(&[4.0], 0.3), 4.0);
        assert_eq!(median(&[4.0]), 4.0);
    }

    /// Values from numpy 1.24.2 on this machine, copied from its output:
    /// `x = [0.3, 12.0, 1.7, 4.4, 0.05, 7.25, 3.3, 150.0, 2.2]`,
    /// `np.quantile(x, [0.01, 0.25, 0.5, 0.95])` → `[0.07, 1.7, 3.3, 94.79999999999995]`
    /// (by hand: sorted x = 0.05 0.3 1.7 2.2 3.3 4.4 7.25 12 150, h = 8q; q = 0.95 → h = 7.6,
    /// 12 + 0.6 × 138 = 94.8), `np.median(x)` → 3.3, `np.median(np.abs(x - 3.3))` → 3.0
    /// (deviations sorted 0 1.1 1.1 1.6 3.0 3.25 3.95 8.7 146.7).
    #[test]
    fn numpy_reference_values() {
        let x = [0.3, 12.0, 1.7, 4.4, 0.05, 7.25, 3.3, 150.0, 2.2];
        let q = quantiles(&x, &[0.01, 0.25, 0.5, 0.95]);
        assert!((q[0] - 0.07).abs() < 1e-15, "{}", q[0]);
        assert_eq!(q[1], 1.7);
        assert_eq!(q[2], 3.3);
        assert_eq!(q[3], 94.79999999999995);
        assert_eq!(median(&x), 3.3);
        assert_eq!(mad(&x), 3.0);
    }

    /// Compares with numpy run live, bit for bit (skips when python3 or numpy is absent).
    #[test]
    fn agrees_with_numpy_bit_for_bit() {
        let data: Vec<f64> = (0..257)
            .map(|i| {
                let t = f64::from(i);
                ((t * 0.7).sin() * 3.0 + t * 0.01).exp() + (t % 7.0) * 0.1
            })
            .collect();
        let qs = [
            0.0, 0.01, 0.1, 0.25, 0.333, 0.5, 0.75, 0.9, 0.95, 0.999, 1.0,
        ];
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:e}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let script = format!(
            "import numpy as np\nx = np.array([{}])\nq = [{}]\n\
             print(' '.join(repr(float(v)) for v in np.quantile(x, q)))\n\
             m = np.median(x)\nprint(repr(float(m)), repr(float(np.median(np.abs(x - m)))))\n\
             y = x[:100]\nprint(repr(float(np.median(y))), repr(float(np.median(np.abs(y - np.median(y))))))\n",
            list(&data),
            list(&qs)
        );
        let Some(out) = python_numpy(&script) else {
            return;
        };
        let lines: Vec<Vec<f64>> = out
            .lines()
            .map(|l| l.split_whitespace().map(|t| t.parse().unwrap()).collect())
            .collect();
        assert_eq!(quantiles(&data, &qs), lines[0]);
        assert_eq!([median(&data), mad(&data)].as_slice(), lines[1].as_slice());
        let y = &data[..100];
        assert_eq!([median(y), mad(y)].as_slice(), lines[2].as_slice());
    }

    /// Runs a script with /usr/bin/python3 and numpy; `None` (with a message) when either is
    /// not installed.
    pub(crate) fn python_numpy(script: &str) -> Option<String> {
        let out = std::process::Command::new("/usr/bin/python3")
            .args(["-c", script])
            .output();
        match out {
            Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
            Ok(o) if String::from_utf8_lossy(&o.stderr).contains("No module named 'numpy'") => {
                eprintln!("skipping: numpy not installed (make deps installs python3-numpy)");
                None
            }
            Ok(o) => panic!("python failed: {}", String::from_utf8_lossy(&o.stderr)),
            Err(_) => {
                eprintln!("skipping: /usr/bin/python3 not found");
                None
            }
        }
    }

    proptest! {
        #[test]
        fn quantiles_are_monotone_and_within_range(
            v in prop::collection::vec(-1e6f64..1e6, 1..60),
            a in 0.0f64..=1.0,
            b in 0.0f64..=1.0,
        ) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let s = sorted_numbers(&v);
            let (qa, qb) = (quantile_sorted(&s, lo), quantile_sorted(&s, hi));
            prop_assert!(qa <= qb);
            prop_assert!(qa >= s[0] && qb <= s[s.len() - 1]);
            let m = median(&v);
            prop_assert!(m >= s[0] && m <= s[s.len() - 1]);
            prop_assert!(mad(&v) >= 0.0);
        }

        #[test]
        fn order_does_not_matter(mut v in prop::collection::vec(-1e3f64..1e3, 1..40)) {
            let (m, d, q) = (median(&v), mad(&v), quantile(&v, 0.37));
            v.reverse();
            prop_assert_eq!((median(&v), mad(&v), quantile(&v, 0.37)), (m, d, q));
        }
    }
}
