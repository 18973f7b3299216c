//! The training rows of a data-driven model: positives at the known occurrences, background
//! cells as negatives (positive-unlabelled sampling, Elith et al. 2011, "A statistical
//! explanation of MaxEnt for ecologists", *Divers. Distrib.* 17:43–57: background cells are
//! unlabelled, not known barren), and a separate background sample of the whole area on which
//! held-out figures are measured.
//!
//! - **Positives**: the occurrences on cells where some evidence layer has data, in file order,
//!   one per cell; with `thin_km`, an occurrence closer than that to one already kept is left
//!   out (greedy thinning in file order, Aiello-Lammens et al. 2015, spThin).
//! - **Negatives**: `per_positive` × positives cells drawn without replacement (Floyd's
//!   algorithm, [`sample_ranks`]) among the cells with data that are farther than
//!   `exclude_km` from every occurrence (cell centres), seeded by the model's seed.
//! - **Background**: [`BACKGROUND_CELLS`] cells (or all of them) drawn the same way among all
//!   cells with data, from a seed derived from the model's: the reference area of a success-rate
//!   curve, as a sample.
//!
//! Two passes over the layers, the counts and class codes of each block merged in block order,
//! so that the rows are the same for any thread count.
use std::collections::BTreeSet;

use crate::engine::{Block, Engine};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::layer::aligned_blocks;
use crate::models::logistic::sample_ranks;
use crate::modelspec::Learning;
use crate::rng::SplitMix64;
use crate::spatial_cv::mark_disk;

use super::features::{Features, Layers, Raw};

/// Fewest positives a data-driven model trains on: with fewer, neither its fit nor its
/// cross-validation says anything.
pub const MIN_POSITIVES: usize = 3;

/// Cells in the background sample on which held-out figures are measured.
pub const BACKGROUND_CELLS: u64 = 20_000;

/// Rows of feature values with the cell centre of each.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Row-major feature values.
    pub x: Vec<f32>,
    /// Cell centre of each row.
    pub xy: Vec<(f64, f64)>,
}

impl Rows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.xy.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.xy.is_empty()
    }

    /// The rows `idx`, row-major.
    pub fn select(&self, idx: &[usize], width: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(idx.len() * width);
        for &i in idx {
            out.extend_from_slice(&self.x[i * width..(i + 1) * width]);
        }
        out
    }
}

/// The training rows and what was left out (module docs).
#[derive(Debug, Clone, Default)]
pub struct Training {
    /// Positives, in occurrence order.
    pub positives: Rows,
    /// Negatives, in grid order.
    pub negatives: Rows,
    /// The background sample, in grid order.
    pub background: Rows,
    /// Occurrences outside the grid or its study area.
    pub outside: usize,
    /// Occurrences on cells where no evidence layer has data.
    pub on_nodata: usize,
    /// Occurrences on a cell another one already holds.
    pub same_cell: usize,
    /// Occurrences thinned out (`thin_km`).
    pub thinned: usize,
    /// Cells negatives could be drawn from.
    pub eligible_cells: u64,
    /// Cells with data.
    pub valid_cells: u64,
}

/// Grid units per km: metres for projected CRSs (`metres_per_unit` of the CRS), and 1/111.32
/// degree (a km along a meridian) for geographic ones.
pub fn units_per_km(geographic: bool, metres_per_unit: f64) -> f64 {
    if geographic {
        1.0 / 111.32
    } else {
        1000.0 / metres_per_unit
    }
}

/// Draws the training rows of `layers` (module docs). `occurrences` are the commodity's, in
/// the grid's CRS and file order; `units_per_km` converts the model's km to grid units.
pub fn draw(
    layers: Layers,
    grid: &GridSpec,
    occurrences: &[(f64, f64)],
    learning: &Learning,
    units_per_km: f64,
    engine: &Engine,
    stage: &str,
) -> Result<(Features, Training)> {
    let mut t = Training::default();
    let cells = positive_cells(grid, occurrences, learning, units_per_km, &mut t);
    let strips = aligned_blocks(grid, layers.tile_rows());
    let exclude = learning.exclude_km * units_per_km;
    let in_strip = |b: &Block| {
        let lo = cells.partition_point(|&(r, _, _)| r < b.row0);
        let hi = cells.partition_point(|&(r, _, _)| r < b.row0 + b.rows);
        lo..hi
    };
    let masks = |b: &Block, raw: &[Raw]| {
        let n = b.rows * grid.width;
        let valid: Vec<bool> = (0..n).map(|i| raw.iter().any(|r| r.has(i))).collect();
        let mut excluded = vec![false; n];
        let (top, bottom) = (
            grid.y0 - b.row0 as f64 * grid.res + exclude + grid.res,
            grid.y0 - (b.row0 + b.rows) as f64 * grid.res - exclude - grid.res,
        );
        for &(x, y) in occurrences.iter().filter(|o| o.1 <= top && o.1 >= bottom) {
            mark_disk(grid, b.row0, &mut excluded, (x, y), exclude);
        }
        for &(r, c, _) in &cells[in_strip(b)] {
            excluded[(r - b.row0) * grid.width + c] = true;
        }
        (valid, excluded)
    };
    let counts = engine.staged(&format!("{stage}: background cells"), 0, || {
        engine.map_blocks(&strips, |b| {
            let raw = layers.read(b)?;
            let (valid, excluded) = masks(b, &raw);
            let v = valid.iter().filter(|&&v| v).count() as u64;
            let e = valid
                .iter()
                .zip(&excluded)
                .filter(|(v, x)| **v && !**x)
                .count() as u64;
            let p = cells[in_strip(b)]
                .iter()
                .filter(|&&(r, c, _)| valid[(r - b.row0) * grid.width + c])
                .count();
            Ok((v, e, Layers::codes(&raw), p))
        })
    })?;
    let mut codes = vec![BTreeSet::new(); layers.specs.len()];
    for (_, _, c, _) in &counts {
        for (all, block) in codes.iter_mut().zip(c) {
            all.extend(block.iter().copied());
        }
    }
    t.valid_cells = counts.iter().map(|c| c.0).sum();
    t.eligible_cells = counts.iter().map(|c| c.1).sum();
    let features = layers.encode(codes);
    let width = features.width();

    let usable: usize = counts.iter().map(|c| c.3).sum();
    let wanted = (learning.negatives_per_positive * usable as f64).round() as u64;
    let negative_ranks = sample_ranks(t.eligible_cells, wanted, learning.seed);
    let background_seed = SplitMix64::new(learning.seed).next_u64();
    let background_ranks = sample_ranks(
        t.valid_cells,
        BACKGROUND_CELLS.min(t.valid_cells),
        background_seed,
    );
    let offsets = |pick: fn(&BlockCounts) -> u64| {
        let mut acc = 0;
        counts
            .iter()
            .map(|c| {
                let o = acc;
                acc += pick(c);
                o
            })
            .collect::<Vec<u64>>()
    };
    let (valid_at, eligible_at) = (offsets(|c| c.0), offsets(|c| c.1));
    let ranks_in = |ranks: &[u64], lo: u64, hi: u64| {
        let s = ranks.partition_point(|&r| r < lo);
        let e = ranks.partition_point(|&r| r < hi);
        ranks[s..e].iter().map(|r| r - lo).collect::<Vec<u64>>()
    };
    let mut positives: Vec<(usize, Vec<f32>, (f64, f64))> = Vec::with_capacity(usable);
    engine.staged(&format!("{stage}: training rows"), 0, || {
        let rows = engine.map_blocks(&strips, |b| {
            let i = b.index;
            let neg = ranks_in(
                &negative_ranks,
                eligible_at[i],
                eligible_at[i] + counts[i].1,
            );
            let bg = ranks_in(&background_ranks, valid_at[i], valid_at[i] + counts[i].0);
            let pos = &cells[in_strip(b)];
            let mut out = (Vec::new(), Rows::default(), Rows::default(), 0usize);
            if neg.is_empty() && bg.is_empty() && pos.is_empty() {
                return Ok(out);
            }
            let raw = features.layers.read(b)?;
            let (valid, excluded) = masks(b, &raw);
            for &(r, c, order) in pos {
                let k = (r - b.row0) * grid.width + c;
                if valid[k] {
                    let mut x = Vec::with_capacity(width);
                    features.push_cell(&raw, k, &mut x);
                    out.0.push((order, x, grid.cell_centre(r, c)));
                } else {
                    out.3 += 1;
                }
            }
            let (mut nv, mut ne) = (0u64, 0u64);
            let (mut ni, mut bi) = (neg.iter().peekable(), bg.iter().peekable());
            for k in 0..valid.len() {
                if !valid[k] {
                    continue;
                }
                let centre = || grid.cell_centre(b.row0 + k / grid.width, k % grid.width);
                if bi.peek() == Some(&&nv) {
                    features.push_cell(&raw, k, &mut out.2.x);
                    out.2.xy.push(centre());
                    bi.next();
                }
                nv += 1;
                if !excluded[k] {
                    if ni.peek() == Some(&&ne) {
                        features.push_cell(&raw, k, &mut out.1.x);
                        out.1.xy.push(centre());
                        ni.next();
                    }
                    ne += 1;
                }
            }
            Ok(out)
        })?;
        for (pos, neg, bg, nodata) in rows {
            positives.extend(pos);
            t.negatives.x.extend(neg.x);
            t.negatives.xy.extend(neg.xy);
            t.background.x.extend(bg.x);
            t.background.xy.extend(bg.xy);
            t.on_nodata += nodata;
        }
        Ok(())
    })?;
    positives.sort_by_key(|p| p.0);
    for (_, x, xy) in positives {
        t.positives.x.extend(x);
        t.positives.xy.push(xy);
    }
    if t.positives.len() < MIN_POSITIVES {
        return Err(Error::param(format!(
            "a data-driven model needs at least {MIN_POSITIVES} occurrences on cells with \
             evidence, and {} {} ({} outside the grid, {} on nodata, {} on a cell already \
             held, {} thinned out)",
            t.positives.len(),
            if t.positives.len() == 1 { "is" } else { "are" },
            t.outside,
            t.on_nodata,
            t.same_cell,
            t.thinned
        )));
    }
    if t.negatives.is_empty() {
        return Err(Error::param(format!(
            "no background cell lies farther than {} km from every occurrence: lower \
             negatives.exclude_km",
            learning.exclude_km
        )));
    }
    Ok((features, t))
}

/// Per block: cells with data, cells negatives may be drawn from, class codes per layer, and
/// positives on cells with data.
type BlockCounts = (u64, u64, Vec<BTreeSet<i32>>, usize);

/// The occurrences' cells `(row, col, order)` sorted by cell, after leaving out those off the
/// grid, thinned and on a cell already held.
fn positive_cells(
    grid: &GridSpec,
    occurrences: &[(f64, f64)],
    learning: &Learning,
    units_per_km: f64,
    t: &mut Training,
) -> Vec<(usize, usize, usize)> {
    let thin = learning.thin_km.map(|k| k * units_per_km);
    let mut kept_xy: Vec<(f64, f64)> = Vec::new();
    let mut cells: Vec<(usize, usize, usize)> = Vec::new();
    let mut seen = BTreeSet::new();
    for &(x, y) in occurrences {
        let Some((r, c)) = grid.cell_of(x, y).filter(|&(r, c)| grid.in_area(r, c)) else {
            t.outside += 1;
            continue;
        };
        if thin.is_some_and(|d| kept_xy.iter().any(|k| (k.0 - x).hypot(k.1 - y) < d)) {
            t.thinned += 1;
            continue;
        }
        if !seen.insert((r, c)) {
            t.same_cell += 1;
            continue;
        }
        kept_xy.push((x, y));
        cells.push((r, c, cells.len()));
    }
    cells.sort_unstable();
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
    use crate::io::crs::Crs;
    use crate::modelspec::{Learning, NegativesSpec};
    use crate::ops::learn::features::FeatureLayer;

    /// A 60 x 50 grid of 100 m cells in UTM 48N with one layer: its column index, nodata in
    /// the first row.
    fn layer(dir: &std::path::Path) -> (GridSpec, std::path::PathBuf) {
        let crs = Crs::parse("EPSG:32648").unwrap();
        let g = GridSpec::from_extent(
            crs.wkt().unwrap(),
            [500_000.0, 4_000_000.0, 506_000.0, 4_005_000.0],
            100.0,
        )
        .unwrap();
        let v: Vec<f32> = (0..g.width * g.height)
            .map(|i| {
                if i < g.width {
                    f32::NAN
                } else {
                    (i % g.width) as f32
                }
            })
            .collect();
        let path = dir.join("a.tif");
        let mut w =
            CogWriter::create(&g, &path, PixelType::Float32, &LayerMeta::default()).unwrap();
        w.write_rows(0, v).unwrap();
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
        (g, path)
    }

    fn learning(per_positive: f64, exclude_km: f64, thin_km: Option<f64>, seed: u64) -> Learning {
        Learning::check(
            Default::default(),
            NegativesSpec {
                per_positive: Some(per_positive),
                exclude_km: Some(exclude_km),
            },
            thin_km,
            Some(seed),
            &[],
        )
        .unwrap()
    }

    fn draw_rows(
        g: &GridSpec,
        path: &std::path::Path,
        occ: &[(f64, f64)],
        l: &Learning,
        threads: usize,
    ) -> Training {
        let layers = Layers::open(
            vec![FeatureLayer {
                name: "a".into(),
                path: path.to_path_buf(),
                classes: false,
                log10: false,
            }],
            g,
        )
        .unwrap();
        draw(
            layers,
            g,
            occ,
            l,
            1000.0,
            &Engine::new(threads).unwrap(),
            "t",
        )
        .unwrap()
        .1
    }

    #[test]
    fn no_negative_lies_within_the_exclusion_of_any_occurrence() {
        let dir = tempfile::tempdir().unwrap();
        let (g, path) = layer(dir.path());
        // Occurrences: two on cells, one on the nodata row, one off the grid, one sharing a
        // cell, one 300 m from the first (thinned at 0.5 km).
        let occ = [
            (501_050.0, 4_002_050.0),
            (504_550.0, 4_001_050.0),
            (502_050.0, 4_004_950.0),
            (490_000.0, 4_002_000.0),
            (501_060.0, 4_002_040.0),
            (501_350.0, 4_002_050.0),
            (503_050.0, 4_003_050.0),
        ];
        for seed in [1, 2, 3] {
            let l = learning(50.0, 1.2, Some(0.5), seed);
            let t = draw_rows(&g, &path, &occ, &l, 2);
            assert_eq!(t.positives.len(), 3);
            assert_eq!(
                (t.outside, t.on_nodata, t.thinned, t.same_cell),
                (1, 1, 2, 0)
            );
            assert_eq!(t.negatives.len(), 150);
            for &(x, y) in &t.negatives.xy {
                for &(ox, oy) in &occ {
                    assert!(
                        (x - ox).hypot(y - oy) > 1200.0,
                        "({x}, {y}) near ({ox}, {oy})"
                    );
                }
            }
            // Each row's feature is its cell's column (the layer's values).
            for (k, &(x, _)) in t.negatives.xy.iter().enumerate() {
                assert_eq!(t.negatives.x[k], ((x - 500_000.0) / 100.0).floor() as f32);
            }
            assert_eq!(t.background.len(), g.width * (g.height - 1));
        }
        // Unthinned, the one sharing a cell is left out as such.
        let t = draw_rows(&g, &path, &occ, &learning(10.0, 1.2, None, 1), 1);
        assert_eq!(t.positives.len(), 4);
        assert_eq!(
            (t.outside, t.on_nodata, t.thinned, t.same_cell),
            (1, 1, 0, 1)
        );
    }

    #[test]
    fn rows_are_the_same_for_any_thread_count_and_follow_the_seed() {
        let dir = tempfile::tempdir().unwrap();
        let (g, path) = layer(dir.path());
        let occ = [
            (501_050.0, 4_002_050.0),
            (504_550.0, 4_001_050.0),
            (503_050.0, 4_003_050.0),
        ];
        let l = learning(10.0, 0.5, None, 4);
        let a = draw_rows(&g, &path, &occ, &l, 1);
        let b = draw_rows(&g, &path, &occ, &l, 3);
        assert_eq!(a.negatives.xy, b.negatives.xy);
        assert_eq!(a.negatives.x, b.negatives.x);
        let c = draw_rows(&g, &path, &occ, &learning(10.0, 0.5, None, 5), 1);
        assert_ne!(a.negatives.xy, c.negatives.xy);
    }
}
