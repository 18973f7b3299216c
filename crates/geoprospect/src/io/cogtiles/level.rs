//! One level of the pyramid: its size, the rows waiting to fill a tile row, the rows the next
//! level still needs and where its tiles went.
use super::overviews::Window;
use super::TILE;

/// One resolution of the pyramid: rows waiting to fill a tile row, the rows the next level
/// still needs, the size of every tile so far (row-major) and where compressed tiles wait in
/// the spill file (uncompressed tiles go straight to their place in the file).
pub(super) struct Level {
    /// Its place in the pyramid: 0 for the full resolution.
    pub(super) index: usize,
    pub(super) width: usize,
    pub(super) height: usize,
    /// Source windows of the next level's columns in this level (see
    /// [`source_window`](super::overviews::source_window)).
    pub(super) down: Vec<Window>,
    pub(super) pending: Vec<u32>,
    /// The next level's rows made by the last [`feed`] (a buffer reused from feed to feed).
    pub(super) below: Vec<u32>,
    /// Rows of this level that overview rows still to be made will read, from `kept_row0`.
    pub(super) kept: Vec<Vec<u32>>,
    pub(super) kept_row0: usize,
    /// Rows of the next level made so far.
    pub(super) made: usize,
    pub(super) rows_in: usize,
    pub(super) sizes: Vec<u64>,
    /// Where this level's compressed tiles are in the spill file: `(offset, length)`.
    pub(super) spilled: Vec<(u64, usize)>,
}

impl Level {
    pub(super) fn new(index: usize, width: usize, height: usize) -> Level {
        Level {
            index,
            width,
            height,
            down: Vec::new(),
            pending: Vec::new(),
            below: Vec::new(),
            kept: Vec::new(),
            kept_row0: 0,
            made: 0,
            rows_in: 0,
            sizes: Vec::new(),
            spilled: Vec::new(),
        }
    }

    pub(super) fn tiles(&self) -> usize {
        self.width.div_ceil(TILE) * self.height.div_ceil(TILE)
    }
}
