//! Inverse distance weighting over the nearest samples (Shepard 1968, Proc. 23rd ACM National
//! Conference, 517-524), as GDAL's `gdal_grid -a invdistnn`.
//!
//! `z(x_0) = Σ w_i z_i / Σ w_i` with `w_i = 1 / d_i^p` over the `k` samples nearest to the cell
//! centre within the search radius, summed nearest first. A sample closer than 1e-13 CRS units²
//! (squared) to the centre gives its value as is. Distances and weights are `f64`; with `p = 2`
//! the weight is `1 / d²` without a `pow`, as in GDAL.
use super::index::{nearest_of, Neighbour, EXACT_D2};

/// The IDW value of a cell from its neighbours (summed in the order given); NaN without
/// neighbours. Two samples at distances 1 and 2 with values 10 and 40, power 2, give
/// `(10 / 1 + 40 / 4) / (1 / 1 + 1 / 4) = 16`.
pub(crate) fn idw(neighbours: &[Neighbour], z: &[f64], power: f64) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    // A sample on the centre (d² < EXACT_D2) weighs more than `limit` (infinitely at 0), so
    // the weights need looking at only when their sum is that large.
    let limit;
    if power == 2.0 {
        limit = 1.0 / EXACT_D2;
        for n in neighbours {
            let w = 1.0 / n.d2;
            num += w * z[n.id as usize];
            den += w;
        }
    } else {
        let half = power / 2.0;
        limit = 1.0 / EXACT_D2.powf(half);
        for n in neighbours {
            let w = 1.0 / n.d2.powf(half);
            num += w * z[n.id as usize];
            den += w;
        }
    }
    if den >= limit && neighbours.iter().any(|n| n.d2 < EXACT_D2) {
        return nearest(neighbours, z);
    }
    if neighbours.is_empty() {
        return f64::NAN;
    }
    num / den
}

/// The value of the nearest sample (of samples as near, the first); NaN without neighbours.
pub(crate) fn nearest(neighbours: &[Neighbour], z: &[f64]) -> f64 {
    nearest_of(neighbours).map_or(f64::NAN, |n| z[n.id as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nb(d2: f64, id: u32) -> Neighbour {
        Neighbour { d2, id }
    }

    #[test]
    fn weights_by_hand() {
        let z = [10.0, 40.0, 100.0];
        // d = 1 and 2: (10 + 40/4) / (1 + 1/4) = 16.
        assert_eq!(idw(&[nb(1.0, 0), nb(4.0, 1)], &z, 2.0), 16.0);
        // Power 1: (10 + 40/2) / (1 + 1/2) = 20.
        assert_eq!(idw(&[nb(1.0, 0), nb(4.0, 1)], &z, 1.0), 20.0);
        // Three samples at d = 1, 2, 4, power 2: (10 + 10 + 100/16) / (1 + 0.25 + 0.0625).
        let v = idw(&[nb(1.0, 0), nb(4.0, 1), nb(16.0, 2)], &z, 2.0);
        assert!((v - 26.25 / 1.3125).abs() < 1e-12);
    }

    #[test]
    fn sample_on_the_centre_and_no_sample() {
        let z = [10.0, 40.0];
        assert_eq!(idw(&[nb(4.0, 0), nb(0.0, 1)], &z, 2.0), 40.0);
        assert!(idw(&[], &z, 2.0).is_nan());
        assert_eq!(nearest(&[nb(9.0, 1), nb(9.0, 0)], &z), 10.0);
        assert!(nearest(&[], &z).is_nan());
    }
}
