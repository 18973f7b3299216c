//! Fuzzy membership functions: evidence values to favourability in [0, 1].
//!
//! The functions and their parameters follow ArcGIS Spatial Analyst's *Fuzzy Membership* tool
//! (Esri, "How Fuzzy Membership works": `FuzzyLinear`, `FuzzyLarge`, `FuzzySmall`,
//! `FuzzyGaussian`) and Bonham-Carter (1994, *Geographic Information Systems for Geoscientists*,
//! ch. 9, fuzzy logic): with `x` the evidence value,
//!
//! | function | membership |
//! | --- | --- |
//! | `linear { low, high }` | 0 at `low`, 1 at `high`, linear between, constant outside (decreasing when `low > high`) |
//! | `large { midpoint, spread }` | `1 / (1 + (x / midpoint)^-spread)`: large values are favourable |
//! | `small { midpoint, spread }` | `1 / (1 + (x / midpoint)^spread)`: small values are favourable |
//! | `gaussian { midpoint, spread }` | `exp(-spread · (x - midpoint)²)` |
//! | `sigmoid { midpoint, slope }` | `1 / (1 + exp(-slope · (x - midpoint)))` (decreasing when `slope < 0`) |
//!
//! `large` and `small` need `midpoint > 0` and `spread > 0`; for `x <= 0` they take their limits
//! at 0 (0 for `large`, 1 for `small`), where ArcGIS leaves such cells undefined. NaN (nodata)
//! stays NaN; every other value, infinities included, maps into [0, 1].
//!
//! # Thresholds as percentiles
//! `low`, `high` and `midpoint` may be numbers or percentiles of the layer (`"p90"`). Percentiles
//! are exact order statistics of the layer's valid cells with numpy's default (`linear`)
//! interpolation, computed in two passes over blocks without holding the layer: pass 1
//! histograms the top 16 bits of each value's order-preserving bit pattern, which locates the
//! bin holding each needed rank; pass 2 histograms the low 16 bits of the values in those bins,
//! which gives the exact value at each rank (module [`crate::evidence::quantiles`]).
use std::str::FromStr;

use serde::Deserialize;

use crate::error::{Error, Result};

pub use crate::evidence::quantiles::{percentiles, QuantileBins, QuantilePass1, QuantilePass2};

/// A threshold: a value in the layer's units, or a percentile of the layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// A value.
    Value(f64),
    /// A percentile in [0, 100] of the layer's valid cells (`p90`).
    Percentile(f64),
}

impl FromStr for Threshold {
    type Err = Error;

    /// `12.5` is a value, `p90` or `P98.5` a percentile.
    ///
    /// ```
    /// use geoprospect_core::evidence::membership::Threshold;
    /// assert_eq!("p90".parse::<Threshold>().unwrap(), Threshold::Percentile(90.0));
    /// assert_eq!("-3.5".parse::<Threshold>().unwrap(), Threshold::Value(-3.5));
    /// assert!("p120".parse::<Threshold>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Threshold> {
        let t = s.trim();
        if let Some(p) = t.strip_prefix(['p', 'P']) {
            return match p.parse::<f64>() {
                Ok(v) if (0.0..=100.0).contains(&v) => Ok(Threshold::Percentile(v)),
                _ => Err(Error::param(format!(
                    "{s:?} is not a percentile: write p0 .. p100, e.g. p90"
                ))),
            };
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Threshold::Value(v)),
            _ => Err(Error::param(format!(
                "{s:?} is neither a number nor a percentile such as p90"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(v) => Ok(Threshold::Value(v)),
            Raw::Text(t) => t.parse().map_err(serde::de::Error::custom),
        }
    }
}

impl std::fmt::Display for Threshold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Threshold::Value(v) => write!(f, "{v}"),
            Threshold::Percentile(p) => write!(f, "p{p}"),
        }
    }
}

/// A membership function as a user writes it, thresholds possibly percentiles. Reads from
/// TOML as `{ fn = "large", midpoint = "p85", spread = 5.0 }`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "fn", rename_all = "lowercase", deny_unknown_fields)]
pub enum MembershipSpec {
    /// 0 at `low`, 1 at `high`, linear between.
    Linear {
        /// Where membership is 0.
        low: Threshold,
        /// Where membership is 1.
        high: Threshold,
    },
    /// `1 / (1 + (x / midpoint)^-spread)`.
    Large {
        /// Where membership is 0.5.
        midpoint: Threshold,
        /// Steepness (ArcGIS default 5).
        spread: f64,
    },
    /// `1 / (1 + (x / midpoint)^spread)`.
    Small {
        /// Where membership is 0.5.
        midpoint: Threshold,
        /// Steepness (ArcGIS default 5).
        spread: f64,
    },
    /// `exp(-spread · (x - midpoint)²)`.
    Gaussian {
        /// Where membership is 1.
        midpoint: Threshold,
        /// Narrowness (ArcGIS default 0.1).
        spread: f64,
    },
    /// `1 / (1 + exp(-slope · (x - midpoint)))`.
    Sigmoid {
        /// Where membership is 0.5.
        midpoint: Threshold,
        /// Slope (negative: decreasing).
        slope: f64,
    },
}

impl MembershipSpec {
    /// The thresholds, in order (`low, high` or `midpoint`).
    pub fn thresholds(&self) -> Vec<Threshold> {
        match *self {
            MembershipSpec::Linear { low, high } => vec![low, high],
            MembershipSpec::Large { midpoint, .. }
            | MembershipSpec::Small { midpoint, .. }
            | MembershipSpec::Gaussian { midpoint, .. }
            | MembershipSpec::Sigmoid { midpoint, .. } => vec![midpoint],
        }
    }

    /// The percentiles that must be computed before the function can be resolved.
    pub fn percentiles(&self) -> Vec<f64> {
        self.thresholds()
            .into_iter()
            .filter_map(|t| match t {
                Threshold::Percentile(p) => Some(p),
                Threshold::Value(_) => None,
            })
            .collect()
    }

    /// The function with every threshold a value: `percentiles` holds the values of
    /// [`MembershipSpec::percentiles`] in the same order. Checks the parameters.
    ///
    /// ```
    /// use geoprospect_core::evidence::membership::{Membership, MembershipSpec, Threshold};
    /// let spec = MembershipSpec::Large { midpoint: Threshold::Percentile(90.0), spread: 5.0 };
    /// let m = spec.resolve(&[40.0]).unwrap();
    /// assert_eq!(m, Membership::Large { midpoint: 40.0, spread: 5.0 });
    /// assert_eq!(m.value(40.0), 0.5);
    /// ```
    pub fn resolve(&self, percentiles: &[f64]) -> Result<Membership> {
        let mut values = percentiles.iter();
        let mut value = |t: Threshold| -> Result<f64> {
            match t {
                Threshold::Value(v) => Ok(v),
                Threshold::Percentile(p) => values
                    .next()
                    .copied()
                    .ok_or_else(|| Error::Internal(format!("percentile p{p} was not computed"))),
            }
        };
        let m = match *self {
            MembershipSpec::Linear { low, high } => Membership::Linear {
                low: value(low)?,
                high: value(high)?,
            },
            MembershipSpec::Large { midpoint, spread } => Membership::Large {
                midpoint: value(midpoint)?,
                spread,
            },
            MembershipSpec::Small { midpoint, spread } => Membership::Small {
                midpoint: value(midpoint)?,
                spread,
            },
            MembershipSpec::Gaussian { midpoint, spread } => Membership::Gaussian {
                midpoint: value(midpoint)?,
                spread,
            },
            MembershipSpec::Sigmoid { midpoint, slope } => Membership::Sigmoid {
                midpoint: value(midpoint)?,
                slope,
            },
        };
        m.check().map_err(|msg| {
            let given: Vec<String> = self.thresholds().iter().map(|t| t.to_string()).collect();
            Error::param(format!("{msg} (thresholds given: {})", given.join(", ")))
        })?;
        Ok(m)
    }
}

/// A membership function with its parameters as values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Membership {
    /// 0 at `low`, 1 at `high`, linear between, constant outside.
    Linear {
        /// Where membership is 0.
        low: f64,
        /// Where membership is 1.
        high: f64,
    },
    /// `1 / (1 + (x / midpoint)^-spread)`; 0 for `x <= 0`.
    Large {
        /// Where membership is 0.5 (> 0).
        midpoint: f64,
        /// Steepness (> 0).
        spread: f64,
    },
    /// `1 / (1 + (x / midpoint)^spread)`; 1 for `x <= 0`.
    Small {
        /// Where membership is 0.5 (> 0).
        midpoint: f64,
        /// Steepness (> 0).
        spread: f64,
    },
    /// `exp(-spread · (x - midpoint)²)`.
    Gaussian {
        /// Where membership is 1.
        midpoint: f64,
        /// Narrowness (> 0).
        spread: f64,
    },
    /// `1 / (1 + exp(-slope · (x - midpoint)))`.
    Sigmoid {
        /// Where membership is 0.5.
        midpoint: f64,
        /// Slope (non-zero; negative is decreasing).
        slope: f64,
    },
}

impl Membership {
    /// Checks the parameters; the message names the offending one and its value.
    pub fn check(&self) -> Result<()> {
        let finite = |name: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(Error::param(format!(
                    "{name} must be a finite number, got {v}"
                )))
            }
        };
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(Error::param(format!(
                    "{name} must be greater than 0, got {v}"
                )))
            }
        };
        match *self {
            Membership::Linear { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                if low == high {
                    return Err(Error::param(format!(
                        "low and high are both {low}: a linear membership needs two different values"
                    )));
                }
                Ok(())
            }
            Membership::Large { midpoint, spread } | Membership::Small { midpoint, spread } => {
                positive("midpoint", midpoint).map_err(|e| {
                    Error::param(format!(
                        "{e} (fuzzy large and small need a positive midpoint)"
                    ))
                })?;
                positive("spread", spread)
            }
            Membership::Gaussian { midpoint, spread } => {
                finite("midpoint", midpoint)?;
                positive("spread", spread)
            }
            Membership::Sigmoid { midpoint, slope } => {
                finite("midpoint", midpoint)?;
                finite("slope", slope)?;
                if slope == 0.0 {
                    return Err(Error::param("slope must not be 0"));
                }
                Ok(())
            }
        }
    }

    /// Membership of one value (NaN stays NaN).
    ///
    /// ```
    /// use geoprospect_core::evidence::membership::Membership;
    /// let lin = Membership::Linear { low: 10.0, high: 20.0 };
    /// assert_eq!([lin.value(5.0), lin.value(12.5), lin.value(30.0)], [0.0, 0.25, 1.0]);
    /// let small = Membership::Small { midpoint: 1000.0, spread: 2.0 };
    /// assert_eq!(small.value(2000.0), 0.2);
    /// ```
    #[inline]
    pub fn value(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        let m = match *self {
            Membership::Linear { low, high } => (x - low) / (high - low),
            Membership::Large { midpoint, spread } => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0 / (1.0 + (x / midpoint).powf(-spread))
                }
            }
            Membership::Small { midpoint, spread } => {
                if x <= 0.0 {
                    1.0
                } else {
                    1.0 / (1.0 + (x / midpoint).powf(spread))
                }
            }
            Membership::Gaussian { midpoint, spread } => {
                let d = x - midpoint;
                (-spread * d * d).exp()
            }
            Membership::Sigmoid { midpoint, slope } => {
                1.0 / (1.0 + (-slope * (x - midpoint)).exp())
            }
        };
        // Clamp (linear) and keep rounding and overflow (inf/inf) inside [0, 1].
        if m.is_nan() {
            // Only reachable through infinities: take the limit.
            return match *self {
                Membership::Gaussian { .. } => 0.0,
                _ if x > 0.0 => self.value(f64::MAX),
                _ => self.value(-f64::MAX),
            };
        }
        m.clamp(0.0, 1.0)
    }

    /// Membership of one `f32` value as [`Membership::apply`] computes it: the arithmetic in
    /// `f64`, the power or exponential in `f32` (twice as fast as in `f64`), so within a few
    /// `f32` units in the last place of [`Membership::value`], and in [0, 1].
    #[inline]
    pub fn value_f32(&self, x: f32) -> f32 {
        if x.is_nan() {
            return f32::NAN;
        }
        let xd = x as f64;
        let m = match *self {
            Membership::Linear { .. } => return self.value(xd) as f32,
            Membership::Large { midpoint, spread } => {
                if x <= 0.0 {
                    return 0.0;
                }
                1.0 / (1.0 + ((xd / midpoint) as f32).powf(-spread as f32))
            }
            Membership::Small { midpoint, spread } => {
                if x <= 0.0 {
                    return 1.0;
                }
                1.0 / (1.0 + ((xd / midpoint) as f32).powf(spread as f32))
            }
            Membership::Gaussian { midpoint, spread } => {
                let d = xd - midpoint;
                ((-spread * d * d) as f32).exp()
            }
            Membership::Sigmoid { midpoint, slope } => {
                1.0 / (1.0 + ((-slope * (xd - midpoint)) as f32).exp())
            }
        };
        if m.is_nan() {
            // Infinities: the f64 path takes the limits.
            return self.value(xd) as f32;
        }
        m.clamp(0.0, 1.0)
    }

    /// Replaces every value of `data` by its membership ([`Membership::value_f32`]).
    pub fn apply(&self, data: &mut [f32]) {
        for v in data {
            *v = self.value_f32(*v);
        }
    }

    /// Memberships of `input` into `out` (same length).
    pub fn apply_to(&self, input: &[f32], out: &mut [f32]) {
        for (o, &v) in out.iter_mut().zip(input) {
            *o = self.value_f32(v);
        }
    }

    /// A one-line description, e.g. `large midpoint=40 spread=5`.
    pub fn describe(&self) -> String {
        match *self {
            Membership::Linear { low, high } => format!("linear low={low} high={high}"),
            Membership::Large { midpoint, spread } => {
                format!("large midpoint={midpoint} spread={spread}")
            }
            Membership::Small { midpoint, spread } => {
                format!("small midpoint={midpoint} spread={spread}")
            }
            Membership::Gaussian { midpoint, spread } => {
                format!("gaussian midpoint={midpoint} spread={spread}")
            }
            Membership::Sigmoid { midpoint, slope } => {
                format!("sigmoid midpoint={midpoint} slope={slope}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_on_hand_values() {
        let large = Membership::Large {
            midpoint: 10.0,
            spread: 2.0,
        };
        // 1 / (1 + (20/10)^-2) = 1 / 1.25
        assert!((large.value(20.0) - 0.8).abs() < 1e-15);
        assert_eq!(large.value(0.0), 0.0);
        assert_eq!(large.value(-5.0), 0.0);
        assert_eq!(large.value(f64::INFINITY), 1.0);
        let small = Membership::Small {
            midpoint: 10.0,
            spread: 2.0,
        };
        assert!((small.value(20.0) - 0.2).abs() < 1e-15);
        assert_eq!(small.value(0.0), 1.0);
        let g = Membership::Gaussian {
            midpoint: 5.0,
            spread: 0.5,
        };
        assert_eq!(g.value(5.0), 1.0);
        assert!((g.value(7.0) - (-2.0f64).exp()).abs() < 1e-15);
        assert_eq!(g.value(f64::INFINITY), 0.0);
        let s = Membership::Sigmoid {
            midpoint: 3.0,
            slope: 2.0,
        };
        assert_eq!(s.value(3.0), 0.5);
        assert!((s.value(4.0) - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15);
        let down = Membership::Linear {
            low: 20.0,
            high: 10.0,
        };
        assert_eq!(
            [down.value(5.0), down.value(15.0), down.value(25.0)],
            [1.0, 0.5, 0.0]
        );
        assert!(down.value(f64::NAN).is_nan());
        let mut v = [f32::NAN, 12.0, 30.0];
        Membership::Linear {
            low: 10.0,
            high: 20.0,
        }
        .apply(&mut v);
        assert!(v[0].is_nan());
        assert_eq!(&v[1..], &[0.2, 1.0]);
    }

    #[test]
    fn bad_parameters_are_refused_with_their_value() {
        let e = MembershipSpec::Large {
            midpoint: Threshold::Value(-1.0),
            spread: 5.0,
        }
        .resolve(&[])
        .unwrap_err()
        .to_string();
        assert!(e.contains("midpoint") && e.contains("-1"), "{e}");
        let e = MembershipSpec::Linear {
            low: Threshold::Percentile(10.0),
            high: Threshold::Percentile(98.0),
        }
        .resolve(&[3.0, 3.0])
        .unwrap_err()
        .to_string();
        assert!(e.contains("both 3") && e.contains("p10, p98"), "{e}");
    }

    #[test]
    fn spec_reads_from_toml_preset_syntax() {
        #[derive(Deserialize)]
        struct E {
            membership: MembershipSpec,
        }
        let e: E =
            toml::from_str(r#"membership = { fn = "large", midpoint = "p85", spread = 5.0 }"#)
                .unwrap();
        assert_eq!(
            e.membership,
            MembershipSpec::Large {
                midpoint: Threshold::Percentile(85.0),
                spread: 5.0
            }
        );
        let e: E =
            toml::from_str(r#"membership = { fn = "linear", low = "p50", high = 12 }"#).unwrap();
        assert_eq!(e.membership.percentiles(), vec![50.0]);
        assert!(
            toml::from_str::<E>(r#"membership = { fn = "large", midpoint = 1, spred = 5 }"#)
                .is_err()
        );
    }

    fn any_membership() -> impl Strategy<Value = Membership> {
        prop_oneof![
            (-1e6f64..1e6, -1e6f64..1e6)
                .prop_filter("distinct", |(a, b)| a != b)
                .prop_map(|(low, high)| Membership::Linear { low, high }),
            (1e-6f64..1e6, 1e-3f64..50.0)
                .prop_map(|(midpoint, spread)| Membership::Large { midpoint, spread }),
            (1e-6f64..1e6, 1e-3f64..50.0)
                .prop_map(|(midpoint, spread)| Membership::Small { midpoint, spread }),
            (-1e6f64..1e6, 1e-9f64..10.0)
                .prop_map(|(midpoint, spread)| Membership::Gaussian { midpoint, spread }),
            (-1e6f64..1e6, -50.0f64..50.0)
                .prop_filter("non-zero", |(_, s)| *s != 0.0)
                .prop_map(|(midpoint, slope)| Membership::Sigmoid { midpoint, slope }),
        ]
    }

    proptest! {
        #[test]
        fn f32_path_agrees_with_f64_reference(m in any_membership(), x in -1e7f32..1e7) {
            let fast = m.value_f32(x) as f64;
            let exact = m.value(x as f64);
            prop_assert!((fast - exact).abs() <= 1e-6, "{m:?} at {x}: {fast} vs {exact}");
        }

        #[test]
        fn memberships_stay_in_unit_interval(m in any_membership(), x in prop::num::f32::ANY) {
            let mut v = [x];
            m.apply(&mut v);
            if x.is_nan() {
                prop_assert!(v[0].is_nan());
            } else {
                prop_assert!((0.0..=1.0).contains(&v[0]), "{m:?} at {x}: {}", v[0]);
            }
        }
    }
}
