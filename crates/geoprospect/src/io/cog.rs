//! Cloud-Optimized GeoTIFF output through GDAL's COG driver.
//!
//! A layer is written row strip by row strip into an uncompressed tiled GeoTIFF beside the
//! target, then copied by the COG driver (internal 512 x 512 tiles, DEFLATE or ZSTD with the
//! floating-point or horizontal predictor, overviews, nodata, CRS, band description and
//! provenance metadata). The COG appears under its final name only when complete: see
//! [`crate::io::atomic`].
use std::path::{Path, PathBuf};

use gdal::cpl::CslStringList;
use gdal::raster::{Buffer, GdalType};
use gdal::{Dataset, DriverManager, Metadata};

use std::os::unix::fs::FileExt;

use crate::engine::{Block, Engine};
use crate::error::{Error, Result};
use crate::grid::{GridSpec, CLASS_NODATA};
use crate::io::cogtiles::{codec_available, read_tiff, Codec, CogEncoder, Sample, Tag, TILE};

/// Float layers use NaN inside the program; written files declare it as nodata.
pub const FLOAT_NODATA: f64 = f64::NAN;

/// A cell type layers are written in, with its nodata value.
pub trait CellValue: GdalType + Copy + Send {
    /// The value written for nodata (and outside the study area).
    const NODATA: Self;
}

impl CellValue for f32 {
    const NODATA: f32 = f32::NAN;
}

impl CellValue for f64 {
    const NODATA: f64 = f64::NAN;
}

impl CellValue for i32 {
    const NODATA: i32 = CLASS_NODATA;
}

/// Compression of COG outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// DEFLATE: read by every GDAL build and every GIS.
    #[default]
    Deflate,
    /// ZSTD: faster to write and read, needs GDAL >= 2.3 built with zstd.
    Zstd,
    /// No compression: the largest files, the fastest to write and read (benchmarks, scratch
    /// layers read again at once).
    None,
}

/// The pixel type of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelType {
    /// Continuous values, NaN nodata.
    Float32,
    /// Class codes, [`CLASS_NODATA`] nodata.
    Int32,
}

/// Description and provenance stamped on a layer.
#[derive(Debug, Clone, Default)]
pub struct LayerMeta {
    /// Band description (the layer name GIS tools show).
    pub description: String,
    /// Input files the layer was made from.
    pub inputs: Vec<String>,
    /// Further `KEY=value` metadata items.
    pub items: Vec<(String, String)>,
    /// Class names for class layers, index = class code.
    pub category_names: Vec<String>,
}

/// Settings shared by every COG a run writes. Tiles are compressed on the engine's workers
/// (GDAL's COG driver, for the layers it writes, on as many threads): the bytes do not depend
/// on their number.
#[derive(Debug, Clone, Copy)]
pub struct CogOptions {
    /// Compression codec.
    pub compression: Compression,
}

impl Default for CogOptions {
    fn default() -> Self {
        CogOptions {
            compression: Compression::Deflate,
        }
    }
}

/// Writes a layer on a grid (one band, or several of the same pixel type), strip by strip,
/// then converts it to a COG. Cells outside the grid's study area are written as nodata.
pub struct CogWriter {
    dataset: Option<Dataset>,
    scratch: PathBuf,
    target: PathBuf,
    pixel: PixelType,
    width: usize,
    /// First grid row of the file (a tile's window), subtracted from the rows written.
    row0: usize,
    height: usize,
    bands: usize,
    area: Option<std::sync::Arc<crate::grid::AreaMask>>,
}

impl CogWriter {
    /// Starts a layer that will be written to `target` (which should be a temporary name).
    pub fn create(
        grid: &GridSpec,
        target: &Path,
        pixel: PixelType,
        meta: &LayerMeta,
    ) -> Result<CogWriter> {
        CogWriter::create_bands(grid, target, pixel, std::slice::from_ref(meta))
    }

    /// Starts a layer of `metas.len()` bands (at least one). The first entry's inputs and items
    /// are the dataset's metadata; every entry's description and category names are its band's,
    /// and the items of the entries after the first are their bands' metadata.
    pub fn create_bands(
        grid: &GridSpec,
        target: &Path,
        pixel: PixelType,
        metas: &[LayerMeta],
    ) -> Result<CogWriter> {
        let Some(meta) = metas.first() else {
            return Err(Error::Internal(format!(
                "{}: a layer needs at least one band",
                target.display()
            )));
        };
        let bands = metas.len();
        let scratch = target.with_extension("scratch.tif");
        let driver = DriverManager::get_driver_by_name("GTiff")
            .map_err(|e| Error::Internal(format!("GDAL has no GTiff driver: {e}")))?;
        let mut options = CslStringList::new();
        for (k, v) in [
            ("TILED", "YES"),
            ("BLOCKXSIZE", "512"),
            ("BLOCKYSIZE", "512"),
            ("BIGTIFF", "IF_SAFER"),
        ] {
            set(&mut options, k, v)?;
        }
        let out_err = |e: gdal::errors::GdalError| {
            Error::output(&scratch, format!("cannot create raster: {e}"))
        };
        let mut dataset = match pixel {
            PixelType::Float32 => driver.create_with_band_type_with_options::<f32, _>(
                &scratch,
                grid.width,
                grid.file_rows().rows,
                bands,
                &options,
            ),
            PixelType::Int32 => driver.create_with_band_type_with_options::<i32, _>(
                &scratch,
                grid.width,
                grid.file_rows().rows,
                bands,
                &options,
            ),
        }
        .map_err(out_err)?;
        dataset
            .set_geo_transform(&grid.file_geo_transform())
            .map_err(out_err)?;
        dataset.set_projection(&grid.crs_wkt).map_err(out_err)?;
        dataset
            .set_metadata_item(
                "TIFFTAG_SOFTWARE",
                &format!("geoprospect {}", env!("CARGO_PKG_VERSION")),
                "",
            )
            .map_err(out_err)?;
        if !meta.inputs.is_empty() {
            dataset
                .set_metadata_item("GEOPROSPECT_INPUTS", &meta.inputs.join(";"), "")
                .map_err(out_err)?;
        }
        for (k, v) in &meta.items {
            dataset.set_metadata_item(k, v, "").map_err(out_err)?;
        }
        for (i, band_meta) in metas.iter().enumerate() {
            let mut band = dataset.rasterband(i + 1).map_err(out_err)?;
            band.set_description(&band_meta.description)
                .map_err(out_err)?;
            match pixel {
                PixelType::Float32 => band.set_no_data_value(Some(FLOAT_NODATA)),
                PixelType::Int32 => band.set_no_data_value(Some(CLASS_NODATA as f64)),
            }
            .map_err(out_err)?;
            if !band_meta.category_names.is_empty() {
                set_category_names(&band, &band_meta.category_names);
                // GeoTIFF keeps category names in the `.aux.xml` beside it, which GDAL neither
                // writes nor reads with GDAL_PAM_ENABLED=NO (as QGIS runs tools): the names
                // are also a band metadata item, stored in the file itself.
                let json = serde_json::to_string(&band_meta.category_names)
                    .map_err(|e| Error::Internal(format!("category names: {e}")))?;
                band.set_metadata_item(CATEGORIES_ITEM, &json, "")
                    .map_err(out_err)?;
            }
            if i > 0 {
                for (k, v) in &band_meta.items {
                    band.set_metadata_item(k, v, "").map_err(out_err)?;
                }
            }
        }
        Ok(CogWriter {
            dataset: Some(dataset),
            scratch,
            target: target.to_path_buf(),
            pixel,
            width: grid.width,
            row0: grid.file_rows().row0,
            height: grid.file_rows().rows,
            bands,
            area: grid.area.clone(),
        })
    }

    /// The layer's pixel type.
    pub fn pixel(&self) -> PixelType {
        self.pixel
    }

    /// Writes full-width rows of band 1 starting at grid row `row0`; `data.len()` must be a
    /// multiple of the width.
    pub fn write_rows<T: CellValue>(&mut self, row0: usize, data: Vec<T>) -> Result<()> {
        self.write_band_rows(1, row0, data)
    }

    /// Computes `blocks` of band 1 in parallel on `engine`, as one stage `stage` of its
    /// progress, and writes each in block order after `observe` has seen it (with the cells
    /// outside the study area already nodata).
    pub fn write_blocks<T, C, O>(
        &mut self,
        engine: &Engine,
        stage: &str,
        blocks: &[Block],
        compute: C,
        mut observe: O,
    ) -> Result<()>
    where
        T: CellValue,
        C: Fn(&Block) -> Result<Vec<T>> + Sync,
        O: FnMut(&Block, &[T]),
    {
        let area = self.area.clone();
        let masked = |block: &Block| {
            let mut rows = compute(block)?;
            if let Some(a) = &area {
                a.apply(block.row0, &mut rows, T::NODATA);
            }
            Ok(rows)
        };
        engine.stage(stage, blocks, masked, |block, rows| {
            observe(block, &rows);
            self.write_rows(block.row0, rows)
        })
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// Writes full-width rows of band `band` (from 1) starting at `row0`.
    pub fn write_band_rows<T: CellValue>(
        &mut self,
        band: usize,
        row0: usize,
        mut data: Vec<T>,
    ) -> Result<()> {
        if band == 0 || band > self.bands {
            return Err(Error::Internal(format!(
                "band {band} of a {}-band layer",
                self.bands
            )));
        }
        let rows = data.len() / self.width.max(1);
        let fits = rows * self.width == data.len()
            && row0 >= self.row0
            && row0 + rows <= self.row0 + self.height;
        if !fits {
            return Err(Error::Internal(format!(
                "strip of {} values at row {row0} does not fit {} x {} cells from row {}",
                data.len(),
                self.width,
                self.height,
                self.row0
            )));
        }
        if let Some(a) = &self.area {
            a.apply(row0, &mut data, T::NODATA);
        }
        let row0 = row0 - self.row0;
        let dataset = self
            .dataset
            .as_mut()
            .ok_or_else(|| Error::Internal("layer already finished".into()))?;
        let mut band = dataset
            .rasterband(band)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let mut buffer = Buffer::new((self.width, rows), data);
        band.write((0, row0 as isize), (self.width, rows), &mut buffer)
            .map_err(|e| Error::output(&self.scratch, format!("cannot write rows: {e}")))
    }

    /// Converts the finished layer to a COG at the target path and removes the scratch file.
    ///
    /// Single-band layers without category names are encoded by [`crate::io::cogtiles`]
    /// (tiles compressed on the engine's workers, overviews built in one pass over the scratch
    /// file); others go through GDAL's COG driver, on as many threads.
    pub fn finish(mut self, options: &CogOptions, engine: &Engine) -> Result<()> {
        let dataset = self
            .dataset
            .take()
            .ok_or_else(|| Error::Internal("layer already finished".into()))?;
        let fast = self.bands == 1
            && codec_available(codec(options.compression))
            && dataset
                .rasterband(1)
                .map(|b| category_names_empty(&b))
                .unwrap_or(false);
        let result = if fast {
            // Closing the scratch dataset flushes it to disk.
            drop(dataset);
            encode_scratch(&self.scratch, &self.target, self.pixel, options, engine)
        } else {
            let result = write_cog(
                &dataset,
                &self.target,
                self.pixel,
                options,
                engine.threads(),
            );
            drop(dataset);
            result
        };
        if result.is_err() {
            let _ = std::fs::remove_file(&self.target);
        }
        result
    }
}

impl Drop for CogWriter {
    fn drop(&mut self) {
        // Close the scratch dataset before removing its file and its side file (GDAL keeps
        // category names in `.aux.xml` beside a GeoTIFF).
        self.dataset.take();
        let _ = std::fs::remove_file(&self.scratch);
        let mut aux = self.scratch.clone().into_os_string();
        aux.push(".aux.xml");
        let _ = std::fs::remove_file(aux);
    }
}

/// Copies `dataset` to a COG at `target` with GDAL's COG driver, compressing on `threads`
/// threads.
pub fn write_cog(
    dataset: &Dataset,
    target: &Path,
    pixel: PixelType,
    options: &CogOptions,
    threads: usize,
) -> Result<()> {
    let driver = DriverManager::get_driver_by_name("COG").map_err(|e| {
        Error::Internal(format!("GDAL has no COG driver (GDAL >= 3.1 needed): {e}"))
    })?;
    let mut list = CslStringList::new();
    let compress = match options.compression {
        Compression::Deflate => "DEFLATE",
        Compression::Zstd => "ZSTD",
        Compression::None => "NONE",
    };
    let resampling = match pixel {
        PixelType::Float32 => "AVERAGE",
        PixelType::Int32 => "NEAREST",
    };
    let threads = threads.max(1).to_string();
    for (k, v) in [
        ("COMPRESS", compress),
        ("PREDICTOR", "YES"),
        ("BLOCKSIZE", "512"),
        ("OVERVIEWS", "AUTO"),
        ("RESAMPLING", resampling),
        ("BIGTIFF", "IF_SAFER"),
        ("NUM_THREADS", threads.as_str()),
    ] {
        set(&mut list, k, v)?;
    }
    dataset
        .create_copy(&driver, target, &list)
        .map_err(|e| Error::output(target, format!("cannot write COG: {e}")))?
        .close()
        .map_err(|e| Error::output(target, format!("cannot finish COG: {e}")))
}

fn codec(c: Compression) -> Codec {
    match c {
        Compression::Deflate => Codec::Deflate,
        Compression::Zstd => Codec::Zstd,
        Compression::None => Codec::None,
    }
}

fn sample(pixel: PixelType) -> (Sample, u32) {
    match pixel {
        PixelType::Float32 => (Sample::Float32, f32::NAN.to_bits()),
        PixelType::Int32 => (Sample::Int32, CLASS_NODATA as u32),
    }
}

/// Encodes a closed scratch GeoTIFF (uncompressed 512 x 512 tiles, one band) as a COG with
/// [`CogEncoder`], reading its tiles directly; any other layout goes through GDAL's COG driver.
fn encode_scratch(
    scratch: &Path,
    target: &Path,
    pixel: PixelType,
    options: &CogOptions,
    engine: &Engine,
) -> Result<()> {
    let err = |e: std::io::Error| Error::output(target, format!("cannot write COG: {e}"));
    let info = read_tiff(scratch).map_err(err)?;
    let (w, h) = (info.size.0 as usize, info.size.1 as usize);
    let expected_sample = if pixel == PixelType::Float32 { 3 } else { 2 };
    let plain = info.tiled
        && info.block == (TILE as u64, TILE as u64)
        && info.compression == 1
        && info.sample == (32, 1, expected_sample)
        && info.blocks.len() == w.div_ceil(TILE) * h.div_ceil(TILE);
    if !plain {
        let ds = Dataset::open(scratch)
            .map_err(|e| Error::output(scratch, format!("cannot reopen scratch layer: {e}")))?;
        return write_cog(&ds, target, pixel, options, engine.threads());
    }
    let (s, nodata) = sample(pixel);
    let mut enc = CogEncoder::create(
        target,
        w,
        h,
        s,
        nodata,
        codec(options.compression),
        info.copied_tags(),
        engine.pool(),
    )
    .map_err(err)?;
    let file = std::fs::File::open(scratch).map_err(err)?;
    let tiles_x = w.div_ceil(TILE);
    let mut rows = vec![0u32; TILE * w];
    let mut tile = vec![0u8; TILE * TILE * 4];
    for ty in 0..h.div_ceil(TILE) {
        let n = TILE.min(h - ty * TILE);
        for tx in 0..tiles_x {
            let (offset, size) = info.blocks[ty * tiles_x + tx];
            let c0 = tx * TILE;
            let cw = TILE.min(w - c0);
            if offset == 0 || size < (tile.len() as u64) {
                for r in 0..n {
                    rows[r * w + c0..r * w + c0 + cw].fill(nodata);
                }
                continue;
            }
            file.read_exact_at(&mut tile, offset).map_err(err)?;
            for r in 0..n {
                for (c, v) in rows[r * w + c0..r * w + c0 + cw].iter_mut().enumerate() {
                    let i = (r * TILE + c) * 4;
                    *v = u32::from_le_bytes([tile[i], tile[i + 1], tile[i + 2], tile[i + 3]]);
                }
            }
        }
        enc.push_rows(&rows[..n * w]).map_err(err)?;
    }
    enc.finish().map_err(err)
}

/// The georeferencing and metadata tags GDAL writes for a layer on `grid` (GeoKeys, pixel
/// scale, tie point, `GDAL_METADATA`, `GDAL_NODATA`, software), for [`CogEncoder`]: taken from
/// a one-cell GeoTIFF written with the same settings in a temporary folder inside `dir`.
pub fn layer_tags(
    grid: &GridSpec,
    pixel: PixelType,
    meta: &LayerMeta,
    dir: &Path,
) -> Result<Vec<Tag>> {
    let tmp = tempfile::Builder::new()
        .prefix(".geoprospect-tags")
        .tempdir_in(dir)
        .map_err(|e| Error::output(dir, format!("cannot create a temporary folder: {e}")))?;
    let one = GridSpec {
        width: 1,
        height: 1,
        y0: grid.file_geo_transform()[3],
        window: None,
        area: None,
        ..grid.clone()
    };
    let mut w = CogWriter::create(&one, &tmp.path().join("tags.tif"), pixel, meta)?;
    drop(w.dataset.take());
    let info = read_tiff(&w.scratch)
        .map_err(|e| Error::Internal(format!("cannot read GDAL's template layer: {e}")))?;
    Ok(info.copied_tags())
}

/// The parameters of [`CogEncoder`] for a layer: sample type, nodata bits and codec.
pub fn encoder_settings(pixel: PixelType, compression: Compression) -> (Sample, u32, Codec) {
    let (s, nodata) = sample(pixel);
    (s, nodata, codec(compression))
}

fn category_names_empty(band: &gdal::raster::RasterBand) -> bool {
    // Safety: the band handle is valid while `band` lives; GDAL owns the list.
    unsafe { gdal_sys::GDALGetRasterCategoryNames(band.c_rasterband()).is_null() }
}

fn set(list: &mut CslStringList, key: &str, value: &str) -> Result<()> {
    list.set_name_value(key, value)
        .map_err(|e| Error::Internal(format!("creation option {key}: {e}")))
}

/// The band metadata item holding a layer's category names as a JSON array (index = class
/// code), inside the GeoTIFF.
pub const CATEGORIES_ITEM: &str = "GEOPROSPECT_CATEGORIES";

/// GDAL category names, so that GIS tools show class names instead of codes.
pub(crate) fn set_category_names(band: &gdal::raster::RasterBand, names: &[String]) {
    let list: CslStringList = names.iter().cloned().collect();
    // Safety: the band handle is valid while `band` lives; GDAL copies the list.
    unsafe {
        gdal_sys::GDALSetRasterCategoryNames(band.c_rasterband(), list.as_ptr());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> GridSpec {
        let wkt = crate::io::crs::Crs::parse("EPSG:32648")
            .unwrap()
            .wkt()
            .unwrap();
        GridSpec::from_extent(wkt, [500000.0, 4000000.0, 500400.0, 4000300.0], 100.0).unwrap()
    }

    #[test]
    fn writes_a_cog_with_nodata_and_description() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("layer.tif");
        let meta = LayerMeta {
            description: "eTh".into(),
            inputs: vec!["a.tif".into()],
            ..Default::default()
        };
        let mut w = CogWriter::create(&grid(), &path, PixelType::Float32, &meta).unwrap();
        w.write_rows(0, vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
            .unwrap();
        w.write_rows(2, vec![f32::NAN, 10.0, 11.0, 12.0]).unwrap();
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
        assert!(!path.with_extension("scratch.tif").exists());

        let ds = Dataset::open(&path).unwrap();
        assert_eq!(ds.driver().short_name(), "GTiff");
        assert_eq!(
            ds.metadata_item("LAYOUT", "IMAGE_STRUCTURE").as_deref(),
            Some("COG")
        );
        assert_eq!(
            ds.metadata_item("COMPRESSION", "IMAGE_STRUCTURE")
                .as_deref(),
            Some("DEFLATE")
        );
        let band = ds.rasterband(1).unwrap();
        assert!(band.no_data_value().unwrap().is_nan());
        assert_eq!(band.description().unwrap(), "eTh");
        let v = band.read_as::<f32>((0, 0), (4, 3), (4, 3), None).unwrap();
        assert_eq!(&v.data()[..8], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        assert!(v.data()[8].is_nan());
        assert_eq!(
            ds.metadata_item("GEOPROSPECT_INPUTS", "").as_deref(),
            Some("a.tif")
        );
    }

    #[test]
    fn writes_a_two_band_cog_with_band_descriptions_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("krig.tif");
        let metas = [
            LayerMeta {
                description: "Mo_ppm".into(),
                inputs: vec!["p.csv".into()],
                items: vec![("GEOPROSPECT_UNIT".into(), "ppm".into())],
                ..Default::default()
            },
            LayerMeta {
                description: "Mo_ppm kriging variance".into(),
                items: vec![("GEOPROSPECT_BAND".into(), "variance".into())],
                ..Default::default()
            },
        ];
        let mut w = CogWriter::create_bands(&grid(), &path, PixelType::Float32, &metas).unwrap();
        assert_eq!(w.bands(), 2);
        w.write_band_rows(1, 0, vec![1.0f32; 12]).unwrap();
        w.write_band_rows(2, 0, vec![0.5f32; 8]).unwrap();
        w.write_band_rows(2, 2, vec![f32::NAN; 4]).unwrap();
        assert!(w.write_band_rows(3, 0, vec![0.5f32; 4]).is_err());
        w.finish(&CogOptions::default(), &Engine::new(1).unwrap())
            .unwrap();
        let ds = Dataset::open(&path).unwrap();
        assert_eq!(ds.raster_count(), 2);
        assert_eq!(
            ds.metadata_item("GEOPROSPECT_UNIT", "").as_deref(),
            Some("ppm")
        );
        let b2 = ds.rasterband(2).unwrap();
        assert_eq!(b2.description().unwrap(), "Mo_ppm kriging variance");
        assert_eq!(
            b2.metadata_item("GEOPROSPECT_BAND", "").as_deref(),
            Some("variance")
        );
        assert!(b2.no_data_value().unwrap().is_nan());
        let v = b2.read_as::<f32>((0, 0), (4, 3), (4, 3), None).unwrap();
        assert_eq!(v.data()[7], 0.5);
        assert!(v.data()[8].is_nan());
        let v1 = ds.rasterband(1).unwrap();
        assert_eq!(v1.description().unwrap(), "Mo_ppm");
    }

    #[test]
    fn strip_that_overflows_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = CogWriter::create(
            &grid(),
            &dir.path().join("x.tif"),
            PixelType::Int32,
            &LayerMeta::default(),
        )
        .unwrap();
        assert!(w.write_rows(2, vec![1i32; 8]).is_err());
    }
}
