//! Proximity: distance from each cell centre to the nearest feature.
//!
//! Distances are measured in the grid's CRS units to the true geometry, not to a rasterised
//! copy of it: to the nearest point of a line segment, to a point, and for polygons to the
//! boundary, with 0 for cell centres inside (holes are outside). This is the Euclidean distance
//! of `geo`'s `Euclidean::distance` between the cell centre and the feature, up to floating-point
//! rounding; GDAL's `gdal_proximity.py` instead measures to the centres of burnt cells, so it
//! differs by up to about half a cell.
//!
//! # Algorithm
//! Every feature is broken into segments (a point is a segment of length 0) held in an R*-tree
//! (`rstar`). A block of rows is covered by patches of [`PATCH`] x [`PATCH`] cells. For a patch
//! with centre `c` and half-diagonal `h` (between its outermost cell centres), the nearest
//! segment distance `d` of any of its cells is at most `d(c) + h`, and a segment can only be
//! nearest to a cell if its distance from `c` is at most `d(c) + 2h`: one nearest-neighbour and
//! one range query per patch give every candidate. Patches are then halved recursively, the
//! candidate list filtered by the same rule at each level (the bound shrinks with `h`), and
//! cells of patches of at most 2 x 2 cells take the minimum over the few candidates left. The
//! result is exactly the minimum over all segments of the same distance function, so it does
//! not depend on patches, blocks or threads. Cells inside polygons are found per row by the
//! even-odd rule on the polygon's rings, crossed with the row's centre line.
use geo::Geometry;
use rstar::{PointDistance, RTree, RTreeObject, AABB};

use crate::engine::Block;
use crate::grid::GridSpec;

/// Cells per side of the patches that share one spatial-index query.
pub const PATCH: usize = 32;

/// No polygon: the segment belongs to a point or a line.
const NO_POLYGON: u32 = u32::MAX;

/// A segment of a feature (a point when `a == b`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    a: [f64; 2],
    b: [f64; 2],
    /// `b - a`.
    d: [f64; 2],
    /// `1 / |b - a|²` (0 for a point).
    inv_len2: f64,
    /// Polygon the segment bounds ([`NO_POLYGON`] for points and lines).
    polygon: u32,
}

impl Segment {
    fn new(a: [f64; 2], b: [f64; 2], polygon: u32) -> Segment {
        let d = [b[0] - a[0], b[1] - a[1]];
        let len2 = d[0] * d[0] + d[1] * d[1];
        Segment {
            a,
            b,
            d,
            inv_len2: if len2 > 0.0 { 1.0 / len2 } else { 0.0 },
            polygon,
        }
    }

    /// Squared distance from `p` to the segment.
    #[inline(always)]
    fn distance_2(&self, p: [f64; 2]) -> f64 {
        let (px, py) = (p[0] - self.a[0], p[1] - self.a[1]);
        let t = ((px * self.d[0] + py * self.d[1]) * self.inv_len2).clamp(0.0, 1.0);
        let (ex, ey) = (px - t * self.d[0], py - t * self.d[1]);
        ex * ex + ey * ey
    }
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(self.a, self.b)
    }
}

impl PointDistance for Segment {
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        Segment::distance_2(self, *point)
    }
}

/// Features ready for distance queries: their segments in a spatial index.
pub struct Features {
    tree: RTree<Segment>,
    polygons: usize,
    features: usize,
}

impl Features {
    /// Indexes the segments of `geometries` (points, lines, polygons, their multi-versions and
    /// collections; empty geometries are ignored).
    ///
    /// ```
    /// use geo::{line_string, Geometry};
    /// use geoprospect_core::evidence::proximity::Features;
    /// let f = Features::new(&[Geometry::LineString(line_string![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0)])]);
    /// assert_eq!(f.distance(5.0, 3.0), 3.0);
    /// assert_eq!(f.distance(13.0, 4.0), 5.0);
    /// ```
    pub fn new(geometries: &[Geometry<f64>]) -> Features {
        let mut segments = Vec::new();
        let mut polygons = 0u32;
        let mut features = 0;
        for g in geometries {
            let before = segments.len();
            add_geometry(g, &mut segments, &mut polygons);
            features += usize::from(segments.len() > before);
        }
        Features {
            tree: RTree::bulk_load(segments),
            polygons: polygons as usize,
            features,
        }
    }

    /// Number of segments (points count as one).
    pub fn segments(&self) -> usize {
        self.tree.size()
    }

    /// Number of polygons (multipolygon parts count separately).
    pub fn polygons(&self) -> usize {
        self.polygons
    }

    /// Number of non-empty features.
    pub fn features(&self) -> usize {
        self.features
    }

    /// Whether there is nothing to measure to.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Distance from `(x, y)` to the nearest feature (0 inside polygons); infinite when there
    /// are no features. One tree query: for single points, not grids.
    pub fn distance(&self, x: f64, y: f64) -> f64 {
        if self.inside(x, y) {
            return 0.0;
        }
        self.tree
            .nearest_neighbor(&[x, y])
            .map_or(f64::INFINITY, |s| s.distance_2([x, y]).sqrt())
    }

    /// Whether `(x, y)` is inside a polygon (even-odd rule per polygon).
    fn inside(&self, x: f64, y: f64) -> bool {
        if self.polygons == 0 {
            return false;
        }
        let env = AABB::from_corners([f64::NEG_INFINITY, y], [x, y]);
        let mut crossings: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .filter(|s| s.polygon != NO_POLYGON && crosses(s, y) && crossing_x(s, y) <= x)
            .map(|s| s.polygon)
            .collect();
        crossings.sort_unstable();
        crossings
            .chunk_by(|a, b| a == b)
            .any(|run| run.len() % 2 == 1)
    }

    /// Distances for the cells of `block` of `grid`, row-major, into `out`
    /// (`block.rows · grid.width` values).
    pub fn distance_block(&self, grid: &GridSpec, block: &Block, out: &mut [f32]) {
        let width = grid.width;
        debug_assert_eq!(out.len(), block.rows * width);
        let inside = self.inside_mask(grid, block);
        let ctx = Ctx {
            grid,
            block,
            inside: &inside,
        };
        let mut scratch = Scratch::default();
        for tr in (0..block.rows).step_by(PATCH) {
            for tc in (0..width).step_by(PATCH) {
                let rect = Rect {
                    r0: tr,
                    c0: tc,
                    rows: PATCH.min(block.rows - tr),
                    cols: PATCH.min(width - tc),
                };
                self.patch(&ctx, rect, out, &mut scratch);
            }
        }
    }

    fn patch(&self, ctx: &Ctx, rect: Rect, out: &mut [f32], scratch: &mut Scratch) {
        let width = ctx.grid.width;
        let rows = rect.r0..rect.r0 + rect.rows;
        let cols = |r: usize| r * width + rect.c0..r * width + rect.c0 + rect.cols;
        if rows.clone().all(|r| ctx.inside[cols(r)].iter().all(|&i| i)) {
            rows.for_each(|r| out[cols(r)].fill(0.0));
            return;
        }
        let (c, h) = rect.centre(ctx);
        let Some(nearest) = self.tree.nearest_neighbor(&c) else {
            rows.for_each(|r| out[cols(r)].fill(f32::INFINITY));
            return;
        };
        let reach = bound(nearest.distance_2(c).sqrt(), h);
        let top = scratch.level(0);
        top.extend(self.tree.locate_within_distance(c, reach * reach).copied());
        refine(ctx, rect, 0, out, scratch);
    }

    /// Which cells of the block have their centre inside a polygon.
    fn inside_mask(&self, grid: &GridSpec, block: &Block) -> Vec<bool> {
        let width = grid.width;
        let mut mask = vec![false; block.rows * width];
        if self.polygons == 0 {
            return mask;
        }
        let y_of = |r: usize| grid.y0 - ((block.row0 + r) as f64 + 0.5) * grid.res;
        let (ytop, ybottom) = (y_of(0), y_of(block.rows - 1));
        let env = AABB::from_corners([f64::NEG_INFINITY, ybottom], [f64::INFINITY, ytop]);
        // Crossings of each row's centre line: (polygon, x).
        let mut rows: Vec<Vec<(u32, f64)>> = vec![Vec::new(); block.rows];
        for s in self.tree.locate_in_envelope_intersecting(&env) {
            if s.polygon == NO_POLYGON || s.a[1] == s.b[1] {
                continue;
            }
            let (lo, hi) = (s.a[1].min(s.b[1]), s.a[1].max(s.b[1]));
            // Rows whose centre y satisfies lo <= y < hi (widened by one, then tested exactly).
            let first = ((grid.y0 - hi) / grid.res - 0.5).floor() as i64 - block.row0 as i64;
            let last = ((grid.y0 - lo) / grid.res - 0.5).ceil() as i64 - block.row0 as i64;
            let first = first.max(0) as usize;
            let last = last.min(block.rows as i64 - 1);
            if last < first as i64 {
                continue;
            }
            for (r, row) in rows
                .iter_mut()
                .enumerate()
                .take(last as usize + 1)
                .skip(first)
            {
                let y = y_of(r);
                if crosses(s, y) {
                    row.push((s.polygon, crossing_x(s, y)));
                }
            }
        }
        for (r, crossings) in rows.iter_mut().enumerate() {
            crossings.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let line = &mut mask[r * width..(r + 1) * width];
            for run in crossings.chunk_by(|a, b| a.0 == b.0) {
                for pair in run.chunks_exact(2) {
                    let c0 = ((pair[0].1 - grid.x0) / grid.res - 0.5).ceil().max(0.0);
                    let c1 = ((pair[1].1 - grid.x0) / grid.res - 0.5).floor();
                    if c1 < c0 || c1 < 0.0 {
                        continue;
                    }
                    let (c0, c1) = (c0 as usize, (c1 as usize).min(width - 1));
                    if c0 < width {
                        line[c0..=c1].fill(true);
                    }
                }
            }
        }
        mask
    }
}

/// Whether segment `s` crosses the horizontal line at `y` (half-open: `lo <= y < hi`).
#[inline]
fn crosses(s: &Segment, y: f64) -> bool {
    (s.a[1] > y) != (s.b[1] > y)
}

/// Where a crossing segment meets the horizontal line at `y`.
#[inline]
fn crossing_x(s: &Segment, y: f64) -> f64 {
    s.a[0] + (y - s.a[1]) * (s.b[0] - s.a[0]) / (s.b[1] - s.a[1])
}

/// Candidate reach from a patch centre at nearest distance `d` with half-diagonal `h`, padded
/// against rounding so that no tie is lost.
#[inline]
fn bound(d: f64, h: f64) -> f64 {
    let r = d + 2.0 * h;
    r + 1e-9 * r + 1e-9
}

/// What every patch of a block shares.
struct Ctx<'a> {
    grid: &'a GridSpec,
    block: &'a Block,
    /// Cells of the block inside a polygon.
    inside: &'a [bool],
}

/// Candidate lists per recursion depth and a distance buffer, reused across patches.
#[derive(Default)]
struct Scratch {
    levels: Vec<Vec<Segment>>,
    d2: Vec<f64>,
}

impl Scratch {
    /// The cleared candidate list of `depth`.
    fn level(&mut self, depth: usize) -> &mut Vec<Segment> {
        while self.levels.len() <= depth {
            self.levels.push(Vec::new());
        }
        let l = &mut self.levels[depth];
        l.clear();
        l
    }
}

/// A rectangle of cells of a block (block-relative rows).
#[derive(Debug, Clone, Copy)]
struct Rect {
    r0: usize,
    c0: usize,
    rows: usize,
    cols: usize,
}

impl Rect {
    /// Centre of the rectangle's cell centres and the half-diagonal between the outermost ones.
    fn centre(&self, ctx: &Ctx) -> ([f64; 2], f64) {
        let (grid, block) = (ctx.grid, ctx.block);
        let x = grid.x0 + (self.c0 as f64 + self.cols as f64 / 2.0) * grid.res;
        let y = grid.y0 - ((block.row0 + self.r0) as f64 + self.rows as f64 / 2.0) * grid.res;
        let (w, h) = ((self.cols - 1) as f64, (self.rows - 1) as f64);
        ([x, y], 0.5 * grid.res * (w * w + h * h).sqrt())
    }
}

/// Narrows the candidates of `depth` (those of `rect`) for each quarter of `rect`, down to
/// patches of at most 2 x 2 cells, whose cells take the minimum over their candidates.
fn refine(ctx: &Ctx, rect: Rect, depth: usize, out: &mut [f32], scratch: &mut Scratch) {
    let (grid, block, width) = (ctx.grid, ctx.block, ctx.grid.width);
    if rect.rows <= 2 && rect.cols <= 2 {
        let candidates = &scratch.levels[depth];
        for r in rect.r0..rect.r0 + rect.rows {
            let y = grid.y0 - ((block.row0 + r) as f64 + 0.5) * grid.res;
            for c in rect.c0..rect.c0 + rect.cols {
                let i = r * width + c;
                if ctx.inside[i] {
                    out[i] = 0.0;
                    continue;
                }
                let p = [grid.x0 + (c as f64 + 0.5) * grid.res, y];
                let best = candidates
                    .iter()
                    .map(|s| s.distance_2(p))
                    .fold(f64::INFINITY, f64::min);
                out[i] = best.sqrt() as f32;
            }
        }
        return;
    }
    let (rh, ch) = (rect.rows.div_ceil(2), rect.cols.div_ceil(2));
    for (r0, rows) in [(rect.r0, rh), (rect.r0 + rh, rect.rows - rh)] {
        for (c0, cols) in [(rect.c0, ch), (rect.c0 + ch, rect.cols - ch)] {
            if rows == 0 || cols == 0 {
                continue;
            }
            let child = Rect { r0, c0, rows, cols };
            let (c, h) = child.centre(ctx);
            scratch.level(depth + 1);
            let Scratch { levels, d2 } = scratch;
            let (parents, rest) = levels.split_at_mut(depth + 1);
            let (parent, next) = (&parents[depth], &mut rest[0]);
            d2.clear();
            d2.extend(parent.iter().map(|s| s.distance_2(c)));
            let nearest = d2.iter().copied().fold(f64::INFINITY, f64::min);
            let reach = bound(nearest.sqrt(), h);
            let reach2 = reach * reach;
            next.extend(
                parent
                    .iter()
                    .zip(d2.iter())
                    .filter(|(_, &d)| d <= reach2)
                    .map(|(s, _)| *s),
            );
            refine(ctx, child, depth + 1, out, scratch);
        }
    }
}

/// Breaks a geometry into segments; polygon rings get the polygon's number.
fn add_geometry(g: &Geometry<f64>, out: &mut Vec<Segment>, polygons: &mut u32) {
    let point = |x: f64, y: f64| Segment::new([x, y], [x, y], NO_POLYGON);
    let line = |coords: &[geo::Coord<f64>], polygon: u32, out: &mut Vec<Segment>| {
        if coords.len() == 1 {
            let p = [coords[0].x, coords[0].y];
            out.push(Segment::new(p, p, polygon));
        }
        for w in coords.windows(2) {
            out.push(Segment::new([w[0].x, w[0].y], [w[1].x, w[1].y], polygon));
        }
    };
    let polygon = |p: &geo::Polygon<f64>, out: &mut Vec<Segment>, polygons: &mut u32| {
        if p.exterior().0.is_empty() {
            return;
        }
        let id = *polygons;
        *polygons += 1;
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let mut coords = ring.0.clone();
            // Close open rings so that the even-odd rule sees the closing edge.
            if coords.len() > 1 && coords.first() != coords.last() {
                coords.push(coords[0]);
            }
            line(&coords, id, out);
        }
    };
    match g {
        Geometry::Point(p) => out.push(point(p.x(), p.y())),
        Geometry::MultiPoint(mp) => out.extend(mp.iter().map(|p| point(p.x(), p.y()))),
        Geometry::Line(l) => line(&[l.start, l.end], NO_POLYGON, out),
        Geometry::LineString(ls) => line(&ls.0, NO_POLYGON, out),
        Geometry::MultiLineString(m) => {
            for ls in m {
                line(&ls.0, NO_POLYGON, out);
            }
        }
        Geometry::Polygon(p) => polygon(p, out, polygons),
        Geometry::MultiPolygon(mp) => {
            for p in mp {
                polygon(p, out, polygons);
            }
        }
        Geometry::Rect(r) => polygon(&r.to_polygon(), out, polygons),
        Geometry::Triangle(t) => polygon(&t.to_polygon(), out, polygons),
        Geometry::GeometryCollection(gc) => {
            for g in gc {
                add_geometry(g, out, polygons);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, polygon, Distance, Euclidean, Point};

    /// A small deterministic generator for test data.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn grid(w: usize, h: usize, res: f64) -> GridSpec {
        GridSpec {
            crs_wkt: String::new(),
            x0: 500_000.0,
            y0: 4_100_000.0,
            res,
            width: w,
            height: h,
            window: None,
            area: None,
        }
    }

    fn random_features(rng: &mut Lcg, g: &GridSpec) -> Vec<Geometry<f64>> {
        let [xmin, ymin, xmax, ymax] = g.extent();
        let at = |rng: &mut Lcg| geo::Coord {
            x: xmin + rng.next() * (xmax - xmin),
            y: ymin + rng.next() * (ymax - ymin),
        };
        let mut out = Vec::new();
        for _ in 0..5 {
            let coords: Vec<_> = (0..6).map(|_| at(rng)).collect();
            out.push(Geometry::LineString(geo::LineString(coords)));
        }
        for _ in 0..3 {
            out.push(Geometry::Point(Point(at(rng))));
        }
        // A polygon with a hole.
        let c = at(rng);
        let ring = |r: f64| -> geo::LineString<f64> {
            (0..12)
                .map(|k| {
                    let a = k as f64 * std::f64::consts::TAU / 12.0;
                    (c.x + r * a.cos(), c.y + r * 0.7 * a.sin())
                })
                .collect()
        };
        out.push(Geometry::Polygon(geo::Polygon::new(
            ring(2500.0),
            vec![ring(800.0)],
        )));
        out
    }

    /// Exact distance from geo: 0 inside polygons, else the minimum over the features.
    fn brute(features: &[Geometry<f64>], x: f64, y: f64) -> f64 {
        let p = Point::new(x, y);
        features
            .iter()
            .map(|g| match g {
                Geometry::Polygon(poly) => Euclidean::distance(&p, poly),
                Geometry::LineString(l) => Euclidean::distance(&p, l),
                Geometry::Point(q) => Euclidean::distance(&p, q),
                _ => unreachable!(),
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn grid_matches_geo_euclidean_distance() {
        let mut rng = Lcg(7);
        let g = grid(157, 143, 97.0);
        let geoms = random_features(&mut rng, &g);
        let f = Features::new(&geoms);
        let block = Block {
            index: 0,
            row0: 0,
            rows: g.height,
        };
        let mut out = vec![0f32; g.cells()];
        f.distance_block(&g, &block, &mut out);
        let mut worst = 0f64;
        for r in 0..g.height {
            for c in 0..g.width {
                let (x, y) = g.cell_centre(r, c);
                let expected = brute(&geoms, x, y);
                worst = worst.max((out[r * g.width + c] as f64 - expected).abs());
            }
        }
        // f32 output: half an ulp at ~15 km is under a millimetre.
        assert!(worst < 1e-2, "worst difference {worst}");
    }

    #[test]
    fn random_points_match_geo() {
        let mut rng = Lcg(11);
        let g = grid(200, 200, 50.0);
        let geoms = random_features(&mut rng, &g);
        let f = Features::new(&geoms);
        let [xmin, ymin, xmax, ymax] = g.extent();
        for _ in 0..2000 {
            let x = xmin - 2000.0 + rng.next() * (xmax - xmin + 4000.0);
            let y = ymin - 2000.0 + rng.next() * (ymax - ymin + 4000.0);
            let (a, b) = (f.distance(x, y), brute(&geoms, x, y));
            assert!((a - b).abs() < 1e-6, "({x}, {y}): {a} vs {b}");
        }
    }

    #[test]
    fn blocks_and_patches_do_not_change_values() {
        let mut rng = Lcg(3);
        let g = grid(90, 77, 100.0);
        let geoms = random_features(&mut rng, &g);
        let f = Features::new(&geoms);
        let whole = Block {
            index: 0,
            row0: 0,
            rows: g.height,
        };
        let mut a = vec![0f32; g.cells()];
        f.distance_block(&g, &whole, &mut a);
        let mut b = Vec::new();
        for blk in crate::engine::blocks_of(&g, 700) {
            let mut part = vec![0f32; blk.rows * g.width];
            f.distance_block(&g, &blk, &mut part);
            b.extend(part);
        }
        assert_eq!(
            a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            b.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn polygons_are_zero_inside_and_holes_are_outside() {
        let square = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [[(x: 4.0, y: 4.0), (x: 6.0, y: 4.0), (x: 6.0, y: 6.0), (x: 4.0, y: 6.0)]],
        ];
        let f = Features::new(&[Geometry::Polygon(square)]);
        assert_eq!(f.distance(1.0, 1.0), 0.0);
        assert_eq!(f.distance(5.0, 5.0), 1.0);
        assert_eq!(f.distance(13.0, 14.0), 5.0);
        let g = GridSpec {
            crs_wkt: String::new(),
            x0: -2.0,
            y0: 12.0,
            res: 1.0,
            width: 14,
            height: 14,
            window: None,
            area: None,
        };
        let mut out = vec![0f32; g.cells()];
        f.distance_block(
            &g,
            &Block {
                index: 0,
                row0: 0,
                rows: 14,
            },
            &mut out,
        );
        // Cell centre (5.5, 5.5) is in the hole, 0.5 from its edge; (0.5, 0.5) is inside.
        let at = |x: f64, y: f64| {
            let (r, c) = g.cell_of(x, y).unwrap();
            out[r * g.width + c]
        };
        assert_eq!(at(5.5, 5.5), 0.5);
        assert_eq!(at(0.5, 0.5), 0.0);
        assert_eq!(at(-1.5, 5.5), 1.5);
    }

    #[test]
    fn points_and_degenerate_lines() {
        let f = Features::new(&[
            Geometry::Point(Point::new(3.0, 4.0)),
            Geometry::LineString(line_string![(x: 100.0, y: 100.0)]),
        ]);
        assert_eq!(f.distance(0.0, 0.0), 5.0);
        assert_eq!(f.distance(100.0, 97.0), 3.0);
        assert!(Features::new(&[]).is_empty());
    }
}
