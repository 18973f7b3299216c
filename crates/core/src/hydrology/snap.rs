//! Snapping a sample to the stream it was taken from: the rule of the "Snap Pour Point" tool
//! of ArcGIS Spatial Analyst (and of pour points in Hengl & Reuter, eds., 2009,
//! *Geomorphometry: Concepts, Software, Applications*).
//!
//! A stream-sediment sample was taken in the stream, but its surveyed position and a coarse
//! DEM need not put it on the DEM's stream: a point one cell off the valley axis would get
//! a catchment of a few hillside cells. The stream near the sample is the cell of highest
//! flow accumulation within a search radius, so the sample moves there. Ties go to the cell
//! nearest the point, then to the lowest index; the sample's own cell is always a candidate,
//! so with radius 0 it stays where it is.
use super::Accumulation;

/// The cell sample (`row`, `col`) snaps to: the valid cell (accumulation above 0) of highest
/// accumulation among the sample's own cell and the cells whose centres lie within
/// `radius_cells` of the point (Euclidean, in cells); ties: the nearest centre, then the
/// lowest index.
///
/// `row` and `col` are fractional cell coordinates (row 0.5 is the centre of the first row);
/// the point's own cell is (`floor(row)`, `floor(col)`). A radius that is not positive (or
/// NaN) counts as 0. `None` when the point is off the grid (or not finite) or no valid cell is
/// in reach.
pub fn snap_to_stream(
    acc: &Accumulation,
    width: usize,
    height: usize,
    row: f64,
    col: f64,
    radius_cells: f64,
) -> Option<usize> {
    let inside = row >= 0.0 && col >= 0.0 && row < height as f64 && col < width as f64;
    if !inside || width.checked_mul(height) != Some(acc.cells.len()) {
        return None;
    }
    let radius = if radius_cells > 0.0 {
        radius_cells
    } else {
        0.0
    };
    let own = row.floor() as usize * width + col.floor() as usize;
    // (accumulation, squared distance, index) of the best cell so far.
    let mut best: Option<(u32, f64, usize)> = None;
    let mut consider = |i: usize, d2: f64| {
        let a = acc.cells[i];
        if a == 0 {
            return;
        }
        let better = match best {
            None => true,
            Some((ba, bd, bi)) => a > ba || (a == ba && (d2 < bd || (d2 == bd && i < bi))),
        };
        if better {
            best = Some((a, d2, i));
        }
    };
    let centre = |k: usize| k as f64 + 0.5;
    consider(
        own,
        (centre(own / width) - row).powi(2) + (centre(own % width) - col).powi(2),
    );
    // Rows and columns whose centres can lie within the radius: |k + 0.5 - x| <= radius.
    let span = |x: f64, n: usize| {
        let lo = (x - radius - 0.5).ceil().max(0.0);
        let hi = (x + radius - 0.5).floor().min(n as f64 - 1.0);
        (lo as usize, hi as usize, lo <= hi)
    };
    let ((r0, r1, rows), (c0, c1, cols)) = (span(row, height), span(col, width));
    if rows && cols {
        for r in r0..=r1 {
            for c in c0..=c1 {
                let d2 = (centre(r) - row).powi(2) + (centre(c) - col).powi(2);
                if d2 <= radius * radius {
                    consider(r * width + c, d2);
                }
            }
        }
    }
    best.map(|b| b.2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hydrology::condition;
    use crate::hydrology::testgrids::v_valley;

    /// A 7 x 6 V-valley along column 3, conditioned.
    fn valley() -> (usize, usize, Accumulation) {
        let (w, h) = (7, 6);
        let (_, acc) = condition(&v_valley(w, h, 3, 0.1), w, h).unwrap();
        (w, h, acc)
    }

    #[test]
    fn a_sample_beside_the_axis_snaps_onto_it() {
        let (w, h, acc) = valley();
        // Centre of (2, 4), one cell east of the axis.
        let (row, col) = (2.5, 4.5);
        assert_eq!(snap_to_stream(&acc, w, h, row, col, 0.0), Some(2 * w + 4));
        assert_eq!(snap_to_stream(&acc, w, h, row, col, 1.0), Some(2 * w + 3));
        assert_eq!(snap_to_stream(&acc, w, h, row, col, 1.5), Some(3 * w + 3));
        // Below 1 cell only its own centre is in reach.
        assert_eq!(snap_to_stream(&acc, w, h, row, col, 0.99), Some(2 * w + 4));
        // A negative or NaN radius is 0.
        assert_eq!(snap_to_stream(&acc, w, h, row, col, -3.0), Some(2 * w + 4));
        assert_eq!(
            snap_to_stream(&acc, w, h, row, col, f64::NAN),
            Some(2 * w + 4)
        );
        // An infinite radius reaches the valley's outlet.
        let last = (h - 1) * w + 3;
        assert_eq!(
            snap_to_stream(&acc, w, h, row, col, f64::INFINITY),
            Some(last)
        );
    }

    #[test]
    fn ties_go_to_the_nearest_then_the_lowest_index() {
        // 3 x 3, accumulation 5 at (0, 0), (0, 2) and (2, 0); 1 elsewhere.
        let mut cells = vec![1u32; 9];
        for i in [0, 2, 6] {
            cells[i] = 5;
        }
        let acc = Accumulation {
            cells,
            order: Vec::new(),
        };
        // From the grid's centre all three are at the same distance: the lowest index.
        assert_eq!(snap_to_stream(&acc, 3, 3, 1.5, 1.5, 2.0), Some(0));
        // At the corner of four cells of equal accumulation, its own cell (1, 1) among them:
        // the lowest index, (0, 0), not the own cell.
        let flat = Accumulation {
            cells: vec![1; 9],
            order: Vec::new(),
        };
        assert_eq!(snap_to_stream(&flat, 3, 3, 1.0, 1.0, 1.0), Some(0));
        assert_eq!(snap_to_stream(&flat, 3, 3, 1.0, 1.0, 0.0), Some(4));
        // Nearer (0, 2) than the others: it wins.
        assert_eq!(snap_to_stream(&acc, 3, 3, 1.4, 1.6, 2.0), Some(2));
        // Nearer (2, 0) than (0, 0) and (0, 2).
        assert_eq!(snap_to_stream(&acc, 3, 3, 1.6, 1.4, 2.0), Some(6));
    }

    #[test]
    fn off_the_grid_and_nodata() {
        let (w, h, acc) = valley();
        assert_eq!(snap_to_stream(&acc, w, h, -0.1, 2.0, 5.0), None);
        assert_eq!(snap_to_stream(&acc, w, h, 2.0, w as f64, 5.0), None);
        assert_eq!(snap_to_stream(&acc, w, h, h as f64, 2.0, 5.0), None);
        assert_eq!(snap_to_stream(&acc, w, h, f64::NAN, 2.0, 5.0), None);
        // The point's cell is nodata: with radius 0 nothing is in reach, with 1 a neighbour.
        let acc = Accumulation {
            cells: vec![0, 3, 0, 0],
            order: Vec::new(),
        };
        assert_eq!(snap_to_stream(&acc, 2, 2, 0.5, 0.5, 0.0), None);
        assert_eq!(snap_to_stream(&acc, 2, 2, 0.5, 0.5, 1.0), Some(1));
        // A grid of the wrong shape.
        assert_eq!(snap_to_stream(&acc, 3, 2, 0.5, 0.5, 1.0), None);
    }
}
