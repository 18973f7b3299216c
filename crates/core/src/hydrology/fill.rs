//! Depression filling by Priority-Flood (Barnes, Lehman & Mulla 2014, *Computers &
//! Geosciences* 62:117–127, "Priority-flood: An optimal depression-filling and
//! watershed-labeling algorithm for digital elevation models", Algorithm 2, the improved
//! variant with a plain queue for pit cells).
//!
//! The flood starts from the cells water can leave by: every valid cell on the grid's edge or
//! beside a nodata cell (8-connected). It grows inwards from the lowest open cell; a neighbour
//! no higher than the cell that reaches it lies in a depression, is raised to that cell's
//! elevation and is processed from a first-in first-out queue, without the heap's `log n`.
//! No epsilon is added: a filled depression is a flat, which [`super::flow_directions`]
//! drains. The heap is ordered by elevation ([`f32::total_cmp`]) and then by cell index, so
//! the result does not depend on anything but the DEM.
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use super::{around, check_grid};
use crate::error::Result;

/// An open cell: its elevation and index, ordered lowest first (ties: lowest index first) in
/// a max-heap.
#[derive(Debug, Clone, Copy)]
struct Open {
    z: f32,
    i: u32,
}

impl Ord for Open {
    fn cmp(&self, other: &Self) -> Ordering {
        other.z.total_cmp(&self.z).then(other.i.cmp(&self.i))
    }
}

impl PartialOrd for Open {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Open {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Open {}

/// Whether valid cell `i` at (`r`, `c`) seeds the flood: on the grid's edge or beside nodata.
fn is_seed(dem: &[f32], r: usize, c: usize, width: usize, height: usize) -> bool {
    if r == 0 || c == 0 || r + 1 == height || c + 1 == width {
        return true;
    }
    around(r * width + c, width, height).any(|(_, j)| dem[j].is_nan())
}

/// The DEM with every depression raised to its spill height (NaN cells stay NaN).
///
/// Errors when `width` or `height` is 0, `dem` does not hold `width * height` cells, or it is
/// larger than [`super::MAX_DEM_CELLS`]. A DEM without valid cells comes back unchanged.
pub fn fill_depressions(dem: &[f32], width: usize, height: usize) -> Result<Vec<f32>> {
    check_grid(dem.len(), width, height)?;
    let mut z = dem.to_vec();
    let mut closed = vec![false; z.len()];
    let mut open = BinaryHeap::new();
    let mut pit: VecDeque<u32> = VecDeque::new();
    for (i, &v) in dem.iter().enumerate() {
        if !v.is_nan() && is_seed(dem, i / width, i % width, width, height) {
            closed[i] = true;
            // `check_grid` bounds the cells by MAX_DEM_CELLS < u32::MAX.
            open.push(Open { z: v, i: i as u32 });
        }
    }
    loop {
        let c = match pit.pop_front() {
            Some(c) => c as usize,
            None => match open.pop() {
                Some(o) => o.i as usize,
                None => break,
            },
        };
        let zc = z[c];
        for (_, n) in around(c, width, height) {
            if closed[n] || z[n].is_nan() {
                continue;
            }
            closed[n] = true;
            if z[n] <= zc {
                z[n] = zc;
                pit.push_back(n as u32);
            } else {
                open.push(Open {
                    z: z[n],
                    i: n as u32,
                });
            }
        }
    }
    Ok(z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bowl_with_a_central_pit_fills_to_the_spill_height() {
        // 5 x 5: rim 9 except one rim cell at 5 (the spill), inner ring 3, centre pit 1. The
        // whole inside rises to the spill, 5; the rim stays.
        let (w, h) = (5, 5);
        let mut dem = vec![3.0f32; w * h];
        for (i, v) in dem.iter_mut().enumerate() {
            let (r, c) = (i / w, i % w);
            if r == 0 || c == 0 || r == h - 1 || c == w - 1 {
                *v = 9.0;
            }
        }
        dem[2] = 5.0; // the spill, on the top edge
        dem[12] = 1.0;
        let f = fill_depressions(&dem, w, h).unwrap();
        for i in [6, 7, 8, 11, 12, 13, 16, 17, 18] {
            assert_eq!(f[i], 5.0, "{i}");
        }
        assert_eq!(f[2], 5.0);
        assert_eq!(f[0], 9.0);
        assert_eq!(f[24], 9.0);
    }

    #[test]
    fn a_closed_ring_with_an_opening_fills_to_the_openings_height() {
        // 7 x 7 ground at 10; a ring of 20 around rows/cols 1..=5; inside it 2; the ring
        // opens at (1, 3) with height 4. The inside fills to 4, the opening's height.
        let (w, h) = (7, 7);
        let mut dem = vec![10.0f32; w * h];
        for r in 1..=5 {
            for c in 1..=5 {
                dem[r * w + c] = if r == 1 || r == 5 || c == 1 || c == 5 {
                    20.0
                } else {
                    2.0
                };
            }
        }
        dem[w + 3] = 4.0;
        // The ground outside must be lower than the opening to spill there: lower it.
        dem[..w].fill(3.0);
        let f = fill_depressions(&dem, w, h).unwrap();
        for r in 2..=4 {
            for c in 2..=4 {
                assert_eq!(f[r * w + c], 4.0, "({r}, {c})");
            }
        }
        assert_eq!(f[w + 3], 4.0);
        // The ring and the edge cells outside it stay.
        assert_eq!(f[6 * w + 3], 10.0);
        assert_eq!(f[5 * w + 3], 20.0);
        assert_eq!(f[3], 3.0);
    }

    #[test]
    fn cells_already_draining_are_unchanged() {
        // An inclined plane and a V-valley have no depressions.
        let (w, h) = (6, 5);
        let plane: Vec<f32> = (0..w * h).map(|i| (h - i / w) as f32 * 1.5).collect();
        assert_eq!(fill_depressions(&plane, w, h).unwrap(), plane);
        let v = crate::hydrology::testgrids::v_valley(w, h, 2, 0.25);
        assert_eq!(fill_depressions(&v, w, h).unwrap(), v);
    }

    #[test]
    fn nodata_holes_act_as_outlets() {
        // A 5 x 5 bowl (rim 9, inside 1) with a NaN cell in the middle: the inside drains
        // into the hole and is not raised; without the hole it fills to 9.
        let (w, h) = (5, 5);
        let mut dem: Vec<f32> = (0..w * h)
            .map(|i| {
                let (r, c) = (i / w, i % w);
                if r == 0 || c == 0 || r == h - 1 || c == w - 1 {
                    9.0
                } else {
                    1.0
                }
            })
            .collect();
        let closed = fill_depressions(&dem, w, h).unwrap();
        assert!(closed.iter().all(|&v| v == 9.0));
        dem[12] = f32::NAN;
        let f = fill_depressions(&dem, w, h).unwrap();
        assert!(f[12].is_nan());
        for i in [6, 7, 8, 11, 13, 16, 17, 18] {
            assert_eq!(f[i], 1.0);
        }
    }

    #[test]
    fn a_pit_fills_to_its_lowest_neighbour() {
        // 3 x 3 with an interior pit: the pit rises to min of its neighbours.
        let dem = [5.0f32, 6.0, 7.0, 4.0, 0.0, 8.0, 9.0, 3.5, 9.0];
        let f = fill_depressions(&dem, 3, 3).unwrap();
        assert_eq!(f[4], 3.5);
        let mut rest = f.to_vec();
        rest[4] = 0.0;
        assert_eq!(rest, dem);
    }

    #[test]
    fn all_nodata_and_bad_shapes() {
        let nan = vec![f32::NAN; 6];
        let f = fill_depressions(&nan, 3, 2).unwrap();
        assert!(f.iter().all(|v| v.is_nan()));
        assert!(fill_depressions(&[1.0; 5], 3, 2).is_err());
        assert!(fill_depressions(&[], 0, 0).is_err());
        assert_eq!(fill_depressions(&[2.5], 1, 1).unwrap(), vec![2.5]);
    }
}
