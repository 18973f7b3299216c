//! Writers: GeoJSON feature collections, single-band rasters and text files.
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::{DriverManager, Metadata};

pub enum Geom {
    Point((f64, f64)),
    Line(Vec<(f64, f64)>),
    MultiLine(Vec<Vec<(f64, f64)>>),
    Polygon(Vec<Vec<(f64, f64)>>),
}

/// One GeoJSON feature: string properties in the given order, geometry in lon/lat.
pub struct Feat {
    pub props: Vec<(&'static str, String)>,
    pub geom: Geom,
}

fn coords(out: &mut String, pts: &[(f64, f64)]) {
    out.push('[');
    for (i, (x, y)) in pts.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(out, "{sep}[{x:.6},{y:.6}]");
    }
    out.push(']');
}

fn nested(out: &mut String, parts: &[Vec<(f64, f64)>]) {
    out.push('[');
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        coords(out, p);
    }
    out.push(']');
}

/// Writes an RFC 7946 FeatureCollection (WGS 84 lon/lat, 6 decimals), one feature a line.
pub fn write_geojson(path: &Path, feats: &[Feat]) -> Result<()> {
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, f) in feats.iter().enumerate() {
        out.push_str("{\"type\":\"Feature\",\"properties\":{");
        for (j, (k, v)) in f.props.iter().enumerate() {
            let sep = if j == 0 { "" } else { "," };
            let _ = write!(out, "{sep}\"{k}\":{}", serde_json::to_string(v)?);
        }
        out.push_str("},\"geometry\":{\"type\":");
        match &f.geom {
            Geom::Point((x, y)) => {
                let _ = write!(out, "\"Point\",\"coordinates\":[{x:.6},{y:.6}]");
            }
            Geom::Line(pts) => {
                out.push_str("\"LineString\",\"coordinates\":");
                coords(&mut out, pts);
            }
            Geom::MultiLine(parts) => {
                out.push_str("\"MultiLineString\",\"coordinates\":");
                nested(&mut out, parts);
            }
            Geom::Polygon(rings) => {
                out.push_str("\"Polygon\",\"coordinates\":");
                nested(&mut out, rings);
            }
        }
        out.push_str(if i + 1 == feats.len() {
            "}}\n"
        } else {
            "}},\n"
        });
    }
    out.push_str("]}\n");
    std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))
}

/// A single-band Float32 raster for [`write_raster`].
pub struct Raster<'a> {
    pub driver: &'a str,
    pub options: &'a [&'a str],
    pub epsg: u32,
    /// GDAL geotransform: x0, dx, 0, y0, 0, -dy.
    pub transform: [f64; 6],
    pub width: usize,
    pub height: usize,
    pub data: Vec<f32>,
    pub nodata: f64,
    pub description: &'a str,
    pub unit: &'a str,
}

pub fn write_raster(path: &Path, r: Raster) -> Result<()> {
    let driver = DriverManager::get_driver_by_name(r.driver)?;
    let options = RasterCreationOptions::from_iter(r.options.iter().copied());
    let mut ds = driver
        .create_with_band_type_with_options::<f32, _>(path, r.width, r.height, 1, &options)?;
    ds.set_geo_transform(&r.transform)?;
    ds.set_spatial_ref(&SpatialRef::from_epsg(r.epsg)?)?;
    let mut band = ds.rasterband(1)?;
    band.set_no_data_value(Some(r.nodata))?;
    band.set_description(r.description)?;
    let unit = std::ffi::CString::new(r.unit)?;
    // Safety: the band handle is valid while `band` lives; GDAL copies the string.
    unsafe {
        gdal_sys::GDALSetRasterUnitType(band.c_rasterband(), unit.as_ptr());
    }
    band.write(
        (0, 0),
        (r.width, r.height),
        &mut Buffer::new((r.width, r.height), r.data),
    )?;
    ds.close()?;
    Ok(())
}

pub fn write_text(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
