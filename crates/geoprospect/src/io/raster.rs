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

use gdal::{Dataset, Metadata};

use crate::engine::{blocks, Block, Engine};
use crate::error::{Error, Result};
use crate::grid::{GridSpec, RasterKind, Resampling, CLASS_NODATA};
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::crs::Crs;
use crate::io::dataset::{dataset_crs, open_raster};
use crate::io::gdal_apps::{translate_vrt, warp_mem};
use crate::io::one_line;

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

/// How one raster maps onto the grid, checked once before any block is read.
struct SourcePlan {
    /// The source CRS as WKT (GDAL objects are rebuilt per worker: they are not `Sync`).
    crs_wkt: String,
    /// Whole-cell offset of the source on the grid, when it can be copied without resampling.
    aligned: Option<(i64, i64)>,
    convert: Convert,
    resampling: Resampling,
}

/// A band of a raster file to bring onto the grid.
#[derive(Debug, Clone, Copy)]
pub struct RasterInput<'a> {
    /// Any raster GDAL reads.
    pub path: &'a Path,
    /// Layer name (the band description of the output).
    pub name: &'a str,
    /// Band number, from 1.
    pub band: usize,
    /// The CRS to use, as a definition PROJ reads (wins over the file's own).
    pub crs: Option<&'a str>,
    /// Overrides the file's nodata value.
    pub nodata: Option<f64>,
    /// Overrides the resampling implied by `kind`.
    pub resampling: Option<Resampling>,
    /// Continuous or categorical.
    pub kind: RasterKind,
}

/// Reads `src` onto `grid` block by block on `engine` and writes it as a COG to `target`.
pub fn ingest_raster(
    src: &RasterInput,
    grid: &GridSpec,
    grid_crs: &Crs,
    engine: &Engine,
    target: &Path,
    cog: &CogOptions,
) -> Result<RasterIngest> {
    let path = src.path;
    let ds = open_raster(path)?;
    let bands = ds.raster_count();
    if src.band > bands {
        return Err(Error::input(
            path,
            format!("band {} requested but the file has {bands}", src.band),
        ));
    }
    // A CRS in the project wins, also over one in the file that PROJ cannot use.
    let file_crs = dataset_crs(&ds, path);
    let crs = match (&src.crs, file_crs) {
        (Some(text), file) => {
            let given = Crs::parse(text).map_err(|m| Error::input(path, format!("crs: {m}")))?;
            match file {
                Ok(Some(f)) if !f.same_as(&given) => tracing::warn!(
                    "{}: the file says {}, the project says {}; using the project's",
                    path.display(),
                    f.label(),
                    given.label()
                ),
                Err(e) => tracing::warn!("{e}; using the project's {}", given.label()),
                _ => {}
            }
            given
        }
        (None, file) => match file? {
            Some(f) => f,
            None => {
                return Err(Error::input(
                    path,
                    "the file has no CRS: add `crs = \"EPSG:...\"` to its [[rasters]] entry",
                ))
            }
        },
    };
    let gt = ds
        .geo_transform()
        .map_err(|_| Error::input(path, "the file has no georeferencing (no geotransform)"))?;
    let band = ds
        .rasterband(src.band)
        .map_err(|e| Error::input(path, e.to_string()))?;
    let plan = SourcePlan {
        crs_wkt: crs.wkt()?,
        aligned: if crs.same_as(grid_crs) {
            grid.aligned_offset(&gt)
        } else {
            None
        },
        convert: Convert {
            nodata: src.nodata.or_else(|| band.no_data_value()),
            scale: band.scale().unwrap_or(1.0),
            offset: band.offset().unwrap_or(0.0),
        },
        resampling: src.resampling.unwrap_or(match src.kind {
            RasterKind::Continuous => Resampling::Bilinear,
            RasterKind::Categorical => Resampling::Nearest,
        }),
    };
    let pixel = match src.kind {
        RasterKind::Continuous => PixelType::Float32,
        RasterKind::Categorical => PixelType::Int32,
    };
    let meta = LayerMeta {
        description: src.name.to_string(),
        inputs: vec![path.display().to_string()],
        items: vec![
            ("GEOPROSPECT_SOURCE_BAND".into(), src.band.to_string()),
            ("GEOPROSPECT_SOURCE_CRS".into(), crs.label()),
        ],
        category_names: Vec::new(),
    };
    let mut writer = CogWriter::create(grid, target, pixel, &meta)?;
    let mut valid_cells = 0;
    engine.for_each_block(
        &blocks(grid),
        |block| read_block(src, &plan, grid, block),
        |block, mut strip| {
            grid.mask_rows(block.row0, &mut strip, f64::NAN);
            valid_cells += write_strip(&mut writer, block.row0, &strip)?;
            Ok(())
        },
    )?;
    writer.finish(cog, engine)?;
    Ok(RasterIngest {
        source_crs: crs.label(),
        passthrough: plan.aligned.is_some(),
        resampling: plan.resampling,
        valid_cells,
    })
}

/// Physical values of one block of the grid, read through this worker's own GDAL handles.
fn read_block(
    src: &RasterInput,
    plan: &SourcePlan,
    grid: &GridSpec,
    block: &Block,
) -> Result<Vec<f64>> {
    let path = src.path;
    let ds = open_raster(path)?;
    let bg = block.grid(grid);
    if let Some((dc, dr)) = plan.aligned {
        let band = ds
            .rasterband(src.band)
            .map_err(|e| Error::input(path, e.to_string()))?;
        return copy_aligned(
            &band,
            (dc, dr - block.row0 as i64),
            &bg,
            &plan.convert,
            path,
        );
    }
    let crs = Crs::parse(&plan.crs_wkt).map_err(|e| Error::Internal(e.to_string()))?;
    let selected =
        select_band(&ds, src, &crs, plan.convert.nodata).map_err(|m| Error::input(path, m))?;
    let warped = warp_mem(&selected, &warp_args(&bg, plan.resampling, src.kind)).map_err(|m| {
        Error::input(
            path,
            format!(
                "cannot warp onto the analysis grid: {}",
                one_line(&m.to_string())
            ),
        )
    })?;
    let band = warped
        .rasterband(1)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let (w, h) = (bg.width, bg.height);
    let buf = band
        .read_as::<f64>((0, 0), (w, h), (w, h), None)
        .map_err(|e| {
            Error::input(
                path,
                format!("cannot warp raster: {}", one_line(&e.to_string())),
            )
        })?;
    // The warped band has NaN for nodata already; scale and offset remain (linear, so they
    // commute with bilinear weights).
    let after = Convert {
        nodata: None,
        ..plan.convert
    };
    Ok(buf.data().iter().map(|&v| after.apply(v)).collect())
}

/// Raw band values to physical values: nodata to NaN, then `v · scale + offset`.
#[derive(Debug, Clone, Copy)]
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
fn select_band(ds: &Dataset, src: &RasterInput, crs: &Crs, nodata: Option<f64>) -> Result<Dataset> {
    let mut args = vec!["-b".to_string(), src.band.to_string()];
    args.push("-a_srs".into());
    args.push(crs.wkt()?);
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

/// Copies the part of an aligned source (its top-left at whole-cell offset `(dc, dr)` of
/// `grid`) that falls on `grid`, without resampling; cells off the source are NaN.
fn copy_aligned(
    band: &gdal::raster::RasterBand,
    (dc, dr): (i64, i64),
    grid: &GridSpec,
    convert: &Convert,
    path: &Path,
) -> Result<Vec<f64>> {
    let (sw, sh) = band.size();
    let (sw, sh) = (sw as i64, sh as i64);
    let (w, h) = (grid.width as i64, grid.height as i64);
    let mut strip = vec![f64::NAN; grid.width * grid.height];
    let (c0, c1) = (dc.max(0), (dc + sw).min(w));
    let (r0, r1) = (dr.max(0), (dr + sh).min(h));
    if c0 < c1 && r0 < r1 {
        let (ww, wh) = ((c1 - c0) as usize, (r1 - r0) as usize);
        let buf = band
            .read_as::<f64>(
                ((c0 - dc) as isize, (r0 - dr) as isize),
                (ww, wh),
                (ww, wh),
                None,
            )
            .map_err(|e| Error::input(path, format!("cannot read raster: {e}")))?;
        for (i, row) in buf.data().chunks(ww).enumerate() {
            let base = (r0 as usize + i) * grid.width + c0 as usize;
            for (dst, &v) in strip[base..base + ww].iter_mut().zip(row) {
                *dst = convert.apply(v);
            }
        }
    }
    Ok(strip)
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

/// How a file's CRS reads.
#[derive(Debug, Clone, PartialEq)]
pub enum CrsInfo {
    /// A usable CRS, by its label (`EPSG:32648`, or its name).
    Known(String),
    /// The file has none.
    Missing,
    /// The file has one that GDAL or PROJ cannot use: why.
    Unusable(String),
}

/// What a raster holds, as a geologist checks it before a run (`geoprospect info`).
#[derive(Debug, Clone, PartialEq)]
pub struct RasterInfo {
    /// The file.
    pub path: std::path::PathBuf,
    /// GDAL driver (`GTiff`).
    pub driver: String,
    /// Width in cells.
    pub width: usize,
    /// Height in cells.
    pub height: usize,
    /// Its CRS.
    pub crs: CrsInfo,
    /// `[xmin, ymin, xmax, ymax]` (none without a geotransform).
    pub extent: Option<[f64; 4]>,
    /// Cell size `[x, y]`, both positive (none without a geotransform).
    pub cell_size: Option<[f64; 2]>,
    /// The bands, in order.
    pub bands: Vec<BandInfo>,
}

/// One band of a raster.
#[derive(Debug, Clone, PartialEq)]
pub struct BandInfo {
    /// GDAL data type (`Float32`).
    pub data_type: String,
    /// The band's description (empty when it has none).
    pub description: String,
    /// Its nodata value.
    pub nodata: Option<f64>,
    /// Scale of its values (1 when none is set).
    pub scale: f64,
    /// Offset of its values (0 when none is set).
    pub offset: f64,
}

/// What the raster at `path` holds, for `geoprospect info`.
pub fn describe(path: &Path) -> Result<RasterInfo> {
    let ds = open_raster(path)?;
    let (width, height) = ds.raster_size();
    let crs = match dataset_crs(&ds, path) {
        Ok(Some(c)) => CrsInfo::Known(c.label()),
        Ok(None) => CrsInfo::Missing,
        // Describe the file anyway: this is what the user needs to see.
        Err(Error::Input { message, .. }) => CrsInfo::Unusable(message),
        Err(e) => return Err(e),
    };
    let (extent, cell_size) = match ds.geo_transform() {
        Ok(gt) => {
            let (x1, y1) = (
                gt[0] + width as f64 * gt[1] + height as f64 * gt[2],
                gt[3] + width as f64 * gt[4] + height as f64 * gt[5],
            );
            (
                Some([gt[0].min(x1), gt[3].min(y1), gt[0].max(x1), gt[3].max(y1)]),
                Some([gt[1], gt[5].abs()]),
            )
        }
        Err(_) => (None, None),
    };
    let mut bands = Vec::new();
    for band in ds.rasterbands() {
        let band = band.map_err(|e| Error::input(path, e.to_string()))?;
        bands.push(BandInfo {
            data_type: band.band_type().name(),
            description: band.description().unwrap_or_default(),
            nodata: band.no_data_value(),
            scale: band.scale().unwrap_or(1.0),
            offset: band.offset().unwrap_or(0.0),
        });
    }
    Ok(RasterInfo {
        path: path.to_path_buf(),
        driver: ds.driver().short_name(),
        width,
        height,
        crs,
        extent,
        cell_size,
        bands,
    })
}
