//! Fuzzy overlay and weighted index overlay (Bonham-Carter 1994, *Geographic Information
//! Systems for Geoscientists*, ch. 9).
//!
//! With memberships `m_1 .. m_n` of one cell:
//!
//! | operator | value |
//! | --- | --- |
//! | fuzzy AND | `min(m_i)` |
//! | fuzzy OR | `max(m_i)` |
//! | algebraic product | `∏ m_i` |
//! | algebraic sum | `1 - ∏ (1 - m_i)` |
//! | gamma (γ in [0, 1]) | `(algebraic sum)^γ · (algebraic product)^(1-γ)` |
//! | weighted index overlay | `Σ w_i m_i / Σ w_i` |
//!
//! A cell that is nodata (NaN) in any input is nodata in the output. The fuzzy operators
//! expect memberships in [0, 1] and keep results there; the index overlay takes any scores.
//! Per cell the arithmetic is in `f64` in input order, so results do not depend on blocks or
//! threads.
use crate::error::{Error, Result};

/// A fuzzy overlay operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FuzzyOp {
    /// Minimum.
    And,
    /// Maximum.
    Or,
    /// Algebraic product.
    Product,
    /// Algebraic sum `1 - ∏ (1 - m)`.
    Sum,
    /// Gamma operator with γ in [0, 1].
    Gamma(f64),
}

impl FuzzyOp {
    /// Parses `and`, `or`, `product`, `sum` or `gamma` (with `gamma` as γ).
    pub fn parse(name: &str, gamma: Option<f64>) -> Result<FuzzyOp> {
        let op = match name.trim().to_ascii_lowercase().as_str() {
            "and" => FuzzyOp::And,
            "or" => FuzzyOp::Or,
            "product" => FuzzyOp::Product,
            "sum" => FuzzyOp::Sum,
            "gamma" => FuzzyOp::Gamma(gamma.ok_or_else(|| {
                Error::param("the gamma operator needs a value of gamma (e.g. 0.8)")
            })?),
            other => {
                return Err(Error::param(format!(
                    "unknown fuzzy operator {other:?}: use and, or, product, sum or gamma"
                )))
            }
        };
        op.check()?;
        Ok(op)
    }

    /// Checks γ.
    pub fn check(&self) -> Result<()> {
        match *self {
            FuzzyOp::Gamma(g) if !(0.0..=1.0).contains(&g) => {
                Err(Error::param(format!("gamma must be in [0, 1], got {g}")))
            }
            _ => Ok(()),
        }
    }

    /// Combines the memberships of one cell that are present, skipping NaN (missing evidence
    /// is unknown, not unfavourable); NaN when none is present. In `f64` (the block kernel
    /// [`combine`] is the fast path for whole layers where nodata anywhere gives nodata).
    ///
    /// ```
    /// use geoprospect_core::models::fuzzy::FuzzyOp;
    /// assert_eq!(FuzzyOp::Or.apply_available(&[0.2, f64::NAN, 0.7]), 0.7);
    /// assert_eq!(FuzzyOp::Product.apply_available(&[0.5, 0.5]), 0.25);
    /// assert!(FuzzyOp::And.apply_available(&[f64::NAN]).is_nan());
    /// ```
    pub fn apply_available(&self, values: &[f64]) -> f64 {
        let mut present = values.iter().copied().filter(|v| !v.is_nan()).peekable();
        if present.peek().is_none() {
            return f64::NAN;
        }
        match *self {
            FuzzyOp::And => present.fold(f64::INFINITY, f64::min),
            FuzzyOp::Or => present.fold(f64::NEG_INFINITY, f64::max),
            FuzzyOp::Product | FuzzyOp::Sum | FuzzyOp::Gamma(_) => {
                let (mut product, mut co) = (1.0, 1.0);
                for v in present {
                    product *= v;
                    co *= 1.0 - v;
                }
                let sum = 1.0 - co;
                match *self {
                    FuzzyOp::Product => product,
                    FuzzyOp::Sum => sum,
                    // Exact at γ = 0 and 1, where 0^0 would otherwise appear.
                    FuzzyOp::Gamma(g) => {
                        if g == 1.0 {
                            sum
                        } else if g == 0.0 {
                            product
                        } else {
                            sum.powf(g) * product.powf(1.0 - g)
                        }
                    }
                    _ => unreachable!("fuzzy AND and OR are handled above"),
                }
            }
        }
    }

    /// Name as the command line writes it.
    pub fn name(&self) -> String {
        match self {
            FuzzyOp::And => "and".into(),
            FuzzyOp::Or => "or".into(),
            FuzzyOp::Product => "product".into(),
            FuzzyOp::Sum => "sum".into(),
            FuzzyOp::Gamma(g) => format!("gamma {g}"),
        }
    }
}

/// Cells per chunk of the `f64` loops: accumulators live on the stack and vectorise.
const CHUNK: usize = 256;

/// Cells of one step of the AVX2 loops: one register of `f32`.
#[cfg(target_arch = "x86_64")]
const LANES: usize = 8;

/// Combines memberships cell by cell: `out[j] = op(inputs[0][j], inputs[1][j], ...)`; NaN in
/// any input gives NaN. Every input must be as long as `out`.
///
/// ```
/// use geoprospect_core::models::fuzzy::{combine, FuzzyOp};
/// let (a, b) = ([0.2f32, 0.9, f32::NAN], [0.5f32, 0.4, 0.3]);
/// let mut out = [0f32; 3];
/// let seen = combine(FuzzyOp::And, &[&a, &b], &mut out);
/// assert_eq!(&out[..2], &[0.2, 0.4]);
/// assert_eq!((seen.valid, seen.outside), (2, false));
/// assert!(out[2].is_nan());
/// combine(FuzzyOp::Sum, &[&a, &b], &mut out);
/// assert_eq!(out[0], 0.6); // 1 - 0.8 · 0.5
/// ```
pub fn combine(op: FuzzyOp, inputs: &[&[f32]], out: &mut [f32]) -> Combined {
    let n = out.len();
    assert!(
        inputs.iter().all(|i| i.len() == n),
        "inputs and output differ in length"
    );
    if inputs.is_empty() {
        out.fill(f32::NAN);
        return Combined::default();
    }
    match op {
        FuzzyOp::And => extreme::<false>(inputs, out),
        FuzzyOp::Or => extreme::<true>(inputs, out),
        FuzzyOp::Product | FuzzyOp::Sum | FuzzyOp::Gamma(_) => products(op, inputs, out),
    }
}

/// The fuzzy AND (minimum) or, with `OR`, the fuzzy OR (maximum), NaN where any input is NaN,
/// eight cells per AVX2 instruction where the CPU has it, and the same bits without: the
/// minimum is `if v < m { v } else { m }`, as `vminps` computes it (signed zeros included).
fn extreme<const OR: bool>(inputs: &[&[f32]], out: &mut [f32]) -> Combined {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("popcnt") {
        // Safety: the CPU has the features; the inputs are as long as `out` (checked by
        // `combine`).
        return unsafe { extreme_avx2::<OR>(inputs, out) };
    }
    let mut seen = Combined::default();
    extreme_cells::<OR>(inputs, out, 0, &mut seen);
    seen
}

/// [`extreme`] on AVX2: per eight cells, each input's values are loaded once and folded into
/// the result, the NaN mask and the range check's lowest and highest values (`vminps` and
/// `vmaxps` return their second operand when the first is NaN, so a NaN is never taken).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn extreme_avx2<const OR: bool>(inputs: &[&[f32]], out: &mut [f32]) -> Combined {
    use std::arch::x86_64::*;
    let n = out.len();
    let body = n - n % LANES;
    let (mut lo, mut hi) = (_mm256_set1_ps(0.5), _mm256_set1_ps(0.5));
    let nan = _mm256_set1_ps(f32::NAN);
    let mut valid = 0u64;
    let mut at = 0;
    while at < body {
        // Safety (all loads and stores): `at + LANES <= n`, the length of every slice.
        let first = unsafe { _mm256_loadu_ps(inputs[0].as_ptr().add(at)) };
        let (mut acc, mut bad) = (first, _mm256_cmp_ps::<_CMP_UNORD_Q>(first, first));
        lo = _mm256_min_ps(first, lo);
        hi = _mm256_max_ps(first, hi);
        for input in &inputs[1..] {
            let v = unsafe { _mm256_loadu_ps(input.as_ptr().add(at)) };
            bad = _mm256_or_ps(bad, _mm256_cmp_ps::<_CMP_UNORD_Q>(v, v));
            lo = _mm256_min_ps(v, lo);
            hi = _mm256_max_ps(v, hi);
            acc = if OR {
                _mm256_max_ps(v, acc)
            } else {
                _mm256_min_ps(v, acc)
            };
        }
        unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(at), _mm256_blendv_ps(acc, nan, bad)) };
        valid += u64::from(LANES as u32 - (_mm256_movemask_ps(bad) as u32).count_ones());
        at += LANES;
    }
    let (mut low, mut high) = ([0f32; LANES], [0f32; LANES]);
    unsafe {
        _mm256_storeu_ps(low.as_mut_ptr(), lo);
        _mm256_storeu_ps(high.as_mut_ptr(), hi);
    }
    let mut seen = Combined {
        valid,
        outside: low.iter().any(|&v| v < 0.0) || high.iter().any(|&v| v > 1.0),
    };
    extreme_cells::<OR>(inputs, out, body, &mut seen);
    seen
}

/// [`extreme`] cell by cell from cell `from` on, adding to `seen`.
fn extreme_cells<const OR: bool>(
    inputs: &[&[f32]],
    out: &mut [f32],
    from: usize,
    seen: &mut Combined,
) {
    for (j, o) in out.iter_mut().enumerate().skip(from) {
        let mut acc = inputs[0][j];
        let mut bad = false;
        for (k, input) in inputs.iter().enumerate() {
            let v = input[j];
            bad |= v.is_nan();
            #[allow(clippy::manual_range_contains)] // NaN is nodata, not outside
            {
                seen.outside |= (v < 0.0) | (v > 1.0);
            }
            let take = if OR { v > acc } else { v < acc };
            if k > 0 && take {
                acc = v;
            }
        }
        *o = if bad { f32::NAN } else { acc };
        seen.valid += u64::from(!bad);
    }
}

/// The algebraic product, sum and gamma (in `f64`), chunk by chunk: the range check keeps
/// each lane's lowest and highest value (a NaN is never taken) so that it vectorises.
fn products(op: FuzzyOp, inputs: &[&[f32]], out: &mut [f32]) -> Combined {
    let n = out.len();
    let (mut lo, mut hi) = ([0.5f32; CHUNK], [0.5f32; CHUNK]);
    let mut valid = 0u64;
    let mut start = 0;
    while start < n {
        let len = CHUNK.min(n - start);
        let range = start..start + len;
        // prod = ∏ m, co = ∏ (1 - m); NaN propagates through both.
        let mut prod = [1f64; CHUNK];
        let mut co = [1f64; CHUNK];
        for input in inputs {
            let values = &input[range.clone()];
            for j in 0..len {
                let v = values[j];
                lo[j] = if v < lo[j] { v } else { lo[j] };
                hi[j] = if v > hi[j] { v } else { hi[j] };
                prod[j] *= v as f64;
                co[j] *= 1.0 - v as f64;
            }
        }
        let out = &mut out[range];
        match op {
            FuzzyOp::Sum => {
                for (o, &c) in out.iter_mut().zip(&co[..len]) {
                    *o = (1.0 - c) as f32;
                }
            }
            FuzzyOp::Gamma(g) => {
                for (o, (&p, &c)) in out.iter_mut().zip(prod[..len].iter().zip(&co[..len])) {
                    *o = gamma(1.0 - c, p, g);
                }
            }
            _ => {
                for (o, &p) in out.iter_mut().zip(&prod[..len]) {
                    *o = p as f32;
                }
            }
        }
        valid += out.iter().map(|v| u64::from(!v.is_nan())).sum::<u64>();
        start += len;
    }
    Combined {
        valid,
        outside: lo.iter().any(|&v| v < 0.0) || hi.iter().any(|&v| v > 1.0),
    }
}

/// What [`combine`] saw on the way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Combined {
    /// Output cells with a value (not NaN).
    pub valid: u64,
    /// Whether some input value lies outside [0, 1] (NaN is nodata, not outside): the inputs
    /// were not memberships, and [`check_unit_interval`] names the file and the cell.
    pub outside: bool,
}

/// `sum^γ · product^(1-γ)`, exact at γ = 0 and γ = 1 (where `0^0` would otherwise appear).
/// The powers are taken in `f32` (the output type): twice as fast as in `f64`, within a few
/// units in the last place of the `f32` result.
#[inline]
fn gamma(sum: f64, product: f64, g: f64) -> f32 {
    if g == 1.0 {
        sum as f32
    } else if g == 0.0 {
        product as f32
    } else {
        (sum as f32).powf(g as f32) * (product as f32).powf((1.0 - g) as f32)
    }
}

/// Weighted index overlay: `out[j] = Σ w_i · inputs[i][j] / Σ w_i`; NaN in any input gives
/// NaN. Weights must be non-negative with a positive sum (see [`check_weights`]).
///
/// ```
/// use geoprospect_core::models::fuzzy::index_overlay;
/// let mut out = [0f32; 1];
/// index_overlay(&[3.0, 1.0], &[&[1.0], &[0.2]], &mut out);
/// assert_eq!(out[0], 0.8); // (3 · 1 + 1 · 0.2) / 4
/// ```
pub fn index_overlay(weights: &[f64], inputs: &[&[f32]], out: &mut [f32]) {
    let n = out.len();
    assert!(
        inputs.iter().all(|i| i.len() == n) && weights.len() == inputs.len(),
        "inputs, weights and output differ in length"
    );
    let total: f64 = weights.iter().sum();
    let mut start = 0;
    while start < n {
        let len = CHUNK.min(n - start);
        let range = start..start + len;
        let mut acc = [0f64; CHUNK];
        for (input, &w) in inputs.iter().zip(weights) {
            for (a, &v) in acc[..len].iter_mut().zip(&input[range.clone()]) {
                *a += w * v as f64;
            }
        }
        for (o, &a) in out[range].iter_mut().zip(&acc[..len]) {
            *o = (a / total) as f32;
        }
        start += len;
    }
}

/// Checks index-overlay weights against the number of inputs.
pub fn check_weights(weights: &[f64], inputs: usize) -> Result<()> {
    if weights.len() != inputs {
        return Err(Error::param(format!(
            "{} weights for {inputs} inputs: give one weight per input",
            weights.len()
        )));
    }
    if let Some(w) = weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
        return Err(Error::param(format!(
            "weight {w} is invalid: weights must be non-negative numbers"
        )));
    }
    if weights.iter().sum::<f64>() <= 0.0 {
        return Err(Error::param("the weights sum to 0"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(op: FuzzyOp, inputs: &[&[f32]]) -> Vec<f32> {
        let mut out = vec![0f32; inputs[0].len()];
        combine(op, inputs, &mut out);
        out
    }

    #[test]
    fn operators_on_hand_values() {
        let a = [0.8f32, 0.0, 1.0];
        let b = [0.5f32, 0.3, 1.0];
        let c = [0.25f32, 0.6, 0.0];
        let inputs: [&[f32]; 3] = [&a, &b, &c];
        assert_eq!(run(FuzzyOp::And, &inputs), vec![0.25, 0.0, 0.0]);
        assert_eq!(run(FuzzyOp::Or, &inputs), vec![0.8, 0.6, 1.0]);
        // 0.8 · 0.5 · 0.25 = 0.1
        assert_eq!(run(FuzzyOp::Product, &inputs)[0], 0.1);
        // 1 - 0.2 · 0.5 · 0.75 = 0.925; 1 - 1 · 0.7 · 0.4 = 0.72; 1 - 0 = 1
        assert_eq!(run(FuzzyOp::Sum, &inputs), vec![0.925, 0.72, 1.0]);
        // 0.925^0.8 · 0.1^0.2
        let g = run(FuzzyOp::Gamma(0.8), &inputs)[0] as f64;
        assert!((g - 0.925f64.powf(0.8) * 0.1f64.powf(0.2)).abs() < 1e-6);
        assert_eq!(
            run(FuzzyOp::Gamma(1.0), &inputs),
            run(FuzzyOp::Sum, &inputs)
        );
        assert_eq!(
            run(FuzzyOp::Gamma(0.0), &inputs),
            run(FuzzyOp::Product, &inputs)
        );
        // Gamma of a cell with a 0 membership is 0 (product 0), γ < 1.
        assert_eq!(run(FuzzyOp::Gamma(0.5), &inputs)[1], 0.0);
    }

    #[test]
    fn nodata_in_any_input_is_nodata() {
        let a = [f32::NAN, 0.5, 0.5];
        let b = [0.5f32, f32::NAN, 0.5];
        for op in [
            FuzzyOp::And,
            FuzzyOp::Or,
            FuzzyOp::Product,
            FuzzyOp::Sum,
            FuzzyOp::Gamma(0.7),
        ] {
            let out = run(op, &[&a, &b]);
            assert!(out[0].is_nan() && out[1].is_nan(), "{op:?}");
            assert!(!out[2].is_nan(), "{op:?}");
        }
        let mut out = [0f32; 3];
        index_overlay(&[1.0, 2.0], &[&a, &b], &mut out);
        assert!(out[0].is_nan() && out[1].is_nan());
        assert_eq!(out[2], 0.5);
    }

    #[test]
    fn index_overlay_on_hand_values() {
        let mut out = [0f32; 2];
        index_overlay(
            &[3.0, 2.0, 1.0],
            &[&[1.0, 0.0], &[0.5, 0.0], &[0.0, 6.0]],
            &mut out,
        );
        // (3 + 1 + 0) / 6, (0 + 0 + 6) / 6
        assert_eq!(out, [4.0 / 6.0, 1.0]);
        assert!(check_weights(&[1.0], 2).is_err());
        assert!(check_weights(&[1.0, -1.0], 2).is_err());
        assert!(check_weights(&[0.0, 0.0], 2).is_err());
    }

    #[test]
    fn chunk_boundaries_do_not_matter() {
        let n = CHUNK * 3 + 17;
        let a: Vec<f32> = (0..n).map(|i| (i % 101) as f32 / 100.0).collect();
        let b: Vec<f32> = (0..n).map(|i| (i % 37) as f32 / 36.0).collect();
        let whole = run(FuzzyOp::Gamma(0.9), &[&a, &b]);
        for (i, w) in whole.iter().enumerate() {
            let one = run(FuzzyOp::Gamma(0.9), &[&a[i..=i], &b[i..=i]]);
            assert_eq!(w.to_bits(), one[0].to_bits());
        }
    }

    /// The AVX2 loops give the bits of the cell-by-cell loop: NaN, signed zeros, values
    /// outside [0, 1] and lengths that are not a multiple of eight included.
    #[test]
    fn vector_and_cell_loops_agree() {
        let pick = |i: usize, k: usize| match (i * 7 + k * 3) % 11 {
            0 => f32::NAN,
            1 => -0.0,
            2 => 0.0,
            _ => ((i * 31 + k * 17) % 97) as f32 / 96.0,
        };
        for n in [1, 7, 8, 9, 64, 203] {
            for count in 1..5 {
                let layers: Vec<Vec<f32>> = (0..count)
                    .map(|k| (0..n).map(|i| pick(i, k)).collect())
                    .collect();
                let views: Vec<&[f32]> = layers.iter().map(|v| v.as_slice()).collect();
                let mut stray = layers[0].clone();
                stray[n - 1] = 1.5;
                let with_stray: Vec<&[f32]> = std::iter::once(stray.as_slice())
                    .chain(layers[1..].iter().map(|v| v.as_slice()))
                    .collect();
                for inputs in [&views, &with_stray] {
                    for or in [false, true] {
                        let (mut fast, mut cells) = (vec![0f32; n], vec![0f32; n]);
                        let seen = match or {
                            true => combine(FuzzyOp::Or, inputs, &mut fast),
                            false => combine(FuzzyOp::And, inputs, &mut fast),
                        };
                        let mut want = Combined::default();
                        match or {
                            true => extreme_cells::<true>(inputs, &mut cells, 0, &mut want),
                            false => extreme_cells::<false>(inputs, &mut cells, 0, &mut want),
                        }
                        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(bits(&fast), bits(&cells), "n {n}, {count} inputs, or {or}");
                        assert_eq!(seen, want, "n {n}, {count} inputs, or {or}");
                    }
                }
            }
        }
    }

    #[test]
    fn parse_and_check() {
        assert_eq!(FuzzyOp::parse("AND", None).unwrap(), FuzzyOp::And);
        assert!(FuzzyOp::parse("gamma", None).is_err());
        assert!(FuzzyOp::parse("gamma", Some(1.5)).is_err());
        assert!(FuzzyOp::parse("xor", None).is_err());
    }

    fn memberships(n: usize) -> impl Strategy<Value = Vec<Vec<f32>>> {
        prop::collection::vec(prop::collection::vec(0f32..=1.0, n), 1..6)
    }

    proptest! {
        #[test]
        fn and_below_or_and_all_in_unit_interval(inputs in memberships(40), g in 0f64..=1.0) {
            let views: Vec<&[f32]> = inputs.iter().map(|v| v.as_slice()).collect();
            let and = run(FuzzyOp::And, &views);
            let or = run(FuzzyOp::Or, &views);
            for (a, o) in and.iter().zip(&or) {
                prop_assert!(a <= o);
            }
            for op in [FuzzyOp::And, FuzzyOp::Or, FuzzyOp::Product, FuzzyOp::Sum, FuzzyOp::Gamma(g)] {
                for v in run(op, &views) {
                    prop_assert!((0.0..=1.0).contains(&v), "{op:?} gave {v}");
                }
            }
            // Product <= AND <= OR <= Sum (Bonham-Carter 1994, ch. 9).
            let product = run(FuzzyOp::Product, &views);
            let sum = run(FuzzyOp::Sum, &views);
            for i in 0..and.len() {
                prop_assert!(product[i] <= and[i] + 1e-6 && or[i] <= sum[i] + 1e-6);
            }
        }
    }
}
