//! Cloud-Optimized GeoTIFF encoder: tiles compressed in parallel, overviews built from the rows
//! as they arrive, the file laid out as GDAL's COG driver lays it out.
//!
//! GDAL's COG driver (GDAL 3.6) computes overviews on one thread and copies the image twice
//! (scratch file, temporary overview file, final file). This encoder takes full-width rows in
//! order, cuts them into 512 x 512 tiles, applies the TIFF predictor (3, floating point, for
//! Float32; 2, horizontal, for Int32; TIFF Technical Note 3 and TIFF 6.0 §14), compresses each
//! tile with GDAL's own codecs (`CPLZLibDeflate`, level 6 as GDAL's `ZLEVEL` default; the `zstd`
//! compressor of `cpl_compressor.h`, level 9 as GDAL's `ZSTD_LEVEL` default) on a rayon pool,
//! and halves the rows into the overview levels on the way, as GDAL computes them, to the bit:
//! Float32 overviews are GDAL's `AVERAGE` with NaN nodata (the weighted mean of the valid cells
//! of each source window: 2 x 2 cells where a level halves its parent exactly, fractional
//! windows where the parent has an odd number of columns or rows), Int32 overviews GDAL's
//! `NEAREST`; both are checked against `gdaladdo` in the tests. Levels are added while the
//! smallest is wider or higher than a tile, as GDAL's `OVERVIEWS=AUTO` does.
//!
//! The file: TIFF header (BigTIFF when over ~4 GB), GDAL's structural metadata ("ghost area":
//! `LAYOUT=IFDS_BEFORE_DATA`, `BLOCK_ORDER=ROW_MAJOR`, `BLOCK_LEADER=SIZE_AS_UINT4`,
//! `BLOCK_TRAILER=LAST_4_BYTES_REPEATED`), the IFDs of the full image then of each overview,
//! then the tile data, smallest overview first and the full image last, each tile preceded by
//! its size and followed by a copy of its last 4 bytes. This is the layout
//! `validate_cloud_optimized_geotiff.py` checks. The georeferencing and metadata tags (GeoKeys,
//! pixel scale, tie point, `GDAL_METADATA`, `GDAL_NODATA`, software) are copied from a TIFF
//! written by GDAL for the same layer, so they are GDAL's own.
//!
//! Every tile's bytes depend only on its cells, so the file is bit-identical for any number of
//! threads.

/// The tile codecs: predictor and compression of one tile.
mod codecs;
/// The encoder: rows or tiles in, tiles encoded and written, the file finished.
mod encoder;
/// Tiles written in place: the file allocated ahead, a tile with its leader and trailer.
mod inplace;
/// The file layout: header, structural metadata, IFDs and tile offsets.
mod layout;
/// One level of the pyramid: its size, waiting rows and tiles.
mod level;
/// The overview kernels: GDAL's source windows and the cells of one overview row.
mod overviews;
/// The rows fed down the pyramid, level by level.
mod pyramid;
/// The TIFF reader: a TIFF's first IFD, its tags and its blocks.
mod tiff;
/// Tile rows of a level encoded in parallel and written or spilled.
mod tilerow;

pub use codecs::codec_available;
pub use encoder::CogEncoder;
pub use tiff::{read_tiff, TiffInfo};

// Tiles are written as the target stores `u32`s: TIFF files here are little-endian.
const _: () = assert!(
    cfg!(target_endian = "little"),
    "cogtiles writes little-endian TIFF"
);

/// Tile width and height.
pub const TILE: usize = 512;

/// Tile compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// Uncompressed tiles (no predictor).
    None,
    /// DEFLATE (zlib stream, TIFF compression 8) with predictor.
    Deflate,
    /// ZSTD (TIFF compression 50000) with predictor.
    Zstd,
}

/// Sample type of the layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// IEEE float, NaN nodata.
    Float32,
    /// Signed integer with a nodata code.
    Int32,
}

/// One raw TIFF tag: code, field type, count and value bytes (little-endian).
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// Tag code.
    pub code: u16,
    /// TIFF field type (3 SHORT, 4 LONG, 12 DOUBLE, ...).
    pub typ: u16,
    /// Number of values.
    pub count: u64,
    /// The values' bytes.
    pub data: Vec<u8>,
}

/// Bytes of one value of TIFF field type `typ` (TIFF 6.0 and BigTIFF types), `None` for others.
fn type_size(typ: u16) -> Option<u64> {
    Some(match typ {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 | 16 | 17 | 18 => 8,
        _ => return None,
    })
}

/// A layer for the parts' tests.
#[cfg(test)]
pub(super) mod tests {
    /// A worker pool of `threads` threads for the encoder (one per test, kept to the end).
    pub(super) fn pool(threads: usize) -> &'static rayon::ThreadPool {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        Box::leak(Box::new(pool))
    }

    /// A test layer: values with nodata holes (single cells, a block of whole windows, a
    /// column at the right edge).
    pub(super) fn layer(w: usize, h: usize) -> Vec<f32> {
        let mut values: Vec<f32> = (0..w * h)
            .map(|i| {
                let x = (i as u32).wrapping_mul(2_654_435_761) >> 9;
                (x % 100_003) as f32 / 977.0 - 20.0
            })
            .collect();
        for i in (0..w * h).step_by(37) {
            values[i] = f32::NAN;
        }
        for r in 100..h.min(140) {
            values[r * w + 200..r * w + 260].fill(f32::NAN);
            values[r * w + w - 1] = f32::NAN;
        }
        values
    }
}
