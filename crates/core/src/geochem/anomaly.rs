//! Anomaly separation: thresholds from the distribution of an element, and anomaly classes.
//!
//! For one element's values in ppm (censored values already substituted, NaN = missing), after
//! Reimann, Filzmoser & Garrett (2005), *Background and threshold: critical comparison of
//! methods of determination*, Sci. Total Environ. 346, 1-16:
//!
//! | threshold | definition |
//! |---|---|
//! | `median` | median of the values |
//! | `median_2mad` | `10^(m + 2 · 1.4826 · MAD)`, `m` and `MAD` the median and raw median absolute deviation of the log10 values |
//! | `tukey_upper` | `10^(Q3 + 1.5 · (Q3 − Q1))`, the upper inner fence of the log10 values (Tukey 1977) |
//! | `p95` | 95th percentile of the values |
//! | C–A | breakpoints of the concentration–area plot of a gridded surface ([`ca_thresholds`], Cheng et al. 1994) |
//!
//! Quantiles are numpy's default linear interpolation ([`super::stats`]). Values `≤ 0` have no
//! logarithm: they are left out of `median_2mad` and `tukey_upper` and counted in
//! [`Thresholds::non_positive`] (they still count for `median` and `p95`).
//!
//! # Classes
//! A sample value `x` is ([`Classifier`]):
//! - `background` when `x ≤ median_2mad`;
//! - `anomalous` when `median_2mad < x ≤ s`;
//! - `strongly anomalous` when `x > s`, with `s` the highest C–A breakpoint, used only when it is
//!   above `median_2mad` (otherwise there is no strongly anomalous class).
//!
//! A value equal to a threshold stays in the lower class. This matters when more than half the
//! values are equal, typically at the substituted detection limit: the MAD is then 0 and
//! `median_2mad` equals the median, so those values are background and every value above them is
//! anomalous. (Reimann et al. 2005 warn that the method says little for such an element.)
//!
//! The median + 2 MAD of log values is the robust threshold Reimann et al. (2005) recommend for
//! geochemical background; the highest C–A breakpoint separates the population of the highest
//! concentrations on the map (Cheng et al. 1994), so a sample above it belongs to the strongest
//! mapped anomaly.
//!
//! ```
//! use geoprospect_core::geochem::anomaly::{thresholds, AnomalyClass, Classifier};
//! let x: Vec<f64> = (1..=10).map(f64::from).collect();
//! let t = thresholds(&x);
//! assert_eq!((t.n, t.median), (10, 5.5));
//! assert!((t.p95 - 9.55).abs() < 1e-12);
//! // m = log10 √30, MAD = ½ log10 2.4 → 10^m · 2.4^1.4826 = 20.0568
//! assert!((t.median_2mad - 20.0568).abs() < 1e-3);
//! let c = Classifier::new(&t, &[3.0, 25.0]);
//! assert_eq!(c.classify(9.0), Some(AnomalyClass::Background));
//! assert_eq!(c.classify(21.0), Some(AnomalyClass::Anomalous));
//! assert_eq!(c.classify(25.0), Some(AnomalyClass::Anomalous));
//! assert_eq!(c.classify(25.1), Some(AnomalyClass::StronglyAnomalous));
//! assert_eq!(c.classify(f64::NAN), None);
//! ```
use std::fmt;

use super::stats::{median_mad, median_sorted, quantile_sorted, sorted_numbers, MAD_NORMAL};

pub use super::fractal::ca_thresholds;

/// Distribution thresholds of one element (module docs), ppm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Numbers used (NaN left out).
    pub n: usize,
    /// Numbers `≤ 0`, left out of the log-based thresholds.
    pub non_positive: usize,
    /// Median.
    pub median: f64,
    /// `10^(m + 2 · 1.4826 · MAD)` of log10 values.
    pub median_2mad: f64,
    /// `10^(Q3 + 1.5 · IQR)` of log10 values.
    pub tukey_upper: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// The distribution thresholds of `values` (module docs); NaN where there are no numbers.
pub fn thresholds(values: &[f64]) -> Thresholds {
    let sorted = sorted_numbers(values);
    let logs: Vec<f64> = sorted
        .iter()
        .filter(|&&x| x > 0.0)
        .map(|x| x.log10())
        .collect();
    // log10 is monotone: `logs` is sorted too.
    let (m, mad) = median_mad(&logs);
    let (q1, q3) = (quantile_sorted(&logs, 0.25), quantile_sorted(&logs, 0.75));
    // With no spread the threshold is an order statistic of the values themselves: take it
    // exactly rather than through 10^log10(x), which can land one ulp below x (and put every
    // value equal to it above the threshold).
    let positive = &sorted[sorted.len() - logs.len()..];
    let median_2mad = if mad == 0.0 {
        median_sorted(positive)
    } else {
        10f64.powf(m + 2.0 * MAD_NORMAL * mad)
    };
    let tukey_upper = if q3 == q1 {
        quantile_sorted(positive, 0.75)
    } else {
        10f64.powf(q3 + 1.5 * (q3 - q1))
    };
    Thresholds {
        n: sorted.len(),
        non_positive: sorted.len() - logs.len(),
        median: median_sorted(&sorted),
        median_2mad,
        tukey_upper,
        p95: quantile_sorted(&sorted, 0.95),
    }
}

/// The anomaly class of a sample value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AnomalyClass {
    /// At or below `median_2mad`.
    Background,
    /// Above `median_2mad`, up to the highest C–A breakpoint.
    Anomalous,
    /// Above the highest C–A breakpoint.
    StronglyAnomalous,
}

impl AnomalyClass {
    /// `background`, `anomalous`, `strongly anomalous`.
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyClass::Background => "background",
            AnomalyClass::Anomalous => "anomalous",
            AnomalyClass::StronglyAnomalous => "strongly anomalous",
        }
    }
}

impl fmt::Display for AnomalyClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Classifies sample values by the scheme of the module docs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classifier {
    /// Lower bound of `anomalous` (`median_2mad`).
    pub anomalous: f64,
    /// Lower bound of `strongly anomalous` (the highest C–A breakpoint above `anomalous`).
    pub strong: Option<f64>,
}

impl Classifier {
    /// The classes of an element from its thresholds and C–A breakpoints (any order).
    pub fn new(t: &Thresholds, ca: &[f64]) -> Classifier {
        let top = ca
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .reduce(f64::max);
        Classifier {
            anomalous: t.median_2mad,
            strong: top.filter(|&s| s > t.median_2mad),
        }
    }

    /// The class of `value`; `None` for a missing value or when the element has no threshold.
    pub fn classify(&self, value: f64) -> Option<AnomalyClass> {
        if value.is_nan() || self.anomalous.is_nan() {
            return None;
        }
        Some(match self.strong {
            Some(s) if value > s => AnomalyClass::StronglyAnomalous,
            _ if value > self.anomalous => AnomalyClass::Anomalous,
            _ => AnomalyClass::Background,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    /// 1..10 by hand:
    /// - median (5 + 6) / 2 = 5.5; p95: h = 9 × 0.95 = 8.55 → 9 + 0.55 = 9.55 (9.549999999999999
    ///   in floating point, as numpy);
    /// - log10 median m = (log 5 + log 6) / 2 = log √30; the deviations |log x − m| sorted put
    ///   log 8 − m and log 9 − m in the middle, so MAD = log √72 − log √30 = ½ log 2.4, and
    ///   median_2mad = √30 · 2.4^1.4826 = 20.0568;
    /// - Q1: h = 2.25 → 0.75 log 3 + 0.25 log 4; Q3: h = 6.75 → 0.25 log 7 + 0.75 log 8;
    ///   tukey_upper = 10^(2.5 Q3 − 1.5 Q1) = (7^0.25 · 8^0.75)^2.5 / (3^0.75 · 4^0.25)^1.5 = 28.770
    ///   (numpy: 28.770412739516...).
    #[test]
    fn one_to_ten_by_hand() {
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let t = thresholds(&x);
        assert_eq!(t.n, 10);
        assert_eq!(t.non_positive, 0);
        assert_eq!(t.median, 5.5);
        assert_eq!(t.p95, 9.549999999999999); // numpy: the same bits
        assert!(close(t.median_2mad, 30f64.sqrt() * 2.4f64.powf(1.4826)));
        let q3 = 7f64.powf(0.25) * 8f64.powf(0.75);
        let q1 = 3f64.powf(0.75) * 4f64.powf(0.25);
        assert!(
            close(t.tukey_upper, q3.powf(2.5) / q1.powf(1.5)),
            "{}",
            t.tukey_upper
        );
        assert!(
            (t.tukey_upper - 28.7704127).abs() < 1e-6,
            "{}",
            t.tukey_upper
        );
    }

    #[test]
    fn missing_and_non_positive_values() {
        // [0, NaN, 1, 10, 100]: median of 4 numbers = 5.5; logs of 1, 10, 100 = 0 1 2,
        // m = 1, MAD = 1 → 10^(1 + 2.9652) = 9231.6.
        let t = thresholds(&[0.0, f64::NAN, 1.0, 10.0, 100.0]);
        assert_eq!((t.n, t.non_positive), (4, 1));
        assert_eq!(t.median, 5.5);
        assert!(close(t.median_2mad, 10f64.powf(1.0 + 2.0 * 1.4826)));
        // Q1 = 0.5, Q3 = 1.5: 10^(1.5 + 1.5) = 1000.
        assert!(close(t.tukey_upper, 1000.0));
        let t = thresholds(&[f64::NAN]);
        assert_eq!(t.n, 0);
        assert!(t.median.is_nan() && t.median_2mad.is_nan() && t.p95.is_nan());
        assert_eq!(Classifier::new(&t, &[]).classify(1.0), None);
    }

    #[test]
    fn classes_without_a_usable_ca_breakpoint() {
        let t = thresholds(&(1..=10).map(f64::from).collect::<Vec<_>>());
        // A C–A breakpoint below median_2mad gives no strong class.
        let c = Classifier::new(&t, &[2.0, 15.0]);
        assert_eq!(c.strong, None);
        assert_eq!(c.classify(1e6), Some(AnomalyClass::Anomalous));
        let c = Classifier::new(&t, &[]);
        assert_eq!(c.classify(20.0), Some(AnomalyClass::Background));
        assert_eq!(c.classify(20.06), Some(AnomalyClass::Anomalous));
        assert_eq!(c.classify(t.median_2mad), Some(AnomalyClass::Background));
        assert_eq!(
            AnomalyClass::StronglyAnomalous.to_string(),
            "strongly anomalous"
        );
    }

    /// Regression: Kola Sn_INAA is 50 (half the detection limit) in most samples; 10^log10(50)
    /// is 49.99999999999999, which made every sample at the limit anomalous.
    #[test]
    fn values_at_the_detection_limit_are_background_when_mad_is_zero() {
        let x = [50.0, 50.0, 50.0, 50.0, 50.0, 100.0, 300.0, 50.0, 50.0];
        let t = thresholds(&x);
        assert_eq!((t.median, t.median_2mad, t.tukey_upper), (50.0, 50.0, 50.0));
        let c = Classifier::new(&t, &[]);
        assert_eq!(c.classify(50.0), Some(AnomalyClass::Background));
        assert_eq!(c.classify(100.0), Some(AnomalyClass::Anomalous));
        // Even count: the two middle values are equal, so the median is exact too.
        let t = thresholds(&[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.4, 0.7]);
        assert_eq!((t.median, t.median_2mad, t.tukey_upper), (0.1, 0.1, 0.1));
    }

    /// Kola C-horizon soils: median and p95 of La, Ce_INAA, Mo, Sn_INAA against numpy run on the
    /// same file (skips without the data, python3 or numpy).
    #[test]
    fn kola_median_and_p95_match_numpy() {
        use crate::geochem::assays::{parse_table_assays, AssayOptions};
        use crate::geochem::censored::Substitution;
        use crate::table::{parse_table, TableOptions};
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/kola_chorizon.csv"
        );
        if !std::path::Path::new(path).exists() {
            eprintln!("skipping: {path} not found");
            return;
        }
        let columns = ["La", "Ce_INAA", "Mo", "Sn_INAA"];
        let script = format!(
            "import csv, math, numpy as np\n\
             rows = list(csv.DictReader(open({path:?})))\n\
             for c in {columns:?}:\n    \
                 x = np.array([float(r[c]) if r[c].strip() else np.nan for r in rows])\n    \
                 x = x[~np.isnan(x)]\n    \
                 l = np.log10(x[x > 0])\n    \
                 m = np.median(l); mad = np.median(np.abs(l - m))\n    \
                 q1, q3 = np.quantile(l, [0.25, 0.75])\n    \
                 print(c, len(x), repr(float(np.median(x))), repr(float(np.quantile(x, 0.95))), \
                       repr(float(10 ** (m + 2 * 1.4826 * mad))), repr(float(10 ** (q3 + 1.5 * (q3 - q1)))))\n"
        );
        let Some(out) = crate::geochem::stats::tests::python_numpy(&script) else {
            return;
        };
        let table = parse_table(&std::fs::read(path).unwrap(), &TableOptions::default()).unwrap();
        let cols = parse_table_assays(&table, &AssayOptions::default()).unwrap();
        for line in out.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            let col = cols.iter().find(|c| c.spec.column == f[0]).unwrap();
            let t = thresholds(&col.substituted(&Substitution::default()));
            let num = |i: usize| f[i].parse::<f64>().unwrap();
            assert_eq!(t.n.to_string(), f[1], "{line}");
            // Median and p95 are exact order statistics: identical to numpy.
            assert_eq!((t.median, t.p95), (num(2), num(3)), "{line}");
            // The log-based ones go through log10 and pow: within rounding.
            assert!(close(t.median_2mad, num(4)) || (t.median_2mad / num(4) - 1.0).abs() < 1e-12);
            assert!((t.tukey_upper / num(5) - 1.0).abs() < 1e-12, "{line}");
        }
        assert_eq!(out.lines().count(), 4);
    }
}
