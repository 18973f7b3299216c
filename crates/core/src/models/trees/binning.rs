//! Quantile bin edges per feature, and values mapped to one-byte bins.
//!
//! As scikit-learn's `_BinMapper` (HistGradientBoosting, after LightGBM, Ke et al. 2017): a
//! feature with at most `max_bins` distinct values among the training rows gets an edge midway
//! between each pair of neighbours; otherwise the edges are its `k / max_bins` quantiles
//! (k = 1 .. max_bins - 1, numpy's `midpoint` method: the mean of the two order statistics
//! around the position `k (n - 1) / max_bins`), duplicates dropped. Every training row counts
//! (no subsample, no weights), so the edges depend on the data only. A value `v` goes to bin
//! `b` = the number of edges below it (`v <= edges[b]`, `v > edges[b - 1]`), bins 0 ..= 254;
//! NaN goes to the missing bin [`MISSING`]. Prediction maps cells with the same search, so a
//! cell sees the same bins as a training row with its values.
use rayon::prelude::*;

/// The bin of a missing value (NaN).
pub(crate) const MISSING: u8 = 255;

/// Edges padded with +∞ to this length, for a search of fixed length.
const PADDED: usize = 255;

/// Values binned together by [`Binning::bin_lanes`].
pub(crate) const BIN_LANES: usize = 8;

/// The bin edges of every feature.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Binning {
    /// Per feature, the edges in increasing order (at most 254).
    edges: Vec<Vec<f32>>,
    /// The same, padded with +∞ to [`PADDED`] values.
    padded: Vec<[f32; PADDED]>,
}

impl Binning {
    /// The edges of each feature of the row-major `x` (`features` values per row; NaN and
    /// infinite values left out, a feature without finite values has no edge).
    pub(crate) fn fit(x: &[f32], features: usize, max_bins: usize) -> Binning {
        let rows = x.len() / features.max(1);
        let edges: Vec<Vec<f32>> = (0..features)
            .into_par_iter()
            .map(|f| {
                let mut v: Vec<f32> = (0..rows)
                    .map(|i| x[i * features + f])
                    .filter(|v| v.is_finite())
                    .collect();
                v.sort_by(f32::total_cmp);
                edges_of(&v, max_bins)
            })
            .collect();
        let padded = edges
            .iter()
            .map(|e| {
                let mut p = [f32::INFINITY; PADDED];
                p[..e.len()].copy_from_slice(e);
                p
            })
            .collect();
        Binning { edges, padded }
    }

    /// Features.
    pub(crate) fn features(&self) -> usize {
        self.edges.len()
    }

    /// Non-missing bins of feature `f` (its edges plus one).
    pub(crate) fn bins(&self, f: usize) -> usize {
        self.edges[f].len() + 1
    }

    /// The bin of value `v` of feature `f`: a branch-free binary search over the padded
    /// edges (eight halvings of 255 slots, each a compare and a mask: no branch to mispredict).
    #[inline(always)]
    pub(crate) fn bin(&self, f: usize, v: f32) -> u8 {
        let e = &self.padded[f];
        let mut i = 0usize;
        for step in [128, 64, 32, 16, 8, 4, 2, 1] {
            i += step & usize::from(e[i + step - 1] < v).wrapping_neg();
        }
        if v.is_nan() {
            MISSING
        } else {
            i as u8
        }
    }

    /// [`Binning::bin`] of [`BIN_LANES`] values at once, their searches in lock-step so their
    /// loads and compares overlap.
    #[inline(always)]
    pub(crate) fn bin_lanes(&self, f: usize, v: [f32; BIN_LANES]) -> [u8; BIN_LANES] {
        let e = &self.padded[f];
        let mut i = [0usize; BIN_LANES];
        for step in [128, 64, 32, 16, 8, 4, 2, 1] {
            for (i, &v) in i.iter_mut().zip(&v) {
                *i += step & usize::from(e[*i + step - 1] < v).wrapping_neg();
            }
        }
        let mut out = [0u8; BIN_LANES];
        for ((o, i), v) in out.iter_mut().zip(i).zip(v) {
            *o = if v.is_nan() { MISSING } else { i as u8 };
        }
        out
    }

    /// The bins of the row-major training rows, feature by feature.
    pub(crate) fn bin_rows(&self, x: &[f32]) -> Binned {
        let features = self.features();
        let rows = x.len() / features.max(1);
        let bins: Vec<u8> = (0..features)
            .into_par_iter()
            .flat_map_iter(|f| (0..rows).map(move |i| self.bin(f, x[i * features + f])))
            .collect();
        Binned {
            rows,
            bins,
            nbins: (0..features).map(|f| self.bins(f)).collect(),
        }
    }
}

/// The edges of one feature's finite values, sorted.
fn edges_of(sorted: &[f32], max_bins: usize) -> Vec<f32> {
    let mut distinct = sorted.to_vec();
    distinct.dedup();
    let mut edges: Vec<f32> = if distinct.len() <= max_bins {
        distinct.windows(2).map(|w| midpoint(w[0], w[1])).collect()
    } else {
        let n = sorted.len();
        (1..max_bins)
            .map(|k| {
                let pos = k as f64 * (n - 1) as f64 / max_bins as f64;
                midpoint(sorted[pos.floor() as usize], sorted[pos.ceil() as usize])
            })
            .collect()
    };
    edges.dedup();
    edges
}

/// The mean of `a <= b` in `f32`, never `b` itself when `a < b` (so `a` and `b` fall on
/// either side of it).
fn midpoint(a: f32, b: f32) -> f32 {
    let m = ((a as f64 + b as f64) / 2.0) as f32;
    if m >= b {
        a
    } else {
        m
    }
}

/// Training rows as bins, feature by feature (column-major).
#[derive(Debug, Clone)]
pub(crate) struct Binned {
    /// Rows.
    pub rows: usize,
    /// `bins[f * rows + i]`: the bin of row `i`'s feature `f`.
    pub bins: Vec<u8>,
    /// Non-missing bins of each feature.
    pub nbins: Vec<usize>,
}

impl Binned {
    /// Feature `f`'s bins, one per row.
    pub(crate) fn column(&self, f: usize) -> &[u8] {
        &self.bins[f * self.rows..(f + 1) * self.rows]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Few distinct values: an edge midway between neighbours (scikit-learn's rule).
    #[test]
    fn distinct_values_get_midpoints() {
        let x = [3.0, 1.0, f32::NAN, 2.0, 1.0, 3.0];
        let b = Binning::fit(&x, 1, 255);
        assert_eq!(b.edges[0], [1.5, 2.5]);
        assert_eq!(b.bins(0), 3);
        let bins: Vec<u8> = x.iter().map(|&v| b.bin(0, v)).collect();
        assert_eq!(bins, [2, 0, MISSING, 1, 0, 2]);
        assert_eq!(b.bin(0, 1.5), 0, "a value on an edge goes below it");
        assert_eq!(b.bin(0, f32::INFINITY), 2);
        assert_eq!(b.bin(0, f32::NEG_INFINITY), 0);
    }

    /// Many values: numpy's `np.percentile(v, linspace(0, 100, max_bins + 1)[1:-1],
    /// method="midpoint")`, by hand for 0..=9 and 4 bins: positions 2.25, 4.5, 6.75.
    #[test]
    fn many_values_get_midpoint_quantiles() {
        let x: Vec<f32> = (0..10).map(|i| i as f32).collect();
        let b = Binning::fit(&x, 1, 4);
        assert_eq!(b.edges[0], [2.5, 4.5, 6.5]);
        // Half the values are 0: positions 2.25, 4.5, 6.75 fall on 0 | 0, 0 | 1, 2 | 3.
        let x = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(Binning::fit(&x, 1, 4).edges[0], [0.0, 0.5, 2.5]);
        // No finite value: no edge, one bin.
        let b = Binning::fit(&[f32::NAN, f32::NAN], 1, 255);
        assert_eq!((b.edges[0].len(), b.bin(0, 7.0)), (0, 0));
    }

    /// Neighbouring floats keep apart: the rounded midpoint never equals the upper value.
    #[test]
    fn adjacent_floats_stay_in_separate_bins() {
        let a = 1.0f32;
        let next = f32::from_bits(a.to_bits() + 1);
        let b = Binning::fit(&[a, next], 1, 255);
        assert_ne!(b.bin(0, a), b.bin(0, next));
    }

    /// scikit-learn's `_BinMapper` (HistGradientBoosting's binning) run live on the same rows:
    /// its distinct thresholds are our edges, to f32 rounding, for few distinct values (the
    /// midpoints), many (the quantiles) and heavy ties with missing values. Skips without
    /// scikit-learn.
    #[test]
    fn edges_match_scikit_learn() {
        let mut rng = crate::rng::SplitMix64::new(4);
        let x: Vec<f32> = (0..3000)
            .flat_map(|i| {
                let few = rng.below(12) as f32 * 0.25;
                let many = (rng.uniform() * 8.0).exp() as f32;
                let tied = match i % 9 {
                    0 => f32::NAN,
                    1..=3 => 0.0,
                    _ => rng.uniform() as f32,
                };
                [few, many, tied]
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.txt");
        let text: String = x
            .chunks(3)
            .map(|r| format!("{:?} {:?} {:?}\n", r[0], r[1], r[2]))
            .collect();
        std::fs::write(&path, text).unwrap();
        let script = r#"
import sys, numpy as np
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
X = np.loadtxt(sys.argv[1])
for n_bins in (256, 17):
    for t in _BinMapper(n_bins=n_bins).fit(X).bin_thresholds_:
        print(" ".join(repr(float(v)) for v in np.unique(t)))
"#;
        let Some(out) = crate::models::trees::tests::python_sklearn(script, &[&path]) else {
            return;
        };
        let lines: Vec<Vec<f64>> = out
            .lines()
            .map(|l| l.split_whitespace().map(|v| v.parse().unwrap()).collect())
            .collect();
        for (k, max_bins) in [255, 16].into_iter().enumerate() {
            let b = Binning::fit(&x, 3, max_bins);
            for f in 0..3 {
                let (ours, theirs) = (&b.edges[f], &lines[3 * k + f]);
                assert_eq!(ours.len(), theirs.len(), "max_bins {max_bins}, feature {f}");
                for (&e, &t) in ours.iter().zip(theirs) {
                    let ulp = f32::EPSILON as f64 * t.abs().max(f32::MIN_POSITIVE as f64);
                    assert!((e as f64 - t).abs() <= ulp, "feature {f}: {e} vs {t}");
                }
            }
        }
    }

    proptest! {
        /// The fixed-length search agrees with the number of edges below the value, alone and
        /// eight at a time; bins stay below the missing bin and are monotone in the value.
        #[test]
        fn bin_is_the_count_of_edges_below(
            v in proptest::collection::vec(-1e3f32..1e3, 1..600),
            max_bins in 2usize..=255,
            probe in proptest::collection::vec(-2e3f32..2e3, 1..50),
        ) {
            let b = Binning::fit(&v, 1, max_bins);
            prop_assert!(b.bins(0) <= max_bins);
            prop_assert!(b.edges[0].windows(2).all(|w| w[0] < w[1]));
            let mut probe = probe;
            probe.sort_by(f32::total_cmp);
            let mut last = 0;
            for chunk in probe.chunks(BIN_LANES) {
                let mut lanes = [f32::NAN; BIN_LANES];
                lanes[..chunk.len()].copy_from_slice(chunk);
                let together = b.bin_lanes(0, lanes);
                for (k, &p) in chunk.iter().enumerate() {
                    prop_assert_eq!(together[k], b.bin(0, p));
                }
            }
            for &p in &probe {
                let k = b.bin(0, p);
                prop_assert_eq!(k as usize, b.edges[0].iter().filter(|&&e| e < p).count());
                prop_assert!(k < MISSING && k >= last);
                last = k;
            }
        }
    }
}
