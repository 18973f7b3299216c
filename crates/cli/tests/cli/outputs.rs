//! The outputs of `geoprospect run` people and GIS tools read (targets, samples, manifest),
//! checked against GDAL's own tools, and `geoprospect validate` on hand-computed cases.
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::fixtures::{have, refused, run_ok, write_tif, Workspace};

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sha256_hex(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Twice the signed area of a ring (positive: counter-clockwise).
fn signed_area2(ring: &[[f64; 2]]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum()
}

fn position(p: &Value) -> [f64; 2] {
    let a = p.as_array().expect("a position is an array");
    assert_eq!(a.len(), 2, "{p}");
    let (lon, lat) = (a[0].as_f64().unwrap(), a[1].as_f64().unwrap());
    assert!((-180.0..=180.0).contains(&lon), "longitude {lon}");
    assert!((-90.0..=90.0).contains(&lat), "latitude {lat}");
    [lon, lat]
}

fn check_polygon(rings: &Value, what: &str) {
    for (i, ring) in rings.as_array().unwrap().iter().enumerate() {
        let pts: Vec<[f64; 2]> = ring.as_array().unwrap().iter().map(position).collect();
        assert!(
            pts.len() >= 4,
            "{what}: ring {i} has {} positions",
            pts.len()
        );
        assert_eq!(pts.first(), pts.last(), "{what}: ring {i} is not closed");
        let a = signed_area2(&pts);
        if i == 0 {
            assert!(a > 0.0, "{what}: exterior ring is not counter-clockwise");
        } else {
            assert!(a < 0.0, "{what}: hole {i} is not clockwise");
        }
    }
}

/// Checks the RFC 7946 rules on a GeoJSON file; returns its features.
fn check_rfc7946(path: &Path) -> Vec<Value> {
    let v = read_json(path);
    let what = path.display().to_string();
    assert_eq!(v["type"], "FeatureCollection", "{what}");
    assert!(v.get("crs").is_none(), "{what}: RFC 7946 has no crs member");
    let features = v["features"].as_array().unwrap().clone();
    for (k, f) in features.iter().enumerate() {
        assert_eq!(f["type"], "Feature");
        assert!(f["properties"].is_object());
        let g = &f["geometry"];
        let what = format!("{what} feature {k}");
        match g["type"].as_str().unwrap() {
            "Point" => {
                position(&g["coordinates"]);
            }
            "Polygon" => check_polygon(&g["coordinates"], &what),
            "MultiPolygon" => {
                for p in g["coordinates"].as_array().unwrap() {
                    check_polygon(p, &what);
                }
            }
            other => panic!("{what}: unexpected geometry {other}"),
        }
    }
    features
}

/// `ogrinfo -al -so` reads the file and reports `n` features (skips without ogrinfo).
fn check_ogrinfo(path: &Path, n: usize) {
    if !have("ogrinfo") {
        return;
    }
    let o = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}: {text}", path.display());
    assert!(
        text.contains(&format!("Feature Count: {n}")),
        "{}: expected {n} features:\n{text}",
        path.display()
    );
}

/// Every geometry of `layer` in `path` is valid for GEOS (`ST_IsValid` through OGR's SQLite
/// dialect; skips without ogrinfo).
fn check_valid_geometries(path: &Path, layer: &str) {
    if !have("ogrinfo") {
        return;
    }
    let o = Command::new("ogrinfo")
        .args(["-ro", "-q", "-dialect", "sqlite", "-sql"])
        .arg(format!(
            "SELECT COUNT(*) AS invalid FROM \"{layer}\" WHERE NOT ST_IsValid(geometry)"
        ))
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("invalid (Integer) = 0"),
        "{}: invalid geometries\n{text}{}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// GDAL's COG validator (Debian's python3-gdal), or `None` with a message when absent.
fn cog_validator() -> Option<PathBuf> {
    let candidates = [
        "/usr/share/doc/python3-gdal/examples/validate_cloud_optimized_geotiff.py",
        "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py",
    ];
    let found = candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .filter(|_| Path::new("/usr/bin/python3").exists());
    if found.is_none() {
        eprintln!("skipping COG validation: validate_cloud_optimized_geotiff.py or /usr/bin/python3 not found (python3-gdal)");
    }
    found
}

/// Every `.tif` under `dir`.
fn tifs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "tif") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Runs GDAL's validator on every file in one Python process; panics naming the failures.
fn check_cogs(files: &[PathBuf]) {
    let Some(script) = cog_validator() else {
        return;
    };
    let program = "import importlib.util, sys\n\
         spec = importlib.util.spec_from_file_location('v', sys.argv[1])\n\
         v = importlib.util.module_from_spec(spec); spec.loader.exec_module(v)\n\
         bad = [f for f in sys.argv[2:] if v.main(['validate', '-q', f]) != 0]\n\
         print('\\n'.join(bad)); sys.exit(1 if bad else 0)\n";
    let o = Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(program)
        .arg(&script)
        .args(files)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "not valid COGs:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn sample_batches_write_targets_samples_manifest_and_valid_cogs() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    for batch in ["mongolia", "korea"] {
        let ws = Workspace::new();
        let project = root.join(format!("samples/{batch}/project.toml"));
        let stdout = run_ok(
            &ws,
            &[
                "run",
                project.to_str().unwrap(),
                "--out",
                "out",
                "--threads",
                "2",
            ],
        );
        assert_eq!(stdout.matches(" target zone").count(), 3, "{stdout}");
        // Three maps by their presets and one by gradient boosting, compared with its preset
        // (`compare` in the sample projects).
        assert_eq!(
            stdout
                .lines()
                .filter(|l| l.contains(" cross-validation ("))
                .count(),
            4,
            "{stdout}"
        );
        assert_eq!(
            stdout.matches("spatial block cross-validation (").count(),
            4,
            "{stdout}"
        );
        let out = ws.path("out");
        for c in ["ree", "sn", "mo"] {
            let targets = out.join(format!("targets_{c}.geojson"));
            let features = check_rfc7946(&targets);
            assert!(!features.is_empty(), "{batch} {c}: no target zones");
            check_ogrinfo(&targets, features.len());
            check_valid_geometries(&targets, &format!("targets_{c}"));
            for (i, f) in features.iter().enumerate() {
                let p = &f["properties"];
                assert_eq!(p["rank"], i + 1, "{batch} {c}: ranks in order");
                assert!(p["area_km2"].as_f64().unwrap() > 0.0);
                assert!(p["max_score"].as_f64().unwrap() >= p["mean_score"].as_f64().unwrap());
                assert!(p["top_evidence"].is_string(), "{p}");
                let names = p["occurrences"].as_str().unwrap();
                let n = p["n_occurrences"].as_u64().unwrap() as usize;
                assert_eq!(
                    n,
                    if names.is_empty() {
                        0
                    } else {
                        names.split(';').count()
                    }
                );
            }
            let scores: Vec<f64> = features
                .iter()
                .map(|f| f["properties"]["max_score"].as_f64().unwrap())
                .collect();
            assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

            let samples = out.join(format!("samples_{c}.geojson"));
            let features = check_rfc7946(&samples);
            assert!(
                features.len() > 100,
                "{batch} {c}: {} samples",
                features.len()
            );
            check_ogrinfo(&samples, features.len());
            let p = &features[0]["properties"];
            assert!(p["sample_id"].is_string(), "{p}");
            let flags = ["", "<", ">", "na"];
            for f in &features {
                for (k, v) in f["properties"].as_object().unwrap() {
                    if k.ends_with("_flag") {
                        assert!(flags.contains(&v.as_str().unwrap()), "{k}: {v}");
                    }
                }
            }
        }
        // The Sn samples carry Sn with its class.
        let sn = read_json(&out.join("samples_sn.geojson"));
        let classes: std::collections::BTreeSet<String> = sn["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["properties"]["Sn_class"].as_str().map(String::from))
            .collect();
        assert!(
            classes.contains("background") && classes.contains("anomalous"),
            "{classes:?}"
        );

        // The manifest: hashes of the final files, inputs with their side files, timings.
        let m = read_json(&out.join("manifest.json"));
        assert_eq!(m["tool"], "geoprospect");
        assert_eq!(m["threads"], 2);
        assert!(m["project"]["targets"]["min_cells"].is_number());
        // The Sn preset: an index overlay of mineral-system components, weights recorded.
        let sn = &m["models"]["sn"];
        let description = sn["description"].as_str().unwrap();
        assert!(
            description.starts_with("index overlay of groups source 0.3 (granite_contact)"),
            "{description}"
        );
        assert_eq!(sn["method"], "index");
        assert_eq!(sn["group_weights"]["footprint"], 0.25);
        let outputs = m["outputs"].as_array().unwrap();
        assert!(outputs.iter().all(|o| o["path"] != "manifest.json"));
        for o in outputs {
            assert!(out.join(o["path"].as_str().unwrap()).exists(), "{o}");
        }
        for name in ["targets_sn.geojson", "prospectivity_mo.tif"] {
            let entry = outputs
                .iter()
                .find(|o| o["path"] == name)
                .unwrap_or_else(|| panic!("{batch}: {name} not in the manifest"));
            assert_eq!(
                entry["sha256"],
                sha256_hex(&out.join(name)),
                "{batch} {name}"
            );
            assert_eq!(
                entry["bytes"],
                std::fs::metadata(out.join(name)).unwrap().len()
            );
        }
        let inputs: Vec<String> = m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["path"].as_str().unwrap().to_string())
            .collect();
        let expected: &[&str] = if batch == "korea" {
            &[
                "project.toml",
                "geology.dbf",
                "geology.shx",
                "geology.prj",
                "soil_assays.csv",
            ]
        } else {
            &[
                "project.toml",
                "magnetics_tmi.ers",
                "magnetics_tmi",
                "stream_sediments.csv",
            ]
        };
        for e in expected {
            assert!(
                inputs.iter().any(|i| i.ends_with(&format!("/{e}"))),
                "{batch}: {e} not among {inputs:?}"
            );
        }
        for i in m["inputs"].as_array().unwrap() {
            let p = Path::new(i["path"].as_str().unwrap());
            assert_eq!(i["sha256"], sha256_hex(p), "{}", p.display());
        }
        let stages: Vec<&str> = m["timings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["stage"].as_str().unwrap())
            .collect();
        for s in [
            "ingest",
            "geochem",
            "prospectivity",
            "targets",
            "cross-validation",
        ] {
            assert!(stages.contains(&s), "{stages:?}");
        }
        let cv = &m["results"]["sn"]["cross_validation"];
        assert!(cv["wofe"]["held_out_auc"].is_number(), "{cv}");
        assert!(
            cv["wofe"]["spatial"]["held_out_auc"].is_number(),
            "{batch}: no spatial block cross-validation: {cv}"
        );

        check_cogs(&tifs(&out));
    }
}

/// A 20 x 15 grid of 100 m cells (EPSG:32648) with two blobs and a speck; the project scores
/// Sn from the raster alone (score = raster value), so the zones are known.
fn blobs_project(ws: &Workspace, targets: &str) -> PathBuf {
    let (w, h) = (20usize, 15usize);
    let mut v = vec![0.1f32; w * h];
    for r in 2..=4 {
        for c in 2..=5 {
            v[r * w + c] = 0.9;
        }
    }
    v[3 * w + 3] = 0.95;
    for r in 9..=12 {
        for c in 12..=16 {
            v[r * w + c] = 0.8;
        }
    }
    v[19] = 0.85; // a one-cell speck in the top-right corner
    write_tif(
        &ws.path("blobs.tif"),
        "EPSG:32648",
        [600000.0, 100.0, 0.0, 4701500.0, 0.0, -100.0],
        w,
        h,
        v,
        None,
    );
    ws.write(
        "occ.csv",
        "name,commodity,x,y\nAlpha,Sn,600350,4701150\nBeta,Sn-W,601450,4700350\n\
         Delta,Sn,600050,4700050\nGamma,Mo,600350,4701150\n",
    );
    ws.write(
        "p.toml",
        &format!(
            "[project]\nname = \"blobs\"\ncrs = \"EPSG:32648\"\nresolution = 100.0\n\
             extent = [600000.0, 4700000.0, 602000.0, 4701500.0]\ncommodities = [\"sn\"]\n\
             [[rasters]]\npath = \"blobs.tif\"\nname = \"blobs\"\n\
             [deposits]\npath = \"occ.csv\"\nx = \"x\"\ny = \"y\"\ncrs = \"EPSG:32648\"\n\
             commodity = \"commodity\"\nname = \"name\"\n\
             [targets]\n{targets}\n\
             [models.sn]\ncombine = \"or\"\n\
             [[models.sn.evidence]]\nname = \"blobs\"\nraster = [\"blobs\"]\n\
             membership = {{ fn = \"linear\", low = 0.0, high = 1.0 }}\n"
        ),
    )
}

#[test]
fn two_blobs_give_two_ranked_targets() {
    let ws = Workspace::new();
    let p = blobs_project(&ws, "min_score = 0.5");
    let stdout = run_ok(
        &ws,
        &["run", p.to_str().unwrap(), "--out", "a", "--threads", "1"],
    );
    assert!(stdout.contains("2 target zones"), "{stdout}");
    assert!(stdout.contains("1 smaller zone dropped"), "{stdout}");
    // Sn occurrences: Alpha, Beta, Delta (Gamma is Mo): leave-one-out.
    assert!(stdout.contains("leave-one-out, 3 occurrences"), "{stdout}");
    let features = check_rfc7946(&ws.path("a/targets_sn.geojson"));
    assert_eq!(features.len(), 2);
    let p0 = &features[0]["properties"];
    let p1 = &features[1]["properties"];
    assert_eq!(
        (p0["rank"].as_u64(), p1["rank"].as_u64()),
        (Some(1), Some(2))
    );
    // Rank 1: the 4 x 3 blob with the 0.95 peak; rank 2: the 5 x 4 blob of 0.8.
    assert_eq!(p0["cells"], 12);
    assert_eq!(p0["area_km2"], 0.12);
    assert_eq!(p0["max_score"], 0.95);
    let mean = (11.0 * 0.9f32 as f64 + 0.95f32 as f64) / 12.0;
    assert!((p0["mean_score"].as_f64().unwrap() - mean).abs() < 1e-6);
    assert_eq!(p0["occurrences"], "Alpha");
    assert_eq!(p0["top_evidence"], "blobs");
    assert_eq!(p1["cells"], 20);
    assert_eq!(p1["area_km2"], 0.2);
    assert_eq!(p1["max_score"], 0.8);
    assert_eq!(p1["occurrences"], "Beta");
    assert_eq!(p1["n_occurrences"], 1);
    // Both are rectangles: one ring of 4 corners (plus densified vertices), closed.
    for f in &features {
        assert_eq!(f["geometry"]["type"], "Polygon");
        assert_eq!(f["geometry"]["coordinates"].as_array().unwrap().len(), 1);
    }
    // Centroid of blob 1 (rows 2-4, cols 2-5): (600400, 4701150) in UTM 48N.
    let (lon, lat) = (
        p0["centroid_lon"].as_f64().unwrap(),
        p0["centroid_lat"].as_f64().unwrap(),
    );
    if have("cs2cs") {
        let ll = crate::fixtures::cs2cs("EPSG:32648", "EPSG:4326", "600400 4701150\n");
        // cs2cs gives latitude, longitude for EPSG:4326.
        assert!(
            (ll[0][0] - lat).abs() < 2e-6 && (ll[0][1] - lon).abs() < 2e-6,
            "{ll:?} {lon} {lat}"
        );
    }
    check_ogrinfo(&ws.path("a/targets_sn.geojson"), 2);
    // No samples in this project: an empty collection.
    assert!(check_rfc7946(&ws.path("a/samples_sn.geojson")).is_empty());

    // Any thread count: the same bytes, in every output but the manifest.
    run_ok(
        &ws,
        &["run", p.to_str().unwrap(), "--out", "b", "--threads", "3"],
    );
    let outputs = |dir: &str| -> Vec<(String, String)> {
        let m = read_json(&ws.path(&format!("{dir}/manifest.json")));
        m["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["path"].as_str().unwrap().to_string(),
                    o["sha256"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(outputs("a"), outputs("b"));
    assert_eq!(
        std::fs::read(ws.path("a/targets_sn.geojson")).unwrap(),
        std::fs::read(ws.path("b/targets_sn.geojson")).unwrap()
    );
}

#[test]
fn top_area_selects_the_highest_cells() {
    let ws = Workspace::new();
    // 300 cells: 267 of 0.1, 20 of 0.8 (blob 2), the 0.85 speck, 11 of 0.9 and the 0.95 peak
    // (blob 1). The 95th percentile is at sorted position 0.95 · 299 = 284.05, between two
    // 0.8 cells: the level is 0.8, so 33 cells pass (5 % is 15, but blob 2 ties at the
    // level); the speck is dropped by min_cells.
    let p = blobs_project(&ws, "top_area = 0.05\nmin_cells = 2");
    run_ok(&ws, &["run", p.to_str().unwrap(), "--out", "out"]);
    let features = check_rfc7946(&ws.path("out/targets_sn.geojson"));
    let cells: Vec<u64> = features
        .iter()
        .map(|f| f["properties"]["cells"].as_u64().unwrap())
        .collect();
    assert_eq!(cells, vec![12, 20]);
    let m = read_json(&ws.path("out/manifest.json"));
    let t = &m["results"]["sn"]["targets"];
    assert_eq!(t["rule"], "top 5 % of the scored area");
    assert_eq!(t["selected_cells"], 33);
    assert_eq!(t["dropped_zones"], 1);
}

/// `geoprospect validate` on a 10 x 10 map scored 0.01 .. 1.00 (row-major) with Sn deposits on
/// the cells scored 1.00, 0.95 and 0.50, one outside the grid and a Mo deposit.
#[test]
fn validate_matches_a_hand_computed_case() {
    let ws = Workspace::new();
    let v: Vec<f32> = (1..=100).map(|i| i as f32 / 100.0).collect();
    write_tif(
        &ws.path("score.tif"),
        "EPSG:32648",
        [500000.0, 100.0, 0.0, 4001000.0, 0.0, -100.0],
        10,
        10,
        v,
        None,
    );
    // Cell (r, c) has centre (500050 + 100c, 4000950 - 100r) and score (10r + c + 1) / 100.
    ws.write(
        "dep.csv",
        "x,y,commodity\n500950,4000050,Sn\n500450,4000050,Sn-W\n500950,4000550,Sn\n\
         400000,4000000,Sn\n500050,4000950,Mo\n",
    );
    let stdout = run_ok(
        &ws,
        &[
            "validate",
            "score.tif",
            "--deposits",
            "dep.csv",
            "--commodity",
            "sn",
            "--x",
            "x",
            "--y",
            "y",
            "--points-crs",
            "EPSG:32648",
            "--out",
            "curve.csv",
        ],
    );
    // AUC = mean over deposits of (cells below + half the tie) / 100:
    // (99.5 + 94.5 + 49.5) / 300 = 0.811667.
    assert!(stdout.contains("AUC 0.812 on 3 deposits"), "{stdout}");
    assert!(stdout.contains("1 outside the grid"), "{stdout}");
    // Top 5 %: only the 1.00 cell's deposit (the 0.95 one needs 6 % of the area): 33 %;
    // 10 % and 20 %: two of three.
    assert!(stdout.contains("33 / 67 / 67 %"), "{stdout}");
    let curve = std::fs::read_to_string(ws.path("curve.csv")).unwrap();
    let t95 = 0.95f32 as f64;
    assert_eq!(
        curve,
        format!(
            "area_fraction,deposit_fraction,score_threshold\n0,0,\n0.01,{},1\n0.06,{},{t95}\n0.51,1,0.5\n1,1,\n",
            1.0 / 3.0,
            2.0 / 3.0
        )
    );
    // P-A: the rate minus the area below the level changes sign between 0.95 and 0.50.
    let d0 = 2.0 / 3.0 - (1.0 - 0.06);
    let d1 = 1.0 - (1.0 - 0.51);
    let f = d0 / (d0 - d1);
    let (t, rate) = (t95 + f * (0.5 - t95), 2.0 / 3.0 + f * (1.0 / 3.0));
    let summary = std::fs::read_to_string(ws.path("curve_summary.csv")).unwrap();
    let get = |k: &str| -> f64 {
        summary
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k},")))
            .unwrap_or_else(|| panic!("{k} not in {summary}"))
            .parse()
            .unwrap()
    };
    assert!((get("auc") - 2.435 / 3.0).abs() < 1e-12);
    assert!((get("capture_5") - 1.0 / 3.0).abs() < 1e-12);
    assert!((get("capture_20") - 2.0 / 3.0).abs() < 1e-12);
    assert!((get("pa_threshold") - t).abs() < 1e-12, "{summary}");
    assert!((get("pa_prediction_rate") - rate).abs() < 1e-12);
    assert_eq!(get("deposits_outside_grid"), 1.0);
    assert_eq!(get("scored_cells"), 100.0);
    let pa = std::fs::read_to_string(ws.path("curve_pa.csv")).unwrap();
    assert_eq!(pa.lines().count(), 4, "{pa}");
    assert!(
        pa.lines().nth(3).unwrap().starts_with("0.5,1,0.51,0.49,"),
        "{pa}"
    );
}

#[test]
fn validate_without_deposits_on_the_grid_is_an_error() {
    let ws = Workspace::new();
    write_tif(
        &ws.path("score.tif"),
        "EPSG:32648",
        [500000.0, 100.0, 0.0, 4001000.0, 0.0, -100.0],
        2,
        2,
        vec![0.1, 0.2, 0.3, 0.4],
        None,
    );
    ws.write("dep.csv", "x,y,commodity\n400000,4000000,Sn\n");
    let e = refused(
        &ws,
        &[
            "validate",
            "score.tif",
            "--deposits",
            "dep.csv",
            "--commodity",
            "Sn",
            "--x",
            "x",
            "--y",
            "y",
            "--deposits-crs",
            "EPSG:32648",
        ],
        None,
    );
    assert!(
        e.starts_with("error: dep.csv: no Sn deposit lies on the grid"),
        "{e}"
    );
}
