//! Vector ingest: lines and polygons in any OGR format and CRS, onto the analysis grid.
//!
//! Features are read through OGR, reprojected into the analysis CRS (PROJ through OGR's
//! coordinate transformation, traditional easting/northing axis order) and burnt onto the grid
//! strip by strip: a presence layer (1 where a feature is, 0 elsewhere; lines burn every cell
//! they touch, polygons the cells whose centre is inside) or, with `attribute`, a class layer
//! (one integer code per distinct attribute value, in sorted order from 1, named in the file's
//! category names; cells outside every polygon are nodata).
use std::collections::BTreeMap;
use std::path::Path;

use gdal::raster::{rasterize, RasterizeOptions};
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{Geometry, LayerAccess};
use gdal::{Dataset, DatasetOptions, DriverManager, GdalOpenFlags};

use crate::engine::{blocks, Engine};
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::grid::CLASS_NODATA;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::crs::Crs;
use crate::io::one_line;

/// Features of one vector layer, reprojected into the analysis CRS.
pub struct VectorData {
    /// The file read.
    pub path: std::path::PathBuf,
    /// Attribute names.
    pub fields: Vec<String>,
    /// Geometries in the analysis CRS.
    pub geometries: Vec<Geometry>,
    /// Attribute values as text, one row per geometry (`None` for null).
    pub attributes: Vec<Vec<Option<String>>>,
    /// Label of the source CRS.
    pub source_crs: String,
    /// Features without a usable geometry (null or empty), left out.
    pub skipped: usize,
}

/// Opens a vector file, with an error naming the file.
pub fn open_vector(path: &Path) -> Result<Dataset> {
    if !path.to_string_lossy().starts_with("/vsi") && !path.exists() {
        return Err(Error::input(path, "file not found"));
    }
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
        ..Default::default()
    };
    Dataset::open_ex(path, options).map_err(|e| {
        Error::input(
            path,
            format!(
                "not a vector file OGR can read: {}",
                one_line(&e.to_string())
            ),
        )
    })
}

/// Reads every feature of a layer and reprojects it into `analysis`.
pub fn read_vector(
    path: &Path,
    layer_name: Option<&str>,
    filter: Option<&str>,
    crs_override: Option<&str>,
    analysis: &Crs,
) -> Result<VectorData> {
    let ds = open_vector(path)?;
    let mut layer = match layer_name {
        Some(name) => ds.layer_by_name(name).map_err(|_| {
            let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
            Error::input(path, format!("no layer {name:?}; layers are {names:?}"))
        })?,
        None => ds
            .layer(0)
            .map_err(|_| Error::input(path, "the file has no layers"))?,
    };
    if let Some(f) = filter {
        layer.set_attribute_filter(f).map_err(|e| {
            Error::input(
                path,
                format!("invalid `where` filter {f:?}: {}", one_line(&e.to_string())),
            )
        })?;
    }
    let source = match (crs_override, layer.spatial_ref()) {
        (Some(text), _) => Crs::parse(text).map_err(|m| Error::input(path, format!("crs: {m}")))?,
        (None, Some(srs)) => Crs::from_srs(srs).map_err(|m| Error::input(path, m))?,
        (None, None) => {
            return Err(Error::input(
                path,
                "the layer has no CRS: add `crs = \"EPSG:...\"` to its entry",
            ))
        }
    };
    let transform = coord_transform(&source, analysis).map_err(|m| Error::input(path, m))?;
    let fields: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let mut data = VectorData {
        path: path.to_path_buf(),
        fields,
        geometries: Vec::new(),
        attributes: Vec::new(),
        source_crs: source.label(),
        skipped: 0,
    };
    for feature in layer.features() {
        let Some(geom) = feature.geometry().filter(|g| !g.is_empty()) else {
            data.skipped += 1;
            continue;
        };
        let mut geom = geom.clone();
        geom.flatten_to_2d();
        if let Some(t) = &transform {
            geom.transform_inplace(t).map_err(|e| {
                Error::input(
                    path,
                    format!(
                        "feature {} cannot be reprojected: {e}",
                        feature.fid().unwrap_or(0)
                    ),
                )
            })?;
        }
        let row = (0..data.fields.len())
            .map(|i| feature.field_as_string(i).ok().flatten())
            .collect();
        data.geometries.push(geom);
        data.attributes.push(row);
    }
    Ok(data)
}

/// An OGR transformation from `from` to `to` in traditional GIS axis order; `None` for the
/// identity.
fn coord_transform(from: &Crs, to: &Crs) -> std::result::Result<Option<CoordTransform>, String> {
    if from.same_as(to) {
        return Ok(None);
    }
    let traditional = |c: &Crs| -> SpatialRef {
        let mut s = c.srs().clone();
        s.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        s
    };
    CoordTransform::new(&traditional(from), &traditional(to))
        .map(Some)
        .map_err(|e| {
            format!(
                "no transformation from {} to {}: {e}",
                from.label(),
                to.label()
            )
        })
}

/// How a vector layer becomes a raster layer.
pub enum Burn<'a> {
    /// 1 where a feature is, 0 elsewhere.
    Presence,
    /// One class code per distinct value of this attribute; nodata outside features.
    Classes(&'a str),
}

/// Summary of a burnt layer.
pub struct BurnReport {
    /// Class names by code (empty for presence layers; index 0 is unused).
    pub classes: Vec<String>,
    /// Cells covered by at least one feature.
    pub covered_cells: u64,
}

/// Burns `data` onto `grid` and writes it as a COG to `target`.
pub fn burn_layer(
    data: &VectorData,
    burn: &Burn,
    grid: &GridSpec,
    engine: &Engine,
    meta: LayerMeta,
    target: &Path,
    cog: &CogOptions,
) -> Result<BurnReport> {
    let source = data.path.as_path();
    let (values, classes, background) = match burn {
        Burn::Presence => (vec![1.0; data.geometries.len()], Vec::new(), 0),
        Burn::Classes(attr) => {
            let idx = data.fields.iter().position(|f| f == attr).ok_or_else(|| {
                Error::input(
                    source,
                    format!("no attribute {attr:?}; attributes are {:?}", data.fields),
                )
            })?;
            let (codes, names) = class_codes(data.attributes.iter().map(|r| r[idx].as_deref()));
            (codes, names, CLASS_NODATA)
        }
    };
    let mut meta = meta;
    meta.category_names = classes.clone();
    // GDAL geometries are not `Sync`: workers rebuild the ones they need from WKB.
    let shapes = data
        .geometries
        .iter()
        .zip(values)
        .map(|(g, value)| {
            let wkb = g
                .wkb()
                .map_err(|e| Error::input(source, format!("invalid geometry: {e}")))?;
            let e = g.envelope();
            Ok(Shape {
                wkb,
                ymin: e.MinY,
                ymax: e.MaxY,
                value,
                linear: is_linear(g),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut writer = CogWriter::create(grid, target, PixelType::Int32, &meta)?;
    let mut covered = 0;
    engine.for_each_block(
        &blocks(grid),
        |block| burn_block(&shapes, background, &block.grid(grid), source),
        |block, mut strip| {
            grid.mask_rows(block.row0, &mut strip, CLASS_NODATA);
            covered += strip
                .iter()
                .filter(|&&v| v != background && v != CLASS_NODATA)
                .count() as u64;
            writer.write_rows(block.row0, strip)
        },
    )?;
    writer.finish(cog, engine)?;
    Ok(BurnReport {
        classes,
        covered_cells: covered,
    })
}

/// A feature ready to burn.
struct Shape {
    wkb: Vec<u8>,
    ymin: f64,
    ymax: f64,
    value: f64,
    linear: bool,
}

/// Burns the shapes that reach one block into a fresh in-memory raster of that block.
fn burn_block(shapes: &[Shape], background: i32, bg: &GridSpec, source: &Path) -> Result<Vec<i32>> {
    let mem =
        DriverManager::get_driver_by_name("MEM").map_err(|e| Error::Internal(e.to_string()))?;
    let mut ds = mem
        .create_with_band_type::<i32, _>("", bg.width, bg.height, 1)
        .map_err(|e| Error::Internal(format!("cannot allocate a block: {e}")))?;
    ds.set_geo_transform(&bg.geo_transform())
        .map_err(|e| Error::Internal(e.to_string()))?;
    ds.rasterband(1)
        .and_then(|mut b| b.fill(background as f64, None))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let [_, bottom, _, top] = bg.extent();
    // Polygons first (centre-in rule), then lines and points on top (every touched cell).
    for lines in [false, true] {
        let mut geoms = Vec::new();
        let mut burns = Vec::new();
        for s in shapes
            .iter()
            .filter(|s| s.linear == lines && s.ymax >= bottom && s.ymin <= top)
        {
            geoms.push(Geometry::from_wkb(&s.wkb).map_err(|e| Error::Internal(e.to_string()))?);
            burns.push(s.value);
        }
        if geoms.is_empty() {
            continue;
        }
        let options = RasterizeOptions {
            all_touched: lines,
            ..Default::default()
        };
        rasterize(&mut ds, &[1], &geoms, &burns, Some(options))
            .map_err(|e| Error::input(source, format!("cannot rasterize: {e}")))?;
    }
    let buf = ds
        .rasterband(1)
        .and_then(|b| b.read_as::<i32>((0, 0), (bg.width, bg.height), (bg.width, bg.height), None))
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(buf.into_shape_and_vec().1)
}

/// Lines and points burn every cell they touch; polygons the cells whose centre they contain.
fn is_linear(g: &Geometry) -> bool {
    let name = g.geometry_name().to_ascii_uppercase();
    !(name.contains("POLYGON") || name.contains("SURFACE"))
}

/// Class codes 1..n for the distinct values in sorted order; features with a null value get
/// nodata. Returns the per-feature burn values and the names by code (index 0 unused).
fn class_codes<'a>(values: impl Iterator<Item = Option<&'a str>>) -> (Vec<f64>, Vec<String>) {
    let values: Vec<Option<&str>> = values.collect();
    let distinct: BTreeMap<&str, usize> = values
        .iter()
        .flatten()
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .enumerate()
        .map(|(i, v)| (v, i + 1))
        .collect();
    let codes = values
        .iter()
        .map(|v| v.map_or(CLASS_NODATA as f64, |v| distinct[v] as f64))
        .collect();
    let mut names = vec![String::new(); distinct.len() + 1];
    for (name, code) in distinct {
        names[code] = name.to_string();
    }
    (codes, names)
}

/// What a vector file holds, as a geologist checks it before a run (`geoprospect info`).
#[derive(Debug, Clone, PartialEq)]
pub struct VectorInfo {
    /// The file.
    pub path: std::path::PathBuf,
    /// GDAL driver (`GeoJSON`, `ESRI Shapefile`).
    pub driver: String,
    /// Its layers, in order.
    pub layers: Vec<VectorLayerInfo>,
}

/// One layer of a vector file.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorLayerInfo {
    /// Layer name.
    pub name: String,
    /// Features.
    pub features: u64,
    /// Geometry type of its first geometry field, as GDAL names it (`Line String`).
    pub geometry: String,
    /// Its CRS.
    pub crs: crate::io::raster::CrsInfo,
    /// `[xmin, ymin, xmax, ymax]` (none when the layer is empty).
    pub extent: Option<[f64; 4]>,
    /// Attribute names, in order.
    pub attributes: Vec<String>,
}

/// What the vector file at `path` holds, for `geoprospect info`.
pub fn describe(path: &Path) -> Result<VectorInfo> {
    let ds = open_vector(path)?;
    let layers = ds
        .layers()
        .map(|layer| {
            let crs = match layer.spatial_ref() {
                Some(srs) => Crs::from_srs(srs).map_or_else(
                    |e| crate::io::raster::CrsInfo::Unusable(e.to_string()),
                    |c| crate::io::raster::CrsInfo::Known(c.label()),
                ),
                None => crate::io::raster::CrsInfo::Missing,
            };
            let geometry = layer
                .defn()
                .geom_fields()
                .next()
                .map_or(0, |g| g.field_type());
            VectorLayerInfo {
                name: layer.name(),
                features: layer.feature_count(),
                geometry: gdal::vector::geometry_type_to_name(geometry),
                crs,
                extent: layer
                    .get_extent()
                    .ok()
                    .map(|e| [e.MinX, e.MinY, e.MaxX, e.MaxY]),
                attributes: layer.defn().fields().map(|f| f.name()).collect(),
            }
        })
        .collect();
    Ok(VectorInfo {
        path: path.to_path_buf(),
        driver: ds.driver().short_name(),
        layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_codes_are_sorted_from_one() {
        let (codes, names) =
            class_codes([Some("shale"), Some("granite"), None, Some("shale")].into_iter());
        assert_eq!(codes, vec![2.0, 1.0, CLASS_NODATA as f64, 2.0]);
        assert_eq!(
            names,
            vec!["".to_string(), "granite".into(), "shale".into()]
        );
    }
}
