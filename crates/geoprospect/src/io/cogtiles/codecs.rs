//! The tile codecs: the TIFF predictor and GDAL's own compressors (`CPLZLibDeflate`, the
//! `zstd` compressor of `cpl_compressor.h`) for one tile.
use std::ffi::{c_char, c_int, c_void, CString};

use super::{Codec, Sample, TILE};

/// Predictor and compression of one 512 x 512 tile into `out` (`bytes` is scratch).
pub(super) fn encode_tile(
    tile: &mut [u32],
    bytes: &mut Vec<u8>,
    out: &mut Vec<u8>,
    sample: Sample,
    codec: Codec,
) {
    bytes.clear();
    out.clear();
    match sample {
        Sample::Float32 => {
            // Floating-point predictor (TIFF Technical Note 3): each row's bytes as planes,
            // most significant byte first, then byte-wise differences along the row.
            bytes.resize(tile.len() * 4, 0);
            for (row, plane) in tile.chunks(TILE).zip(bytes.chunks_mut(TILE * 4)) {
                for (i, v) in row.iter().enumerate() {
                    let b = v.to_le_bytes();
                    for k in 0..4 {
                        plane[k * TILE + i] = b[3 - k];
                    }
                }
                for k in (1..plane.len()).rev() {
                    plane[k] = plane[k].wrapping_sub(plane[k - 1]);
                }
            }
        }
        Sample::Int32 => {
            // Horizontal differencing (TIFF 6.0, predictor 2).
            for row in tile.chunks_mut(TILE) {
                for k in (1..row.len()).rev() {
                    row[k] = row[k].wrapping_sub(row[k - 1]);
                }
            }
            for v in tile.iter() {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    compress(bytes, out, codec);
}

#[repr(C)]
struct CplCompressor {
    n_struct_version: c_int,
    psz_id: *const c_char,
    e_type: c_int,
    papsz_metadata: *const *const c_char,
    pfn_func: Option<
        unsafe extern "C" fn(
            *const c_void,
            usize,
            *mut *mut c_void,
            *mut usize,
            *const *const c_char,
            *mut c_void,
        ) -> bool,
    >,
    user_data: *mut c_void,
}

extern "C" {
    /// `cpl_compressor.h` (GDAL >= 3.4).
    fn CPLGetCompressor(id: *const c_char) -> *const CplCompressor;
}

/// Compresses `bytes` into `out` with GDAL's codecs; panics only if GDAL lacks the codec
/// (callers check [`codec_available`]).
fn compress(bytes: &[u8], out: &mut Vec<u8>, codec: Codec) {
    let cap = bytes.len() + bytes.len() / 8 + 4096;
    out.clear();
    out.resize(cap, 0);
    let mut n = 0usize;
    let ok = match codec {
        Codec::None => {
            out.clear();
            out.extend_from_slice(bytes);
            return;
        }
        // Safety: both buffers are valid for the lengths given; GDAL writes at most `cap`.
        Codec::Deflate => unsafe {
            !gdal_sys::CPLZLibDeflate(
                bytes.as_ptr().cast(),
                bytes.len(),
                6,
                out.as_mut_ptr().cast(),
                cap,
                &mut n,
            )
            .is_null()
        },
        Codec::Zstd => {
            let id = CString::new("zstd").unwrap_or_default();
            let level = CString::new("LEVEL=9").unwrap_or_default();
            let options = [level.as_ptr(), std::ptr::null()];
            // Safety: the compressor struct is static in GDAL; buffers are valid as above and
            // `n` holds the capacity on entry, as cpl_compressor.h requires.
            unsafe {
                let c = CPLGetCompressor(id.as_ptr());
                match c
                    .as_ref()
                    .and_then(|c| c.pfn_func.map(|f| (f, c.user_data)))
                {
                    Some((f, user)) => {
                        n = cap;
                        let mut ptr = out.as_mut_ptr().cast::<c_void>();
                        f(
                            bytes.as_ptr().cast(),
                            bytes.len(),
                            &mut ptr,
                            &mut n,
                            options.as_ptr(),
                            user,
                        )
                    }
                    None => false,
                }
            }
        }
    };
    assert!(ok, "GDAL could not compress a tile with {codec:?}");
    out.truncate(n);
}

/// Whether this GDAL build has the codec (ZSTD is optional in GDAL builds).
pub fn codec_available(codec: Codec) -> bool {
    match codec {
        Codec::None | Codec::Deflate => true,
        Codec::Zstd => {
            let id = CString::new("zstd").unwrap_or_default();
            // Safety: a lookup by name; the result is a static struct or null.
            unsafe { !CPLGetCompressor(id.as_ptr()).is_null() }
        }
    }
}
