//! The block engine through the binary: several blocks, any thread count, batches.
use std::process::Command;

use crate::fixtures::{field, have, read_band, run_in, run_ok, write_tif, Workspace};

/// 1500 x 1500 cells of 20 m: three blocks of the engine.
const BIG_GRID: &str = "[project]\nname = \"big\"\ncrs = \"EPSG:32648\"\nresolution = 20.0\n\
                        extent = [680000.0, 4740000.0, 710000.0, 4770000.0]\n";

fn big_project(ws: &Workspace) -> String {
    // A lon/lat raster (warped) and an on-grid raster (copied), plus faults (burnt).
    write_tif(
        &ws.path("eth.tif"),
        "EPSG:4326",
        [107.15, 0.001, 0.0, 43.09, 0.0, -0.001],
        450,
        350,
        field(450, 350),
        Some(-9999.0),
    );
    write_tif(
        &ws.path("mag.tif"),
        "EPSG:32648",
        [679000.0, 20.0, 0.0, 4771000.0, 0.0, -20.0],
        1600,
        1600,
        field(1600, 1600),
        None,
    );
    ws.write(
        "f.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[107.2,42.85],[107.3,43.0],[107.55,43.05]]}}]}"#,
    );
    format!(
        "{BIG_GRID}[[rasters]]\npath = \"eth.tif\"\nname = \"eth\"\n[[rasters]]\npath = \"mag.tif\"\nname = \"mag\"\n\
         [[vectors]]\npath = \"f.geojson\"\nname = \"faults\"\nrole = \"faults\"\n"
    )
}

/// Runs `p.toml` into `out` on `threads` threads, quietly; it must succeed.
fn run_with_threads(ws: &Workspace, threads: &str, out: &str) {
    run_ok(
        ws,
        &["run", "p.toml", "--out", out, "--threads", threads, "-q"],
    );
}

#[test]
fn outputs_are_bit_identical_for_any_thread_count() {
    let ws = Workspace::new();
    ws.write("p.toml", &big_project(&ws));
    run_with_threads(&ws, "1", "t1");
    run_with_threads(&ws, "2", "t2");
    run_with_threads(&ws, "3", "t3");
    let files = ws.files("t1");
    // Layers, distance and membership layers, and prospectivity maps.
    assert!(
        files.len() >= 3 && files.iter().any(|f| f.starts_with("prospectivity_")),
        "{files:?}"
    );
    // The manifest records the thread count and timings; its hashes of the other files are
    // compared through those files.
    for f in files.iter().filter(|f| *f != "manifest.json") {
        let a = std::fs::read(ws.path("t1").join(f)).unwrap();
        for other in ["t2", "t3"] {
            let b = std::fs::read(ws.path(other).join(f)).unwrap();
            assert!(a == b, "{f} differs between --threads 1 and {other}");
        }
    }
}

#[test]
fn multi_block_warp_matches_gdalwarp_on_the_whole_grid() {
    if !have("gdalwarp") {
        return;
    }
    let ws = Workspace::new();
    ws.write("p.toml", &big_project(&ws));
    run_with_threads(&ws, "2", "out");
    let st = Command::new("gdalwarp")
        .args([
            "-q",
            "-t_srs",
            "EPSG:32648",
            "-te",
            "680000",
            "4740000",
            "710000",
            "4770000",
        ])
        .args([
            "-ts",
            "1500",
            "1500",
            "-r",
            "bilinear",
            "-ot",
            "Float32",
            "-dstnodata",
            "nan",
        ])
        .args([ws.path("eth.tif"), ws.path("ref.tif")])
        .status()
        .unwrap();
    assert!(st.success());
    let (_, _, ours) = read_band(&ws.path("out/layers/eth.tif"));
    let (_, _, reference) = read_band(&ws.path("ref.tif"));
    let mut compared = 0;
    for (i, (a, b)) in ours.iter().zip(&reference).enumerate() {
        assert_eq!(a.is_nan(), b.is_nan(), "cell {i}: {a} vs {b}");
        if !a.is_nan() {
            compared += 1;
            assert!(
                (a - b).abs() <= 1e-5 * b.abs().max(1.0),
                "cell {i}: {a} vs {b}"
            );
        }
    }
    assert!(compared > 1_000_000, "{compared}");
}

#[test]
fn batch_runs_every_survey_and_reports_failures() {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path("surveys/good")).unwrap();
    write_tif(
        &ws.path("surveys/good/m.tif"),
        "EPSG:32648",
        [680000.0, 250.0, 0.0, 4767500.0, 0.0, -250.0],
        40,
        30,
        field(40, 30),
        None,
    );
    let good = "[project]\nname = \"g\"\ncrs = \"EPSG:32648\"\nresolution = 250.0\n\
                extent = [680000.0, 4760000.0, 690000.0, 4767500.0]\n[[rasters]]\npath = \"m.tif\"\nname = \"m\"\n";
    ws.write("surveys/good/project.toml", good);
    ws.write("surveys/second.toml", &good.replace("m.tif", "good/m.tif"));
    ws.write("surveys/broken.toml", &good.replace("m.tif", "missing.tif"));
    let o = run_in(&ws, &["batch", "surveys", "--out", "out"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("1 of 3 surveys failed"), "{stderr}");
    assert!(
        stdout.contains("broken") && stdout.contains("failed") && stdout.contains("missing.tif"),
        "{stdout}"
    );
    assert!(ws.path("out/good/layers/m.tif").exists());
    assert!(ws.path("out/second/layers/m.tif").exists());
    let csv = std::fs::read_to_string(ws.path("out/batch_summary.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(ws.files("out/broken").is_empty());
}
