//! Target zones: the cells of a score map at or above a level, labelled into 8-connected zones,
//! measured and ranked.
//!
//! 1. **Selection.** Cells scoring at least a level are selected ([`Selection`]): with
//!    `top_area = a` the level is the `1 − a` quantile of the valid cells (found by the caller,
//!    exactly); with `min_score` it is that score. Ties at the level are all kept, so the
//!    selection can be a little larger than `a`.
//! 2. **Zones.** Selected cells are labelled into 8-connected zones (cells touching by an edge
//!    or a corner are one zone) in one streaming pass over the row strips: each strip is cut
//!    into runs of selected cells ([`StripRuns::select`], strips in parallel), and the runs are
//!    joined to the runs of the row above with a union-find, in row order ([`Labeller`]). Only
//!    the runs are kept, never a full grid. Zone statistics are sums over the runs in
//!    row-major order, so they are the same bits for any thread count. Zones of fewer than
//!    `min_cells` cells are dropped.
//! 3. **Ranks.** By highest `max_score`, then mean score, then area, then the position of the
//!    zone's first cell (top row, then left column): a total order, so ranks are deterministic.
//!
//! Per zone: area (cells times the cell area: on the projection plane for projected CRSs, on
//! the authalic sphere for geographic ones), max and mean score, the centroid of its cells
//! (mean of the cell centres, which may fall outside a concave zone) and the mean of each
//! evidence layer over the zone's cells where that layer has data.
use std::collections::BTreeMap;

use crate::grid::GridSpec;
use crate::project::{TargetSettings, DEFAULT_TOP_AREA};

/// Authalic radius of WGS 84 (m), for cell areas in geographic CRSs.
const AUTHALIC_RADIUS: f64 = 6_371_007.181;

/// How the cells of target zones are selected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Selection {
    /// The highest-scoring fraction of the scored area.
    TopArea(f64),
    /// Cells scoring at least this.
    MinScore(f64),
}

impl Selection {
    /// The rule of a project's `[targets]` table (top 5 % by default).
    ///
    /// ```
    /// use geoprospect_core::project::TargetSettings;
    /// use geoprospect_core::zones::Selection;
    /// let rule = Selection::of(&TargetSettings::default());
    /// assert_eq!(rule, Selection::TopArea(0.05));
    /// assert_eq!(rule.describe(), "top 5 % of the scored area");
    /// ```
    pub fn of(settings: &TargetSettings) -> Selection {
        match (settings.min_score, settings.top_area) {
            (Some(s), _) => Selection::MinScore(s),
            (None, a) => Selection::TopArea(a.unwrap_or(DEFAULT_TOP_AREA)),
        }
    }

    /// `top 5 % of the scored area` or `score >= 0.7`.
    pub fn describe(&self) -> String {
        match self {
            Selection::TopArea(a) => format!("top {} % of the scored area", 100.0 * a),
            Selection::MinScore(s) => format!("score >= {s}"),
        }
    }
}

/// A run of selected cells `c0..c1` on one row, with its score sum and maximum.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    row: usize,
    c0: usize,
    c1: usize,
    sum: f64,
    max: f32,
}

/// The runs of selected cells of one strip of rows, their evidence sums and the strip's valid
/// cells.
#[derive(Debug, Clone, PartialEq)]
pub struct StripRuns {
    row0: usize,
    width: usize,
    layers: usize,
    runs: Vec<Run>,
    /// `(sum, cells with data)` of each evidence layer over each run, run-major.
    evidence: Vec<(f64, u64)>,
    valid: u64,
}

impl StripRuns {
    /// The runs of cells scoring `>= level` in `values`, whole rows of `width` cells from grid
    /// row `row0`, with room for the sums of `layers` evidence layers.
    pub fn select(values: &[f32], row0: usize, width: usize, level: f64, layers: usize) -> Self {
        let mut runs = Vec::new();
        let mut valid = 0u64;
        for (r, row) in values.chunks_exact(width.max(1)).enumerate() {
            let mut c = 0;
            while c < width {
                let v = row[c];
                if !v.is_nan() {
                    valid += 1;
                }
                if v.is_nan() || (v as f64) < level {
                    c += 1;
                    continue;
                }
                let c0 = c;
                let (mut sum, mut max) = (0.0f64, f32::NEG_INFINITY);
                while c < width && !row[c].is_nan() && (row[c] as f64) >= level {
                    sum += row[c] as f64;
                    max = max.max(row[c]);
                    c += 1;
                }
                valid += (c - c0 - 1) as u64;
                runs.push(Run {
                    row: row0 + r,
                    c0,
                    c1: c,
                    sum,
                    max,
                });
            }
        }
        StripRuns {
            row0,
            width,
            layers,
            evidence: vec![(0.0, 0); runs.len() * layers],
            runs,
            valid,
        }
    }

    /// Whether no cell of the strip is selected (its evidence need not be read).
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Adds evidence layer `layer`'s values on the strip (NaN: no data) to the runs' sums.
    pub fn add_evidence(&mut self, layer: usize, values: &[f32]) {
        for (i, run) in self.runs.iter().enumerate() {
            let start = (run.row - self.row0) * self.width;
            let slot = &mut self.evidence[i * self.layers + layer];
            for &v in &values[start + run.c0..start + run.c1] {
                if !v.is_nan() {
                    slot.0 += v as f64;
                    slot.1 += 1;
                }
            }
        }
    }
}

/// The area of one cell, by row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellArea {
    /// Projected CRS: constant, m².
    Plane(f64),
    /// Geographic CRS: degrees, on the authalic sphere.
    Sphere {
        /// Top edge of the grid (latitude).
        y0: f64,
        /// Cell size in degrees.
        res: f64,
    },
}

impl CellArea {
    /// The cell area of `grid`, in a geographic CRS or in a projected one whose axes are in
    /// units of `metres_per_unit` metres.
    pub fn new(grid: &GridSpec, geographic: bool, metres_per_unit: f64) -> CellArea {
        if geographic {
            CellArea::Sphere {
                y0: grid.y0,
                res: grid.res,
            }
        } else {
            CellArea::Plane((grid.res * metres_per_unit).powi(2))
        }
    }

    /// The area in m² of a cell on `row`.
    pub fn at_row(&self, row: usize) -> f64 {
        match *self {
            CellArea::Plane(a) => a,
            CellArea::Sphere { y0, res } => {
                let top = (y0 - row as f64 * res).clamp(-90.0, 90.0).to_radians();
                let bottom = (y0 - (row + 1) as f64 * res)
                    .clamp(-90.0, 90.0)
                    .to_radians();
                AUTHALIC_RADIUS.powi(2) * res.to_radians() * (top.sin() - bottom.sin()).abs()
            }
        }
    }
}

/// Streaming 8-connected labelling of runs with a union-find; strips arrive top to bottom.
#[derive(Debug, Clone)]
pub struct Labeller {
    runs: Vec<Run>,
    evidence: Vec<(f64, u64)>,
    parent: Vec<usize>,
    layers: usize,
    valid: u64,
    /// The row of the latest runs and the index of its first run.
    row: Option<(usize, usize)>,
    /// Runs of the row above the latest row.
    above: std::ops::Range<usize>,
}

impl Labeller {
    /// A labeller for strips with the sums of `layers` evidence layers.
    pub fn new(layers: usize) -> Labeller {
        Labeller {
            runs: Vec::new(),
            evidence: Vec::new(),
            parent: Vec::new(),
            layers,
            valid: 0,
            row: None,
            above: 0..0,
        }
    }

    fn find(&self, mut i: usize) -> usize {
        while self.parent[i] != i {
            i = self.parent[i];
        }
        i
    }

    fn find_compress(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins two runs' zones; the lower index is the root (deterministic).
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find_compress(a), self.find_compress(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.parent[hi] = lo;
        }
    }

    /// Adds a strip's runs (strips arrive top to bottom).
    pub fn push(&mut self, strip: StripRuns) {
        self.valid += strip.valid;
        self.evidence.extend_from_slice(&strip.evidence);
        for run in strip.runs {
            let i = self.runs.len();
            match self.row {
                Some((r, _)) if r == run.row => {}
                Some((r, first)) => {
                    self.above = if r + 1 == run.row { first..i } else { i..i };
                    self.row = Some((run.row, i));
                }
                None => {
                    self.above = i..i;
                    self.row = Some((run.row, i));
                }
            }
            self.parent.push(i);
            self.runs.push(run);
            // Runs above touching columns c0 - 1 ..= c1 (8-connected): p.c0 <= c1 && p.c1 >= c0.
            let mut j = self.above.start;
            while j < self.above.end && self.runs[j].c1 < run.c0 {
                j += 1;
            }
            // Later runs of this row start further right: skipped runs stay skipped.
            self.above.start = j;
            while j < self.above.end && self.runs[j].c0 <= run.c1 {
                self.union(i, j);
                j += 1;
            }
        }
    }

    /// The zones, in order of their first run (row-major).
    fn zones(&mut self, area: &CellArea) -> Vec<Zone> {
        let mut index: BTreeMap<usize, usize> = BTreeMap::new();
        let mut zones: Vec<Zone> = Vec::new();
        for i in 0..self.runs.len() {
            let root = self.find_compress(i);
            let k = *index.entry(root).or_insert_with(|| {
                zones.push(Zone::new(root, &self.runs[i], self.layers));
                zones.len() - 1
            });
            let run = self.runs[i];
            let n = (run.c1 - run.c0) as u64;
            let z = &mut zones[k];
            z.cells += n;
            z.sum += run.sum;
            z.max = z.max.max(run.max);
            z.area_m2 += n as f64 * area.at_row(run.row);
            z.col_sum += n as f64 * (run.c0 + run.c1) as f64 / 2.0;
            z.row_sum += n as f64 * (run.row as f64 + 0.5);
            for (acc, &(s, c)) in z
                .evidence
                .iter_mut()
                .zip(&self.evidence[i * self.layers..(i + 1) * self.layers])
            {
                acc.0 += s;
                acc.1 += c;
            }
        }
        zones
    }

    /// The ranked zones of at least `min_cells` cells.
    pub fn finish(mut self, area: &CellArea, min_cells: u64) -> Zones {
        let scored_cells = self.valid;
        let selected_cells = self.runs.iter().map(|r| (r.c1 - r.c0) as u64).sum();
        let mut zones = self.zones(area);
        let before = zones.len();
        zones.retain(|z| z.cells >= min_cells);
        let dropped = before - zones.len();
        zones.sort_by(|a, b| {
            b.max
                .total_cmp(&a.max)
                .then(b.mean().total_cmp(&a.mean()))
                .then(b.cells.cmp(&a.cells))
                .then(a.first.cmp(&b.first))
        });
        // Zone of each run's root → rank (0: not a target).
        let rank_of_root: BTreeMap<usize, i32> = zones
            .iter()
            .enumerate()
            .map(|(i, z)| (z.root, i as i32 + 1))
            .collect();
        let ranks = (0..self.runs.len())
            .map(|i| rank_of_root.get(&self.find(i)).copied().unwrap_or(0))
            .collect();
        Zones {
            runs: self.runs,
            ranks,
            zones,
            scored_cells,
            selected_cells,
            dropped,
        }
    }
}

/// Sums over one zone's runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    root: usize,
    first: (usize, usize),
    /// Grid cells.
    pub cells: u64,
    sum: f64,
    /// Highest score.
    pub max: f32,
    /// Area in m².
    pub area_m2: f64,
    col_sum: f64,
    row_sum: f64,
    evidence: Vec<(f64, u64)>,
}

impl Zone {
    fn new(root: usize, first: &Run, layers: usize) -> Zone {
        Zone {
            root,
            first: (first.row, first.c0),
            cells: 0,
            sum: 0.0,
            max: f32::NEG_INFINITY,
            area_m2: 0.0,
            col_sum: 0.0,
            row_sum: 0.0,
            evidence: vec![(0.0, 0); layers],
        }
    }

    /// Mean score over the zone's cells.
    pub fn mean(&self) -> f64 {
        self.sum / self.cells as f64
    }

    /// Mean of the cell centres in the grid's CRS.
    pub fn centroid(&self, grid: &GridSpec) -> (f64, f64) {
        (
            grid.x0 + grid.res * self.col_sum / self.cells as f64,
            grid.y0 - grid.res * self.row_sum / self.cells as f64,
        )
    }

    /// Mean of each evidence layer over the zone's cells where it has data (NaN where it has
    /// none), in layer order.
    pub fn evidence_means(&self) -> Vec<f64> {
        self.evidence
            .iter()
            .map(|&(s, n)| if n > 0 { s / n as f64 } else { f64::NAN })
            .collect()
    }
}

/// The ranked zones of a score map.
#[derive(Debug, Clone, PartialEq)]
pub struct Zones {
    runs: Vec<Run>,
    /// Rank of each run's zone (1 = best, 0: dropped).
    ranks: Vec<i32>,
    /// The zones kept, by rank (rank `i + 1` at index `i`).
    pub zones: Vec<Zone>,
    /// Cells with a score.
    pub scored_cells: u64,
    /// Cells selected.
    pub selected_cells: u64,
    /// Zones dropped for having fewer than `min_cells` cells.
    pub dropped: usize,
}

impl Zones {
    /// Writes the ranks (0 outside the zones kept) of whole rows `row0 ..` of `width` cells
    /// into `out`, which must be zeroed.
    pub fn fill_ranks(&self, row0: usize, width: usize, out: &mut [i32]) {
        let rows = out.len() / width.max(1);
        let first = self.runs.partition_point(|r| r.row < row0);
        for (run, &rank) in self.runs[first..].iter().zip(&self.ranks[first..]) {
            if run.row >= row0 + rows {
                break;
            }
            let start = (run.row - row0) * width;
            out[start + run.c0..start + run.c1].fill(rank);
        }
    }

    /// The rank of the zone kept that holds cell `(row, col)`.
    pub fn rank_at(&self, row: usize, col: usize) -> Option<usize> {
        let k = self
            .runs
            .partition_point(|r| (r.row, r.c0) <= (row, col))
            .checked_sub(1)?;
        let run = &self.runs[k];
        (run.row == row && col < run.c1 && self.ranks[k] > 0).then_some(self.ranks[k] as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(row: usize, c0: usize, c1: usize) -> Run {
        Run {
            row,
            c0,
            c1,
            sum: 0.0,
            max: 0.0,
        }
    }

    fn strip(runs: Vec<Run>, valid: u64) -> StripRuns {
        StripRuns {
            row0: 0,
            width: 0,
            layers: 0,
            runs,
            evidence: vec![],
            valid,
        }
    }

    #[test]
    fn labeller_joins_diagonals_and_u_shapes() {
        // A U shape: two columns joined at the bottom; labelled before the join as two zones.
        let mut l = Labeller::new(0);
        l.push(strip(
            vec![run(0, 0, 1), run(0, 4, 5), run(1, 0, 1), run(1, 4, 5)],
            10,
        ));
        l.push(strip(vec![run(2, 1, 4), run(4, 0, 1)], 10));
        let zones = l.finish(&CellArea::Plane(1.0), 0);
        // The U (2 + 2 + 3 cells) and the run on row 4 (row 3 is empty: not connected).
        let cells: Vec<u64> = zones.zones.iter().map(|z| z.cells).collect();
        assert_eq!(cells, vec![7, 1]);
        assert_eq!(zones.scored_cells, 20);
    }

    #[test]
    fn runs_evidence_ranks_and_labels() {
        // 6 x 3: a zone of 0.9 (3 cells, two rows), a speck of 0.95, nodata, the rest 0.1.
        let (w, nan) = (6, f32::NAN);
        #[rustfmt::skip]
        let v = [
            0.9, 0.9, 0.1, 0.1, 0.1, 0.95,
            0.1, 0.9, 0.1, nan, 0.1, 0.1,
            0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
        ];
        let mut s = StripRuns::select(&v, 10, w, 0.5, 1);
        assert!(!s.is_empty());
        let membership: Vec<f32> = (0..18).map(|i| if i == 1 { nan } else { 0.5 }).collect();
        s.add_evidence(0, &membership);
        let mut l = Labeller::new(1);
        l.push(s);
        let zones = l.finish(&CellArea::Plane(100.0), 2);
        assert_eq!((zones.scored_cells, zones.selected_cells), (17, 4));
        assert_eq!(zones.dropped, 1, "the speck");
        let z = &zones.zones[0];
        assert_eq!((z.cells, z.area_m2), (3, 300.0));
        assert!((z.mean() - 0.9f32 as f64).abs() < 1e-12);
        assert_eq!(z.evidence_means(), vec![0.5]);
        let g = GridSpec {
            crs_wkt: String::new(),
            x0: 0.0,
            y0: 0.0,
            res: 1.0,
            width: w,
            height: 20,
            window: None,
            area: None,
        };
        // Centres (0.5, -10.5), (1.5, -10.5), (1.5, -11.5).
        let (cx, cy) = z.centroid(&g);
        assert!((cx - 3.5 / 3.0).abs() < 1e-12 && (cy + 32.5 / 3.0).abs() < 1e-12);
        assert_eq!(zones.rank_at(11, 1), Some(1));
        assert_eq!(zones.rank_at(10, 5), None, "dropped");
        assert_eq!(zones.rank_at(10, 2), None);
        let mut labels = vec![0; 2 * w];
        zones.fill_ranks(10, w, &mut labels);
        assert_eq!(labels, [1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn cells_on_the_sphere_shrink_towards_the_poles() {
        let g = GridSpec {
            crs_wkt: String::new(),
            x0: 0.0,
            y0: 90.0,
            res: 1.0,
            width: 360,
            height: 180,
            window: None,
            area: None,
        };
        let a = CellArea::new(&g, true, 1.0);
        let total: f64 = (0..180).map(|r| 360.0 * a.at_row(r)).sum();
        // The authalic sphere's area, 4 π R².
        let sphere = 4.0 * std::f64::consts::PI * AUTHALIC_RADIUS.powi(2);
        assert!((total / sphere - 1.0).abs() < 1e-12);
        assert!(a.at_row(0) < a.at_row(89));
        assert_eq!(
            CellArea::new(&g, false, 0.3048),
            CellArea::Plane(0.3048f64.powi(2))
        );
    }
}
