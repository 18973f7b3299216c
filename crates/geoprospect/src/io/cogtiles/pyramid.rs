//! Rows fed down the pyramid: each level makes the next one's rows and encodes its own complete
//! tile rows.
use rayon::prelude::*;

use super::level::Level;
use super::overviews::{overview_row, rows_needed};
use super::tilerow::{encode_tile_row, Settings};
use super::TILE;

/// Adds rows to level `i`: makes every overview row of the next level whose source rows have
/// all arrived, passes them down, and encodes every complete tile row.
pub(super) fn feed(
    levels: &mut [Level],
    i: usize,
    rows: &[u32],
    settings: &Settings,
) -> std::io::Result<()> {
    let w = levels[i].width;
    let n = rows.len() / w;
    let first = levels[i].rows_in;
    levels[i].rows_in += n;
    if i + 1 < levels.len() && n > 0 {
        let mut made = std::mem::take(&mut levels[i].below);
        let (src, dst) = (&levels[i], &levels[i + 1]);
        let have = src.rows_in;
        let needs = |j: usize| rows_needed(j, src.height, dst.height, settings.sample);
        let mut ready = src.made;
        while ready < dst.height && needs(ready).1 <= have {
            ready += 1;
        }
        let row = |r: usize| -> &[u32] {
            if r < first {
                &src.kept[r - src.kept_row0]
            } else {
                &rows[(r - first) * w..(r - first + 1) * w]
            }
        };
        made.clear();
        made.resize((ready - src.made) * dst.width, 0);
        made.par_chunks_mut(dst.width.max(1))
            .enumerate()
            .for_each(|(k, out)| {
                overview_row(
                    src.made + k,
                    (src.width, src.height),
                    (dst.width, dst.height),
                    &src.down,
                    &row,
                    settings.sample,
                    out,
                )
            });
        let keep_from = if ready < dst.height {
            needs(ready).0
        } else {
            have
        };
        let kept: Vec<Vec<u32>> = (keep_from..have).map(|r| row(r).to_vec()).collect();
        let level = &mut levels[i];
        level.kept = kept;
        level.kept_row0 = keep_from;
        level.made = ready;
        if !made.is_empty() {
            feed(levels, i + 1, &made, settings)?;
        }
        levels[i].below = made;
    }
    // Whole tile rows go from the waiting rows and these, without copying these first.
    let tile_len = TILE * w;
    let level = &mut levels[i];
    let mut rest = rows;
    while level.pending.len() + rest.len() >= tile_len {
        let (now, later) = rest.split_at(tile_len - level.pending.len());
        let pending = std::mem::take(&mut level.pending);
        encode_tile_row(level, [&pending, now], settings)?;
        level.pending = pending;
        level.pending.clear();
        rest = later;
    }
    level.pending.extend_from_slice(rest);
    Ok(())
}

/// The first overview's rows of a tile row, made by the workers of its tiles at once: each
/// writes the cells under its own tile only.
pub(super) struct HalfRows {
    cells: *mut u32,
    len: usize,
    width: usize,
}

// Safety: the workers holding it write disjoint cells (see `HalfRows::piece`).
unsafe impl Sync for HalfRows {}

impl HalfRows {
    /// The rows of `width` cells in `cells`.
    pub(super) fn new(cells: &mut [u32], width: usize) -> HalfRows {
        HalfRows {
            cells: cells.as_mut_ptr(),
            len: cells.len(),
            width,
        }
    }

    /// Cells `c0 .. c0 + n` of row `r`.
    ///
    /// # Safety
    /// No other piece held at the same time may share a cell, and the rows must outlive the
    /// piece.
    #[allow(clippy::mut_from_ref)]
    pub(super) unsafe fn piece(&self, r: usize, c0: usize, n: usize) -> &mut [u32] {
        let at = r * self.width + c0;
        assert!(
            c0 + n <= self.width && at + n <= self.len,
            "outside the rows"
        );
        // Safety: in bounds (asserted); exclusive by the caller's promise.
        unsafe { std::slice::from_raw_parts_mut(self.cells.add(at), n) }
    }
}
