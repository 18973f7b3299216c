//! Raster and vector ingest against GDAL's own `gdalwarp` and `gdal_rasterize` on the same grid.
use std::process::Command;

use crate::fixtures::{field, have, metadata, project_ok, read_band, write_tif, Workspace};

/// Grid used by these tests: UTM 48N, 250 m cells, 40 x 30 cells.
const GRID: &str = "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 250.0\n\
                    extent = [680000.0, 4760000.0, 690000.0, 4767500.0]\n";
const TE: [&str; 4] = ["680000", "4760000", "690000", "4767500"];

/// A lon/lat raster over the grid (0.002 degree cells).
fn geographic_raster(ws: &Workspace, name: &str) {
    let data = field(80, 60);
    write_tif(
        &ws.path(name),
        "EPSG:4326",
        [107.2, 0.002, 0.0, 43.06, 0.0, -0.002],
        80,
        60,
        data,
        None,
    );
}

fn gdalwarp(ws: &Workspace, src: &str, dst: &str, r: &str, ot: &str) {
    let st = Command::new("gdalwarp")
        .args(["-q", "-overwrite", "-t_srs", "EPSG:32648", "-te"])
        .args(TE)
        .args(["-ts", "40", "30", "-r", r, "-ot", ot, "-dstnodata", "nan"])
        .arg(ws.path(src))
        .arg(ws.path(dst))
        .status()
        .unwrap();
    assert!(st.success());
}

fn assert_same(ours: &[f64], reference: &[f64], what: &str) {
    assert_eq!(ours.len(), reference.len());
    let mut valid = 0;
    for (i, (a, b)) in ours.iter().zip(reference).enumerate() {
        assert!(
            a.is_nan() == b.is_nan(),
            "{what}: cell {i}: ours {a}, reference {b}"
        );
        if !a.is_nan() {
            valid += 1;
            assert!(
                (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                "{what}: cell {i}: ours {a}, reference {b}"
            );
        }
    }
    assert!(valid > ours.len() / 2, "{what}: only {valid} valid cells");
}

#[test]
fn bilinear_warp_matches_gdalwarp() {
    if !have("gdalwarp") {
        return;
    }
    let ws = Workspace::new();
    geographic_raster(&ws, "eth.tif");
    project_ok(
        &ws,
        &format!("{GRID}[[rasters]]\npath = \"eth.tif\"\nname = \"eTh\"\n"),
    );
    gdalwarp(&ws, "eth.tif", "ref.tif", "bilinear", "Float32");
    let (w, h, ours) = read_band(&ws.path("out/layers/eTh.tif"));
    assert_eq!((w, h), (40, 30));
    assert_same(&ours, &read_band(&ws.path("ref.tif")).2, "bilinear");
    assert_eq!(
        metadata(&ws.path("out/layers/eTh.tif"), "LAYOUT", "IMAGE_STRUCTURE").as_deref(),
        Some("COG")
    );
}

#[test]
fn categorical_warp_matches_gdalwarp_nearest() {
    if !have("gdalwarp") {
        return;
    }
    let ws = Workspace::new();
    let classes: Vec<f32> = field(80, 60).iter().map(|v| (v / 3.0).floor()).collect();
    write_tif(
        &ws.path("geo.tif"),
        "EPSG:4326",
        [107.2, 0.002, 0.0, 43.06, 0.0, -0.002],
        80,
        60,
        classes,
        None,
    );
    project_ok(
        &ws,
        &format!(
            "{GRID}[[rasters]]\npath = \"geo.tif\"\nname = \"units\"\nkind = \"categorical\"\n"
        ),
    );
    gdalwarp(&ws, "geo.tif", "ref.tif", "near", "Float32");
    let ours: Vec<f64> = read_band(&ws.path("out/layers/units.tif"))
        .2
        .into_iter()
        .map(|v| if v == i32::MIN as f64 { f64::NAN } else { v })
        .collect();
    assert_same(&ours, &read_band(&ws.path("ref.tif")).2, "nearest");
}

#[test]
fn raster_already_on_the_grid_passes_through_bit_identical() {
    let ws = Workspace::new();
    // Same CRS and cell size, offset by whole cells, partly outside the grid.
    let data: Vec<f32> = field(30, 20).iter().map(|v| v * 1.000_001).collect();
    write_tif(
        &ws.path("mag.tif"),
        "EPSG:32648",
        [682500.0, 250.0, 0.0, 4768000.0, 0.0, -250.0],
        30,
        20,
        data.clone(),
        None,
    );
    project_ok(
        &ws,
        &format!("{GRID}[[rasters]]\npath = \"mag.tif\"\nname = \"mag\"\n"),
    );
    let (w, _, ours) = read_band(&ws.path("out/layers/mag.tif"));
    // Source row 2 (y 4767500) is grid row 0; source col 0 is grid col 10.
    for r in 0..18 {
        for c in 0..30 {
            let g = ours[r * w + c + 10];
            assert_eq!(
                g.to_bits(),
                (data[(r + 2) * 30 + c] as f64).to_bits(),
                "row {r} col {c}"
            );
        }
    }
    assert!(ours[0].is_nan(), "cells off the source are nodata");

    // Ingesting the ingested layer again changes nothing (grid unification is idempotent).
    std::fs::copy(ws.path("out/layers/mag.tif"), ws.path("mag2.tif")).unwrap();
    project_ok(
        &ws,
        &format!("{GRID}[[rasters]]\npath = \"mag2.tif\"\nname = \"mag\"\n"),
    );
    let again = read_band(&ws.path("out/layers/mag.tif")).2;
    assert!(ours
        .iter()
        .zip(&again)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
}

/// Regression: a GeoTIFF in a CRS whose EPSG axis order is northing first (Korea 2000,
/// EPSG:5186) was taken for another CRS and resampled instead of passed through.
#[test]
fn northing_first_crs_on_the_grid_passes_through() {
    let ws = Workspace::new();
    let data = field(40, 30);
    write_tif(
        &ws.path("k.tif"),
        "EPSG:5186",
        [318000.0, 100.0, 0.0, 518000.0, 0.0, -100.0],
        40,
        30,
        data.clone(),
        None,
    );
    project_ok(
        &ws,
        "[project]\nname = \"k\"\ncrs = \"EPSG:5186\"\nresolution = 100.0\n\
         extent = [318000.0, 515000.0, 322000.0, 518000.0]\n\
         [[rasters]]\npath = \"k.tif\"\nname = \"k\"\n",
    );
    let ours = read_band(&ws.path("out/layers/k.tif")).2;
    assert!(ours
        .iter()
        .zip(&data)
        .all(|(a, &b)| a.to_bits() == (b as f64).to_bits()));
}

#[test]
fn nodata_scale_offset_and_band_choice_are_honoured() {
    let ws = Workspace::new();
    let path = ws.path("multi.tif");
    {
        use gdal::raster::Buffer;
        let driver = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
        let mut ds = driver
            .create_with_band_type::<i16, _>(&path, 40, 30, 2)
            .unwrap();
        ds.set_geo_transform(&[680000.0, 250.0, 0.0, 4767500.0, 0.0, -250.0])
            .unwrap();
        ds.set_spatial_ref(&gdal::spatial_ref::SpatialRef::from_epsg(32648).unwrap())
            .unwrap();
        for (b, base) in [(1usize, 100i16), (2, 200)] {
            let mut band = ds.rasterband(b).unwrap();
            let mut v: Vec<i16> = (0..1200).map(|i| base + (i % 7) as i16).collect();
            v[5] = -32768;
            band.set_no_data_value(Some(-32768.0)).unwrap();
            band.set_scale(0.5).unwrap();
            band.set_offset(10.0).unwrap();
            band.write((0, 0), (40, 30), &mut Buffer::new((40, 30), v))
                .unwrap();
        }
    }
    project_ok(
        &ws,
        &format!("{GRID}[[rasters]]\npath = \"multi.tif\"\nname = \"k\"\nband = 2\n"),
    );
    let v = read_band(&ws.path("out/layers/k.tif")).2;
    assert!(v[5].is_nan(), "nodata stays nodata");
    assert_eq!(v[0], 200.0 * 0.5 + 10.0);
    assert_eq!(v[3], 203.0 * 0.5 + 10.0);
}

#[test]
fn raster_without_crs_uses_the_project_crs() {
    let ws = Workspace::new();
    write_tif(
        &ws.path("nocrs.tif"),
        "",
        [680000.0, 250.0, 0.0, 4767500.0, 0.0, -250.0],
        40,
        30,
        field(40, 30),
        None,
    );
    project_ok(
        &ws,
        &format!("{GRID}[[rasters]]\npath = \"nocrs.tif\"\nname = \"m\"\ncrs = \"EPSG:32648\"\n"),
    );
    let v = read_band(&ws.path("out/layers/m.tif")).2;
    assert_eq!(v[41] as f32, field(40, 30)[41]);
}

#[test]
fn vector_presence_matches_gdal_rasterize() {
    if !have("gdal_rasterize") {
        return;
    }
    let ws = Workspace::new();
    // A fault line and a granite polygon in lon/lat (RFC 7946 GeoJSON).
    ws.write(
        "f.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"LineString","coordinates":[[107.21,43.0],[107.3,43.05],[107.33,43.01]]}},
{"type":"Feature","properties":{"name":"b"},"geometry":{"type":"Polygon","coordinates":[[[107.25,43.0],[107.29,43.0],[107.3,43.03],[107.25,43.04],[107.25,43.0]]]}}]}"#,
    );
    project_ok(
        &ws,
        &format!("{GRID}[[vectors]]\npath = \"f.geojson\"\nname = \"f\"\nrole = \"faults\"\n"),
    );
    // Reference: reproject with ogr2ogr, then burn polygons (centre rule) and lines (all touched).
    let sh = format!(
        "ogr2ogr -t_srs EPSG:32648 f_utm.geojson f.geojson && \
         gdal_rasterize -q -init 0 -burn 1 -ot Int32 -te {te} -ts 40 30 -where \"name='b'\" f_utm.geojson ref.tif && \
         gdal_rasterize -q -burn 1 -at -where \"name='a'\" f_utm.geojson ref.tif",
        te = TE.join(" ")
    );
    let st = Command::new("sh")
        .arg("-c")
        .arg(sh)
        .current_dir(ws.dir.path())
        .status()
        .unwrap();
    assert!(st.success());
    let ours = read_band(&ws.path("out/layers/f.tif")).2;
    let reference = read_band(&ws.path("ref.tif")).2;
    assert_eq!(ours, reference);
    assert!(ours.iter().filter(|&&v| v == 1.0).count() > 20);
}

#[test]
fn geology_classes_are_coded_and_named() {
    let ws = Workspace::new();
    ws.write(
        "g.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"lith":"shale"},"geometry":{"type":"Polygon","coordinates":[[[107.2,42.9],[107.27,42.9],[107.27,43.1],[107.2,43.1],[107.2,42.9]]]}},
{"type":"Feature","properties":{"lith":"granite"},"geometry":{"type":"Polygon","coordinates":[[[107.27,42.9],[107.35,42.9],[107.35,43.1],[107.27,43.1],[107.27,42.9]]]}}]}"#,
    );
    project_ok(&ws, &format!("{GRID}[[vectors]]\npath = \"g.geojson\"\nname = \"geol\"\nrole = \"geology\"\nattribute = \"lith\"\n"));
    let (w, _, v) = read_band(&ws.path("out/layers/geol.tif"));
    assert_eq!(
        v[0], 2.0,
        "shale in the west is code 2 (sorted: granite=1, shale=2)"
    );
    assert_eq!(v[w - 1], 1.0);
    let info = Command::new("gdalinfo")
        .arg(ws.path("out/layers/geol.tif"))
        .output();
    if let Ok(info) = info {
        let text = String::from_utf8_lossy(&info.stdout);
        assert!(
            text.contains("granite") && text.contains("shale"),
            "category names: {text}"
        );
    }
}
