//! DEM conditioning and catchments on any small grid: the first two bytes give the width and
//! the number of samples, the rest are elevations (f32, NaN and infinities included) and sample
//! positions. Never a panic, and what comes back holds: every valid cell's flow path ends in an
//! outlet without cycles, outlets' accumulations add up to the valid cells, `order` is a
//! topological order of them, and each cell's label is its own sample's or its downstream
//! cell's.
#![no_main]

use geoprospect_core::hydrology::{condition, label_catchments, snap_to_stream, OUTLET};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [w, k, rest @ ..] = data else { return };
    let width = usize::from(*w % 24) + 1;
    let samples = usize::from(*k % 8);
    let (heights, positions) = rest.split_at(rest.len().saturating_sub(samples * 2));
    let dem: Vec<f32> = heights
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let height = dem.len() / width;
    if height == 0 {
        return;
    }
    let dem = &dem[..width * height];
    let Ok((flow, acc)) = condition(dem, width, height) else {
        return;
    };
    let valid = dem.iter().filter(|v| !v.is_nan()).count();
    assert_eq!(acc.order.len(), valid);
    let mut outlets_sum = 0u64;
    let mut seen = vec![false; dem.len()];
    for &i in &acc.order {
        let i = i as usize;
        assert!(!seen[i], "cell {i} twice in the order");
        seen[i] = true;
        let mut steps = 0;
        let mut j = i;
        while let Some(d) = flow.downstream(j) {
            j = d;
            steps += 1;
            assert!(steps <= dem.len(), "a cycle through cell {i}");
        }
        if flow.dirs[i] == OUTLET {
            outlets_sum += u64::from(acc.cells[i]);
        }
    }
    assert_eq!(outlets_sum, valid as u64);
    let outlets: Vec<Option<usize>> = positions
        .chunks_exact(2)
        .map(|p| {
            let (r, c) = (f64::from(p[0]) / 255.0, f64::from(p[1]) / 255.0);
            snap_to_stream(&acc, width, height, r * height as f64, c * width as f64, 1.5)
        })
        .collect();
    let c = label_catchments(&flow, &acc, &outlets);
    for i in 0..dem.len() {
        let own = outlets.iter().position(|o| *o == Some(i)).map(|k| k as i32 + 1);
        let expected = own.or_else(|| flow.downstream(i).map(|j| c.labels[j])).unwrap_or(0);
        assert_eq!(c.labels[i], expected, "cell {i}");
    }
});
