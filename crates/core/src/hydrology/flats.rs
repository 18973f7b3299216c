//! D8 flow directions with drainage over flats (Barnes, Lehman & Mulla 2014, *Computers &
//! Geosciences* 62:128–135, "An efficient assignment of drainage direction over flat surfaces
//! in raster digital elevation models").
//!
//! Cells with a strictly lower neighbour take the D8 steepest descent. A cell without one on
//! the grid's edge or beside nodata drains off the grid ([`OUTLET`]). The rest lie on flats
//! (filled depressions are flats, since the filling adds no epsilon). Each flat is labelled
//! by a flood over equal elevations from its *low edges* (its cells that already drain: a
//! lower neighbour, or an outlet); its *high edges* are its undrained cells beside higher
//! terrain. Two breadth-first gradients are built over the undrained cells of a flat: `A`,
//! steps from the high edges, and `L`, steps from the low edges (1 on them). The flat mask is
//! `2 L + (max A − A)` (or `2 L` where no high edge reaches), strictly lower at some
//! neighbour of every undrained cell; each undrained cell drains to the neighbour of lowest
//! mask in the same flat (ties: the first in [`super::D8`] order). Water so runs towards the
//! lower terrain and away from the higher, not along the flat's edge.
//!
//! An interior cell that no low edge reaches (a pit or closed flat of an unfilled DEM) is made
//! an [`OUTLET`], so every valid cell's flow path ends in an outlet, without cycles.
use super::d8::{steepest_descent, NOFLOW};
use super::{around, FlowGrid, NODATA, OUTLET};

/// D8 flow directions of a filled DEM (see [`super::fill_depressions`]), flats drained.
///
/// `filled` holds `width * height` cells, row-major, NaN = nodata; a slice of any other
/// length gives a grid of [`NODATA`] of its length.
pub fn flow_directions(filled: &[f32], width: usize, height: usize) -> FlowGrid {
    if width.checked_mul(height) != Some(filled.len()) || filled.len() > u32::MAX as usize {
        return FlowGrid {
            width,
            height,
            dirs: vec![NODATA; filled.len()],
        };
    }
    let mut dirs = steepest_descent(filled, width, height);
    if dirs.contains(&NOFLOW) {
        drain_flats(filled, width, height, &mut dirs);
    }
    FlowGrid {
        width,
        height,
        dirs,
    }
}

/// Low edges (cells that drain, beside an undrained cell of equal elevation) and high edges
/// (undrained cells beside a higher valid cell), each in index order.
fn flat_edges(z: &[f32], width: usize, height: usize, dirs: &[u8]) -> (Vec<u32>, Vec<u32>) {
    let (mut low, mut high) = (Vec::new(), Vec::new());
    for (i, &d) in dirs.iter().enumerate() {
        if d == NODATA {
            continue;
        }
        let mut nb = around(i, width, height);
        if d != NOFLOW {
            if nb.any(|(_, n)| dirs[n] == NOFLOW && z[n] == z[i]) {
                low.push(i as u32);
            }
        } else if nb.any(|(_, n)| z[n] > z[i]) {
            high.push(i as u32);
        }
    }
    (low, high)
}

/// Labels the flats reached from `low` (1, 2, …; 0 elsewhere) by floods over equal
/// elevations; returns the labels and the number of flats.
fn label_flats(z: &[f32], width: usize, height: usize, low: &[u32]) -> (Vec<u32>, usize) {
    let mut labels = vec![0u32; z.len()];
    let mut stack: Vec<u32> = Vec::new();
    let mut count = 0u32;
    for &start in low {
        if labels[start as usize] != 0 {
            continue;
        }
        count += 1;
        let level = z[start as usize];
        labels[start as usize] = count;
        stack.push(start);
        while let Some(c) = stack.pop() {
            for (_, n) in around(c as usize, width, height) {
                if labels[n] == 0 && z[n] == level {
                    labels[n] = count;
                    stack.push(n as u32);
                }
            }
        }
    }
    (labels, count as usize)
}

/// Breadth-first from `starts` over the undrained cells of the same flat, writing
/// `value(cell, old mask, step)` into `mask` at each start (step 1) and at each cell reached
/// (its step from the nearest start); `reached` tells a visited cell by its mask.
#[allow(clippy::too_many_arguments)]
fn spread(
    starts: &[u32],
    width: usize,
    height: usize,
    dirs: &[u8],
    labels: &[u32],
    mask: &mut [i32],
    reached: impl Fn(i32) -> bool,
    mut value: impl FnMut(usize, i32, i32) -> i32,
) {
    let mut front: Vec<u32> = Vec::new();
    for &s in starts {
        let s = s as usize;
        if labels[s] != 0 && !reached(mask[s]) {
            mask[s] = value(s, mask[s], 1);
            front.push(s as u32);
        }
    }
    let (mut next, mut step) = (Vec::new(), 1i32);
    while !front.is_empty() {
        step += 1;
        for &c in &front {
            let c = c as usize;
            for (_, n) in around(c, width, height) {
                if labels[n] == labels[c] && dirs[n] == NOFLOW && !reached(mask[n]) {
                    mask[n] = value(n, mask[n], step);
                    next.push(n as u32);
                }
            }
        }
        std::mem::swap(&mut front, &mut next);
        next.clear();
    }
}

/// Replaces every [`NOFLOW`] code in `dirs` by a direction over its flat, or [`OUTLET`] when
/// the flat has no low edge.
fn drain_flats(z: &[f32], width: usize, height: usize, dirs: &mut [u8]) {
    let (low, high) = flat_edges(z, width, height, dirs);
    let (labels, flats) = label_flats(z, width, height, &low);
    // Away from higher terrain: mask = A, and the largest A of each flat.
    let mut mask = vec![0i32; z.len()];
    let mut top = vec![0i32; flats + 1];
    let (l, m) = (&labels[..], &mut mask[..]);
    spread(
        &high,
        width,
        height,
        dirs,
        l,
        m,
        |m| m != 0,
        |i, _, step| {
            top[l[i] as usize] = step;
            step
        },
    );
    // Towards lower terrain: A is negated to mark it unvisited, then mask = 2 L + (top − A).
    m.iter_mut().for_each(|v| *v = -*v);
    spread(
        &low,
        width,
        height,
        dirs,
        l,
        m,
        |m| m > 0,
        |i, old, step| 2 * step + if old < 0 { top[l[i] as usize] + old } else { 0 },
    );
    for i in 0..dirs.len() {
        if dirs[i] != NOFLOW {
            continue;
        }
        let mut best = (OUTLET, mask[i]);
        if labels[i] != 0 {
            for (d, n) in around(i, width, height) {
                if labels[n] == labels[i] && mask[n] < best.1 {
                    best = (d as u8, mask[n]);
                }
            }
        }
        dirs[i] = best.0;
    }
}

#[cfg(test)]
#[path = "flats_tests.rs"]
mod tests;
