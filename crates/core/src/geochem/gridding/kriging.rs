//! Ordinary kriging of one cell from its nearest samples.
//!
//! With neighbours `x_1 .. x_m` and the cell centre `x_0`, the weights `λ` and the Lagrange
//! multiplier `μ` solve the ordinary kriging system (Journel & Huijbregts 1978; Isaaks &
//! Srivastava 1989, ch. 12) in semivariogram form:
//!
//! ```text
//! Σ_j λ_j γ(x_i − x_j) + μ = γ(x_i − x_0)   for i = 1..m
//! Σ_j λ_j                 = 1
//! ```
//!
//! The estimate is `Σ λ_i z_i` and the kriging variance `σ² = Σ λ_i γ(x_i − x_0) + μ`. The
//! `(m+1) x (m+1)` system is solved by LU decomposition with partial pivoting (nalgebra). The
//! neighbours come in the spatial index's fixed order of samples, so that consecutive cells
//! with the same neighbours share one decomposition (the same matrix gives the same factors,
//! so reusing them changes no bit of the result).
//!
//! Special cases: a sample on the cell centre gives its value with variance 0 (kriging is an
//! exact interpolator, nugget or not, with `γ(0) = 0`); a flat model (sill 0, a constant
//! field) gives the mean of the neighbours with variance 0; a system that cannot be solved
//! (it cannot happen for distinct samples and a valid model, short of rounding) gives the mean
//! of the neighbours with a NaN variance.
use nalgebra::{DMatrix, DVector, Dyn, LU};

use super::index::{nearest_of, Neighbour, EXACT_D2};
use super::variogram::VariogramModel;

/// Samples and model shared by every cell.
pub(crate) struct Kriging<'a> {
    pub model: &'a VariogramModel,
    pub x: &'a [f64],
    pub y: &'a [f64],
    pub z: &'a [f64],
}

/// The last decomposition of one worker.
#[derive(Default)]
pub(crate) struct Cache {
    ids: Vec<u32>,
    /// The current cell's neighbours.
    current: Vec<u32>,
    lu: Option<LU<f64, Dyn, Dyn>>,
}

impl Kriging<'_> {
    /// Estimate and kriging variance at `(x0, y0)` from `neighbours` (in a fixed order of
    /// samples: the system and the sums follow it); NaN for both without neighbours.
    pub fn cell(
        &self,
        neighbours: &[Neighbour],
        x0: f64,
        y0: f64,
        cache: &mut Cache,
    ) -> (f64, f64) {
        let Some(first) = nearest_of(neighbours) else {
            return (f64::NAN, f64::NAN);
        };
        if first.d2 < EXACT_D2 {
            return (self.z[first.id as usize], 0.0);
        }
        cache.current.clear();
        cache.current.extend(neighbours.iter().map(|n| n.id));
        if self.model.sill() <= 0.0 {
            return (self.mean(&cache.current), 0.0);
        }
        let m = cache.current.len();
        if cache.lu.is_none() || cache.ids != cache.current {
            cache.lu = Some(self.matrix(&cache.current).lu());
            cache.ids.clone_from(&cache.current);
        }
        let rhs = DVector::from_fn(m + 1, |i, _| {
            if i < m {
                let id = cache.current[i] as usize;
                self.model.gamma((self.x[id] - x0).hypot(self.y[id] - y0))
            } else {
                1.0
            }
        });
        let solution = cache.lu.as_ref().and_then(|lu| lu.solve(&rhs));
        let Some(s) = solution.filter(|s| s.iter().all(|v| v.is_finite())) else {
            return (self.mean(&cache.current), f64::NAN);
        };
        let mut value = 0.0;
        let mut variance = s[m];
        for (i, &id) in cache.current.iter().enumerate() {
            value += s[i] * self.z[id as usize];
            variance += s[i] * rhs[i];
        }
        (value, variance.max(0.0))
    }

    fn mean(&self, ids: &[u32]) -> f64 {
        ids.iter().map(|&i| self.z[i as usize]).sum::<f64>() / ids.len() as f64
    }

    /// The kriging matrix of the samples `ids`.
    fn matrix(&self, ids: &[u32]) -> DMatrix<f64> {
        let m = ids.len();
        DMatrix::from_fn(m + 1, m + 1, |i, j| match (i < m, j < m) {
            (true, true) => {
                let (a, b) = (ids[i] as usize, ids[j] as usize);
                self.model
                    .gamma((self.x[a] - self.x[b]).hypot(self.y[a] - self.y[b]))
            }
            (false, false) => 0.0,
            _ => 1.0,
        })
    }

    /// Kriging weights and Lagrange multiplier at `(x0, y0)` for the samples `ids` (in that
    /// order); `None` when the system is singular.
    #[cfg(test)]
    pub fn weights(&self, ids: &[u32], x0: f64, y0: f64) -> Option<(Vec<f64>, f64)> {
        let m = ids.len();
        let rhs = DVector::from_fn(m + 1, |i, _| {
            if i < m {
                let id = ids[i] as usize;
                self.model.gamma((self.x[id] - x0).hypot(self.y[id] - y0))
            } else {
                1.0
            }
        });
        let s = self.matrix(ids).lu().solve(&rhs)?;
        Some((s.iter().take(m).copied().collect(), s[m]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geochem::gridding::variogram::VariogramKind;

    fn spherical(nugget: f64, partial_sill: f64, range: f64) -> VariogramModel {
        VariogramModel {
            kind: VariogramKind::Spherical,
            nugget,
            partial_sill,
            range,
        }
    }

    fn neighbours(x: &[f64], y: &[f64], x0: f64, y0: f64) -> Vec<Neighbour> {
        let mut n: Vec<Neighbour> = (0..x.len())
            .map(|i| Neighbour {
                d2: (x[i] - x0).powi(2) + (y[i] - y0).powi(2),
                id: i as u32,
            })
            .collect();
        n.sort_by(|a, b| a.d2.total_cmp(&b.d2).then(a.id.cmp(&b.id)));
        n
    }

    /// Gaussian elimination with partial pivoting, written out for the test.
    fn solve_by_hand(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
        let n = b.len();
        for col in 0..n {
            let p = (col..n)
                .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
                .unwrap();
            a.swap(col, p);
            b.swap(col, p);
            let pivot = a[col].clone();
            for row in col + 1..n {
                let f = a[row][col] / pivot[col];
                for (v, p) in a[row].iter_mut().zip(&pivot).skip(col) {
                    *v -= f * p;
                }
                b[row] -= f * b[col];
            }
        }
        let mut x = vec![0.0; n];
        for row in (0..n).rev() {
            let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
            x[row] = (b[row] - s) / a[row][row];
        }
        x
    }

    #[test]
    fn square_corners_give_equal_weights_and_the_mean_at_the_centre() {
        let model = spherical(0.2, 1.0, 30.0);
        let (x, y, z) = (
            [0.0, 10.0, 0.0, 10.0],
            [0.0, 0.0, 10.0, 10.0],
            [1.0, 2.0, 4.0, 9.0],
        );
        let k = Kriging {
            model: &model,
            x: &x,
            y: &y,
            z: &z,
        };
        let (w, _) = k.weights(&[0, 1, 2, 3], 5.0, 5.0).unwrap();
        for wi in &w {
            assert!((wi - 0.25).abs() < 1e-12, "{w:?}");
        }
        let (v, var) = k.cell(
            &neighbours(&x, &y, 5.0, 5.0),
            5.0,
            5.0,
            &mut Cache::default(),
        );
        assert!((v - 4.0).abs() < 1e-12);
        assert!(var > 0.2 && var < 1.2 + 1.0, "{var}");
    }

    #[test]
    fn exact_at_samples_with_zero_variance() {
        let model = spherical(0.0, 1.0, 50.0);
        let (x, y, z) = ([0.0, 20.0, 5.0], [0.0, 5.0, 30.0], [3.0, -1.0, 8.0]);
        let k = Kriging {
            model: &model,
            x: &x,
            y: &y,
            z: &z,
        };
        for i in 0..3 {
            let (v, var) = k.cell(
                &neighbours(&x, &y, x[i], y[i]),
                x[i],
                y[i],
                &mut Cache::default(),
            );
            assert_eq!((v, var), (z[i], 0.0));
            // The solved system agrees: weight 1 on the sample itself, variance 0.
            let (w, mu) = k.weights(&[0, 1, 2], x[i], y[i]).unwrap();
            for (j, wj) in w.iter().enumerate() {
                assert!((wj - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12, "{w:?}");
            }
            assert!(mu.abs() < 1e-12);
        }
    }

    #[test]
    fn constant_field_gives_the_constant() {
        let model = spherical(0.1, 2.0, 40.0);
        let (x, y) = ([0.0, 13.0, 27.0, 4.0, 30.0], [0.0, 2.0, 19.0, 33.0, 1.0]);
        let z = [7.5; 5];
        let k = Kriging {
            model: &model,
            x: &x,
            y: &y,
            z: &z,
        };
        let mut cache = Cache::default();
        for (x0, y0) in [(10.0, 10.0), (-20.0, 50.0), (29.0, 2.0)] {
            let (v, _) = k.cell(&neighbours(&x, &y, x0, y0), x0, y0, &mut cache);
            assert!((v - 7.5).abs() < 1e-12, "{v}");
        }
        let flat = spherical(0.0, 0.0, 40.0);
        let k = Kriging { model: &flat, ..k };
        assert_eq!(
            k.cell(&neighbours(&x, &y, 3.0, 3.0), 3.0, 3.0, &mut cache),
            (7.5, 0.0)
        );
    }

    #[test]
    fn agrees_with_a_system_solved_by_hand() {
        let model = VariogramModel {
            kind: VariogramKind::Exponential,
            nugget: 0.5,
            partial_sill: 3.0,
            range: 60.0,
        };
        let x = [0.0, 25.0, 10.0, 40.0];
        let y = [0.0, 5.0, 30.0, 35.0];
        let z = [1.0, 4.0, 2.5, 6.0];
        let (x0, y0) = (18.0, 16.0);
        let g = |a: (f64, f64), b: (f64, f64)| model.gamma((a.0 - b.0).hypot(a.1 - b.1));
        let mut a = vec![vec![1.0; 5]; 5];
        let mut b = vec![1.0; 5];
        for i in 0..4 {
            for j in 0..4 {
                a[i][j] = g((x[i], y[i]), (x[j], y[j]));
            }
            b[i] = g((x[i], y[i]), (x0, y0));
        }
        a[4][4] = 0.0;
        let s = solve_by_hand(a, b.clone());
        let expected: f64 = (0..4).map(|i| s[i] * z[i]).sum();
        let expected_var: f64 = (0..4).map(|i| s[i] * b[i]).sum::<f64>() + s[4];
        let k = Kriging {
            model: &model,
            x: &x,
            y: &y,
            z: &z,
        };
        let (v, var) = k.cell(&neighbours(&x, &y, x0, y0), x0, y0, &mut Cache::default());
        assert!((v - expected).abs() < 1e-10, "{v} vs {expected}");
        assert!(
            (var - expected_var).abs() < 1e-10,
            "{var} vs {expected_var}"
        );
        assert!((s[..4].iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reused_decomposition_changes_nothing() {
        let model = spherical(0.1, 1.0, 25.0);
        let x = [0.0, 9.0, 3.0, 14.0, 7.0];
        let y = [0.0, 1.0, 12.0, 10.0, 6.0];
        let z = [1.0, 2.0, 3.0, 4.0, 5.0];
        let k = Kriging {
            model: &model,
            x: &x,
            y: &y,
            z: &z,
        };
        let mut shared = Cache::default();
        for (x0, y0) in [(5.0, 5.0), (5.5, 5.0), (6.0, 4.0)] {
            let nb = neighbours(&x, &y, x0, y0);
            let a = k.cell(&nb, x0, y0, &mut shared);
            let b = k.cell(&nb, x0, y0, &mut Cache::default());
            assert_eq!(a.0.to_bits(), b.0.to_bits());
            assert_eq!(a.1.to_bits(), b.1.to_bits());
        }
    }
}
