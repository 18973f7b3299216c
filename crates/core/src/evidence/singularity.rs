//! Local singularity mapping (Cheng 2007, *Ore Geology Reviews* 32:314–324, "Mapping
//! singularities with stream sediment geochemical data for prediction of undiscovered mineral
//! deposits in Gejiu, Yunnan Province, China").
//!
//! Around each cell, the mean value `μ(ε)` of the centred square window of side `ε` cells
//! follows a power law `μ(ε) = c · ε^(α − 2)`; the singularity index `α` is 2 plus the
//! least-squares slope of `log μ(ε)` against `log ε` over the chosen window sizes. `α < 2`
//! marks enrichment (the mean falls as the window grows: a local peak), `α > 2` depletion and
//! `α = 2` a locally even field. The unit of `ε` changes only `c`, not `α`.
//!
//! NaN-aware: a window's mean is over its valid cells, and a window counts only when at least
//! half of its cells are valid and its mean is positive (a logarithm needs one). At the grid's
//! edges a window is clipped to the grid and "its cells" are those inside it.
//! A cell gets `α` when it is valid itself and at least two windows count; otherwise it is NaN.
//! Window sums are separable (row sums over the window's columns, then over its rows), so a
//! cell costs `O(Σ sides)`, and a cell's value depends only on the cells around it: a strip
//! computed with its halo gives the same bits as the whole grid at once.
use crate::error::{Error, Result};

/// Window sizes: odd sides in cells, ascending, at least two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Windows(Vec<usize>);

impl Windows {
    /// Checks `sides`: at least two distinct odd sizes of 1 or more (sorted here).
    pub fn new(mut sides: Vec<usize>) -> Result<Windows> {
        sides.sort_unstable();
        sides.dedup();
        if sides.len() < 2 {
            return Err(Error::param(
                "singularity needs at least two window sizes, e.g. 1,3,5,7,9",
            ));
        }
        if let Some(&bad) = sides.iter().find(|&&s| s == 0 || s % 2 == 0) {
            return Err(Error::param(format!(
                "window sizes must be odd numbers of cells (a window is centred on its cell), got {bad}"
            )));
        }
        Ok(Windows(sides))
    }

    /// Parses `1,3,5,7,9`.
    pub fn parse(text: &str) -> Result<Windows> {
        let sides = text
            .split(',')
            .map(|t| {
                t.trim().parse::<usize>().map_err(|_| {
                    Error::param(format!("window size {t:?} is not a whole number of cells"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Windows::new(sides)
    }

    /// The sides, ascending.
    pub fn sides(&self) -> &[usize] {
        &self.0
    }

    /// Rows (and columns) a cell's largest window reaches on each side.
    pub fn halo(&self) -> usize {
        self.0.last().map_or(0, |s| s / 2)
    }
}

/// Rows of output computed together: the row sums of their windows are kept for this many
/// rows at a time, so a kernel call needs `O(width · CHUNK)` memory whatever the strip.
const CHUNK: usize = 64;

/// The singularity index of rows `out.start .. out.end` of `strip`, a band of full-width rows
/// of `width` cells holding those rows and up to [`Windows::halo`] rows above and below them
/// (fewer at the grid's edges: windows are clipped there). Row-major, NaN where undefined.
///
/// Window sums are separable: each row's sum over the window's columns, then the sum of those
/// over the window's rows, each added in a fixed order, so a cell's value is the same whatever
/// strip it is computed in.
pub fn singularity(
    strip: &[f32],
    width: usize,
    out: std::ops::Range<usize>,
    windows: &Windows,
) -> Vec<f32> {
    let rows = strip.len() / width.max(1);
    let logs: Vec<f64> = windows.sides().iter().map(|&s| (s as f64).ln()).collect();
    let mut result = vec![f32::NAN; out.len() * width];
    let mut first = out.start;
    while first < out.end {
        let last = (first + CHUNK).min(out.end);
        let cells = (last - first) * width;
        // Per cell: windows counted, Σx, Σy, Σxy, Σx².
        let mut fit = vec![[0.0f64; 5]; cells];
        for (k, &side) in windows.sides().iter().enumerate() {
            let h = side / 2;
            let (r0, r1) = (first.saturating_sub(h), (last + h).min(rows));
            // Row sums and counts over the window's columns, for rows r0..r1.
            let mut hs = vec![0.0f64; (r1 - r0) * width];
            let mut hn = vec![0u32; (r1 - r0) * width];
            for r in r0..r1 {
                let row = &strip[r * width..(r + 1) * width];
                for c in 0..width {
                    let (c0, c1) = (c.saturating_sub(h), (c + h + 1).min(width));
                    let (mut sum, mut n) = (0.0f64, 0u32);
                    for &v in &row[c0..c1] {
                        if !v.is_nan() {
                            sum += v as f64;
                            n += 1;
                        }
                    }
                    hs[(r - r0) * width + c] = sum;
                    hn[(r - r0) * width + c] = n;
                }
            }
            for r in first..last {
                let (w0, w1) = (r.saturating_sub(h), (r + h + 1).min(rows));
                for c in 0..width {
                    let cols = (c + h + 1).min(width) - c.saturating_sub(h);
                    let inside = (w1 - w0) * cols;
                    let (mut sum, mut n) = (0.0f64, 0u32);
                    for rr in w0..w1 {
                        sum += hs[(rr - r0) * width + c];
                        n += hn[(rr - r0) * width + c];
                    }
                    // At least half of the window's cells valid, and a positive mean.
                    if 2 * n as usize >= inside && sum > 0.0 {
                        let (x, y) = (logs[k], (sum / n as f64).ln());
                        let f = &mut fit[(r - first) * width + c];
                        f[0] += 1.0;
                        f[1] += x;
                        f[2] += y;
                        f[3] += x * y;
                        f[4] += x * x;
                    }
                }
            }
        }
        for (i, f) in fit.iter().enumerate() {
            let at = first * width + i;
            if f[0] >= 2.0 && !strip[at].is_nan() {
                let (n, sx, sy, sxy, sxx) = (f[0], f[1], f[2], f[3], f[4]);
                let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
                result[(first - out.start) * width + i] = (2.0 + slope) as f32;
            }
        }
        first = last;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows() -> Windows {
        Windows::parse("1,3,5,7,9").unwrap()
    }

    #[test]
    fn a_constant_field_is_alpha_2_everywhere_edges_included() {
        let (w, h) = (23, 17);
        let a = singularity(&vec![7.5f32; w * h], w, 0..h, &windows());
        assert!(a.iter().all(|&v| (v - 2.0).abs() < 1e-6), "{a:?}");
    }

    #[test]
    fn a_power_law_peak_gives_its_exponent_back() {
        // μ(ε) = c ε^(α−2) around the centre for a field v(r) ∝ r^(α−2) (Cheng 2007, eq. 2):
        // with α = 1.5 the window means fall as ε^-0.5; on a fine grid the fitted α at the
        // peak is close to it (the discrete window means follow the law up to the cell size).
        let (w, alpha) = (201usize, 1.5f64);
        let mid = (w / 2) as f64;
        let field: Vec<f32> = (0..w * w)
            .map(|i| {
                let (r, c) = ((i / w) as f64, (i % w) as f64);
                let d = ((r - mid).powi(2) + (c - mid).powi(2)).sqrt().max(0.5);
                d.powf(alpha - 2.0) as f32
            })
            .collect();
        let big = Windows::parse("11,21,31,41,51").unwrap();
        let a = singularity(&field, w, 0..w, &big);
        let at_peak = a[(w / 2) * w + w / 2] as f64;
        assert!((at_peak - alpha).abs() < 0.05, "{at_peak}");
        // Far from the peak the field is smooth: α near 2.
        let far = a[20 * w + 20] as f64;
        assert!((far - 2.0).abs() < 0.1, "{far}");
    }

    #[test]
    fn nodata_holes_and_too_few_valid_cells() {
        let (w, h) = (9, 9);
        let mut v = vec![3.0f32; w * h];
        v[4 * w + 4] = f32::NAN;
        v[..w].fill(f32::NAN); // the top row missing
                               // An isolated valid cell in a nodata patch (rows 6-8, columns 0-2).
        for r in 6..9 {
            for c in 0..3 {
                v[r * w + c] = if (r, c) == (7, 1) { 3.0 } else { f32::NAN };
            }
        }
        let ws = Windows::parse("1,3").unwrap();
        let a = singularity(&v, w, 0..h, &ws);
        // The hole and the missing row stay nodata; around the hole windows are still valid.
        assert!(a[4 * w + 4].is_nan() && a[..w].iter().all(|x| x.is_nan()));
        assert!((a[3 * w + 3] - 2.0).abs() < 1e-6);
        // Under the missing row, at the grid's edge: the 3 x 3 window clipped to the grid (3
        // rows, 2 columns) holds 4 valid cells of 6: enough.
        assert!((a[w] - 2.0).abs() < 1e-6, "{}", a[w]);
        // The isolated cell: its 3 x 3 window has 1 valid cell of 9, one window left: nodata.
        assert!(a[7 * w + 1].is_nan());
    }

    #[test]
    fn a_strip_with_its_halo_gives_the_whole_grids_bits() {
        let (w, h) = (31, 40);
        let v: Vec<f32> = (0..w * h)
            .map(|i| {
                if i % 17 == 0 {
                    f32::NAN
                } else {
                    1.0 + ((i * 37) % 101) as f32
                }
            })
            .collect();
        let ws = windows();
        let whole = singularity(&v, w, 0..h, &ws);
        let halo = ws.halo();
        for (r0, r1) in [(0usize, 7usize), (7, 19), (19, 40)] {
            let (s0, s1) = (r0.saturating_sub(halo), (r1 + halo).min(h));
            let part = singularity(&v[s0 * w..s1 * w], w, r0 - s0..r1 - s0, &ws);
            for (a, b) in part.iter().zip(&whole[r0 * w..r1 * w]) {
                assert_eq!(a.to_bits(), b.to_bits());
            }
        }
    }

    #[test]
    fn window_sizes_are_checked() {
        assert_eq!(windows().sides(), [1, 3, 5, 7, 9]);
        assert_eq!(windows().halo(), 4);
        for bad in ["3", "2,4", "1,x", "0,3", ""] {
            assert!(Windows::parse(bad).is_err(), "{bad}");
        }
    }
}
