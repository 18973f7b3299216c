//! Models through the binary: overlay against the formulas (nodata, grid mismatch, threads),
//! weights of evidence against a hand computation, logistic regression on a synthetic grid.
use gdal::raster::Buffer;
use gdal::spatial_ref::SpatialRef;
use gdal::DriverManager;

use crate::fixtures::{read_band, refused, run_in, run_ok, write_tif, Workspace};

const UTM: &str = "EPSG:32648";
const GT: [f64; 6] = [600_000.0, 100.0, 0.0, 4_505_000.0, 0.0, -100.0];

/// A membership-like layer in [0, 1] with a seeded pattern.
fn membership(w: usize, h: usize, seed: u32) -> Vec<f32> {
    (0..w * h)
        .map(|i| {
            let x = (i as u32)
                .wrapping_mul(2_654_435_761)
                .wrapping_add(seed * 97)
                >> 8;
            (x % 1001) as f32 / 1000.0
        })
        .collect()
}

#[test]
fn fuzzy_overlay_matches_the_formulas_and_propagates_nodata() {
    let ws = Workspace::new();
    let (w, h) = (23, 17);
    let mut layers = Vec::new();
    for (k, name) in ["a.tif", "b.tif", "c.tif"].iter().enumerate() {
        let mut v = membership(w, h, k as u32 + 1);
        v[k * 10] = -1.0; // nodata in one cell of each layer
        write_tif(&ws.path(name), UTM, GT, w, h, v.clone(), Some(-1.0));
        layers.push(v);
    }
    let value = |i: usize| -> Option<[f64; 3]> {
        let v = [layers[0][i], layers[1][i], layers[2][i]];
        (!v.contains(&-1.0)).then(|| v.map(|x| x as f64))
    };
    type Op = (&'static str, fn([f64; 3]) -> f64);
    let ops: [Op; 5] = [
        ("and", |m| m[0].min(m[1]).min(m[2])),
        ("or", |m| m[0].max(m[1]).max(m[2])),
        ("product", |m| m[0] * m[1] * m[2]),
        ("sum", |m| 1.0 - (1.0 - m[0]) * (1.0 - m[1]) * (1.0 - m[2])),
        ("gamma", |m| {
            let s = 1.0 - (1.0 - m[0]) * (1.0 - m[1]) * (1.0 - m[2]);
            let p = m[0] * m[1] * m[2];
            s.powf(0.8) * p.powf(0.2)
        }),
    ];
    for (op, f) in ops {
        let mut args = vec![
            "overlay", "--op", op, "a.tif", "b.tif", "c.tif", "--out", "o.tif",
        ];
        if op == "gamma" {
            args.extend(["--gamma", "0.8"]);
        }
        run_ok(&ws, &args);
        let (_, _, out) = read_band(&ws.path("o.tif"));
        let mut nodata = 0;
        for (i, &o) in out.iter().enumerate() {
            match value(i) {
                None => {
                    assert!(o.is_nan(), "{op}: cell {i} should be nodata");
                    nodata += 1;
                }
                Some(m) => assert!((o - f(m)).abs() < 1e-6, "{op}: cell {i}: {o} vs {}", f(m)),
            }
        }
        assert_eq!(nodata, 3, "{op}");
    }
    run_ok(
        &ws,
        &[
            "overlay",
            "--op",
            "index",
            "--weights",
            "3,2,1",
            "a.tif",
            "b.tif",
            "c.tif",
            "--out",
            "i.tif",
        ],
    );
    let (_, _, out) = read_band(&ws.path("i.tif"));
    for (i, &o) in out.iter().enumerate() {
        if let Some(m) = value(i) {
            let expected = (3.0 * m[0] + 2.0 * m[1] + m[2]) / 6.0;
            assert!((o - expected).abs() < 1e-6);
        } else {
            assert!(o.is_nan());
        }
    }
}

#[test]
fn overlay_refuses_grid_mismatch_naming_the_file() {
    let ws = Workspace::new();
    write_tif(
        &ws.path("a.tif"),
        UTM,
        GT,
        10,
        8,
        membership(10, 8, 1),
        None,
    );
    write_tif(
        &ws.path("b.tif"),
        UTM,
        GT,
        10,
        9,
        membership(10, 9, 2),
        None,
    );
    let mut shifted = GT;
    shifted[0] += 100.0;
    write_tif(
        &ws.path("c.tif"),
        UTM,
        shifted,
        10,
        8,
        membership(10, 8, 3),
        None,
    );
    write_tif(
        &ws.path("d.tif"),
        "EPSG:32649",
        GT,
        10,
        8,
        membership(10, 8, 4),
        None,
    );
    for (other, what) in [
        ("b.tif", "10 x 9"),
        ("c.tif", "geotransform"),
        ("d.tif", "CRS"),
    ] {
        let e = refused(
            &ws,
            &["overlay", "--op", "and", "a.tif", other, "--out", "o.tif"],
            None,
        );
        assert!(e.contains(other) && e.contains(what), "{e}");
    }
    // Values outside [0, 1] are not memberships.
    write_tif(&ws.path("e.tif"), UTM, GT, 10, 8, vec![2.5; 80], None);
    let e = refused(
        &ws,
        &["overlay", "--op", "sum", "a.tif", "e.tif", "--out", "o.tif"],
        None,
    );
    assert!(e.contains("e.tif") && e.contains("2.5"), "{e}");
    let e = refused(
        &ws,
        &[
            "overlay",
            "--op",
            "index",
            "--weights",
            "1,2,3",
            "a.tif",
            "e.tif",
            "--out",
            "o.tif",
        ],
        None,
    );
    assert!(e.contains("3 weights for 2 inputs"), "{e}");
    let e = refused(
        &ws,
        &["overlay", "--op", "gamma", "a.tif", "--out", "o.tif"],
        None,
    );
    assert!(e.contains("--gamma"), "{e}");
    assert!(!ws.path("o.tif").exists());
}

#[test]
fn overlay_is_bit_identical_for_any_thread_count() {
    let ws = Workspace::new();
    // 700 x 2200 cells in strips: two engine blocks.
    let (w, h) = (700, 2200);
    for (k, name) in ["a.tif", "b.tif"].iter().enumerate() {
        write_tif(
            &ws.path(name),
            UTM,
            GT,
            w,
            h,
            membership(w, h, k as u32),
            None,
        );
    }
    for t in ["1", "2", "3"] {
        run_ok(
            &ws,
            &[
                "overlay",
                "--op",
                "gamma",
                "--gamma",
                "0.7",
                "a.tif",
                "b.tif",
                "--out",
                &format!("o{t}.tif"),
                "--threads",
                t,
                "-q",
            ],
        );
    }
    let a = std::fs::read(ws.path("o1.tif")).unwrap();
    assert_eq!(a, std::fs::read(ws.path("o2.tif")).unwrap());
    assert_eq!(a, std::fs::read(ws.path("o3.tif")).unwrap());
}

/// An Int32 class layer of 1 km cells (so that 1 cell = 1 km² = 1 unit cell).
fn class_tif(ws: &Workspace, name: &str, w: usize, h: usize, codes: Vec<i32>) {
    let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut ds = driver
        .create_with_band_type::<i32, _>(ws.path(name), w, h, 1)
        .unwrap();
    ds.set_geo_transform(&[600_000.0, 1000.0, 0.0, 4_510_000.0, 0.0, -1000.0])
        .unwrap();
    ds.set_spatial_ref(&SpatialRef::from_definition(UTM).unwrap())
        .unwrap();
    let mut band = ds.rasterband(1).unwrap();
    band.set_no_data_value(Some(-1.0)).unwrap();
    band.write((0, 0), (w, h), &mut Buffer::new((w, h), codes))
        .unwrap();
}

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (headers, rows)
}

#[test]
fn wofe_table_matches_a_hand_computation() {
    let ws = Workspace::new();
    // 10 x 10 cells of 1 km²: class 1 the two left columns (20 cells), class 2 the rest,
    // one nodata cell in class 2's area (row 9, column 9).
    let mut codes: Vec<i32> = (0..100).map(|i| if i % 10 < 2 { 1 } else { 2 }).collect();
    codes[99] = -1;
    class_tif(&ws, "geology.tif", 10, 10, codes);
    // Mo deposits: two in cell (0, 0), one in (5, 1) -> class 1; one in (7, 7) -> class 2;
    // one on the nodata cell and one outside the grid (left out); a Sn deposit (not Mo).
    let cell = |r: f64, c: f64| {
        (
            600_000.0 + c * 1000.0 + 500.0,
            4_510_000.0 - r * 1000.0 - 500.0,
        )
    };
    let mut csv = String::from("x,y,commodity\n");
    for (r, c, what) in [
        (0.0, 0.0, "Mo"),
        (0.0, 0.0, "Cu-Mo"),
        (5.0, 1.0, "Mo, W"),
        (7.0, 7.0, "Mo"),
        (9.0, 9.0, "Mo"),
        (12.0, 3.0, "Mo"),
        (3.0, 5.0, "Sn"),
    ] {
        let (x, y) = cell(r, c);
        csv.push_str(&format!("{x},{y},\"{what}\"\n"));
    }
    ws.write("dep.csv", &csv);
    let base = [
        "wofe",
        "geology.tif",
        "--deposits",
        "dep.csv",
        "--x",
        "x",
        "--y",
        "y",
        "--deposits-crs",
        UTM,
        "--commodity",
        "Mo",
        "--unit-cell-km2",
        "1",
    ];
    let mut args = base.to_vec();
    args.extend(["--out", "w.csv"]);
    let summary = run_ok(&ws, &args);
    assert!(
        summary.contains("4 Mo deposit(s)") && summary.contains("1 outside the grid, 1 on nodata"),
        "{summary}"
    );
    let (headers, rows) = read_csv(&ws.path("w.csv"));
    assert_eq!(
        &headers[..8],
        [
            "class",
            "area_km2",
            "deposits",
            "w_plus",
            "w_minus",
            "contrast",
            "s_contrast",
            "studentized_contrast"
        ]
    );
    assert_eq!(rows.len(), 2);
    let num = |row: &[String], col: &str| -> f64 {
        row[headers.iter().position(|h| h == col).unwrap()]
            .parse()
            .unwrap()
    };
    // Study area N = 99 unit cells (the nodata cell is out), N(D) = 4, N(D̄) = 95.
    // Class 1: N(B) = 20, N(B∩D) = 3, N(B∩D̄) = 17, N(B̄∩D) = 1, N(B̄∩D̄) = 78.
    //   W+ = ln[(3/4) / (17/95)] = 1.432981;  W− = ln[(1/4) / (78/95)] = −1.189126
    //   s²(W+) = 1/3 + 1/17, s²(W−) = 1/1 + 1/78;  C = 2.622108, s(C) = 1.185317
    let c1 = &rows[0];
    assert_eq!((c1[0].as_str(), c1[2].as_str()), ("1", "3"));
    assert_eq!(num(c1, "area_km2"), 20.0);
    let close = |a: f64, b: f64| (a - b).abs() < 5e-6;
    assert!(close(
        num(c1, "w_plus"),
        ((3.0 / 4.0) / (17.0 / 95.0f64)).ln()
    ));
    assert!(close(num(c1, "w_plus"), 1.432981));
    assert!(close(num(c1, "w_minus"), -1.189126));
    assert!(close(num(c1, "contrast"), 2.622108));
    let s_c = (1.0 / 3.0 + 1.0 / 17.0 + 1.0 + 1.0 / 78.0f64).sqrt();
    assert!(close(num(c1, "s_contrast"), s_c));
    assert!(close(num(c1, "s_contrast"), 1.185317));
    assert!(close(num(c1, "studentized_contrast"), 2.212157));
    assert!(close(
        num(c1, "s_w_plus"),
        (1.0 / 3.0 + 1.0 / 17.0f64).sqrt()
    ));
    let c2 = &rows[1];
    assert_eq!(
        (c2[0].as_str(), num(c2, "area_km2"), c2[2].as_str()),
        ("2", 79.0, "1")
    );

    // Cumulative ascending, generalised at the maximum contrast: row 1 is the pattern.
    let mut args = base.to_vec();
    args.extend([
        "--cumulative",
        "ascending",
        "--generalise",
        "max-contrast",
        "--out",
        "c.csv",
    ]);
    run_ok(&ws, &args);
    let (headers, rows) = read_csv(&ws.path("c.csv"));
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(rows[0][col("generalised_class")], "2");
    assert_eq!(rows[1][col("generalised_class")], "1");
    assert_eq!(rows[1][col("area_km2")], "99");
    assert!(rows[1][col("note")].contains("whole study area"));

    // A unit cell of 4 km² makes class 1 five unit cells holding three deposits.
    let mut args = base.to_vec();
    args[13] = "4";
    args.extend(["--out", "u.csv"]);
    run_ok(&ws, &args);
    let (_, rows) = read_csv(&ws.path("u.csv"));
    let wp = ((3.0 / 4.0) / (2.0 / (24.75 - 4.0f64))).ln();
    assert!(close(rows[0][3].parse().unwrap(), wp));

    let mut args = base.to_vec();
    args[11] = "Sn";
    args.extend(["--generalise", "max-contrast", "--out", "x.csv"]);
    let e = refused(&ws, &args, None);
    assert!(e.contains("--cumulative"), "{e}");
    // Any commodity label: W is the second part of "Mo, W" (one deposit, class 1); a
    // compound is not a label.
    let mut args = base.to_vec();
    args[11] = "w";
    args.extend(["--out", "x.csv"]);
    let summary = run_ok(&ws, &args);
    let (_, rows) = read_csv(&ws.path("x.csv"));
    assert_eq!(
        (rows[0][0].as_str(), rows[0][2].as_str()),
        ("1", "1"),
        "{summary}"
    );
    args[11] = "Mo-W";
    assert!(refused(&ws, &args, None).contains("--commodity"));
}

#[test]
fn wofe_all_deposits_rule_arcsdm_by_default_eis_on_request() {
    let ws = Workspace::new();
    // 10 x 10 cells of 1 km² (unit cell 1 km²): class 1 columns 0-1 (20 cells), class 2
    // columns 2-4 (30), class 3 columns 5-9 (50); Mo deposits: three in class 1, one in class 2.
    let codes: Vec<i32> = (0..100)
        .map(|i| match i % 10 {
            0 | 1 => 1,
            2..=4 => 2,
            _ => 3,
        })
        .collect();
    class_tif(&ws, "d.tif", 10, 10, codes);
    let mut csv = String::from("x,y,commodity\n");
    for (r, c) in [(0.0, 0.0), (3.0, 1.0), (6.0, 0.0), (8.0, 3.0)] {
        let x = 600_000.0 + c * 1000.0 + 500.0;
        let y = 4_510_000.0 - r * 1000.0 - 500.0;
        csv.push_str(&format!("{x},{y},Mo\n"));
    }
    ws.write("dep.csv", &csv);
    let args = |out: &'static str, rule: Option<&'static str>| {
        let mut a = vec![
            "wofe",
            "d.tif",
            "--deposits",
            "dep.csv",
            "--x",
            "x",
            "--y",
            "y",
            "--deposits-crs",
            UTM,
            "--commodity",
            "Mo",
            "--cumulative",
            "ascending",
            "--out",
            out,
        ];
        if let Some(rule) = rule {
            a.extend(["--all-deposits-rule", rule]);
        }
        a
    };
    run_ok(&ws, &args("default.csv", None));
    run_ok(&ws, &args("arcsdm.csv", Some("arcsdm")));
    run_ok(&ws, &args("eis.csv", Some("eis")));
    let default = std::fs::read_to_string(ws.path("default.csv")).unwrap();
    assert_eq!(
        default,
        std::fs::read_to_string(ws.path("arcsdm.csv")).unwrap()
    );
    let (headers, arc) = read_csv(&ws.path("default.csv"));
    let (_, eis) = read_csv(&ws.path("eis.csv"));
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let num = |row: &[String], name: &str| -> f64 { row[col(name)].parse().unwrap() };
    // Row 1 (classes <= 2): 50 of N = 100 unit cells with all N(D) = 4 deposits, N(D̄) = 96.
    // ArcSDM (calculateweights.py, calculate_weights: N(B∩D) − 0.99, the area kept):
    //   A = 3.01, B = 0.99, C = 46.99, D = 49.01;
    // EIS Toolkit (weights_of_evidence.py, _calculate_metrics_for_class): C = 46, D = 50.
    //   W+ = ln[(A/4) / (C/96)],  W− = ln[(0.99/4) / (D/96)].
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert_eq!(arc[1][col("deposits")], "4");
    assert!(close(
        num(&arc[1], "w_minus"),
        ((0.99 / 4.0) / (49.01 / 96.0f64)).ln()
    ));
    assert!(close(
        num(&arc[1], "w_plus"),
        ((3.01 / 4.0) / (46.99 / 96.0f64)).ln()
    ));
    assert!(close(
        num(&eis[1], "w_minus"),
        ((0.99 / 4.0) / (50.0 / 96.0f64)).ln()
    ));
    assert!(close(
        num(&eis[1], "w_plus"),
        ((3.01 / 4.0) / (46.0 / 96.0f64)).ln()
    ));
    assert!(num(&arc[1], "w_minus") != num(&eis[1], "w_minus"));
    assert!(arc[1][col("note")].starts_with("all deposits: ArcSDM rule"));
    assert!(eis[1][col("note")].starts_with("all deposits: EIS Toolkit rule"));
    // Row 0 holds 3 of 4 deposits: no rule applies, both files agree.
    assert_eq!(arc[0], eis[0]);
    assert_eq!(arc[0][col("note")], "");
    // The whole area (row 2): A = 3.01, B = 0.99, C = 95.01, D = 0.99 under both rules,
    // W− = ln(96/4), W+ = ln[(3.01/4) / (95.01/96)]; the note names the rule.
    for (rows, rule) in [(&arc, "ArcSDM rule"), (&eis, "EIS Toolkit rule")] {
        assert!(close(num(&rows[2], "w_minus"), 24.0f64.ln()));
        assert!(close(
            num(&rows[2], "w_plus"),
            ((3.01 / 4.0) / (95.01 / 96.0f64)).ln()
        ));
        let note = &rows[2][col("note")];
        assert!(
            note.starts_with("whole study area: ") && note.contains(rule),
            "{note}"
        );
    }
    // An unknown rule is clap's refusal (exit code 2), listing the two.
    let o = run_in(&ws, &args("x.csv", Some("gis")));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("arcsdm") && stderr.contains("eis"),
        "{stderr}"
    );
    assert!(!ws.path("x.csv").exists());
}

#[test]
fn logistic_fits_a_synthetic_grid_deterministically() {
    let ws = Workspace::new();
    let (w, h) = (120, 100);
    // Layer a: a west-east gradient 0..1; layer b: noise. Deposits where a is high.
    let a: Vec<f32> = (0..w * h).map(|i| (i % w) as f32 / w as f32).collect();
    let b = membership(w, h, 9);
    write_tif(&ws.path("a.tif"), UTM, GT, w, h, a.clone(), None);
    write_tif(&ws.path("b.tif"), UTM, GT, w, h, b, None);
    let mut csv = String::from("x,y,commodity\n");
    let mut k = 0u32;
    for r in (0..h).step_by(3) {
        for c in (0..w).step_by(2) {
            k = k.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let p = 1.0 / (1.0 + (-(-7.0 + 6.0 * a[r * w + c] as f64)).exp());
            if ((k >> 8) % 10_000) as f64 / 10_000.0 < p {
                let x = 600_000.0 + c as f64 * 100.0 + 50.0;
                let y = 4_505_000.0 - r as f64 * 100.0 - 50.0;
                csv.push_str(&format!("{x},{y},Sn\n"));
            }
        }
    }
    ws.write("dep.csv", &csv);
    let args = |out: &'static str, threads: &'static str| {
        vec![
            "logistic",
            "a.tif",
            "b.tif",
            "--deposits",
            "dep.csv",
            "--x",
            "x",
            "--y",
            "y",
            "--deposits-crs",
            UTM,
            "--commodity",
            "Sn",
            "--out",
            out,
            "--threads",
            threads,
        ]
    };
    let summary = run_ok(&ws, &args("m1.csv", "1"));
    assert!(summary.contains("background cell(s) (seed 1)"), "{summary}");
    run_ok(&ws, &args("m2.csv", "2"));
    let text = std::fs::read_to_string(ws.path("m1.csv")).unwrap();
    assert_eq!(text, std::fs::read_to_string(ws.path("m2.csv")).unwrap());
    let (headers, rows) = read_csv(&ws.path("m1.csv"));
    assert_eq!(
        headers,
        ["term", "coefficient", "std_error", "z", "p_value"]
    );
    let terms: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(terms, ["intercept", "a", "b"]);
    let coef = |i: usize, j: usize| rows[i][j].parse::<f64>().unwrap();
    // The gradient predicts deposits strongly; the noise does not.
    assert!(coef(1, 1) > 2.0 && coef(1, 4) < 1e-3, "{rows:?}");
    assert!(coef(2, 4) > 0.001, "{rows:?}");
    assert!(coef(0, 2) > 0.0 && coef(1, 2) > 0.0);
}

#[test]
fn wofe_is_identical_for_any_thread_count() {
    let ws = Workspace::new();
    // Ten distance-like classes in bands over 1100 x 1000 cells (two engine blocks), as
    // Float32 with whole numbers; deposits scattered over them.
    let (w, h) = (1100, 1000);
    let classes: Vec<f32> = (0..w * h).map(|i| ((i % w) / 110) as f32).collect();
    write_tif(&ws.path("d.tif"), UTM, GT, w, h, classes, None);
    let mut csv = String::from("x,y,commodity\n");
    for k in 0..60u64 {
        let (r, c) = ((k * 7919) % h as u64, (k * k * 104_729) % w as u64);
        let x = 600_000.0 + c as f64 * 100.0 + 50.0;
        let y = 4_505_000.0 - r as f64 * 100.0 - 50.0;
        csv.push_str(&format!("{x},{y},REE\n"));
    }
    ws.write("dep.csv", &csv);
    for t in ["1", "2"] {
        run_ok(
            &ws,
            &[
                "wofe",
                "d.tif",
                "--deposits",
                "dep.csv",
                "--x",
                "x",
                "--y",
                "y",
                "--deposits-crs",
                UTM,
                "--commodity",
                "REE",
                "--cumulative",
                "descending",
                "--generalise",
                "max-studentized",
                "--out",
                &format!("w{t}.csv"),
                "--threads",
                t,
            ],
        );
    }
    let a = std::fs::read_to_string(ws.path("w1.csv")).unwrap();
    assert_eq!(a, std::fs::read_to_string(ws.path("w2.csv")).unwrap());
    assert_eq!(a.lines().count(), 11);
}

/// Regression: class scores naming a class the layer does not have (`granit` for `granite`)
/// used to score 0 silently; the run now warns, naming the misspelt key and the layer's classes.
#[test]
fn misspelt_class_scores_are_a_warning_naming_the_classes() {
    let ws = Workspace::new();
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/korea");
    let mut project = crate::fixtures::presets_only(
        &std::fs::read_to_string(samples.join("project.toml")).unwrap(),
    );
    for f in std::fs::read_dir(&samples).unwrap().flatten() {
        std::fs::copy(f.path(), ws.path(&f.file_name().to_string_lossy())).unwrap();
    }
    project.push_str(
        "\n[models.mo]\ncombine = \"or\"\n\
         [[models.mo.evidence]]\nname = \"Mo\"\nelement = \"Mo\"\n\
         membership = { fn = \"large\", midpoint = \"p90\", spread = 5.0 }\n\
         [[models.mo.evidence]]\nname = \"host_rock\"\nclasses = \"geology\"\n\
         scores = { limestone = 0.9, granit = 0.6 }\n",
    );
    let (_, stderr) = crate::fixtures::project_ok(&ws, &project);
    let warning = stderr
        .lines()
        .find(|l| l.contains("host_rock"))
        .unwrap_or_else(|| panic!("no warning about host_rock: {stderr}"));
    assert!(warning.contains("WARN"), "{warning}");
    assert!(warning.contains("no class named granit"), "{warning}");
    assert!(warning.contains("granite, limestone"), "{warning}");
}

/// `cv_block_km` sets the side of the spatial cross-validation blocks: the manifest records it
/// (with its half as the buffer), the summary line gives the spatial figures next to the random
/// folds', and a side that is not a positive number of km is refused naming the model.
#[test]
fn cv_block_km_sets_the_spatial_blocks() {
    let ws = Workspace::new();
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/korea");
    let base = crate::fixtures::presets_only(
        &std::fs::read_to_string(samples.join("project.toml")).unwrap(),
    );
    for f in std::fs::read_dir(&samples).unwrap().flatten() {
        std::fs::copy(f.path(), ws.path(&f.file_name().to_string_lossy())).unwrap();
    }
    let (stdout, _) =
        crate::fixtures::project_ok(&ws, &format!("{base}\n[models.mo]\ncv_block_km = 4.0\n"));
    let line = stdout
        .lines()
        .find(|l| l.contains("Mo cross-validation"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("weights-of-evidence check: area"), "{line}");
    assert!(
        line.contains("blocks of 4 km, buffer 2 km): area"),
        "{line}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("out/manifest.json")).unwrap())
            .unwrap();
    let s = &manifest["results"]["mo"]["cross_validation"]["wofe"]["spatial"];
    assert_eq!(s["block_km"], 4.0, "{s}");
    assert_eq!(s["buffer_km"], 2.0);
    assert_eq!(s["block_given"], true);
    let folds = s["folds"].as_array().unwrap();
    let held: u64 = folds.iter().map(|f| f["held_out"].as_u64().unwrap()).sum();
    assert_eq!(
        held,
        manifest["results"]["mo"]["cross_validation"]["occurrences"]
            .as_u64()
            .unwrap()
    );
    let report = std::fs::read_to_string(ws.path("out/report.html")).unwrap();
    assert!(report.contains("Spatial block cross-validation"));
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    let e = crate::fixtures::project_refused(
        &ws,
        &format!("{base}\n[models.mo]\ncv_block_km = -1.0\n"),
    );
    assert!(e.contains("models.mo") && e.contains("cv_block_km"), "{e}");
}
