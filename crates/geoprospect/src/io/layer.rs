//! Block reader for layers already on an analysis grid (the COGs `geoprospect` writes, or any
//! north-up GeoTIFF on the same cells).
//!
//! A [`GridLayer`] is checked once against the grid (size, geotransform, CRS) and then read a
//! row strip at a time. GDAL datasets are not `Sync`, so a layer keeps a small pool of handles:
//! a read borrows one (opening it the first time), so all workers of an
//! [`crate::engine::Engine`] can read at once, and each handle's GDAL block cache keeps the
//! compressed tiles it has decoded for the next strips (a 512-row COG tile row read by four
//! 128-row strips is decoded once per handle, not four times). Values come back as `f32`
//! with NaN for nodata (and the band's scale/offset applied), or as integer class codes with
//! [`CLASS_NODATA`] for nodata.
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gdal::raster::GdalDataType;
use gdal::{Dataset, Metadata};

use crate::engine::{blocks_of, Block, BLOCK_CELLS};
use crate::error::{Error, Result};
use crate::grid::AreaMask;
use crate::grid::GridSpec;
use crate::grid::CLASS_NODATA;
use crate::io::crs::Crs;
use crate::io::dataset::{dataset_crs, open_raster};
use crate::io::one_line;

/// The analysis grid of a raster: its CRS, north-up geotransform and size.
pub fn grid_of(path: &Path) -> Result<(GridSpec, Crs)> {
    let ds = open_raster(path)?;
    grid_of_dataset(&ds, path)
}

fn grid_of_dataset(ds: &Dataset, path: &Path) -> Result<(GridSpec, Crs)> {
    let crs = dataset_crs(ds, path)?.ok_or_else(|| {
        Error::input(path, "the raster has no CRS: it is not on an analysis grid")
    })?;
    let gt = ds
        .geo_transform()
        .map_err(|_| Error::input(path, "the raster has no geotransform"))?;
    let res = gt[1];
    let square = res > 0.0 && (gt[5] + res).abs() <= 1e-9 * res && gt[2] == 0.0 && gt[4] == 0.0;
    if !square {
        return Err(Error::input(
            path,
            format!(
                "not a north-up grid with square cells (geotransform {gt:?}): warp it onto a grid \
                 first (geoprospect run)"
            ),
        ));
    }
    let (width, height) = ds.raster_size();
    Ok((
        GridSpec {
            crs_wkt: crs.wkt()?,
            x0: gt[0],
            y0: gt[3],
            res,
            width,
            height,
            window: None,
            area: None,
        },
        crs,
    ))
}

/// Row strips for reading layers whose internal blocks are `tile_rows` high: each strip is a
/// whole number of tile rows (so every compressed tile is decoded once), of at least
/// [`BLOCK_CELLS`] cells and at most 8 Mi cells when the grid is narrow enough; otherwise the
/// engine's usual strips.
pub fn aligned_blocks(grid: &GridSpec, tile_rows: usize) -> Vec<Block> {
    let width = grid.width.max(1);
    let tile_rows = tile_rows.max(1);
    let tile_cells = tile_rows * width;
    if tile_rows > 1 && grid.window.is_none() && tile_cells <= 8 * BLOCK_CELLS {
        let tiles = (BLOCK_CELLS.div_ceil(tile_cells)).clamp(1, (8 * BLOCK_CELLS) / tile_cells);
        let rows = tiles * tile_rows;
        return (0..grid.height)
            .step_by(rows)
            .enumerate()
            .map(|(index, row0)| Block {
                index,
                row0,
                rows: rows.min(grid.height - row0),
            })
            .collect();
    }
    blocks_of(grid, BLOCK_CELLS)
}

/// A single-band raster on an analysis grid, read strip by strip.
#[derive(Debug, Clone)]
pub struct GridLayer {
    path: PathBuf,
    band: usize,
    nodata: Option<f64>,
    scale: f64,
    offset: f64,
    integer: bool,
    width: usize,
    /// Grid row of the file's first row (a tile's window).
    row0: usize,
    height: usize,
    tile_rows: usize,
    description: String,
    category_names: Vec<String>,
    handles: HandlePool,
    /// The grid's study area: cells outside read as nodata.
    area: Option<Arc<AreaMask>>,
}

/// Open read-only handles on one file, shared by the clones of a [`GridLayer`] and closed when
/// the last clone is dropped (so a file rewritten later is never read through an old handle:
/// it gets a new `GridLayer`).
#[derive(Debug, Clone, Default)]
struct HandlePool(Arc<Mutex<Vec<Dataset>>>);

impl HandlePool {
    /// Handles kept open per file: enough for the strips that share a COG tile row, few
    /// enough that many layers on a many-core node stay far from the open-file limit.
    const KEPT: usize = 4;

    /// Runs `read` on a free handle of `path`, opening one when none is free, and puts the
    /// handle back afterwards unless [`Self::KEPT`] are already kept (or the read failed: a
    /// handle in an error state is dropped).
    fn with<T>(&self, path: &Path, read: impl FnOnce(&Dataset) -> Result<T>) -> Result<T> {
        let free = self.lock().pop();
        let ds = match free {
            Some(ds) => ds,
            None => open_raster(path)?,
        };
        let out = read(&ds)?;
        let mut kept = self.lock();
        if kept.len() < Self::KEPT {
            kept.push(ds);
        }
        Ok(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Dataset>> {
        // A panic while the lock was held cannot leave the list inconsistent (push and pop are
        // whole), so a poisoned lock is still usable.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl GridLayer {
    /// Opens band 1 of `path` and checks that it lies exactly on `grid` (same size,
    /// geotransform within 1e-6 of a cell, same CRS), or on its window when the grid has one.
    /// Errors name the file and what differs. Rows are then read by grid row.
    pub fn open(path: &Path, grid: &GridSpec) -> Result<GridLayer> {
        GridLayer::of_dataset(open_raster(path)?, path, grid)
    }

    /// Opens `path` and takes its own grid as the analysis grid (the file opened once).
    pub fn open_as_grid(path: &Path) -> Result<(GridLayer, GridSpec, Crs)> {
        let ds = open_raster(path)?;
        let (grid, crs) = grid_of_dataset(&ds, path)?;
        let layer = GridLayer::of_dataset(ds, path, &grid)?;
        Ok((layer, grid, crs))
    }

    /// The layer of an open dataset, checked against `grid`; the handle is kept for reading.
    fn of_dataset(ds: Dataset, path: &Path, grid: &GridSpec) -> Result<GridLayer> {
        let (own, crs) = grid_of_dataset(&ds, path)?;
        let grid_crs = Crs::parse(&grid.crs_wkt).map_err(|e| Error::Internal(e.to_string()))?;
        let window = grid.file_rows();
        if (own.width, own.height) != (grid.width, window.rows) {
            return Err(Error::input(
                path,
                format!(
                    "not on the analysis grid: {} x {} cells, the grid has {} x {}",
                    own.width, own.height, grid.width, window.rows
                ),
            ));
        }
        if grid.aligned_offset(&own.geo_transform()) != Some((0, window.row0 as i64)) {
            return Err(Error::input(
                path,
                format!(
                    "not on the analysis grid: geotransform {:?}, the grid has {:?}",
                    own.geo_transform(),
                    grid.geo_transform()
                ),
            ));
        }
        if !crs.same_as(&grid_crs) {
            return Err(Error::input(
                path,
                format!(
                    "not on the analysis grid: CRS {}, the grid has {}",
                    crs.label(),
                    grid_crs.label()
                ),
            ));
        }
        let (integer, names, nodata, scale, offset, tile_rows, description) = {
            let band = ds
                .rasterband(1)
                .map_err(|e| Error::input(path, format!("no band 1: {e}")))?;
            (
                !matches!(
                    band.band_type(),
                    GdalDataType::Float32 | GdalDataType::Float64
                ),
                category_names(&band),
                band.no_data_value(),
                band.scale().unwrap_or(1.0),
                band.offset().unwrap_or(0.0),
                band.block_size().1,
                band.description().unwrap_or_default(),
            )
        };
        Ok(GridLayer {
            path: path.to_path_buf(),
            band: 1,
            nodata,
            scale,
            offset,
            integer,
            width: grid.width,
            row0: window.row0,
            height: window.rows,
            tile_rows,
            description,
            category_names: names,
            handles: HandlePool(Arc::new(Mutex::new(vec![ds]))),
            area: grid.area.clone(),
        })
    }

    /// The layer read within `grid`'s study area (the same cells: see [`GridLayer::open`]).
    pub fn within(mut self, grid: &GridSpec) -> GridLayer {
        self.area = grid.area.clone();
        self
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Height of the band's internal blocks (512 for COGs), for [`aligned_blocks`].
    pub fn tile_rows(&self) -> usize {
        self.tile_rows
    }

    /// The band description (empty when none).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// GDAL category names (index = class code; empty when none).
    pub fn category_names(&self) -> &[String] {
        &self.category_names
    }

    /// Whether the band stores integers.
    pub fn is_integer(&self) -> bool {
        self.integer
    }

    /// The file row of grid row `row0`, checking that `rows` rows from it are in the file.
    fn check_rows(&self, row0: usize, rows: usize) -> Result<usize> {
        if row0 < self.row0 || row0 + rows > self.row0 + self.height {
            return Err(Error::Internal(format!(
                "rows {row0}..{} requested from {} (rows {}..{})",
                row0 + rows,
                self.path.display(),
                self.row0,
                self.row0 + self.height
            )));
        }
        Ok(row0 - self.row0)
    }

    /// `rows` rows from grid row `row0` as type `T`, through a pooled handle.
    fn read_typed<T: gdal::raster::GdalType + Copy>(
        &self,
        row0: usize,
        rows: usize,
    ) -> Result<Vec<T>> {
        let file_row = self.check_rows(row0, rows)?;
        self.handles.with(&self.path, |ds| {
            let band = ds
                .rasterband(self.band)
                .map_err(|e| Error::input(&self.path, e.to_string()))?;
            let size = (self.width, rows);
            let buf = band
                .read_as::<T>((0, file_row as isize), size, size, None)
                .map_err(|e| {
                    Error::input(
                        &self.path,
                        format!("cannot read rows {row0}..: {}", one_line(&e.to_string())),
                    )
                })?;
            Ok(buf.into_shape_and_vec().1)
        })
    }

    /// Physical values of `rows` full-width rows from `row0`: nodata (and cells outside the
    /// study area) is NaN, then `value · scale + offset`.
    pub fn read_rows(&self, row0: usize, rows: usize) -> Result<Vec<f32>> {
        let mut data = self.read_values(row0, rows)?;
        if let Some(a) = &self.area {
            a.apply(row0, &mut data, f32::NAN);
        }
        Ok(data)
    }

    fn read_values(&self, row0: usize, rows: usize) -> Result<Vec<f32>> {
        let plain = self.scale == 1.0 && self.offset == 0.0;
        if !self.integer && plain {
            // Float bands: read f32 directly (no f64 detour), then mask nodata in place.
            let mut data = self.read_typed::<f32>(row0, rows)?;
            if let Some(nd) = self.nodata.filter(|nd| !nd.is_nan()) {
                let nd32 = nd as f32;
                if nd32 as f64 == nd {
                    for v in &mut data {
                        if *v == nd32 {
                            *v = f32::NAN;
                        }
                    }
                }
            }
            return Ok(data);
        }
        let raw = self.read_typed::<f64>(row0, rows)?;
        Ok(raw
            .into_iter()
            .map(|v| self.physical(v).map_or(f32::NAN, |p| p as f32))
            .collect())
    }

    /// A block's rows as physical values (see [`GridLayer::read_rows`]).
    pub fn read_block(&self, block: &Block) -> Result<Vec<f32>> {
        self.read_rows(block.row0, block.rows)
    }

    /// Integer class codes of `rows` rows from `row0`; nodata (and NaN, and cells outside the
    /// study area) is [`CLASS_NODATA`]. Float bands must hold integral values: anything else is
    /// an error naming the cell.
    pub fn read_classes(&self, row0: usize, rows: usize) -> Result<Vec<i32>> {
        let mut raw = self.read_typed::<f64>(row0, rows)?;
        if let Some(a) = &self.area {
            a.apply(row0, &mut raw, f64::NAN);
        }
        let mut out = Vec::with_capacity(raw.len());
        for (i, v) in raw.into_iter().enumerate() {
            let code = match self.physical(v) {
                None => CLASS_NODATA,
                Some(p) if p.fract() == 0.0 && p > CLASS_NODATA as f64 && p <= i32::MAX as f64 => {
                    p as i32
                }
                Some(p) => {
                    return Err(Error::input(
                        &self.path,
                        format!(
                            "value {p} at row {}, column {} is not an integer class code",
                            row0 + i / self.width,
                            i % self.width
                        ),
                    ))
                }
            };
            out.push(code);
        }
        Ok(out)
    }

    /// A raw band value as a physical value; `None` for nodata and NaN.
    fn physical(&self, v: f64) -> Option<f64> {
        if v.is_nan() || self.nodata.is_some_and(|nd| v == nd) {
            return None;
        }
        Some(if self.scale == 1.0 && self.offset == 0.0 {
            v
        } else {
            v * self.scale + self.offset
        })
    }
}

/// Category names of a band (index = class code): GDAL's, or, where GDAL has none (a
/// GeoTIFF read without its `.aux.xml`), those geoprospect stored in the band's metadata
/// ([`crate::io::cog::CATEGORIES_ITEM`]).
pub(crate) fn category_names(band: &gdal::raster::RasterBand) -> Vec<String> {
    let names = gdal_category_names(band);
    if !names.is_empty() {
        return names;
    }
    band.metadata_item(crate::io::cog::CATEGORIES_ITEM, "")
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// GDAL category names of a band (index = class code).
fn gdal_category_names(band: &gdal::raster::RasterBand) -> Vec<String> {
    // Safety: the band handle is valid while `band` lives; GDAL owns the returned list, which
    // stays valid until the band is modified, and we copy it out at once.
    unsafe {
        let list = gdal_sys::GDALGetRasterCategoryNames(band.c_rasterband());
        if list.is_null() {
            return Vec::new();
        }
        let mut names = Vec::new();
        let mut i = 0;
        loop {
            let item = *list.add(i);
            if item.is_null() {
                break;
            }
            names.push(
                std::ffi::CStr::from_ptr(item)
                    .to_string_lossy()
                    .into_owned(),
            );
            i += 1;
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};

    fn grid() -> GridSpec {
        let wkt = Crs::parse("EPSG:32648").unwrap().wkt().unwrap();
        GridSpec::from_extent(wkt, [500000.0, 4000000.0, 500400.0, 4000300.0], 100.0).unwrap()
    }

    #[test]
    fn reads_strips_with_nan_nodata_and_class_names() {
        let dir = tempfile::tempdir().unwrap();
        let g = grid();
        let path = dir.path().join("a.tif");
        let mut w =
            CogWriter::create(&g, &path, PixelType::Float32, &LayerMeta::default()).unwrap();
        w.write_rows(0, (0..12).map(|v| v as f32).collect())
            .unwrap();
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
        let layer = GridLayer::open(&path, &g).unwrap();
        assert_eq!(layer.read_rows(1, 2).unwrap()[0], 4.0);
        assert!(layer.read_rows(0, 4).is_err());

        let cpath = dir.path().join("c.tif");
        let meta = LayerMeta {
            category_names: vec!["".into(), "granite".into(), "shale".into()],
            ..Default::default()
        };
        let mut w = CogWriter::create(&g, &cpath, PixelType::Int32, &meta).unwrap();
        let mut codes = vec![1i32; 12];
        codes[5] = CLASS_NODATA;
        codes[6] = 2;
        w.write_rows(0, codes.clone()).unwrap();
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
        let layer = GridLayer::open(&cpath, &g).unwrap();
        assert_eq!(layer.read_classes(0, 3).unwrap(), codes);
        assert_eq!(layer.category_names()[2], "shale");
        assert!(layer.read_rows(1, 1).unwrap()[1].is_nan());
        // Without the `.aux.xml` GDAL keeps its category names in (as under
        // GDAL_PAM_ENABLED=NO), the names come from the file's own metadata.
        drop(layer);
        let mut aux = cpath.clone().into_os_string();
        aux.push(".aux.xml");
        let _ = std::fs::remove_file(aux);
        let layer = GridLayer::open(&cpath, &g).unwrap();
        assert_eq!(layer.category_names(), ["", "granite", "shale"]);
    }

    #[test]
    fn grid_mismatch_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let g = grid();
        let path = dir.path().join("b.tif");
        let w = CogWriter::create(&g, &path, PixelType::Float32, &LayerMeta::default()).unwrap();
        drop(w);
        let mut other = g.clone();
        other.x0 += 50.0;
        let mut w =
            CogWriter::create(&other, &path, PixelType::Float32, &LayerMeta::default()).unwrap();
        w.write_rows(0, vec![0.0; 12]).unwrap();
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
        let err = GridLayer::open(&path, &g).unwrap_err().to_string();
        assert!(
            err.contains("b.tif") && err.contains("geotransform"),
            "{err}"
        );
    }

    #[test]
    fn aligned_blocks_are_whole_tiles() {
        let g = GridSpec {
            crs_wkt: String::new(),
            x0: 0.0,
            y0: 0.0,
            res: 1.0,
            width: 5000,
            height: 5000,
            window: None,
            area: None,
        };
        let b = aligned_blocks(&g, 512);
        assert!(b.iter().all(|b| b.row0 % 512 == 0));
        assert_eq!(b.iter().map(|b| b.rows).sum::<usize>(), 5000);
        let wide = GridSpec {
            width: 100_000,
            ..g
        };
        assert_eq!(aligned_blocks(&wide, 512), blocks_of(&wide, BLOCK_CELLS));
    }
}
