//! Prospectivity models: fuzzy overlay, index overlay, inference networks of grouped evidence,
//! weights of evidence, logistic regression, and the data-driven learners: gradient boosting
//! and random forests of histogram trees.
//!
//! Kernels are pure functions over slices and parameter structs, applied block by block; the
//! commands around them are in `geoprospect::ops`.
pub mod fuzzy;
pub mod logistic;
pub mod network;
pub mod trees;
pub mod wofe;

/// The complementary error function, with fractional error below 1.2e-7 everywhere
/// (Press et al., *Numerical Recipes*, 2nd ed., §6.2, Chebyshev fit `erfcc`).
pub(crate) fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The standard normal distribution function Φ(z).
pub(crate) fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_matches_tables() {
        // Values of 0.5 · erfc(−z/√2) from C's libm.
        for (z, p) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746),
            (1.645, 0.950_015_094),
            (2.33, 0.990_096_924),
            (-3.0, 0.001_349_898),
        ] {
            assert!((normal_cdf(z) - p).abs() < 2e-7, "{z}");
        }
        // Two-sided p-value of z = 6: 1.973e-9.
        assert!((erfc(6.0 / std::f64::consts::SQRT_2) / 1.973_175_29e-9 - 1.0).abs() < 1e-6);
    }
}
