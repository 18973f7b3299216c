//! `geoprospect catchments` on closed-form valleys: a DEM whose every flow path is known by
//! hand (cells flow sideways onto a valley axis, then down it), with a pit and a flat on one
//! axis, two valleys split by a ridge and nested samples; the snapping rule; refusals.
use gdal::Dataset;

use crate::fixtures::{
    project_ok, project_refused, read_band, refused, run_ok, write_tif, Workspace,
};

const UTM: &str = "EPSG:32648";
const W: usize = 60;
const H: usize = 50;
const X0: f64 = 600_000.0;
const Y0: f64 = 4_505_000.0;
/// Valley axes; the ridge between them is column 30.
const AXES: [usize; 2] = [15, 45];

/// Height: 10 m a column away from the nearer axis, 1 m a row towards the south edge, so a
/// cell's steepest descent is sideways (10 m) until it reaches the axis, then south along it.
/// The west axis has a pit at row 30 and is flat over rows 8..=14.
fn dem() -> Vec<f32> {
    (0..W * H)
        .map(|i| {
            let (r, c) = (i / W, i % W);
            let side = AXES.iter().map(|&a| c.abs_diff(a)).min().unwrap() as f32;
            let mut z = 10.0 * side + (H - 1 - r) as f32;
            if c == AXES[0] {
                if (8..=14).contains(&r) {
                    z = (H - 1 - 14) as f32;
                }
                if r == 30 {
                    z -= 4.0;
                }
            }
            z
        })
        .collect()
}

/// The centre of cell (row, col).
fn xy(r: usize, c: usize) -> (f64, f64) {
    (X0 + 100.0 * (c as f64 + 0.5), Y0 - 100.0 * (r as f64 + 0.5))
}

fn setup(samples: &[(&str, usize, usize, &str)]) -> Workspace {
    let ws = Workspace::new();
    write_tif(
        &ws.path("dem.tif"),
        UTM,
        [X0, 100.0, 0.0, Y0, 0.0, -100.0],
        W,
        H,
        dem(),
        None,
    );
    let mut csv = String::from("sample,east,north,Sn_ppm\n");
    for (id, r, c, v) in samples {
        let (x, y) = xy(*r, *c);
        csv += &format!("{id},{x},{y},{v}\n");
    }
    ws.write("s.csv", &csv);
    ws
}

fn catchments(ws: &Workspace, extra: &[&str]) -> String {
    let mut args = vec![
        "catchments",
        "dem.tif",
        "--samples",
        "s.csv",
        "--x",
        "east",
        "--y",
        "north",
        "--field",
        "Sn_ppm",
        "--id",
        "sample",
        "--labels",
        "labels.tif",
        "--out",
        "sn.tif",
    ];
    args.extend_from_slice(extra);
    run_ok(ws, &args)
}

fn band2(path: &std::path::Path) -> Vec<f64> {
    let ds = Dataset::open(path).unwrap();
    let b = ds.rasterband(2).unwrap();
    b.read_as::<f64>((0, 0), (W, H), (W, H), None)
        .unwrap()
        .data()
        .to_vec()
}

#[test]
fn nested_catchments_of_two_valleys_by_hand() {
    // Row 2 of the file: A at the foot of the west valley; row 3: B at the foot of the east
    // one; row 4: C upstream of B on the east axis; row 5: D below detection, upstream of A.
    let ws = setup(&[
        ("A", 48, 15, "12"),
        ("B", 48, 45, "30"),
        ("C", 20, 45, "90"),
        ("D", 5, 15, "<2"),
    ]);
    let out = catchments(&ws, &["--snap", "0", "--productivity"]);
    assert!(out.contains("4 of 4 samples have a catchment"), "{out}");
    let (w, h, labels) = read_band(&ws.path("labels.tif"));
    assert_eq!((w, h), (W, H));
    let values = read_band(&ws.path("sn.tif")).2;
    // By hand: a cell reaches its axis in its own row, then flows south; row 49 drains off
    // the grid below the samples; the ridge column 30 may go either way.
    for r in 0..H {
        for c in 0..W {
            let got = labels[r * W + c];
            let want = match (r, c) {
                (49, _) => 0.0,
                (_, 30) => {
                    let (west, east) = (labels[r * W + 29], labels[r * W + 31]);
                    assert!(got == west || got == east, "ridge ({r}, 30): {got}");
                    continue;
                }
                (0..=5, 0..=29) => 4.0,
                (_, 0..=29) => 1.0,
                (0..=20, _) => 3.0,
                _ => 2.0,
            };
            assert_eq!(got, want, "cell ({r}, {c})");
            let v = values[r * W + c];
            match want as usize {
                0 => assert!(v.is_nan()),
                1 => assert_eq!(v, 12.0),
                2 => assert_eq!(v, 30.0),
                3 => assert_eq!(v, 90.0),
                // Below detection: half the limit, as everywhere.
                _ => assert_eq!(v, 1.0),
            }
        }
    }
    // Productivity (Hawkes 1976): (C - median) x area; median of 12, 30, 90, 1 = 21; cells
    // of 0.01 km². C's catchment is rows 0..=20 of columns 31..=59 (21 x 29 cells) and the
    // ridge cells of those rows that drain east.
    let c_cells = labels.iter().filter(|&&l| l == 3.0).count();
    assert!((21 * 29..=21 * 30).contains(&c_cells), "{c_cells}");
    let p = band2(&ws.path("sn.tif"));
    let c_area = c_cells as f64 * 0.01;
    assert!(
        (p[10 * W + 50] - (90.0 - 21.0) * c_area).abs() < 1e-3,
        "{}",
        p[10 * W + 50]
    );

    // The polygons: one feature per sample, with its measures.
    let geo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("sn.geojson")).unwrap()).unwrap();
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 4);
    let c = features
        .iter()
        .find(|f| f["properties"]["sample"] == "C")
        .unwrap();
    let props = &c["properties"];
    assert_eq!(props["row"], 3);
    assert_eq!(props["value"], 90.0);
    assert_eq!(props["cells"], c_cells);
    assert!((props["area_km2"].as_f64().unwrap() - c_area).abs() < 1e-9);
    assert_eq!(props["background"], 21.0);
    assert_eq!(c["geometry"]["type"], "Polygon");
    let lon = c["geometry"]["coordinates"][0][0][0].as_f64().unwrap();
    assert!((105.0..108.0).contains(&lon), "{lon}");
    assert!(ws
        .files(".")
        .iter()
        .all(|f| !f.contains(".geoprospect-") && !f.contains(".tmp")));

    // The same bytes for any thread count.
    let files = ["labels.tif", "sn.tif", "sn.geojson"];
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(ws.path(f)).unwrap())
        .collect();
    catchments(&ws, &["--snap", "0", "--productivity", "--threads", "1"]);
    for (f, b) in files.iter().zip(&before) {
        assert!(
            std::fs::read(ws.path(f)).unwrap() == *b,
            "{f} differs with one thread"
        );
    }
}

/// The snapping rule: the highest accumulation within the distance, so a sample logged two
/// cells east of the axis moves onto it (the farthest-downstream axis cell in reach), while
/// `--snap 0` leaves it where it is, draining only its own row.
#[test]
fn samples_snap_to_the_highest_accumulation_within_the_distance() {
    let ws = setup(&[("B", 48, 45, "30"), ("C", 20, 47, "90")]);
    let out = catchments(&ws, &["--snap", "250"]);
    // B moves one row down onto the edge cell its valley leaves by.
    assert!(out.contains("2 snapped within 250 m"), "{out}");
    let labels = read_band(&ws.path("labels.tif")).2;
    // Axis cells within 2.5 cells of (20, 47): rows 19..=21 at distance ≤ 2.24; the lowest,
    // row 21, has the most upstream cells.
    for r in 0..H {
        let want = if r <= 21 { 2.0 } else { 1.0 };
        assert_eq!(labels[r * W + 50], want, "row {r}");
    }
    let geo = std::fs::read_to_string(ws.path("sn.geojson")).unwrap();
    assert!(geo.contains("\"snapped_m\":223.61"), "{geo}");

    catchments(&ws, &["--snap", "0"]);
    let labels = read_band(&ws.path("labels.tif")).2;
    let own: Vec<(usize, usize)> = (0..W * H)
        .filter(|&i| labels[i] == 2.0)
        .map(|i| (i / W, i % W))
        .collect();
    assert_eq!(own, (47..W).map(|c| (20, c)).collect::<Vec<_>>());

    // The default (100 m, at least 1.5 cells: here 150 m) does not reach the axis 2 cells away.
    let out = catchments(&ws, &[]);
    assert!(out.contains("within 150 m"), "{out}");
}

#[test]
fn bad_dems_and_samples_are_refused_in_one_line() {
    let ws = setup(&[("A", 48, 15, "12")]);
    let base = |dem: &str, field: &str| {
        vec![
            "catchments".to_string(),
            dem.into(),
            "--samples".into(),
            "s.csv".into(),
            "--x".into(),
            "east".into(),
            "--y".into(),
            "north".into(),
            "--field".into(),
            field.into(),
            "--labels".into(),
            "labels.tif".into(),
            "--out".into(),
            "sn.tif".into(),
        ]
    };
    let run = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&ws, &a, None)
    };
    // A DEM in longitude/latitude.
    write_tif(
        &ws.path("geo.tif"),
        "EPSG:4326",
        [105.0, 0.001, 0.0, 43.0, 0.0, -0.001],
        20,
        20,
        vec![1.0; 400],
        None,
    );
    let e = run(base("geo.tif", "Sn_ppm"));
    assert!(e.contains("geo.tif") && e.contains("geographic"), "{e}");
    // More than 10^8 cells: refused from the header, before any cell is read.
    ws.write(
        "huge.vrt",
        &format!(
            "<VRTDataset rasterXSize=\"20000\" rasterYSize=\"20000\"><SRS>{UTM}</SRS>\
             <GeoTransform>600000, 30, 0, 4500000, 0, -30</GeoTransform>\
             <VRTRasterBand dataType=\"Float32\" band=\"1\"/></VRTDataset>"
        ),
    );
    let e = run(base("huge.vrt", "Sn_ppm"));
    assert!(e.contains("huge.vrt") && e.contains("10^8"), "{e}");
    let e = run(base("dem.tif", "Sn"));
    assert!(e.contains("s.csv") && e.contains("\"Sn\""), "{e}");
    let e = run(base("missing.tif", "Sn_ppm"));
    assert!(e.contains("missing.tif"), "{e}");
    let mut same = base("dem.tif", "Sn_ppm");
    same[13] = "labels.tif".into();
    let e = run(same);
    assert!(e.contains("three different files"), "{e}");
    // The same file spelled two ways is one file: never an input, never two outputs.
    let mut dem_out = base("dem.tif", "Sn_ppm");
    dem_out[11] = "./dem.tif".into();
    let e = run(dem_out);
    assert!(e.contains("overwrite an input"), "{e}");
    let mut twice = base("dem.tif", "Sn_ppm");
    twice[11] = "./sn.tif".into();
    let e = run(twice);
    assert!(e.contains("three different files"), "{e}");
    let mut far_snap = base("dem.tif", "Sn_ppm");
    far_snap.extend(["--snap".into(), "1e12".into()]);
    let e = run(far_snap);
    assert!(e.contains("10000 m"), "{e}");
    let mut snap = base("dem.tif", "Sn_ppm");
    snap.extend(["--snap".into(), "-5".into()]);
    let e = run(snap);
    assert!(e.contains("snap"), "{e}");
    let mut lonely = base("dem.tif", "Sn_ppm");
    lonely.extend(["--background".into(), "3".into()]);
    let e = run(lonely);
    assert!(e.contains("--productivity"), "{e}");
    // Samples nowhere on the DEM: most likely a CRS mistake, refused naming the file.
    ws.write("far.csv", "sample,east,north,Sn_ppm\nZ,100000,200000,5\n");
    let mut far = base("dem.tif", "Sn_ppm");
    far[3] = "far.csv".into();
    let e = run(far);
    assert!(
        e.contains("far.csv") && e.contains("none of the 1 samples"),
        "{e}"
    );
    assert!(!ws.path("labels.tif").exists() && !ws.path("sn.tif").exists());
}

/// A project's stream-sediment set (`medium = "stream_sediment"`) is mapped over its
/// catchments on the raster with `role = "dem"`: the element grid is what the command gives
/// on the same grid, the run writes `catchments.geojson`, and tiled plans refuse it.
#[test]
fn stream_sediments_in_a_project_are_catchment_maps() {
    let ws = setup(&[
        ("A", 48, 15, "12"),
        ("B", 48, 45, "30"),
        ("C", 20, 45, "90"),
    ]);
    let project = |medium: &str, dem_role: &str| {
        format!(
            "[project]\nname = \"t\"\ncrs = \"{UTM}\"\nresolution = 100.0\n\
             extent = [{X0}, {}, {}, {Y0}]\ncommodities = [\"sn\"]\n\
             [[samples]]\npath = \"s.csv\"\nx = \"east\"\ny = \"north\"\ncrs = \"{UTM}\"\n{medium}\
             [[rasters]]\npath = \"dem.tif\"\nname = \"elevation\"\n{dem_role}",
            Y0 - 100.0 * H as f64,
            X0 + 100.0 * W as f64,
        )
    };
    let (stdout, _) = project_ok(
        &ws,
        &project("medium = \"stream_sediment\"\n", "role = \"dem\"\n"),
    );
    assert!(
        stdout.contains("over the catchments of 3 samples"),
        "{stdout}"
    );
    catchments(&ws, &[]);
    let (ours, direct) = (
        read_band(&ws.path("out/geochem/Sn.tif")).2,
        read_band(&ws.path("sn.tif")).2,
    );
    assert!(ours
        .iter()
        .zip(&direct)
        .all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())));
    assert_eq!(ours[10 * W + 50], 90.0);
    let geo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("out/catchments.geojson")).unwrap())
            .unwrap();
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    let c = features
        .iter()
        .find(|f| f["properties"]["sample"] == "C")
        .unwrap();
    assert_eq!(c["properties"]["set"], "s");
    assert_eq!(c["properties"]["Sn"], 90.0);
    assert!(c["properties"]["Sn_class"].is_string());
    // The report maps the Sn catchments (Sn is the preset's first element evidence).
    assert!(ws.path("out/map_sn_catchments.png").exists());
    let html = std::fs::read_to_string(ws.path("out/report.html")).unwrap();
    assert!(html.contains("over stream-sediment catchments"));

    let e = refused(
        &ws,
        &["plan", "p.toml", "--tiles", "2", "--out", "plan"],
        Some("plan"),
    );
    assert!(
        e.contains("catchment") && e.contains("geoprospect run"),
        "{e}"
    );
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    let e = project_refused(&ws, &project("medium = \"stream_sediment\"\n", ""));
    assert!(e.contains("role = \"dem\""), "{e}");
    let e = project_refused(
        &ws,
        &project("medium = \"soil\"\n", "role = \"dem\"\n").replace(
            "[[rasters]]",
            "[geochem]\nmethod = \"catchment\"\n[[rasters]]",
        ),
    );
    assert!(e.contains("samples[0]") && e.contains("soil"), "{e}");
    // A DEM that covers only the grid's north-east corner, away from every sample.
    write_tif(
        &ws.path("corner.tif"),
        UTM,
        [X0 + 5000.0, 100.0, 0.0, Y0, 0.0, -100.0],
        10,
        10,
        vec![100.0; 100],
        None,
    );
    let e = project_refused(
        &ws,
        &project("medium = \"stream_sediment\"\n", "role = \"dem\"\n")
            .replace("dem.tif", "corner.tif"),
    );
    assert!(e.contains("corner.tif") && e.contains("cover"), "{e}");
}

/// `--like GRID`: the DEM is warped onto the reference grid (here 200 m cells over the same
/// extent) and the catchments are computed there.
#[test]
fn like_puts_the_catchments_on_another_grid() {
    let ws = setup(&[("A", 48, 15, "12"), ("B", 48, 45, "30")]);
    let (w, h) = (W / 2, H / 2);
    write_tif(
        &ws.path("like.tif"),
        UTM,
        [X0, 200.0, 0.0, Y0, 0.0, -200.0],
        w,
        h,
        vec![0.0; w * h],
        None,
    );
    let out = catchments(&ws, &["--like", "like.tif"]);
    assert!(out.contains("2 of 2 samples have a catchment"), "{out}");
    assert!(out.contains("cells of 200 m"), "{out}");
    let (lw, lh, labels) = read_band(&ws.path("labels.tif"));
    assert_eq!((lw, lh), (w, h));
    // Upstream in the west valley drains to A (data row 1), in the east valley to B (row 2).
    assert_eq!(labels[5 * w + 3], 1.0);
    assert_eq!(labels[5 * w + 26], 2.0);
    assert!(ws.files(".").iter().all(|f| !f.contains(".geoprospect-")));
}

/// Labels are data rows in file order, whatever the features' ids: here the first feature has
/// id 10, the second (id 2) no geometry and the third id 3, so they are rows 1 and 3.
#[test]
fn labels_count_features_in_file_order() {
    let ws = setup(&[]);
    let ((ax, ay), (bx, by)) = (xy(48, 15), xy(48, 45));
    ws.write(
        "s.geojson",
        &format!(
            "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":\
             {{\"name\":\"urn:ogc:def:crs:EPSG::32648\"}}}},\"features\":[\
             {{\"type\":\"Feature\",\"id\":10,\"properties\":{{\"Sn_ppm\":12}},\
             \"geometry\":{{\"type\":\"Point\",\"coordinates\":[{ax},{ay}]}}}},\
             {{\"type\":\"Feature\",\"id\":2,\"properties\":{{\"Sn_ppm\":5}},\"geometry\":null}},\
             {{\"type\":\"Feature\",\"id\":3,\"properties\":{{\"Sn_ppm\":30}},\
             \"geometry\":{{\"type\":\"Point\",\"coordinates\":[{bx},{by}]}}}}]}}"
        ),
    );
    run_ok(
        &ws,
        &[
            "catchments",
            "dem.tif",
            "--samples",
            "s.geojson",
            "--field",
            "Sn_ppm",
            "--labels",
            "labels.tif",
            "--out",
            "sn.tif",
        ],
    );
    let labels = read_band(&ws.path("labels.tif")).2;
    assert_eq!(labels[10 * W + 10], 1.0);
    assert_eq!(labels[10 * W + 50], 3.0);
}
