//! Hostile sample tables through `run`, `info`, `grid` and `anomalies`: spreadsheet exports,
//! byte-order marks, quoting, broken rows, a million rows, repeated coordinates and columns
//! with nothing above the detection limit.
use crate::fixtures::{project_ok, project_refused, read_band, refused, run_ok, Workspace};
use crate::hostile::{grid_for, lattice_csv, read_csv, utm_samples, GRID};

/// The element values of `out/points/s.csv`: (x, y, value, flag) of column `col` (0-based
/// element column).
fn points(ws: &Workspace, col: usize) -> Vec<(f64, f64, String, String)> {
    let (_, rows) = read_csv(&ws.path("out/points/s.csv"));
    rows.iter()
        .map(|r| {
            (
                r[0].parse().unwrap(),
                r[1].parse().unwrap(),
                r[3 + 2 * col].clone(),
                r[4 + 2 * col].clone(),
            )
        })
        .collect()
}

#[test]
fn semicolon_file_with_decimal_commas_and_quoted_delimiters() {
    // An Excel export in a European locale: `;` between fields, `,` in numbers, a quoted
    // field holding the delimiter, and a censored value written `<0,5`.
    let ws = Workspace::new();
    ws.write(
        "s.csv",
        "sample;x;y;Mo_ppm;note\n\
         K-1;681000,5;4761000,25;1,5;\"Nord; Hang\"\n\
         K-2;682000;4762000;<0,5;\"say \"\"hi\"\"; twice\"\n\
         K-3;683000;4763000;12;plain\n\
         K-4;684000,75;4764000;2,25;\"a;b;c\"\n",
    );
    let (stdout, _) = project_ok(
        &ws,
        &format!("{}{}", grid_for(&["mo"]), utm_samples("s.csv")),
    );
    assert!(
        stdout.contains("s: 4 samples (0 outside the grid), 1 element columns"),
        "{stdout}"
    );
    let p = points(&ws, 0);
    let got: Vec<(f64, f64, &str, &str)> = p
        .iter()
        .map(|(x, y, v, f)| (*x, *y, v.as_str(), f.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (681000.5, 4761000.25, "1.5", ""),
            (682000.0, 4762000.0, "0.25", "<"),
            (683000.0, 4763000.0, "12", ""),
            (684000.75, 4764000.0, "2.25", ""),
        ]
    );
    let info = run_ok(&ws, &["info", "s.csv", "--x", "x", "--y", "y"]);
    assert!(
        info.contains("delimiter ';', decimal comma") && info.contains("rows: 4, columns: 5"),
        "{info}"
    );
    // The quoted id survives into the anomalies GeoJSON whole.
    ws.write(
        "q.csv",
        "sample_id,x,y,Mo_ppm\n\"Erdenet, Orkhon\",681000,4761000,1\nB,682000,4762000,2\n\
         C,683000,4763000,3\nD,684000,4764000,4\nE,685000,4765000,50\n",
    );
    run_ok(
        &ws,
        &[
            "anomalies",
            "q.csv",
            "--x",
            "x",
            "--y",
            "y",
            "--points-crs",
            "EPSG:32648",
            "--out-dir",
            "an",
        ],
    );
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("an/samples.geojson")).unwrap())
            .unwrap();
    assert_eq!(
        gj["features"][0]["properties"]["sample_id"],
        "Erdenet, Orkhon"
    );
    assert_eq!(gj["features"].as_array().unwrap().len(), 5);
}

#[test]
fn byte_order_mark_before_the_first_header() {
    // Without stripping the BOM the first column would be "\u{feff}x" and `x` would be missing.
    let ws = Workspace::new();
    ws.write(
        "s.csv",
        "\u{feff}x,y,Sn_ppm\n681000,4761000,4\n682000,4762000,<1\n",
    );
    project_ok(
        &ws,
        &format!("{}{}", grid_for(&["sn"]), utm_samples("s.csv")),
    );
    let p = points(&ws, 0);
    assert_eq!(
        (p[0].0, p[1].2.as_str(), p[1].3.as_str()),
        (681000.0, "0.5", "<")
    );
    let info = run_ok(&ws, &["info", "s.csv"]);
    assert!(info.contains("x coordinate: column \"x\""), "{info}");
    // A UTF-16 file with its BOM (some Windows exports) reads too.
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "x\ty\tSn_ppm\r\n681000\t4761000\t4,5\r\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(ws.path("u16.csv"), bytes).unwrap();
    let info = run_ok(&ws, &["info", "u16.csv"]);
    assert!(
        info.contains("UTF-16LE") && info.contains("decimal comma"),
        "{info}"
    );
}

#[test]
fn duplicated_column_names_are_refused() {
    let ws = Workspace::new();
    ws.write("s.csv", "x,y,Mo_ppm,Cu_ppm,Mo_ppm\n681000,4761000,1,2,3\n");
    let e = project_refused(&ws, &format!("{GRID}{}", utm_samples("s.csv")));
    assert_eq!(
        e,
        "error: s.csv: duplicated column name \"Mo_ppm\" at columns 3 and 5"
    );
    let e = refused(&ws, &["info", "s.csv"], None);
    assert!(
        e.contains("s.csv") && e.contains("duplicated column name \"Mo_ppm\""),
        "{e}"
    );
}

#[test]
fn text_in_numeric_and_coordinate_cells_is_refused_with_its_line() {
    let ws = Workspace::new();
    ws.write(
        "s.csv",
        "x,y,Mo_ppm\n681000,4761000,1\n\n682000,4762000,12 ppm\n",
    );
    let e = project_refused(&ws, &format!("{GRID}{}", utm_samples("s.csv")));
    assert!(
        e.contains("s.csv")
            && e.contains("column \"Mo_ppm\", row 2 (line 4)")
            && e.contains("\"12 ppm\" is not a number"),
        "{e}"
    );
    // `grid` reads the field the same way.
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
            "250",
            "--out",
            "g.tif",
        ],
        None,
    );
    assert!(
        e.contains("s.csv") && e.contains("line 4") && e.contains("12 ppm"),
        "{e}"
    );
    assert!(!ws.path("g.tif").exists());
    // A decimal point in a decimal-comma file is not silently read as a thousands separator.
    ws.write(
        "c.csv",
        "x;y;Mo_ppm\n681000,5;4761000;1,5\n682000.5;4762000;2,5\n683000;4763000;3\n",
    );
    let e = project_refused(&ws, &format!("{GRID}{}", utm_samples("c.csv")));
    assert!(
        e.contains("c.csv") && e.contains("line 3") && e.contains("\"682000.5\", not a number"),
        "{e}"
    );
    let e = refused(
        &ws,
        &[
            "anomalies",
            "c.csv",
            "--x",
            "x",
            "--y",
            "y",
            "--points-crs",
            "EPSG:32648",
            "--out-dir",
            "an",
        ],
        Some("an"),
    );
    assert!(e.contains("c.csv") && e.contains("682000.5"), "{e}");
}

#[test]
fn rows_with_too_few_or_too_many_fields_are_refused() {
    let ws = Workspace::new();
    ws.write("s.csv", "x,y,Mo_ppm\n681000,4761000,1\n682000,4762000\n");
    let e = project_refused(&ws, &format!("{GRID}{}", utm_samples("s.csv")));
    assert!(
        e.contains("s.csv") && e.contains("line 3 has 2 fields, expected 3"),
        "{e}"
    );
    ws.write("t.csv", "x,y,Mo_ppm\n681000,4761000,1,extra\n");
    let e = refused(&ws, &["info", "t.csv"], None);
    assert!(
        e.contains("t.csv") && e.contains("line 2 has 4 fields"),
        "{e}"
    );
    // An unterminated quote swallows the rest of the file: the row count no longer fits.
    ws.write(
        "u.csv",
        "x,y,Mo_ppm\n681000,\"4761000,1\n682000,4762000,2\n",
    );
    let e = refused(&ws, &["info", "u.csv"], None);
    assert!(e.contains("u.csv") && e.contains("line 2"), "{e}");
}

#[test]
fn binary_file_named_csv_is_refused() {
    let ws = Workspace::new();
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(ws.path("s.csv"), bytes).unwrap();
    let e = project_refused(&ws, &format!("{GRID}{}", utm_samples("s.csv")));
    assert!(e.contains("s.csv"), "{e}");
}

#[test]
fn repeated_sample_coordinates_do_not_break_kriging() {
    // Field duplicates (the same site sampled twice) make the kriging system singular unless
    // they are merged; the run and `grid` must both cope.
    let ws = Workspace::new();
    let mut csv = String::from("x,y,Mo_ppm\n");
    for i in 0..40 {
        let x = 680_300.0 + (i * 7919 % 9400) as f64;
        let y = 4_760_300.0 + (i * 104_729 % 6900) as f64;
        let v = 1.0 + (i % 9) as f64;
        csv.push_str(&format!("{x},{y},{v}\n{x},{y},{}\n", v + 1.0));
    }
    ws.write("s.csv", &csv);
    let (stdout, _) = project_ok(
        &ws,
        &format!(
            "{}[geochem]\nmethod = \"kriging\"\nmax_distance = \"none\"\n{}",
            grid_for(&["mo"]),
            utm_samples("s.csv")
        ),
    );
    assert!(stdout.contains("s: 80 samples"), "{stdout}");
    let (_, _, mo) = read_band(&ws.path("out/geochem/Mo.tif"));
    assert!(mo.iter().all(|v| v.is_finite()), "kriging left holes");
    let summary = run_ok(
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
            "250",
            "--method",
            "kriging",
            "--out",
            "k.tif",
        ],
    );
    assert!(
        summary.contains("40 points at repeated coordinates merged"),
        "{summary}"
    );
    // IDW is exact at samples: on a cell centre holding two samples it takes the first in file
    // order, as `gdal_grid -a invdistnn` does (checked by hand: 2 here, 4 with the rows
    // swapped); elsewhere both count, with equal weights.
    ws.write(
        "one.csv",
        "x,y,Mo_ppm\n680125,4767375,2\n680125,4767375,4\n689875,4760125,10\n",
    );
    run_ok(
        &ws,
        &[
            "grid",
            "one.csv",
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
            "250",
            "--method",
            "idw",
            "--out",
            "i.tif",
        ],
    );
    let (_, _, idw) = read_band(&ws.path("i.tif"));
    assert_eq!(idw[0], 2.0);
    assert!(idw[1] > 2.0 && idw[1] < 4.0, "{}", idw[1]);
}

#[test]
fn a_column_entirely_below_detection_grids_as_a_constant() {
    // Every W value is "<0.5": half the limit, 0.25, everywhere; the Mo preset's W evidence
    // (fuzzy large at its p85) is a constant 0.5, and a project's linear membership between p10
    // and p90, which coincide, is left out with a warning instead of failing the run.
    let ws = Workspace::new();
    ws.write(
        "s.csv",
        &lattice_csv(50, "Mo_ppm,W_ppm", |i| format!("{},<0.5", 1 + i % 11)),
    );
    let samples = utm_samples("s.csv");
    // Every cell gridded (the lattice leaves corners farther than 3 spacings from it).
    let geochem = "[geochem]\nmax_distance = \"none\"\n";
    project_ok(&ws, &format!("{}{geochem}{samples}", grid_for(&["mo"])));
    let (_, _, w) = read_band(&ws.path("out/geochem/W.tif"));
    assert!(w.iter().all(|&v| v == 0.25), "W grid");
    let (_, _, m) = read_band(&ws.path("out/evidence/mo/W.tif"));
    assert!(m.iter().all(|&v| v == 0.5), "W membership");
    let (_, _, score) = read_band(&ws.path("out/prospectivity_mo.tif"));
    assert!(score.iter().all(|v| (0.0..=1.0).contains(v)));

    let own = format!(
        "{}{samples}[models.mo]\n\
         [[models.mo.evidence]]\nname = \"W\"\nelement = \"W\"\n\
         membership = {{ fn = \"linear\", low = \"p10\", high = \"p90\" }}\n\
         [[models.mo.evidence]]\nname = \"Mo\"\nelement = \"Mo\"\n\
         membership = {{ fn = \"large\", midpoint = \"p50\", spread = 5.0 }}\n",
        grid_for(&["mo"])
    );
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    let (stdout, stderr) = project_ok(&ws, &own);
    assert!(
        stderr.contains("evidence W left out") && stderr.contains("both 0.25"),
        "{stderr}"
    );
    assert!(stdout.contains("prospectivity_mo.tif from Mo;"), "{stdout}");
    assert!(!ws.path("out/evidence/mo/W.tif").exists());
    // With only the constant layer there is nothing to score: no map, and no failure.
    let only_w = format!(
        "{}{samples}[models.mo]\n[[models.mo.evidence]]\nname = \"W\"\nelement = \"W\"\n\
         membership = {{ fn = \"linear\", low = \"p10\", high = \"p90\" }}\n",
        grid_for(&["mo"])
    );
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    let (_, stderr) = project_ok(&ws, &only_w);
    assert!(stderr.contains("no prospectivity map"), "{stderr}");
    assert!(!ws.path("out/prospectivity_mo.tif").exists());
    // `anomalies` copes with a column whose MAD is 0.
    let table = run_ok(
        &ws,
        &[
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
        ],
    );
    assert!(table.contains("W (W_ppm)"), "{table}");
    let (_, rows) = read_csv(&ws.path("an/thresholds.csv"));
    let w = rows.iter().find(|r| r[0] == "W (W_ppm)").unwrap();
    assert_eq!(
        (w[3].as_str(), w[5].as_str(), w[6].as_str()),
        ("50", "0.25", "0.25")
    );
}

/// A million rows: `info` and `run` read it whole (33 MB of text; five columns keep the debug
/// build's test time down, the memory figures in `io::table` are for ten).
#[test]
fn a_million_rows() {
    use std::io::Write;
    let ws = Workspace::new();
    let n = 1_000_000usize;
    {
        let f = std::fs::File::create(ws.path("big.csv")).unwrap();
        let mut w = std::io::BufWriter::new(f);
        writeln!(w, "sample_id,x,y,Mo_ppm,W_ppm").unwrap();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for i in 0..n {
            writeln!(
                w,
                "S{i:07},{:.1},{:.1},{:.2},<0.5",
                680_001.0 + next() * 9_998.0,
                4_760_001.0 + next() * 7_498.0,
                0.5 + next() * 20.0,
            )
            .unwrap();
        }
    }
    let info = run_ok(&ws, &["info", "big.csv"]);
    assert!(info.contains("rows: 1000000, columns: 5"), "{info}");
    let w_line = format!(
        "  {:<18} {:<12} {:<6} {:>7} {:>9}",
        "W_ppm", "W", "ppm", 0, n
    );
    assert!(info.contains(&w_line), "{info}");
    let (stdout, _) = project_ok(
        &ws,
        &format!("{}{}", grid_for(&["mo"]), utm_samples("big.csv")),
    );
    assert!(
        stdout.contains("big: 1000000 samples (0 outside the grid), 2 element columns"),
        "{stdout}"
    );
    let lines = std::fs::read_to_string(ws.path("out/points/big.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(lines, n + 1);
    let (_, _, w) = read_band(&ws.path("out/geochem/W.tif"));
    assert!(w.iter().all(|&v| v == 0.25));
}
