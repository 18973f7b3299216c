//! Hydrological conditioning of a DEM and the catchments of stream-sediment samples.
//!
//! A stream-sediment sample stands for the rocks upstream of it, so its catchment is the unit
//! its assay describes. The chain, each step a pure function over row-major slices (row 0 at
//! the top, NaN = nodata):
//!
//! 1. [`fill_depressions`]: Priority-Flood with a pit queue (Barnes, Lehman & Mulla 2014,
//!    *Computers & Geosciences* 62:117–127, "Priority-flood: An optimal depression-filling and
//!    watershed-labeling algorithm for digital elevation models", Algorithm 2) raises every
//!    depression to its spill height, without an epsilon gradient: filled pits become flats;
//! 2. [`flow_directions`]: D8 steepest descent (O'Callaghan & Mark 1984), and over flats the
//!    drainage of Barnes, Lehman & Mulla 2014, *Computers & Geosciences* 62:128–135, "An
//!    efficient assignment of drainage direction over flat surfaces in raster digital
//!    elevation models": away from higher terrain and towards lower terrain;
//! 3. [`accumulate`]: the number of cells draining through each cell, and a topological order
//!    of the cells (upstream before downstream);
//! 4. [`snap_to_stream`]: a sample moves to the highest-accumulation cell near it (the stream
//!    it was taken from);
//! 5. [`label_catchments`]: each cell takes the label of the first sample downstream of it,
//!    so nested catchments are cut out of the ones below them.
//!
//! [`condition`] runs steps 1–3. Every valid cell of a conditioned DEM has a flow path that
//! ends in an [`OUTLET`] cell (off the grid or into nodata), without cycles.
pub mod accumulation;
pub mod catchments;
mod d8;
pub mod fill;
pub mod flats;
pub mod snap;

pub use accumulation::{accumulate, Accumulation};
pub use catchments::{label_catchments, Catchments};
pub use fill::fill_depressions;
pub use flats::flow_directions;
pub use snap::snap_to_stream;

use crate::error::{Error, Result};

/// A DEM of up to 10^8 cells is conditioned in memory, about 30 bytes a cell (the filled
/// elevations, the priority queue, flat labels and gradients, directions, accumulation and
/// order); larger ones are refused before reading.
pub const MAX_DEM_CELLS: usize = 100_000_000;

/// The eight neighbours as (row, column) offsets, indexed by a direction code: E, SE, S, SW,
/// W, NW, N, NE (clockwise from east, rows growing southwards).
pub const D8: [(isize, isize); 8] = [
    (0, 1),
    (1, 1),
    (1, 0),
    (1, -1),
    (0, -1),
    (-1, -1),
    (-1, 0),
    (-1, 1),
];

/// Direction code of a valid cell that drains off the grid or into nodata.
pub const OUTLET: u8 = 8;

/// Direction code of a nodata (NaN) cell.
pub const NODATA: u8 = 255;

/// D8 flow directions of a grid: `dirs[i]` is an index into [`D8`], [`OUTLET`] or
/// [`NODATA`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowGrid {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// One code a cell, row-major.
    pub dirs: Vec<u8>,
}

impl FlowGrid {
    /// The cell `i` drains into, or `None` when `i` is an outlet or nodata (or its direction
    /// would leave the grid or enter a nodata cell).
    pub fn downstream(&self, i: usize) -> Option<usize> {
        let d = *self.dirs.get(i)?;
        if d >= OUTLET || self.width == 0 {
            return None;
        }
        let j = neighbour(
            i / self.width,
            i % self.width,
            d as usize,
            self.width,
            self.height,
        )?;
        self.dirs.get(j).is_some_and(|&c| c != NODATA).then_some(j)
    }
}

/// Fills depressions, assigns flow directions and accumulates flow: steps 1–3 of the chain.
pub fn condition(dem: &[f32], width: usize, height: usize) -> Result<(FlowGrid, Accumulation)> {
    let filled = fill_depressions(dem, width, height)?;
    let flow = flow_directions(&filled, width, height);
    let acc = accumulate(&flow);
    Ok((flow, acc))
}

/// Checks that `len` cells make a `width` x `height` grid of at most [`MAX_DEM_CELLS`].
pub(crate) fn check_grid(len: usize, width: usize, height: usize) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::param(format!(
            "a dem needs at least one row and one column, got {width} x {height}"
        )));
    }
    if width.checked_mul(height) != Some(len) {
        return Err(Error::param(format!(
            "a {width} x {height} dem needs {} cells, got {len}",
            width.saturating_mul(height)
        )));
    }
    if len > MAX_DEM_CELLS {
        return Err(Error::param(format!(
            "a dem of {len} cells is larger than the {MAX_DEM_CELLS} conditioned in memory"
        )));
    }
    Ok(())
}

/// The neighbour of cell (`r`, `c`) in direction `d`, or `None` off the grid.
#[inline]
pub(crate) fn neighbour(
    r: usize,
    c: usize,
    d: usize,
    width: usize,
    height: usize,
) -> Option<usize> {
    let (dr, dc) = D8[d];
    let (nr, nc) = (r.checked_add_signed(dr)?, c.checked_add_signed(dc)?);
    (nr < height && nc < width).then_some(nr * width + nc)
}

/// The neighbours of cell `i` on the grid with their direction codes, in [`D8`] order.
/// Interior cells (all but the outermost rows and columns) skip the bounds checks.
#[inline]
pub(crate) fn around(
    i: usize,
    width: usize,
    height: usize,
) -> impl Iterator<Item = (usize, usize)> {
    let (r, c) = (i / width, i % width);
    let interior = r > 0 && c > 0 && r + 1 < height && c + 1 < width;
    let w = width as isize;
    (0..8).filter_map(move |d| {
        if interior {
            let (dr, dc) = D8[d];
            Some((d, i.wrapping_add_signed(dr * w + dc)))
        } else {
            neighbour(r, c, d, width, height).map(|n| (d, n))
        }
    })
}

#[cfg(test)]
pub(crate) mod testgrids {
    //! Grids shared by the tests of the chain.

    /// A V-valley: `|col - axis|` across, falling by `slope` a row southwards, so the axis
    /// column drains south and its last cell takes everything.
    pub fn v_valley(width: usize, height: usize, axis: usize, slope: f32) -> Vec<f32> {
        (0..width * height)
            .map(|i| {
                let (r, c) = (i / width, i % width);
                (c as f32 - axis as f32).abs() + slope * (height - r) as f32
            })
            .collect()
    }

    /// Follows flow from `i` and returns the outlet cell it ends in, or `None` on a cycle.
    pub fn path_end(flow: &super::FlowGrid, mut i: usize) -> Option<usize> {
        for _ in 0..=flow.dirs.len() {
            match flow.downstream(i) {
                Some(j) => i = j,
                None => return (flow.dirs[i] == super::OUTLET).then_some(i),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d8_offsets_run_clockwise_from_east() {
        assert_eq!(D8[0], (0, 1));
        assert_eq!(D8[2], (1, 0));
        assert_eq!(D8[4], (0, -1));
        assert_eq!(D8[6], (-1, 0));
        // Opposite directions are 4 apart.
        for d in 0..8 {
            let (a, b) = (D8[d], D8[(d + 4) % 8]);
            assert_eq!((a.0 + b.0, a.1 + b.1), (0, 0));
        }
    }

    #[test]
    fn downstream_follows_codes_and_stops_at_outlets_and_nodata() {
        // 3 x 2: row 0 = E, S, OUTLET; row 1 = N, NODATA, W (into nodata).
        let flow = FlowGrid {
            width: 3,
            height: 2,
            dirs: vec![0, 2, OUTLET, 6, NODATA, 4],
        };
        assert_eq!(flow.downstream(0), Some(1));
        assert_eq!(flow.downstream(1), None); // south is the nodata cell
        assert_eq!(flow.downstream(2), None);
        assert_eq!(flow.downstream(3), Some(0));
        assert_eq!(flow.downstream(4), None);
        assert_eq!(flow.downstream(5), None);
        assert_eq!(flow.downstream(6), None);
        // A code pointing off the grid.
        let off = FlowGrid {
            width: 1,
            height: 1,
            dirs: vec![0],
        };
        assert_eq!(off.downstream(0), None);
    }

    #[test]
    fn grids_are_checked() {
        assert!(check_grid(6, 3, 2).is_ok());
        assert!(check_grid(5, 3, 2).is_err());
        assert!(check_grid(0, 0, 0).is_err());
        assert!(check_grid(0, 3, 0).is_err());
        assert!(check_grid(usize::MAX, usize::MAX, 2).is_err());
        let big = MAX_DEM_CELLS + 1;
        assert!(check_grid(big, big, 1).is_err());
    }

    #[test]
    fn condition_chains_the_steps() {
        let (w, h) = (5, 4);
        let (flow, acc) = condition(&testgrids::v_valley(w, h, 2, 0.1), w, h).unwrap();
        assert_eq!(acc.cells[(h - 1) * w + 2], (w * h) as u32);
        assert_eq!(flow.dirs[(h - 1) * w + 2], OUTLET);
    }
}
