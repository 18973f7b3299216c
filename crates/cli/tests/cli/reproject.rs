//! Coordinates through PROJ against PROJ's own `cs2cs`, for the CRSs Mongolian and Korean
//! surveys use: WGS 84 lon/lat, UTM 45N-50N, Korea 2000 belts and Korea 2000 Unified.
//!
//! `cs2cs` uses each CRS's authority axis order: EPSG:4326 is latitude, longitude; the Korea
//! 2000 CRSs (EPSG:5179, 5185-5188) are northing, easting. geoprospect always uses easting,
//! northing (longitude, latitude), so the test swaps where the authority says so.
use geoprospect::io::crs::{Crs, Transformer};

use crate::fixtures::{cs2cs, have, project_ok, Workspace};

/// Whether a CRS's authority axis order puts latitude/northing first.
fn northing_first(code: &str) -> bool {
    matches!(
        code,
        "EPSG:4326" | "EPSG:5179" | "EPSG:5185" | "EPSG:5186" | "EPSG:5187" | "EPSG:5188"
    )
}

fn check_pair(from: &str, to: &str, points: &[(f64, f64)]) {
    let t = Transformer::new(&Crs::parse(from).unwrap(), &Crs::parse(to).unwrap()).unwrap();
    let input: String = points
        .iter()
        .map(|&(x, y)| {
            if northing_first(from) {
                format!("{y} {x}\n")
            } else {
                format!("{x} {y}\n")
            }
        })
        .collect();
    let reference = cs2cs(from, to, &input);
    assert_eq!(
        reference.len(),
        points.len(),
        "cs2cs output for {from} -> {to}"
    );
    for (&(x, y), r) in points.iter().zip(&reference) {
        let (ex, ey) = if northing_first(to) {
            (r[1], r[0])
        } else {
            (r[0], r[1])
        };
        let (gx, gy) = t.point(x, y).unwrap();
        // cs2cs prints 6 decimals; metres to 1 mm, degrees to 1e-6 (~0.1 m).
        let tol = if Crs::parse(to).unwrap().is_geographic() {
            2e-6
        } else {
            1e-3
        };
        assert!(
            (gx - ex).abs() < tol && (gy - ey).abs() < tol,
            "{from} -> {to}: ({x}, {y}) gave ({gx}, {gy}), cs2cs ({ex}, {ey})"
        );
    }
}

#[test]
fn wgs84_to_utm_zones_45_to_50_match_cs2cs() {
    if !have("cs2cs") {
        return;
    }
    for (zone, lon0) in [
        (45, 87.0),
        (46, 93.0),
        (47, 99.0),
        (48, 105.0),
        (49, 111.0),
        (50, 117.0),
    ] {
        let pts = [(lon0 - 2.5, 42.0), (lon0, 46.5), (lon0 + 2.9, 50.1)];
        check_pair("EPSG:4326", &format!("EPSG:326{zone}"), &pts);
    }
}

#[test]
fn korea_2000_belts_and_unified_match_cs2cs() {
    if !have("cs2cs") {
        return;
    }
    let pts = [
        (126.9780, 37.5665),
        (128.6, 35.87),
        (129.36, 36.02),
        (127.38, 36.35),
    ];
    for code in [
        "EPSG:5179",
        "EPSG:5185",
        "EPSG:5186",
        "EPSG:5187",
        "EPSG:5188",
    ] {
        check_pair("EPSG:4326", code, &pts);
    }
    // Between projected Korean systems, as the sample batches do (5179 samples, 5186 grid).
    check_pair(
        "EPSG:5179",
        "EPSG:5186",
        &[(955804.8163, 1944643.7158), (1100000.0, 1800000.0)],
    );
    check_pair("EPSG:5186", "EPSG:4326", &[(200000.0, 544504.1235)]);
}

#[test]
fn utm_to_wgs84_matches_cs2cs() {
    if !have("cs2cs") {
        return;
    }
    check_pair(
        "EPSG:32648",
        "EPSG:4326",
        &[(600000.0, 4800000.0), (350000.0, 5200000.0)],
    );
}

/// Through the binary: a CSV in lon/lat lands where `cs2cs` puts it, within the grid.
#[test]
fn run_locates_csv_samples_like_cs2cs() {
    if !have("cs2cs") {
        return;
    }
    let ws = Workspace::new();
    ws.write(
        "s.csv",
        "id,lon,lat,Mo_ppm\na,107.20,43.10,1.5\nb,107.25,43.15,<0.5\nc,107.30,43.05,2\n",
    );
    let (stdout, _) = project_ok(
        &ws,
        "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 100.0\n\n\
         [[samples]]\npath = \"s.csv\"\nx = \"lon\"\ny = \"lat\"\ncrs = \"EPSG:4326\"\n",
    );
    // The default extent is the samples' bounding box plus 10 cells, snapped outward to 100 m:
    // eastings 679030-695xxx -> at least 18 km wide.
    assert!(stdout.contains("analysis grid:"), "{stdout}");
    let text = std::fs::read_to_string(ws.path("out/points/s.csv")).unwrap();
    let reference = cs2cs(
        "EPSG:4326",
        "EPSG:32648",
        "43.10 107.20\n43.15 107.25\n43.05 107.30\n",
    );
    for (line, r) in text.lines().skip(1).zip(&reference) {
        let f: Vec<&str> = line.split(',').collect();
        let (x, y): (f64, f64) = (f[0].parse().unwrap(), f[1].parse().unwrap());
        assert!(
            (x - r[0]).abs() < 1e-3 && (y - r[1]).abs() < 1e-3,
            "{line} vs {r:?}"
        );
        assert_eq!(f[2], "true");
    }
}
