//! Target zones of a score map: its cells at or above a level labelled into ranked zones
//! ([`crate::zones`]) in one streaming pass over the map and its evidence layers, each zone's
//! outline traced by GDAL ([`crate::io::polygonize`]) in the grid's CRS.
//!
//! The level of a `top_area` selection is the exact `1 − a` quantile of the valid cells (numpy's
//! linear interpolation, two passes over the blocks, [`crate::evidence::quantiles`]). Per zone
//! the evidence layer with the highest mean membership over the zone's cells (cells where that
//! layer has data) is its top evidence (for a data-driven model, the layer with the highest
//! mean contribution to the predicted probability, [`crate::ops::learn::explain`]), and the
//! known occurrences whose cell belongs to the zone are named.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::commodity::Commodity;
use crate::engine::{Block, Engine};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::crs::{Crs, Transformer};
use crate::io::layer::{aligned_blocks, GridLayer};
use crate::io::polygonize::{polygonize, MEM_CELLS};
use crate::ops::learn::explain::Explainer;
use crate::ops::percentiles::layer_percentiles;
use crate::zones::{CellArea, Labeller, Selection, StripRuns, Zones};

/// A known occurrence in the analysis CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPoint {
    /// Easting.
    pub x: f64,
    /// Northing.
    pub y: f64,
    /// Name (may be empty).
    pub name: String,
}

/// What [`find_targets`] works on.
#[derive(Debug, Clone)]
pub struct TargetRequest<'a> {
    /// The commodity (for properties).
    pub commodity: Commodity,
    /// The score map on `grid`.
    pub score: &'a Path,
    /// The analysis grid.
    pub grid: &'a GridSpec,
    /// Its CRS.
    pub crs: &'a Crs,
    /// How cells are selected.
    pub selection: Selection,
    /// Zones of fewer cells are dropped.
    pub min_cells: usize,
    /// Evidence memberships on `grid`: name and file, in model order.
    pub evidence: &'a [(String, PathBuf)],
    /// A data-driven model's explainer: the zones' evidence values are then the layers'
    /// contributions to the probability at the selected cells, and `evidence` is not read.
    pub explainer: Option<&'a Explainer<'a>>,
    /// Known occurrences of the commodity, in file order.
    pub occurrences: &'a [NamedPoint],
    /// Folder for a temporary label raster (large grids only).
    pub scratch: &'a Path,
}

/// Polygons of an outline, each as rings (exterior first) of points in the grid's CRS.
pub type Outline = Vec<Vec<Vec<(f64, f64)>>>;

/// One ranked zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// 1 = best.
    pub rank: usize,
    /// Grid cells.
    pub cells: u64,
    /// Area in km².
    pub area_km2: f64,
    /// Highest score.
    pub max_score: f64,
    /// Mean score over the zone's cells.
    pub mean_score: f64,
    /// Centroid of the cells, WGS 84 longitude and latitude.
    pub centroid: (f64, f64),
    /// Mean membership of each evidence layer over the zone's cells where it has data (NaN
    /// when it has none there), in model order.
    pub evidence_means: Vec<(String, f64)>,
    /// The evidence layer with the highest mean membership (first in model order on ties).
    pub top_evidence: Option<(String, f64)>,
    /// Names of the occurrences inside (file order; `#n` for unnamed ones, n from 1).
    pub occurrences: Vec<String>,
    /// The zone's outline along cell edges, in the grid's CRS.
    pub outline: Outline,
}

/// The target zones of one score map.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSet {
    /// The commodity.
    pub commodity: Commodity,
    /// The selection rule, in words.
    pub rule: String,
    /// The score level: cells scoring at least this are selected (NaN without valid cells).
    pub threshold: f64,
    /// Cells with a score.
    pub scored_cells: u64,
    /// Cells selected.
    pub selected_cells: u64,
    /// Zones dropped for having fewer than `min_cells` cells.
    pub dropped_zones: usize,
    /// Zones kept, by rank.
    pub targets: Vec<Target>,
}

impl TargetSet {
    /// One line for run summaries.
    pub fn describe(&self) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let share = if self.scored_cells > 0 {
            100.0 * self.selected_cells as f64 / self.scored_cells as f64
        } else {
            0.0
        };
        format!(
            "{} target zone{} ({}: score >= {:.4}, {share:.1} % of the scored area; {} smaller zone{} dropped)",
            self.targets.len(),
            plural(self.targets.len()),
            self.rule,
            self.threshold,
            self.dropped_zones,
            plural(self.dropped_zones)
        )
    }
}

/// Finds, measures and ranks the target zones of `req.score` and traces their outlines.
pub fn find_targets(req: &TargetRequest, engine: &Engine) -> Result<TargetSet> {
    let grid = req.grid;
    let layer = GridLayer::open(req.score, grid)?;
    let evidence = req
        .evidence
        .iter()
        .map(|(_, p)| GridLayer::open(p, grid))
        .collect::<Result<Vec<_>>>()?;
    let strips = aligned_blocks(grid, layer.tile_rows());
    let level = match req.selection {
        Selection::MinScore(s) => Some(s),
        Selection::TopArea(a) => top_area_level(&layer, &strips, engine, a)?,
    };
    let mut set = TargetSet {
        commodity: req.commodity,
        rule: req.selection.describe(),
        threshold: level.unwrap_or(f64::NAN),
        scored_cells: 0,
        selected_cells: 0,
        dropped_zones: 0,
        targets: Vec::new(),
    };
    let Some(level) = level else {
        return Ok(set);
    };
    let names: Vec<String> = match req.explainer {
        Some(x) => x.names(),
        None => req.evidence.iter().map(|(n, _)| n.clone()).collect(),
    };
    let explainer = req.explainer;
    let mut labels = Labeller::new(names.len());
    engine.stage(
        &format!("{} targets: zones", req.commodity),
        &strips,
        |b| {
            let values = layer.read_block(b)?;
            let mut runs = StripRuns::select(&values, b.row0, grid.width, level, names.len());
            if runs.is_empty() {
                return Ok(runs);
            }
            match explainer {
                Some(x) => {
                    let raw = x.features.layers.read(b)?;
                    let selected: Vec<usize> = (0..values.len())
                        .filter(|&i| values[i] as f64 >= level)
                        .collect();
                    for (j, c) in x
                        .contributions(&raw, &selected, values.len())
                        .iter()
                        .enumerate()
                    {
                        runs.add_evidence(j, c);
                    }
                }
                None => {
                    for (j, e) in evidence.iter().enumerate() {
                        runs.add_evidence(j, &e.read_block(b)?);
                    }
                }
            }
            Ok(runs)
        },
        |_, runs| {
            labels.push(runs);
            Ok(())
        },
    )?;
    let cell_area = CellArea::new(grid, req.crs.is_geographic(), req.crs.metres_per_unit());
    let zones = labels.finish(&cell_area, req.min_cells as u64);
    set.scored_cells = zones.scored_cells;
    set.selected_cells = zones.selected_cells;
    set.dropped_zones = zones.dropped;
    if zones.zones.is_empty() {
        return Ok(set);
    }
    let occurrences = occurrences_by_rank(req, &zones);
    let mut outlines = polygonize(
        grid,
        |row0, out| zones.fill_ranks(row0, grid.width, out),
        req.scratch,
        MEM_CELLS,
    )?;
    let to_lonlat = Transformer::to_wgs84(req.crs)?;
    for (i, z) in zones.zones.iter().enumerate() {
        let rank = i + 1;
        let outline = outlines.remove(&(rank as i32)).ok_or_else(|| {
            Error::Internal(format!(
                "{}: polygonize gave no outline for zone {rank}",
                req.score.display()
            ))
        })?;
        let (cx, cy) = z.centroid(grid);
        let centroid = to_lonlat.point(cx, cy).ok_or_else(|| {
            Error::input(
                req.score,
                format!("zone centroid ({cx}, {cy}) cannot be moved to WGS 84"),
            )
        })?;
        let evidence_means: Vec<(String, f64)> =
            names.iter().cloned().zip(z.evidence_means()).collect();
        let top_evidence = evidence_means
            .iter()
            .filter(|(_, m)| !m.is_nan())
            .fold(None, |best: Option<&(String, f64)>, e| match best {
                Some(b) if b.1 >= e.1 => Some(b),
                _ => Some(e),
            })
            .cloned();
        set.targets.push(Target {
            rank,
            cells: z.cells,
            area_km2: z.area_m2 / 1e6,
            max_score: z.max as f64,
            mean_score: z.mean(),
            centroid,
            evidence_means,
            top_evidence,
            occurrences: occurrences.get(&rank).cloned().unwrap_or_default(),
            outline,
        });
    }
    Ok(set)
}

/// The `1 − a` quantile of the valid cells (`None` when there are none).
fn top_area_level(
    layer: &GridLayer,
    strips: &[Block],
    engine: &Engine,
    a: f64,
) -> Result<Option<f64>> {
    let p = ((1.0 - a) * 100.0).clamp(0.0, 100.0);
    Ok(layer_percentiles(&[p], layer, strips, engine)?.and_then(|v| v.first().copied()))
}

/// Names of the occurrences in each ranked zone.
fn occurrences_by_rank(req: &TargetRequest, zones: &Zones) -> BTreeMap<usize, Vec<String>> {
    let mut out: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, o) in req.occurrences.iter().enumerate() {
        let Some(rank) = req
            .grid
            .cell_of(o.x, o.y)
            .and_then(|(row, col)| zones.rank_at(row, col))
        else {
            continue;
        };
        let name = match o.name.trim() {
            "" => format!("#{}", i + 1),
            n => n.to_string(),
        };
        out.entry(rank).or_default().push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};

    fn grid(w: usize, h: usize) -> (GridSpec, Crs) {
        let crs = Crs::parse("EPSG:32648").unwrap();
        let g = GridSpec::from_extent(
            crs.wkt().unwrap(),
            [
                500000.0,
                4000000.0,
                500000.0 + 100.0 * w as f64,
                4000000.0 + 100.0 * h as f64,
            ],
            100.0,
        )
        .unwrap();
        (g, crs)
    }

    fn write(g: &GridSpec, path: &Path, v: Vec<f32>) {
        let mut w = CogWriter::create(g, path, PixelType::Float32, &LayerMeta::default()).unwrap();
        w.write_rows(0, v).unwrap();
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
    }

    /// A 12 x 10 map: a ring-shaped zone (with a hole) of score 0.9, a 2 x 2 blob of 0.8, a
    /// single 0.95 cell (a speck under min_cells), two cells touching only at a corner (0.7),
    /// the rest 0.1 with a nodata cell.
    fn map() -> (Vec<f32>, usize, usize) {
        let (w, h) = (12, 10);
        let mut v = vec![0.1f32; w * h];
        // Ring: rows 1..=3, cols 1..=3, hole at (2, 2).
        for r in 1..=3 {
            for c in 1..=3 {
                if (r, c) != (2, 2) {
                    v[r * w + c] = 0.9;
                }
            }
        }
        v[w + 1] = 0.92; // its maximum
                         // Blob: rows 6..=7, cols 8..=9.
        for r in 6..=7 {
            for c in 8..=9 {
                v[r * w + c] = 0.8;
            }
        }
        // Speck.
        v[w + 10] = 0.95;
        // Diagonal pair plus two more cells: (8, 2), (9, 3), (9, 4), (9, 5).
        for (r, c) in [(8, 2), (9, 3), (9, 4), (9, 5)] {
            v[r * w + c] = 0.7;
        }
        v[5 * w + 5] = f32::NAN;
        (v, w, h)
    }

    #[test]
    fn zones_are_8_connected_ranked_and_polygonized() {
        let dir = tempfile::tempdir().unwrap();
        let (v, w, h) = map();
        let (g, crs) = grid(w, h);
        let score = dir.path().join("s.tif");
        write(&g, &score, v.clone());
        // One evidence layer: 1 on the blob, 0.5 elsewhere; a second: 0.6 everywhere.
        let ev1: Vec<f32> = v
            .iter()
            .map(|&s| if s == 0.8 { 1.0 } else { 0.5 })
            .collect();
        let e1 = dir.path().join("e1.tif");
        write(&g, &e1, ev1);
        let e2 = dir.path().join("e2.tif");
        write(&g, &e2, vec![0.6; w * h]);
        let evidence = vec![("one".to_string(), e1), ("two".to_string(), e2)];
        let (x, y) = g.cell_centre(7, 8);
        let occurrences = vec![
            NamedPoint {
                x,
                y,
                name: "Blob mine".into(),
            },
            NamedPoint {
                x: g.cell_centre(1, 1).0,
                y: g.cell_centre(1, 1).1,
                name: String::new(),
            },
            NamedPoint {
                x: g.cell_centre(2, 2).0, // the hole: not inside
                y: g.cell_centre(2, 2).1,
                name: "Hole".into(),
            },
        ];
        for threads in [1, 3] {
            let engine = Engine::new(threads).unwrap();
            let set = find_targets(
                &TargetRequest {
                    commodity: Commodity::SN,
                    score: &score,
                    grid: &g,
                    crs: &crs,
                    selection: Selection::MinScore(0.65),
                    min_cells: 2,
                    evidence: &evidence,
                    explainer: None,
                    occurrences: &occurrences,
                    scratch: dir.path(),
                },
                &engine,
            )
            .unwrap();
            assert_eq!(set.scored_cells, (w * h - 1) as u64);
            assert_eq!(set.selected_cells, 8 + 4 + 1 + 4);
            assert_eq!(set.dropped_zones, 1, "the speck");
            let t = &set.targets;
            assert_eq!(t.len(), 3);
            // Rank 1: the ring (max 0.92); 2: the blob (0.8); 3: the diagonal chain (0.7).
            assert_eq!(t.iter().map(|t| t.cells).collect::<Vec<_>>(), vec![8, 4, 4]);
            assert!((t[0].max_score - 0.92f32 as f64).abs() < 1e-12);
            let mean = (7.0 * 0.9f32 as f64 + 0.92f32 as f64) / 8.0;
            assert!((t[0].mean_score - mean).abs() < 1e-12);
            // 100 m cells: 0.01 km² each.
            assert!((t[1].area_km2 - 0.04).abs() < 1e-12);
            assert_eq!(t[1].top_evidence.as_ref().unwrap().0, "one");
            assert_eq!(t[0].top_evidence.as_ref().unwrap().0, "two");
            assert_eq!(t[1].occurrences, vec!["Blob mine".to_string()]);
            assert_eq!(t[0].occurrences, vec!["#2".to_string()]);
            // The ring is one polygon with a hole; the blob one plain polygon, along the cell
            // edges of the grid: its corners are (x0 + 800, y0 - 600) .. (x0 + 1000, y0 - 800).
            assert_eq!((t[0].outline.len(), t[0].outline[0].len()), (1, 2));
            assert_eq!((t[1].outline.len(), t[1].outline[0].len()), (1, 1));
            let ring = &t[1].outline[0][0];
            for corner in [(800.0, -600.0), (1000.0, -800.0)] {
                assert!(
                    ring.contains(&(g.x0 + corner.0, g.y0 + corner.1)),
                    "{ring:?}"
                );
            }
            // The chain's first cell touches the rest at a corner only: two polygons touching
            // at that point (a ring touching itself would be invalid).
            assert_eq!(t[2].outline.len(), 2);
            assert!(t[2].outline.iter().all(|rings| rings.len() == 1));
            // Centroid of the blob: centre of its 4 cells = the corner between them.
            let (cx, cy) = (g.x0 + 900.0, g.y0 - 700.0);
            let (lon, lat) = Transformer::to_wgs84(&crs).unwrap().point(cx, cy).unwrap();
            assert!((t[1].centroid.0 - lon).abs() < 1e-9 && (t[1].centroid.1 - lat).abs() < 1e-9);
        }
    }

    #[test]
    fn top_area_takes_the_exact_quantile() {
        let dir = tempfile::tempdir().unwrap();
        let (g, crs) = grid(10, 10);
        // Scores 0.00 .. 0.99: the top 5 % are 0.95 .. 0.99, on the last row's right half.
        let v: Vec<f32> = (0..100).map(|i| i as f32 / 100.0).collect();
        let score = dir.path().join("s.tif");
        write(&g, &score, v);
        let engine = Engine::new(2).unwrap();
        let set = find_targets(
            &TargetRequest {
                commodity: Commodity::MO,
                score: &score,
                grid: &g,
                crs: &crs,
                selection: Selection::TopArea(0.05),
                min_cells: 1,
                evidence: &[],
                explainer: None,
                occurrences: &[],
                scratch: dir.path(),
            },
            &engine,
        )
        .unwrap();
        // numpy.percentile(range(100)/100, 95) = 0.9405 (float32 values).
        let expected = {
            let lo = 94f32 / 100.0;
            let hi = 95f32 / 100.0;
            hi as f64 - (hi as f64 - lo as f64) * (1.0 - 0.05)
        };
        assert!((set.threshold - expected).abs() < 1e-9, "{}", set.threshold);
        assert_eq!(set.selected_cells, 5);
        assert_eq!(set.targets.len(), 1);
        assert_eq!(set.targets[0].cells, 5);
        assert!(set.targets[0].top_evidence.is_none());
    }
}
