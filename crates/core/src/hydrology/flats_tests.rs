//! Tests of [`super::flow_directions`]: flats, and no cycles on random DEMs.
use super::*;
use crate::hydrology::testgrids::path_end;
use crate::hydrology::{fill_depressions, D8};
use proptest::prelude::*;

/// A `w` x `h` grid at `inside`, with a one-cell border at `border`.
fn walled(w: usize, h: usize, border: f32, inside: f32) -> Vec<f32> {
    (0..w * h)
        .map(|i| {
            let (r, c) = (i / w, i % w);
            if r == 0 || c == 0 || r == h - 1 || c == w - 1 {
                border
            } else {
                inside
            }
        })
        .collect()
}

#[test]
fn a_plateau_with_one_lower_edge_drains_entirely_to_it() {
    // 7 x 7: a flat 5 x 5 plateau at 5 walled at 9, the wall broken by one cell at 1 on the
    // east side. Every cell, the walls included, ends in that cell.
    let (w, h) = (7, 7);
    let mut z = walled(w, h, 9.0, 5.0);
    let exit = 3 * w + 6;
    z[exit] = 1.0;
    let flow = flow_directions(&z, w, h);
    for i in 0..w * h {
        assert_eq!(path_end(&flow, i), Some(exit), "cell {i}");
    }
    // No plateau cell is left without a direction.
    assert!(flow
        .dirs
        .iter()
        .enumerate()
        .all(|(i, &d)| d < 8 || i == exit));
}

#[test]
fn flats_drain_away_from_the_high_side() {
    // 7 x 7: west, north and south walls at 10, the east column at 1, a 5 x 5 flat at 5 in
    // between. Towards lower terrain alone would send the cells along the walls straight
    // east; away from the walls they turn off them first.
    let (w, h) = (7, 7);
    let mut z = walled(w, h, 10.0, 5.0);
    for r in 0..h {
        z[r * w + w - 1] = 1.0;
    }
    let flow = flow_directions(&z, w, h);
    for r in 1..h - 1 {
        for c in 1..w - 1 {
            let d = flow.dirs[r * w + c];
            assert!(d < 8, "({r}, {c}) has {d}");
            // Never back towards the west wall, never up into a wall.
            assert!(D8[d as usize].1 >= 0, "({r}, {c}) goes west");
            let j = flow.downstream(r * w + c).unwrap();
            assert!(z[j] < 10.0, "({r}, {c}) climbs a wall");
        }
    }
    // By hand: towards lower, mask 2 L (L = 5 at column 1 … 1 at the low edges of column 5);
    // away from higher, + (3 − A) with A = 1 beside the walls, 2 one cell in, 3 at the centre.
    // Cells turn south-east off the north wall and north-east off the south wall.
    let want: [[u8; 5]; 5] = [
        [1, 1, 1, 0, 0],
        [0, 1, 1, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 7, 7, 0, 0],
        [7, 7, 7, 0, 0],
    ];
    for (r, row) in want.iter().enumerate() {
        assert_eq!(
            flow.dirs[(r + 1) * w + 1..(r + 1) * w + 6],
            row[..],
            "row {}",
            r + 1
        );
    }
    // Undrained cells of the west column step off the wall: east, south-east or north-east.
    for r in 2..h - 2 {
        let (_, dc) = D8[flow.dirs[r * w + 1] as usize];
        assert_eq!(dc, 1, "row {r}");
    }
    // Along the north wall, the cells of the flat turn south-east, away from it.
    assert_eq!(flow.dirs[w + 2], 1);
    assert_eq!(flow.dirs[(h - 2) * w + 2], 7);
}

#[test]
fn a_flat_corridor_drains_to_its_only_outlet() {
    // 1-row-wide corridor at 3 along row 1 of a 9 x 3 grid walled at 8, outlet at the west
    // end (column 0 of row 1 at 3: on the edge, an outlet). All corridor cells run west.
    let (w, h) = (9, 3);
    let mut z = walled(w, h, 8.0, 3.0);
    z[w] = 3.0;
    let flow = flow_directions(&z, w, h);
    assert_eq!(flow.dirs[w], OUTLET);
    for c in 1..w - 1 {
        assert_eq!(flow.dirs[w + c], 4, "column {c}");
    }
}

#[test]
fn pits_of_an_unfilled_dem_become_outlets() {
    let mut z = vec![5.0f32; 9];
    z[4] = 1.0;
    let flow = flow_directions(&z, 3, 3);
    assert_eq!(flow.dirs[4], OUTLET);
    // A closed interior flat without a low edge: each cell an outlet.
    let z = walled(5, 5, 9.0, 2.0);
    let flow = flow_directions(&z, 5, 5);
    assert_eq!(flow.dirs[12], OUTLET);
    assert_eq!(flow.dirs[6], OUTLET);
}

#[test]
fn bad_shapes_give_nodata() {
    let flow = flow_directions(&[1.0; 5], 3, 2);
    assert_eq!(flow.dirs, vec![NODATA; 5]);
}

/// Checks every valid cell: its code points to a valid cell on the grid, its path ends in an
/// outlet, and elevations never rise along it.
fn check_drainage(z: &[f32], w: usize, h: usize, flow: &FlowGrid) -> Result<(), TestCaseError> {
    for i in 0..w * h {
        let d = flow.dirs[i];
        if z[i].is_nan() {
            prop_assert_eq!(d, NODATA);
            continue;
        }
        prop_assert!(d < 8 || d == OUTLET, "cell {} code {}", i, d);
        if d < 8 {
            let j = flow.downstream(i);
            prop_assert!(j.is_some(), "cell {} points off the grid or into nodata", i);
            prop_assert!(z[j.unwrap_or(i)] <= z[i], "cell {} flows uphill", i);
        }
        prop_assert!(path_end(flow, i).is_some(), "cell {} is on a cycle", i);
    }
    Ok(())
}

fn dem() -> impl Strategy<Value = (usize, usize, Vec<f32>)> {
    (1usize..=9, 1usize..=9).prop_flat_map(|(w, h)| {
        // Few distinct heights (plateaus of equal values) and NaN holes.
        let cell = prop_oneof![1 => Just(f32::NAN), 6 => (0u8..4).prop_map(|v| v as f32)];
        (Just(w), Just(h), proptest::collection::vec(cell, w * h))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_valid_cell_of_a_filled_dem_drains_to_an_outlet((w, h, z) in dem()) {
        let filled = fill_depressions(&z, w, h).unwrap();
        for (a, b) in z.iter().zip(&filled) {
            prop_assert!(a.is_nan() == b.is_nan() && (a.is_nan() || b >= a));
        }
        let flow = flow_directions(&filled, w, h);
        check_drainage(&filled, w, h, &flow)?;
        // Everything reaches an outlet, so the outlets' accumulations add up to the valid
        // cells, all of them in the order.
        let acc = crate::hydrology::accumulate(&flow);
        let valid = z.iter().filter(|v| !v.is_nan()).count();
        let at_outlets: usize = (0..w * h)
            .filter(|&i| flow.dirs[i] == OUTLET)
            .map(|i| acc.cells[i] as usize)
            .sum();
        prop_assert_eq!(at_outlets, valid);
        prop_assert_eq!(acc.order.len(), valid);
        // A filled DEM has no pits: only edge cells and cells beside nodata are outlets.
        for i in 0..w * h {
            if flow.dirs[i] == OUTLET {
                let (r, c) = (i / w, i % w);
                let open = (0..8).any(|d| {
                    crate::hydrology::neighbour(r, c, d, w, h).map_or(true, |n| z[n].is_nan())
                });
                prop_assert!(open, "interior outlet at {}", i);
            }
        }
    }

    #[test]
    fn an_unfilled_dem_has_no_cycles_either((w, h, z) in dem()) {
        let flow = flow_directions(&z, w, h);
        check_drainage(&z, w, h, &flow)?;
    }
}
