//! `geoprospect grid`: IDW against GDAL's own `gdal_grid -a invdistnn` on every cell, nearest
//! against a brute-force search, kriging's two bands and metadata, and the error contract.
use std::path::Path;
use std::process::Command;

use gdal::{Dataset, Metadata};

use crate::fixtures::{have, metadata, read_band, refused, run_ok, write_tif, Workspace};
use geoprospect::rng::SplitMix64;

const X0: f64 = 600_000.0;
const Y0: f64 = 4_415_000.0;
const RES: f64 = 100.0;
const W: usize = 200;
const H: usize = 150;

/// Random points over the grid and a margin around it, a few exactly on cell centres; values
/// positive, a smooth field plus noise. Returns (x, y, value).
fn points(n: usize, seed: u64) -> Vec<(f64, f64, f64)> {
    let mut rng = SplitMix64::new(seed);
    let mut p: Vec<(f64, f64, f64)> = (0..n)
        .map(|_| {
            let x = X0 - 1000.0 + rng.uniform() * (W as f64 * RES + 2000.0);
            let y = Y0 - H as f64 * RES - 1000.0 + rng.uniform() * (H as f64 * RES + 2000.0);
            let v = 5.0 + (x / 2300.0).sin() * 3.0 + (y / 1700.0).cos() * 2.0 + rng.uniform();
            (x, y, v)
        })
        .collect();
    for (row, col) in [(0, 0), (10, 17), (75, 100), (149, 199)] {
        let x = X0 + (col as f64 + 0.5) * RES;
        let y = Y0 - (row as f64 + 0.5) * RES;
        p.push((x, y, 42.0 + row as f64));
    }
    p
}

/// Writes `points.csv` (x, y, Mo_ppm) and `points.vrt` (the same as an OGR point layer).
fn write_points(ws: &Workspace, p: &[(f64, f64, f64)]) {
    let mut csv = String::from("x,y,Mo_ppm\n");
    for (x, y, v) in p {
        csv.push_str(&format!("{x},{y},{v}\n"));
    }
    ws.write("points.csv", &csv);
    ws.write(
        "points.vrt",
        &format!(
            "<OGRVRTDataSource><OGRVRTLayer name=\"points\">\
             <SrcDataSource>{}</SrcDataSource><SrcLayer>points</SrcLayer>\
             <GeometryType>wkbPoint</GeometryType><LayerSRS>EPSG:32648</LayerSRS>\
             <GeometryField encoding=\"PointFromColumns\" x=\"x\" y=\"y\"/>\
             <Field name=\"Mo_ppm\" type=\"Real\"/></OGRVRTLayer></OGRVRTDataSource>",
            ws.path("points.csv").display()
        ),
    );
}

fn extent() -> String {
    format!(
        "{},{},{},{}",
        X0,
        Y0 - H as f64 * RES,
        X0 + W as f64 * RES,
        Y0
    )
}

/// Runs `geoprospect grid points.csv ... extra` in the workspace; returns stdout.
fn grid(ws: &Workspace, out: &str, extra: &[&str]) -> String {
    let ext = extent();
    let res = RES.to_string();
    let mut args = vec![
        "grid",
        "points.csv",
        "--field",
        "Mo_ppm",
        "--x",
        "x",
        "--y",
        "y",
        "--points-crs",
        "EPSG:32648",
        "--crs",
        "EPSG:32648",
        "--extent",
        &ext,
        "--resolution",
        &res,
        "--out",
        out,
    ];
    // gdal_grid has no maximum distance: the comparisons grid every cell the method reaches.
    if !extra.contains(&"--max-distance") {
        args.extend_from_slice(&["--max-distance", "none"]);
    }
    args.extend_from_slice(extra);
    run_ok(ws, &args)
}

/// Runs `gdal_grid` on `points.vrt` onto the same grid.
fn gdal_grid(ws: &Workspace, algorithm: &str, out: &str) {
    let (w, h) = (W.to_string(), H.to_string());
    let e = extent();
    let e: Vec<&str> = e.split(',').collect();
    let status = Command::new("gdal_grid")
        .args(["-q", "-ot", "Float64", "-zfield", "Mo_ppm", "-a", algorithm])
        // gdal_grid 3.6 makes north-up rasters whatever the -tye order (checked: origin
        // (xmin, ymax), pixel (dx, -dy)) and computes at xmin + (i + 0.5)·dx,
        // ymax − (j + 0.5)·dy with dx = (xmax − xmin) / width: our cell centres.
        .args(["-txe", e[0], e[2], "-tye", e[3], e[1], "-outsize", &w, &h])
        .arg(ws.path("points.vrt"))
        .arg(ws.path(out))
        .env("GDAL_NUM_THREADS", "2")
        .status()
        .unwrap();
    assert!(status.success(), "gdal_grid failed");
}

fn geo_transform(path: &Path) -> [f64; 6] {
    Dataset::open(path).unwrap().geo_transform().unwrap()
}

/// Every cell: nodata in the same cells, values within 1e-4 relative. Returns nodata cells.
fn compare(ours: &Path, reference: &Path) -> usize {
    let (g1, g2) = (geo_transform(ours), geo_transform(reference));
    for i in 0..6 {
        assert!(
            (g1[i] - g2[i]).abs() < 1e-6,
            "geotransforms {g1:?} vs {g2:?}"
        );
    }
    let (w, h, a) = read_band(ours);
    let (w2, h2, b) = read_band(reference);
    assert_eq!((w, h), (w2, h2));
    let mut nodata = 0;
    for (i, (&ours, &theirs)) in a.iter().zip(&b).enumerate() {
        let (row, col) = (i / w, i % w);
        if theirs == -9999.0 {
            assert!(
                ours.is_nan(),
                "cell {row},{col}: ours {ours}, gdal_grid nodata"
            );
            nodata += 1;
            continue;
        }
        let rel = (ours - theirs).abs() / theirs.abs().max(1e-30);
        assert!(
            rel <= 1e-4,
            "cell {row},{col}: ours {ours}, gdal_grid {theirs}"
        );
    }
    nodata
}

#[test]
fn idw_agrees_with_gdal_grid_invdistnn_on_every_cell() {
    if !have("gdal_grid") {
        return;
    }
    let ws = Workspace::new();
    let p = points(2500, 2024);
    write_points(&ws, &p);
    // With a radius that leaves some cells empty.
    let out = grid(
        &ws,
        "idw.tif",
        &[
            "--method",
            "idw",
            "--power",
            "2",
            "--neighbors",
            "12",
            "--radius",
            "350",
        ],
    );
    gdal_grid(
        &ws,
        "invdistnn:power=2:max_points=12:radius=350:nodata=-9999",
        "gdal.tif",
    );
    let nodata = compare(&ws.path("idw.tif"), &ws.path("gdal.tif"));
    assert!(nodata > 100 && nodata < W * H / 2, "{nodata} nodata cells");
    assert!(out.contains(&format!("{nodata} cells are nodata")), "{out}");
    // Samples on cell centres give their values.
    let (_, _, v) = read_band(&ws.path("idw.tif"));
    assert_eq!(v[10 * W + 17], 52.0);
    assert_eq!(v[149 * W + 199], 191.0);

    // Power 3 and 5 neighbours; our search without a radius against gdal_grid with a radius
    // far larger than any cell's fifth-neighbour distance.
    grid(
        &ws,
        "idw3.tif",
        &[
            "--method",
            "idw",
            "--power",
            "3",
            "--neighbors",
            "5",
            "--threads",
            "1",
        ],
    );
    gdal_grid(
        &ws,
        "invdistnn:power=3:max_points=5:radius=3000:nodata=-9999",
        "gdal3.tif",
    );
    assert_eq!(compare(&ws.path("idw3.tif"), &ws.path("gdal3.tif")), 0);
}

#[test]
fn nearest_matches_a_brute_force_search_and_takes_the_grid_from_like() {
    let ws = Workspace::new();
    let p = points(800, 7);
    write_points(&ws, &p);
    let (w, h) = (40, 30);
    let (x0, y0, res) = (602_000.0, 4_412_000.0, 250.0);
    write_tif(
        &ws.path("ref.tif"),
        "EPSG:32648",
        [x0, res, 0.0, y0, 0.0, -res],
        w,
        h,
        vec![0.0; w * h],
        None,
    );
    run_ok(
        &ws,
        &[
            "grid",
            "points.csv",
            "--field",
            "Mo_ppm",
            "--x",
            "x",
            "--y",
            "y",
            "--like",
            "ref.tif",
            "--method",
            "nearest",
            "--radius",
            "300",
            "--out",
            "nearest.tif",
        ],
    );
    assert_eq!(
        geo_transform(&ws.path("nearest.tif")),
        geo_transform(&ws.path("ref.tif"))
    );
    let (gw, gh, v) = read_band(&ws.path("nearest.tif"));
    assert_eq!((gw, gh), (w, h));
    let mut empty = 0;
    for row in 0..h {
        for col in 0..w {
            let cx = x0 + (col as f64 + 0.5) * res;
            let cy = y0 - (row as f64 + 0.5) * res;
            let best = p
                .iter()
                .map(|&(x, y, v)| ((x - cx).powi(2) + (y - cy).powi(2), v))
                .filter(|&(d2, _)| d2 <= 300.0 * 300.0)
                .min_by(|a, b| a.0.total_cmp(&b.0));
            let got = v[row * w + col];
            match best {
                Some((_, value)) => assert_eq!(got, value as f32 as f64, "cell {row},{col}"),
                None => {
                    assert!(got.is_nan(), "cell {row},{col}");
                    empty += 1;
                }
            }
        }
    }
    assert!(empty > 0 && empty < w * h);
}

#[test]
fn kriging_writes_value_and_variance_bands_with_the_variogram() {
    let ws = Workspace::new();
    let mut p = points(600, 99);
    // A repeated location must not break the kriging system.
    p.push((p[0].0, p[0].1, p[0].2 + 1.0));
    write_points(&ws, &p);
    let out = grid(
        &ws,
        "krig.tif",
        &["--method", "kriging", "--neighbors", "12", "--log"],
    );
    assert!(out.contains("variogram fitted"), "{out}");
    assert!(
        out.contains("1 point at repeated coordinates merged"),
        "{out}"
    );
    let path = ws.path("krig.tif");
    let ds = Dataset::open(&path).unwrap();
    assert_eq!(ds.raster_count(), 2);
    let band = |i: usize| {
        let b = ds.rasterband(i).unwrap();
        let v = b.read_as::<f32>((0, 0), (W, H), (W, H), None).unwrap();
        (b.description().unwrap(), v.data().to_vec())
    };
    let (d1, values) = band(1);
    let (d2, variance) = band(2);
    assert_eq!(d1, "Mo_ppm");
    assert_eq!(d2, "Mo_ppm kriging variance");
    assert!(values.iter().all(|v| v.is_finite() && *v > 0.0));
    assert!(variance.iter().all(|v| v.is_finite() && *v >= 0.0));
    // A sample on a cell centre: its value (through log10 and back), variance 0.
    assert!((values[75 * W + 100] - 117.0).abs() < 1e-3);
    assert_eq!(variance[75 * W + 100], 0.0);
    let vg = metadata(&path, "GEOPROSPECT_VARIOGRAM", "").unwrap();
    assert!(vg.contains("nugget=") && vg.contains("range="), "{vg}");
    assert!(metadata(&path, "GEOPROSPECT_TRANSFORM", "")
        .unwrap()
        .starts_with("log10"),);
}

#[test]
fn field_unit_and_censored_values_are_recorded() {
    let ws = Workspace::new();
    ws.write(
        "au.csv",
        "id;easting;northing;Au_ppb\n1;600050;4414950;<5\n2;600250;4414950;12\n\
         3;600150;4414850;n.d.\n4;600050;4414750;-2\n5;600250;4414750;30\n",
    );
    let stdout = run_ok(
        &ws,
        &[
            "grid",
            "au.csv",
            "--field",
            "Au_ppb",
            "--x",
            "easting",
            "--y",
            "northing",
            "--crs",
            "EPSG:32648",
            "--extent",
            "600000,4414700,600300,4415000",
            "--resolution",
            "100",
            "--method",
            "nearest",
            "--out",
            "au.tif",
        ],
    );
    assert!(stdout.contains("from 4 of 5 points"), "{stdout}");
    let path = ws.path("au.tif");
    let item = |k: &str| metadata(&path, k, "").unwrap_or_default();
    assert_eq!(item("GEOPROSPECT_FIELD"), "Au_ppb");
    assert_eq!(item("GEOPROSPECT_UNIT"), "ppb");
    assert_eq!(
        item("GEOPROSPECT_CENSORED"),
        "2 values below detection substituted by half the limit"
    );
    assert_eq!(item("GEOPROSPECT_INPUTS"), "au.csv");
    // Values stay in ppb: the corner cells hold 2.5 (<5 halved), 12, 1 (-2 halved), 30.
    let (_, _, v) = read_band(&path);
    assert_eq!([v[0], v[2], v[6], v[8]], [2.5, 12.0, 1.0, 30.0]);
}

/// Bad parameters: exit 2, one `error:` line, no output file.
#[test]
fn bad_parameters_fail_with_one_line() {
    let ws = Workspace::new();
    write_points(&ws, &points(50, 1));
    let ext = extent();
    let fails = |extra: &[&str], expect: &str| {
        let mut args = vec![
            "grid",
            "points.csv",
            "--x",
            "x",
            "--y",
            "y",
            "--crs",
            "EPSG:32648",
            "--resolution",
            "100",
            "--out",
            "bad.tif",
        ];
        args.extend_from_slice(extra);
        let e = refused(&ws, &args, None);
        assert!(e.contains(expect), "{extra:?}: {e}");
        assert!(!ws.path("bad.tif").exists());
    };
    let with = |more: &[&'static str]| {
        let mut v = vec!["--extent", ext.as_str(), "--field", "Mo_ppm"];
        v.extend_from_slice(more);
        v
    };
    fails(
        &with(&["--power", "0"]),
        "power must be a positive number, got 0",
    );
    fails(&with(&["--neighbors", "0"]), "neighbors must be between 1");
    fails(
        &with(&["--radius", "-5"]),
        "radius must be a positive number, got -5",
    );
    fails(
        &with(&["--method", "spline"]),
        "unknown method \"spline\": expected idw, nearest or kriging",
    );
    fails(
        &["--extent", &ext, "--field", "Sn_ppm"],
        "no field \"Sn_ppm\"; columns are [\"x\", \"y\", \"Mo_ppm\"]",
    );
    fails(
        &["--extent", "1,2,3", "--field", "Mo_ppm"],
        "--extent must be four numbers",
    );
    ws.write(
        "points.csv",
        "x,y,Mo_ppm\n600100,4414900,3\n600300,4414900,0\n",
    );
    fails(&with(&["--log"]), "1 of 2 values are <= 0");
    let names: Vec<String> = ws.files(".");
    assert!(
        names
            .iter()
            .all(|n| !n.contains("bad") && !n.contains(".tmp")),
        "{names:?}"
    );
}
