//! Study areas: the part of a grid an analysis covers.
//!
//! A [`StudyArea`] is a set of polygons (each an exterior ring with holes) in the analysis CRS.
//! On a grid it becomes an [`AreaMask`]: the cells whose **centre** lies inside a polygon, as
//! ArcSDM's study-area raster and the EIS Toolkit's `rasterize` (default `all_touched=False`)
//! take them. Cells outside are nodata in every layer and count in no statistic.
//!
//! The mask is found by scanlines: for each row, the crossings of the horizontal line through
//! the row's cell centres with every ring edge (an edge from `y1` to `y2` crosses the line at
//! `y` when exactly one end lies above it, `(y1 > y) != (y2 > y)`, so a vertex on the line
//! counts once) give, sorted, the spans inside one polygon by the even-odd rule (holes fall
//! out); the spans of the polygons are then merged. A cell whose centre is at `x` is inside a
//! span `[a, b)` when `a <= x < b`.
use geo::{BoundingRect, Contains, MultiPolygon, Polygon};

use crate::grid::{AreaMask, GridSpec};

/// A study area: polygons in the analysis CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyArea {
    polygons: MultiPolygon<f64>,
}

impl StudyArea {
    /// The area covered by `polygons` (parts may overlap: the area is their union).
    pub fn new(polygons: Vec<Polygon<f64>>) -> StudyArea {
        StudyArea {
            polygons: MultiPolygon(polygons),
        }
    }

    /// The polygons.
    pub fn polygons(&self) -> &[Polygon<f64>] {
        &self.polygons.0
    }

    /// `[xmin, ymin, xmax, ymax]` of the polygons, `None` when there are none.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        let r = self.polygons.bounding_rect()?;
        Some([r.min().x, r.min().y, r.max().x, r.max().y])
    }

    /// Whether the point `(x, y)` lies inside a polygon (not on a hole or outside).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        self.polygons.contains(&geo::Point::new(x, y))
    }

    /// The cells of `grid` whose centre lies inside the area.
    pub fn mask(&self, grid: &GridSpec) -> AreaMask {
        let mut runs: Vec<Vec<(u32, u32)>> = vec![Vec::new(); grid.height];
        let mut crossings: Vec<Vec<f64>> = Vec::new();
        for polygon in &self.polygons.0 {
            let Some(rows) = rows_of(polygon, grid) else {
                continue;
            };
            crossings.clear();
            crossings.resize(rows.len(), Vec::new());
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for edge in ring.lines() {
                    add_crossings(edge, grid, rows.start, &mut crossings);
                }
            }
            for (i, xs) in crossings.iter_mut().enumerate() {
                xs.sort_by(f64::total_cmp);
                let row = &mut runs[rows.start + i];
                for pair in xs.chunks_exact(2) {
                    let span = columns_between(pair[0], pair[1], grid);
                    if span.0 < span.1 {
                        row.push(span);
                    }
                }
            }
        }
        for row in &mut runs {
            merge_runs(row);
        }
        AreaMask::from_runs(grid.width, runs)
    }
}

/// The rows whose centre line can cross `polygon` (clipped to the grid), `None` if none.
fn rows_of(polygon: &Polygon<f64>, grid: &GridSpec) -> Option<std::ops::Range<usize>> {
    let r = polygon.bounding_rect()?;
    // Row r's centre is y0 - (r + 0.5) res: rows with centre in [ymin, ymax].
    let first = ((grid.y0 - r.max().y) / grid.res - 0.5).ceil().max(0.0);
    let last = ((grid.y0 - r.min().y) / grid.res - 0.5)
        .floor()
        .min(grid.height as f64 - 1.0);
    (first.is_finite() && last.is_finite() && first <= last)
        .then(|| first as usize..last as usize + 1)
}

/// Adds the x of the crossing of `edge` with the centre line of each row it crosses to
/// `crossings[row - first]`.
fn add_crossings(edge: geo::Line<f64>, grid: &GridSpec, first: usize, crossings: &mut [Vec<f64>]) {
    let (a, b) = (edge.start, edge.end);
    if a.y == b.y {
        return;
    }
    let (lo, hi) = if a.y < b.y { (a, b) } else { (b, a) };
    // Rows whose centre y satisfies lo.y <= y < hi.y (one end strictly above the line).
    let top = ((grid.y0 - hi.y) / grid.res - 0.5).floor() + 1.0;
    let bottom = ((grid.y0 - lo.y) / grid.res - 0.5).floor();
    let r0 = top.max(first as f64);
    let r1 = bottom.min((first + crossings.len()) as f64 - 1.0);
    if r0.is_nan() || r1.is_nan() || r0 > r1 {
        return;
    }
    for row in r0 as usize..=r1 as usize {
        let y = grid.y0 - (row as f64 + 0.5) * grid.res;
        if !(lo.y <= y && y < hi.y) {
            continue;
        }
        let x = lo.x + (y - lo.y) * (hi.x - lo.x) / (hi.y - lo.y);
        crossings[row - first].push(x);
    }
}

/// Columns whose centre `x` satisfies `a <= x < b`, clipped to the grid, as `[start, end)`.
fn columns_between(a: f64, b: f64, grid: &GridSpec) -> (u32, u32) {
    let col = |x: f64| {
        ((x - grid.x0) / grid.res - 0.5)
            .ceil()
            .clamp(0.0, grid.width as f64) as u32
    };
    (col(a), col(b))
}

/// Sorts `runs` and merges those that overlap or touch.
fn merge_runs(runs: &mut Vec<(u32, u32)>) {
    runs.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(runs.len());
    for &(a, b) in runs.iter() {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    *runs = merged;
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, LineString};

    fn grid(width: usize, height: usize) -> GridSpec {
        GridSpec::from_extent(String::new(), [0.0, 0.0, width as f64, height as f64], 1.0).unwrap()
    }

    /// Cell centres inside by the point-in-polygon test of `geo` (the reference).
    fn brute(area: &StudyArea, g: &GridSpec) -> Vec<bool> {
        (0..g.height)
            .flat_map(|r| (0..g.width).map(move |c| (r, c)))
            .map(|(r, c)| {
                let (x, y) = g.cell_centre(r, c);
                area.contains(x, y)
            })
            .collect()
    }

    fn masked(mask: &AreaMask, g: &GridSpec) -> Vec<bool> {
        (0..g.height)
            .flat_map(|r| (0..g.width).map(move |c| (r, c)))
            .map(|(r, c)| mask.contains(r, c))
            .collect()
    }

    #[test]
    fn a_square_with_a_hole_and_a_second_part() {
        let g = grid(10, 10);
        let outer = LineString::from(vec![(1.0, 1.0), (7.0, 1.0), (7.0, 7.0), (1.0, 7.0)]);
        let hole = LineString::from(vec![(3.0, 3.0), (5.0, 3.0), (5.0, 5.0), (3.0, 5.0)]);
        let area = StudyArea::new(vec![
            Polygon::new(outer, vec![hole]),
            polygon![(x: 8.0, y: 8.0), (x: 10.0, y: 8.0), (x: 10.0, y: 10.0), (x: 8.0, y: 10.0)],
        ]);
        let mask = area.mask(&g);
        // 6 x 6 square less the 2 x 2 hole, plus the 2 x 2 part.
        assert_eq!(mask.cells(), 36 - 4 + 4);
        assert_eq!(masked(&mask, &g), brute(&area, &g));
        // Row 0 is y in [9, 10]: only the second part's columns 8 and 9.
        assert_eq!(mask.runs(0), &[(8, 10)]);
        let mut row = vec![1.0f32; 10];
        mask.apply(0, &mut row, f32::NAN);
        assert!(row[..8].iter().all(|v| v.is_nan()) && row[8..] == [1.0, 1.0]);
    }

    #[test]
    fn overlapping_parts_are_a_union() {
        let g = grid(10, 4);
        let a = polygon![(x: 0.0, y: 0.0), (x: 6.0, y: 0.0), (x: 6.0, y: 4.0), (x: 0.0, y: 4.0)];
        let b = polygon![(x: 4.0, y: 0.0), (x: 9.0, y: 0.0), (x: 9.0, y: 4.0), (x: 4.0, y: 4.0)];
        let mask = StudyArea::new(vec![a, b]).mask(&g);
        assert_eq!(mask.cells(), 9 * 4);
        assert_eq!(mask.runs(2), &[(0, 9)]);
    }

    #[test]
    fn outside_the_grid_gives_no_cells() {
        let g = grid(10, 10);
        let far = polygon![(x: 100.0, y: 100.0), (x: 110.0, y: 100.0), (x: 110.0, y: 110.0)];
        assert_eq!(StudyArea::new(vec![far]).mask(&g).cells(), 0);
        assert_eq!(StudyArea::new(Vec::new()).mask(&g).cells(), 0);
    }

    #[test]
    fn irregular_polygons_agree_with_point_in_polygon() {
        // A star and a thin sliver, vertices off and on cell-centre lines.
        let g = GridSpec::from_extent(String::new(), [-3.0, -2.0, 47.0, 38.0], 0.7).unwrap();
        let star: Vec<(f64, f64)> = (0..14)
            .map(|i| {
                let t = i as f64 * std::f64::consts::PI / 7.0;
                let r = if i % 2 == 0 { 18.0 } else { 7.5 };
                (20.0 + r * t.cos(), 17.0 + r * t.sin())
            })
            .collect();
        let sliver = vec![(1.0, 30.0), (44.0, 31.05), (44.0, 31.75), (1.0, 30.35)];
        let area = StudyArea::new(vec![
            Polygon::new(LineString::from(star), vec![]),
            Polygon::new(LineString::from(sliver), vec![]),
        ]);
        let mask = area.mask(&g);
        assert_eq!(masked(&mask, &g), brute(&area, &g));
        assert!(mask.cells() > 100);
    }
}
