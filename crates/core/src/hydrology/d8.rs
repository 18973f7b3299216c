//! D8 steepest descent (O'Callaghan & Mark 1984, *Computer Vision, Graphics, and Image
//! Processing* 28:323–344, "The extraction of drainage networks from digital elevation
//! data"): each cell drains to the neighbour of steepest drop per distance, a diagonal step
//! being √2 cells long (the cell size cancels out).
use super::{around, NODATA, OUTLET};

/// Code of an interior valid cell without a strictly lower valid neighbour: on a flat (or in a
/// pit of an unfilled DEM), resolved in [`super::flats`].
pub(crate) const NOFLOW: u8 = 9;

/// Step length of direction `d` in cells.
fn distance(d: usize) -> f64 {
    if d % 2 == 1 {
        std::f64::consts::SQRT_2
    } else {
        1.0
    }
}

/// The D8 code of every cell: the direction of steepest descent to a strictly lower valid
/// neighbour (ties: the first in [`super::D8`] order); without one, [`OUTLET`] for a cell on
/// the grid's edge or beside nodata (it drains off the grid), [`NOFLOW`] for an interior
/// cell; [`NODATA`] for NaN.
pub(crate) fn steepest_descent(z: &[f32], width: usize, height: usize) -> Vec<u8> {
    let mut dirs = vec![NODATA; z.len()];
    for (i, dir) in dirs.iter_mut().enumerate() {
        let zc = z[i];
        if zc.is_nan() {
            continue;
        }
        let (r, c) = (i / width, i % width);
        let mut open = r == 0 || c == 0 || r + 1 == height || c + 1 == width;
        let (mut best, mut steepest) = (NOFLOW, 0.0f64);
        for (d, n) in around(i, width, height) {
            let zn = z[n];
            if zn.is_nan() {
                open = true;
            } else if zn < zc {
                let slope = (zc as f64 - zn as f64) / distance(d);
                if slope > steepest {
                    (best, steepest) = (d as u8, slope);
                }
            }
        }
        *dir = if best == NOFLOW && open { OUTLET } else { best };
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steepest_drop_per_distance_wins() {
        // Centre 10; E drops 2 (slope 2), SE drops 2.9 (slope 2.05): SE wins.
        let z = [10.0f32, 10.0, 10.0, 10.0, 10.0, 8.0, 10.0, 10.0, 7.1];
        assert_eq!(steepest_descent(&z, 3, 3)[4], 1);
        // SE drops 2.8 (slope 1.98): E wins.
        let z = [10.0f32, 10.0, 10.0, 10.0, 10.0, 8.0, 10.0, 10.0, 7.2];
        assert_eq!(steepest_descent(&z, 3, 3)[4], 0);
    }

    #[test]
    fn ties_go_to_the_first_direction() {
        // S, W and N all drop 1: S (code 2) comes first.
        let z = [10.0f32, 9.0, 10.0, 9.0, 10.0, 10.0, 10.0, 9.0, 10.0];
        assert_eq!(steepest_descent(&z, 3, 3)[4], 2);
    }

    #[test]
    fn edges_nodata_and_flats() {
        // 4 x 3 flat at 5 with a NaN at (1, 2): the interior cell (1, 1) is beside the NaN
        // and drains into it; the edge cells drain off the grid.
        let mut z = vec![5.0f32; 12];
        z[6] = f32::NAN;
        let d = steepest_descent(&z, 4, 3);
        assert_eq!(d[6], NODATA);
        assert_eq!(d[5], OUTLET);
        assert!(d.iter().enumerate().all(|(i, &c)| i == 6 || c == OUTLET));
        // 3 x 3 flat interior: no way down.
        let d = steepest_descent(&[5.0f32; 9], 3, 3);
        assert_eq!(d[4], NOFLOW);
        // An edge cell with a lower neighbour drains to it, not off the grid.
        let d = steepest_descent(&[3.0f32, 2.0], 2, 1);
        assert_eq!(d, vec![0, OUTLET]);
    }
}
