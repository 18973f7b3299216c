//! `geoprospect anomalies`: thresholds.csv by hand on a table made here and against numpy's
//! values on the Kola soils; samples.geojson read back as JSON and by `ogrinfo`.
use std::path::Path;

use serde_json::Value;

use crate::fixtures::{have, refused, run_ok, Workspace};

const COLUMNS: &str =
    "element,unit,n,n_censored,n_missing,median,median_2mad,tukey_upper,p95,ca_thresholds";

/// Ten samples on a 5 x 2 lattice in Korea; Mo_ppm is 1..10, La has one value below
/// detection (`<2` → 1) and one missing.
fn small_table(ws: &Workspace) -> std::path::PathBuf {
    let mut text = String::from("Sample ID,lon,lat,Mo_ppm,La\n");
    let la = ["10", "<2", "30", "", "50", "60", "70", "80", "90", "100"];
    for (i, la) in la.iter().enumerate() {
        let (lon, lat) = (127.0 + 0.01 * (i % 5) as f64, 37.0 + 0.01 * (i / 5) as f64);
        text.push_str(&format!("S{},{lon},{lat},{},{la}\n", i + 1, i + 1));
    }
    ws.write("samples.csv", &text)
}

/// thresholds.csv as (header, rows of cells).
fn read_thresholds(path: &Path) -> (String, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("{s:?} is not a number"))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs()
}

/// Checks RFC 7946 basics of a FeatureCollection of points; returns its features.
fn check_geojson(path: &Path, n: usize) -> Vec<Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert!(v.get("crs").is_none(), "RFC 7946 has no crs member");
    let features = v["features"].as_array().unwrap().clone();
    assert_eq!(features.len(), n);
    for f in &features {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "Point");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(c.len(), 2);
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        for v in [lon, lat] {
            assert!(
                ((v * 1e7).round() / 1e7 - v).abs() < 1e-12,
                "{v} has more than 7 decimals"
            );
        }
    }
    if have("ogrinfo") {
        let out = std::process::Command::new("ogrinfo")
            .args(["-ro", "-so", "-al"])
            .arg(path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains(&format!("Feature Count: {n}")), "{text}");
        assert!(text.contains("Geometry: Point"), "{text}");
    }
    features
}

#[test]
fn small_table_thresholds_by_hand() {
    let ws = Workspace::new();
    small_table(&ws);
    let stdout = run_ok(
        &ws,
        &[
            "anomalies",
            "samples.csv",
            "--x",
            "lon",
            "--y",
            "lat",
            "--points-crs",
            "EPSG:4326",
            "--out-dir",
            "out",
        ],
    );
    let (header, rows) = read_thresholds(&ws.path("out/thresholds.csv"));
    assert_eq!(header, COLUMNS);
    assert_eq!(rows.len(), 2);
    // Mo_ppm = 1..10: median 5.5, p95 9.55, median_2mad = √30 · 2.4^1.4826 = 20.0568,
    // tukey_upper = (7^0.25 · 8^0.75)^2.5 / (3^0.75 · 4^0.25)^1.5 = 28.7704 (geochem::anomaly).
    let mo = &rows[0];
    assert_eq!(mo[..5], ["Mo (Mo_ppm)", "ppm", "10", "0", "0"]);
    assert_eq!(num(&mo[5]), 5.5);
    assert!(close(
        num(&mo[6]),
        30f64.sqrt() * 2.4f64.powf(1.4826),
        1e-12
    ));
    assert!(close(num(&mo[7]), 28.770412739516, 1e-12));
    assert!(close(num(&mo[8]), 9.55, 1e-12));
    for t in mo[9].split(';').filter(|t| !t.is_empty()) {
        assert!((1.0..=10.0).contains(&num(t)), "{}", mo[9]);
    }
    // La: 10, 1 (half of <2), 30, -, 50 ... 100: 9 numbers, sorted 1 10 30 50 60 ..., median 60;
    // p95: h = 8 × 0.95 = 7.6 → 90 + 0.6 × 10 = 96.
    let la = &rows[1];
    assert_eq!(la[..5], ["La", "ppm", "9", "1", "1"]);
    assert_eq!(num(&la[5]), 60.0);
    assert!(close(num(&la[8]), 96.0, 1e-12));

    let features = check_geojson(&ws.path("out/samples.geojson"), 10);
    let p = &features[1]["properties"];
    let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        7,
        "Sample ID + 3 per column: {keys:?}" // serde_json sorts keys; order is checked below
    );
    assert_eq!(p["Sample ID"], "S2");
    assert_eq!(p["Mo_ppm"], 2.0);
    assert_eq!(p["Mo_ppm_flag"], "");
    assert_eq!(p["Mo_ppm_class"], "background");
    assert_eq!(
        (p["La"].as_f64(), &p["La_flag"]),
        (Some(1.0), &Value::from("<"))
    );
    let p3 = &features[3]["properties"];
    assert_eq!(
        (&p3["La"], &p3["La_flag"], &p3["La_class"]),
        (&Value::Null, &Value::from("na"), &Value::Null)
    );
    // Properties are written in column order: id, then value, flag, class per column.
    let text = std::fs::read_to_string(ws.path("out/samples.geojson")).unwrap();
    assert!(text.contains(
        r#""properties":{"Sample ID":"S1","Mo_ppm":1.0,"Mo_ppm_flag":"","Mo_ppm_class":"background","La":10.0,"La_flag":"","#
    ), "{text}");
    // The first sample is at (127, 37) exactly.
    assert!(text.contains(r#""coordinates":[127.0,37.0]"#), "{text}");

    // The table on stdout: aligned header and one line per column.
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("element") && lines[0].contains("ca_thresholds"),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("Mo (Mo_ppm)") && lines[2].starts_with("La "),
        "{stdout}"
    );
    let col = |l: &str| l.find("median ").or_else(|| l.find("5.500"));
    assert!(
        col(lines[0]).is_some() && col(lines[1]).is_some(),
        "{stdout}"
    );
    assert!(
        stdout.contains("EPSG:32652"),
        "UTM zone 52N for 127E: {stdout}"
    );
    // Nothing else in the output folder (no staging left).
    assert_eq!(ws.files("out"), ["samples.geojson", "thresholds.csv"]);
}

#[test]
fn elements_filter_and_errors() {
    let ws = Workspace::new();
    small_table(&ws);
    let base = [
        "anomalies",
        "samples.csv",
        "--x",
        "lon",
        "--y",
        "lat",
        "--points-crs",
        "EPSG:4326",
        "--out-dir",
        "out",
    ];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        base.iter().chain(extra).copied().collect()
    }
    run_ok(&ws, &with(&base, &["--elements", "la"]));
    let (_, rows) = read_thresholds(&ws.path("out/thresholds.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "La");

    let fails = |args: &[&str], expect: &str| {
        let ws = Workspace::new();
        small_table(&ws);
        let e = refused(&ws, args, Some("out"));
        assert!(e.contains(expect), "{e}");
    };
    fails(
        &with(&base, &["--elements", "La,Xx"]),
        "--elements: \"Xx\" is not an element symbol",
    );
    fails(
        &with(&base, &["--elements", "W"]),
        "samples.csv: no column for element W; element columns are Mo_ppm, La",
    );
    fails(
        &[
            "anomalies",
            "samples.csv",
            "--x",
            "lon",
            "--y",
            "lat",
            "--out-dir",
            "out",
        ],
        "--points-crs is required",
    );
    fails(
        &[
            "anomalies",
            "nope.csv",
            "--x",
            "lon",
            "--y",
            "lat",
            "--points-crs",
            "EPSG:4326",
            "--out-dir",
            "out",
        ],
        "nope.csv: file not found",
    );
}

const KOLA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/kola_chorizon.csv"
);

fn kola_args<'a>(elements: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "anomalies",
        KOLA,
        "--x",
        "lon_wgs84",
        "--y",
        "lat_wgs84",
        "--points-crs",
        "EPSG:4326",
        "--elements",
        elements,
        "--out-dir",
        out,
    ]
}

/// Kola C-horizon soils. Medians, p95 and the log-based thresholds were computed with numpy
/// 1.24 on the same file (`np.median`, `np.quantile(x, 0.95)`, and on `np.log10(x)` the median,
/// MAD and quartiles):
///
/// | column | median | p95 | median_2mad | tukey_upper |
/// |---|---|---|---|---|
/// | La | 12.8 | 40.16 | 36.94289613510516 | 54.30580079512687 |
/// | La_INAA | 24.0 | 61.799999999999955 | 73.46482237659039 | 110.93864825191324 |
/// | Ce_INAA | 45.0 | 127.99999999999955 | 135.8728124649673 | 218.47299348673863 |
/// | Mo | 0.1 | 0.7 | 0.1 | 0.1 |
/// | Mo_INAA | 0.5 | 5.0 | 0.5 | 0.5 |
/// | Sn_INAA | 50.0 | 50.0 | 50 (numpy 49.99999999999999) | 50 (idem) |
#[test]
fn kola_la_ce_mo_sn() {
    if !Path::new(KOLA).exists() {
        eprintln!("skipping: {KOLA} not found");
        return;
    }
    let ws = Workspace::new();
    let out = ws.path("out");
    run_ok(&ws, &kola_args("La,Ce,Mo,Sn", out.to_str().unwrap()));
    let (header, rows) = read_thresholds(&out.join("thresholds.csv"));
    assert_eq!(header, COLUMNS);
    let expected = [
        ("La", 12.8, 40.16, 36.94289613510516, 54.30580079512687),
        (
            "La (La_INAA)",
            24.0,
            61.8,
            73.46482237659039,
            110.93864825191324,
        ),
        (
            "Ce (Ce_INAA)",
            45.0,
            128.0,
            135.8728124649673,
            218.47299348673863,
        ),
        ("Mo", 0.1, 0.7, 0.1, 0.1),
        ("Mo (Mo_INAA)", 0.5, 5.0, 0.5, 0.5),
        ("Sn (Sn_INAA)", 50.0, 50.0, 50.0, 50.0),
    ];
    assert_eq!(rows.len(), expected.len());
    for (row, (name, median, p95, mad2, tukey)) in rows.iter().zip(expected) {
        assert_eq!(row[..5], [name, "ppm", "605", "0", "0"]);
        assert!(close(num(&row[5]), median, 1e-12), "{row:?}");
        assert!(close(num(&row[8]), p95, 1e-12), "{row:?}");
        assert!(close(num(&row[6]), mad2, 1e-12), "{row:?}");
        assert!(close(num(&row[7]), tukey, 1e-12), "{row:?}");
        // C–A breakpoints: ascending, within the range of the data.
        let ca: Vec<f64> = row[9]
            .split(';')
            .filter(|t| !t.is_empty())
            .map(num)
            .collect();
        assert!(ca.windows(2).all(|w| w[0] < w[1]), "{row:?}");
        assert!(
            ca.iter().all(|&v| v > 0.0 && v < 10.0 * p95.max(1.0)),
            "{row:?}"
        );
    }
    // La has a clear C–A structure (the Khibiny and Lovozero alkaline complexes).
    assert!(!rows[0][9].is_empty());

    let features = check_geojson(&out.join("samples.geojson"), 605);
    let p = &features[0]["properties"];
    assert_eq!(p["ID"], "1");
    assert_eq!(p["La"], 8.5);
    for col in ["La", "La_INAA", "Ce_INAA", "Mo", "Mo_INAA", "Sn_INAA"] {
        let class = p[format!("{col}_class")].as_str().unwrap();
        assert!(
            ["background", "anomalous", "strongly anomalous"].contains(&class),
            "{col}: {class}"
        );
    }
    // Sn_INAA at the substituted detection limit (50) is background, not anomalous.
    let sn50 = features
        .iter()
        .filter(|f| f["properties"]["Sn_INAA"] == 50.0)
        .map(|f| f["properties"]["Sn_INAA_class"].as_str().unwrap())
        .collect::<Vec<_>>();
    assert!(sn50.len() > 300 && sn50.iter().all(|c| *c == "background"));
    // The first site, as in the file.
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        serde_json::json!([28.218601, 69.349311])
    );
}

#[test]
fn kola_results_do_not_depend_on_threads() {
    if !Path::new(KOLA).exists() {
        eprintln!("skipping: {KOLA} not found");
        return;
    }
    let ws = Workspace::new();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = ws.path(&format!("out{threads}"));
        let mut args = kola_args("La", out.to_str().unwrap());
        args.extend(["--threads", threads]);
        run_ok(&ws, &args);
        outputs.push((
            std::fs::read(out.join("thresholds.csv")).unwrap(),
            std::fs::read(out.join("samples.geojson")).unwrap(),
        ));
    }
    assert!(
        outputs[0] == outputs[1],
        "outputs differ between 1 and 2 threads"
    );
}
