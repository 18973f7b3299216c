//! Exact percentiles of large layers in two passes over blocks, without holding the layer.
//!
//! Values are mapped to `u32` keys that sort like the numbers (the sign bit flipped for
//! positives, all bits for negatives). Pass 1 ([`QuantilePass1`]) histograms the top 16 bits of
//! the keys over every block; its counts locate the bin holding each needed rank. Pass 2
//! ([`QuantilePass2`]) histograms the low 16 bits of the values in those bins only, which gives
//! the exact value at each rank. Percentiles interpolate between ranks as numpy's default
//! (`linear`) method does, including its `_lerp` rounding, so `p` matches
//! `numpy.percentile(values[~isnan(values)], p)` exactly. Counts are integers, so merging blocks
//! in any order gives the same result.
use crate::error::{Error, Result};
use crate::geochem::stats::lerp;

/// An `f32` as a `u32` that sorts like the number (negative values flipped).
#[inline]
fn order_key(v: f32) -> u32 {
    let b = v.to_bits();
    if b & 0x8000_0000 != 0 {
        !b
    } else {
        b | 0x8000_0000
    }
}

/// The `f32` of an [`order_key`].
#[inline]
fn from_order_key(k: u32) -> f32 {
    f32::from_bits(if k & 0x8000_0000 != 0 {
        k & 0x7FFF_FFFF
    } else {
        !k
    })
}

const BINS: usize = 1 << 16;

/// Pass 1 of exact percentiles: counts of valid values by the top 16 bits of their order key.
#[derive(Debug, Clone)]
pub struct QuantilePass1 {
    counts: Vec<u64>,
    n: u64,
}

impl Default for QuantilePass1 {
    fn default() -> Self {
        QuantilePass1 {
            counts: vec![0; BINS],
            n: 0,
        }
    }
}

impl QuantilePass1 {
    /// Counts the valid (not NaN) values of one block.
    pub fn add(&mut self, data: &[f32]) {
        for &v in data {
            if !v.is_nan() {
                self.counts[(order_key(v) >> 16) as usize] += 1;
                self.n += 1;
            }
        }
    }

    /// Adds the counts of another block.
    pub fn merge(&mut self, other: &QuantilePass1) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.n += other.n;
    }

    /// Valid values counted.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// What pass 2 must count to give the percentiles `ps` (each in [0, 100]).
    pub fn plan(&self, ps: &[f64]) -> Result<QuantileBins> {
        if self.n == 0 {
            return Err(Error::param(
                "the layer has no valid cells to take percentiles of",
            ));
        }
        let n = self.n;
        let mut lerps = Vec::with_capacity(ps.len());
        let mut ranks = Vec::new();
        for &p in ps {
            if !(0.0..=100.0).contains(&p) {
                return Err(Error::param(format!(
                    "percentile p{p} is outside p0 .. p100"
                )));
            }
            // numpy's "linear" method: virtual index p/100 · (n - 1).
            let pos = p / 100.0 * (n - 1) as f64;
            let lo = (pos.floor() as u64).min(n - 1);
            let hi = (lo + 1).min(n - 1);
            lerps.push((lo, hi, pos - lo as f64));
            ranks.push(lo);
            ranks.push(hi);
        }
        ranks.sort_unstable();
        ranks.dedup();
        // The bin of each rank and the rank's position inside the bin.
        let mut located = Vec::with_capacity(ranks.len());
        let mut below = 0u64;
        let mut bin = 0usize;
        for &r in &ranks {
            while below + self.counts[bin] <= r {
                below += self.counts[bin];
                bin += 1;
            }
            located.push((r, bin as u16, r - below));
        }
        let mut bins: Vec<u16> = located.iter().map(|l| l.1).collect();
        bins.dedup();
        Ok(QuantileBins {
            lerps,
            located,
            bins,
        })
    }
}

/// Which top-16-bit bins pass 2 refines, and how to read the percentiles from it.
#[derive(Debug, Clone)]
pub struct QuantileBins {
    /// Per percentile: lower rank, upper rank, interpolation fraction.
    lerps: Vec<(u64, u64, f64)>,
    /// Per needed rank: rank, its bin, its rank within the bin.
    located: Vec<(u64, u16, u64)>,
    /// Distinct bins to refine, ascending.
    bins: Vec<u16>,
}

/// Pass 2 of exact percentiles: counts by the low 16 bits inside the bins of the plan.
#[derive(Debug, Clone)]
pub struct QuantilePass2 {
    counts: Vec<Vec<u64>>,
}

impl QuantileBins {
    /// An empty pass-2 histogram for this plan.
    pub fn pass2(&self) -> QuantilePass2 {
        QuantilePass2 {
            counts: vec![vec![0; BINS]; self.bins.len()],
        }
    }

    /// Counts one block's values that fall in the plan's bins.
    pub fn add(&self, pass2: &mut QuantilePass2, data: &[f32]) {
        for &v in data {
            if v.is_nan() {
                continue;
            }
            let k = order_key(v);
            let top = (k >> 16) as u16;
            if let Some(i) = self.bins.iter().position(|&b| b == top) {
                pass2.counts[i][(k & 0xFFFF) as usize] += 1;
            }
        }
    }

    /// The closed value intervals that pass 2 counts (values outside them are ignored by
    /// [`QuantileBins::add`], so a caller may skip computing them).
    pub fn ranges(&self) -> Vec<(f32, f32)> {
        self.bins
            .iter()
            .map(|&b| {
                let k = (b as u32) << 16;
                (from_order_key(k), from_order_key(k | 0xFFFF))
            })
            .collect()
    }

    /// The percentiles, in the order they were asked for.
    pub fn finish(&self, pass2: &QuantilePass2) -> Vec<f64> {
        self.finish_mapped(pass2, |v| v)
    }

    /// The percentiles of `f(values)` from the counts of `values`, for a non-decreasing `f`:
    /// the order statistics are mapped before the interpolation, so the result is what
    /// [`QuantileBins::finish`] gives on the mapped values (whose order is the same) without
    /// computing `f` on every value.
    ///
    /// ```
    /// use geoprospect_core::evidence::quantiles::QuantilePass1;
    /// let v = [1.0f32, 10.0, 100.0, 1000.0];
    /// let mut p1 = QuantilePass1::default();
    /// p1.add(&v);
    /// let plan = p1.plan(&[50.0]).unwrap();
    /// let mut p2 = plan.pass2();
    /// plan.add(&mut p2, &v);
    /// assert_eq!(plan.finish_mapped(&p2, f64::log10), vec![1.5]); // median of 0, 1, 2, 3
    /// ```
    pub fn finish_mapped(&self, pass2: &QuantilePass2, f: impl Fn(f64) -> f64) -> Vec<f64> {
        let value_at = |rank: u64| -> f64 {
            let &(_, bin, within) = self
                .located
                .iter()
                .find(|l| l.0 == rank)
                .unwrap_or(&self.located[0]);
            let i = self.bins.iter().position(|&b| b == bin).unwrap_or(0);
            let mut below = 0;
            for (low, &c) in pass2.counts[i].iter().enumerate() {
                if below + c > within {
                    return from_order_key(((bin as u32) << 16) | low as u32) as f64;
                }
                below += c;
            }
            f64::NAN
        };
        self.lerps
            .iter()
            .map(|&(lo, hi, t)| lerp(f(value_at(lo)), f(value_at(hi)), t))
            .collect()
    }
}

impl QuantilePass2 {
    /// Adds the counts of another block.
    pub fn merge(&mut self, other: &QuantilePass2) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// Exact percentiles of the valid values of in-memory data (the same two passes, one block).
///
/// ```
/// use geoprospect_core::evidence::quantiles::percentiles;
/// let v = [1.0, 2.0, 3.0, 4.0, 10.0, f32::NAN];
/// assert_eq!(percentiles(&v, &[50.0, 90.0]).unwrap(), vec![3.0, 7.6000000000000005]);
/// ```
pub fn percentiles(data: &[f32], ps: &[f64]) -> Result<Vec<f64>> {
    let mut p1 = QuantilePass1::default();
    p1.add(data);
    let plan = p1.plan(ps)?;
    let mut p2 = plan.pass2();
    plan.add(&mut p2, data);
    Ok(plan.finish(&p2))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// numpy.percentile (method "linear") reference, computed by sorting.
    fn numpy_percentile(data: &[f32], p: f64) -> f64 {
        let mut v: Vec<f64> = data
            .iter()
            .filter(|x| !x.is_nan())
            .map(|&x| x as f64)
            .collect();
        v.sort_by(|a, b| a.total_cmp(b));
        let pos = p / 100.0 * (v.len() - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        lerp(v[lo], v[hi], pos - lo as f64)
    }

    #[test]
    fn percentiles_are_exact_order_statistics() {
        let mut x = 12345u64;
        let data: Vec<f32> = (0..50_000)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                let u = (x >> 40) as f32 / (1u64 << 24) as f32;
                if i % 97 == 0 {
                    f32::NAN
                } else {
                    (u * 8.0).exp() - 30.0
                }
            })
            .collect();
        let ps = [0.0, 1.0, 10.0, 50.0, 85.0, 98.0, 99.9, 100.0];
        let got = percentiles(&data, &ps).unwrap();
        for (p, g) in ps.iter().zip(got) {
            assert_eq!(g, numpy_percentile(&data, *p), "p{p}");
        }
        // Split into blocks, merged: the same.
        let mut p1 = QuantilePass1::default();
        for chunk in data.chunks(7777) {
            let mut h = QuantilePass1::default();
            h.add(chunk);
            p1.merge(&h);
        }
        let plan = p1.plan(&ps).unwrap();
        let mut p2 = plan.pass2();
        for chunk in data.chunks(7777) {
            let mut h = plan.pass2();
            plan.add(&mut h, chunk);
            p2.merge(&h);
        }
        assert_eq!(plan.finish(&p2), percentiles(&data, &ps).unwrap());
        assert!(percentiles(&[f32::NAN], &[50.0]).is_err());
        assert_eq!(
            percentiles(&[-0.0, 0.0, -2.5], &[0.0, 100.0]).unwrap(),
            vec![-2.5, 0.0]
        );
    }

    #[test]
    fn order_key_round_trips_and_sorts() {
        let vals = [
            f32::NEG_INFINITY,
            -3.5,
            -0.0,
            0.0,
            1e-30,
            2.0,
            f32::INFINITY,
        ];
        for w in vals.windows(2) {
            assert!(order_key(w[0]) < order_key(w[1]));
        }
        for v in vals {
            assert_eq!(from_order_key(order_key(v)).to_bits(), v.to_bits());
        }
    }
}
