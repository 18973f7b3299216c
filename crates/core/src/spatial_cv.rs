//! Spatial block cross-validation folds (Roberts et al. 2017, *Ecography* 40:913–929,
//! "Cross-validation strategies for data with temporal, spatial, hierarchical, or phylogenetic
//! structure"; Valavi et al. 2019, *Methods Ecol. Evol.* 10:225–232, blockCV).
//!
//! Occurrences of a district sit close together and share its evidence, so a random fold
//! leaves a held-out occurrence's neighbours in training and the held-out figure flatters the
//! model. Here the plane is cut into square blocks of side `s` on a lattice anchored at the
//! CRS origin (block `(⌊x/s⌋, ⌊y/s⌋)`), whole blocks go to folds, and training leaves out what
//! lies within a buffer of the held-out occurrences:
//! 1. blocks holding occurrences are ordered by their count (most first, then by key) and each
//!    goes to the fold with the fewest occurrences so far (the lowest fold on ties): folds of
//!    about equal size, the same for any thread count or input order of equal points;
//! 2. `k = min(max_folds, blocks)` folds; fewer than two blocks give no folds;
//! 3. fold `f` trains on the occurrences of the other folds farther than the buffer from every
//!    occurrence of `f` ([`BlockFolds::training`]); cells within the buffer of a held-out
//!    occurrence are background the caller leaves out of training too ([`BlockFolds::buffer`]).
//!
//! The default side ([`default_side`]) is the largest, halving from half the occurrences'
//! extent rounded up to 1, 2 or 5 times a power of ten, that puts them in at least `k` blocks
//! (so that every fold holds out at least one whole block), but never below twice their median
//! nearest-neighbour spacing rounded up the same way (occurrences a typical spacing apart stay
//! in one block); the default buffer is half the side.
use std::collections::BTreeMap;

use crate::geochem::gridding::reach::median_spacing;
use crate::grid::GridSpec;

/// Occurrences assigned to folds by spatial blocks (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct BlockFolds {
    /// Block side, in CRS units.
    pub side: f64,
    /// Buffer around held-out occurrences left out of training, in CRS units.
    pub buffer: f64,
    /// Number of folds.
    pub folds: usize,
    /// Blocks holding occurrences.
    pub blocks: usize,
    /// Each occurrence's fold, in input order.
    pub fold_of: Vec<usize>,
    /// Each occurrence's block, in input order.
    pub block_of: Vec<(i64, i64)>,
    /// The fold of each block holding occurrences.
    pub fold_of_block: BTreeMap<(i64, i64), usize>,
}

/// The block of a point.
fn block(x: f64, y: f64, side: f64) -> (i64, i64) {
    ((x / side).floor() as i64, (y / side).floor() as i64)
}

/// Occurrences per non-empty block.
fn counts(xy: &[(f64, f64)], side: f64) -> BTreeMap<(i64, i64), usize> {
    let mut m = BTreeMap::new();
    for &(x, y) in xy {
        *m.entry(block(x, y, side)).or_insert(0) += 1;
    }
    m
}

/// The default block side for `max_folds` folds (module docs); `None` with fewer than two
/// distinct points.
///
/// ```
/// use geoprospect_core::spatial_cv::default_side;
/// // Two districts 40 km apart, five occurrences 200 m apart in each.
/// let xy: Vec<(f64, f64)> = (0..10)
///     .map(|i| ((i / 5) as f64 * 40_000.0 + (i % 5) as f64 * 200.0, 1_000.0))
///     .collect();
/// let side = default_side(&xy, 5).unwrap();
/// assert!(side >= 400.0 && side < 40_000.0);
/// ```
pub fn default_side(xy: &[(f64, f64)], max_folds: usize) -> Option<f64> {
    let (x, y): (Vec<f64>, Vec<f64>) = xy.iter().copied().unzip();
    let spacing = median_spacing(&x, &y)?;
    let [xmin, ymin, xmax, ymax] = xy.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, &(x, y)| [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)],
    );
    let floor = round_up(2.0 * spacing);
    let wanted = max_folds.min(xy.len());
    let mut side = round_up((xmax - xmin).max(ymax - ymin) / 2.0).max(floor);
    while side / 2.0 >= floor && counts(xy, side).len() < wanted {
        side /= 2.0;
    }
    Some(side)
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `v > 0` (a side a reader can
/// check on a map).
fn round_up(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return v;
    }
    let decade = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * decade)
        .find(|&s| s >= v * (1.0 - 1e-12))
        .unwrap_or(10.0 * decade)
}

/// Folds of whole blocks of side `side` (module docs); `None` when the occurrences fall in
/// fewer than two blocks. `side` and `buffer` must be positive and finite (buffer may be 0).
///
/// ```
/// use geoprospect_core::spatial_cv::block_folds;
/// let xy = [(100.0, 100.0), (150.0, 120.0), (5_100.0, 100.0), (9_900.0, 5_200.0)];
/// let f = block_folds(&xy, 1_000.0, 500.0, 5).unwrap();
/// assert_eq!((f.blocks, f.folds), (3, 3));
/// assert_eq!(f.fold_of[0], f.fold_of[1]); // one block, one fold
/// assert_eq!(f.training(0, &xy), vec![2, 3]);
/// ```
pub fn block_folds(
    xy: &[(f64, f64)],
    side: f64,
    buffer: f64,
    max_folds: usize,
) -> Option<BlockFolds> {
    let per_block = counts(xy, side);
    if per_block.len() < 2 || max_folds < 2 {
        return None;
    }
    let k = max_folds.min(per_block.len());
    let mut order: Vec<((i64, i64), usize)> = per_block.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut size = vec![0usize; k];
    let mut fold_of_block = BTreeMap::new();
    for (key, n) in &order {
        let f = (0..k).min_by_key(|&f| (size[f], f)).unwrap_or(0);
        size[f] += n;
        fold_of_block.insert(*key, f);
    }
    let block_of: Vec<(i64, i64)> = xy.iter().map(|&(x, y)| block(x, y, side)).collect();
    let fold_of = block_of.iter().map(|b| fold_of_block[b]).collect();
    Some(BlockFolds {
        side,
        buffer,
        folds: k,
        blocks: order.len(),
        fold_of,
        block_of,
        fold_of_block,
    })
}

impl BlockFolds {
    /// The occurrences fold `f` holds out, in input order.
    pub fn held_out(&self, f: usize) -> Vec<usize> {
        (0..self.fold_of.len())
            .filter(|&i| self.fold_of[i] == f)
            .collect()
    }

    /// The occurrences fold `f` trains on: those of other folds farther than the buffer from
    /// every occurrence it holds out, in input order.
    pub fn training(&self, f: usize, xy: &[(f64, f64)]) -> Vec<usize> {
        let held = self.held_out(f);
        (0..self.fold_of.len())
            .filter(|&i| self.fold_of[i] != f)
            .filter(|&i| held.iter().all(|&j| !self.within_buffer(xy[i], xy[j])))
            .collect()
    }

    /// The fold holding out the block of `(x, y)`, when that block holds occurrences.
    pub fn fold_at(&self, x: f64, y: f64) -> Option<usize> {
        self.fold_of_block.get(&block(x, y, self.side)).copied()
    }

    /// The background points fold `f` trains on: those outside its blocks and farther than
    /// the buffer from every occurrence it holds out (`xy` the occurrences, `background` the
    /// background points), in input order.
    pub fn background_training(
        &self,
        f: usize,
        xy: &[(f64, f64)],
        background: &[(f64, f64)],
    ) -> Vec<usize> {
        let held: Vec<(f64, f64)> = self.held_out(f).into_iter().map(|i| xy[i]).collect();
        (0..background.len())
            .filter(|&i| {
                let (x, y) = background[i];
                self.fold_at(x, y) != Some(f)
                    && held.iter().all(|&o| !self.within_buffer((x, y), o))
            })
            .collect()
    }

    /// Whether point `p` lies within the buffer of occurrence `o` (distance `<=` buffer).
    pub fn within_buffer(&self, p: (f64, f64), o: (f64, f64)) -> bool {
        (p.0 - o.0).hypot(p.1 - o.1) <= self.buffer
    }
}

/// Cells within `radius` of `(x, y)` among rows `row0 .. row0 + rows` of `grid`, marked in
/// `mask` (row-major over those rows, `rows = mask.len() / grid.width`): cell centres at a
/// distance `<= radius`.
///
/// ```
/// use geoprospect_core::grid::GridSpec;
/// use geoprospect_core::spatial_cv::mark_disk;
/// let grid = GridSpec::from_extent(String::new(), [0.0, 0.0, 1000.0, 1000.0], 100.0).unwrap();
/// let mut mask = vec![false; 100];
/// mark_disk(&grid, 0, &mut mask, (550.0, 450.0), 100.0);
/// // The centre cell and its four edge neighbours.
/// assert_eq!(mask.iter().filter(|&&m| m).count(), 5);
/// ```
pub fn mark_disk(grid: &GridSpec, row0: usize, mask: &mut [bool], (x, y): (f64, f64), radius: f64) {
    let rows = mask.len() / grid.width.max(1);
    let reach = (radius / grid.res).ceil() as i64 + 1;
    let to_index = |v: f64| v.floor() as i64;
    let (r_mid, c_mid) = (
        to_index((grid.y0 - y) / grid.res),
        to_index((x - grid.x0) / grid.res),
    );
    let (r_lo, r_hi) = (
        (r_mid - reach).max(row0 as i64),
        (r_mid + reach).min((row0 + rows) as i64 - 1),
    );
    let (c_lo, c_hi) = (
        (c_mid - reach).max(0),
        (c_mid + reach).min(grid.width as i64 - 1),
    );
    for r in r_lo..=r_hi {
        for c in c_lo..=c_hi {
            let (cx, cy) = grid.cell_centre(r as usize, c as usize);
            if (cx - x).hypot(cy - y) <= radius {
                mask[(r as usize - row0) * grid.width + c as usize] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Folds never share a block, every fold holds out something, training never holds an
        /// occurrence within the buffer of a held-out one, and fold sizes differ by at most the
        /// largest block.
        #[test]
        fn folds_are_whole_blocks_and_training_keeps_out_of_the_buffer(
            pts in proptest::collection::vec((0.0f64..50_000.0, 0.0f64..50_000.0), 2..80),
            side in 500.0f64..20_000.0,
            buffer in 0.0f64..5_000.0,
        ) {
            let Some(f) = block_folds(&pts, side, buffer, 5) else {
                prop_assert!(counts(&pts, side).len() < 2);
                return Ok(());
            };
            let mut fold_of_block = BTreeMap::new();
            for (b, &k) in f.block_of.iter().zip(&f.fold_of) {
                prop_assert_eq!(*fold_of_block.entry(*b).or_insert(k), k);
            }
            let largest = *counts(&pts, side).values().max().unwrap();
            let sizes: Vec<usize> = (0..f.folds).map(|k| f.held_out(k).len()).collect();
            prop_assert!(sizes.iter().all(|&s| s > 0));
            prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= largest);
            // Background points a fold trains on: never in its blocks, never in its buffer.
            let background: Vec<(f64, f64)> = pts.iter().map(|&(x, y)| (y, x)).collect();
            for k in 0..f.folds {
                let held: Vec<usize> = f.held_out(k);
                for j in f.background_training(k, &pts, &background) {
                    let b = background[j];
                    prop_assert!(f.fold_at(b.0, b.1) != Some(k));
                    prop_assert!(held.iter().all(|&i| !f.within_buffer(b, pts[i])));
                }
            }
            for k in 0..f.folds {
                for i in f.training(k, &pts) {
                    prop_assert!(f.fold_of[i] != k);
                    for j in f.held_out(k) {
                        let d = (pts[i].0 - pts[j].0).hypot(pts[i].1 - pts[j].1);
                        prop_assert!(d > buffer);
                    }
                }
            }
        }
    }

    #[test]
    fn no_fold_trains_on_a_district_it_holds_out() {
        // Six districts 20 km apart, each four occurrences 300 m apart.
        let xy: Vec<(f64, f64)> = (0..24)
            .map(|i| {
                let d = (i / 4) as f64;
                (
                    10_000.0 + 20_000.0 * d + 300.0 * (i % 2) as f64,
                    10_000.0 + 300.0 * ((i / 2) % 2) as f64,
                )
            })
            .collect();
        let side = default_side(&xy, 5).unwrap();
        let f = block_folds(&xy, side, side / 2.0, 5).unwrap();
        assert_eq!(f.folds, 5);
        assert!(side >= 600.0 && f.blocks >= 5);
        // A district may straddle a block edge, but no fold trains on a district it holds
        // out an occurrence of: the buffer keeps its other occurrences out of training.
        for k in 0..f.folds {
            let held: Vec<usize> = f.held_out(k).iter().map(|i| i / 4).collect();
            assert!(
                f.training(k, &xy).iter().all(|i| !held.contains(&(i / 4))),
                "{f:?}"
            );
        }
    }

    #[test]
    fn sides_start_from_round_numbers() {
        assert_eq!(round_up(17_763.0), 20_000.0);
        assert_eq!(round_up(5_000.0), 5_000.0);
        assert_eq!(round_up(0.3), 0.5);
        assert_eq!(round_up(101.0), 200.0);
    }

    #[test]
    fn one_block_gives_no_folds() {
        assert!(block_folds(&[(1.0, 1.0), (2.0, 2.0)], 100.0, 0.0, 5).is_none());
        assert!(default_side(&[(1.0, 1.0)], 5).is_none());
    }
}
