//! Tile rows of a level encoded in parallel: each tile cut from the rows, padded with nodata,
//! put through the predictor and codec, and written in place (uncompressed) or into the spill
//! file until the layout is known (compressed).
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::codecs::encode_tile;
use super::inplace::write_in_place;
use super::level::Level;
use super::{Codec, Sample, TILE};

/// How each level's tiles are encoded and where they go.
pub(super) struct Settings {
    pub(super) sample: Sample,
    pub(super) codec: Codec,
    pub(super) nodata: u32,
    pub(super) file: File,
    /// Uncompressed layers: per level, the offsets of the tiles' data in `file`.
    pub(super) offsets: Option<Vec<Vec<u64>>>,
    /// Held while a tile is written: workers writing to one file at once wait for its inode
    /// lock spinning in the kernel, which costs more processor time than they gain.
    pub(super) writing: Mutex<()>,
    /// Compressed layers: the spill file that holds tiles until the layout is known, and its
    /// length so far.
    pub(super) spill: Option<(File, AtomicU64)>,
}

impl Settings {
    /// Uncompressed layers: the file and, per level, the offsets of the tiles' data.
    pub(super) fn direct(&self) -> Option<(&File, &[Vec<u64>])> {
        self.offsets.as_deref().map(|o| (&self.file, o))
    }

    /// Compressed layers: the spill file and its length so far.
    pub(super) fn spill(&self) -> Option<(&File, &AtomicU64)> {
        self.spill.as_ref().map(|(f, end)| (f, end))
    }
}

thread_local! {
    /// Per-worker tile, predictor and output buffers, reused from tile to tile.
    pub(super) static SCRATCH: std::cell::RefCell<(Vec<u32>, Vec<u8>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new(), Vec::new())) };
}

/// An encoded tile: its size, and its bytes when they are not written yet.
pub(super) type Encoded = (u64, Vec<u8>);

/// Cuts up to [`TILE`] full-width rows of a level (those of `parts[0]`, then those of
/// `parts[1]`) into tiles and encodes them in parallel, into the spill file or,
/// uncompressed, straight into the file at their offsets.
pub(super) fn encode_tile_row(
    level: &mut Level,
    parts: [&[u32]; 2],
    settings: &Settings,
) -> std::io::Result<()> {
    let w = level.width;
    let split = parts[0].len() / w;
    let n = split + parts[1].len() / w;
    let row = |r: usize| match r < split {
        true => &parts[0][r * w..(r + 1) * w],
        false => &parts[1][(r - split) * w..(r - split + 1) * w],
    };
    let tiles_x = w.div_ceil(TILE);
    let first = level.sizes.len();
    let direct = settings
        .direct()
        .map(|(file, o)| (file, &o[level.index][first..]));
    let encoded: Vec<std::io::Result<Encoded>> = (0..tiles_x)
        .into_par_iter()
        .map(|tx| {
            let c0 = tx * TILE;
            let cw = TILE.min(w - c0);
            let at = direct.map(|(file, offsets)| (file, offsets[tx]));
            if let (Some((file, at)), true) = (at, n == TILE && cw == TILE) {
                // A whole uncompressed tile: its 512 row pieces go from the rows to the file,
                // without a tile copy.
                let pieces: Vec<&[u8]> = (0..n).map(|r| u32_bytes(&row(r)[c0..c0 + cw])).collect();
                return Ok((
                    write_in_place(&settings.writing, file, at, &pieces)?,
                    Vec::new(),
                ));
            }
            SCRATCH.with(|cell| {
                let mut scratch = cell.borrow_mut();
                let (tile, bytes, out) = &mut *scratch;
                tile.clear();
                tile.resize(TILE * TILE, settings.nodata);
                for r in 0..n {
                    tile[r * TILE..r * TILE + cw].copy_from_slice(&row(r)[c0..c0 + cw]);
                }
                emit_tile(tile, bytes, out, settings, at)
            })
        })
        .collect();
    record(level, encoded, settings)
}

/// Encodes one tile (`tile`: [`TILE`] x [`TILE`] cells, edges padded with nodata) and writes
/// it at its planned place (`at`: the file and the offset of its data, uncompressed layers),
/// or returns its bytes: `(size, bytes)`.
pub(super) fn emit_tile(
    tile: &mut [u32],
    bytes: &mut Vec<u8>,
    out: &mut Vec<u8>,
    settings: &Settings,
    at: Option<(&File, u64)>,
) -> std::io::Result<Encoded> {
    let data: &[u8] = if settings.codec == Codec::None {
        u32_bytes(tile)
    } else {
        encode_tile(tile, bytes, out, settings.sample, settings.codec);
        out
    };
    match at {
        Some((file, at)) => Ok((
            write_in_place(&settings.writing, file, at, &[data])?,
            Vec::new(),
        )),
        None => Ok((data.len() as u64, data.to_vec())),
    }
}

/// Records a tile row's encoded tiles in order: their sizes and, for compressed layers, where
/// their bytes went in the spill file (uncompressed tiles are already in place).
pub(super) fn record(
    level: &mut Level,
    encoded: Vec<std::io::Result<Encoded>>,
    settings: &Settings,
) -> std::io::Result<()> {
    for e in encoded {
        let (size, data) = e?;
        level.sizes.push(size);
        if let Some((file, end)) = settings.spill() {
            let at = end.fetch_add(data.len() as u64, Ordering::Relaxed);
            file.write_all_at(&data, at)?;
            level.spilled.push((at, data.len()));
        }
    }
    Ok(())
}

/// The bytes of `u32`s as stored (the file is little-endian, as the target).
fn u32_bytes(v: &[u32]) -> &[u8] {
    // Safety: same memory, u8 has no alignment, every byte is initialised.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), v.len() * 4) }
}
