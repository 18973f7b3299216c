//! The overview kernels: GDAL's source windows, and one overview row from the rows of the
//! level above, as GDAL's `AVERAGE` with NaN nodata (Float32) or `NEAREST` (Int32) makes it.
use super::Sample;

/// Cells `lo..hi` of a level and the weights of the first and the last.
pub(super) type Window = (usize, usize, f64, f64);

/// GDAL's source window of overview cell `j` along one axis of `src` cells reduced to `dst`
/// (GDAL `gcore/overview.cpp`, `GDALResampleChunk_AverageOrRMS`): cells `lo..hi`, the first
/// weighted `first`, the last `last`, the others 1. The ratio is `src / dst`, so a level of an
/// odd number of cells spreads each overview cell over a little less than two cells, with
/// fractional weights at both ends; an even number gives pairs of weight 1.
pub(super) fn source_window(j: usize, src: usize, dst: usize) -> Window {
    let ratio = src as f64 / dst as f64;
    let start = j as f64 * ratio;
    let end = (j + 1) as f64 * ratio;
    let lo = (start + 1e-8) as usize;
    let mut hi = (end - 1e-8).ceil() as usize;
    if hi == lo {
        hi += 1;
    }
    let hi = hi.min(src);
    let first = if hi == lo + 1 {
        1.0
    } else {
        1.0 - (start - lo as f64)
    };
    let last = 1.0 - (hi as f64 - end);
    (lo, hi, first, last)
}

/// The cell GDAL's `NEAREST` overview takes for overview cell `j` (`GDALResampleChunk_NearT`).
fn nearest(j: usize, src: usize, dst: usize) -> usize {
    ((0.5 + j as f64 * (src as f64 / dst as f64)) as usize).min(src - 1)
}

/// Rows `lo..hi` of a level that row `j` of the next level reads.
pub(super) fn rows_needed(j: usize, src: usize, dst: usize, sample: Sample) -> (usize, usize) {
    match sample {
        Sample::Float32 => {
            let (lo, hi, _, _) = source_window(j, src, dst);
            (lo, hi)
        }
        Sample::Int32 => {
            let r = nearest(j, src, dst);
            (r, r + 1)
        }
    }
}

/// Row `j` of a level of `dst` (width, height) cells into `out`, from the rows of a level of
/// `src` (width, height) cells (`row(r)` is row `r`; `down` the source windows of the
/// columns, [`source_window`]):
/// Float32 cells are the weighted mean of the valid cells of their source windows, as GDAL's
/// `AVERAGE` with NaN nodata computes it (in `f64`, line by line, in GDAL's order of
/// additions, so the values are GDAL's to the bit); Int32 cells are GDAL's `NEAREST`.
pub(super) fn overview_row<'a>(
    j: usize,
    src: (usize, usize),
    dst: (usize, usize),
    down: &[Window],
    row: &(impl Fn(usize) -> &'a [u32] + Sync),
    sample: Sample,
    out: &mut [u32],
) {
    let ((sw, sh), (dw, dh)) = (src, dst);
    if sample == Sample::Int32 {
        let r = row(nearest(j, sh, dh));
        for (x, o) in out.iter_mut().enumerate() {
            *o = r[nearest(x, sw, dw)];
        }
        return;
    }
    let (lo, hi, top, bottom) = source_window(j, sh, dh);
    if sw == 2 * dw && hi == lo + 2 && top == 1.0 && bottom == 1.0 {
        return pairs_into(row(lo), row(lo + 1), out);
    }
    for (o, &(x0, x1, left, right)) in out.iter_mut().zip(down) {
        let (mut total, mut weight, mut count) = (0.0f64, 0.0f64, 0usize);
        for y in lo..hi {
            let r = row(y);
            let wy = if y == lo {
                top
            } else if y + 1 == hi {
                bottom
            } else {
                1.0
            };
            let (mut line, mut line_weight) = (0.0f64, 0.0f64);
            let v = f32::from_bits(r[x0]);
            if !v.is_nan() {
                count += 1;
                line_weight = left;
                line = v as f64 * left;
            }
            if x0 + 1 < x1 {
                for &c in &r[x0 + 1..x1 - 1] {
                    let v = f32::from_bits(c);
                    if !v.is_nan() {
                        count += 1;
                        line_weight += 1.0;
                        line += v as f64;
                    }
                }
                let v = f32::from_bits(r[x1 - 1]);
                if !v.is_nan() {
                    count += 1;
                    line_weight += right;
                    line += v as f64 * right;
                }
            }
            total += line * wy;
            weight += line_weight * wy;
        }
        let mean = if count == 0 {
            f32::NAN
        } else {
            (total / weight) as f32
        };
        *o = mean.to_bits();
    }
}

/// One overview row from two rows of an even width, into `out` (half their length): the mean
/// of the valid cells of each 2 x 2 window, adding in the same order as the general case:
/// `0 + (a0 + a1) + (b0 + b1)`, a NaN cell counting as `-0.0` (which adds nothing, whatever
/// the sign of the other terms).
pub(super) fn pairs_into(a: &[u32], b: &[u32], out: &mut [u32]) {
    assert!(
        a.len() == b.len() && out.len() == a.len() / 2,
        "unequal rows"
    );
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") {
        // Safety: the CPU has the feature enabled for this copy of the loop.
        unsafe { pairs_avx2(a, b, out) };
        return;
    }
    pairs_chunks(a, b, out);
}

/// [`pairs_chunks`] on AVX2, four windows per step, with the same operations in the same
/// order (so the same bits): the rows' eight cells split into even and odd columns, widened to
/// `f64`, NaN cells replaced by `-0.0` and counted out, `0 + (a0 + a1) + (b0 + b1)` divided by
/// the count, narrowed to `f32`, NaN where the window has no valid cell. Eight cells without
/// NaN (the usual case) skip the replacing and counting, and their division by 4 is a
/// multiplication by 1/4: the same exact quotient, correctly rounded.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn pairs_avx2(a: &[u32], b: &[u32], out: &mut [u32]) {
    use std::arch::x86_64::*;
    let steps = a.len() / 8;
    let split = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    let (zero, one, neg_zero, quarter) = (
        _mm256_setzero_pd(),
        _mm256_set1_pd(1.0),
        _mm256_set1_pd(-0.0),
        _mm256_set1_pd(0.25),
    );
    let nan = _mm_set1_ps(f32::NAN);
    // A cell widened, or -0.0 for NaN, and 1 or 0 for the count.
    let cell = |x: __m256d| {
        let ok = _mm256_cmp_pd::<_CMP_ORD_Q>(x, x);
        (_mm256_blendv_pd(neg_zero, x, ok), _mm256_and_pd(ok, one))
    };
    let dst = out.as_mut_ptr().cast::<f32>();
    for step in 0..steps {
        // Safety: `8 * step + 8 <= len` of both rows.
        let (ra, rb) = unsafe {
            (
                _mm256_loadu_ps(a.as_ptr().add(8 * step).cast::<f32>()),
                _mm256_loadu_ps(b.as_ptr().add(8 * step).cast::<f32>()),
            )
        };
        let holes = _mm256_or_ps(
            _mm256_cmp_ps::<_CMP_UNORD_Q>(ra, ra),
            _mm256_cmp_ps::<_CMP_UNORD_Q>(rb, rb),
        );
        let ra = _mm256_permutevar8x32_ps(ra, split);
        let rb = _mm256_permutevar8x32_ps(rb, split);
        let a0 = _mm256_cvtps_pd(_mm256_castps256_ps128(ra));
        let a1 = _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(ra));
        let b0 = _mm256_cvtps_pd(_mm256_castps256_ps128(rb));
        let b1 = _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(rb));
        let mean = if _mm256_testz_ps(holes, holes) == 1 {
            let sum = _mm256_add_pd(
                _mm256_add_pd(zero, _mm256_add_pd(a0, a1)),
                _mm256_add_pd(b0, b1),
            );
            _mm256_cvtpd_ps(_mm256_mul_pd(sum, quarter))
        } else {
            let ((s0, n0), (s1, n1), (s2, n2), (s3, n3)) = (cell(a0), cell(a1), cell(b0), cell(b1));
            let sum = _mm256_add_pd(
                _mm256_add_pd(zero, _mm256_add_pd(s0, s1)),
                _mm256_add_pd(s2, s3),
            );
            let count = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(n0, n1), n2), n3);
            let mean = _mm256_cvtpd_ps(_mm256_div_pd(sum, _mm256_max_pd(count, one)));
            let empty = _mm256_cvtpd_ps(_mm256_cmp_pd::<_CMP_EQ_OQ>(count, zero));
            _mm_blendv_ps(mean, nan, empty)
        };
        // Safety: `4 * step + 4 <= out.len()` (checked by the caller).
        unsafe { _mm_storeu_ps(dst.add(4 * step), mean) };
    }
    pairs_chunks(&a[8 * steps..], &b[8 * steps..], &mut out[4 * steps..]);
}

/// The portable loop of [`pairs_into`].
#[inline(always)]
fn pairs_chunks(a: &[u32], b: &[u32], out: &mut [u32]) {
    const L: usize = 8;
    // Lane by lane over arrays (the four cells of each window first taken apart), so that
    // every step is one vector operation.
    #[inline(always)]
    fn windows(ra: &[u32; 2 * L], rb: &[u32; 2 * L]) -> [u32; L] {
        let mut cells = [[0f32; L]; 4];
        for k in 0..L {
            cells[0][k] = f32::from_bits(ra[2 * k]);
            cells[1][k] = f32::from_bits(ra[2 * k + 1]);
            cells[2][k] = f32::from_bits(rb[2 * k]);
            cells[3][k] = f32::from_bits(rb[2 * k + 1]);
        }
        let mut terms = [[0f64; L]; 4];
        let mut count = [0i32; L];
        for (t, c) in terms.iter_mut().zip(&cells) {
            for k in 0..L {
                let ok = !c[k].is_nan();
                t[k] = if ok { c[k] as f64 } else { -0.0 };
                count[k] += i32::from(ok);
            }
        }
        let mut mean = [0f32; L];
        for k in 0..L {
            let sum = 0.0 + (terms[0][k] + terms[1][k]) + (terms[2][k] + terms[3][k]);
            mean[k] = (sum / f64::from(count[k].max(1))) as f32;
        }
        let mut bits = [0u32; L];
        for k in 0..L {
            bits[k] = if count[k] == 0 {
                f32::NAN.to_bits()
            } else {
                mean[k].to_bits()
            };
        }
        bits
    }
    let nan = f32::NAN.to_bits();
    for ((ra, rb), o) in a.chunks(2 * L).zip(b.chunks(2 * L)).zip(out.chunks_mut(L)) {
        match (<&[u32; 2 * L]>::try_from(ra), <&[u32; 2 * L]>::try_from(rb)) {
            (Ok(ra), Ok(rb)) => o.copy_from_slice(&windows(ra, rb)),
            _ => {
                // The last few windows: padded with nodata, the padding dropped.
                let (mut pa, mut pb) = ([nan; 2 * L], [nan; 2 * L]);
                pa[..ra.len()].copy_from_slice(ra);
                pb[..rb.len()].copy_from_slice(rb);
                o.copy_from_slice(&windows(&pa, &pb)[..o.len()]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::cogtiles::tests::pool;
    use crate::io::cogtiles::{tests::layer, Codec, CogEncoder};
    use gdal::raster::Buffer;
    use gdal::{Dataset, DriverManager};
    use std::path::Path;

    /// Every overview of `ours` equal, bit for bit, to GDAL's of the same full-resolution
    /// image (`gdaladdo -r <resampling>` on a plain GeoTIFF holding `values`).
    fn assert_gdal_overviews<T: gdal::raster::GdalType + Copy>(
        dir: &Path,
        ours: &Path,
        (w, h): (usize, usize),
        values: Vec<T>,
        nodata: f64,
        resampling: &str,
        same: impl Fn(&T, &T) -> bool,
    ) {
        let reference = dir.join("gdal.tif");
        let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
        let mut ds = driver
            .create_with_band_type::<T, _>(&reference, w, h, 1)
            .unwrap();
        let mut band = ds.rasterband(1).unwrap();
        band.set_no_data_value(Some(nodata)).unwrap();
        let mut buf = Buffer::new((w, h), values);
        band.write((0, 0), (w, h), &mut buf).unwrap();
        let ours = Dataset::open(ours).unwrap();
        let levels = ours.rasterband(1).unwrap().overview_count().unwrap();
        let factors: Vec<i32> = (1..=levels).map(|l| 1 << l).collect();
        ds.build_overviews(resampling, &factors, &[]).unwrap();
        for level in 0..levels as usize {
            let read = |ds: &Dataset| {
                let ov = ds.rasterband(1).unwrap().overview(level).unwrap();
                let size = ov.size();
                let v = ov.read_as::<T>((0, 0), size, size, None).unwrap();
                (size, v.into_shape_and_vec().1)
            };
            let (size, got) = read(&ours);
            let (want_size, want) = read(&ds);
            assert_eq!(size, want_size, "{w} x {h}, level {level}");
            let differ = got.iter().zip(&want).filter(|(a, b)| !same(a, b)).count();
            assert_eq!(
                differ, 0,
                "{w} x {h}, level {level}: {differ} cells differ from GDAL"
            );
        }
    }

    /// Float32 overviews against the reference, GDAL's own `AVERAGE` overviews with NaN
    /// nodata: even sizes (windows of 2 x 2 cells) and odd ones (fractional windows).
    #[test]
    fn float_overviews_equal_gdal_average() {
        for (w, h) in [(1300, 1028), (1301, 1027), (1100, 2051)] {
            let values = layer(w, h);
            let dir = tempfile::tempdir().unwrap();
            let ours = dir.path().join("ours.tif");
            let mut enc = CogEncoder::create(
                &ours,
                w,
                h,
                Sample::Float32,
                f32::NAN.to_bits(),
                Codec::None,
                Vec::new(),
                pool(2),
            )
            .unwrap();
            // In uneven pieces, as blocks arrive.
            for rows in values.chunks(w * 131) {
                enc.push_f32_rows(rows).unwrap();
            }
            assert!(enc.overviews() >= 2);
            enc.finish().unwrap();
            let same = |a: &f32, b: &f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
            assert_gdal_overviews(dir.path(), &ours, (w, h), values, f64::NAN, "AVERAGE", same);
        }
    }

    /// Int32 (class) overviews against GDAL's `NEAREST`, odd and even sizes.
    #[test]
    fn class_overviews_equal_gdal_nearest() {
        for (w, h) in [(1300, 1028), (1301, 1027)] {
            let codes: Vec<i32> = layer(w, h)
                .iter()
                .map(|v| if v.is_nan() { -9999 } else { *v as i32 })
                .collect();
            let dir = tempfile::tempdir().unwrap();
            let ours = dir.path().join("ours.tif");
            let mut enc = CogEncoder::create(
                &ours,
                w,
                h,
                Sample::Int32,
                -9999i32 as u32,
                Codec::Deflate,
                Vec::new(),
                pool(2),
            )
            .unwrap();
            let bits: Vec<u32> = codes.iter().map(|&c| c as u32).collect();
            for rows in bits.chunks(w * 77) {
                enc.push_rows(rows).unwrap();
            }
            enc.finish().unwrap();
            assert_gdal_overviews(
                dir.path(),
                &ours,
                (w, h),
                codes,
                -9999.0,
                "NEAREST",
                |a, b| a == b,
            );
        }
    }

    /// The AVX2 window means are the bits of the portable loop: NaN, signed zeros, one to
    /// four valid cells per window, row lengths that are not a multiple of eight.
    #[test]
    fn vector_and_portable_pairs_agree() {
        let pick = |i: usize| match i % 13 {
            0 | 5 => f32::NAN,
            1 => -0.0,
            2 => 0.0,
            3 => -3.5,
            _ => (i as f32 * 0.37).sin() * 1e3,
        };
        // Without NaN (every window full, the vector loop's multiplication by 1/4): extremes,
        // subnormals, both zeros.
        let full = |i: usize| match i % 11 {
            0 => f32::MAX,
            1 => -f32::MAX,
            2 => f32::from_bits(1),
            3 => f32::MIN_POSITIVE,
            4 => -0.0,
            _ => (i as f32 * 0.61).cos() * 7e-3,
        };
        let pickers: [&dyn Fn(usize) -> f32; 2] = [&pick, &full];
        for (pick, len) in pickers
            .into_iter()
            .flat_map(|p| [2, 8, 14, 16, 30, 1024].map(|n| (p, n)))
        {
            let mut a: Vec<u32> = (0..len).map(|i| pick(i).to_bits()).collect();
            let mut b: Vec<u32> = (0..len).map(|i| pick(i * 7 + 3).to_bits()).collect();
            // Windows of only -0.0 and NaN: the leading `0 +` makes their mean +0.0.
            let (z, n) = ((-0.0f32).to_bits(), f32::NAN.to_bits());
            a[0] = z;
            a[1] = n;
            b[0] = n;
            b[1] = z;
            let (mut fast, mut portable) = (vec![0; len / 2], vec![0; len / 2]);
            pairs_into(&a, &b, &mut fast);
            pairs_chunks(&a, &b, &mut portable);
            assert_eq!(fast, portable, "{len} cells");
        }
    }
}
