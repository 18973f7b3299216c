//! The block engine: an analysis grid processed as full-width row strips, in parallel, with
//! results handed to a writer in grid order.
//!
//! Blocks are computed in waves of a few blocks per worker thread (rayon) and each wave is
//! written before the next is computed, so memory is bounded by `wave × block size` whatever
//! the grid size. Each block's result depends only on the block and the shared inputs, never
//! on which thread computed it or in which order, so outputs are bit-identical for any thread
//! count.
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::progress::{Progress, Silent};

/// Target cells per block: 1 Mi cells, 4 MiB per Float32 layer.
pub const BLOCK_CELLS: usize = 1 << 20;

/// A full-width strip of rows `row0 .. row0 + rows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// Sequence number, from 0 at the top.
    pub index: usize,
    /// First grid row.
    pub row0: usize,
    /// Number of rows.
    pub rows: usize,
}

impl Block {
    /// The block as a grid of its own (same CRS, cell size and columns).
    pub fn grid(&self, grid: &GridSpec) -> GridSpec {
        GridSpec {
            crs_wkt: grid.crs_wkt.clone(),
            x0: grid.x0,
            y0: grid.y0 - self.row0 as f64 * grid.res,
            res: grid.res,
            width: grid.width,
            height: self.rows,
            window: None,
            area: None,
        }
    }
}

/// The blocks of a grid: strips of about [`BLOCK_CELLS`] cells (at least one row).
///
/// Strips are a multiple of 512 rows (the COG tile height) when the grid is narrow enough, a
/// power of two from 16 to 256 rows otherwise, so that every 512th row starts a block: tiles of
/// a plan (`geoprospect plan`) are whole blocks aligned to the COG tiles. A grid with a
/// [`crate::grid::RowWindow`] gives the blocks of the whole grid that start in the window.
pub fn blocks(grid: &GridSpec) -> Vec<Block> {
    blocks_of(grid, BLOCK_CELLS)
}

/// Rows per block for a target of `cells` cells per block.
pub fn block_rows(width: usize, cells: usize) -> usize {
    let rows = (cells / width.max(1)).max(1);
    if rows >= 512 {
        rows - rows % 512
    } else if rows >= 16 {
        1 << rows.ilog2()
    } else {
        rows
    }
}

/// The blocks of a grid for a given target size (cells per block).
pub fn blocks_of(grid: &GridSpec, cells: usize) -> Vec<Block> {
    let rows = block_rows(grid.width, cells);
    let window = grid.file_rows();
    (0..grid.height)
        .step_by(rows)
        .enumerate()
        .map(|(index, row0)| Block {
            index,
            row0,
            rows: rows.min(grid.height - row0),
        })
        .filter(|b| b.row0 >= window.row0 && b.row0 < window.row0 + window.rows)
        .collect()
}

/// A rayon thread pool sized by `--threads`.
pub struct Engine {
    pool: rayon::ThreadPool,
    threads: usize,
    progress: Arc<dyn Progress>,
}

impl Engine {
    /// An engine with `threads` workers (at least 1).
    pub fn new(threads: usize) -> Result<Engine> {
        let threads = threads.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::Internal(format!("cannot start {threads} worker threads: {e}")))?;
        Ok(Engine {
            pool,
            threads,
            progress: Arc::new(Silent),
        })
    }

    /// The same engine reporting to `progress`.
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Engine {
        self.progress = progress;
        self
    }

    /// Where stages and blocks are reported.
    pub fn progress(&self) -> &dyn Progress {
        self.progress.as_ref()
    }

    /// The worker pool, for parallel work outside the block loop that must run on the same
    /// threads (the COG encoder's tiles).
    pub fn pool(&self) -> &rayon::ThreadPool {
        &self.pool
    }

    /// Worker threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` on the pool (for parallel work that is not block-wise).
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        self.pool.install(f)
    }

    /// Computes every block with `compute` in parallel and passes the results to `sink` in
    /// block order, reporting each written block to the engine's progress. Stops at the first
    /// error (in block order).
    pub fn for_each_block<T, C, S>(&self, blocks: &[Block], compute: C, mut sink: S) -> Result<()>
    where
        T: Send,
        C: Fn(&Block) -> Result<T> + Sync,
        S: FnMut(&Block, T) -> Result<()>,
    {
        let wave = self.threads * 2;
        for chunk in blocks.chunks(wave) {
            let results: Vec<Result<T>> = self
                .pool
                .install(|| chunk.par_iter().map(&compute).collect());
            for (block, result) in chunk.iter().zip(results) {
                sink(block, result?)?;
                self.progress.advance(1);
            }
        }
        Ok(())
    }

    /// [`Engine::for_each_block`] as one stage of the engine's progress: the stage `name`
    /// begins with one unit per block and is finished whether the blocks succeed or not.
    pub fn stage<T, C, S>(&self, name: &str, blocks: &[Block], compute: C, sink: S) -> Result<()>
    where
        T: Send,
        C: Fn(&Block) -> Result<T> + Sync,
        S: FnMut(&Block, T) -> Result<()>,
    {
        self.staged(name, blocks.len() as u64, || {
            self.for_each_block(blocks, compute, sink)
        })
    }

    /// Runs `work` as one stage `name` of `units` units of the engine's progress (0 for a
    /// stage whose inner stages report the units), finished whether `work` succeeds or not.
    pub fn staged<R>(&self, name: &str, units: u64, work: impl FnOnce() -> Result<R>) -> Result<R> {
        self.progress.stage(name, units);
        let done = work();
        self.progress.finish();
        done
    }

    /// Maps every block in parallel and returns the results in block order (for per-block
    /// partial statistics that are merged afterwards in a fixed order).
    pub fn map_blocks<T, C>(&self, blocks: &[Block], compute: C) -> Result<Vec<T>>
    where
        T: Send,
        C: Fn(&Block) -> Result<T> + Sync,
    {
        self.pool
            .install(|| blocks.par_iter().map(&compute).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(w: usize, h: usize) -> GridSpec {
        GridSpec {
            crs_wkt: String::new(),
            x0: 0.0,
            y0: 0.0,
            res: 1.0,
            width: w,
            height: h,
            window: None,
            area: None,
        }
    }

    #[test]
    fn blocks_cover_every_row_once() {
        for (w, h) in [(1, 1), (7, 1000), (5000, 5000), (100_000, 3)] {
            let b = blocks(&grid(w, h));
            assert_eq!(b[0].row0, 0);
            assert_eq!(b.iter().map(|b| b.rows).sum::<usize>(), h);
            assert!(b.windows(2).all(|p| p[0].row0 + p[0].rows == p[1].row0));
            assert!(b.iter().enumerate().all(|(i, b)| b.index == i));
        }
    }

    #[test]
    fn block_grid_is_shifted_down() {
        let g = GridSpec {
            crs_wkt: String::new(),
            x0: 10.0,
            y0: 100.0,
            res: 2.0,
            width: 4,
            height: 50,
            window: None,
            area: None,
        };
        let b = Block {
            index: 1,
            row0: 10,
            rows: 5,
        };
        let bg = b.grid(&g);
        assert_eq!((bg.y0, bg.height), (80.0, 5));
        assert_eq!(bg.cell_centre(0, 0), g.cell_centre(10, 0));
    }

    #[test]
    fn results_arrive_in_block_order_for_any_thread_count() {
        let g = grid(10, 1000);
        let bl = blocks_of(&g, 100);
        for threads in [1, 2, 3, 8] {
            let engine = Engine::new(threads).unwrap();
            let mut seen = Vec::new();
            engine
                .for_each_block(
                    &bl,
                    |b| Ok(b.row0 * 3),
                    |b, v| {
                        seen.push((b.index, v));
                        Ok(())
                    },
                )
                .unwrap();
            let expected: Vec<_> = bl.iter().map(|b| (b.index, b.row0 * 3)).collect();
            assert_eq!(seen, expected);
        }
    }

    #[test]
    fn first_error_in_block_order_stops_the_run() {
        let g = grid(10, 100);
        let bl = blocks_of(&g, 10);
        let engine = Engine::new(4).unwrap();
        let mut written = 0;
        let r = engine.for_each_block(
            &bl,
            |b| {
                if b.index >= 3 {
                    Err(Error::param(format!("block {}", b.index)))
                } else {
                    Ok(())
                }
            },
            |_, _| {
                written += 1;
                Ok(())
            },
        );
        assert_eq!(r.unwrap_err().to_string(), "block 3");
        assert_eq!(written, 3);
    }
}
