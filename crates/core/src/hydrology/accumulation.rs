//! Flow accumulation over D8 directions by a topological sort (Kahn 1962, *Communications of
//! the ACM* 5:558–562, "Topological sorting of large networks").
//!
//! A cell's in-degree is the number of neighbours draining into it. Cells with none (ridges,
//! heads of streams) are queued first, in index order; each cell taken from the queue adds its
//! count to the cell downstream, and that cell is queued once all its upstream cells are
//! done. The queue's order is an upstream-before-downstream order of the cells, kept for the
//! catchment labelling. Each cell is handled once: `O(n)`.
use super::{FlowGrid, NODATA};

/// Flow accumulation and the order it was computed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accumulation {
    /// Per cell, the number of valid cells draining through it, itself included (0 on
    /// nodata).
    pub cells: Vec<u32>,
    /// Every valid cell's index, each upstream of a cell before it.
    pub order: Vec<u32>,
}

/// Counts the cells draining through each cell of `flow`.
///
/// Directions from [`super::flow_directions`] have no cycles; in a grid built otherwise, the
/// cells on a cycle and downstream of it are left out of `order` and undercounted.
pub fn accumulate(flow: &FlowGrid) -> Accumulation {
    let n = flow.dirs.len();
    let mut indegree = vec![0u8; n];
    for i in 0..n {
        if let Some(j) = flow.downstream(i) {
            indegree[j] += 1;
        }
    }
    let mut cells = vec![0u32; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for (i, (&d, &k)) in flow.dirs.iter().zip(&indegree).enumerate() {
        if d != NODATA {
            cells[i] = 1;
            if k == 0 {
                order.push(i as u32);
            }
        }
    }
    let mut head = 0;
    while head < order.len() {
        let i = order[head] as usize;
        head += 1;
        if let Some(j) = flow.downstream(i) {
            cells[j] += cells[i];
            indegree[j] -= 1;
            if indegree[j] == 0 {
                order.push(j as u32);
            }
        }
    }
    Accumulation { cells, order }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hydrology::testgrids::v_valley;
    use crate::hydrology::{condition, OUTLET};

    #[test]
    fn an_inclined_plane_drains_each_column_south() {
        let (w, h) = (6, 5);
        let plane: Vec<f32> = (0..w * h).map(|i| (h - i / w) as f32).collect();
        let (flow, acc) = condition(&plane, w, h).unwrap();
        for c in 0..w {
            assert_eq!(acc.cells[(h - 1) * w + c], h as u32, "column {c}");
            for r in 0..h {
                assert_eq!(acc.cells[r * w + c], r as u32 + 1);
            }
        }
        assert!(flow.dirs[(h - 1) * w..].iter().all(|&d| d == OUTLET));
    }

    #[test]
    fn a_v_valley_gathers_every_cell_in_its_last_axis_cell() {
        let (w, h, axis) = (7, 6, 3);
        let (flow, acc) = condition(&v_valley(w, h, axis, 0.1), w, h).unwrap();
        let last = (h - 1) * w + axis;
        assert_eq!(acc.cells[last], (w * h) as u32);
        // Down the axis: every row above drains in, row by row.
        for r in 0..h {
            assert_eq!(acc.cells[r * w + axis], ((r + 1) * w) as u32, "row {r}");
        }
        assert_eq!(flow.dirs.iter().filter(|&&d| d == OUTLET).count(), 1);
    }

    #[test]
    fn outlets_sum_to_the_valid_cells_and_order_is_topological() {
        // A bumpy DEM with holes.
        let (w, h) = (11, 9);
        let z: Vec<f32> = (0..w * h)
            .map(|i| {
                if i % 13 == 5 {
                    f32::NAN
                } else {
                    ((i * 7919) % 23) as f32
                }
            })
            .collect();
        let (flow, acc) = condition(&z, w, h).unwrap();
        let valid = z.iter().filter(|v| !v.is_nan()).count();
        let at_outlets: u64 = (0..w * h)
            .filter(|&i| flow.dirs[i] == OUTLET)
            .map(|i| acc.cells[i] as u64)
            .sum();
        assert_eq!(at_outlets, valid as u64);
        assert_eq!(acc.order.len(), valid);
        let mut rank = vec![usize::MAX; w * h];
        for (k, &i) in acc.order.iter().enumerate() {
            rank[i as usize] = k;
        }
        for i in 0..w * h {
            if z[i].is_nan() {
                assert_eq!((acc.cells[i], rank[i]), (0, usize::MAX));
            } else if let Some(j) = flow.downstream(i) {
                assert!(rank[i] < rank[j], "{i} -> {j}");
            }
        }
    }

    #[test]
    fn a_hand_built_grid() {
        // 4 x 1: 0 -> 1 -> 2 (an outlet), then a nodata cell.
        let flow = FlowGrid {
            width: 4,
            height: 1,
            dirs: vec![0, 0, OUTLET, NODATA],
        };
        let acc = accumulate(&flow);
        assert_eq!(acc.cells, vec![1, 2, 3, 0]);
        assert_eq!(acc.order, vec![0, 1, 2]);
    }
}
