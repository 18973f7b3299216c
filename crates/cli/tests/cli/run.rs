//! `geoprospect run` end to end: sample batches to prospectivity maps.
use crate::fixtures::{metadata, project_ok, project_refused, read_band, run_ok, Workspace};

#[test]
fn sample_batches_give_three_prospectivity_maps() {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    for batch in ["mongolia", "korea"] {
        let ws = Workspace::new();
        let project = root.join(format!("samples/{batch}/project.toml"));
        let stdout = run_ok(&ws, &["run", project.to_str().unwrap(), "--out", "out"]);
        for c in ["ree", "sn", "mo"] {
            let path = ws.path(&format!("out/prospectivity_{c}.tif"));
            assert_eq!(
                metadata(&path, "LAYOUT", "IMAGE_STRUCTURE").as_deref(),
                Some("COG"),
                "{batch} {c}"
            );
            let (_, _, v) = read_band(&path);
            let valid: Vec<f64> = v.into_iter().filter(|v| !v.is_nan()).collect();
            assert!(!valid.is_empty(), "{batch} {c}: no scores");
            assert!(
                valid.iter().all(|v| (0.0..=1.0).contains(v)),
                "{batch} {c}: score outside [0, 1]"
            );
            // QGIS styles beside the map, the targets and the samples; the samples are classed
            // by a property they have.
            for stem in ["prospectivity", "targets", "samples"] {
                assert!(
                    ws.path(&format!("out/{stem}_{c}.qml")).exists(),
                    "{batch} {stem}_{c}.qml"
                );
            }
            let style = std::fs::read_to_string(ws.path(&format!("out/samples_{c}.qml"))).unwrap();
            let samples =
                std::fs::read_to_string(ws.path(&format!("out/samples_{c}.geojson"))).unwrap();
            if let Some(attr) = style
                .split("attr=\"")
                .nth(1)
                .and_then(|a| a.split('"').next())
            {
                assert!(
                    attr.ends_with("_class") && samples.contains(&format!("\"{attr}\"")),
                    "{batch} {c}: {attr}"
                );
            }
        }
        // Three maps by the presets and the gradient-boosting map the sample projects compare.
        assert_eq!(stdout.matches("AUC").count(), 4, "{stdout}");
        assert_eq!(stdout.matches(" compared: ").count(), 1, "{stdout}");
        // Element grids and memberships are kept for inspection.
        assert!(ws.path("out/geochem/Mo.tif").exists());
        assert!(ws.path("out/evidence/sn/Sn.tif").exists());
    }
}

#[test]
fn presets_drop_evidence_the_survey_lacks() {
    let ws = Workspace::new();
    ws.write(
        "s.csv",
        "lon,lat,Sn_ppm\n107.20,43.10,1.5\n107.25,43.15,30\n107.30,43.05,2\n107.22,43.12,4\n",
    );
    let (stdout, stderr) = project_ok(
        &ws,
        "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 200.0\ncommodities = [\"sn\"]\n\
         [[samples]]\npath = \"s.csv\"\nx = \"lon\"\ny = \"lat\"\ncrs = \"EPSG:4326\"\n",
    );
    assert!(
        stderr.contains("left out") && stderr.contains("granite") && stderr.contains("no W"),
        "{stderr}"
    );
    assert!(
        stdout.contains("Sn: ") && stdout.contains("from Sn;"),
        "{stdout}"
    );
    assert!(ws.path("out/prospectivity_sn.tif").exists());
    assert!(!ws.path("out/prospectivity_ree.tif").exists());
    let model = metadata(
        &ws.path("out/prospectivity_sn.tif"),
        "GEOPROSPECT_MODEL",
        "",
    )
    .unwrap();
    assert!(model.contains("Sn"), "{model}");
}

#[test]
fn project_model_replaces_the_preset() {
    let ws = Workspace::new();
    ws.write(
        "s.csv",
        "lon,lat,Mo_ppm,Cu_ppm\n107.20,43.10,1.5,20\n107.25,43.15,30,200\n107.30,43.05,2,25\n",
    );
    project_ok(
        &ws,
        "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 200.0\ncommodities = [\"mo\"]\n\
         [[samples]]\npath = \"s.csv\"\nx = \"lon\"\ny = \"lat\"\ncrs = \"EPSG:4326\"\n\
         [models.mo]\ncombine = \"and\"\n\
         [[models.mo.evidence]]\nname = \"moly\"\nelement = \"Mo\"\nmembership = { fn = \"linear\", low = 1.0, high = 30.0 }\n",
    );
    let model = metadata(
        &ws.path("out/prospectivity_mo.tif"),
        "GEOPROSPECT_MODEL",
        "",
    )
    .unwrap();
    assert!(model.contains("fuzzy and of moly"), "{model}");
    // One evidence layer with a linear membership: score = clamp((Mo - 1) / 29, 0, 1).
    let (_, _, score) = read_band(&ws.path("out/prospectivity_mo.tif"));
    let (_, _, mo) = read_band(&ws.path("out/geochem/Mo.tif"));
    for (s, m) in score.iter().zip(&mo) {
        let expected = ((m - 1.0) / 29.0).clamp(0.0, 1.0);
        assert!((s - expected).abs() < 1e-6, "score {s} for Mo {m}");
    }
}

#[test]
fn unknown_model_key_is_an_error_naming_it() {
    let ws = Workspace::new();
    let e = project_refused(
        &ws,
        "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 200.0\nextent = [0.0, 0.0, 1000.0, 1000.0]\n\
         [models.mo]\ncombin = \"and\"\n",
    );
    assert!(e.contains("combin"), "{e}");
}
