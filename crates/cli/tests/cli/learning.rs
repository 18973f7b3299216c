//! Data-driven models through the binary: `geoprospect model` on a synthetic grid whose
//! deposits follow one layer (determinism across thread counts, the maps' ranges, the signal
//! ranked above the noise, the tables), its refusals, and a project that maps a commodity by
//! gradient boosting beside its fuzzy preset.
use crate::fixtures::{read_band, refused, run_ok, write_tif, Workspace};

const UTM: &str = "EPSG:32648";
const GT: [f64; 6] = [600_000.0, 100.0, 0.0, 4_505_000.0, 0.0, -100.0];
const W: usize = 160;
const H: usize = 120;

/// Three layers: `signal` (a west-east gradient), `noise` (seeded), `rock` (three classes in
/// north-south bands, the deposits' class the east one), and deposits drawn with a logistic
/// probability of `signal`, in two districts a few km apart.
fn survey(ws: &Workspace) {
    let signal: Vec<f32> = (0..W * H).map(|i| (i % W) as f32 / W as f32).collect();
    let noise: Vec<f32> = (0..W * H)
        .map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 8) as f32 / 16_777_216.0)
        .collect();
    let rock: Vec<f32> = (0..W * H).map(|i| ((i / W) * 3 / H) as f32).collect();
    write_tif(&ws.path("signal.tif"), UTM, GT, W, H, signal.clone(), None);
    write_tif(&ws.path("noise.tif"), UTM, GT, W, H, noise, None);
    write_tif(&ws.path("rock.tif"), UTM, GT, W, H, rock, None);
    let mut csv = String::from("x,y,commodity\n");
    let mut k = 7u32;
    for r in (0..H).step_by(3) {
        for c in (0..W).step_by(3) {
            k = k.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let p = 1.0 / (1.0 + (-(-9.0 + 9.0 * signal[r * W + c] as f64)).exp());
            if ((k >> 8) % 10_000) as f64 / 10_000.0 < p {
                let x = 600_000.0 + c as f64 * 100.0 + 50.0;
                let y = 4_505_000.0 - r as f64 * 100.0 - 50.0;
                csv.push_str(&format!("{x},{y},Sn\n"));
            }
        }
    }
    csv.push_str("600050,4504950,Cu\n");
    ws.write("dep.csv", &csv);
}

fn model_args<'a>(method: &'a str, out: &'a str, threads: &'a str) -> Vec<&'a str> {
    vec![
        "model",
        "signal.tif",
        "noise.tif",
        "rock.tif",
        "--classes",
        "rock",
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
        "--method",
        method,
        "--out",
        out,
        "--threads",
        threads,
    ]
}

fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn gradient_boosting_learns_the_signal_identically_for_any_thread_count() {
    let ws = Workspace::new();
    survey(&ws);
    let summary = run_ok(&ws, &model_args("gradient-boosting", "m1", "1"));
    assert!(
        summary.contains("gradient-boosting of 5 members on 5 evidence columns"),
        "{summary}"
    );
    assert!(
        summary.contains("spatial block cross-validation ("),
        "{summary}"
    );
    run_ok(&ws, &model_args("gradient-boosting", "m2", "2"));
    for f in [
        "prospectivity_sn.tif",
        "prospectivity_sn_uncertainty.tif",
        "importance_sn.csv",
        "crossval_sn.csv",
    ] {
        assert!(ws.path(&format!("m1/{f}")).is_file(), "{f}");
    }
    for f in ["prospectivity_sn.tif", "prospectivity_sn_uncertainty.tif"] {
        let (_, _, a) = read_band(&ws.path(&format!("m1/{f}")));
        let (_, _, b) = read_band(&ws.path(&format!("m2/{f}")));
        assert!(
            a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()),
            "{f} differs between 1 and 2 threads"
        );
    }
    for f in ["importance_sn.csv", "crossval_sn.csv"] {
        assert_eq!(
            std::fs::read_to_string(ws.path(&format!("m1/{f}"))).unwrap(),
            std::fs::read_to_string(ws.path(&format!("m2/{f}"))).unwrap(),
            "{f}"
        );
    }
    let (_, _, p) = read_band(&ws.path("m1/prospectivity_sn.tif"));
    let (_, _, sd) = read_band(&ws.path("m1/prospectivity_sn_uncertainty.tif"));
    assert!(
        p.iter().all(|v| (0.0..=1.0).contains(v)),
        "probabilities in [0, 1]"
    );
    assert!(
        sd.iter().all(|v| (0.0..=0.5).contains(v)),
        "spread in [0, 0.5]"
    );
    // The east (high signal) scores above the west.
    let mean = |c0: usize, c1: usize| {
        let v: Vec<f64> = (0..H)
            .flat_map(|r| (c0..c1).map(move |c| r * W + c))
            .map(|i| p[i])
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(
        mean(W - 20, W) > mean(0, 20) + 0.3,
        "{} vs {}",
        mean(W - 20, W),
        mean(0, 20)
    );
    let importance = read_csv(&ws.path("m1/importance_sn.csv"));
    let drop = |name: &str| {
        importance
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("{name}: {importance:?}"))[1]
            .parse::<f64>()
            .unwrap()
    };
    assert!(drop("signal") > 0.05, "{importance:?}");
    assert!(drop("signal") > drop("noise") + 0.03, "{importance:?}");
    let cv = read_csv(&ws.path("m1/crossval_sn.csv"));
    let auc = |scheme: &str, fold: &str| {
        cv.iter()
            .find(|r| r[0] == scheme && r[1] == fold)
            .unwrap_or_else(|| panic!("{scheme} {fold}: {cv:?}"))[5]
            .parse::<f64>()
            .unwrap()
    };
    assert!(auc("training", "all") > 0.8, "{cv:?}");
    assert!(auc("random", "mean") > 0.7, "{cv:?}");
    assert!(auc("spatial", "mean") > 0.6, "{cv:?}");
}

#[test]
fn random_forest_maps_probability_and_spread() {
    let ws = Workspace::new();
    survey(&ws);
    let summary = run_ok(&ws, &model_args("random-forest", "rf", "2"));
    assert!(
        summary.contains("random-forest of 300 members"),
        "{summary}"
    );
    let (_, _, p) = read_band(&ws.path("rf/prospectivity_sn.tif"));
    let (_, _, sd) = read_band(&ws.path("rf/prospectivity_sn_uncertainty.tif"));
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
    // Trees disagree somewhere (the spread of a forest is not 0 everywhere) and never beyond
    // the largest spread of probabilities.
    assert!(sd.iter().any(|&v| v > 0.01) && sd.iter().all(|&v| v <= 0.5));
}

#[test]
fn model_refusals_are_one_line_and_write_nothing() {
    let ws = Workspace::new();
    survey(&ws);
    let mut args = model_args("gradient-boosting", "bad", "1");
    // A commodity no deposit names.
    let k = args.iter().position(|a| *a == "Sn").unwrap();
    args[k] = "REE";
    let e = refused(&ws, &args, Some("bad"));
    assert!(e.contains("dep.csv") && e.contains("REE"), "{e}");
    // Too few deposits on the grid (one Cu deposit).
    args[k] = "Cu";
    let e = refused(&ws, &args, Some("bad"));
    assert!(e.contains("dep.csv") && e.contains("at least 3"), "{e}");
    // A --classes name that is no layer.
    let mut args = model_args("gradient-boosting", "bad", "1");
    let k = args.iter().position(|a| *a == "rock").unwrap();
    args[k] = "rocks";
    let e = refused(&ws, &args, Some("bad"));
    assert!(
        e.contains("\"rocks\"") && e.contains("signal, noise, rock"),
        "{e}"
    );
    // Out of range settings.
    let mut args = model_args("gradient-boosting", "bad", "1");
    args.extend(["--negatives-per-positive", "0"]);
    let e = refused(&ws, &args, Some("bad"));
    assert!(e.contains("per_positive"), "{e}");
    let mut args = model_args("gradient-boosting", "bad", "1");
    args.extend(["--learning-rate=-1"]);
    let e = refused(&ws, &args, Some("bad"));
    assert!(e.contains("learning_rate"), "{e}");
    // The output folder holding an input under an output's name.
    std::fs::create_dir_all(ws.path("same")).unwrap();
    std::fs::copy(ws.path("signal.tif"), ws.path("same/prospectivity_sn.tif")).unwrap();
    let mut args = model_args("gradient-boosting", "same", "1");
    args[1] = "same/prospectivity_sn.tif";
    let e = refused(&ws, &args, None);
    assert!(e.contains("input and an output"), "{e}");
}

/// A project that maps Mo by gradient boosting and compares it with a fuzzy overlay of the
/// preset's evidence: both
/// maps, the uncertainty, QGIS styles, the report's side-by-side maps, importance and
/// comparison, and the manifest's model and spatial cross-validation.
#[test]
fn a_project_maps_gradient_boosting_beside_its_fuzzy_model() {
    let ws = Workspace::new();
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/korea");
    let base = std::fs::read_to_string(samples.join("project.toml")).unwrap();
    for f in std::fs::read_dir(&samples).unwrap().flatten() {
        std::fs::copy(f.path(), ws.path(&f.file_name().to_string_lossy())).unwrap();
    }
    let base = crate::fixtures::presets_only(&base);
    let (stdout, _) = crate::fixtures::project_ok(
        &ws,
        &format!(
            "{base}\n[models.mo]\nmethod = \"gradient-boosting\"\ncompare = [\"fuzzy\"]\n\
             negatives = {{ per_positive = 20, exclude_km = 0.5 }}\nseed = 7\n"
        ),
    );
    for f in [
        "prospectivity_mo.tif",
        "prospectivity_mo_uncertainty.tif",
        "prospectivity_mo_fuzzy.tif",
        "prospectivity_mo.qml",
        "prospectivity_mo_uncertainty.qml",
        "prospectivity_mo_fuzzy.qml",
        "map_mo_uncertainty.png",
        "map_mo_fuzzy.png",
        "targets_mo.geojson",
    ] {
        assert!(ws.path(&format!("out/{f}")).is_file(), "{f}: {stdout}");
    }
    let line = stdout
        .lines()
        .find(|l| l.contains("Mo cross-validation (gradient-boosting"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("random 5-fold: area"), "{line}");
    assert!(line.contains("spatial block cross-validation ("), "{line}");
    // The fuzzy map keeps its weights-of-evidence check.
    assert!(
        stdout.contains("Mo cross-validation (5-fold, 9 occurrences): knowledge-driven"),
        "{stdout}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("out/manifest.json")).unwrap())
            .unwrap();
    let mo = &manifest["results"]["mo"];
    assert_eq!(mo["method"], "gradient-boosting");
    assert_eq!(mo["uncertainty_map"], "prospectivity_mo_uncertainty.tif");
    assert_eq!(mo["compared"][0]["method"], "fuzzy");
    assert_eq!(mo["compared"][0]["score_map"], "prospectivity_mo_fuzzy.tif");
    assert_eq!(mo["model"]["learning"]["seed"], 7);
    assert_eq!(mo["model"]["positives"], 9);
    assert_eq!(mo["model"]["negatives"], 180);
    let spatial = &mo["model"]["validation"]["spatial"];
    assert!(spatial["held_out_auc"].as_f64().unwrap() > 0.0, "{spatial}");
    let importance = mo["model"]["validation"]["importance"].as_array().unwrap();
    assert!(!importance.is_empty());
    // The zones' top evidence comes from the model's own evidence.
    let targets: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("out/targets_mo.geojson")).unwrap())
            .unwrap();
    let names: Vec<&str> = importance
        .iter()
        .map(|i| i["evidence"].as_str().unwrap())
        .collect();
    for f in targets["features"].as_array().unwrap() {
        let top = f["properties"]["top_evidence"].as_str().unwrap();
        assert!(names.contains(&top), "{top} not in {names:?}");
    }
    let report = std::fs::read_to_string(ws.path("out/report.html")).unwrap();
    for text in [
        "Methods compared",
        "Evidence importance",
        "Mo prospectivity by fuzzy",
        "Mo uncertainty of the gradient-boosting map",
        "gradient-boosting refitted per fold: AUC",
    ] {
        assert!(report.contains(text), "{text}");
    }
}

/// Korea has two Sn occurrences: too few to train on. A compared gradient-boosting map is
/// left out with a warning and the run goes on; as the model's own method it is refused,
/// naming the model, before anything is written.
#[test]
fn too_few_occurrences_skip_a_compared_map_and_refuse_the_models_own() {
    let ws = Workspace::new();
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/korea");
    let base = crate::fixtures::presets_only(
        &std::fs::read_to_string(samples.join("project.toml")).unwrap(),
    );
    for f in std::fs::read_dir(&samples).unwrap().flatten() {
        std::fs::copy(f.path(), ws.path(&f.file_name().to_string_lossy())).unwrap();
    }
    let (_, stderr) = crate::fixtures::project_ok(
        &ws,
        &format!("{base}\n[models.sn]\ncompare = [\"gradient-boosting\"]\n"),
    );
    assert!(
        stderr.contains("Sn: no gradient-boosting map to compare")
            && stderr.contains("at least 3 occurrences"),
        "{stderr}"
    );
    assert!(ws.path("out/prospectivity_sn.tif").exists());
    assert!(!ws
        .path("out/prospectivity_sn_gradient-boosting.tif")
        .exists());
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    let e = crate::fixtures::project_refused(
        &ws,
        &format!("{base}\n[models.sn]\nmethod = \"random-forest\"\n"),
    );
    assert!(
        e.contains("models.sn")
            && e.contains("\"random-forest\" needs at least 3 Sn occurrences")
            && e.contains("have 2"),
        "{e}"
    );
}
