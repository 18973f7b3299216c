//! Raster ingest: any raster GDAL reads, onto the analysis grid.
//!
//! The chosen band is read with its nodata (or the project's override) and its scale/offset
//! (`value · scale + offset`, GDAL's convention), reprojected and resampled by GDAL's warper
//! (bilinear for continuous data, nearest for classes, as `gdalwarp -r`) and written strip by
//! strip, so memory stays bounded by one strip whatever the grid size.
//!
//! A raster that is already on the analysis grid (same CRS, same cell size, origin a whole
//! number of cells away) is not resampled: its values pass through bit for bit, so ingesting an
//! ingested layer again changes nothing.
use std::path::Path;

use gdal::{Dataset, DatasetOptions, GdalOpenFlags, Metadata};

use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType, CLASS_NODATA};
use crate::io::crs::Crs;
use crate::io::gdal_apps::{translate_vrt, warp_vrt};
use crate::project::{RasterKind, RasterSource, Resampling};

/// Rows processed at a time: about 4 M cells, at least one row.
fn strip_rows(width: usize) -> usize {
    (4_000_000 / width.max(1)).clamp(1, 4096)
}

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

/// What ingest did with one raster.
#[derive(Debug, Clone)]
pub struct RasterIngest {
    /// Source CRS label.
    pub source_crs: String,
    /// `true` when the raster was already on the grid and passed through unchanged.
    pub passthrough: bool,
    /// Resampling used (when warped).
    pub resampling: Resampling,
    /// Cells with data on the grid.
    pub valid_cells: u64,
}

/// Reads `src` onto `grid` and writes it as a COG to `target`.
pub fn ingest_raster(
    src: &RasterSource,
    grid: &GridSpec,
    grid_crs: &Crs,
    target: &Path,
    cog: &CogOptions,
) -> Result<RasterIngest> {
    let path = src.path.as_path();
    let ds = open_raster(path)?;
    let bands = ds.raster_count();
    if src.band > bands {
        return Err(Error::input(
            path,
            format!("band {} requested but the file has {bands}", src.band),
        ));
    }
    let file_crs = dataset_crs(&ds, path)?;
    let crs = match (&src.crs, file_crs) {
        (Some(text), file) => {
            let given = Crs::parse(text).map_err(|m| Error::input(path, format!("crs: {m}")))?;
            if let Some(f) = file.filter(|f| !f.same_as(&given)) {
                tracing::warn!(
                    "{}: the file says {}, the project says {}; using the project's",
                    path.display(),
                    f.label(),
                    given.label()
                );
            }
            given
        }
        (None, Some(f)) => f,
        (None, None) => {
            return Err(Error::input(
                path,
                "the file has no CRS: add `crs = \"EPSG:...\"` to its [[rasters]] entry",
            ))
        }
    };
    let gt = ds
        .geo_transform()
        .map_err(|_| Error::input(path, "the file has no georeferencing (no geotransform)"))?;
    let band = ds
        .rasterband(src.band)
        .map_err(|e| Error::input(path, e.to_string()))?;
    let nodata = src.nodata.or_else(|| band.no_data_value());
    let scale = band.scale().unwrap_or(1.0);
    let offset = band.offset().unwrap_or(0.0);
    let resampling = src.resampling.unwrap_or(match src.kind {
        RasterKind::Continuous => Resampling::Bilinear,
        RasterKind::Categorical => Resampling::Nearest,
    });
    let pixel = match src.kind {
        RasterKind::Continuous => PixelType::Float32,
        RasterKind::Categorical => PixelType::Int32,
    };
    let meta = LayerMeta {
        description: src.name.clone(),
        inputs: vec![path.display().to_string()],
        items: vec![
            ("GEOPROSPECT_SOURCE_BAND".into(), src.band.to_string()),
            ("GEOPROSPECT_SOURCE_CRS".into(), crs.label()),
        ],
        category_names: Vec::new(),
    };
    let mut writer = CogWriter::create(grid, target, pixel, &meta)?;
    let convert = Convert {
        nodata,
        scale,
        offset,
    };
    let passthrough = crs.same_as(grid_crs) && grid.aligned_offset(&gt).is_some();
    let valid_cells = if let (true, Some(off)) = (passthrough, grid.aligned_offset(&gt)) {
        copy_aligned(&band, off, grid, &convert, &mut writer, path)?
    } else {
        let selected = select_band(&ds, src, &crs, nodata).map_err(|m| Error::input(path, m))?;
        let warped = warp_vrt(&selected, &warp_args(grid, resampling, src.kind)).map_err(|m| {
            Error::input(
                path,
                format!("cannot warp onto the analysis grid: {}", one_line(&m)),
            )
        })?;
        let wband = warped
            .rasterband(1)
            .map_err(|e| Error::Internal(e.to_string()))?;
        // The warped band already has NaN for nodata; only scale/offset remain.
        let after_warp = Convert {
            nodata: None,
            scale,
            offset,
        };
        copy_warped(&wband, grid, &after_warp, &mut writer, path)?
    };
    writer.finish(cog)?;
    Ok(RasterIngest {
        source_crs: crs.label(),
        passthrough,
        resampling,
        valid_cells,
    })
}

/// Raw band values to physical values: nodata to NaN, then `v · scale + offset`.
struct Convert {
    nodata: Option<f64>,
    scale: f64,
    offset: f64,
}

impl Convert {
    fn apply(&self, v: f64) -> f64 {
        match self.nodata {
            Some(nd) if v == nd || (nd.is_nan() && v.is_nan()) => f64::NAN,
            _ if self.scale == 1.0 && self.offset == 0.0 => v,
            _ => v * self.scale + self.offset,
        }
    }
}

/// A one-band VRT of the chosen band, with the CRS and nodata the project asks for.
fn select_band(
    ds: &Dataset,
    src: &RasterSource,
    crs: &Crs,
    nodata: Option<f64>,
) -> std::result::Result<Dataset, String> {
    let mut args = vec!["-b".to_string(), src.band.to_string()];
    args.push("-a_srs".into());
    args.push(crs.wkt().map_err(|e| e.to_string())?);
    if let Some(nd) = nodata {
        args.push("-a_nodata".into());
        args.push(if nd.is_nan() {
            "nan".into()
        } else {
            format!("{nd:?}")
        });
    }
    translate_vrt(ds, &args)
}

/// `gdalwarp` arguments that put a raster exactly on `grid`.
pub fn warp_args(grid: &GridSpec, resampling: Resampling, kind: RasterKind) -> Vec<String> {
    let [xmin, ymin, xmax, ymax] = grid.extent();
    let r = match resampling {
        Resampling::Nearest => "near",
        Resampling::Bilinear => "bilinear",
        Resampling::Cubic => "cubic",
        Resampling::Average => "average",
    };
    let ot = match kind {
        RasterKind::Continuous => "Float32",
        RasterKind::Categorical => "Float64",
    };
    [
        "-t_srs",
        &grid.crs_wkt,
        "-te",
        &format!("{xmin:?}"),
        &format!("{ymin:?}"),
        &format!("{xmax:?}"),
        &format!("{ymax:?}"),
        "-ts",
        &grid.width.to_string(),
        &grid.height.to_string(),
        "-r",
        r,
        "-ot",
        ot,
        "-dstnodata",
        "nan",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Copies a raster that sits on the grid (offset by whole cells), without resampling.
fn copy_aligned(
    band: &gdal::raster::RasterBand,
    (dc, dr): (i64, i64),
    grid: &GridSpec,
    convert: &Convert,
    writer: &mut CogWriter,
    path: &Path,
) -> Result<u64> {
    let (sw, sh) = band.size();
    let (sw, sh) = (sw as i64, sh as i64);
    let w = grid.width as i64;
    // Grid columns covered by the source.
    let c0 = dc.max(0);
    let c1 = (dc + sw).min(w);
    let mut valid = 0;
    let step = strip_rows(grid.width);
    for r0 in (0..grid.height).step_by(step) {
        let rows = step.min(grid.height - r0);
        let mut strip = vec![f64::NAN; rows * grid.width];
        let (gr0, gr1) = ((r0 as i64).max(dr), ((r0 + rows) as i64).min(dr + sh));
        if c0 < c1 && gr0 < gr1 {
            let (ww, wh) = ((c1 - c0) as usize, (gr1 - gr0) as usize);
            let buf = band
                .read_as::<f64>(
                    ((c0 - dc) as isize, (gr0 - dr) as isize),
                    (ww, wh),
                    (ww, wh),
                    None,
                )
                .map_err(|e| Error::input(path, format!("cannot read raster: {e}")))?;
            for (i, row) in buf.data().chunks(ww).enumerate() {
                let base = (gr0 as usize - r0 + i) * grid.width + c0 as usize;
                for (dst, &v) in strip[base..base + ww].iter_mut().zip(row) {
                    *dst = convert.apply(v);
                }
            }
        }
        valid += write_strip(writer, r0, &strip)?;
    }
    Ok(valid)
}

/// Reads the warped VRT strip by strip (GDAL warps each window on demand).
fn copy_warped(
    band: &gdal::raster::RasterBand,
    grid: &GridSpec,
    convert: &Convert,
    writer: &mut CogWriter,
    path: &Path,
) -> Result<u64> {
    let mut valid = 0;
    let step = strip_rows(grid.width);
    for r0 in (0..grid.height).step_by(step) {
        let rows = step.min(grid.height - r0);
        let buf = band
            .read_as::<f64>(
                (0, r0 as isize),
                (grid.width, rows),
                (grid.width, rows),
                None,
            )
            .map_err(|e| {
                Error::input(
                    path,
                    format!("cannot warp raster: {}", one_line(&e.to_string())),
                )
            })?;
        let strip: Vec<f64> = buf.data().iter().map(|&v| convert.apply(v)).collect();
        valid += write_strip(writer, r0, &strip)?;
    }
    Ok(valid)
}

/// Writes a strip of physical values in the writer's pixel type; returns the valid cell count.
fn write_strip(writer: &mut CogWriter, r0: usize, strip: &[f64]) -> Result<u64> {
    let valid = strip.iter().filter(|v| !v.is_nan()).count() as u64;
    match writer.pixel() {
        PixelType::Float32 => writer.write_rows(r0, strip.iter().map(|&v| v as f32).collect()),
        PixelType::Int32 => writer.write_rows(r0, strip.iter().map(|&v| class_code(v)).collect()),
    }?;
    Ok(valid)
}

/// A class value as an integer code; NaN and values outside the i32 range are nodata.
fn class_code(v: f64) -> i32 {
    if v.is_finite() && v > CLASS_NODATA as f64 && v <= i32::MAX as f64 {
        v.round() as i32
    } else {
        CLASS_NODATA
    }
}

/// GDAL messages can span lines; errors are one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A short description of a raster for `geoprospect info`.
pub fn describe(path: &Path) -> Result<String> {
    let ds = open_raster(path)?;
    let (w, h) = ds.raster_size();
    let mut out = format!(
        "raster: {}\ndriver: {}\nsize: {w} x {h}, {} band(s)\n",
        path.display(),
        ds.driver().short_name(),
        ds.raster_count()
    );
    match dataset_crs(&ds, path)? {
        Some(c) => out.push_str(&format!("crs: {}\n", c.label())),
        None => out.push_str("crs: none (set `crs` in the project)\n"),
    }
    match ds.geo_transform() {
        Ok(gt) => {
            let (x1, y1) = (
                gt[0] + w as f64 * gt[1] + h as f64 * gt[2],
                gt[3] + w as f64 * gt[4] + h as f64 * gt[5],
            );
            out.push_str(&format!(
                "extent: [{}, {}, {}, {}]\ncell size: {} x {}\n",
                gt[0].min(x1),
                gt[3].min(y1),
                gt[0].max(x1),
                gt[3].max(y1),
                gt[1],
                gt[5].abs()
            ));
        }
        Err(_) => out.push_str("extent: none (no geotransform)\n"),
    }
    for (i, band) in ds.rasterbands().enumerate() {
        let band = band.map_err(|e| Error::input(path, e.to_string()))?;
        let desc = band.description().unwrap_or_default();
        let nodata = band
            .no_data_value()
            .map_or("none".to_string(), |v| v.to_string());
        out.push_str(&format!(
            "band {}: {:?}{} nodata={nodata} scale={} offset={}\n",
            i + 1,
            band.band_type(),
            if desc.is_empty() {
                String::new()
            } else {
                format!(" \"{desc}\"")
            },
            band.scale().unwrap_or(1.0),
            band.offset().unwrap_or(0.0)
        ));
    }
    Ok(out)
}
