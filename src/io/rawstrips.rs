//! Direct reads of uncompressed Float32 GeoTIFFs stored as consecutive strips.
//!
//! Such a file holds its rows one after another from one byte offset (what GDAL writes for an
//! uncompressed striped GeoTIFF), so a block of rows is one `pread` straight into the caller's
//! buffer: no GDAL block cache, no per-block dataset handle, no fresh allocation. Anything else
//! (compressed, tiled, big-endian, scaled, several bands) is read through
//! [`crate::io::layer::GridLayer`] instead.
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use gdal::raster::GdalDataType;

use crate::error::{Error, Result};
use crate::io::cogtiles::read_tiff;
use crate::io::raster::open_raster;

/// An uncompressed Float32 layer whose rows are contiguous in its file.
#[derive(Debug)]
pub struct RawStrips {
    path: PathBuf,
    file: File,
    width: usize,
    height: usize,
    start: u64,
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
        let file = File::open(path).map_err(|e| Error::input(path, e.to_string()))?;
        Ok(Some(RawStrips {
            path: path.to_path_buf(),
            file,
            width: w,
            height: h,
            start,
            nodata: nodata.filter(|v| !v.is_nan()).map(|v| v as f32),
        }))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads rows `row0 .. row0 + out.len() / width` into `out`; nodata becomes NaN.
    pub fn read_into(&self, row0: usize, out: &mut [f32]) -> Result<()> {
        let rows = out.len() / self.width.max(1);
        if rows * self.width != out.len() || row0 + rows > self.height {
            return Err(Error::Internal(format!(
                "rows {row0}..{} requested from {} ({} rows)",
                row0 + rows,
                self.path.display(),
                self.height
            )));
        }
        // Safety: f32 has no invalid bit patterns and u8 no alignment; the file holds
        // little-endian floats and this is a little-endian target (checked in `open`).
        let bytes =
            unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr().cast::<u8>(), out.len() * 4) };
        self.file
            .read_exact_at(bytes, self.start + (row0 * self.width * 4) as u64)
            .map_err(|e| Error::input(&self.path, format!("cannot read rows {row0}..: {e}")))?;
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
