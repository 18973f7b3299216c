//! The analysis grid: CRS, north-up affine transform and size.
//!
//! Cell `(row, col)` covers `[x0 + col·res, x0 + (col+1)·res] x [y0 - (row+1)·res, y0 - row·res]`
//! with `(x0, y0)` the top-left corner `(xmin, ymax)`; values belong to cell centres.
use std::sync::Arc;

use crate::error::{Error, Result};

/// Largest analysis grid accepted, in cells (a 100 000 x 100 000 grid is national scale at 30 m;
/// anything larger is almost certainly a unit mistake such as degrees taken as metres).
pub const MAX_CELLS: u64 = 10_000_000_000;

/// Nodata of class layers (no class code is ever this value); float layers use NaN.
pub const CLASS_NODATA: i32 = i32::MIN;

/// Whether a raster holds measurements or classes; decides the resampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RasterKind {
    /// Measurements: bilinear resampling, Float32 output.
    #[default]
    Continuous,
    /// Class codes: nearest-neighbour resampling, Int32 output.
    Categorical,
}

/// Resampling method for warping a raster onto the analysis grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Resampling {
    /// Nearest neighbour.
    Nearest,
    /// Bilinear.
    Bilinear,
    /// Cubic convolution.
    Cubic,
    /// Average of contributing source cells.
    Average,
}

/// A north-up analysis grid with square cells.
#[derive(Debug, Clone, PartialEq)]
pub struct GridSpec {
    /// The analysis CRS as WKT.
    pub crs_wkt: String,
    /// Left edge (xmin).
    pub x0: f64,
    /// Top edge (ymax).
    pub y0: f64,
    /// Cell size in CRS units.
    pub res: f64,
    /// Number of columns.
    pub width: usize,
    /// Number of rows.
    pub height: usize,
    /// The rows this process computes and writes, when it runs one tile of a plan
    /// (`geoprospect run-tile`); `None` for the whole grid. Cell coordinates, blocks and every
    /// computed value stay those of the whole grid; only the files written and read hold the
    /// window's rows.
    pub window: Option<RowWindow>,
    /// The cells of the study area (`None`: every cell). Cells outside are nodata in every
    /// layer read or written on the grid.
    pub area: Option<Arc<AreaMask>>,
}

/// A band of whole rows of a grid: rows `row0 .. row0 + rows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowWindow {
    /// First row.
    pub row0: usize,
    /// Number of rows.
    pub rows: usize,
}

impl GridSpec {
    /// A grid covering `extent = [xmin, ymin, xmax, ymax]` with cells of `res`, anchored at the
    /// top-left corner `(xmin, ymax)`; the last column and row may extend past `xmax` and below
    /// `ymin` so that the extent is covered by whole cells.
    pub fn from_extent(crs_wkt: String, extent: [f64; 4], res: f64) -> Result<GridSpec> {
        let [xmin, ymin, xmax, ymax] = extent;
        if !(res.is_finite() && res > 0.0) {
            return Err(Error::param(format!(
                "resolution must be a positive number, got {res}"
            )));
        }
        if !(xmin < xmax && ymin < ymax) {
            return Err(Error::param(format!(
                "extent [{xmin}, {ymin}, {xmax}, {ymax}] is empty or inverted"
            )));
        }
        // Tolerate floating-point noise so that an extent of exactly n cells gives n cells.
        let cells = |span: f64| ((span / res) - 1e-9).ceil().max(1.0);
        let (w, h) = (cells(xmax - xmin), cells(ymax - ymin));
        if w * h > MAX_CELLS as f64 || w > i32::MAX as f64 || h > i32::MAX as f64 {
            // Absurd sizes in scientific notation, not 300 digits.
            let count = |v: f64| {
                if v < 1e12 {
                    format!("{v}")
                } else {
                    format!("{v:.2e}")
                }
            };
            return Err(Error::param(format!(
                "the grid would be {} x {} cells at resolution {res}, more than the limit of \
                 {MAX_CELLS} cells: check the resolution and extent units",
                count(w),
                count(h)
            )));
        }
        Ok(GridSpec {
            crs_wkt,
            x0: xmin,
            y0: ymax,
            res,
            width: w as usize,
            height: h as usize,
            window: None,
            area: None,
        })
    }

    /// A grid around a bounding box plus `margin`, with edges snapped outward to multiples of
    /// `res` so that grids of neighbouring surveys line up.
    pub fn around(crs_wkt: String, bbox: [f64; 4], margin: f64, res: f64) -> Result<GridSpec> {
        let snap_down = |v: f64| (v / res).floor() * res;
        let snap_up = |v: f64| (v / res).ceil() * res;
        let mut extent = [
            snap_down(bbox[0] - margin),
            snap_down(bbox[1] - margin),
            snap_up(bbox[2] + margin),
            snap_up(bbox[3] + margin),
        ];
        // A single sample with no margin still needs one cell.
        if extent[2] <= extent[0] {
            extent[2] = extent[0] + res;
        }
        if extent[3] <= extent[1] {
            extent[3] = extent[1] + res;
        }
        GridSpec::from_extent(crs_wkt, extent, res)
    }

    /// GDAL geotransform `[x0, res, 0, y0, 0, -res]`.
    pub fn geo_transform(&self) -> [f64; 6] {
        [self.x0, self.res, 0.0, self.y0, 0.0, -self.res]
    }

    /// The same grid restricted to rows `row0 .. row0 + rows` (clipped to the grid).
    pub fn with_window(&self, row0: usize, rows: usize) -> GridSpec {
        let row0 = row0.min(self.height);
        GridSpec {
            window: Some(RowWindow {
                row0,
                rows: rows.min(self.height - row0),
            }),
            ..self.clone()
        }
    }

    /// The same grid restricted to the cells of `area`.
    pub fn with_area(&self, area: AreaMask) -> GridSpec {
        GridSpec {
            area: Some(Arc::new(area)),
            ..self.clone()
        }
    }

    /// Sets the cells outside the study area of full-width rows from grid row `row0` to
    /// `nodata` (nothing without an area).
    pub fn mask_rows<T: Copy>(&self, row0: usize, data: &mut [T], nodata: T) {
        if let Some(area) = &self.area {
            area.apply(row0, data, nodata);
        }
    }

    /// Whether cell `(row, col)` is in the study area (every cell is, without one).
    pub fn in_area(&self, row: usize, col: usize) -> bool {
        self.area.as_ref().map_or(true, |a| a.contains(row, col))
    }

    /// Cells of the study area (every cell, without one).
    pub fn area_cells(&self) -> u64 {
        self.area
            .as_ref()
            .map_or(self.cells() as u64, |a| a.cells())
    }

    /// The rows files hold: the window, or every row.
    pub fn file_rows(&self) -> RowWindow {
        self.window.unwrap_or(RowWindow {
            row0: 0,
            rows: self.height,
        })
    }

    /// Geotransform of the files this process writes (the window's top edge).
    pub fn file_geo_transform(&self) -> [f64; 6] {
        let mut gt = self.geo_transform();
        gt[3] = self.y0 - self.file_rows().row0 as f64 * self.res;
        gt
    }

    /// `[xmin, ymin, xmax, ymax]` of the whole grid.
    pub fn extent(&self) -> [f64; 4] {
        [
            self.x0,
            self.y0 - self.height as f64 * self.res,
            self.x0 + self.width as f64 * self.res,
            self.y0,
        ]
    }

    /// World coordinates of the centre of cell `(row, col)`.
    pub fn cell_centre(&self, row: usize, col: usize) -> (f64, f64) {
        (
            self.x0 + (col as f64 + 0.5) * self.res,
            self.y0 - (row as f64 + 0.5) * self.res,
        )
    }

    /// The cell holding world point `(x, y)`, or `None` outside the grid.
    pub fn cell_of(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let col = ((x - self.x0) / self.res).floor();
        let row = ((self.y0 - y) / self.res).floor();
        let inside =
            col >= 0.0 && row >= 0.0 && col < self.width as f64 && row < self.height as f64;
        inside.then_some((row as usize, col as usize))
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.width * self.height
    }

    /// Where another north-up grid with the same cell size and CRS sits on this one: the
    /// `(col, row)` offset of its top-left corner in this grid's cells, when it is a whole
    /// number of cells (within 1e-6 of a cell). `None` means the grids are not aligned.
    pub fn aligned_offset(&self, gt: &[f64; 6]) -> Option<(i64, i64)> {
        let tol = 1e-6;
        let same_size = (gt[1] - self.res).abs() <= tol * self.res
            && (gt[5] + self.res).abs() <= tol * self.res
            && gt[2] == 0.0
            && gt[4] == 0.0;
        if !same_size {
            return None;
        }
        let dc = (gt[0] - self.x0) / self.res;
        let dr = (self.y0 - gt[3]) / self.res;
        let whole = |v: f64| (v - v.round()).abs() <= tol;
        (whole(dc) && whole(dr)).then(|| (dc.round() as i64, dr.round() as i64))
    }
}

/// The cells of a grid inside a study area, as runs of columns per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaMask {
    width: usize,
    /// Per grid row, sorted disjoint `[start, end)` column runs inside the area.
    runs: Vec<Vec<(u32, u32)>>,
    cells: u64,
}

impl AreaMask {
    /// The mask of a grid `width` cells wide from its sorted, disjoint `[start, end)` column
    /// runs per row ([`crate::area::StudyArea::mask`] makes them).
    pub fn from_runs(width: usize, runs: Vec<Vec<(u32, u32)>>) -> AreaMask {
        let cells = runs.iter().flatten().map(|&(a, b)| (b - a) as u64).sum();
        AreaMask { width, runs, cells }
    }

    /// Cells inside the area.
    pub fn cells(&self) -> u64 {
        self.cells
    }

    /// Whether cell `(row, col)` is inside the area.
    pub fn contains(&self, row: usize, col: usize) -> bool {
        self.runs.get(row).is_some_and(|runs| {
            let col = col as u32;
            runs.iter().any(|&(a, b)| a <= col && col < b)
        })
    }

    /// The `[start, end)` column runs of `row` inside the area.
    pub fn runs(&self, row: usize) -> &[(u32, u32)] {
        self.runs.get(row).map_or(&[], Vec::as_slice)
    }

    /// Sets every cell outside the area of full-width rows from grid row `row0` to `nodata`.
    pub fn apply<T: Copy>(&self, row0: usize, data: &mut [T], nodata: T) {
        if self.width == 0 {
            return;
        }
        for (i, row) in data.chunks_mut(self.width).enumerate() {
            let mut from = 0usize;
            for &(a, b) in self.runs(row0 + i) {
                row[from..a as usize].fill(nodata);
                from = b as usize;
            }
            row[from..].fill(nodata);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_extent_gives_whole_cells() {
        let g = GridSpec::from_extent(
            String::new(),
            [600000.0, 4400000.0, 640000.0, 4430000.0],
            100.0,
        )
        .unwrap();
        assert_eq!((g.width, g.height), (400, 300));
        assert_eq!(
            g.geo_transform(),
            [600000.0, 100.0, 0.0, 4430000.0, 0.0, -100.0]
        );
        assert_eq!(g.extent(), [600000.0, 4400000.0, 640000.0, 4430000.0]);
    }

    #[test]
    fn partial_cells_round_up() {
        let g = GridSpec::from_extent(String::new(), [0.0, 0.0, 250.0, 101.0], 100.0).unwrap();
        assert_eq!((g.width, g.height), (3, 2));
    }

    #[test]
    fn centres_and_lookup_agree() {
        let g = GridSpec::from_extent(String::new(), [0.0, 0.0, 1000.0, 500.0], 100.0).unwrap();
        assert_eq!(g.cell_centre(0, 0), (50.0, 450.0));
        assert_eq!(g.cell_of(50.0, 450.0), Some((0, 0)));
        assert_eq!(g.cell_of(999.9, 0.1), Some((4, 9)));
        assert_eq!(g.cell_of(1000.0, 0.1), None);
        assert_eq!(g.cell_of(-0.1, 10.0), None);
    }

    #[test]
    fn huge_grid_is_refused_before_allocating() {
        let err = GridSpec::from_extent(String::new(), [0.0, 0.0, 1e7, 1e7], 0.01).unwrap_err();
        assert!(err.to_string().contains("limit"), "{err}");
    }

    #[test]
    fn around_snaps_outward() {
        let g =
            GridSpec::around(String::new(), [123.0, 456.0, 789.0, 1011.0], 50.0, 100.0).unwrap();
        assert_eq!(g.extent(), [0.0, 400.0, 900.0, 1100.0]);
    }

    #[test]
    fn aligned_offset_detects_whole_cell_shifts() {
        let g = GridSpec::from_extent(String::new(), [0.0, 0.0, 1000.0, 1000.0], 10.0).unwrap();
        assert_eq!(
            g.aligned_offset(&[20.0, 10.0, 0.0, 970.0, 0.0, -10.0]),
            Some((2, 3))
        );
        assert_eq!(
            g.aligned_offset(&[25.0, 10.0, 0.0, 970.0, 0.0, -10.0]),
            None
        );
        assert_eq!(
            g.aligned_offset(&[20.0, 20.0, 0.0, 970.0, 0.0, -20.0]),
            None
        );
    }
}
