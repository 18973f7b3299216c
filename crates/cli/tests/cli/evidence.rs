//! Evidence layers through the binary: proximity against a brute-force distance, membership
//! against the formulas with percentiles from a sort.
use geo::{Coord, Distance, Euclidean, Geometry, LineString, Point, Polygon};

use crate::fixtures::{
    cs2cs, field, have, metadata, read_band, refused, run_ok, write_tif, Workspace,
};

const UTM: &str = "EPSG:32648";

/// A 60 x 50 grid of 100 m cells in UTM 48N.
fn grid_tif(ws: &Workspace, name: &str, w: usize, h: usize) {
    write_tif(
        &ws.path(name),
        UTM,
        [600_000.0, 100.0, 0.0, 4_505_000.0, 0.0, -100.0],
        w,
        h,
        vec![0.0; w * h],
        None,
    );
}

/// Lines, a polygon with a hole and a point, in UTM coordinates (GeoJSON with a `crs` member).
fn features() -> (String, Vec<Geometry<f64>>) {
    let line1 = vec![
        (600_350.0, 4_504_700.0),
        (603_120.0, 4_502_050.0),
        (605_900.0, 4_503_300.0),
    ];
    let line2 = vec![(601_000.0, 4_500_200.0), (601_250.0, 4_501_800.0)];
    let outer = vec![
        (603_500.0, 4_501_000.0),
        (605_200.0, 4_500_600.0),
        (605_000.0, 4_502_000.0),
        (603_700.0, 4_501_900.0),
        (603_500.0, 4_501_000.0),
    ];
    let hole = vec![
        (604_000.0, 4_501_200.0),
        (604_500.0, 4_501_200.0),
        (604_400.0, 4_501_600.0),
        (604_000.0, 4_501_200.0),
    ];
    let point = (600_777.0, 4_503_333.0);
    let coords = |v: &[(f64, f64)]| {
        v.iter()
            .map(|(x, y)| format!("[{x},{y}]"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let json = format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::32648"}}}},
"features":[
{{"type":"Feature","properties":{{"kind":"fault"}},"geometry":{{"type":"LineString","coordinates":[{}]}}}},
{{"type":"Feature","properties":{{"kind":"fault"}},"geometry":{{"type":"LineString","coordinates":[{}]}}}},
{{"type":"Feature","properties":{{"kind":"granite"}},"geometry":{{"type":"Polygon","coordinates":[[{}],[{}]]}}}},
{{"type":"Feature","properties":{{"kind":"showing"}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}
]}}"#,
        coords(&line1),
        coords(&line2),
        coords(&outer),
        coords(&hole),
        point.0,
        point.1
    );
    let ls = |v: &[(f64, f64)]| LineString::from(v.to_vec());
    let geoms = vec![
        Geometry::LineString(ls(&line1)),
        Geometry::LineString(ls(&line2)),
        Geometry::Polygon(Polygon::new(ls(&outer), vec![ls(&hole)])),
        Geometry::Point(Point::new(point.0, point.1)),
    ];
    (json, geoms)
}

fn brute(geoms: &[Geometry<f64>], x: f64, y: f64) -> f64 {
    let p = Point(Coord { x, y });
    geoms
        .iter()
        .map(|g| match g {
            Geometry::LineString(l) => Euclidean::distance(&p, l),
            Geometry::Polygon(poly) => Euclidean::distance(&p, poly),
            Geometry::Point(q) => Euclidean::distance(&p, q),
            _ => unreachable!(),
        })
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn proximity_matches_brute_force_distance_to_true_geometry() {
    let ws = Workspace::new();
    grid_tif(&ws, "grid.tif", 60, 50);
    let (json, geoms) = features();
    ws.write("f.geojson", &json);
    let out = run_ok(
        &ws,
        &[
            "proximity",
            "f.geojson",
            "--like",
            "grid.tif",
            "--out",
            "d.tif",
        ],
    );
    assert!(out.contains("d.tif"), "{out}");
    let (w, h, d) = read_band(&ws.path("d.tif"));
    assert_eq!((w, h), (60, 50));
    let mut inside = 0;
    for r in 0..h {
        for c in 0..w {
            let (x, y) = (600_050.0 + c as f64 * 100.0, 4_504_950.0 - r as f64 * 100.0);
            let expected = brute(&geoms, x, y);
            let got = d[r * w + c];
            assert!(
                (got - expected).abs() < 1e-2,
                "cell ({r}, {c}): {got} vs {expected}"
            );
            inside += usize::from(expected == 0.0);
        }
    }
    assert!(inside > 50, "the polygon covers cells: {inside}");
    assert!(metadata(&ws.path("d.tif"), "GEOPROSPECT_PROXIMITY", "").is_some());

    // A `where` filter keeps only the faults.
    run_ok(
        &ws,
        &[
            "proximity",
            "f.geojson",
            "--like",
            "grid.tif",
            "--out",
            "faults.tif",
            "--where",
            "kind = 'fault'",
        ],
    );
    let (_, _, f) = read_band(&ws.path("faults.tif"));
    let (x, y) = (600_050.0 + 30.0 * 100.0, 4_504_950.0 - 40.0 * 100.0);
    assert!((f[40 * w + 30] - brute(&geoms[..2], x, y)).abs() < 1e-2);
}

#[test]
fn proximity_reprojects_features_like_proj() {
    if !have("cs2cs") {
        return;
    }
    let ws = Workspace::new();
    grid_tif(&ws, "grid.tif", 40, 40);
    // A lon/lat point inside the grid.
    let (lon, lat) = (104.2, 40.66);
    ws.write(
        "p.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}]}}"#
        ),
    );
    let projected = cs2cs("EPSG:4326", UTM, &format!("{lat} {lon}\n"));
    let (px, py) = (projected[0][0], projected[0][1]);
    run_ok(
        &ws,
        &[
            "proximity",
            "p.geojson",
            "--like",
            "grid.tif",
            "--out",
            "d.tif",
        ],
    );
    let (w, h, d) = read_band(&ws.path("d.tif"));
    let mut checked = 0;
    for r in 0..h {
        for c in 0..w {
            let (x, y) = (600_050.0 + c as f64 * 100.0, 4_504_950.0 - r as f64 * 100.0);
            let expected = ((x - px).powi(2) + (y - py).powi(2)).sqrt();
            assert!((d[r * w + c] - expected).abs() < 0.01, "({r}, {c})");
            checked += 1;
        }
    }
    assert_eq!(checked, 1600);
}

#[test]
fn proximity_is_bit_identical_for_any_thread_count() {
    let ws = Workspace::new();
    // 1100 x 1000 cells: two engine blocks.
    grid_tif(&ws, "grid.tif", 1100, 1000);
    let (json, _) = features();
    ws.write("f.geojson", &json);
    for t in ["1", "2", "3"] {
        run_ok(
            &ws,
            &[
                "proximity",
                "f.geojson",
                "--like",
                "grid.tif",
                "--out",
                &format!("d{t}.tif"),
                "--threads",
                t,
                "-q",
            ],
        );
    }
    let a = std::fs::read(ws.path("d1.tif")).unwrap();
    assert_eq!(a, std::fs::read(ws.path("d2.tif")).unwrap());
    assert_eq!(a, std::fs::read(ws.path("d3.tif")).unwrap());
}

#[test]
fn proximity_errors_are_one_line() {
    let ws = Workspace::new();
    grid_tif(&ws, "grid.tif", 10, 10);
    let (json, _) = features();
    ws.write("f.geojson", &json);
    let e = refused(
        &ws,
        &[
            "proximity",
            "f.geojson",
            "--like",
            "grid.tif",
            "--out",
            "d.tif",
            "--where",
            "kind = 'none'",
        ],
        None,
    );
    assert!(e.contains("f.geojson") && e.contains("no features"), "{e}");
    let e = refused(
        &ws,
        &[
            "proximity",
            "missing.geojson",
            "--like",
            "grid.tif",
            "--out",
            "d.tif",
        ],
        None,
    );
    assert!(e.contains("missing.geojson"), "{e}");
    assert!(!ws.path("d.tif").exists());
}

/// numpy's percentile (linear) by sorting.
fn percentile(data: &[f64], p: f64) -> f64 {
    let mut v: Vec<f64> = data.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(|a, b| a.total_cmp(b));
    let pos = p / 100.0 * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    let t = pos - lo as f64;
    if t >= 0.5 {
        v[hi] - (v[hi] - v[lo]) * (1.0 - t)
    } else {
        v[lo] + (v[hi] - v[lo]) * t
    }
}

#[test]
fn membership_with_percentile_thresholds() {
    let ws = Workspace::new();
    let (w, h) = (70, 45);
    let mut values = field(w, h);
    values[5] = -9999.0; // nodata
    write_tif(
        &ws.path("mo.tif"),
        UTM,
        [600_000.0, 100.0, 0.0, 4_505_000.0, 0.0, -100.0],
        w,
        h,
        values,
        Some(-9999.0),
    );
    let (_, _, input) = read_band(&ws.path("mo.tif"));
    let input: Vec<f64> = input
        .iter()
        .map(|&v| if v == -9999.0 { f64::NAN } else { v })
        .collect();

    let out = run_ok(
        &ws,
        &[
            "membership",
            "mo.tif",
            "--fn",
            "large",
            "--midpoint",
            "p90",
            "--spread",
            "5",
            "--out",
            "m.tif",
        ],
    );
    let mid = percentile(&input, 90.0);
    assert!(out.contains(&format!("midpoint={mid}")), "{out} vs {mid}");
    let (_, _, m) = read_band(&ws.path("m.tif"));
    for (i, (&x, &v)) in input.iter().zip(&m).enumerate() {
        if x.is_nan() {
            assert!(v.is_nan(), "cell {i} should be nodata");
            continue;
        }
        let expected = 1.0 / (1.0 + (x / mid).powf(-5.0));
        assert!((v - expected).abs() < 1e-6, "cell {i}: {v} vs {expected}");
    }

    run_ok(
        &ws,
        &[
            "membership",
            "mo.tif",
            "--fn",
            "linear",
            "--low",
            "p10",
            "--high",
            "p98",
            "--out",
            "l.tif",
        ],
    );
    let (lo, hi) = (percentile(&input, 10.0), percentile(&input, 98.0));
    let (_, _, l) = read_band(&ws.path("l.tif"));
    for (&x, &v) in input.iter().zip(&l) {
        if !x.is_nan() {
            let expected = ((x - lo) / (hi - lo)).clamp(0.0, 1.0);
            assert!((v - expected).abs() < 1e-6);
        }
    }
    let meta = metadata(&ws.path("l.tif"), "GEOPROSPECT_MEMBERSHIP", "").unwrap();
    assert!(meta.contains("p10, p98"), "{meta}");

    for (args, expected) in [
        (
            vec!["--fn", "gaussian", "--midpoint", "12", "--spread", "0.1"],
            Box::new(|x: f64| (-0.1 * (x - 12.0) * (x - 12.0)).exp()) as Box<dyn Fn(f64) -> f64>,
        ),
        (
            vec!["--fn", "sigmoid", "--midpoint", "10", "--slope", "-1.5"],
            Box::new(|x: f64| 1.0 / (1.0 + (1.5 * (x - 10.0)).exp())),
        ),
    ] {
        let mut all = vec!["membership", "mo.tif", "--out", "g.tif"];
        all.extend(args);
        run_ok(&ws, &all);
        let (_, _, g) = read_band(&ws.path("g.tif"));
        for (&x, &v) in input.iter().zip(&g) {
            if !x.is_nan() {
                assert!((v - expected(x)).abs() < 1e-6);
            }
        }
    }
}

#[test]
fn membership_parameter_errors() {
    let ws = Workspace::new();
    write_tif(
        &ws.path("a.tif"),
        UTM,
        [600_000.0, 100.0, 0.0, 4_505_000.0, 0.0, -100.0],
        4,
        4,
        vec![5.0; 16],
        None,
    );
    let e = refused(
        &ws,
        &["membership", "a.tif", "--fn", "large", "--out", "m.tif"],
        None,
    );
    assert!(e.contains("--midpoint"), "{e}");
    // The function as the user typed it, not its Rust name.
    let e = refused(
        &ws,
        &[
            "membership",
            "a.tif",
            "--fn",
            "large",
            "--low",
            "3",
            "--out",
            "m.tif",
        ],
        None,
    );
    assert!(e.ends_with("--low does not apply to --fn large"), "{e}");
    let e = refused(
        &ws,
        &[
            "membership",
            "a.tif",
            "--fn",
            "linear",
            "--low",
            "p10",
            "--high",
            "p90",
            "--out",
            "m.tif",
        ],
        None,
    );
    assert!(e.contains("a.tif") && e.contains("both 5"), "{e}");
    let e = refused(
        &ws,
        &[
            "membership",
            "a.tif",
            "--fn",
            "large",
            "--midpoint",
            "p200",
            "--out",
            "m.tif",
        ],
        None,
    );
    assert!(e.contains("p200"), "{e}");
    let e = refused(
        &ws,
        &[
            "membership",
            "a.tif",
            "--fn",
            "large",
            "--midpoint",
            "3",
            "--slope",
            "2",
            "--out",
            "m.tif",
        ],
        None,
    );
    assert!(e.contains("--slope"), "{e}");
    assert!(!ws.path("m.tif").exists());
}

#[test]
fn membership_is_bit_identical_for_any_thread_count() {
    let ws = Workspace::new();
    // 700 x 2200 cells in strips: two engine blocks, percentiles merged across them.
    let (w, h) = (700, 2200);
    write_tif(
        &ws.path("a.tif"),
        UTM,
        [600_000.0, 100.0, 0.0, 4_505_000.0, 0.0, -100.0],
        w,
        h,
        field(w, h),
        None,
    );
    for t in ["1", "2", "3"] {
        run_ok(
            &ws,
            &[
                "membership",
                "a.tif",
                "--fn",
                "linear",
                "--low",
                "p5",
                "--high",
                "p95",
                "--out",
                &format!("m{t}.tif"),
                "--threads",
                t,
                "-q",
            ],
        );
    }
    let a = std::fs::read(ws.path("m1.tif")).unwrap();
    assert_eq!(a, std::fs::read(ws.path("m2.tif")).unwrap());
    assert_eq!(a, std::fs::read(ws.path("m3.tif")).unwrap());
}
