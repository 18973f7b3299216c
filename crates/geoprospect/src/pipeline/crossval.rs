//! Cross-validation of a commodity's map over its known occurrences, so that a run is not
//! graded only on the data it was built with.
//!
//! # The model itself
//! The presets and project models are knowledge-driven (fuzzy or index overlays): their
//! membership thresholds come from the layers (values or percentiles of the grid), never from
//! the occurrences. Refitting them without a fold changes nothing, so their cross-validated
//! success rate *is* the training figure; [`CrossValidation::model_auc`] says so.
//!
//! # A data-driven check: weights of evidence on the memberships
//! To see how much a model fitted *to* the occurrences would overstate its own performance,
//! each membership layer of the model is generalised to a binary pattern by weights of evidence
//! (Bonham-Carter 1994, ch. 9; [`crate::models::wofe`]):
//! 1. memberships are cut into [`WOFE_CLASSES`] = 20 equal classes (`[k/20, (k+1)/20)`, 1 in
//!    the last); a descending cumulative table (`m >= k/20`) is computed from the training
//!    occurrences and generalised at its maximum studentized contrast; cells in the pattern get
//!    `W+`, the others `W−`, nodata 0;
//! 2. each cell's score is `Σ W` over the layers (the posterior logit without the prior, a
//!    constant that changes no rank);
//! 3. folds: the occurrences on scored cells, in file order, go to fold `i mod k` with
//!    `k = min(5, n)` (leave-one-out when `n <= 5`); each fold is scored by weights fitted on
//!    the other folds and validated on its own occurrences against the whole scored area;
//! 4. `held_out_auc` and `held_out_capture10` are the means over folds weighted by fold size
//!    (each held-out occurrence counts once), next to `training_auc` and `training_capture10`
//!    of weights fitted and validated on all occurrences.
//!
//! 5. **spatial block cross-validation** ([`crate::spatial_cv`]): the same check with folds of
//!    whole square blocks (side `cv_block_km` of the model, or from the occurrences' spacing;
//!    [`crate::spatial_cv::default_side`]), each fold trained without the cells and the other
//!    occurrences within half a block side of its held-out occurrences (their cell centres).
//!    Its `held_out_auc` and `held_out_capture10` stand next to the random folds' figures.
//!
//! Unit cells are 1 km² (grid cells for geographic CRSs). Passes over the blocks, three units
//! of progress per strip: class counts per layer; the class counts of each spatial fold's
//! buffer, over the strips a buffer reaches; then every fold's scores counted into
//! [`AreaCounts`]. All counts are integers merged in block
//! order, so the figures are identical for any thread count.
use std::path::PathBuf;

use crate::commodity::Commodity;
use crate::engine::Engine;
use crate::error::Result;
use crate::grid::GridSpec;
use crate::io::crs::Crs;
use crate::io::layer::{aligned_blocks, GridLayer};
use crate::models::wofe::{
    generalise, table, AllDepositsRule, ClassCount, ClassCounts, Generalise, TableKind, Units,
};
use crate::ops::wofe::cell_m2;
use crate::spatial_cv::{block_folds, default_side, mark_disk, BlockFolds};
use crate::validate::{validate, AreaCounts, Validation};

/// Largest number of folds.
pub const CV_FOLDS: usize = 5;
/// Equal-width membership classes of the weights-of-evidence check.
pub const WOFE_CLASSES: usize = 20;
/// Class code of nodata cells.
const NODATA: u8 = u8::MAX;

/// One fold of the weights-of-evidence check.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fold {
    /// Occurrences held out.
    pub held_out: usize,
    /// AUC of the held-out occurrences on the map fitted without them.
    pub auc: f64,
    /// Share of them in the top 10 % of that map.
    pub capture10: f64,
    /// Per layer, the membership level of its binary pattern (`m >= level`), or `None` when
    /// the training occurrences gave it no defined weights.
    pub cuts: Vec<(String, Option<f64>)>,
}

/// The weights-of-evidence check (module docs).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WofeCheck {
    /// Membership layers used.
    pub layers: Vec<String>,
    /// AUC with weights fitted on all occurrences, validated on them.
    pub training_auc: f64,
    /// Share of all occurrences in the top 10 % of that map.
    pub training_capture10: f64,
    /// Fold-size-weighted mean AUC of held-out occurrences.
    pub held_out_auc: f64,
    /// Fold-size-weighted share of held-out occurrences in the top 10 % of their fold's map.
    pub held_out_capture10: f64,
    /// Each fold.
    pub folds: Vec<Fold>,
    /// The same check on spatial block folds, when the occurrences fall in two blocks or more.
    pub spatial: Option<SpatialCheck>,
    /// Why there is no spatial check, when there is none.
    pub spatial_note: Option<String>,
}

/// The weights-of-evidence check on spatial block folds (module docs, 5).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpatialCheck {
    /// Block side, km.
    pub block_km: f64,
    /// Whether the side was set by the model (`cv_block_km`) rather than chosen.
    pub block_given: bool,
    /// Buffer around held-out occurrences left out of training, km.
    pub buffer_km: f64,
    /// Blocks holding occurrences.
    pub blocks: usize,
    /// Fold-size-weighted mean AUC of held-out occurrences.
    pub held_out_auc: f64,
    /// Fold-size-weighted share of held-out occurrences in the top 10 % of their fold's map.
    pub held_out_capture10: f64,
    /// Each fold.
    pub folds: Vec<Fold>,
}

/// Cross-validation of one commodity (module docs).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CrossValidation {
    /// The commodity.
    pub commodity: Commodity,
    /// Occurrences of the commodity on scored cells.
    pub occurrences: usize,
    /// Folds (`min(5, occurrences)`).
    pub folds: usize,
    /// `5-fold`, `leave-one-out`, or `none`.
    pub scheme: String,
    /// The model's AUC: the training figure, which is also its cross-validated figure.
    pub model_auc: Option<f64>,
    /// The model's share of occurrences in the top 10 % of the area.
    pub model_capture10: Option<f64>,
    /// Why the model's figure is not refitted.
    pub model_note: String,
    /// The weights-of-evidence check, when there are at least 2 occurrences.
    pub wofe: Option<WofeCheck>,
    /// Why there is no check, when there is none.
    pub wofe_note: Option<String>,
}

impl CrossValidation {
    /// One line for the run summary.
    pub fn describe(&self) -> String {
        match &self.wofe {
            Some(w) => {
                let fewest = self.occurrences - self.occurrences.div_ceil(self.folds.max(1));
                let caveat = if fewest < 3 {
                    format!(
                        " (each fold fitted on as few as {fewest} occurrence{}: too few for a data-driven model)",
                        if fewest == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                };
                let spatial = match (&w.spatial, &w.spatial_note) {
                    (Some(s), _) => format!(
                        "; spatial block cross-validation ({} folds of {} blocks of {} km, \
                         buffer {} km): area {:.3} held out, top-10 % capture {:.0} %",
                        s.folds.len(),
                        s.blocks,
                        km(s.block_km),
                        km(s.buffer_km),
                        s.held_out_auc,
                        100.0 * s.held_out_capture10
                    ),
                    (None, Some(note)) => format!("; spatial block cross-validation: {note}"),
                    (None, None) => String::new(),
                };
                // "AUC" is kept for the success-rate line of each map in the run summary.
                format!(
                    "{} cross-validation ({}, {} occurrences): knowledge-driven model, held out = \
                     training (success-rate area {}); weights-of-evidence check: area {:.3} held \
                     out vs {:.3} fitted on all, top-10 % capture {:.0} % vs {:.0} %{caveat}\
                     {spatial}",
                    self.commodity,
                    self.scheme,
                    self.occurrences,
                    self.model_auc.map_or("-".into(), |a| format!("{a:.3}")),
                    w.held_out_auc,
                    w.training_auc,
                    100.0 * w.held_out_capture10,
                    100.0 * w.training_capture10
                )
            }
            None => format!(
                "{} cross-validation: {}",
                self.commodity,
                self.wofe_note.as_deref().unwrap_or("not run")
            ),
        }
    }
}

/// A length in km with up to three significant decimals (`2.5`, `0.375`, `40`).
pub fn km(v: f64) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    format!("{r}")
}

/// What the check reads.
pub struct CrossValRequest<'a> {
    /// The commodity.
    pub commodity: Commodity,
    /// The analysis grid and its CRS.
    pub grid: &'a GridSpec,
    /// Its CRS.
    pub crs: &'a Crs,
    /// Membership layers (name, file) in model order.
    pub layers: &'a [(String, PathBuf)],
    /// The commodity's occurrences in the analysis CRS, in file order.
    pub occurrences: &'a [(f64, f64)],
    /// The model's own validation against them.
    pub training: Option<&'a Validation>,
    /// Side of the spatial blocks in km (`None`: from the occurrences' spacing).
    pub block_km: Option<f64>,
}

/// The membership class of a value.
#[inline]
fn class_of(m: f32) -> u8 {
    if m.is_nan() {
        NODATA
    } else {
        ((m.clamp(0.0, 1.0) * WOFE_CLASSES as f32) as usize).min(WOFE_CLASSES - 1) as u8
    }
}

/// Weights per class of one layer (nodata weighs 0) and the pattern's membership level.
#[derive(Debug, Clone)]
struct LayerFit {
    w: [f64; WOFE_CLASSES],
    cut: Option<f64>,
}

/// Cells per membership class of each layer.
type Histogram = Vec<[u64; WOFE_CLASSES]>;

/// Fits binary weights of every layer from `train` occurrences (indices into `occ_classes`).
fn fit(
    hist: &[[u64; WOFE_CLASSES]],
    occ_classes: &[Vec<u8>],
    train: &[usize],
    units: Units,
) -> Vec<LayerFit> {
    hist.iter()
        .enumerate()
        .map(|(j, h)| {
            let mut counts = ClassCounts::default();
            for (k, &cells) in h.iter().enumerate() {
                if cells > 0 {
                    counts
                        .classes
                        .insert(k as i32, ClassCount { cells, deposits: 0 });
                }
            }
            for &i in train {
                let c = occ_classes[i][j];
                if let Some(cc) = counts.classes.get_mut(&(c as i32)) {
                    cc.deposits += 1;
                }
            }
            let mut out = LayerFit {
                w: [0.0; WOFE_CLASSES],
                cut: None,
            };
            let Ok(rows) = table(
                &counts,
                units,
                TableKind::Descending,
                AllDepositsRule::default(),
            ) else {
                return out;
            };
            let Ok(g) = generalise(&rows, Generalise::MaxStudentized) else {
                return out;
            };
            for (k, w) in out.w.iter_mut().enumerate() {
                *w = if k as i32 >= g.class {
                    g.weights.w_plus
                } else {
                    g.weights.w_minus
                };
            }
            out.cut = Some(g.class as f64 / WOFE_CLASSES as f64);
            out
        })
        .collect()
}

/// The score of a cell with these classes: Σ W, NaN when every layer is nodata.
#[inline]
fn score(fits: &[LayerFit], classes: impl Iterator<Item = u8>) -> f32 {
    let mut s = 0.0f64;
    let mut any = false;
    for (f, c) in fits.iter().zip(classes) {
        if c != NODATA {
            s += f.w[c as usize];
            any = true;
        }
    }
    if any {
        s as f32
    } else {
        f32::NAN
    }
}

/// Cross-validates one commodity (module docs).
pub fn cross_validate(req: &CrossValRequest, engine: &Engine) -> Result<CrossValidation> {
    let mut cv = CrossValidation {
        commodity: req.commodity,
        occurrences: req.training.map_or(0, |v| v.occurrences),
        folds: 0,
        scheme: "none".into(),
        model_auc: req.training.map(|v| v.auc),
        model_capture10: req.training.map(|v| v.capture[1].1),
        model_note: "knowledge-driven model: its thresholds come from the layers, not from the \
                     occurrences, so its cross-validated figure equals the training figure"
            .into(),
        wofe: None,
        wofe_note: None,
    };
    let grid = req.grid;
    let layers = req
        .layers
        .iter()
        .map(|(_, p)| GridLayer::open(p, grid))
        .collect::<Result<Vec<_>>>()?;
    if layers.is_empty() {
        cv.wofe_note = Some("no membership layers".into());
        return Ok(cv);
    }
    // Occurrences on the grid, in file order; sorted by cell to pick them out of the strips.
    let on_grid: Vec<(usize, usize)> = req
        .occurrences
        .iter()
        .filter_map(|&(x, y)| grid.cell_of(x, y))
        .collect();
    let few = |n: usize| {
        format!("{n} occurrence(s) on scored cells: at least 2 are needed to hold one out")
    };
    if on_grid.len() < 2 {
        cv.occurrences = req
            .training
            .map_or(on_grid.len(), |v| v.occurrences.min(on_grid.len()));
        cv.wofe_note = Some(few(cv.occurrences));
        return Ok(cv);
    }
    let mut by_cell: Vec<(usize, usize, usize)> = on_grid
        .iter()
        .enumerate()
        .map(|(i, &(r, c))| (r, c, i))
        .collect();
    by_cell.sort_unstable();
    let strips = aligned_blocks(grid, layers[0].tile_rows());
    let read_classes = |b: &crate::engine::Block| -> Result<Vec<Vec<u8>>> {
        layers
            .iter()
            .map(|l| Ok(l.read_block(b)?.into_iter().map(class_of).collect()))
            .collect()
    };
    // Pass 1: cells per class and layer, and the classes of the occurrences' cells.
    engine.staged(
        &format!("{} cross-validation", req.commodity),
        3 * strips.len() as u64,
        || {
            let mut hist = vec![[0u64; WOFE_CLASSES]; layers.len()];
            let mut classes_on_grid: Vec<Vec<u8>> = vec![Vec::new(); on_grid.len()];
            engine.for_each_block(
                &strips,
                |b| {
                    let classes = read_classes(b)?;
                    let mut h = vec![[0u64; WOFE_CLASSES]; layers.len()];
                    for (hj, cj) in h.iter_mut().zip(&classes) {
                        for &c in cj {
                            if c != NODATA {
                                hj[c as usize] += 1;
                            }
                        }
                    }
                    let lo = by_cell.partition_point(|o| o.0 < b.row0);
                    let hi = by_cell.partition_point(|o| o.0 < b.row0 + b.rows);
                    let occ: Vec<(usize, Vec<u8>)> = by_cell[lo..hi]
                        .iter()
                        .map(|&(r, c, i)| {
                            let cell = (r - b.row0) * grid.width + c;
                            (i, classes.iter().map(|cj| cj[cell]).collect())
                        })
                        .collect();
                    Ok((h, occ))
                },
                |_, (h, occ)| {
                    for (a, b) in hist.iter_mut().zip(&h) {
                        for (x, y) in a.iter_mut().zip(b) {
                            *x += y;
                        }
                    }
                    for (i, c) in occ {
                        classes_on_grid[i] = c;
                    }
                    Ok(())
                },
            )?;
            // Those on cells where some layer has data, in file order.
            let (occ_cells, occ_classes): (Vec<(usize, usize)>, Vec<Vec<u8>>) = on_grid
                .iter()
                .copied()
                .zip(classes_on_grid)
                .filter(|(_, c)| c.iter().any(|&v| v != NODATA))
                .unzip();
            let n = occ_classes.len();
            cv.occurrences = n;
            if n < 2 {
                cv.wofe_note = Some(few(n));
                return Ok(cv);
            }
            let k = CV_FOLDS.min(n);
            cv.folds = k;
            cv.scheme = if k == n {
                "leave-one-out".into()
            } else {
                format!("{k}-fold")
            };
            let units = Units {
                cell_m2: cell_m2(grid, req.crs, req.layers[0].1.as_path()).unwrap_or(1e6),
                unit_km2: 1.0,
            };
            // Fits: one per fold, then one on everything (the training figure).
            let fold_of = |i: usize| i % k;
            let mut fits = Vec::with_capacity(k + 1);
            let mut tests: Vec<Vec<usize>> = Vec::with_capacity(k + 1);
            for f in 0..k {
                let train: Vec<usize> = (0..n).filter(|&i| fold_of(i) != f).collect();
                fits.push(fit(&hist, &occ_classes, &train, units));
                tests.push((0..n).filter(|&i| fold_of(i) == f).collect());
            }
            // Spatial block folds: fits without each fold's buffer.
            let occ_xy: Vec<(f64, f64)> = occ_cells
                .iter()
                .map(|&(r, c)| grid.cell_centre(r, c))
                .collect();
            let (spatial, spatial_note) = spatial_folds(&occ_xy, req.block_km, req.crs);
            if spatial.is_none() {
                engine.progress().advance(strips.len() as u64);
            }
            if let Some((sf, _)) = &spatial {
                let buffers = buffer_histograms(
                    sf,
                    &occ_xy,
                    grid,
                    &strips,
                    &read_classes,
                    layers.len(),
                    engine,
                )?;
                for (f, bh) in buffers.iter().enumerate() {
                    let h: Histogram = hist
                        .iter()
                        .zip(bh)
                        .map(|(a, b)| std::array::from_fn(|c| a[c] - b[c]))
                        .collect();
                    fits.push(fit(&h, &occ_classes, &sf.training(f, &occ_xy), units));
                    tests.push(sf.held_out(f));
                }
            }
            let all: Vec<usize> = (0..n).collect();
            fits.push(fit(&hist, &occ_classes, &all, units));
            tests.push(all);
            let test_scores: Vec<Vec<f64>> = fits
                .iter()
                .zip(&tests)
                .map(|(fit, test)| {
                    test.iter()
                        .map(|&i| score(fit, occ_classes[i].iter().copied()) as f64)
                        .collect()
                })
                .collect();
            // Pass 2: every fit's scores over the whole area.
            let empty: Vec<AreaCounts> = test_scores.iter().map(|s| AreaCounts::new(s)).collect();
            let mut counts = empty.clone();
            engine.for_each_block(
                &strips,
                |b| {
                    let classes = read_classes(b)?;
                    let cells = classes[0].len();
                    let mut out = empty.clone();
                    let mut scores = vec![0f32; cells];
                    for (fit, c) in fits.iter().zip(out.iter_mut()) {
                        for (i, s) in scores.iter_mut().enumerate() {
                            *s = score(fit, classes.iter().map(|cj| cj[i]));
                        }
                        c.add(&scores);
                    }
                    Ok(out)
                },
                |_, part| {
                    for (a, b) in counts.iter_mut().zip(&part) {
                        a.merge(b);
                    }
                    Ok(())
                },
            )?;
            let mut results: Vec<Validation> = Vec::with_capacity(k + 1);
            for (s, c) in test_scores.iter().zip(&counts) {
                results.push(validate(s, c)?);
            }
            let names: Vec<String> = req.layers.iter().map(|(n, _)| n.clone()).collect();
            let fold = |f: usize| Fold {
                held_out: tests[f].len(),
                auc: results[f].auc,
                capture10: results[f].capture[1].1,
                cuts: names
                    .iter()
                    .cloned()
                    .zip(fits[f].iter().map(|l| l.cut))
                    .collect(),
            };
            let weighted = |folds: &[Fold], g: fn(&Fold) -> f64| {
                let held: usize = folds.iter().map(|f| f.held_out).sum();
                folds.iter().map(|f| f.held_out as f64 * g(f)).sum::<f64>() / held as f64
            };
            let folds: Vec<Fold> = (0..k).map(fold).collect();
            let spatial = spatial.map(|(sf, given)| {
                let folds: Vec<Fold> = (k..k + sf.folds).map(fold).collect();
                SpatialCheck {
                    block_km: sf.side / 1000.0,
                    block_given: given,
                    buffer_km: sf.buffer / 1000.0,
                    blocks: sf.blocks,
                    held_out_auc: weighted(&folds, |f| f.auc),
                    held_out_capture10: weighted(&folds, |f| f.capture10),
                    folds,
                }
            });
            let last = results.len() - 1;
            cv.wofe = Some(WofeCheck {
                layers: names,
                training_auc: results[last].auc,
                training_capture10: results[last].capture[1].1,
                held_out_auc: weighted(&folds, |f| f.auc),
                held_out_capture10: weighted(&folds, |f| f.capture10),
                folds,
                spatial,
                spatial_note,
            });
            Ok(cv)
        },
    )
}

/// The spatial block folds of the occurrences at `xy` (cell centres, metres) with the side
/// `block_km` or the default one, and whether the side was given; or why there are none.
fn spatial_folds(
    xy: &[(f64, f64)],
    block_km: Option<f64>,
    crs: &Crs,
) -> (Option<(BlockFolds, bool)>, Option<String>) {
    if crs.is_geographic() {
        return (
            None,
            Some("not run: blocks in km need a projected analysis CRS".into()),
        );
    }
    let Some(side) = block_km
        .map(|b| b * 1000.0)
        .or_else(|| default_side(xy, CV_FOLDS))
    else {
        return (None, Some("not run: the occurrences share one cell".into()));
    };
    match block_folds(xy, side, side / 2.0, CV_FOLDS) {
        Some(f) => (Some((f, block_km.is_some())), None),
        None => (
            None,
            Some(format!(
                "not run: every occurrence lies in one block of {} km",
                km(side / 1000.0)
            )),
        ),
    }
}

/// Per spatial fold, the cells per class of each of the `layers` within the buffer of its
/// held-out occurrences, over the strips a buffer reaches.
fn buffer_histograms(
    folds: &BlockFolds,
    xy: &[(f64, f64)],
    grid: &GridSpec,
    strips: &[crate::engine::Block],
    read_classes: &(dyn Fn(&crate::engine::Block) -> Result<Vec<Vec<u8>>> + Sync),
    layers: usize,
    engine: &Engine,
) -> Result<Vec<Histogram>> {
    let reach = folds.buffer + grid.res;
    let touched: Vec<crate::engine::Block> = strips
        .iter()
        .filter(|b| {
            let top = grid.y0 - b.row0 as f64 * grid.res;
            let bottom = top - b.rows as f64 * grid.res;
            xy.iter()
                .any(|&(_, y)| y <= top + reach && y >= bottom - reach)
        })
        .cloned()
        .collect();
    // The strips no buffer reaches count as done at once.
    engine
        .progress()
        .advance((strips.len() - touched.len()) as u64);
    let held: Vec<Vec<(f64, f64)>> = (0..folds.folds)
        .map(|f| folds.held_out(f).into_iter().map(|i| xy[i]).collect())
        .collect();
    let mut out: Vec<Histogram> = vec![vec![[0u64; WOFE_CLASSES]; layers]; folds.folds];
    engine.for_each_block(
        &touched,
        |b| {
            let classes = read_classes(b)?;
            let mut per_fold: Vec<Histogram> = Vec::with_capacity(held.len());
            for points in &held {
                let mut mask = vec![false; b.rows * grid.width];
                for &p in points {
                    mark_disk(grid, b.row0, &mut mask, p, folds.buffer);
                }
                let mut h = vec![[0u64; WOFE_CLASSES]; classes.len()];
                for (hj, cj) in h.iter_mut().zip(&classes) {
                    for (&c, _) in cj.iter().zip(&mask).filter(|(_, &m)| m) {
                        if c != NODATA {
                            hj[c as usize] += 1;
                        }
                    }
                }
                per_fold.push(h);
            }
            Ok(per_fold)
        },
        |_, per_fold| {
            for (a, b) in out.iter_mut().zip(&per_fold) {
                for (x, y) in a.iter_mut().zip(b) {
                    for (p, q) in x.iter_mut().zip(y) {
                        *p += q;
                    }
                }
            }
            Ok(())
        },
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};

    fn grid() -> (GridSpec, Crs) {
        let crs = Crs::parse("EPSG:32648").unwrap();
        let g = GridSpec::from_extent(
            crs.wkt().unwrap(),
            [500000.0, 4000000.0, 520000.0, 4020000.0],
            1000.0,
        )
        .unwrap();
        (g, crs)
    }

    #[test]
    fn classes_cover_zero_to_one() {
        assert_eq!(class_of(0.0), 0);
        assert_eq!(class_of(0.049), 0);
        assert_eq!(class_of(0.05), 1);
        assert_eq!(class_of(1.0), 19);
        assert_eq!(class_of(f32::NAN), NODATA);
    }

    /// A 20 x 20 grid whose layer is 1 on the left quarter and 0 elsewhere; 6 occurrences, all
    /// on the left quarter: every fold's pattern is the left quarter, the held-out
    /// occurrences fall in it, and the figures are those of a map with two values.
    #[test]
    fn a_pattern_holding_every_occurrence_is_found_in_every_fold() {
        let dir = tempfile::tempdir().unwrap();
        let (g, crs) = grid();
        let v: Vec<f32> = (0..400)
            .map(|i| if i % 20 < 5 { 1.0 } else { 0.0 })
            .collect();
        let path = dir.path().join("m.tif");
        let mut w =
            CogWriter::create(&g, &path, PixelType::Float32, &LayerMeta::default()).unwrap();
        w.write_rows(0, v).unwrap();
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
        let occ: Vec<(f64, f64)> = (0..6).map(|i| g.cell_centre(3 * i, i % 5)).collect();
        let layers = vec![("m".to_string(), path)];
        let mut figures = Vec::new();
        for threads in [1, 2] {
            let engine = Engine::new(threads).unwrap();
            let cv = cross_validate(
                &CrossValRequest {
                    commodity: Commodity::SN,
                    grid: &g,
                    crs: &crs,
                    layers: &layers,
                    occurrences: &occ,
                    training: None,
                    block_km: None,
                },
                &engine,
            )
            .unwrap();
            assert_eq!((cv.folds, cv.scheme.as_str()), (5, "5-fold"));
            let w = cv.wofe.unwrap();
            assert_eq!(w.folds.iter().map(|f| f.held_out).sum::<usize>(), 6);
            assert_eq!(w.folds[0].held_out, 2);
            assert!(w.folds.iter().all(|f| f.cuts[0].1 == Some(0.95)));
            // Occurrences tie with the 100 pattern cells (of 400): AUC = (300 + 50) / 400.
            assert!((w.held_out_auc - 0.875).abs() < 1e-12, "{}", w.held_out_auc);
            assert!((w.training_auc - 0.875).abs() < 1e-12);
            // The pattern is 25 % of the area: nothing is captured within 10 %.
            assert_eq!(w.held_out_capture10, 0.0);
            figures.push((w.held_out_auc, w.training_auc));
        }
        assert_eq!(figures[0], figures[1]);
    }

    #[test]
    fn a_disk_marks_the_cells_whose_centres_are_within_the_radius() {
        let (g, _) = grid();
        let p = (503_300.0, 4_011_700.0);
        for (row0, rows) in [(0, 20), (5, 4), (9, 1)] {
            let mut mask = vec![false; rows * g.width];
            mark_disk(&g, row0, &mut mask, p, 2_600.0);
            for r in row0..row0 + rows {
                for c in 0..g.width {
                    let (x, y) = g.cell_centre(r, c);
                    let inside = (x - p.0).hypot(y - p.1) <= 2_600.0;
                    assert_eq!(mask[(r - row0) * g.width + c], inside, "{r} {c}");
                }
            }
        }
    }

    /// Occurrences in three districts of the left quarter; 5 km blocks: each fold holds out
    /// whole blocks, trains without a 2.5 km buffer, and the figures do not depend on threads.
    #[test]
    fn spatial_folds_hold_out_whole_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let (g, crs) = grid();
        let v: Vec<f32> = (0..400)
            .map(|i| {
                if i % 20 < 5 {
                    1.0
                } else {
                    0.1 * (i % 7) as f32
                }
            })
            .collect();
        let path = dir.path().join("m.tif");
        let mut w =
            CogWriter::create(&g, &path, PixelType::Float32, &LayerMeta::default()).unwrap();
        w.write_rows(0, v).unwrap();
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
        let cells = [(1, 1), (1, 2), (8, 0), (8, 1), (9, 1), (16, 3), (17, 4)];
        let occ: Vec<(f64, f64)> = cells.iter().map(|&(r, c)| g.cell_centre(r, c)).collect();
        let layers = vec![("m".to_string(), path)];
        let mut seen = Vec::new();
        for threads in [1, 2] {
            let cv = cross_validate(
                &CrossValRequest {
                    commodity: Commodity::SN,
                    grid: &g,
                    crs: &crs,
                    layers: &layers,
                    occurrences: &occ,
                    training: None,
                    block_km: Some(5.0),
                },
                &Engine::new(threads).unwrap(),
            )
            .unwrap();
            let w = cv.wofe.unwrap();
            let s = w.spatial.clone().unwrap();
            assert_eq!((s.block_km, s.buffer_km, s.block_given), (5.0, 2.5, true));
            assert_eq!(s.blocks, 3);
            assert_eq!(s.folds.len(), 3);
            assert_eq!(s.folds.iter().map(|f| f.held_out).sum::<usize>(), 7);
            assert!(s.held_out_auc > 0.5 && s.held_out_auc <= 1.0, "{s:?}");
            assert!(cv_line_names_spatial(&cv.commodity, &w));
            seen.push(s);
        }
        assert_eq!(seen[0], seen[1]);
    }

    fn cv_line_names_spatial(c: &Commodity, w: &WofeCheck) -> bool {
        let cv = CrossValidation {
            commodity: *c,
            occurrences: 7,
            folds: 5,
            scheme: "5-fold".into(),
            model_auc: Some(0.9),
            model_capture10: Some(0.5),
            model_note: String::new(),
            wofe: Some(w.clone()),
            wofe_note: None,
        };
        cv.describe()
            .contains("spatial block cross-validation (3 folds of 3 blocks of 5 km, buffer 2.5 km)")
    }

    #[test]
    fn a_single_occurrence_gives_no_check() {
        let (g, crs) = grid();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.tif");
        let mut w =
            CogWriter::create(&g, &path, PixelType::Float32, &LayerMeta::default()).unwrap();
        w.write_rows(0, vec![0.5f32; 400]).unwrap();
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
        let cv = cross_validate(
            &CrossValRequest {
                commodity: Commodity::MO,
                grid: &g,
                crs: &crs,
                layers: &[("m".to_string(), path)],
                occurrences: &[g.cell_centre(1, 1), (0.0, 0.0)],
                training: None,
                block_km: None,
            },
            &Engine::new(1).unwrap(),
        )
        .unwrap();
        assert_eq!(cv.occurrences, 1);
        assert!(cv.wofe.is_none() && cv.wofe_note.unwrap().contains("at least 2"));
    }
}
