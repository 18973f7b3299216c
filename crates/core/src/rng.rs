//! The one seeded generator: SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable
//! pseudorandom number generators", OOPSLA), 64 bits of state, passes BigCrush; its stream is
//! fixed by its definition, so samples drawn from a seed are the same on every machine, for
//! every thread count and every version of every crate.
//!
//! ```
//! use geoprospect_core::rng::SplitMix64;
//! // The first outputs of seed 0 (Vigna's reference implementation, splitmix64.c).
//! let mut rng = SplitMix64::new(0);
//! assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
//! assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
//! let u = rng.uniform();
//! assert!((0.0..1.0).contains(&u));
//! ```

/// SplitMix64: a small, well-mixed seeded generator.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1): the top 53 bits as a fraction.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (Lemire's multiply-high, without the rejection step: a bias below
    /// `n / 2^64`); `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `0..=max`.
    pub fn below_or_eq(&mut self, max: u64) -> u64 {
        ((self.next_u64() as u128 * (max as u128 + 1)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_draws_stay_in_range_and_agree() {
        let (mut a, mut b) = (SplitMix64::new(7), SplitMix64::new(7));
        for n in [1u64, 2, 3, 10, 1 << 40, u64::MAX] {
            for _ in 0..100 {
                let (x, y) = (a.below(n), b.below_or_eq(n - 1));
                assert!(x < n);
                assert_eq!(x, y);
            }
        }
        // The whole range is the raw bits: (x · 2^64) >> 64 = x.
        let (mut a, mut b) = (SplitMix64::new(1), SplitMix64::new(1));
        assert_eq!(a.below_or_eq(u64::MAX), b.next_u64());
    }
}
