//! Per-layer transform chains for `geoprospect fuzzy`: evidence values to fuzzy memberships in a
//! few steps, written `log,robust-z,linear:-1:3`.
//!
//! | step | value | statistics |
//! | --- | --- | --- |
//! | `log` | `log10(x)`; nodata for `x <= 0` | |
//! | `ln` | `ln(x)`; nodata for `x <= 0` | |
//! | `robust-z` | `(x - median) / (1.4826 · MAD)`, `MAD = median(|x - median|)` | exact median and MAD of the step's input over the whole layer |
//! | `linear:LOW:HIGH` | 0 at LOW, 1 at HIGH, linear between | |
//! | `large:MID:SPREAD`, `small:MID:SPREAD` | `1 / (1 + (x / MID)^∓SPREAD)` | |
//! | `gaussian:MID:SPREAD` | `exp(-SPREAD · (x - MID)²)` | |
//! | `sigmoid:MID:SLOPE` | `1 / (1 + exp(-SLOPE · (x - MID)))` | |
//!
//! The robust z-score is the median/MAD standardisation of Reimann, Filzmoser & Garrett (2005,
//! *Background and threshold: critical comparison of methods of determination*, Sci. Total
//! Environ. 346): 1.4826 makes the MAD a consistent estimator of the standard deviation of
//! normal data. The membership functions are those of [`crate::evidence::membership`]
//! (Bonham-Carter 1994, ch. 9); their thresholds may be percentiles of the step's input
//! (`linear:p5:p95`). Medians and percentiles are exact order statistics with numpy's linear
//! interpolation ([`crate::evidence::quantiles`]): each is two passes over the layer, the MAD
//! two more once the median is known, so a layer is never held in memory.
use crate::error::{Error, Result};
use crate::evidence::membership::{Membership, MembershipSpec, Threshold};

/// 1 / Φ⁻¹(3/4): scales the MAD to a standard deviation for normal data.
pub const MAD_SCALE: f64 = 1.482_602_218_505_602;

/// One step of a chain, as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Base-10 logarithm.
    Log10,
    /// Natural logarithm.
    Ln,
    /// Robust z-score with the layer's median and MAD.
    RobustZ,
    /// A membership function (thresholds possibly percentiles).
    Member(MembershipSpec),
}

/// A step with its statistics resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved {
    /// Base-10 logarithm.
    Log10,
    /// Natural logarithm.
    Ln,
    /// `(x - centre) / scale`.
    Standardise {
        /// The median.
        centre: f64,
        /// 1.4826 · MAD.
        scale: f64,
    },
    /// A membership function.
    Member(Membership),
}

/// What must be counted over the layer before the next step can be resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// Percentiles of the step's input values.
    Percentiles(Vec<f64>),
    /// Percentile 50 of `|x - centre|` (the MAD), `x` the step's input.
    AbsDeviation {
        /// The median.
        centre: f64,
    },
}

/// Parses `log,robust-z,linear:-1:3`. An empty chain is allowed (the layer is a membership).
///
/// ```
/// use geoprospect_core::evidence::chain::{parse_chain, Step};
/// let c = parse_chain("log,robust-z,linear:-1:3").unwrap();
/// assert_eq!(c.len(), 3);
/// assert_eq!(c[1], Step::RobustZ);
/// assert!(parse_chain("log,cube").is_err());
/// ```
pub fn parse_chain(text: &str) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    for raw in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let parts: Vec<&str> = raw.split(':').map(str::trim).collect();
        let bad = |why: &str| Error::param(format!("transform step {raw:?}: {why}"));
        let args = |n: usize| -> Result<()> {
            if parts.len() != n + 1 {
                return Err(bad(&format!("takes {n} parameters separated by ':'")));
            }
            Ok(())
        };
        let threshold = |s: &str| s.parse::<Threshold>().map_err(|e| bad(&e.to_string()));
        let number = |s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(&format!("{s:?} is not a number")))
        };
        let step = match parts[0].to_ascii_lowercase().as_str() {
            "log" | "log10" => {
                args(0)?;
                Step::Log10
            }
            "ln" => {
                args(0)?;
                Step::Ln
            }
            "robust-z" | "robustz" => {
                args(0)?;
                Step::RobustZ
            }
            "linear" => {
                args(2)?;
                Step::Member(MembershipSpec::Linear {
                    low: threshold(parts[1])?,
                    high: threshold(parts[2])?,
                })
            }
            f @ ("large" | "small" | "gaussian" | "sigmoid") => {
                args(2)?;
                let (midpoint, p) = (threshold(parts[1])?, number(parts[2])?);
                Step::Member(match f {
                    "large" => MembershipSpec::Large {
                        midpoint,
                        spread: p,
                    },
                    "small" => MembershipSpec::Small {
                        midpoint,
                        spread: p,
                    },
                    "gaussian" => MembershipSpec::Gaussian {
                        midpoint,
                        spread: p,
                    },
                    _ => MembershipSpec::Sigmoid { midpoint, slope: p },
                })
            }
            "singularity" => {
                return Err(bad("the singularity index must be the chain's first step \
                     (PATH:singularity:1,3,5,7,...)"))
            }
            _ => {
                return Err(bad(
                    "unknown step: use log, ln, robust-z, linear:LOW:HIGH, large:MID:SPREAD, \
                     small:MID:SPREAD, gaussian:MID:SPREAD or sigmoid:MID:SLOPE",
                ))
            }
        };
        steps.push(step);
    }
    if let Some(i) = steps.iter().position(|s| matches!(s, Step::Member(_))) {
        if i + 1 != steps.len() {
            return Err(Error::param(format!(
                "transform chain {text:?}: a membership function must be the last step"
            )));
        }
    }
    Ok(steps)
}

/// Resolves a chain step by step: `resolved` holds the steps done so far. Returns what must be
/// counted next over the values after `resolved` (and the statistics gathered so far for the
/// current step), or `None` when the next step needs nothing.
pub fn next_need(step: &Step, partial: &[f64]) -> Option<Need> {
    match step {
        Step::Log10 | Step::Ln => None,
        Step::RobustZ => match partial {
            [] => Some(Need::Percentiles(vec![50.0])),
            [m] => Some(Need::AbsDeviation { centre: *m }),
            _ => None,
        },
        Step::Member(spec) => {
            let ps = spec.percentiles();
            if ps.is_empty() || !partial.is_empty() {
                None
            } else {
                Some(Need::Percentiles(ps))
            }
        }
    }
}

/// The step with its statistics (`stats`: what [`next_need`] asked for, in order).
pub fn resolve(step: &Step, stats: &[f64]) -> Result<Resolved> {
    Ok(match step {
        Step::Log10 => Resolved::Log10,
        Step::Ln => Resolved::Ln,
        Step::RobustZ => {
            let (centre, mad) = match stats {
                [m, mad] => (*m, *mad),
                _ => {
                    return Err(Error::Internal(
                        "robust z-score without median and MAD".into(),
                    ))
                }
            };
            if mad.is_nan() || mad <= 0.0 {
                return Err(Error::param(format!(
                    "robust z-score: the MAD is {mad} (more than half the cells equal the median \
                     {centre}): the layer cannot be standardised"
                )));
            }
            Resolved::Standardise {
                centre,
                scale: MAD_SCALE * mad,
            }
        }
        Step::Member(spec) => Resolved::Member(spec.resolve(stats)?),
    })
}

/// Applies resolved steps to values in place (NaN is nodata and stays NaN). The steps run over
/// chunks that stay in the L1 cache, each step a loop the compiler vectorises.
///
/// ```
/// use geoprospect_core::evidence::chain::{apply, Resolved};
/// let mut v = [100.0f32, 0.0, 1000.0];
/// apply(&[Resolved::Log10, Resolved::Standardise { centre: 2.0, scale: 0.5 }], &mut v);
/// assert_eq!(v[0], 0.0);
/// assert!(v[1].is_nan());
/// assert_eq!(v[2], 2.0);
/// ```
pub fn apply(steps: &[Resolved], data: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        // Safety: the CPU has the features enabled for this copy of the loop.
        unsafe { apply_avx2(steps, data) };
        return;
    }
    apply_chunks(steps, data);
}

/// [`apply_chunks`] compiled for AVX2 (4 `f64` lanes instead of SSE2's 2). Rust never fuses
/// multiplications and additions on its own, so the results are the same bits as without.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn apply_avx2(steps: &[Resolved], data: &mut [f32]) {
    apply_chunks(steps, data);
}

#[inline(always)]
fn apply_chunks(steps: &[Resolved], data: &mut [f32]) {
    for chunk in data.chunks_mut(CHUNK) {
        for step in steps {
            match *step {
                Resolved::Log10 => log_chunk(chunk, LOG10_2, LOG10_E, f32::log10),
                Resolved::Ln => log_chunk(chunk, std::f64::consts::LN_2, 1.0, f32::ln),
                Resolved::Standardise { centre, scale } => {
                    let inv = 1.0 / scale;
                    for v in chunk.iter_mut() {
                        *v = ((*v as f64 - centre) * inv) as f32;
                    }
                }
                // As Membership::value (NaN stays NaN through the clamp), vectorised.
                Resolved::Member(Membership::Linear { low, high }) => {
                    let span = high - low;
                    for v in chunk.iter_mut() {
                        *v = ((*v as f64 - low) / span).clamp(0.0, 1.0) as f32;
                    }
                }
                Resolved::Member(m) => m.apply(chunk),
            }
        }
    }
}

const CHUNK: usize = 2048;
const LOG10_2: f64 = std::f64::consts::LOG10_2;
const LOG10_E: f64 = std::f64::consts::LOG10_E;

/// Logarithm of a chunk (`e · log(2) + ln(m) · scale` for `x = m · 2^e`), NaN for `x <= 0`.
/// Chunks of positive normal finite values (the usual case) take the vectorised
/// [`log_normal`]; a chunk with zero, negative, subnormal, infinite or NaN values goes value
/// by value, with `exact` for the rare ones.
#[inline(always)]
fn log_chunk(chunk: &mut [f32], log2: f64, ln_scale: f64, exact: fn(f32) -> f32) {
    let normal = |x: f32| (0x0080_0000..0x7f80_0000).contains(&x.to_bits());
    let all_normal = chunk.iter().fold(true, |ok, &x| ok & normal(x));
    if all_normal {
        for v in chunk.iter_mut() {
            *v = log_normal(v.to_bits(), log2, ln_scale);
        }
    } else {
        for v in chunk.iter_mut() {
            *v = if normal(*v) {
                log_normal(v.to_bits(), log2, ln_scale)
            } else if *v > 0.0 {
                exact(*v)
            } else {
                f32::NAN
            };
        }
    }
}

/// Logarithm of a positive normal `f32` given as bits: `x = m · 2^e` with `m` in
/// [√½, √2), `ln(m) = 2 atanh(s)`, `s = (m - 1) / (m + 1)`, by its series to `s^11`
/// (|s| < 0.172, truncation below 1e-10), all in `f64`: the `f32` result is the correctly
/// rounded logarithm except within about 1e-9 of a rounding boundary.
#[inline(always)]
fn log_normal(bits: u32, log2: f64, ln_scale: f64) -> f32 {
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000) as f64;
    // Branch-free, so that the loop vectorises.
    let big = m > std::f64::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    let e = ((bits >> 23) & 0xff) as i32 - 127 + big as i32;
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = 1.0
        + s2 * (1.0 / 3.0
            + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0)))));
    (e as f64 * log2 + 2.0 * s * series * ln_scale) as f32
}

/// Whether resolved steps are non-decreasing functions (logarithms, standardisation), so that
/// order statistics of their output are their values at the order statistics of their input.
/// Values outside their domain (`x <= 0` for a logarithm) are masked by [`domain`] first.
pub fn monotone(steps: &[Resolved]) -> bool {
    steps.iter().all(|s| match s {
        Resolved::Log10 | Resolved::Ln => true,
        Resolved::Standardise { scale, .. } => *scale > 0.0,
        Resolved::Member(_) => false,
    })
}

/// Sets to NaN the values that `steps` map to nodata (non-positive values before a logarithm),
/// leaving the others unchanged: the valid cells of [`apply`]'s output, in the input's units.
pub fn domain(steps: &[Resolved], data: &mut [f32]) {
    if steps
        .iter()
        .any(|s| matches!(s, Resolved::Log10 | Resolved::Ln))
    {
        for v in data.iter_mut() {
            *v = if *v > 0.0 { *v } else { f32::NAN };
        }
    }
}

/// The input interval that monotone `steps` ([`monotone`]) map into `[lo, hi]`, widened by a
/// relative 1e-5 on each side so that no value whose output lies inside is left out (the
/// caller still checks the output).
pub fn preimage(steps: &[Resolved], lo: f64, hi: f64) -> (f64, f64) {
    let (mut a, mut b) = (lo, hi);
    for s in steps.iter().rev() {
        (a, b) = match *s {
            Resolved::Log10 => (10f64.powf(a), 10f64.powf(b)),
            Resolved::Ln => (a.exp(), b.exp()),
            Resolved::Standardise { centre, scale } => (a * scale + centre, b * scale + centre),
            Resolved::Member(_) => (f64::NEG_INFINITY, f64::INFINITY),
        };
        let pad = |v: f64| v.abs() * 1e-5 + 1e-30;
        (a, b) = (a - pad(a), b + pad(b));
    }
    (a, b)
}

/// The value of one input value through `steps`.
pub fn apply_one(steps: &[Resolved], x: f64) -> f64 {
    let mut v = [x as f32];
    apply(steps, &mut v);
    v[0] as f64
}

/// Replaces values by `|x - centre|` (the deviations whose median is the MAD), in `f32` as
/// the values are.
pub fn abs_deviation(centre: f64, data: &mut [f32]) {
    let c = centre as f32;
    for v in data.iter_mut() {
        *v = (*v - c).abs();
    }
}

/// One line per step, e.g. `log10, robust z (median 1.2, MAD 0.3), linear low=-1 high=3`.
pub fn describe(steps: &[Resolved]) -> String {
    steps
        .iter()
        .map(|s| match s {
            Resolved::Log10 => "log10".to_string(),
            Resolved::Ln => "ln".to_string(),
            Resolved::Standardise { centre, scale } => {
                format!("robust z (median {centre}, MAD {})", scale / MAD_SCALE)
            }
            Resolved::Member(m) => m.describe(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::quantiles::percentiles;

    /// The whole chain on in-memory values, statistics by the same two-pass quantiles.
    fn run(chain: &str, data: &[f32]) -> (Vec<Resolved>, Vec<f32>) {
        let steps = parse_chain(chain).unwrap();
        let mut resolved = Vec::new();
        for step in &steps {
            let mut stats = Vec::new();
            while let Some(need) = next_need(step, &stats) {
                let mut v = data.to_vec();
                apply(&resolved, &mut v);
                match need {
                    Need::Percentiles(ps) => stats.extend(percentiles(&v, &ps).unwrap()),
                    Need::AbsDeviation { centre } => {
                        abs_deviation(centre, &mut v);
                        stats.extend(percentiles(&v, &[50.0]).unwrap());
                    }
                }
            }
            resolved.push(resolve(step, &stats).unwrap());
        }
        let mut v = data.to_vec();
        apply(&resolved, &mut v);
        (resolved, v)
    }

    #[test]
    fn robust_z_of_powers_of_ten() {
        // log10 -> 0, 1, 2, 3, 4: median 2, |x - 2| = 2, 1, 0, 1, 2: MAD 1.
        let data = [1.0f32, 10.0, 100.0, 1000.0, 10000.0, f32::NAN, -5.0];
        let (resolved, z) = run("log,robust-z", &data);
        assert_eq!(
            resolved[1],
            Resolved::Standardise {
                centre: 2.0,
                scale: MAD_SCALE
            }
        );
        let expect = [-2.0, -1.0, 0.0, 1.0, 2.0].map(|k: f64| (k / MAD_SCALE) as f32);
        assert_eq!(&z[..5], &expect);
        assert!(z[5].is_nan() && z[6].is_nan());
    }

    #[test]
    fn even_count_median_and_mad_interpolate() {
        // 1, 2, 4, 10: median 3; deviations 2, 1, 1, 7 -> MAD 1.5.
        let (resolved, z) = run("robust-z,linear:-1:3", &[1.0, 2.0, 4.0, 10.0]);
        assert_eq!(
            resolved[0],
            Resolved::Standardise {
                centre: 3.0,
                scale: 1.5 * MAD_SCALE
            }
        );
        // z = (x - 3) / (1.5 · 1.4826); membership (z + 1) / 4, clamped.
        for (x, m) in [1.0f64, 2.0, 4.0, 10.0].iter().zip(&z) {
            let zz = (x - 3.0) / (1.5 * MAD_SCALE);
            let want = ((zz + 1.0) / 4.0).clamp(0.0, 1.0);
            assert!((*m as f64 - want).abs() < 1e-6, "{x}: {m} vs {want}");
        }
    }

    #[test]
    fn percentile_thresholds_are_taken_from_the_step_input() {
        // ln of e^0 .. e^4: 0..4; p25 = 1, p75 = 3.
        let data: Vec<f32> = (0..5).map(|k| (k as f32).exp()).collect();
        let (resolved, m) = run("ln,linear:p25:p75", &data);
        match resolved[1] {
            Resolved::Member(Membership::Linear { low, high }) => {
                assert!((low - 1.0).abs() < 1e-6 && (high - 3.0).abs() < 1e-6)
            }
            ref other => panic!("{other:?}"),
        }
        assert_eq!(m[0], 0.0);
        assert!((m[2] - 0.5).abs() < 1e-6);
        assert_eq!(m[4], 1.0);
    }

    #[test]
    fn fast_logs_are_correctly_rounded() {
        // Against the f64 logarithm rounded to f32 (glibc's log10f itself is up to 2 units in
        // the last place off, e.g. at 0.5743637).
        let mut x = 1u64;
        for i in 0..200_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let bits = (x >> 33) as u32;
            let v = if i < 10 {
                [
                    0.0,
                    -1.0,
                    1e-40,
                    f32::MIN_POSITIVE,
                    f32::INFINITY,
                    1.0,
                    10.0,
                    0.1,
                    f32::MAX,
                    f32::NAN,
                ][i]
            } else {
                f32::from_bits(bits & 0x7fff_ffff)
            };
            type Reference = fn(f64) -> f64;
            for (step, exact) in [
                (Resolved::Log10, f64::log10 as Reference),
                (Resolved::Ln, f64::ln),
            ] {
                let mut d = [v];
                apply(&[step], &mut d);
                if v.is_nan() || v <= 0.0 {
                    assert!(d[0].is_nan(), "{v}");
                    continue;
                }
                let want = exact(v as f64) as f32;
                let ulp = (want.to_bits() as i64 - d[0].to_bits() as i64).unsigned_abs();
                assert!(ulp <= 1, "{step:?} of {v}: {} vs {want}", d[0]);
            }
        }
        let mut pow10: Vec<f32> = (-30..=30).map(|k| 10f32.powi(k)).collect();
        apply(&[Resolved::Log10], &mut pow10);
        for (k, v) in (-30..=30).zip(&pow10) {
            assert!(
                (v - k as f32).abs() <= 2e-6 * (k as f32).abs().max(1.0),
                "{k}: {v}"
            );
        }
    }

    #[test]
    fn bad_chains_are_refused() {
        assert!(parse_chain("linear:0:1,log").is_err());
        assert!(parse_chain("linear:0").is_err());
        assert!(parse_chain("large:p90:x").is_err());
        assert!(parse_chain("robust-z:3").is_err());
        assert!(parse_chain("").unwrap().is_empty());
        let flat = [5.0f32; 7];
        let steps = parse_chain("robust-z").unwrap();
        assert!(resolve(&steps[0], &[5.0, 0.0]).is_err());
        let _ = flat;
    }
}
