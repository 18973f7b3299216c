//! Study areas, maximum distances and runs where nothing lands, through the binary. The
//! reference mask of a study area is `gdal_rasterize` of the same polygons onto the same grid
//! (GDAL burns the cells whose centre is inside, as geoprospect does).
use std::path::Path;
use std::process::Command;

use crate::fixtures::{
    field, have, project_ok, project_refused, read_band, refused, run_ok, write_tif, Workspace,
};
use crate::hostile::lattice_csv;

/// 2000 x 1500 cells of 5 m in UTM 48N: two tiles for `plan`.
const GRID: &str = "[project]\nname = \"area\"\ncrs = \"EPSG:32648\"\nresolution = 5.0\n\
                    extent = [680000.0, 4760000.0, 690000.0, 4767500.0]\ncommodities = [\"mo\"]\n";
const W: usize = 2000;
const H: usize = 1500;
const RES: &str = "5";
const TE: [&str; 4] = ["680000", "4760000", "690000", "4767500"];

/// Two parts in UTM 48N: a quadrilateral with a quadrilateral hole, and a triangle. Vertices
/// are off the 12.5 m lattice so that no cell centre lies exactly on an edge (where the
/// inside rule is a tie that floating-point rounding decides).
const AREA_UTM: &str = r#"{"type": "FeatureCollection",
 "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}},
 "features": [{"type": "Feature", "properties": {"block": "KB-3"}, "geometry": {"type": "MultiPolygon", "coordinates": [
   [[[680603.1, 4760607.7], [686311.9, 4760702.3], [686104.3, 4767003.9], [680707.7, 4766811.1], [680603.1, 4760607.7]],
    [[682101.3, 4762103.3], [682057.9, 4764309.1], [684103.7, 4764401.9], [684207.1, 4762151.7], [682101.3, 4762103.3]]],
   [[[687203.3, 4761001.1], [689607.9, 4761209.3], [688501.7, 4766903.1], [687203.3, 4761001.1]]]]}},
  {"type": "Feature", "properties": {"block": "other"}, "geometry": {"type": "Polygon", "coordinates":
   [[[680000, 4760000], [680100, 4760000], [680100, 4760100], [680000, 4760000]]]}}]}"#;

/// The area moved into WGS 84 by `ogr2ogr` (the run moves it back), and the reference mask.
fn area_files(ws: &Workspace) -> Vec<bool> {
    ws.write("area_utm.geojson", AREA_UTM);
    let ok = Command::new("ogr2ogr")
        .args([
            "-t_srs",
            "EPSG:4326",
            "-lco",
            "COORDINATE_PRECISION=10",
            "area.geojson",
            "area_utm.geojson",
        ])
        .current_dir(ws.dir.path())
        .status()
        .unwrap()
        .success();
    assert!(ok, "ogr2ogr");
    let res = RES;
    let ok = Command::new("gdal_rasterize")
        .args([
            "-q",
            "-burn",
            "1",
            "-where",
            "block = 'KB-3'",
            "-ot",
            "Byte",
        ])
        .args(["-te", TE[0], TE[1], TE[2], TE[3], "-tr", res, res])
        .args(["area_utm.geojson", "mask.tif"])
        .current_dir(ws.dir.path())
        .status()
        .unwrap()
        .success();
    assert!(ok, "gdal_rasterize");
    let (w, h, m) = read_band(&ws.path("mask.tif"));
    assert_eq!((w, h), (W, H));
    m.iter().map(|&v| v == 1.0).collect()
}

/// Samples, a magnetic raster and a fault across the grid, deposits in and out of the area.
fn inputs(ws: &Workspace) -> String {
    ws.write(
        "s.csv",
        &lattice_csv(120, "Mo_ppm", |i| format!("{}", 1 + (i * 37) % 50)),
    );
    write_tif(
        &ws.path("tmi.tif"),
        "EPSG:32648",
        [680000.0, 50.0, 0.0, 4767500.0, 0.0, -50.0],
        200,
        150,
        field(200, 150),
        None,
    );
    ws.write(
        "f.geojson",
        r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}},
 "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[680000, 4761000], [690000, 4766000]]}}]}"#,
    );
    // Three Mo occurrences in the area, one in the hole, one outside every part.
    ws.write(
        "occ.csv",
        "x,y,commodity\n681000,4761000,Mo\n685500,4766000,Cu-Mo\n688400,4763000,Mo\n\
         683000,4763000,Mo\n687000,4767300,Mo\n",
    );
    "[geochem]\nmax_distance = \"none\"\n\
     [[samples]]\npath = \"s.csv\"\nx = \"x\"\ny = \"y\"\ncrs = \"EPSG:32648\"\n\
     [[rasters]]\npath = \"tmi.tif\"\nname = \"tmi\"\n\
     [[vectors]]\npath = \"f.geojson\"\nname = \"faults\"\nrole = \"faults\"\n\
     [deposits]\npath = \"occ.csv\"\nx = \"x\"\ny = \"y\"\ncrs = \"EPSG:32648\"\ncommodity = \"commodity\"\n"
        .to_string()
}

const AREA: &str = "[area]\npath = \"area.geojson\"\nwhere = \"block = 'KB-3'\"\n";

/// Whether a cell value is nodata (NaN, or the class layers' i32::MIN).
fn nodata(v: f64) -> bool {
    v.is_nan() || v == i32::MIN as f64
}

#[test]
fn a_study_area_with_a_hole_and_two_parts_in_another_crs_masks_every_layer() {
    if !have("ogr2ogr") || !have("gdal_rasterize") {
        return;
    }
    let ws = Workspace::new();
    let mask = area_files(&ws);
    let inside = mask.iter().filter(|&&m| m).count();
    assert!(inside > 100_000 && inside < W * H / 2 + 100_000, "{inside}");
    let project = format!("{GRID}{}{AREA}", inputs(&ws));
    let (stdout, _) = project_ok(&ws, &project);
    assert!(
        stdout.contains(&format!("study area: {inside} of the {} cells", W * H)),
        "{stdout}"
    );
    // Every layer the run wrote: nodata exactly outside the area; inside, the layers that
    // cover the grid have values everywhere.
    let mut files = ws.files("out");
    files.retain(|f| f.ends_with(".tif"));
    assert!(files.len() >= 6, "{files:?}");
    for f in &files {
        let (w, h, v) = read_band(&ws.path(&format!("out/{f}")));
        assert_eq!((w, h), (W, H), "{f}");
        for (i, (&m, &x)) in mask.iter().zip(&v).enumerate() {
            if !m {
                assert!(nodata(x), "{f}: cell {i} outside the area is {x}");
            } else if f.contains("prospectivity") || f.contains("geochem") {
                assert!(!nodata(x), "{f}: cell {i} inside the area is nodata");
            }
        }
    }
    // The occurrence in the hole and the one outside count in no validation.
    assert!(stdout.contains("on 3 occurrences"), "{stdout}");
    // Targets: the top 5 % of the scored area, which is the study area.
    let (_, _, score) = read_band(&ws.path("out/prospectivity_mo.tif"));
    let scored = score.iter().filter(|v| !v.is_nan()).count();
    assert_eq!(scored, inside);
    // plan / run-tile / merge give the same maps.
    run_ok(
        &ws,
        &["plan", "p.toml", "--tiles", "2", "--out", "plan", "-q"],
    );
    run_ok(&ws, &["run-tile", "plan", "--tile", "0", "-q"]);
    run_ok(&ws, &["run-tile", "plan", "--tile", "1", "-q"]);
    run_ok(&ws, &["merge", "plan", "--out", "merged", "-q"]);
    for f in &files {
        let a = read_band(&ws.path(&format!("out/{f}"))).2;
        let b = read_band(&ws.path(&format!("merged/{f}"))).2;
        let same = a
            .iter()
            .zip(&b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()));
        assert!(same, "{f} differs between the run and the merge");
    }
    // The report draws the area's outline.
    let html = std::fs::read_to_string(ws.path("out/report.html")).unwrap();
    assert!(html.contains("study area"), "report");
}

#[test]
fn standalone_commands_take_an_area() {
    if !have("ogr2ogr") || !have("gdal_rasterize") {
        return;
    }
    let ws = Workspace::new();
    let mask = area_files(&ws);
    // A layer whose cells outside the area are huge: percentiles inside only.
    let values: Vec<f32> = mask
        .iter()
        .enumerate()
        .map(|(i, &m)| if m { (i % 1000) as f32 } else { 1e6 })
        .collect();
    write_tif(
        &ws.path("x.tif"),
        "EPSG:32648",
        [680000.0, 5.0, 0.0, 4767500.0, 0.0, -5.0],
        W,
        H,
        values.clone(),
        None,
    );
    let area = ["--area", "area.geojson", "--area-where", "block = 'KB-3'"];
    let mut args = vec![
        "membership",
        "x.tif",
        "--fn",
        "linear",
        "--low",
        "p0",
        "--high",
        "p100",
    ];
    args.extend(area);
    args.extend(["--out", "m.tif"]);
    let out = run_ok(&ws, &args);
    // Inside, values run 0..999: p100 is 999, not the 1e6 outside.
    assert!(out.contains("high=999"), "{out}");
    let (_, _, m) = read_band(&ws.path("m.tif"));
    for (i, (&inside, &v)) in mask.iter().zip(&m).enumerate() {
        assert_eq!(inside, !v.is_nan(), "cell {i}");
    }
    // fuzzy through its one-pass reader: the same mask.
    let mut args = vec![
        "fuzzy",
        "--layer",
        "x.tif:linear:p0:p100",
        "--layer",
        "m.tif",
        "--op",
        "and",
    ];
    args.extend(area);
    args.extend(["--compress", "none", "--out", "f.tif"]);
    run_ok(&ws, &args);
    let (_, _, f) = read_band(&ws.path("f.tif"));
    assert!(mask.iter().zip(&f).all(|(&inside, v)| inside != v.is_nan()));
    // grid and anomalies: samples on a lattice, inside and outside the area.
    ws.write(
        "s.csv",
        &lattice_csv(120, "Mo_ppm", |i| format!("{}", 1 + (i * 37) % 50)),
    );
    let mut args = vec![
        "grid",
        "s.csv",
        "--field",
        "Mo_ppm",
        "--x",
        "x",
        "--y",
        "y",
        "--points-crs",
        "EPSG:32648",
        "--like",
        "x.tif",
        "--max-distance",
        "none",
        "--out",
        "g.tif",
    ];
    args.extend(area);
    run_ok(&ws, &args);
    let (_, _, g) = read_band(&ws.path("g.tif"));
    assert!(mask.iter().zip(&g).all(|(&inside, v)| inside != v.is_nan()));
    // The thresholds count only the samples inside the polygons (by point in polygon).
    let text = std::fs::read_to_string(ws.path("s.csv")).unwrap();
    let inside_samples = text
        .lines()
        .skip(1)
        .filter(|l| {
            let v: Vec<f64> = l.split(',').take(2).map(|t| t.parse().unwrap()).collect();
            let (c, r) = (
                ((v[0] - 680000.0) / 5.0) as usize,
                ((4767500.0 - v[1]) / 5.0) as usize,
            );
            mask[r * W + c]
        })
        .count();
    let mut args = vec![
        "anomalies",
        "s.csv",
        "--x",
        "x",
        "--y",
        "y",
        "--points-crs",
        "EPSG:32648",
        "--out-dir",
        "an",
    ];
    args.extend(area);
    run_ok(&ws, &args);
    let csv = std::fs::read_to_string(ws.path("an/thresholds.csv")).unwrap();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[2], inside_samples.to_string(), "{csv}");
    assert!(
        inside_samples > 20 && inside_samples < 100,
        "{inside_samples}"
    );
    // An area that misses the grid: refused, naming both extents, nothing written.
    ws.write(
        "far.geojson",
        r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}},
 "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[700000, 4700000], [701000, 4700000], [701000, 4701000], [700000, 4700000]]]}}]}"#,
    );
    let e = refused(
        &ws,
        &[
            "membership",
            "x.tif",
            "--fn",
            "linear",
            "--low",
            "p0",
            "--high",
            "p100",
            "--area",
            "far.geojson",
            "--out",
            "n.tif",
        ],
        None,
    );
    assert!(
        e.contains("far.geojson")
            && e.contains("covers no cell of the grid [680000, 4760000, 690000, 4767500]")
            && e.contains("[700000, 4700000, 701000, 4701000]"),
        "{e}"
    );
    assert!(!ws.path("n.tif").exists());
    // Lines are not an area.
    ws.write(
        "line.geojson",
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[105, 43], [105.1, 43.1]]}}]}"#,
    );
    let e = refused(
        &ws,
        &[
            "membership",
            "x.tif",
            "--fn",
            "linear",
            "--low",
            "p0",
            "--high",
            "p100",
            "--area",
            "line.geojson",
            "--out",
            "n.tif",
        ],
        None,
    );
    assert!(
        e.contains("line.geojson") && e.contains("feature 0 is a line"),
        "{e}"
    );
}

#[test]
fn a_project_area_that_misses_the_grid_is_refused() {
    let ws = Workspace::new();
    ws.write(
        "far.geojson",
        r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}},
 "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[700000, 4700000], [701000, 4700000], [701000, 4701000], [700000, 4700000]]]}}]}"#,
    );
    let project = format!("{GRID}{}[area]\npath = \"far.geojson\"\n", inputs(&ws));
    let e = project_refused(&ws, &project);
    assert!(
        e.contains("far.geojson") && e.contains("covers no cell of the grid"),
        "{e}"
    );
}

#[test]
fn samples_rasters_and_vectors_all_off_the_grid_are_refused() {
    let ws = Workspace::new();
    inputs(&ws);
    // The grid 4000 km north of every input (an extent typo).
    let typo = GRID.replace(
        "extent = [680000.0, 4760000.0, 690000.0, 4767500.0]",
        "extent = [680000.0, 8760000.0, 690000.0, 8767500.0]",
    );
    let project = format!("{typo}{}", inputs(&ws));
    let e = project_refused(&ws, &project);
    for part in [
        "no input lies on the analysis grid [680000, 8760000, 690000, 8767500] (EPSG:32648)",
        "samples s (120 points) at [",
        "raster tmi at [680000, 4760000, 690000, 4767500]",
        "vector faults (1 features) at [680000, 4761000, 690000, 4766000]",
    ] {
        assert!(e.contains(part), "{part}: {e}");
    }
}

#[test]
fn default_max_distance_blanks_cells_far_from_the_samples() {
    let ws = Workspace::new();
    // 100 samples on a 100 m lattice in the grid's south-west corner (a 1 km square).
    let mut csv = String::from("x,y,Mo_ppm\n");
    for i in 0..100 {
        let (x, y) = (
            680050.0 + (i % 10) as f64 * 100.0,
            4760050.0 + (i / 10) as f64 * 100.0,
        );
        csv.push_str(&format!("{x},{y},{}\n", 1 + i % 7));
    }
    ws.write("s.csv", &csv);
    let grid = |extra: &[&str]| {
        let mut args = vec![
            "grid",
            "s.csv",
            "--field",
            "Mo_ppm",
            "--x",
            "x",
            "--y",
            "y",
            "--crs",
            "EPSG:32648",
            "--extent",
            "680000,4760000,690000,4767500",
            "--resolution",
            "50",
            "--out",
        ];
        args.extend(extra);
        run_ok(&ws, &args)
    };
    let out = grid(&["d.tif"]);
    assert!(
        out.contains("max distance 300.0 (3 x the median sample spacing 100.0)"),
        "{out}"
    );
    let (w, _, v) = read_band(&ws.path("d.tif"));
    // Cell centres within 300 m of the lattice [680050, 680950] x [4760050, 4760950] have
    // values, the others not (cell (r, c) has its centre at (680025 + 50 c, 4767475 - 50 r)).
    for (i, x) in v.iter().enumerate() {
        let (cx, cy) = (
            680025.0 + 50.0 * (i % w) as f64,
            4767475.0 - 50.0 * (i / w) as f64,
        );
        let dx = (680050.0 - cx).max(cx - 680950.0).max(0.0);
        let dy = (4760050.0 - cy).max(cy - 4760950.0).max(0.0);
        let d = (dx * dx + dy * dy).sqrt();
        if (d - 300.0).abs() > 1.0 {
            assert_eq!(x.is_nan(), d > 300.0, "cell {i}: {d} m from the samples");
        }
    }
    let meta = crate::fixtures::metadata(&ws.path("d.tif"), "GEOPROSPECT_MAX_DISTANCE", "");
    assert_eq!(
        meta.as_deref(),
        Some("max distance 300.0 (3 x the median sample spacing 100.0)")
    );
    // Given, or none.
    grid(&["g.tif", "--max-distance", "1000"]);
    let n = |p: &str| {
        read_band(&ws.path(p))
            .2
            .iter()
            .filter(|v| !v.is_nan())
            .count()
    };
    assert!(n("g.tif") > n("d.tif"));
    grid(&["n.tif", "--max-distance", "none"]);
    assert_eq!(n("n.tif"), 200 * 150);
    let e = refused(
        &ws,
        &[
            "grid",
            "s.csv",
            "--field",
            "Mo_ppm",
            "--x",
            "x",
            "--y",
            "y",
            "--crs",
            "EPSG:32648",
            "--extent",
            "680000,4760000,690000,4767500",
            "--resolution",
            "50",
            "--max-distance",
            "-5",
            "--out",
            "x.tif",
        ],
        None,
    );
    assert!(e.contains("max distance must be a positive number"), "{e}");
}

/// Kola C-horizon soils (`../shared/data`), masked to the project boundary `bordersKola`.
#[test]
fn kola_masked_to_its_boundary_has_nodata_over_the_sea() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let (csv, bg) = (
        data.join("kola_chorizon.csv"),
        data.join("kola_background_utm35n.geojson"),
    );
    if !csv.exists() || !bg.exists() {
        eprintln!("skipping: {} not present", data.display());
        return;
    }
    if !have("gdal_rasterize") {
        return;
    }
    let ws = Workspace::new();
    let project = format!(
        "[project]\nname = \"Kola\"\ncrs = \"EPSG:32635\"\nresolution = 5000.0\n\
         commodities = [\"ree\"]\n\
         [[samples]]\npath = \"{}\"\nx = \"X_UTM35N\"\ny = \"Y_UTM35N\"\ncrs = \"EPSG:32635\"\n\
         [geochem]\nelements = [\"La\", \"Ce\", \"Y\"]\nmax_distance = \"none\"\n\
         [area]\npath = \"{}\"\nwhere = \"layer = 'bordersKola'\"\n",
        csv.display(),
        bg.display()
    );
    let (stdout, _) = project_ok(&ws, &project);
    // The grid is the boundary's box with a margin of 10 cells.
    let line = stdout.lines().next().unwrap();
    let extent: Vec<String> = line
        .split("extent [")
        .nth(1)
        .unwrap()
        .trim_end_matches(']')
        .split(", ")
        .map(String::from)
        .collect();
    let ok = Command::new("gdal_rasterize")
        .args([
            "-q",
            "-burn",
            "1",
            "-where",
            "layer = 'bordersKola'",
            "-ot",
            "Byte",
        ])
        .args([
            "-te", &extent[0], &extent[1], &extent[2], &extent[3], "-tr", "5000", "5000",
        ])
        .arg(&bg)
        .arg(ws.path("mask.tif"))
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let (_, _, mask) = read_band(&ws.path("mask.tif"));
    for f in ["geochem/Y.tif", "prospectivity_ree.tif"] {
        let (_, _, v) = read_band(&ws.path(&format!("out/{f}")));
        assert_eq!(v.len(), mask.len());
        let differ = mask
            .iter()
            .zip(&v)
            .filter(|(&m, x)| (m == 1.0) == x.is_nan())
            .count();
        assert_eq!(differ, 0, "{f}: cells where the mask and the data disagree");
    }
    assert!(stdout.contains("kola_chorizon: 605 samples"), "{stdout}");
}
