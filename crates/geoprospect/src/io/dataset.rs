//! Opening the rasters GDAL reads, with errors that name the file, and reading them whole.
use std::path::Path;

use gdal::raster::ResampleAlg;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use crate::error::{Error, Result};
use crate::io::crs::Crs;
use crate::io::one_line;

/// Opens a raster file, with an error naming the file.
pub fn open_raster(path: &Path) -> Result<Dataset> {
    if !path.to_string_lossy().starts_with("/vsi") && !path.exists() {
        return Err(Error::input(path, "file not found"));
    }
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_RASTER | GdalOpenFlags::GDAL_OF_READONLY,
        ..Default::default()
    };
    Dataset::open_ex(path, options).map_err(|e| {
        Error::input(
            path,
            format!("not a raster GDAL can read: {}", one_line(&e.to_string())),
        )
    })
}

/// The CRS of a dataset, or `None` when its header carries none.
pub fn dataset_crs(ds: &Dataset, path: &Path) -> Result<Option<Crs>> {
    if ds.projection().trim().is_empty() {
        return Ok(None);
    }
    let srs = ds
        .spatial_ref()
        .map_err(|e| Error::input(path, format!("unreadable CRS: {e}")))?;
    Crs::from_srs(srs)
        .map(Some)
        .map_err(|m| Error::input(path, m))
}

/// Band 1 of the raster at `path` read at the size `size` gives for the file's size (GDAL's
/// `AVERAGE` resampling when that is smaller, the cells themselves otherwise), NaN for nodata;
/// returns the size read and the cells, row by row.
pub fn read_band_decimated(
    path: &Path,
    size: impl FnOnce(usize, usize) -> Result<(usize, usize)>,
) -> Result<(usize, usize, Vec<f32>)> {
    let ds = open_raster(path)?;
    let (w, h) = ds.raster_size();
    let (bw, bh) = size(w, h)?;
    let band = ds
        .rasterband(1)
        .map_err(|e| Error::input(path, format!("no band 1: {}", one_line(&e.to_string()))))?;
    let alg = (bw < w || bh < h).then_some(ResampleAlg::Average);
    let mut cells = band
        .read_as::<f32>((0, 0), (w, h), (bw, bh), alg)
        .map_err(|e| Error::input(path, format!("cannot read: {}", one_line(&e.to_string()))))?
        .into_shape_and_vec()
        .1;
    if let Some(nd) = band.no_data_value().filter(|nd| !nd.is_nan()) {
        for v in &mut cells {
            if *v as f64 == nd {
                *v = f32::NAN;
            }
        }
    }
    Ok((bw, bh, cells))
}
