//! Direct reads of uncompressed Float32 GeoTIFFs stored as consecutive strips.
//!
//! Such a file holds its rows one after another from one byte offset (what GDAL writes for an
//! uncompressed striped GeoTIFF), so it is mapped into memory and a block of rows is a slice of
//! the map: no GDAL block cache, no per-block dataset handle, no copy out of the page cache
//! when the layer's nodata is NaN (or absent), one copy into the caller's buffer otherwise.
//! Anything else (compressed, tiled, big-endian, scaled, several bands) is read through
//! [`crate::io::layer::GridLayer`] instead.
//!
//! A mapped file must not be truncated while it is read (the process would get `SIGBUS`, as
//! with any memory-mapped reader); rewriting an input during a run is unsupported anyway.
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use gdal::raster::GdalDataType;

use crate::error::{Error, Result};
use crate::io::cogtiles::read_tiff;
use crate::io::dataset::open_raster;

/// An uncompressed Float32 layer whose rows are contiguous in its file.
#[derive(Debug)]
pub struct RawStrips {
    path: PathBuf,
    map: memmap2::Mmap,
    width: usize,
    height: usize,
    start: usize,
    nodata: Option<f32>,
}

impl RawStrips {
    /// `Some` when `path` (already checked to be on the grid) can be read directly.
    pub fn open(path: &Path) -> Result<Option<RawStrips>> {
        let ds = open_raster(path)?;
        if ds.raster_count() != 1 || ds.driver().short_name() != "GTiff" {
            return Ok(None);
        }
        let band = ds
            .rasterband(1)
            .map_err(|e| Error::input(path, format!("no band 1: {e}")))?;
        let plain = band.band_type() == GdalDataType::Float32
            && band.scale().unwrap_or(1.0) == 1.0
            && band.offset().unwrap_or(0.0) == 0.0;
        let nodata = band.no_data_value();
        drop(ds);
        if !plain || !cfg!(target_endian = "little") {
            return Ok(None);
        }
        let Ok(info) = read_tiff(path) else {
            return Ok(None);
        };
        let (w, h) = (info.size.0 as usize, info.size.1 as usize);
        let row_bytes = w as u64 * 4;
        if info.tiled
            || info.compression != 1
            || info.sample != (32, 1, 3)
            || info.blocks.is_empty()
        {
            return Ok(None);
        }
        let start = info.blocks[0].0;
        let mut at = start;
        for (i, &(offset, size)) in info.blocks.iter().enumerate() {
            let rows = info
                .block
                .1
                .min(h as u64 - (i as u64 * info.block.1).min(h as u64));
            if offset != at || size != rows * row_bytes {
                return Ok(None);
            }
            at += size;
        }
        if at != start + h as u64 * row_bytes {
            return Ok(None);
        }
        if start % 4 != 0 {
            // Rows that do not start on a 4-byte boundary cannot be viewed as floats.
            return Ok(None);
        }
        let file = File::open(path).map_err(|e| Error::input(path, e.to_string()))?;
        // Safety: the map is read-only and lives as long as `self`; see the module notes on
        // files truncated while mapped.
        let map = unsafe { memmap2::Mmap::map(&file) }
            .map_err(|e| Error::input(path, format!("cannot map the file: {e}")))?;
        if (map.len() as u64) < at {
            return Err(Error::input(path, "the file is shorter than its strips"));
        }
        Ok(Some(RawStrips {
            path: path.to_path_buf(),
            map,
            width: w,
            height: h,
            start: start as usize,
            nodata: nodata.filter(|v| !v.is_nan()).map(|v| v as f32),
        }))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows `row0 .. row0 + rows` as stored (nodata not replaced).
    fn stored(&self, row0: usize, rows: usize) -> Result<&[f32]> {
        if row0 + rows > self.height {
            return Err(Error::Internal(format!(
                "rows {row0}..{} requested from {} ({} rows)",
                row0 + rows,
                self.path.display(),
                self.height
            )));
        }
        let at = self.start + row0 * self.width * 4;
        let bytes = &self.map[at..at + rows * self.width * 4];
        // Safety: in bounds (checked in `open` and above), 4-byte aligned (the map is
        // page-aligned and `start` a multiple of 4), every bit pattern is a valid f32, and the
        // file holds little-endian floats on a little-endian target (checked in `open`).
        Ok(unsafe { std::slice::from_raw_parts(bytes.as_ptr().cast::<f32>(), rows * self.width) })
    }

    /// Rows `row0 .. row0 + rows` straight from the map, when the layer's nodata is NaN or
    /// absent (so the stored values are the values); `None` otherwise (use
    /// [`RawStrips::read_into`]).
    pub fn rows(&self, row0: usize, rows: usize) -> Result<Option<&[f32]>> {
        if self.nodata.is_some() {
            return Ok(None);
        }
        self.stored(row0, rows).map(Some)
    }

    /// Takes rows `row0 .. row0 + rows` out of this process's resident memory once they have
    /// been read (`madvise(MADV_DONTNEED)`): their pages stay in the page cache, but do not
    /// count in the resident set, so that the resident memory of a pass does not grow with the
    /// layers. A page touched again (the page shared with the next block, say) is mapped again
    /// from the page cache with the same bytes: the file is mapped shared and read-only.
    pub fn release(&self, row0: usize, rows: usize) {
        let (at, len) = self.span(row0, rows);
        // Safety: see above; the bytes seen through the map never change.
        let _ = unsafe {
            self.map
                .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, at, len)
        };
    }

    /// Maps rows `row0 .. row0 + rows` into this process ahead of their reading
    /// (`madvise(MADV_POPULATE_READ)`, Linux 5.14): one call instead of a page fault every
    /// few pages in the workers that read them. A hint: an older kernel ignores it.
    pub fn populate(&self, row0: usize, rows: usize) {
        let (at, len) = self.span(row0, rows);
        #[cfg(target_os = "linux")]
        let _ = self
            .map
            .advise_range(memmap2::Advice::PopulateRead, at, len);
    }

    /// Where rows `row0 .. row0 + rows` are in the map: offset and length, within the map.
    fn span(&self, row0: usize, rows: usize) -> (usize, usize) {
        let at = self.start + row0 * self.width * 4;
        (
            at,
            (rows * self.width * 4).min(self.map.len().saturating_sub(at)),
        )
    }

    /// Copies rows `row0 .. row0 + out.len() / width` into `out`; nodata becomes NaN.
    pub fn read_into(&self, row0: usize, out: &mut [f32]) -> Result<()> {
        let rows = out.len() / self.width.max(1);
        if rows * self.width != out.len() {
            return Err(Error::Internal(format!(
                "{} values are not whole rows of {}",
                out.len(),
                self.path.display()
            )));
        }
        out.copy_from_slice(self.stored(row0, rows)?);
        self.release(row0, rows);
        if let Some(nd) = self.nodata {
            for v in out.iter_mut() {
                if *v == nd {
                    *v = f32::NAN;
                }
            }
        }
        Ok(())
    }
}

/// A DEFLATE-compressed tiled Float32 GeoTIFF (predictor none or floating point), decoded
/// here: the compressed tile bytes are read with `pread`, inflated by GDAL's
/// `CPLZLibInflate` (libdeflate when GDAL has it) and the floating-point predictor (TIFF
/// Technical Note 3) undone without libtiff's per-byte loops, into reused buffers.
#[derive(Debug)]
pub struct DeflateTiles {
    path: PathBuf,
    file: File,
    width: usize,
    height: usize,
    tile: (usize, usize),
    predictor: u16,
    blocks: Vec<(u64, u64)>,
    nodata: Option<f32>,
}

thread_local! {
    static TILE_BUFFERS: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

impl DeflateTiles {
    /// `Some` when `path` (already checked to be on the grid) is such a file.
    pub fn open(path: &Path) -> Result<Option<DeflateTiles>> {
        let ds = open_raster(path)?;
        if ds.raster_count() != 1 || ds.driver().short_name() != "GTiff" {
            return Ok(None);
        }
        let band = ds
            .rasterband(1)
            .map_err(|e| Error::input(path, format!("no band 1: {e}")))?;
        let plain = band.band_type() == GdalDataType::Float32
            && band.scale().unwrap_or(1.0) == 1.0
            && band.offset().unwrap_or(0.0) == 0.0;
        let nodata = band.no_data_value();
        drop(ds);
        if !plain {
            return Ok(None);
        }
        let Ok(info) = read_tiff(path) else {
            return Ok(None);
        };
        let predictor = info
            .tags
            .iter()
            .find(|t| t.code == 317)
            .and_then(|t| t.data.first().copied())
            .unwrap_or(1) as u16;
        let (w, h) = (info.size.0 as usize, info.size.1 as usize);
        let tile = (info.block.0 as usize, info.block.1 as usize);
        let ok = info.tiled
            && matches!(info.compression, 8 | 32946)
            && info.sample == (32, 1, 3)
            && matches!(predictor, 1 | 3)
            && tile.0 > 0
            && tile.1 > 0
            && info.blocks.len() == w.div_ceil(tile.0) * h.div_ceil(tile.1);
        if !ok {
            return Ok(None);
        }
        let file = File::open(path).map_err(|e| Error::input(path, e.to_string()))?;
        Ok(Some(DeflateTiles {
            path: path.to_path_buf(),
            file,
            width: w,
            height: h,
            tile,
            predictor,
            blocks: info.blocks,
            nodata: nodata.filter(|v| !v.is_nan()).map(|v| v as f32),
        }))
    }

    /// Reads rows `row0 .. row0 + out.len() / width` into `out`; nodata becomes NaN.
    pub fn read_into(&self, row0: usize, out: &mut [f32]) -> Result<()> {
        let w = self.width;
        let rows = out.len() / w.max(1);
        if rows * w != out.len() || row0 + rows > self.height {
            return Err(Error::Internal(format!(
                "rows {row0}..{} requested from {} ({} rows)",
                row0 + rows,
                self.path.display(),
                self.height
            )));
        }
        if rows == 0 {
            return Ok(());
        }
        let (tw, th) = self.tile;
        let tiles_x = w.div_ceil(tw);
        let bad = |m: String| Error::input(&self.path, m);
        TILE_BUFFERS.with(|cell| -> Result<()> {
            let mut bufs = cell.borrow_mut();
            let (comp, raw) = &mut *bufs;
            raw.resize(tw * th * 4, 0);
            for ty in row0 / th..=(row0 + rows - 1) / th {
                let (r0, r1) = (row0.max(ty * th), (row0 + rows).min((ty + 1) * th));
                for tx in 0..tiles_x {
                    let (c0, c1) = (tx * tw, ((tx + 1) * tw).min(w));
                    let (offset, size) = self.blocks[ty * tiles_x + tx];
                    if offset == 0 || size == 0 {
                        for r in r0..r1 {
                            out[(r - row0) * w + c0..(r - row0) * w + c1].fill(f32::NAN);
                        }
                        continue;
                    }
                    comp.resize(size as usize, 0);
                    self.file
                        .read_exact_at(comp, offset)
                        .map_err(|e| bad(format!("cannot read tile ({tx}, {ty}): {e}")))?;
                    let mut n = 0usize;
                    // Safety: both buffers are valid for the lengths given; GDAL writes at
                    // most `raw.len()` bytes.
                    let ok = unsafe {
                        !gdal_sys::CPLZLibInflate(
                            comp.as_ptr().cast(),
                            comp.len(),
                            raw.as_mut_ptr().cast(),
                            raw.len(),
                            &mut n,
                        )
                        .is_null()
                    };
                    if !ok || n != raw.len() {
                        return Err(bad(format!("tile ({tx}, {ty}) does not inflate")));
                    }
                    for r in r0..r1 {
                        let row = &mut raw[(r - ty * th) * tw * 4..(r - ty * th + 1) * tw * 4];
                        let dst = &mut out[(r - row0) * w + c0..(r - row0) * w + c1];
                        if self.predictor == 3 {
                            for i in 1..row.len() {
                                row[i] = row[i].wrapping_add(row[i - 1]);
                            }
                            for (i, d) in dst.iter_mut().enumerate() {
                                *d = f32::from_le_bytes([
                                    row[3 * tw + i],
                                    row[2 * tw + i],
                                    row[tw + i],
                                    row[i],
                                ]);
                            }
                        } else {
                            for (d, b) in dst.iter_mut().zip(row.chunks_exact(4)) {
                                *d = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                            }
                        }
                    }
                }
            }
            Ok(())
        })?;
        if let Some(nd) = self.nodata {
            for v in out.iter_mut() {
                if *v == nd {
                    *v = f32::NAN;
                }
            }
        }
        Ok(())
    }
}
