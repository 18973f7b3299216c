//! Sample catchments: each cell belongs to the first sample downstream of it.
//!
//! A stream-sediment sample integrates the rocks of its catchment; where samples lie one above
//! another on the same drainage, the lower one's catchment is the area between them (the
//! upstream basin is cut out), as in the sample catchment basins of stream-sediment
//! geochemistry. The labelling walks the accumulation's topological order backwards,
//! downstream first: a sample's outlet cell takes its own label, every other cell the label of
//! the cell it drains into, so each cell costs `O(1)`.
use super::{Accumulation, FlowGrid, NODATA};

/// Catchment labels and sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catchments {
    /// Per cell, `k + 1` for the catchment of sample `k`, 0 for cells no sample drains (and
    /// nodata).
    pub labels: Vec<i32>,
    /// Per sample, the number of cells labelled `k + 1`.
    pub cells: Vec<u64>,
}

/// Labels each valid cell with `k + 1` for the first sample `k` on its flow path (its own cell
/// included: a sample's outlet cell lies in its catchment), 0 if the path meets none.
///
/// `outlets[k]` is sample `k`'s snapped cell (see [`super::snap_to_stream`]); `None`, an index
/// off the grid or a nodata cell gives an empty catchment. When several samples share a cell,
/// the lowest `k` takes it and the others get empty catchments (`cells[k] = 0`): two samples
/// in one cell cannot be told apart by the flow. A sample beyond `i32::MAX - 1` gets none.
pub fn label_catchments(
    flow: &FlowGrid,
    acc: &Accumulation,
    outlets: &[Option<usize>],
) -> Catchments {
    let n = flow.dirs.len();
    let mut labels = vec![0i32; n];
    for (k, &outlet) in outlets.iter().enumerate() {
        let (Some(i), Ok(label)) = (outlet, i32::try_from(k + 1)) else {
            continue;
        };
        if i < n && flow.dirs[i] != NODATA && labels[i] == 0 {
            labels[i] = label;
        }
    }
    for &i in acc.order.iter().rev() {
        let i = i as usize;
        if i < n && labels[i] == 0 {
            if let Some(j) = flow.downstream(i) {
                labels[i] = labels[j];
            }
        }
    }
    let mut cells = vec![0u64; outlets.len()];
    for &label in &labels {
        if label > 0 {
            cells[label as usize - 1] += 1;
        }
    }
    Catchments { labels, cells }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hydrology::{condition, snap_to_stream};
    use proptest::prelude::*;

    /// Two V-valleys side by side, axes at columns 2 and 7 of a 10-column grid, the ridge
    /// between columns 4 and 5, both falling southwards.
    fn twin_valleys(w: usize, h: usize) -> Vec<f32> {
        (0..w * h)
            .map(|i| {
                let (r, c) = (i / w, i % w);
                let axis = if c < 5 { 2.0 } else { 7.0 };
                (c as f32 - axis).abs() + 0.1 * (h - r) as f32
            })
            .collect()
    }

    #[test]
    fn two_valleys_split_exactly_at_the_ridge() {
        let (w, h) = (10, 6);
        let (flow, acc) = condition(&twin_valleys(w, h), w, h).unwrap();
        let outlets = [Some((h - 1) * w + 2), Some((h - 1) * w + 7)];
        let cat = label_catchments(&flow, &acc, &outlets);
        for i in 0..w * h {
            let want = if i % w < 5 { 1 } else { 2 };
            assert_eq!(cat.labels[i], want, "cell {i}");
        }
        assert_eq!(cat.cells, vec![30, 30]);
    }

    #[test]
    fn a_nested_sample_cuts_its_basin_out() {
        // One valley, axis at column 3 of 7; samples at the outlet (row 5) and at row 2.
        let (w, h) = (7, 6);
        let z = crate::hydrology::testgrids::v_valley(w, h, 3, 0.1);
        let (flow, acc) = condition(&z, w, h).unwrap();
        let (low, up) = ((h - 1) * w + 3, 2 * w + 3);
        let cat = label_catchments(&flow, &acc, &[Some(low), Some(up)]);
        // Upstream sample: rows 0..=2, exactly its accumulation.
        for i in 0..w * h {
            let want = if i / w <= 2 { 2 } else { 1 };
            assert_eq!(cat.labels[i], want, "cell {i}");
        }
        assert_eq!(cat.cells, vec![21, 21]);
        assert_eq!(cat.cells[1], acc.cells[up] as u64);
        // The order of the samples does not matter.
        let swapped = label_catchments(&flow, &acc, &[Some(up), Some(low)]);
        assert_eq!(swapped.cells, vec![21, 21]);
        assert_eq!(swapped.labels[0], 1);
    }

    #[test]
    fn a_shared_cell_goes_to_the_first_sample() {
        let (w, h) = (7, 6);
        let z = crate::hydrology::testgrids::v_valley(w, h, 3, 0.1);
        let (flow, acc) = condition(&z, w, h).unwrap();
        let at = (h - 1) * w + 3;
        let cat = label_catchments(&flow, &acc, &[None, Some(at), Some(at), Some(w * h + 5)]);
        assert_eq!(cat.cells, vec![0, 42, 0, 0]);
        assert!(cat.labels.iter().all(|&l| l == 2));
    }

    #[test]
    fn a_pit_in_the_valley_drains_through_to_the_sample() {
        // A cell on the axis lower than everything around it: filled, its upstream still
        // reaches the sample at the outlet; snapped from a side cell with radius 1.5.
        let (w, h) = (7, 8);
        let mut z = crate::hydrology::testgrids::v_valley(w, h, 3, 0.1);
        z[3 * w + 3] = -5.0;
        let (flow, acc) = condition(&z, w, h).unwrap();
        let last = (h - 1) * w + 3;
        assert_eq!(acc.cells[last], (w * h) as u32);
        let s = snap_to_stream(&acc, w, h, (h - 1) as f64 + 0.5, 4.5, 1.5);
        assert_eq!(s, Some(last));
        let cat = label_catchments(&flow, &acc, &[s]);
        assert!(cat.labels.iter().all(|&l| l == 1));
        assert_eq!(cat.cells, vec![(w * h) as u64]);
    }

    proptest::proptest! {
        #[test]
        fn each_cell_takes_its_own_sample_or_its_downstream_label(
            (w, h, z, picks) in (1usize..=8, 1usize..=8).prop_flat_map(|(w, h)| {
                let cell = prop_oneof![1 => Just(f32::NAN), 5 => (0u8..5).prop_map(f32::from)];
                (
                    Just(w),
                    Just(h),
                    proptest::collection::vec(cell, w * h),
                    proptest::collection::vec(proptest::option::of(0..w * h), 0..6),
                )
            })
        ) {
            let (flow, acc) = condition(&z, w, h).unwrap();
            let cat = label_catchments(&flow, &acc, &picks);
            for (i, v) in z.iter().enumerate() {
                let own = picks
                    .iter()
                    .position(|&p| p == Some(i) && !v.is_nan())
                    .map(|k| k as i32 + 1);
                let want = match (own, flow.downstream(i)) {
                    (Some(k), _) => k,
                    (None, Some(j)) => cat.labels[j],
                    (None, None) => 0,
                };
                proptest::prop_assert_eq!(cat.labels[i], want, "cell {}", i);
            }
            for (k, &n) in cat.cells.iter().enumerate() {
                let labelled = cat.labels.iter().filter(|&&l| l == k as i32 + 1).count();
                proptest::prop_assert_eq!(n, labelled as u64);
            }
        }
    }

    #[test]
    fn nodata_and_undrained_cells_are_zero() {
        // 3 x 1: a NaN, then two cells draining east; a sample at the middle cell only.
        let z = [f32::NAN, 2.0, 1.0];
        let (flow, acc) = condition(&z, 3, 1).unwrap();
        let cat = label_catchments(&flow, &acc, &[Some(1)]);
        assert_eq!(cat.labels, vec![0, 1, 0]);
        // A sample on the nodata cell has an empty catchment.
        let cat = label_catchments(&flow, &acc, &[Some(0)]);
        assert_eq!((cat.labels, cat.cells), (vec![0, 0, 0], vec![0]));
    }
}
