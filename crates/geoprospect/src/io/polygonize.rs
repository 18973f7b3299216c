//! Raster zones to polygons: a label raster burnt strip by strip and traced by GDAL's
//! `GDALPolygonize` with `8CONNECTED=8`, so that cells touching at a corner are one polygon
//! (or, where a ring would touch itself, polygons touching at that point).
use std::collections::BTreeMap;
use std::path::Path;

use gdal::raster::Buffer;
use gdal::vector::{LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};
use gdal::DriverManager;

use crate::engine::BLOCK_CELLS;
use crate::error::{Error, Result};
use crate::grid::GridSpec;

/// Largest grid whose label raster is polygonized in memory (64 MiB of Int32); larger grids
/// use a temporary GeoTIFF.
pub const MEM_CELLS: usize = 16 << 20;

/// Rings (exterior first, in the grid's CRS) of every polygon of each non-zero label.
pub type Outlines = BTreeMap<i32, Vec<Vec<Vec<(f64, f64)>>>>;

/// Polygonizes the labels of `grid` (0: outside every zone) that `fill(row0, out)` writes into
/// zeroed whole rows from `row0`. The label raster is held in memory up to `mem_cells` cells,
/// else in a temporary GeoTIFF in `scratch`, removed before returning.
pub fn polygonize(
    grid: &GridSpec,
    mut fill: impl FnMut(usize, &mut [i32]),
    scratch: &Path,
    mem_cells: usize,
) -> Result<Outlines> {
    let internal = |what: &str, e: gdal::errors::GdalError| {
        Error::Internal(format!("target polygons: {what}: {e}"))
    };
    let (w, h) = (grid.width, grid.height);
    let _tmp; // keeps a temporary folder alive until the dataset is closed
    let mut ds = if w * h <= mem_cells {
        DriverManager::get_driver_by_name("MEM")
            .and_then(|d| d.create_with_band_type::<i32, _>("", w, h, 1))
            .map_err(|e| internal("MEM dataset", e))?
    } else {
        let dir = tempfile::Builder::new()
            .prefix(".targets-")
            .tempdir_in(scratch)
            .map_err(|e| {
                Error::output(scratch, format!("cannot create a temporary folder: {e}"))
            })?;
        let path = dir.path().join("labels.tif");
        _tmp = dir;
        let options: gdal::cpl::CslStringList =
            ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"]
                .into_iter()
                .collect();
        DriverManager::get_driver_by_name("GTiff")
            .and_then(|d| d.create_with_band_type_with_options::<i32, _>(&path, w, h, 1, &options))
            .map_err(|e| Error::output(&path, format!("cannot create label raster: {e}")))?
    };
    ds.set_geo_transform(&grid.geo_transform())
        .map_err(|e| internal("geotransform", e))?;
    {
        let mut band = ds.rasterband(1).map_err(|e| internal("band", e))?;
        let strip_rows = (BLOCK_CELLS / w.max(1)).max(1);
        let mut row0 = 0;
        while row0 < h {
            let rows = strip_rows.min(h - row0);
            let mut data = vec![0i32; w * rows];
            fill(row0, &mut data);
            band.write(
                (0, row0 as isize),
                (w, rows),
                &mut Buffer::new((w, rows), data),
            )
            .map_err(|e| internal("label raster", e))?;
            row0 += rows;
        }
    }
    let band = ds.rasterband(1).map_err(|e| internal("band", e))?;
    let driver = DriverManager::get_driver_by_name("Memory")
        .or_else(|_| DriverManager::get_driver_by_name("MEM"))
        .map_err(|e| internal("OGR memory driver", e))?;
    let mut vds = driver
        .create_vector_only("zones")
        .map_err(|e| internal("vector dataset", e))?;
    let mut layer = vds
        .create_layer(LayerOptions {
            name: "zones",
            srs: None,
            ty: OGRwkbGeometryType::wkbPolygon,
            options: None,
        })
        .map_err(|e| internal("layer", e))?;
    layer
        .create_defn_fields(&[("zone", OGRFieldType::OFTInteger)])
        .map_err(|e| internal("field", e))?;
    let options: gdal::cpl::CslStringList = ["8CONNECTED=8"].into_iter().collect();
    // Safety: the band, its mask (the band itself: non-zero cells are polygonized) and the
    // layer are valid handles for the duration of the call; GDAL copies the option list.
    let err = unsafe {
        gdal_sys::GDALPolygonize(
            band.c_rasterband(),
            band.c_rasterband(),
            layer.c_layer(),
            0,
            options.as_ptr(),
            None,
            std::ptr::null_mut(),
        )
    };
    if err != gdal_sys::CPLErr::CE_None {
        return Err(Error::Internal(format!(
            "GDALPolygonize failed: {}",
            gdal::errors::GdalError::CplError {
                class: err,
                number: 0,
                msg: String::new()
            }
        )));
    }
    let mut out = Outlines::new();
    for feature in layer.features() {
        let zone = feature
            .field_as_integer(0)
            .map_err(|e| internal("zone field", e))?
            .unwrap_or(0);
        let Some(g) = feature.geometry() else {
            continue;
        };
        let mut polygons = Vec::new();
        if g.is_valid() {
            collect_polygons(g, &mut polygons);
        } else {
            // Zone cells touching only at a corner give a ring touching itself at a vertex,
            // which OGC simple features (and GEOS, QGIS) call invalid: GEOS's structure-aware
            // MakeValid splits it into polygons (or a shell and a hole) touching at the point.
            let options: gdal::cpl::CslStringList = ["METHOD=STRUCTURE"].into_iter().collect();
            let valid = g
                .make_valid(&options)
                .map_err(|e| internal("make valid", e))?;
            collect_polygons(&valid, &mut polygons);
        }
        out.entry(zone).or_default().extend(polygons);
    }
    Ok(out)
}

/// The polygons of a Polygon, MultiPolygon or GeometryCollection as rings of points.
fn collect_polygons(g: &gdal::vector::Geometry, out: &mut Vec<Vec<Vec<(f64, f64)>>>) {
    let ty = gdal::vector::geometry_type_flatten(g.geometry_type());
    if ty == OGRwkbGeometryType::wkbMultiPolygon || ty == OGRwkbGeometryType::wkbGeometryCollection
    {
        for i in 0..g.geometry_count() {
            collect_polygons(&g.get_geometry(i), out);
        }
    } else if ty == OGRwkbGeometryType::wkbPolygon {
        let mut rings = Vec::with_capacity(g.geometry_count());
        for i in 0..g.geometry_count() {
            let ring = g.get_geometry(i);
            let mut pts = Vec::new();
            ring.get_points(&mut pts);
            rings.push(pts.into_iter().map(|(x, y, _)| (x, y)).collect());
        }
        out.push(rings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_raster_on_disk_gives_the_same_outlines() {
        crate::io::gdal_setup();
        let g = GridSpec {
            crs_wkt: String::new(),
            x0: 500_000.0,
            y0: 4_001_000.0,
            res: 100.0,
            width: 12,
            height: 10,
            window: None,
            area: None,
        };
        // An L shape (label 1) and a square with a hole (label 2).
        let mut labels = vec![0; 12 * 10];
        for (row, c0, c1, label) in [
            (1, 1, 2, 1),
            (2, 1, 4, 1),
            (5, 6, 9, 2),
            (6, 6, 7, 2),
            (6, 8, 9, 2),
            (7, 6, 9, 2),
        ] {
            labels[row * 12 + c0..row * 12 + c1].fill(label);
        }
        let fill = |row0: usize, out: &mut [i32]| {
            out.copy_from_slice(&labels[row0 * 12..row0 * 12 + out.len()]);
        };
        let dir = tempfile::tempdir().unwrap();
        let mem = polygonize(&g, fill, dir.path(), MEM_CELLS).unwrap();
        let disk = polygonize(&g, fill, dir.path(), 0).unwrap();
        assert_eq!(mem, disk);
        assert_eq!(mem[&1].len(), 1);
        assert_eq!(mem[&2][0].len(), 2, "the square has a hole");
        // Cell corners in the grid's CRS.
        assert!(mem[&1][0][0].contains(&(500_100.0, 4_000_900.0)));
        // The temporary label raster is gone.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
