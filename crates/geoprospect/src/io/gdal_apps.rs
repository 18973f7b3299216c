//! GDAL's utility programs (`gdal_translate`, `gdalwarp`) called as library functions, with the
//! same arguments as on the command line, producing in-memory datasets.
use std::ffi::{c_char, CString};
use std::ptr::null_mut;

use gdal::Dataset;

use crate::error::{Error, Result};

/// Arguments as C strings plus the NULL-terminated pointer array GDAL wants.
struct Argv {
    _strings: Vec<CString>,
    ptrs: Vec<*mut c_char>,
}

impl Argv {
    fn new(args: &[String]) -> Result<Argv> {
        let strings = args
            .iter()
            .map(|a| {
                CString::new(a.as_str())
                    .map_err(|_| Error::param(format!("argument {a:?} contains a NUL byte")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // GDAL's option parsers are not const-correct; they do not modify the strings.
        let ptrs = strings
            .iter()
            .map(|s| s.as_ptr() as *mut c_char)
            .chain(std::iter::once(null_mut()))
            .collect();
        Ok(Argv {
            _strings: strings,
            ptrs,
        })
    }
}

fn last_gdal_message() -> String {
    // Safety: CPLGetLastErrorMsg returns a pointer to a thread-local buffer valid until the next
    // GDAL call on this thread; it is copied at once.
    let msg = unsafe { std::ffi::CStr::from_ptr(gdal_sys::CPLGetLastErrorMsg()) };
    let msg = msg.to_string_lossy().trim().to_string();
    if msg.is_empty() {
        "GDAL gave no reason".into()
    } else {
        msg
    }
}

/// `gdal_translate -of VRT ARGS src ""`: a virtual dataset (band selection, CRS or nodata
/// assignment) over `src`, which must outlive the result.
pub fn translate_vrt(src: &Dataset, args: &[String]) -> Result<Dataset> {
    let mut all = vec!["-of".to_string(), "VRT".to_string()];
    all.extend_from_slice(args);
    let mut argv = Argv::new(&all)?;
    let empty = CString::default();
    // Safety: argv and src are valid for the duration of the calls; options are freed here.
    unsafe {
        let options = gdal_sys::GDALTranslateOptionsNew(argv.ptrs.as_mut_ptr(), null_mut());
        if options.is_null() {
            return Err(Error::param(format!(
                "invalid gdal_translate options: {}",
                last_gdal_message()
            )));
        }
        let mut usage_error = 0;
        let out =
            gdal_sys::GDALTranslate(empty.as_ptr(), src.c_dataset(), options, &mut usage_error);
        gdal_sys::GDALTranslateOptionsFree(options);
        if out.is_null() {
            return Err(Error::param(last_gdal_message()));
        }
        Ok(Dataset::from_c_dataset(out))
    }
}

/// `gdalwarp -of MEM ARGS src ""`: `src` warped into an in-memory dataset.
///
/// Callers warp one block of the grid at a time. A warped VRT would be smaller to set up, but
/// it warps in its own 512 x 128 blocks, and GDAL's approximate transformer then gives values
/// that differ (by up to its 0.125-pixel error budget) from `gdalwarp`'s on the same grid; a
/// MEM target warped as one chunk gives exactly what `gdalwarp` gives.
pub fn warp_mem(src: &Dataset, args: &[String]) -> Result<Dataset> {
    let mut all = vec!["-of".to_string(), "MEM".to_string()];
    all.extend_from_slice(args);
    let mut argv = Argv::new(&all)?;
    let empty = CString::default();
    // Safety: as in `translate_vrt`; GDALWarp reads the source handle array only during the call.
    unsafe {
        let options = gdal_sys::GDALWarpAppOptionsNew(argv.ptrs.as_mut_ptr(), null_mut());
        if options.is_null() {
            return Err(Error::param(format!(
                "invalid gdalwarp options: {}",
                last_gdal_message()
            )));
        }
        let mut sources = [src.c_dataset()];
        let mut usage_error = 0;
        let out = gdal_sys::GDALWarp(
            empty.as_ptr(),
            null_mut(),
            1,
            sources.as_mut_ptr(),
            options,
            &mut usage_error,
        );
        gdal_sys::GDALWarpAppOptionsFree(options);
        if out.is_null() {
            return Err(Error::param(last_gdal_message()));
        }
        Ok(Dataset::from_c_dataset(out))
    }
}

/// `gdalbuildvrt` of `parts` (rasters on one grid, side by side), then a COG at `target`
/// carrying the first part's metadata: dataset items, and per band its description, metadata
/// and category names. Cell values are copied unchanged.
pub fn mosaic_to_cog(
    parts: &[std::path::PathBuf],
    target: &std::path::Path,
    options: &crate::io::cog::CogOptions,
    threads: usize,
) -> crate::error::Result<()> {
    use crate::error::Error;
    use crate::io::cog::{set_category_names, write_cog, PixelType};
    use crate::io::dataset::open_raster;
    use gdal::raster::GdalDataType;
    use gdal::Metadata;

    let sources = parts
        .iter()
        .map(|p| open_raster(p))
        .collect::<crate::error::Result<Vec<_>>>()?;
    let first = &sources[0];
    let mut vrt = gdal::programs::raster::build_vrt(None::<&std::path::Path>, &sources, None)
        .map_err(|e| Error::input(&parts[0], format!("cannot mosaic the tiles: {e}")))?;
    let err = |e: gdal::errors::GdalError| Error::Internal(format!("mosaic metadata: {e}"));
    for entry in first.metadata() {
        if entry.domain.is_empty() {
            vrt.set_metadata_item(&entry.key, &entry.value, "")
                .map_err(err)?;
        }
    }
    let mut pixel = PixelType::Float32;
    for i in 1..=first.raster_count() {
        let src = first.rasterband(i).map_err(err)?;
        if !matches!(
            src.band_type(),
            GdalDataType::Float32 | GdalDataType::Float64
        ) {
            pixel = PixelType::Int32;
        }
        let mut band = vrt.rasterband(i).map_err(err)?;
        band.set_description(&src.description().unwrap_or_default())
            .map_err(err)?;
        for entry in src.metadata() {
            if entry.domain.is_empty() {
                band.set_metadata_item(&entry.key, &entry.value, "")
                    .map_err(err)?;
            }
        }
        let names = crate::io::layer::category_names(&src);
        if !names.is_empty() {
            set_category_names(&band, &names);
        }
    }
    write_cog(&vrt, target, pixel, options, threads)
}
