//! Hostile vector inputs through `run` (burnt layers and the distance layers of the Mo preset's
//! fault evidence) and `proximity`: empty layers, null, invalid, multipart and Z/M geometries,
//! legacy GeoJSON `crs` members and features away from the study area.
//!
//! The grid is `hostile::GRID`: 40 x 30 cells of 250 m, top-left corner (680000, 4767500); cell
//! `(r, c)` has its centre at `(680125 + 250 c, 4767375 - 250 r)`.
use crate::fixtures::{
    have, project_ok, project_refused, read_band, refused, run_ok, write_tif, Workspace,
};
use crate::hostile::{grid_for, lattice_csv, utm_samples};

const W: usize = 40;

fn faults_project(path: &str, extra: &str) -> String {
    format!(
        "{}[[vectors]]\npath = \"{path}\"\nname = \"v\"\nrole = \"faults\"\n{extra}",
        grid_for(&["mo"])
    )
}

fn feature_collection(crs: Option<&str>, features: &[&str]) -> String {
    let crs = crs.map_or(String::new(), |c| {
        format!("\"crs\": {{\"type\": \"name\", \"properties\": {{\"name\": \"{c}\"}}}},")
    });
    let features: Vec<String> = features
        .iter()
        .map(|g| {
            format!("{{\"type\": \"Feature\", \"properties\": {{\"id\": 1}}, \"geometry\": {g}}}")
        })
        .collect();
    format!(
        "{{\"type\": \"FeatureCollection\", {crs} \"features\": [{}]}}",
        features.join(",")
    )
}

/// Cells of a burnt layer equal to 1, as (row, col).
fn burnt(ws: &Workspace) -> Vec<(usize, usize)> {
    let (w, _, v) = read_band(&ws.path("out/layers/v.tif"));
    v.iter()
        .enumerate()
        .filter(|(_, &x)| x == 1.0)
        .map(|(i, _)| (i / w, i % w))
        .collect()
}

fn distance(ws: &Workspace) -> Vec<f64> {
    read_band(&ws.path("out/evidence/distance_faults.tif")).2
}

#[test]
fn empty_layer_burns_nothing_and_its_evidence_drops_out() {
    let ws = Workspace::new();
    ws.write("e.geojson", &feature_collection(None, &[]));
    // Alone it puts nothing on the grid: refused.
    let e = project_refused(&ws, &faults_project("e.geojson", ""));
    assert!(
        e.contains("vector v (0 features) (nothing to locate)"),
        "{e}"
    );
    // Beside samples, the empty layer is burnt empty and its evidence drops out.
    ws.write(
        "s.csv",
        &lattice_csv(30, "Mo_ppm", |i| format!("{}", 1 + i)),
    );
    let (stdout, stderr) = project_ok(&ws, &faults_project("e.geojson", &utm_samples("s.csv")));
    assert!(
        stdout.contains("v: vector (faults), 0 features"),
        "{stdout}"
    );
    assert!(stdout.contains("0 cells covered"), "{stdout}");
    let (_, _, v) = read_band(&ws.path("out/layers/v.tif"));
    assert!(v.iter().all(|&x| x == 0.0));
    assert!(
        stderr.contains("fault_proximity: no vector layer"),
        "{stderr}"
    );
    assert!(!ws.path("out/evidence/distance_faults.tif").exists());
    // The standalone command has nothing to measure to: a clear error.
    write_tif(
        &ws.path("like.tif"),
        "EPSG:32648",
        [680000.0, 250.0, 0.0, 4767500.0, 0.0, -250.0],
        W,
        30,
        vec![0.0; W * 30],
        None,
    );
    let e = refused(
        &ws,
        &[
            "proximity",
            "e.geojson",
            "--like",
            "like.tif",
            "--out",
            "d.tif",
        ],
        None,
    );
    assert!(e.contains("e.geojson") && e.contains("no features"), "{e}");
    assert!(!ws.path("d.tif").exists());
    let info = run_ok(&ws, &["info", "e.geojson"]);
    assert!(info.contains('0'), "{info}");
}

#[test]
fn null_and_empty_geometries_are_skipped() {
    let ws = Workspace::new();
    ws.write(
        "n.geojson",
        &feature_collection(
            Some("urn:ogc:def:crs:EPSG::32648"),
            &[
                "null",
                "{\"type\": \"LineString\", \"coordinates\": [[685100, 4760000], [685100, 4767500]]}",
                "{\"type\": \"LineString\", \"coordinates\": []}",
            ],
        ),
    );
    let (stdout, _) = project_ok(&ws, &faults_project("n.geojson", ""));
    assert!(
        stdout.contains("v: vector (faults), 1 features"),
        "{stdout}"
    );
    let cells = burnt(&ws);
    assert_eq!(cells.len(), 30);
    assert!(cells.iter().all(|&(_, c)| c == 20));
    let d = distance(&ws);
    assert!((d[0] - 4975.0).abs() < 1e-3, "{}", d[0]);
}

#[test]
fn self_intersecting_polygon_burns_and_measures() {
    // A bow tie: two triangles of 6 km² each meeting at (685000, 4764000). GEOS calls it
    // invalid; burning (centre inside, even-odd) and distances must still work.
    let ws = Workspace::new();
    ws.write(
        "b.geojson",
        &feature_collection(
            Some("urn:ogc:def:crs:EPSG::32648"),
            &[
                "{\"type\": \"Polygon\", \"coordinates\": [[[682000, 4762000], [688000, 4766000], \
               [688000, 4762000], [682000, 4766000], [682000, 4762000]]]}",
            ],
        ),
    );
    project_ok(&ws, &faults_project("b.geojson", ""));
    // 12 km² of 250 m cells; no cell centre lies on an edge.
    let cells = burnt(&ws);
    assert_eq!(cells.len(), 192);
    // Inside the left triangle; at its tip's left; left of its vertical edge x = 682000.
    assert!(cells.contains(&(14, 12)));
    let d = distance(&ws);
    assert_eq!(d[14 * W + 12], 0.0);
    assert!((d[13 * W] - 1875.0).abs() < 1e-3, "{}", d[13 * W]);
    // Above the crossing point (685000, 4764000), outside both triangles (centre
    // (684875, 4766125)): the nearest boundary is the edge from (688000, 4762000) to
    // (682000, 4766000), the line 2x + 3y = 15662000.
    let expect = (2.0 * 684875.0 + 3.0 * 4766125.0 - 15_662_000.0) / 13f64.sqrt();
    assert!(
        (d[5 * W + 19] - expect).abs() < 1e-3,
        "{} vs {expect}",
        d[5 * W + 19]
    );
    if have("gdal_rasterize") {
        let out = ws.path("ref.tif");
        let status = std::process::Command::new("gdal_rasterize")
            .args([
                "-q", "-burn", "1", "-init", "0", "-te", "680000", "4760000", "690000", "4767500",
            ])
            .args(["-tr", "250", "250", "-ot", "Int32"])
            .arg(ws.path("b.geojson"))
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let (_, _, reference) = read_band(&out);
        let (_, _, ours) = read_band(&ws.path("out/layers/v.tif"));
        assert_eq!(ours, reference);
    }
}

#[test]
fn multipart_and_zm_geometries_are_flattened() {
    // A MULTILINESTRING ZM (a fault in two segments, with elevation and measure) and a
    // MULTIPOLYGON Z with a hole, from a CSV with a WKT column (OGR's CSV driver).
    let ws = Workspace::new();
    ws.write(
        "zm.csv",
        "WKT,name\n\
         \"MULTILINESTRING ZM ((685100 4760000 100 0,685100 4763100 250 1),(685100 4763900 300 2,685100 4767500 50 3))\",fault\n\
         \"MULTIPOLYGON Z (((681000 4765000 5,683000 4765000 5,683000 4767000 5,681000 4767000 5,681000 4765000 5),\
         (681500 4765500 0,682500 4765500 0,682500 4766500 0,681500 4766500 0,681500 4765500 0)))\",block\n",
    );
    let (stdout, _) = project_ok(&ws, &faults_project("zm.csv", "crs = \"EPSG:32648\"\n"));
    assert!(
        stdout.contains("v: vector (faults), 2 features"),
        "{stdout}"
    );
    let cells = burnt(&ws);
    let line: Vec<_> = cells.iter().filter(|&&(_, c)| c == 20).collect();
    // Rows 0..=14 (the upper part reaches 4763900, in row 14) and 17..=29 (from 4763100).
    assert_eq!(line.len(), 28, "{line:?}");
    assert!(!line.iter().any(|&&(r, _)| r == 15 || r == 16));
    // The polygon: 8 x 8 cells minus the 4 x 4 hole.
    assert_eq!(cells.len() - line.len(), 48);
    let d = distance(&ws);
    // East of the fault (centre x 689875): 4775 m along rows beside either part, and across the
    // gap between the parts (rows 15 and 16, 275 m from the nearer end), in 2-D whatever the Z
    // values.
    assert!((d[29 * W + 39] - 4775.0).abs() < 1e-3, "{}", d[29 * W + 39]);
    assert!((d[39] - 4775.0).abs() < 1e-3, "{}", d[39]);
    let gap = 4775.0f64.hypot(275.0);
    for r in [15, 16] {
        assert!((d[r * W + 39] - gap).abs() < 1e-3, "{}", d[r * W + 39]);
    }
    // Inside the hole (centre (681875, 4766125)): 375 m to the hole's edge; in the solid part 0.
    assert!((d[5 * W + 7] - 375.0).abs() < 1e-3, "{}", d[5 * W + 7]);
    assert_eq!(d[2 * W + 4], 0.0);
}

#[test]
fn legacy_geojson_crs_member_is_honoured() {
    // GeoJSON 2008 allowed a `crs` member; files in UTM still carry one. The same fault given
    // in UTM 48N and in UTM 47N must land on the same cells.
    let ws = Workspace::new();
    ws.write(
        "utm48.geojson",
        &feature_collection(
            Some("urn:ogc:def:crs:EPSG::32648"),
            &["{\"type\": \"LineString\", \"coordinates\": [[685100, 4760000], [685100, 4767500]]}"],
        ),
    );
    project_ok(&ws, &faults_project("utm48.geojson", ""));
    let d48 = distance(&ws);
    assert!((d48[0] - 4975.0).abs() < 1e-3, "{}", d48[0]);
    assert!(burnt(&ws).iter().all(|&(_, c)| c == 20));
    // In zone 47 (coordinates from cs2cs: `echo 685100 4760000 | cs2cs EPSG:32648 EPSG:32647`),
    // densified so that the straight line in zone 47 stays within centimetres of the one in 48.
    if !have("cs2cs") {
        return;
    }
    let input: String = (0..=30)
        .map(|i| format!("685100 {}\n", 4_760_000 + 250 * i))
        .collect();
    let pts = crate::fixtures::cs2cs("EPSG:32648", "EPSG:32647", &input);
    let coords: Vec<String> = pts
        .iter()
        .map(|p| format!("[{}, {}]", p[0], p[1]))
        .collect();
    ws.write(
        "utm47.geojson",
        &feature_collection(
            Some("EPSG:32647"),
            &[&format!(
                "{{\"type\": \"LineString\", \"coordinates\": [{}]}}",
                coords.join(", ")
            )],
        ),
    );
    let (stdout, _) = project_ok(&ws, &faults_project("utm47.geojson", ""));
    assert!(stdout.contains("from EPSG:32647"), "{stdout}");
    let d47 = distance(&ws);
    for (a, b) in d47.iter().zip(&d48) {
        assert!((a - b).abs() < 0.05, "{a} vs {b}");
    }
}

#[test]
fn features_outside_the_study_area() {
    // Nothing is burnt, distances are still true distances, and features on the other side of
    // the world (still transformable) do not disturb them.
    let ws = Workspace::new();
    ws.write(
        "far.geojson",
        &feature_collection(
            Some("urn:ogc:def:crs:EPSG::32648"),
            &["{\"type\": \"LineString\", \"coordinates\": [[700000, 4700000], [700000, 4800000]]}"],
        ),
    );
    // Beside samples on the grid (alone it would put nothing on it), with a warning.
    ws.write(
        "s.csv",
        &lattice_csv(30, "Mo_ppm", |i| format!("{}", 1 + i)),
    );
    let samples = utm_samples("s.csv");
    let (stdout, stderr) = project_ok(&ws, &faults_project("far.geojson", &samples));
    assert!(stdout.contains("0 cells covered"), "{stdout}");
    assert!(
        stderr.contains("vector v (1 features) at [700000, 4700000, 700000, 4800000] has nothing on the analysis grid"),
        "{stderr}"
    );
    assert!(burnt(&ws).is_empty());
    let d = distance(&ws);
    assert!((d[0] - 19875.0).abs() < 1e-3, "{}", d[0]);
    assert!((d[W - 1] - 10125.0).abs() < 1e-3, "{}", d[W - 1]);
    ws.write(
        "world.geojson",
        &feature_collection(
            None,
            &[
                "{\"type\": \"LineString\", \"coordinates\": [[-70.0, -30.0], [-71.0, -31.0]]}",
                "{\"type\": \"Point\", \"coordinates\": [107.28, 43.03]}",
            ],
        ),
    );
    project_ok(&ws, &faults_project("world.geojson", &samples));
    assert_eq!(burnt(&ws).len(), 1);
    let d = distance(&ws);
    // The point's own cell: no farther than half the cell's diagonal.
    let nearest = d.iter().cloned().fold(f64::MAX, f64::min);
    assert!(nearest <= 125.0 * 2f64.sqrt(), "{nearest}");
}

#[test]
fn vector_with_an_unusable_crs_is_refused() {
    let ws = Workspace::new();
    let junk = "PROJCS[\\\"junk\\\",GEOGCS[\\\"WGS 84\\\",DATUM[\\\"WGS_1984\\\",SPHEROID[\\\"WGS 84\\\",6378137,298.257223563]],PRIMEM[\\\"Greenwich\\\",0],UNIT[\\\"degree\\\",0.0174532925199433]],PROJECTION[\\\"Nonexistent_Projection\\\"],UNIT[\\\"metre\\\",1]]";
    ws.write(
        "v.geojson",
        &feature_collection(
            None,
            &["{\"type\": \"LineString\", \"coordinates\": [[685100, 4760000], [685100, 4767500]]}"],
        ),
    );
    ws.write(
        "p.toml",
        &faults_project("v.geojson", &format!("crs = \"{junk}\"\n")),
    );
    let e = refused(&ws, &["run", "p.toml", "--out", "out"], Some("out"));
    assert!(
        e.contains("v.geojson") && e.contains("Nonexistent_Projection") && e.contains("PROJ"),
        "{e}"
    );
}
